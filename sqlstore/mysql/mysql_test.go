package mysql

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/rosterkit/roster/sqlstore"
)

func TestErrorCodeReadsTheDriversNumber(t *testing.T) {
	for _, tc := range []struct {
		err  error
		code string
		ok   bool
	}{
		{&gomysql.MySQLError{Number: 1213, Message: "Deadlock found"}, "1213", true},
		{fmt.Errorf("exec: %w", &gomysql.MySQLError{Number: 1062}), "1062", true},
		{errors.New("sqlite: busy"), "", false},
		{gomysql.ErrInvalidConn, "", false},
	} {
		code, ok := errorCode(tc.err)
		if code != tc.code || ok != tc.ok {
			t.Errorf("errorCode(%v) = %q, %v; want %q, %v", tc.err, code, ok, tc.code, tc.ok)
		}
	}
}

func TestConfigInterpolatesParamsUnlessTheDSNSays(t *testing.T) {
	cfg, err := config("app:secret@tcp(localhost:3306)/app?parseTime=true")
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.InterpolateParams || !cfg.ParseTime {
		t.Errorf("interpolateParams %v, parseTime %v: want both", cfg.InterpolateParams, cfg.ParseTime)
	}
	cfg, err = config("app:secret@tcp(localhost:3306)/app?interpolateParams=false")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.InterpolateParams {
		t.Error("the DSN's interpolateParams=false was overridden")
	}
}

func TestOpenErrorsCarryNoSecret(t *testing.T) {
	_, err := Open(t.Context(), "app:s3cret@tcp(localhost:3306)/app?parseTime=maybe")
	if !errors.Is(err, sqlstore.ErrInvalidOption) {
		t.Errorf("a DSN that does not parse: %v, want ErrInvalidOption", err)
	}
	// Nothing listens on port 1: the connection fails at once.
	_, err = Open(t.Context(), "app:s3cret@tcp(127.0.0.1:1)/app?timeout=2s")
	if err == nil {
		t.Fatal("Open of a closed port succeeded")
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("the error names the password: %v", err)
	}
}
