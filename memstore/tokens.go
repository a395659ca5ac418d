package memstore

import (
	"bytes"

	"github.com/google/btree"
	"github.com/google/uuid"
)

// Invitations and links are found by the SHA-256 hash of their token, across
// organizations, through a store-wide tree each. An empty hash is no token:
// it is not indexed and conflicts with nothing.

// tokenRow points from a token hash to its invitation or link.
type tokenRow struct {
	hash    string
	org, id uuid.UUID
}

func lessToken(a, b tokenRow) bool { return a.hash < b.hash }

// tokenTaken reports whether hash belongs to another record than id.
func tokenTaken(tokens *btree.BTreeG[tokenRow], hash []byte, id uuid.UUID) bool {
	if len(hash) == 0 {
		return false
	}
	r, ok := tokens.Get(tokenRow{hash: string(hash)})
	return ok && r.id != id
}

// retoken moves record id of org from hash old to hash new in tokens.
func retoken(t *tx, tokens *btree.BTreeG[tokenRow], old, new []byte, org, id uuid.UUID) {
	if bytes.Equal(old, new) {
		return
	}
	if len(old) > 0 {
		del(t, tokens, tokenRow{hash: string(old)})
	}
	if len(new) > 0 {
		put(t, tokens, tokenRow{hash: string(new), org: org, id: id})
	}
}
