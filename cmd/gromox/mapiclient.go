package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/gromox-go/gromox/protocols/mapihttp/mhclient"
)

// mapiclientCommand runs `gromox mapiclient ...` and exits; for any other
// command it returns. main calls it before the dispatch of run.
func mapiclientCommand(args []string) {
	if len(args) == 0 || args[0] != "mapiclient" {
		return
	}
	os.Exit(mapiclient(args[1:], os.Stdout, os.Stderr))
}

const mapiclientUsage = "usage: gromox mapiclient walk|flow --url http://127.0.0.1:8080 --user USER --password PASSWORD [--resolve NAME] [--timeout D]"

// mapiclient walk|flow --url URL --user U --password P: the project's
// MAPI over HTTP client against a running server, printing a transcript.
// walk: AutoDiscover, Connect, Logon, then every folder of the private
// store with its messages, attachments, calendar and contact properties.
// flow: the session of a mail client, each step checked (see
// mhclient.Client.Flow). The exit status is 1 when a step failed.
func mapiclient(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mapiclient", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("url", "http://127.0.0.1:8080", "the server's HTTP front")
	user := fs.String("user", "", "user (e-mail address)")
	password := fs.String("password", "", "password")
	resolve := fs.String("resolve", "", "flow: the name to resolve in the address book (default: the user)")
	timeout := fs.Duration("timeout", 5*time.Minute, "for the whole run")
	pos, err := parse(fs, args)
	if err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if len(pos) != 1 || (pos[0] != "walk" && pos[0] != "flow") || *user == "" {
		fmt.Fprintln(stderr, mapiclientUsage)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	c := mhclient.New(*base, *user, *password)
	if pos[0] == "flow" {
		_, err = c.Flow(ctx, stdout, mhclient.FlowOptions{Resolve: *resolve})
	} else {
		err = mapiclientWalk(ctx, c, stdout)
	}
	if err != nil {
		fmt.Fprintln(stdout, "FAILED:", err)
		fmt.Fprintln(stderr, "gromox: mapiclient:", err)
		return 1
	}
	fmt.Fprintln(stdout, "OK")
	return 0
}

func mapiclientWalk(ctx context.Context, c *mhclient.Client, w io.Writer) error {
	d, err := c.AutoDiscover(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "autodiscover: %q dn=%s mailstore=%s\n", d.DisplayName, d.LegacyDN, d.MailStoreURL)
	cr, err := c.Connect(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "connect: display-name=%q\n", cr.DisplayName)
	s, err := c.OpenStore(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "logon: mailbox-guid=%v\n", s.Logon.MailboxGUID)
	walk, err := c.Walk(ctx, s, w)
	if err != nil {
		return err
	}
	n := 0
	for _, f := range walk.Folders {
		n += len(f.Messages)
	}
	fmt.Fprintf(w, "walked: %d folders, %d messages\n", len(walk.Folders), n)
	return c.Disconnect(ctx)
}
