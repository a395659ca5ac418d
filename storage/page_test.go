package storage_test

import (
	"testing"

	"github.com/rosterkit/roster/storage"
	"github.com/stretchr/testify/require"
)

func TestPageSize(t *testing.T) {
	for limit, want := range map[int]int{0: 50, 1: 1, 500: 500, 501: 500, 1 << 30: 500} {
		got, err := storage.Page{Limit: limit}.Size()
		require.NoError(t, err)
		require.Equal(t, want, got, "limit %d", limit)
	}
	_, err := storage.Page{Limit: -1}.Size()
	require.ErrorIs(t, err, storage.ErrInvalidCursor)
}

func TestCursorRoundTrip(t *testing.T) {
	for _, key := range []string{"a", "user-000123", "01a2051b-0bfe-7f1c-9aeb-7f828491514a", "ünï\x00code"} {
		got, err := storage.Page{After: storage.Cursor(key)}.Key()
		require.NoError(t, err)
		require.Equal(t, key, got)
	}
	got, err := storage.Page{}.Key()
	require.NoError(t, err)
	require.Empty(t, got, "the first page has no key")
}

func TestForeignCursorsAreInvalid(t *testing.T) {
	for _, c := range []string{"!!", "AA", "AQ", "eyJ4IjoxfQ", "user-1"} {
		_, err := storage.Page{After: c}.Key()
		require.ErrorIs(t, err, storage.ErrInvalidCursor, c)
	}
}
