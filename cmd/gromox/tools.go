package main

import (
	"context"
	"fmt"

	"github.com/gromox-go/gromox/config"
	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/supervisor"
)

// config check [--config-dir DIR]
func (c *command) config(args []string) error {
	if len(args) == 0 || args[0] != "check" {
		return usageError("usage: gromox config check [--config-dir DIR]")
	}
	fs := c.flags("config check")
	if _, err := parse(fs, args[1:]); err != nil {
		return err
	}
	if c.configDir == "" {
		return usageError("config check needs --config-dir (or GROMOX_CONFIG_DIR)")
	}
	warnings, err := config.Check(c.configDir)
	for _, w := range warnings {
		fmt.Fprintln(c.stdout, "warning:", w)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%s: ok (%d warnings)\n", c.configDir, len(warnings))
	return nil
}

// dbop -C | -U: create or upgrade the user database schema.
func (c *command) dbop(args []string) error {
	fs := c.flags("dbop")
	create := fs.Bool("C", false, "create the schema in an empty database")
	upgrade := fs.Bool("U", false, "upgrade the schema to the current version")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *create == *upgrade {
		return usageError("usage: gromox dbop -C | -U")
	}
	st, err := c.settings()
	if err != nil {
		return err
	}
	ctx := context.Background()
	db, err := supervisor.OpenDirectoryForSchema(st)
	if err != nil {
		return err
	}
	defer db.Close()
	if *create {
		if err := db.CreateSchema(ctx); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "schema %d created (%s)\n", directory.SchemaVersion, db.Backend())
		return nil
	}
	from, to, err := db.UpgradeSchema(ctx)
	if err != nil {
		return err
	}
	if from == to {
		fmt.Fprintf(c.stdout, "schema is at %d, nothing to do\n", to)
	} else {
		fmt.Fprintf(c.stdout, "schema upgraded from %d to %d\n", from, to)
	}
	return nil
}
