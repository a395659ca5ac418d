package storage_test

import (
	"errors"
	"strconv"
	"testing"

	"github.com/rosterkit/roster/storage"
)

// list is a keyset-paged list of n numbered items.
func list(n int) func(storage.Page) ([]int, string, error) {
	return func(p storage.Page) ([]int, string, error) {
		size, err := p.Size()
		if err != nil {
			return nil, "", err
		}
		from := 0
		if k, err := p.Key(); err != nil {
			return nil, "", err
		} else if k != "" {
			from, _ = strconv.Atoi(k)
			from++
		}
		var out []int
		for i := from; i < n && len(out) < size; i++ {
			out = append(out, i)
		}
		if len(out) == 0 || out[len(out)-1] == n-1 {
			return out, "", nil
		}
		return out, storage.Cursor(strconv.Itoa(out[len(out)-1])), nil
	}
}

func TestAllWalksEveryPage(t *testing.T) {
	for _, n := range []int{0, 1, storage.MaxPageSize, 2*storage.MaxPageSize + 7} {
		got := 0
		for v, err := range storage.All(list(n)) {
			if err != nil || v != got {
				t.Fatalf("n=%d: item %d is %d, %v", n, got, v, err)
			}
			got++
		}
		if got != n {
			t.Fatalf("n=%d: iterated %d items", n, got)
		}
	}
}

func TestAllStopsWhenTold(t *testing.T) {
	calls, seen := 0, 0
	counted := func(p storage.Page) ([]int, string, error) { calls++; return list(5000)(p) }
	for v := range storage.All(counted) {
		seen++
		if v == 3 {
			break
		}
	}
	if seen != 4 || calls != 1 {
		t.Fatalf("break after 4 items: saw %d, fetched %d pages", seen, calls)
	}
}

func TestAllYieldsAnErrorOnceAndStops(t *testing.T) {
	boom := errors.New("boom")
	failing := func(p storage.Page) ([]int, string, error) {
		if p.After != "" {
			return nil, "", boom
		}
		return []int{1}, storage.Cursor("1"), nil
	}
	var errs []error
	n := 0
	for _, err := range storage.All(failing) {
		n++
		if err != nil {
			errs = append(errs, err)
		}
	}
	if n != 2 || len(errs) != 1 || !errors.Is(errs[0], boom) {
		t.Fatalf("got %d items and errors %v; want one item then boom", n, errs)
	}
	stuck := func(storage.Page) ([]int, string, error) { return []int{1}, storage.Cursor("same"), nil }
	n, errs = 0, nil
	for _, err := range storage.All(stuck) {
		n++
		if err != nil {
			errs = append(errs, err)
		}
		if n > 10 {
			t.Fatal("a stuck cursor loops")
		}
	}
	if len(errs) != 1 {
		t.Fatalf("a stuck cursor gave errors %v", errs)
	}
}
