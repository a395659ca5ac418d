// Command customstore shows a host plugging its own store into Roster: a
// wrapper around memstore that counts look-ups. store_test.go proves it with
// the conformance suite in one line:
//
//	go run ./examples/customstore
//	go test ./examples/customstore
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

func main() {
	ctx := context.Background()
	st := NewCountingStore()
	m, err := membership.New(st, membership.Options{})
	if err != nil {
		log.Fatal(err)
	}

	org, err := m.CreateOrganization(ctx, "ann", membership.NewOrganization{Name: "Acme", Slug: "acme"})
	if err != nil {
		log.Fatal(err)
	}
	ws, err := m.CreateWorkspace(ctx, "ann", org.ID, "Marketing")
	if err != nil {
		log.Fatal(err)
	}
	for range 3 {
		if _, err := m.Can(ctx, org.ID, "ann", ws.ID, roles.PermUploadVideo); err != nil {
			log.Fatal(err)
		}
	}
	checks, writes := st.Counts()
	fmt.Printf("member inserts: %d, permission look-ups: %d\n", writes, checks)
}
