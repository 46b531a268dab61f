package mailbox

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/gromox-go/gromox/mapi"
)

func TestPermissionsOfFixture(t *testing.T) {
	tx, _ := openFixtureTx(t)
	// mkprivate gave the calendar a "default" row with FreeBusySimple and
	// Visible; the store-wide anonymous rights are none.
	rows, err := tx.Permissions(mapi.PrivateFIDCalendar)
	if err != nil {
		t.Fatal(err)
	}
	want := []PermissionRow{
		{MemberID: MemberIDDefault, Username: "default", Name: "default", Rights: RightFreeBusySimple | RightVisible},
		{MemberID: MemberIDAnonymous, Username: "", Name: "anonymous", Rights: 0},
	}
	if len(rows) != len(want) || rows[0] != want[0] || rows[1] != want[1] {
		t.Fatalf("calendar permissions %+v, want %+v", rows, want)
	}
	// The inbox has no row: both pseudo-rows come from configurations.
	if _, err := tx.Exec("UPDATE configurations SET config_value=? WHERE config_id=?", RightReadAny|RightVisible, configDefaultPermission); err != nil {
		t.Fatal(err)
	}
	rows, err = tx.Permissions(mapi.PrivateFIDInbox)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].MemberID != MemberIDDefault || rows[0].Rights != RightReadAny|RightVisible || rows[1].MemberID != MemberIDAnonymous || rows[1].Rights != 0 {
		t.Fatalf("inbox permissions %+v", rows)
	}
	if _, err := tx.Permissions(0xdead); !errors.Is(err, ErrNotFound) {
		t.Fatalf("permissions of a missing folder: %v", err)
	}
}

