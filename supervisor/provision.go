package supervisor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gromox-go/gromox/config"
	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mailbox"
)

// AddUser creates an account and its private store (what grommunio-admin
// and gromox-mkprivate do together). If the store cannot be made, the
// account is removed again.
func AddUser(ctx context.Context, st *config.Settings, db *directory.DB, nu directory.NewUser) (*directory.User, error) {
	if nu.Maildir == "" {
		nu.Maildir = UserDir(st, nu.Username)
	}
	u, err := db.AddUser(ctx, nu)
	if err != nil {
		return nil, err
	}
	if err := MakePrivateStore(u, false); err != nil {
		if rerr := db.RemoveUser(ctx, u.Username); rerr != nil {
			err = errors.Join(err, fmt.Errorf("removing the account again: %w", rerr))
		}
		return nil, err
	}
	return u, nil
}

// MakePrivateStore creates the private store of u in its maildir, as
// gromox-mkprivate: only mail users, rooms and equipment have one.
func MakePrivateStore(u *directory.User, force bool) error {
	switch u.DisplayType {
	case directory.DTMailUser, directory.DTRoom, directory.DTEquipment:
	default:
		return fmt.Errorf("%s: display type %d has no private store", u.Username, u.DisplayType)
	}
	if u.Maildir == "" {
		return fmt.Errorf("%s: no maildir", u.Username)
	}
	if err := os.MkdirAll(filepath.Dir(u.Maildir), 0o750); err != nil {
		return err
	}
	err := mailbox.CreatePrivate(u.Maildir, mailbox.PrivateParams{
		UserID: uint32(u.ID), Username: u.Username, Language: u.Lang, Force: force,
	})
	if err != nil {
		return fmt.Errorf("private store of %s: %w", u.Username, err)
	}
	return nil
}

// AddDomain creates a domain and its public store.
func AddDomain(ctx context.Context, st *config.Settings, db *directory.DB, nd directory.NewDomain) (*directory.Domain, error) {
	if nd.Homedir == "" {
		nd.Homedir = DomainDir(st, nd.Name)
	}
	d, err := db.AddDomain(ctx, nd)
	if err != nil {
		return nil, err
	}
	if err := MakePublicStore(d, false); err != nil {
		if rerr := db.RemoveDomain(ctx, d.Name); rerr != nil {
			err = errors.Join(err, fmt.Errorf("removing the domain again: %w", rerr))
		}
		return nil, err
	}
	return d, nil
}

// MakePublicStore creates the public store of d in its homedir, as
// gromox-mkpublic.
func MakePublicStore(d *directory.Domain, force bool) error {
	if d.Homedir == "" {
		return fmt.Errorf("%s: no homedir", d.Name)
	}
	if err := os.MkdirAll(filepath.Dir(d.Homedir), 0o750); err != nil {
		return err
	}
	err := mailbox.CreatePublic(d.Homedir, mailbox.PublicParams{DomainID: uint32(d.ID), Domain: d.Name, Force: force})
	if err != nil {
		return fmt.Errorf("public store of %s: %w", d.Name, err)
	}
	return nil
}
