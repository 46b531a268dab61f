// Command gromox is the whole server and its admin tools in one binary:
// `gromox serve` runs the server, the other subcommands administer it. Called
// by an upstream tool name (gromox-dbop, ...) through a link, it acts as that
// tool.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/gromox-go/gromox/config"
	gxversion "github.com/gromox-go/gromox/internal/version"
	"github.com/gromox-go/gromox/mailbox"
)

const usage = `usage: gromox <command> [options]

commands:
  serve                         run the server
  config check                  validate a configuration directory
  dbop -C | -U                  create or upgrade the user database schema
  domain add|del|list           manage domains
  user add|del|list|passwd|check|status   manage users
  alias add|del|list            manage aliases
  mkprivate [-f] USER           create a user's private store (also as gromox-mkprivate)
  mkpublic [-f] DOMAIN          create a domain's public store (also as gromox-mkpublic)
  mbop [-c] [-v] {-u USER|-u @DOMAIN|-d DIR} CMD ...   mailbox operations (also as gromox-mbop)
  mbck [-p] DIR|exchange.sqlite3...   check, with -p repair, a store (also as gromox-mbck)
  loadtest lmtp --addr H:P --rcpt ADDR ...   LMTP delivery benchmark (.ci/bench-lmtp.sh compares with Dovecot)
  loadtest mapi --users PATTERN --password P ... simulated Outlook sessions over MAPI/HTTP (.ci/bench-mapi.sh)
  version                       print the version

common options (every command):
  --config-dir DIR   upstream-style configuration (gromox.cfg, mysql_adaptor.cfg, ...);
                     default $GROMOX_CONFIG_DIR, else the embedded instance in --data-dir
  --data-dir DIR     data of the embedded instance (default ./var)
`

// upstreamNames maps upstream tool names (argv[0]) to our subcommands.
var upstreamNames = map[string][]string{
	"gromox-dbop":      {"dbop"},
	"gromox-mkprivate": {"mkprivate"},
	"gromox-mkpublic":  {"mkpublic"},
	"gromox-mbop":      {"mbop"},
	"gromox-mbck":      {"mbck"},
}

func main() {
	args := os.Args[1:]
	if sub, ok := upstreamNames[filepath.Base(os.Args[0])]; ok {
		args = append(append([]string{}, sub...), args...)
	}
	mapiclientCommand(args)
	os.Exit(run(args, os.Stdin, os.Stdout, os.Stderr))
}

// exitError carries a process exit status.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd := &command{stdin: stdin, stdout: stdout, stderr: stderr}
	var err error
	switch args[0] {
	case "serve":
		err = cmd.serve(args[1:])
	case "config":
		err = cmd.config(args[1:])
	case "dbop":
		err = cmd.dbop(args[1:])
	case "domain":
		err = cmd.domain(args[1:])
	case "user":
		err = cmd.user(args[1:])
	case "alias":
		err = cmd.alias(args[1:])
	case "mkprivate":
		err = cmd.mkprivate(args[1:])
	case "mkpublic":
		err = cmd.mkpublic(args[1:])
	case "mbop":
		err = cmd.mbop(args[1:])
	case "mbck":
		err = cmd.mbck(args[1:])
	case "loadtest":
		err = cmd.loadtest(args[1:])
	case "version":
		fmt.Fprintln(stdout, "gromox", version())
	default:
		fmt.Fprintf(stderr, "gromox: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "gromox:", err)
		var ee *exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		return 1
	}
	return 0
}

type command struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	configDir      string
	dataDir        string
}

// flags returns a flag set with the common options.
func (c *command) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.StringVar(&c.configDir, "config-dir", os.Getenv("GROMOX_CONFIG_DIR"), "configuration directory")
	fs.StringVar(&c.dataDir, "data-dir", "var", "data directory of the embedded instance")
	return fs
}

// parse parses args, allowing options after positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// settings loads the configuration directory, or the embedded defaults
// when none is given, and the folder names of data_file_path. Warnings go
// to stderr.
func (c *command) settings() (*config.Settings, error) {
	st, err := c.loadSettings()
	if err != nil {
		return nil, err
	}
	c.loadFolderNames(st)
	return st, nil
}

// loadSettings reads the configuration directory, or the embedded
// defaults when none is given.
func (c *command) loadSettings() (*config.Settings, error) {
	if c.configDir == "" {
		dir, err := filepath.Abs(c.dataDir)
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, err
		}
		return config.EmbeddedLoad(dir, c.warn)
	}
	return config.Load(c.configDir, c.warn)
}

// loadFolderNames installs the folder names of data_file_path's
// folder_names.txt for store creation (mkprivate, mkpublic, a new user's
// store) and mbop set-locale. Without the file the built-in languages are
// used: a warning for an upstream configuration (where the file is
// installed), silence for the embedded instance.
func (c *command) loadFolderNames(st *config.Settings) {
	load, err := mailbox.LoadFolderLanguages(st.DataFilePath())
	switch {
	case errors.Is(err, fs.ErrNotExist) && c.embedded():
	case err != nil:
		fmt.Fprintf(c.stderr, "warning: %v; using the %d built-in languages\n", err, len(mailbox.FolderLanguages()))
	case load.Skipped > 0:
		fmt.Fprintln(c.stderr, "warning:", load)
	}
}

func (c *command) warn(w config.Warning) { fmt.Fprintln(c.stderr, "warning:", w) }

func (c *command) embedded() bool { return c.configDir == "" }

func version() string { return gxversion.Version }

func usageError(format string, a ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, a...)}
}

func lower(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
