package storage

import (
	"errors"
	"iter"
)

// All iterates over a whole keyset-paged list, fetching it list page by
// page of MaxPageSize items, so that a caller writes no paging loop. An
// error ends the iteration: it is yielded once, with a zero item. A list
// whose cursor does not move ends with an error instead of looping.
func All[T any](list func(page Page) ([]T, string, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		page := Page{Limit: MaxPageSize}
		for {
			items, next, err := list(page)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			switch {
			case next == "":
				return
			case next == page.After:
				var zero T
				yield(zero, errStuck)
				return
			}
			page.After = next
		}
	}
}

var errStuck = errors.New("storage: a list returned the same cursor twice")
