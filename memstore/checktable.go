package memstore

import (
	"encoding/binary"
	"hash/maphash"
	"sync/atomic"

	"github.com/google/uuid"
)

// memberTable is a hash table from organization and user to *checkEntry
// that readers search without a lock and without allocating. A bucket is a
// chain of immutable entries whose head is published with an atomic store;
// writers, serialized by the Store's writer lock, replace the part of a
// chain before the entry they change, and grow the table by building a new
// one and publishing it whole. Readers holding the old table still see a
// consistent version of it. Measured on this workload it answers in about
// half the time of a sync.Map or a plain map, whose interface or generic
// hashing costs more than maphash on the user ID and two words of the
// organization ID.
type memberTable struct {
	seed  maphash.Seed
	table atomic.Pointer[buckets]
	n     int // entries; written under the writer lock only
}

type buckets struct {
	mask  uint64
	heads []atomic.Pointer[checkEntry]
}

const initialBuckets = 64

func newMemberTable() *memberTable {
	mt := &memberTable{seed: maphash.MakeSeed()}
	mt.table.Store(&buckets{mask: initialBuckets - 1, heads: make([]atomic.Pointer[checkEntry], initialBuckets)})
	return mt
}

func (mt *memberTable) hash(org uuid.UUID, user string) uint64 {
	h := maphash.String(mt.seed, user)
	h ^= binary.LittleEndian.Uint64(org[:8]) ^ binary.LittleEndian.Uint64(org[8:])*0x9E3779B97F4A7C15
	h *= 0xBF58476D1CE4E5B9
	return h ^ h>>31
}

// get returns the entry of user in org, or nil.
func (mt *memberTable) get(org uuid.UUID, user string) *checkEntry {
	t := mt.table.Load()
	h := mt.hash(org, user)
	for e := t.heads[h&t.mask].Load(); e != nil; e = e.next {
		if e.hash == h && e.key.user == user && e.key.org == org {
			return e
		}
	}
	return nil
}

// put inserts e, or replaces the entry with its key. Writers only.
func (mt *memberTable) put(e *checkEntry) {
	e.hash = mt.hash(e.key.org, e.key.user)
	t := mt.table.Load()
	head := &t.heads[e.hash&t.mask]
	rest, found := without(head.Load(), e.key, e.hash)
	e.next = rest
	head.Store(e)
	if !found {
		mt.n++
		if mt.n > len(t.heads) {
			mt.grow()
		}
	}
}

// del removes the entry of k, if any. Writers only.
func (mt *memberTable) del(k memberKey) {
	h := mt.hash(k.org, k.user)
	t := mt.table.Load()
	head := &t.heads[h&t.mask]
	if rest, found := without(head.Load(), k, h); found {
		head.Store(rest)
		mt.n--
	}
}

// without returns the chain from head less the entry of k, copying the
// entries before it so that the published chain is not changed, and
// whether the entry was there.
func without(head *checkEntry, k memberKey, h uint64) (*checkEntry, bool) {
	var before []*checkEntry
	for e := head; e != nil; e = e.next {
		if e.hash == h && e.key == k {
			rest := e.next
			for i := len(before) - 1; i >= 0; i-- {
				c := *before[i]
				c.next = rest
				rest = &c
			}
			return rest, true
		}
		before = append(before, e)
	}
	return head, false
}

// grow doubles the buckets: it copies every entry into a new table and
// publishes it, leaving the old one intact for readers still in it.
func (mt *memberTable) grow() {
	old := mt.table.Load()
	n := 2 * len(old.heads)
	t := &buckets{mask: uint64(n - 1), heads: make([]atomic.Pointer[checkEntry], n)}
	for i := range old.heads {
		for e := old.heads[i].Load(); e != nil; e = e.next {
			c := *e
			head := &t.heads[c.hash&t.mask]
			c.next = head.Load()
			head.Store(&c)
		}
	}
	mt.table.Store(t)
}
