package supervisor

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/gromox-go/gromox/config"
	"github.com/gromox-go/gromox/directory"
)

// EmbeddedDomain and EmbeddedUser name the account created on the first
// start of an embedded instance (.test is reserved for testing, RFC 2606).
const (
	EmbeddedDomain = "gromox.test"
	EmbeddedUser   = "admin@" + EmbeddedDomain
)

// FirstUser is the account Bootstrap created, with its one-time password.
type FirstUser struct {
	Username string
	Password string
}

// Bootstrap creates the first domain and user of an empty directory and
// returns the generated password; it returns nil when the directory already
// has a domain.
func Bootstrap(ctx context.Context, st *config.Settings, db *directory.DB) (*FirstUser, error) {
	domains, err := db.Domains(ctx)
	if err != nil {
		return nil, err
	}
	if len(domains) > 0 {
		return nil, nil
	}
	if _, err := AddDomain(ctx, st, db, directory.NewDomain{
		Name: EmbeddedDomain, Title: EmbeddedDomain, MaxUser: 0,
	}); err != nil && !errors.Is(err, directory.ErrExists) {
		return nil, fmt.Errorf("create domain %s: %w", EmbeddedDomain, err)
	}
	pw := NewPassword()
	if _, err := AddUser(ctx, st, db, directory.NewUser{
		Username: EmbeddedUser, Password: pw, DisplayName: "Administrator", Lang: "en", Timezone: "UTC",
	}); err != nil {
		return nil, fmt.Errorf("create user %s: %w", EmbeddedUser, err)
	}
	return &FirstUser{Username: EmbeddedUser, Password: pw}, nil
}

// UserDir is where a new user's private store lives: <data_path>/user/<address>.
func UserDir(st *config.Settings, username string) string {
	return filepath.Join(st.DataDir, "user", username)
}

// DomainDir is where a new domain's public store lives: <data_path>/domain/<name>.
func DomainDir(st *config.Settings, domain string) string {
	return filepath.Join(st.DataDir, "domain", domain)
}

// NewPassword returns a random 16-character password without look-alike
// characters.
func NewPassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	out := make([]byte, len(raw))
	for i, b := range raw {
		out[i] = alphabet[int(b)%len(alphabet)]
	}
	return string(out)
}
