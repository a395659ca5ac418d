package secret_test

import (
	"bytes"
	"fmt"

	"github.com/rosterkit/roster/internal/secret"
)

func Example() {
	s, digest, _ := secret.New(bytes.NewReader(make([]byte, secret.EntropyBytes)), "rsti_")
	fmt.Println(len(s), s[:12])
	got, fault := secret.Check(s)
	fmt.Println(fault == secret.Sound, got == digest)
	_, fault = secret.Check(s[:20] + "-" + s[21:])
	fmt.Println(fault == secret.BadChar)
	// Output:
	// 54 rsti_0000000
	// true true
	// true
}
