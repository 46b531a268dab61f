package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/supervisor"
)

// mbck [-p] DIR|exchange.sqlite3...: check stores and, with -p, repair what
// can be repaired (gromox-mbck). The stores must not be in use: repairing
// is refused while the server runs. The exit status is 1 when errors are
// left.
func (c *command) mbck(args []string) error {
	set := c.flags("mbck")
	repair := set.Bool("p", false, "perform repairs")
	pos, err := parse(set, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageError("usage: gromox mbck [-p] MAILDIR|MAILDIR/exmdb/exchange.sqlite3...")
	}
	var dirs []string
	for _, p := range pos {
		d, err := storeDirOf(p)
		if err != nil {
			return err
		}
		dirs = append(dirs, d)
	}
	if *repair {
		st, err := c.settings()
		if err != nil {
			return err
		}
		if st.AdminListen != "" {
			up, err := supervisor.ServerRunning(context.Background(), st.AdminListen)
			if err != nil {
				return err
			}
			if up {
				return fmt.Errorf("mbck: the server is running (admin listener %s): stop it before repairing, or check without -p", st.AdminListen)
			}
		}
	}
	left := 0
	for _, d := range dirs {
		rep, err := mailbox.Check(d, *repair)
		if rep != nil {
			rep.WriteTo(c.stdout)
		}
		if err != nil {
			return err
		}
		left += rep.Remaining()
	}
	if left > 0 {
		return &exitError{code: 1, err: fmt.Errorf("mbck: %d problems left", left)}
	}
	return nil
}

// storeDirOf finds the maildir of a store given as its maildir, its exmdb
// directory or its exchange.sqlite3.
func storeDirOf(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	st, err := os.Stat(abs)
	if err != nil {
		return "", err
	}
	exists := func(f string) bool {
		_, err := os.Stat(f)
		return err == nil || !errors.Is(err, fs.ErrNotExist)
	}
	switch {
	case st.IsDir() && exists(mailbox.DBPath(abs)):
		return abs, nil
	case st.IsDir() && filepath.Base(abs) == "exmdb" && exists(filepath.Join(abs, "exchange.sqlite3")):
		return filepath.Dir(abs), nil
	case !st.IsDir() && filepath.Base(abs) == "exchange.sqlite3" && filepath.Base(filepath.Dir(abs)) == "exmdb":
		return filepath.Dir(filepath.Dir(abs)), nil
	}
	return "", fmt.Errorf("%s: not a store (mbck checks MAILDIR/exmdb/exchange.sqlite3)", p)
}
