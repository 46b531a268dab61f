package main

import (
	"bufio"
	"context"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/gromox-go/gromox/config"
	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/supervisor"
)

// openDir loads the settings and opens the user directory they name.
func (c *command) openDir() (*config.Settings, *directory.DB, error) {
	st, err := c.settings()
	if err != nil {
		return nil, nil, err
	}
	db, err := supervisor.OpenDirectory(context.Background(), st)
	if err != nil {
		return nil, nil, err
	}
	return st, db, nil
}

// readPassword returns the --password value, or the first line of stdin.
func (c *command) readPassword(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	line, err := bufio.NewReader(c.stdin).ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		if err != nil {
			return "", fmt.Errorf("no password given (use --password or one line on stdin)")
		}
	}
	return line, nil
}

// domain add NAME [--title T] [--max-user N] | del NAME | list
func (c *command) domain(args []string) error {
	if len(args) == 0 {
		return usageError("usage: gromox domain add|del|list ...")
	}
	fs := c.flags("domain " + args[0])
	title := fs.String("title", "", "domain title")
	maxUser := fs.Int("max-user", 0, "most users the domain may have (0: no limit)")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	st, db, err := c.openDir()
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	switch args[0] {
	case "add":
		if len(pos) != 1 {
			return usageError("usage: gromox domain add NAME [--title T] [--max-user N]")
		}
		name := lower(pos[0])
		d, err := supervisor.AddDomain(ctx, st, db, directory.NewDomain{
			Name: name, Title: *title, MaxUser: *maxUser,
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "domain %s added (id %d, public store %s)\n", d.Name, d.ID, d.Homedir)
	case "del":
		if len(pos) != 1 {
			return usageError("usage: gromox domain del NAME")
		}
		if err := db.RemoveDomain(ctx, lower(pos[0])); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "domain %s removed\n", lower(pos[0]))
	case "list":
		ds, err := db.Domains(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(c.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tDOMAIN\tSTATUS\tMAX USERS\tTITLE")
		for _, d := range ds {
			fmt.Fprintf(w, "%d\t%s\t%#x\t%d\t%s\n", d.ID, d.Name, d.Status, d.MaxUser, d.Title)
		}
		return w.Flush()
	default:
		return usageError("unknown domain command %q", args[0])
	}
	return nil
}

// user add ADDR [--password P] [--name N] [--lang L] | del ADDR | list [DOMAIN]
// | passwd ADDR [--password P] | check ADDR [--password P] | status ADDR N
func (c *command) user(args []string) error {
	if len(args) == 0 {
		return usageError("usage: gromox user add|del|list|passwd|check|status ...")
	}
	fs := c.flags("user " + args[0])
	password := fs.String("password", "", "password (default: read one line from stdin; add: generated)")
	name := fs.String("name", "", "display name")
	lang := fs.String("lang", "en", "language of the store's folder names")
	tz := fs.String("timezone", "UTC", "time zone")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	st, db, err := c.openDir()
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	need := func(n int, u string) error {
		if len(pos) != n {
			return usageError("usage: gromox user %s", u)
		}
		return nil
	}
	switch args[0] {
	case "add":
		if err := need(1, "add ADDRESS [--password P] [--name NAME] [--lang en]"); err != nil {
			return err
		}
		addr := lower(pos[0])
		pw, generated := *password, false
		if pw == "" {
			pw, generated = supervisor.NewPassword(), true
		}
		u, err := supervisor.AddUser(ctx, st, db, directory.NewUser{
			Username: addr, Password: pw, DisplayName: *name, Lang: *lang, Timezone: *tz,
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "user %s added (id %d, private store %s)\n", u.Username, u.ID, u.Maildir)
		if generated {
			fmt.Fprintf(c.stdout, "password: %s\n", pw)
		}
	case "del":
		if err := need(1, "del ADDRESS"); err != nil {
			return err
		}
		if err := db.RemoveUser(ctx, lower(pos[0])); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "user %s removed\n", lower(pos[0]))
	case "list":
		domain := ""
		if len(pos) > 0 {
			domain = lower(pos[0])
		}
		us, err := db.Users(ctx, domain)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(c.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tUSERNAME\tDISPLAY NAME\tSTATUS\tPRIVILEGES\tMAILDIR")
		for _, u := range us {
			fmt.Fprintf(w, "%d\t%s\t%s\t%#x\t%#x\t%s\n", u.ID, u.Username, u.DisplayName, u.AddressStatus, u.PrivilegeBits, u.Maildir)
		}
		return w.Flush()
	case "passwd":
		if err := need(1, "passwd ADDRESS [--password P]"); err != nil {
			return err
		}
		pw, err := c.readPassword(*password)
		if err != nil {
			return err
		}
		if err := db.SetPassword(ctx, lower(pos[0]), pw); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "password of %s changed\n", lower(pos[0]))
	case "check":
		if err := need(1, "check LOGIN [--password P]"); err != nil {
			return err
		}
		pw, err := c.readPassword(*password)
		if err != nil {
			return err
		}
		log, err := supervisor.NewLogger(st.LogLevel, "-")
		if err != nil {
			return err
		}
		opts := supervisor.AuthOptions(st)
		opts.FailDelay = 0 // an operator's check need not be slowed
		auth, err := directory.NewAuth(db, opts, log)
		if err != nil {
			return err
		}
		u, err := auth.Authenticate(ctx, directory.Credentials{
			Login: pos[0], Password: pw, Protocol: "cli", Op: "login",
			Remote: netip.AddrPortFrom(netip.IPv6Loopback(), 0),
		})
		if err != nil {
			return &exitError{code: 1, err: fmt.Errorf("login %s rejected: %w", pos[0], err)}
		}
		fmt.Fprintf(c.stdout, "login ok: %s (%s), maildir %s\n", u.Username, u.DisplayName, u.Maildir)
	case "status":
		if err := need(2, "status ADDRESS STATUS (0 normal, 1 suspended, 3 deleted, 4 shared, 5 contact)"); err != nil {
			return err
		}
		n, err := strconv.ParseUint(pos[1], 0, 8)
		if err != nil {
			return usageError("status: %v", err)
		}
		if err := db.SetAddressStatus(ctx, lower(pos[0]), uint8(n)); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "status of %s set to %d\n", lower(pos[0]), n)
	default:
		return usageError("unknown user command %q", args[0])
	}
	return nil
}

// alias add ALIAS USER | del ALIAS | list USER
func (c *command) alias(args []string) error {
	if len(args) == 0 {
		return usageError("usage: gromox alias add|del|list ...")
	}
	fs := c.flags("alias " + args[0])
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	_, db, err := c.openDir()
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	switch {
	case args[0] == "add" && len(pos) == 2:
		if err := db.AddAlias(ctx, lower(pos[0]), lower(pos[1])); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "alias %s -> %s added\n", lower(pos[0]), lower(pos[1]))
	case args[0] == "del" && len(pos) == 1:
		if err := db.RemoveAlias(ctx, lower(pos[0])); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "alias %s removed\n", lower(pos[0]))
	case args[0] == "list" && len(pos) == 1:
		as, err := db.Aliases(ctx, lower(pos[0]))
		if err != nil {
			return err
		}
		for _, a := range as {
			fmt.Fprintln(c.stdout, a)
		}
	default:
		return usageError("usage: gromox alias add ALIAS USER | del ALIAS | list USER")
	}
	return nil
}
