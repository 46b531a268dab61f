package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/gromox-go/gromox/config"
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/supervisor"
)

const mbopUsage = `usage: gromox mbop [-c] [-v] {-u USER@DOMAIN | -u @DOMAIN | -d MAILDIR} COMMAND [ARGS...]
       gromox mbop ... ( COMMAND1 ARGS... ) ( COMMAND2 ARGS... ) ...

  -u USER@DOMAIN   the user's private store (users.maildir)
  -u @DOMAIN       the domain's public store (domains.homedir)
  -d MAILDIR       the store in MAILDIR
  -c               go on after a failing command of a chain
  -v               verbose

commands: ` + "cgkreset [-Z], delmsg -f FOLDER [--soft] ID..., echo-maildir, emptyfld [-MRa] [-t AGE] [--soft] [--delempty] [--nuke-folders] FOLDER...," + `
  ping, purge-datafiles, purge-softdelete [-r] [-t AGE] FOLDER..., recalc-sizes, set-locale -l xx_YY [-v], unload
FOLDER: 13, 0xd, /path from the root, or INBOX, DRAFTS, SENT, DELETED, IPM_SUBTREE, ... plus /path (or \path)

When the server runs (its admin listener answers), the server does the work
in the store's actor; otherwise this process opens the store itself.
`

// mbop: mailbox operations (gromox-mbop).
func (c *command) mbop(args []string) error {
	fs := c.flags("mbop")
	user := fs.String("u", "", "USER@DOMAIN, or @DOMAIN for the domain's public store")
	dir := fs.String("d", "", "maildir of the store")
	cont := fs.Bool("c", false, "go on after a failing command of a chain")
	verbose := fs.Bool("v", false, "verbose")
	fs.Usage = func() { fmt.Fprint(c.stderr, mbopUsage) }
	// Options end at the command: what follows is the command's.
	if err := fs.Parse(args); err != nil {
		return err
	}
	rest := fs.Args()
	if len(rest) == 0 {
		fmt.Fprint(c.stderr, mbopUsage)
		return &exitError{code: 2, err: errors.New("mbop: no command given")}
	}
	if (*user == "") == (*dir == "") {
		return usageError("mbop: give exactly one of -u and -d before the command")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	st, maildir, err := c.mbopTarget(ctx, *user, *dir)
	if err != nil {
		return err
	}
	var global []string
	if *cont {
		global = append(global, "-c")
	}
	if *verbose {
		global = append(global, "-v")
	}
	err = supervisor.RunMbop(ctx, st, nil, maildir, append(global, rest...), c.stdout)
	if errors.Is(err, mailbox.ErrMbopUsage) {
		return &exitError{code: 2, err: err}
	}
	return err
}

// mbopTarget loads the settings and finds the store's maildir: -d as given,
// -u through the user directory.
func (c *command) mbopTarget(ctx context.Context, user, dir string) (st *config.Settings, maildir string, err error) {
	if dir != "" {
		if st, err = c.settings(); err != nil {
			return nil, "", err
		}
		maildir, err = filepath.Abs(dir)
		return st, maildir, err
	}
	st, db, err := c.openDir()
	if err != nil {
		return nil, "", err
	}
	defer db.Close()
	if domain, ok := strings.CutPrefix(user, "@"); ok {
		d, err := db.Domain(ctx, lower(domain))
		if err != nil {
			return nil, "", fmt.Errorf("domain %s: %w", domain, err)
		}
		if d.Homedir == "" {
			return nil, "", fmt.Errorf("domain %s has no public store (domains.homedir is empty)", d.Name)
		}
		return st, d.Homedir, nil
	}
	u, err := db.Lookup(ctx, user)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", user, err)
	}
	if u.Maildir == "" {
		return nil, "", fmt.Errorf("%s has no mailbox (users.maildir is empty)", u.Username)
	}
	return st, u.Maildir, nil
}
