package imap

import (
	"strings"
	"testing"
)

// TestArchiveSpecialUse: the top-level folder Archive is listed \Archive,
// and CREATE's USE (RFC 6154 3) gives \Archive to it and nothing else.
func TestArchiveSpecialUse(t *testing.T) {
	e := newEnv(t)
	c := e.login(t)
	hasCap(t, c.ok("CAPABILITY")[0], "CREATE-SPECIAL-USE", true)
	for _, l := range c.ok(`LIST "" "*"`) {
		if strings.Contains(l, `\Archive`) {
			t.Errorf("no archive yet: %q", l)
		}
	}
	_, st := c.cmd("NO", `CREATE Old (USE (\Archive))`)
	if !strings.HasPrefix(st, "NO [USEATTR]") {
		t.Errorf("CREATE Old (USE (\\Archive)): %q", st)
	}
	c.cmd("NO", `CREATE Sent2 (USE (\Sent))`)
	c.cmd("NO", `CREATE Projects/Archive (USE (\Archive))`)
	c.ok(`CREATE Archive (USE (\Archive))`)
	c.ok(`CREATE Archive/2024`)
	c.ok(`CREATE Archived`)
	u := c.ok(`LIST "" "*"`)
	has(t, u, `* LIST (\HasChildren \Archive) "/" "Archive"`)
	has(t, u, `* LIST (\HasNoChildren) "/" "Archive/2024"`)
	has(t, u, `* LIST (\HasNoChildren) "/" "Archived"`)
	has(t, u, `* LIST (\HasNoChildren \Sent) "/" "Sent Items"`)
	u = c.ok(`LIST (SPECIAL-USE) "" "*"`)
	has(t, u, `* LIST (\HasChildren \Archive) "/" "Archive"`)
	if len(u) != 5 {
		t.Errorf("special-use folders: %q", u)
	}
	// A folder renamed to Archive is the archive; one renamed away is not.
	c.ok(`RENAME Archive Archive-2023`)
	c.ok(`RENAME Archived Archive`)
	u = c.ok(`LIST (SPECIAL-USE) "" "*"`)
	has(t, u, `* LIST (\HasNoChildren \Archive) "/" "Archive"`)
	c.cmd("NO", `CREATE Archive (USE (\Archive))`)
}
