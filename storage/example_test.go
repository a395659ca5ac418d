package storage_test

import (
	"fmt"

	"github.com/rosterkit/roster/storage"
)

// Stores page lists by keyset: a cursor encodes the last key of a page.
func ExamplePage() {
	keys := []string{"user-1", "user-2", "user-3", "user-4", "user-5"}
	page := storage.Page{Limit: 2}
	for {
		after, err := page.Key()
		if err != nil {
			fmt.Println(err)
			return
		}
		size, _ := page.Size()
		var got []string
		for _, k := range keys {
			if k > after && len(got) < size {
				got = append(got, k)
			}
		}
		fmt.Println(got)
		if len(got) < size {
			return
		}
		page.After = storage.Cursor(got[len(got)-1])
	}
	// Output:
	// [user-1 user-2]
	// [user-3 user-4]
	// [user-5]
}
