package hostdata

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	many := map[string]string{}
	for i := range MaxKeys + 1 {
		many["k"+strconv.Itoa(i)] = "v"
	}
	full := map[string]string{}
	for i := range MaxKeys {
		full[strings.Repeat("k", MaxKeyLen-2)+strconv.Itoa(10+i)] = strings.Repeat("é", MaxValueLen/2)
	}
	for _, tc := range []struct {
		name string
		m    map[string]string
		ok   bool
	}{
		{"nil", nil, true},
		{"empty", map[string]string{}, true},
		{"usual", map[string]string{"folder": "123", "redirect.to": "/videos", "a_b-C.9": ""}, true},
		{"at every bound", full, true},
		{"too many keys", many, false},
		{"empty key", map[string]string{"": "v"}, false},
		{"long key", map[string]string{strings.Repeat("k", MaxKeyLen+1): "v"}, false},
		{"key with a space", map[string]string{"a b": "v"}, false},
		{"key with a colon", map[string]string{"a:b": "v"}, false},
		{"non-ASCII key", map[string]string{"clé": "v"}, false},
		{"long value", map[string]string{"k": strings.Repeat("v", MaxValueLen+1)}, false},
		{"invalid UTF-8 value", map[string]string{"k": "\xff"}, false},
	} {
		err := Check(tc.m)
		if tc.ok && err != nil {
			t.Errorf("%s: Check = %v, want nil", tc.name, err)
		}
		if !tc.ok && !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: Check = %v, want ErrInvalid", tc.name, err)
		}
	}
}

func TestCheckNeverEchoesAValue(t *testing.T) {
	err := Check(map[string]string{"k": "secret-" + strings.Repeat("v", MaxValueLen)})
	if err == nil || strings.Contains(err.Error(), "secret-") {
		t.Fatalf("Check = %v, want an error without the value", err)
	}
}

func TestCloneSharesNothingAndNormalizesEmpty(t *testing.T) {
	if Clone(map[string]string{}) != nil || Clone(nil) != nil {
		t.Fatal("an empty map clones to nil")
	}
	m := map[string]string{"a": "1"}
	c := Clone(m)
	c["a"] = "2"
	if m["a"] != "1" {
		t.Fatal("the clone shares memory")
	}
}
