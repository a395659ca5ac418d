package sqlstore_test

import (
	"os/exec"
	"strings"
	"testing"
)

// driverModules are the module paths of the database drivers, by the
// package that may link them.
var driverModules = map[string]string{
	"sqlite":   "modernc.org/",
	"postgres": "github.com/jackc/",
	"mysql":    "github.com/go-sql-driver/",
}

// TestBuildsLinkOnlyTheirDriver lists what each package compiles (go list
// -deps, tests excluded, as a host's build sees them): the core package and
// the in-memory quickstart compile no driver, and each driver package, and
// a program that imports only one, compiles its own driver and no other.
func TestBuildsLinkOnlyTheirDriver(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go tool is not on PATH")
	}
	const mod = "github.com/rosterkit/roster/"
	for _, tc := range []struct {
		pkg    string
		driver string // the one driver it may link, or ""
	}{
		{"sqlstore", ""},
		{"examples/quickstart", ""},
		{"sqlstore/sqlite", "sqlite"},
		{"examples/sqlite", "sqlite"},
		{"sqlstore/postgres", "postgres"},
		{"sqlstore/mysql", "mysql"},
	} {
		t.Run(tc.pkg, func(t *testing.T) {
			t.Parallel()
			out, err := exec.Command(goTool, "list", "-deps", "-f", "{{.ImportPath}}", mod+tc.pkg).CombinedOutput()
			if err != nil {
				t.Fatalf("go list -deps %s: %v\n%s", tc.pkg, err, out)
			}
			deps := strings.Fields(string(out))
			for name, prefix := range driverModules {
				var linked []string
				for _, d := range deps {
					if strings.HasPrefix(d, prefix) {
						linked = append(linked, d)
					}
				}
				switch {
				case name == tc.driver && len(linked) == 0:
					t.Errorf("%s does not compile its driver (%s…)", tc.pkg, prefix)
				case name != tc.driver && len(linked) > 0:
					t.Errorf("%s compiles the %s driver: %s", tc.pkg, name, strings.Join(linked, " "))
				}
			}
		})
	}
}
