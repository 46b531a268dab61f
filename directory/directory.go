// Package directory is the user database: domains, users and their
// properties, alternative login names, aliases and mailing lists, in the
// tables of upstream Gromox's MySQL schema (version 133), on MariaDB/MySQL or
// on an embedded SQLite file with the same tables.
//
// Invariants:
//   - Logins and addresses compare case-insensitively on both backends; the
//     canonical username is the users.username column as stored.
//   - Passwords are written only as SHA-512 crypt ($6$) and verified in every
//     crypt format upstream accepts (see crypt.go).
//   - The directory knows no protocol and no store: callers bring addresses
//     and get identities (maildirs) back.
package directory

import (
	"context"
	"errors"
)

// Errors callers can test for with errors.Is.
var (
	ErrNotFound  = errors.New("directory: no such object")
	ErrAmbiguous = errors.New("directory: login name matches more than one account")
	ErrExists    = errors.New("directory: object already exists")
	ErrInvalid   = errors.New("directory: invalid argument")
)

// Schema is the upstream user database schema version this package writes.
const SchemaVersion = 133

// Display types (PR_DISPLAY_TYPE_EX, user_properties proptag 0x39050003).
const (
	DTMailUser  = 0
	DTDistList  = 1
	DTRemote    = 6 // contact / remote mail user
	DTRoom      = 7
	DTEquipment = 8
)

// Property tags kept in user_properties that the server reads.
const (
	PropDisplayName   = 0x3001001f
	PropDisplayTypeEx = 0x39050003
)

// users.address_status: the low nibble is the user state, bits 0x30 the
// domain state. Login is allowed only when the whole value is 0.
const (
	StatusNormal    = 0
	StatusSuspended = 1
	StatusDeleted   = 3
	StatusShared    = 4 // shared mailbox: store and receive, no login
	StatusContact   = 5
	StatusMask      = 0x0f

	DomainStatusSuspended = 0x10
	DomainStatusDeleted   = 0x30
	DomainStatusMask      = 0x30
)

// users.privilege_bits.
const (
	PrivIMAP      = 0x1 // IMAP and POP3
	PrivSMTP      = 0x2
	PrivChgPasswd = 0x4
	PrivPubAddr   = 0x8
	PrivChat      = 0x10
	PrivVideo     = 0x20
	PrivFiles     = 0x40
	PrivArchive   = 0x80
	PrivDetail1   = 0x100 // the bits from 0x200 up are meaningful
	PrivWeb       = 0x200
	PrivEAS       = 0x400
	PrivDAV       = 0x800

	// DefaultPrivileges is what new users get (upstream's admin tools write 15).
	DefaultPrivileges = PrivIMAP | PrivSMTP | PrivChgPasswd | PrivPubAddr
)

// mlists.list_type and list_privilege.
const (
	ListNormal = 0
	ListDomain = 2

	ListPrivAll       = 0
	ListPrivInternal  = 1
	ListPrivDomain    = 2
	ListPrivSpecified = 3
	ListPrivOutgoing  = 4
)

// User is one account as the server needs it: the users row joined with its
// domain and the properties it reads.
type User struct {
	ID            int64
	Username      string // canonical primary address as stored
	DomainID      int64
	Domain        string // domains.domainname
	OrgID         int64
	GroupID       int64
	Homeserver    int
	Maildir       string
	Lang          string
	Timezone      string
	PrivilegeBits uint32
	AddressStatus uint8 // user state | domain state (domain bits merged in)
	DisplayType   uint32
	DisplayName   string
	PasswordHash  string
	ExternID      []byte // non-nil: managed by LDAP
}

// LoginAllowed reports whether the account state permits a login.
func (u *User) LoginAllowed() bool { return u.AddressStatus == StatusNormal }

// Domain is one row of the domains table.
type Domain struct {
	ID         int64
	OrgID      int64
	Name       string
	Homeserver int
	Homedir    string // maildir of the public store
	MaxUser    int
	Title      string
	Status     uint8
}

// RecipientKind says what a delivery address resolved to.
type RecipientKind int

const (
	RecipientUser RecipientKind = iota
	RecipientList
)

// Recipient is a delivery address resolved through the directory.
type Recipient struct {
	Kind    RecipientKind
	User    *User    // the mailbox (for a list: the list's own users row)
	Members []string // for a list: member addresses, canonical, de-duplicated
	// Privilege of a list (ListPriv*), for the delivery path to enforce.
	ListPrivilege int
}

// GALEntry is one object of the global address list.
type GALEntry struct {
	ID          int64
	Username    string
	DisplayName string
	DisplayType uint32
	DomainID    int64
	Hidden      bool
	Props       map[uint32]string // every user_properties row (first order_id)
}

// NewUser describes an account to create.
type NewUser struct {
	Username      string // full address; the domain must exist
	Password      string // plain text; hashed as $6$. Empty means no password.
	DisplayName   string
	Maildir       string // default: <data>/user/<username> chosen by the caller
	Lang          string
	Timezone      string
	PrivilegeBits uint32 // 0 means DefaultPrivileges
	DisplayType   uint32
	AddressStatus uint8
}

// NewDomain describes a domain to create.
type NewDomain struct {
	Name    string
	Homedir string
	MaxUser int
	Title   string
	OrgID   int64
}

// Lookuper finds an account by login name: username, then altname, then
// alias, case-insensitively. It returns ErrNotFound or ErrAmbiguous.
type Lookuper interface {
	Lookup(ctx context.Context, login string) (*User, error)
}
