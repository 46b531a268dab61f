package main

import (
	"context"
	"fmt"

	"github.com/gromox-go/gromox/supervisor"
)

// mkprivate [-f] USER: create the private store of a user, in its maildir
// (gromox-mkprivate).
func (c *command) mkprivate(args []string) error {
	fs := c.flags("mkprivate")
	force := fs.Bool("f", false, "replace an existing store")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("usage: gromox mkprivate [-f] USERNAME")
	}
	_, db, err := c.openDir()
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.Lookup(context.Background(), pos[0])
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	if err := supervisor.MakePrivateStore(u, *force); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "private store of %s created in %s\n", u.Username, u.Maildir)
	return nil
}

// mkpublic [-f] DOMAIN: create the public store of a domain, in its homedir
// (gromox-mkpublic).
func (c *command) mkpublic(args []string) error {
	fs := c.flags("mkpublic")
	force := fs.Bool("f", false, "replace an existing store")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("usage: gromox mkpublic [-f] DOMAIN")
	}
	_, db, err := c.openDir()
	if err != nil {
		return err
	}
	defer db.Close()
	d, err := db.Domain(context.Background(), lower(pos[0]))
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	if err := supervisor.MakePublicStore(d, *force); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "public store of %s created in %s\n", d.Name, d.Homedir)
	return nil
}
