package rosterhttp

import (
	"net/http/httptest"
	"testing"
)

// param must answer what r.URL.Query().Get answers.
func checkParam(t *testing.T, rawQuery, name string) {
	t.Helper()
	r := httptest.NewRequest("GET", "/", nil)
	r.URL.RawQuery = rawQuery
	want := r.URL.Query().Get(name)
	if got := (&call{r: r}).param(name); got != want {
		t.Fatalf("param(%q) of %q = %q, url.Values.Get says %q", name, rawQuery, got, want)
	}
}

func TestParamReadsWhatURLValuesReads(t *testing.T) {
	for _, c := range []struct{ raw, name string }{
		{"", "limit"}, {"limit=50", "limit"}, {"after=x&limit=50", "limit"}, {"limit=1&limit=2", "limit"},
		{"limit", "limit"}, {"limit=", "limit"}, {"li%6Dit=7", "limit"}, {"q=a+b%20c", "q"},
		{"q=%zz&q=ok", "q"}, {"%zz=1&q=2", "q"}, {"q=1;x&q=2", "q"}, {"a=1&&q=3", "q"}, {"=1&q=4", "q"},
		{"q=%E2%80%A8", "q"}, {"q+x=5", "q x"}, {"q=5", ""},
	} {
		checkParam(t, c.raw, c.name)
	}
}

func FuzzParam(f *testing.F) {
	for _, s := range []string{"limit=50&after=abc", "q=%zz&q=a+b", "x;y=1&x=2", "&&=&a", "a=%41&A=b"} {
		f.Add(s, "q")
	}
	f.Fuzz(func(t *testing.T, raw, name string) {
		checkParam(t, raw, name)
	})
}
