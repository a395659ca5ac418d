// Command webapp runs Roster's JSON API, accept page and Members tab in a
// small host application on the embedded SQLite default, with a "sign in
// as…" picker standing in for the host's identity and a mailbox page
// standing in for email.
//
//	go run ./examples/webapp                       # http://127.0.0.1:8080
//	go run ./examples/webapp -addr 127.0.0.1:0 -db /tmp/demo.db
//
// Sign in as Ann (the owner), open the Members tab, invite
// carl@acme.test; sign in as Carl, open the mailbox and accept.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/rosterkit/roster/sqlstore/sqlite"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "where to listen")
	db := flag.String("db", filepath.Join(os.TempDir(), "roster-webapp.db"), "the SQLite file")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *addr, *db); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, addr, db string) error {
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	origin := "http://" + ln.Addr().String()
	a, err := newApp(ctx, st, origin)
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{Handler: a, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	fmt.Printf("Roster demo on %s (data in %s)\nOpen %s/ and sign in as Ann.\n", origin, db, origin)
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
