package memstore

import (
	"testing"
	"unsafe"
)

// TestCheckEntrySize keeps a check entry in the 256-byte size class, whose
// objects start on a cache line, so that what a check reads of it is in
// two lines.
func TestCheckEntrySize(t *testing.T) {
	if n := unsafe.Sizeof(checkEntry{}); n <= 208 || n > 256 {
		t.Fatalf("checkEntry is %d bytes, want 209 to 256", n)
	}
	if off := unsafe.Offsetof(checkEntry{}.perms12); off+16 > 128 {
		t.Fatalf("the workspace permission sets end at byte %d, past the second cache line", off+16)
	}
}
