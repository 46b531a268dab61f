package directory

import (
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// The fixture's user1@example.org hash, written by upstream Gromox 3.10 for "secret".
const upstreamHash = "$6$HU561JWkrW2jx4tc$fQvWPIh5gr3pQI4B1ZSYpxwZenwBxU41jbzH882S2YQeVXYAbRuHMY3qSq9hjOTEb4s35KMU.JbZ8EneBHM0J."

func TestVerifyPasswordFormats(t *testing.T) {
	bc, err := bcrypt.GenerateFromPassword([]byte("secret"), 4)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, hash string
	}{
		{"sha512-upstream", upstreamHash},
		// Vectors made with
		// `openssl passwd -1/-5 -salt saltsalt secret`.
		{"md5", "$1$saltsalt$9xy1btjgzLYfb7hivXtC//"},
		{"sha256", "$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA"},
		{"bcrypt", string(bc)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !VerifyPassword(tc.hash, "secret") {
				t.Errorf("VerifyPassword(%q, secret) = false", tc.hash)
			}
			if VerifyPassword(tc.hash, "Secret") {
				t.Errorf("VerifyPassword(%q, Secret) = true", tc.hash)
			}
		})
	}
	for _, h := range []string{"", "secret", "$9$x$y", "$6$", "*"} {
		if VerifyPassword(h, "secret") {
			t.Errorf("VerifyPassword(%q) accepted", h)
		}
	}
}

func TestHashPasswordWritesSHA512(t *testing.T) {
	h, err := HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(h, "$")
	if len(parts) != 4 || parts[1] != "6" || len(parts[2]) != 16 {
		t.Fatalf("hash %q is not $6$ with a 16-character salt", h)
	}
	if !VerifyPassword(h, "correct horse") || VerifyPassword(h, "correct horse ") {
		t.Fatal("round trip failed")
	}
	h2, _ := HashPassword("correct horse")
	if h == h2 {
		t.Fatal("two hashes share a salt")
	}
}
