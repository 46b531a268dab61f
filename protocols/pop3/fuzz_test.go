package pop3

import (
	"context"
	"strings"
	"testing"

	"github.com/gromox-go/gromox/directory"
	"go.uber.org/zap"
)

type refuseAll struct{}

func (refuseAll) Authenticate(context.Context, directory.Credentials) (*directory.User, error) {
	return nil, directory.ErrAuthFailed
}

// FuzzCommandLine runs arbitrary command lines through the parser and
// through a session in each state (commands that need the store left out):
// no panic, every reply a well-formed POP3 response.
func FuzzCommandLine(f *testing.F) {
	for _, s := range []string{"USER alice", "PASS a b c", "AUTH PLAIN AGFsaWNlAHB3", "AUTH", "CAPA", "STAT", "LIST 1", "UIDL",
		"DELE 2", "RSET", "NOOP", "RETR 1", "TOP 1 0", "STLS", "QUIT", "list  1", "\x00", "top 4294967296 1", "DELE 0", ""} {
		f.Add([]byte(s))
	}
	srv := New(Config{}, nil, nil, refuseAll{}, nil, zap.NewNop())
	f.Fuzz(func(t *testing.T, line []byte) {
		cmd, err := parseCommand(line)
		if err != nil {
			return
		}
		if n := len(cmd.Name); n < 3 || n > 4 || strings.ToUpper(cmd.Name) != cmd.Name {
			t.Fatalf("name %q", cmd.Name)
		}
		for _, a := range cmd.Args {
			if a == "" || (cmd.Name != "PASS" && strings.ContainsAny(a, " \r\n")) {
				t.Fatalf("argument %q of %q", a, line)
			}
		}
		check := func(r response) {
			if len(r.out) == 0 || !(r.out[0] == '+') && !strings.HasPrefix(string(r.out), "-ERR ") || !strings.HasSuffix(string(r.out), "\r\n") {
				t.Fatalf("%q: reply %q", line, r.out)
			}
		}
		if cmd.Name != "QUIT" {
			a := &session{s: srv}
			check(a.command(cmd))
			check(a.authPlain(string(line)))
		}
		switch cmd.Name {
		case "RETR", "TOP", "QUIT":
			return // these read or write the store
		}
		a := &session{s: srv, authed: true, msgs: []message{{mid: 1, uidl: "a", size: 10}, {mid: 2, uidl: "b", size: 20, deleted: true}}}
		check(a.command(cmd))
		if n, size := a.stat(); n > 2 || size > 30 {
			t.Fatalf("STAT %d %d", n, size)
		}
	})
}
