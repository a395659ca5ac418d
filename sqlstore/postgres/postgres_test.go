package postgres_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/rosterkit/roster/sqlstore"
	"github.com/rosterkit/roster/sqlstore/postgres"
)

func TestOpenErrorsCarryNoSecret(t *testing.T) {
	_, err := postgres.Open(t.Context(), "postgres://app:s3cret@localhost:5432/app?sslmode=bogus")
	if !errors.Is(err, sqlstore.ErrInvalidOption) {
		t.Errorf("a DSN that does not parse: %v, want ErrInvalidOption", err)
	}
	if err != nil && strings.Contains(err.Error(), "s3cret") {
		t.Errorf("the error names the password: %v", err)
	}
	// Nothing listens on port 1: the connection fails at once.
	_, err = postgres.Open(t.Context(), "postgres://app:s3cret@127.0.0.1:1/app?sslmode=disable&connect_timeout=2")
	if err == nil {
		t.Fatal("Open of a closed port succeeded")
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("the error names the password: %v", err)
	}
}
