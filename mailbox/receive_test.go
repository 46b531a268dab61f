package mailbox

import (
	"errors"
	"testing"

	"github.com/gromox-go/gromox/mapi"
)

func TestReceiveFolderOfFixture(t *testing.T) {
	tx, _ := openFixtureTx(t)
	for _, c := range []struct {
		class, matched string
		fid            uint64
	}{
		{"IPM.Note.Foo", "IPM", mapi.PrivateFIDInbox},
		{"ipm.note", "IPM", mapi.PrivateFIDInbox},
		{"", "", mapi.PrivateFIDInbox},
		{"IPC.Microsoft.Thing", "IPC", mapi.PrivateFIDRoot},
		{"Report.IPM.Note.NDR", "REPORT.IPM", mapi.PrivateFIDInbox},
		{"X-Other", "", mapi.PrivateFIDInbox},
		{"IPMX", "", mapi.PrivateFIDInbox}, // prefixes end at periods
	} {
		fid, matched, err := tx.ReceiveFolder(c.class)
		if err != nil {
			t.Fatal(err)
		}
		if fid != c.fid || matched != c.matched {
			t.Errorf("receive folder of %q: %#x %q, want %#x %q", c.class, fid, matched, c.fid, c.matched)
		}
	}
	for _, bad := range []string{".IPM", "IPM.", "IPM..Note", "IPM.Nöte", string(make([]byte, 255))} {
		if _, _, err := tx.ReceiveFolder(bad); !errors.Is(err, ErrInvalidParam) {
			t.Errorf("class %q: %v", bad, err)
		}
	}
	rows, err := tx.ReceiveFolderTable()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]uint64{"": mapi.PrivateFIDInbox, "IPC": mapi.PrivateFIDRoot, "IPM": mapi.PrivateFIDInbox, "REPORT.IPM": mapi.PrivateFIDInbox}
	if len(rows) != len(want) {
		t.Fatalf("table %+v", rows)
	}
	for _, r := range rows {
		if fid, ok := want[r.Class]; !ok || fid != r.FolderID || r.Modified.Time().Year() < 2024 {
			t.Errorf("row %+v", r)
		}
	}
}

func TestSetReceiveFolder(t *testing.T) {
	tx, _ := openFixtureTx(t)
	fid, err := tx.CreateFolder(mapi.PrivateFIDIPMSubtree, "Faxes", "IPF.Note", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.SetReceiveFolder("IPM.Note.Fax", fid); err != nil {
		t.Fatal(err)
	}
	if got, matched, _ := tx.ReceiveFolder("ipm.note.fax.cover"); got != fid || matched != "IPM.Note.Fax" {
		t.Fatalf("after set: %#x %q", got, matched)
	}
	if got, _, _ := tx.ReceiveFolder("IPM.Note"); got != mapi.PrivateFIDInbox {
		t.Fatalf("sibling class: %#x", got)
	}
	if rows, _ := tx.ReceiveFolderTable(); len(rows) != 5 {
		t.Fatalf("table of %d rows", len(rows))
	}
	// The default can move; removing a class falls back to its parent.
	if err := tx.SetReceiveFolder("", fid); err != nil {
		t.Fatal(err)
	}
	if got, matched, _ := tx.ReceiveFolder("Other"); got != fid || matched != "" {
		t.Fatalf("new default: %#x %q", got, matched)
	}
	if err := tx.SetReceiveFolder("IPM.Note.Fax", 0); err != nil {
		t.Fatal(err)
	}
	if got, matched, _ := tx.ReceiveFolder("IPM.Note.Fax"); got != mapi.PrivateFIDInbox || matched != "IPM" {
		t.Fatalf("after removal: %#x %q", got, matched)
	}
	sf, err := tx.CreateSearchFolder(mapi.PrivateFIDFinder, "Searches", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		class string
		fid   uint64
		err   error
	}{
		{"IPM", fid, ErrAccessDenied},
		{"report.ipm", fid, ErrAccessDenied},
		{"", 0, ErrInvalidParam},
		{"IPM.Foo", 0xdead, ErrNotFound},
		{"IPM.Foo", sf, mapi.EcNotSupported},
		{"IPM..Foo", fid, ErrInvalidParam},
	} {
		if err := tx.SetReceiveFolder(c.class, c.fid); !errors.Is(err, c.err) {
			t.Errorf("set %q to %#x: %v, want %v", c.class, c.fid, err, c.err)
		}
	}
}

func TestReceiveFoldersOfPublicStore(t *testing.T) {
	dir := copyFixture(t, "public-store")
	_, tx := openStoreTx(t, dir)
	if _, _, err := tx.ReceiveFolder("IPM"); !errors.Is(err, mapi.EcNotSupported) {
		t.Fatalf("public store: %v", err)
	}
}
