package mhclient

import (
	"context"
	"fmt"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/nspi"
)

// Entry is an address book entry a name resolved to.
type Entry struct {
	DisplayName string
	SMTPAddress string
	EmailDN     string // PR_EMAIL_ADDRESS: the entry's ESSDN
}

// ResolveName resolves name in the global address list through the
// address book endpoint AutoDiscover named (NSPI Bind, ResolveNames,
// Unbind; MS-OXNSPI). It fails when the name is unknown or
// ambiguous.
func (c *Client) ResolveName(ctx context.Context, name string) (*Entry, error) {
	if c.AddressBookURL == "" {
		return nil, fmt.Errorf("mhclient: no address book endpoint (AutoDiscover first)")
	}
	ab := &nspi.Client{URL: c.AddressBookURL, User: c.User, Password: c.Password}
	if _, err := ab.Bind(ctx); err != nil {
		return nil, err
	}
	defer ab.Unbind(ctx)
	cols := []mapi.PropTag{mapi.PrDisplayName, mapi.PrSMTPAddress, mapi.PrEmailAddress}
	mids, rows, err := ab.ResolveNames(ctx, []string{name}, cols)
	if err != nil {
		return nil, err
	}
	// MS-OXNSPI: MID_UNRESOLVED 0, MID_AMBIGUOUS 1, MID_RESOLVED 2.
	if len(mids) != 1 || mids[0] != 2 || len(rows) != 1 {
		return nil, fmt.Errorf("mhclient: %q does not resolve to one entry (MIds %v)", name, mids)
	}
	v := rows[0].Values
	return &Entry{DisplayName: String(v, mapi.PrDisplayName), SMTPAddress: String(v, mapi.PrSMTPAddress), EmailDN: String(v, mapi.PrEmailAddress)}, nil
}
