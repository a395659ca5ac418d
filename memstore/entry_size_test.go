package memstore

import (
	"testing"
	"unsafe"
)

// TestCheckEntrySize keeps a check entry in the 256-byte size class, whose
// objects start on a cache line, so that what a check reads of it is in
// two lines, and an owner's or admin's check in one.
func TestCheckEntrySize(t *testing.T) {
	if n := unsafe.Sizeof(checkEntry{}); n <= 208 || n > 256 {
		t.Fatalf("checkEntry is %d bytes, want 209 to 256", n)
	}
	// An owner's or admin's check reads the first line only.
	if off := unsafe.Offsetof(checkEntry{}.perms0); off+8 > 64 {
		t.Fatalf("perms0 ends at byte %d, past the first cache line", off+8)
	}
	if off := unsafe.Offsetof(checkEntry{}.allOrg); off+8 > 64 {
		t.Fatalf("allOrg ends at byte %d, past the first cache line", off+8)
	}
	if off := unsafe.Offsetof(checkEntry{}.perms12); off+16 > 128 {
		t.Fatalf("the workspace permission sets end at byte %d, past the second cache line", off+16)
	}
}
