package memstore_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
	"github.com/rosterkit/roster/storage"
)

// A failed transaction leaves no trace, audit included.
func Example() {
	ctx := context.Background()
	st := memstore.New()
	m, err := membership.New(st, membership.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	org, _ := m.CreateOrganization(ctx, "ann", membership.NewOrganization{Name: "Acme", Slug: "acme"})

	errCancel := errors.New("changed my mind")
	err = st.Transact(ctx, func(ctx context.Context) error {
		if _, err := m.CreateWorkspace(ctx, "ann", org.ID, "Drafts"); err != nil {
			return err
		}
		return errCancel
	})
	fmt.Println(errors.Is(err, errCancel))

	spaces, _, _ := st.Workspaces(ctx, org.ID, storage.Page{})
	fmt.Println("workspaces:", len(spaces))
	// Output:
	// true
	// workspaces: 0
}
