package invite_test

import (
	"testing"

	"github.com/rosterkit/roster/memstore"
	"github.com/rosterkit/roster/storage/storagetest"
)

func TestInvitationsOnMemstore(t *testing.T) {
	storagetest.TestInvitations(t, func(t *testing.T) storagetest.Store { return memstore.New() })
}

func TestLinksOnMemstore(t *testing.T) {
	storagetest.TestLinks(t, func(t *testing.T) storagetest.Store { return memstore.New() })
}

func TestInvitationsOnSharedMemstore(t *testing.T) {
	st := memstore.New()
	storagetest.TestInvitations(t, func(t *testing.T) storagetest.Store { return st })
	storagetest.TestLinks(t, func(t *testing.T) storagetest.Store { return st })
}