func TestUpdatePermissions(t *testing.T) {
	tx, _ := openFixtureTx(t)
	cal := uint64(mapi.PrivateFIDCalendar)
	err := tx.UpdatePermissions(cal, []PermissionChange{
		{Op: RowAdd, Username: "user1@example.org", Rights: RightReadAny},
		{Op: RowAdd, Username: "user2@example.org", Rights: RightOwner | 0x8000}, // an unknown bit is dropped
		{Op: RowModify, MemberID: MemberIDAnonymous, Rights: RightVisible},       // creates the row
		{Op: RowAdd}, // no member: skipped
	}, false)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := tx.Permissions(cal)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]PermissionRow{}
	for _, r := range rows {
		got[r.Username] = r
	}
	// ReadAny brings Visible; on the calendar, FreeBusySimple and (with
	// ReadAny) FreeBusyDetailed; Owner brings Visible and Contact.
	if r := got["user1@example.org"]; r.Rights != 0x1c01 || r.MemberID <= 0 || r.Name != "user1@example.org" {
		t.Errorf("user1: %+v", r)
	}
	if r := got["user2@example.org"]; r.Rights != RightOwner|RightVisible|RightContact|RightFreeBusySimple {
		t.Errorf("user2: %#x", r.Rights)
	}
	if r := got[""]; r.MemberID != MemberIDAnonymous || r.Rights != RightVisible|RightFreeBusySimple {
		t.Errorf("anonymous: %+v", r)
	}
	if len(rows) != 4 {
		t.Errorf("%d rows: %+v", len(rows), rows)
	}
	// The client's own free/busy bits, a removal, and a member of another
	// folder (ignored).
	u1 := got["user1@example.org"].MemberID
	if err := tx.UpdatePermissions(mapi.PrivateFIDInbox, []PermissionChange{{Op: RowRemove, MemberID: u1}}, false); err != nil {
		t.Fatal(err)
	}
	err = tx.UpdatePermissions(cal, []PermissionChange{
		{Op: RowModify, MemberID: MemberIDDefault, Rights: RightFreeBusyDetailed},
		{Op: RowRemove, MemberID: got["user2@example.org"].MemberID},
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ = tx.Permissions(cal)
	got = map[string]PermissionRow{}
	for _, r := range rows {
		got[r.Username] = r
	}
	if len(rows) != 3 || got["default"].Rights != RightFreeBusyDetailed || got["user1@example.org"].MemberID != u1 {
		t.Fatalf("after modify/remove: %+v", rows)
	}
	if err := tx.ClearPermissions(cal); err != nil {
		t.Fatal(err)
	}
	if rows, _ := tx.Permissions(cal); len(rows) != 2 || rows[0].Rights != 0 {
		t.Fatalf("after clearing: %+v", rows)
	}
}

func TestFolderRights(t *testing.T) {
	tx, _ := openFixtureTx(t)
	cal := uint64(mapi.PrivateFIDCalendar)
	err := tx.UpdatePermissions(cal, []PermissionChange{
		{Op: RowAdd, Username: "user1@example.org", Rights: RightReadAny | RightCreate},
		{Op: RowAdd, Username: "team@example.org", Rights: RightEditOwned},
		{Op: RowAdd, Username: "board@example.org", Rights: RightDeleteOwned},
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		fid  uint64
		who  Identity
		want uint32
	}{
		{cal, Identity{Username: "fixture@example.org", Owner: true}, RightsMaxROP},
		{cal, Identity{Username: "USER1@example.org"}, RightReadAny | RightCreate | RightVisible}, // own row, any case
		{cal, Identity{Username: "user1@example.org", Groups: []string{"team@example.org"}}, RightReadAny | RightCreate | RightVisible},
		{cal, Identity{Username: "user2@example.org", Groups: []string{"team@example.org", "Board@example.org"}}, RightEditOwned | RightDeleteOwned},
		{cal, Identity{Username: "user2@example.org"}, RightFreeBusySimple | RightVisible}, // the default row
		{cal, Identity{}, 0}, // anonymous: no row, store-wide none
		{mapi.PrivateFIDInbox, Identity{Username: "user2@example.org"}, 0},
	} {
		got, err := tx.FolderRights(c.fid, c.who)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("rights of %+v on %#x: %#x, want %#x", c.who, c.fid, got, c.want)
		}
	}
	// Store-wide fallbacks.
	for id, v := range map[int]int{configDefaultPermission: RightVisible, configAnonymousPerm: RightReadAny} {
		if _, err := tx.Exec("REPLACE INTO configurations VALUES (?, ?)", id, v); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := tx.FolderRights(mapi.PrivateFIDInbox, Identity{Username: "user2@example.org"}); got != RightVisible {
		t.Errorf("default fallback %#x", got)
	}
	if got, _ := tx.FolderRights(mapi.PrivateFIDInbox, Identity{}); got != RightReadAny {
		t.Errorf("anonymous fallback %#x", got)
	}
}

func TestMailboxRights(t *testing.T) {
	tx, dir := openFixtureTx(t)
	// Everybody has the default rows: Calendar 0xc00, Freebusy Data 0x800.
	got, err := tx.MailboxRights(Identity{Username: "user2@example.org"})
	if err != nil || got != RightFreeBusySimple|RightVisible {
		t.Fatalf("default mailbox rights %#x, %v", got, err)
	}
	err = tx.UpdatePermissions(mapi.PrivateFIDIPMSubtree, []PermissionChange{
		{Op: RowAdd, Username: "user1@example.org", Rights: RightOwner},
		{Op: RowAdd, Username: "team@example.org", Rights: RightCreate},
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	// user1's own calendar row hides the calendar's default row.
	if err := tx.UpdatePermissions(mapi.PrivateFIDCalendar, []PermissionChange{{Op: RowAdd, Username: "user1@example.org", Rights: RightReadAny}}, true); err != nil {
		t.Fatal(err)
	}
	got, err = tx.MailboxRights(Identity{Username: "user1@example.org"})
	want := uint32(RightOwner | RightVisible | RightContact | RightStoreOwner | RightReadAny | RightFreeBusySimple)
	if err != nil || got != want {
		t.Fatalf("owner of the IPM subtree: %#x, want %#x (%v)", got, want, err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "config"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config", "delegates.txt"), []byte("assistants@example.org\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err = tx.MailboxRights(Identity{Username: "user2@example.org", Groups: []string{"team@example.org", "Assistants@example.org"}})
	want = RightFreeBusySimple | RightVisible | RightCreate | RightSendAs
	if err != nil || got != want {
		t.Fatalf("delegate through a list: %#x, want %#x (%v)", got, want, err)
	}
}
