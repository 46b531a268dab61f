package lmtp

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gromox-go/gromox/directory"
)

// countingResolver knows one address and counts the questions.
type countingResolver struct {
	calls int
	err   error
}

func (r *countingResolver) Resolve(_ context.Context, addr string) (*directory.Recipient, error) {
	r.calls++
	if r.err != nil {
		return nil, r.err
	}
	if addr != "bob@example.org" && addr != "BOB@example.org" {
		return nil, directory.ErrNotFound
	}
	return &directory.Recipient{Kind: directory.RecipientUser, User: &directory.User{Username: "bob@example.org"}}, nil
}

func TestResolveCache(t *testing.T) {
	inner := &countingResolver{}
	now := time.Unix(1000, 0)
	c := newResolveCache(inner, time.Minute).(*resolveCache)
	c.now = func() time.Time { return now }
	ctx := context.Background()
	ask := func(addr string, wantCalls int) {
		t.Helper()
		r, err := c.Resolve(ctx, addr)
		if addr == "nobody@example.org" {
			if !errors.Is(err, directory.ErrNotFound) {
				t.Fatalf("%s: %v, want not found", addr, err)
			}
		} else if err != nil || r.User.Username != "bob@example.org" {
			t.Fatalf("%s: %+v, %v", addr, r, err)
		}
		if inner.calls != wantCalls {
			t.Fatalf("after %s: %d directory queries, want %d", addr, inner.calls, wantCalls)
		}
	}
	ask("bob@example.org", 1)
	ask("bob@example.org", 1) // remembered
	ask("BOB@example.org", 1) // case-insensitive
	// An unknown address is asked again every time: a user made a
	// moment later must get mail.
	ask("nobody@example.org", 2)
	ask("nobody@example.org", 3)
	// After the lifetime the directory is asked again.
	now = now.Add(time.Minute)
	ask("bob@example.org", 4)
	ask("bob@example.org", 4)
	// Directory failures are not remembered.
	now = now.Add(time.Minute)
	inner.err = errors.New("database down")
	if _, err := c.Resolve(ctx, "bob@example.org"); err == nil {
		t.Fatal("a failure was hidden")
	}
	inner.err = nil
	ask("bob@example.org", 6)

	if r := newResolveCache(inner, 0); r != Resolver(inner) {
		t.Fatal("a lifetime of 0 must not cache")
	}
}
