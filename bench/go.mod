module github.com/rosterkit/roster/bench

go 1.26.0

replace github.com/rosterkit/roster => ../

require (
	github.com/casbin/casbin/v2 v2.135.0
	github.com/google/uuid v1.6.0
	github.com/rosterkit/roster v0.0.0-00010101000000-000000000000
)

require (
	github.com/bmatcuk/doublestar/v4 v4.6.1 // indirect
	github.com/casbin/govaluate v1.3.0 // indirect
	github.com/google/btree v1.1.3 // indirect
	golang.org/x/crypto v0.58.0 // indirect
	golang.org/x/net v0.62.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)
