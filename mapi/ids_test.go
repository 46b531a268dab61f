package mapi_test

import (
	"bytes"
	"database/sql"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gromox-go/gromox/mapi"
	_ "modernc.org/sqlite"
)

// idHex decodes hex written with optional spaces.
func idHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// Fixture stores written by upstream Gromox 3.10 (see the README beside
// them): fixture@example.org has user id 3 in domain 1.
const (
	idFixtureDir     = "/work/shared/fixtures/upstream-3.10"
	idFixtureUserID  = 3
	idFixtureDomain  = 1
	idFixtureOrgName = "Gromox default"
)

// idFixtureDB opens a copy of an upstream exchange.sqlite3 ("fixture-store"
// or "public-store"); the fixture itself stays untouched.
func idFixtureDB(t *testing.T, store string) *sql.DB {
	t.Helper()
	src := filepath.Join(idFixtureDir, store, "exmdb", "exchange.sqlite3")
	in, err := os.Open(src)
	if err != nil {
		t.Skipf("fixture not available: %v", err)
	}
	defer in.Close()
	dst := filepath.Join(t.TempDir(), "exchange.sqlite3")
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", dst)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestEIDLayout(t *testing.T) {
	// MS-OXCFXICS 4.4: MessageID3 "01 00 00 00 00 00 00 10" is
	// REPLID 0x0001, GLOBCNT 0x000000000010.
	e := mapi.EIDFromWire([8]byte(idHex(t, "0100000000000010")))
	if e.Replid() != 1 || e.GCV() != 0x10 {
		t.Fatalf("got replid %d gcv %#x", e.Replid(), e.GCV())
	}
	e = mapi.MakeEID(0x0102, 0x0a0b0c0d0e0f)
	if w := e.Wire(); !bytes.Equal(w[:], idHex(t, "0201 0a0b0c0d0e0f")) {
		t.Fatalf("wire %x", w)
	}
	if e.Replid() != 0x0102 || e.GCV() != 0x0a0b0c0d0e0f {
		t.Fatalf("round trip: replid %#x gcv %#x", e.Replid(), e.GCV())
	}
	if g := e.GlobCnt(); g != mapi.GlobCnt(idHex(t, "0a0b0c0d0e0f")) {
		t.Fatalf("globcnt %x", g)
	}
	// bswap64(gcv)|replid, as upstream keeps eid_t.
	if uint64(mapi.MakeEID(1, mapi.PrivateFIDInbox)) != 0x0d00000000000001 {
		t.Fatalf("inbox eid %#x", uint64(mapi.MakeEID(1, mapi.PrivateFIDInbox)))
	}
	// Bits above 48 are dropped.
	if e := mapi.MakeEID(1, 0xffff_0000_0000_0005); e.GCV() != 5 || e.Replid() != 1 {
		t.Fatalf("mask: %v", e)
	}
	if s := mapi.MakeChangeNumber(0x59).String(); s != "1:0x59" {
		t.Fatalf("String %q", s)
	}
}

func TestGlobCnt(t *testing.T) {
	for _, v := range []uint64{0, 1, 0xff, 0x100, 0x123456789abc, mapi.GCVMask} {
		g := mapi.GlobCntOf(v)
		if g.Value() != v {
			t.Errorf("%#x -> %x -> %#x", v, g, g.Value())
		}
	}
	if g := mapi.GlobCntOf(0x0102030405); g != (mapi.GlobCnt{0, 1, 2, 3, 4, 5}) {
		t.Errorf("big-endian form %x", g)
	}
}

func TestWellKnownFolderIDs(t *testing.T) {
	// Reference §2.6 and §2.10; the fixture manifest reports the same ids
	// through EWS (Inbox 0x0d, Calendar 0x0f, ...).
	cases := []struct{ got, want uint64 }{
		{mapi.PrivateFIDRoot, 0x01}, {mapi.PrivateFIDIPMSubtree, 0x09},
		{mapi.PrivateFIDInbox, 0x0d}, {mapi.PrivateFIDCalendar, 0x0f},
		{mapi.PrivateFIDContacts, 0x13}, {mapi.PrivateFIDJunk, 0x17},
		{mapi.PrivateFIDConversationActionSettings, 0x1d},
		{mapi.PrivateFIDUnassignedStart, 0x1e},
		{mapi.PublicFIDRoot, 0x01}, {mapi.PublicFIDIPMSubtree, 0x02},
		{mapi.PublicFIDNonIPMSubtree, 0x03}, {mapi.PublicFIDEFormsRegistry, 0x04},
		{mapi.PublicFIDUnassignedStart, 0x05},
		{mapi.CustomEIDBegin, 0x100}, {mapi.AllocatedEIDRange, 0x10000},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: constant %#x, want %#x", i, c.got, c.want)
		}
	}
}

func TestLongTermIDAndSourceKey(t *testing.T) {
	g := mapi.PrivateStoreGUID(3)
	l := mapi.NewLongTermID(g, 0x0d)
	want := idHex(t, "03000000 a5187b6f bcdcea1ed03c5657 00000000000d 0000")
	if !bytes.Equal(l.Bytes(), want) {
		t.Fatalf("LongTermID %x", l.Bytes())
	}
	back, err := mapi.ParseLongTermID(want)
	if err != nil || back != l {
		t.Fatalf("parse: %v %v", back, err)
	}
	if l.EID(1) != mapi.MakeEID(1, 0x0d) {
		t.Fatalf("EID %v", l.EID(1))
	}
	sk := mapi.SourceKey(g, 0x0d)
	if !bytes.Equal(sk, want[:22]) || !bytes.Equal(l.SourceKey(), sk) {
		t.Fatalf("source key %x", sk)
	}
	if back, err := mapi.ParseSourceKey(sk); err != nil || back != l {
		t.Fatalf("parse source key: %v %v", back, err)
	}
	for _, n := range []int{0, 21, 23, 25} {
		if _, err := mapi.ParseLongTermID(make([]byte, n)); err == nil && n != 24 {
			t.Errorf("ParseLongTermID accepted %d bytes", n)
		}
		if _, err := mapi.ParseSourceKey(make([]byte, n)); err == nil {
			t.Errorf("ParseSourceKey accepted %d bytes", n)
		}
	}
}

// TestFixtureFolderIDs checks the folder ids of the upstream store against
// the built-in constants.
func TestFixtureFolderIDs(t *testing.T) {
	db := idFixtureDB(t, "fixture-store")
	rows, err := db.Query(`SELECT folder_id, parent_id FROM folders WHERE folder_id < ?`, mapi.PrivateFIDUnassignedStart)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var fid uint64
		var parent sql.NullInt64
		if err := rows.Scan(&fid, &parent); err != nil {
			t.Fatal(err)
		}
		n++
		if fid == mapi.PrivateFIDInbox && parent.Int64 != mapi.PrivateFIDIPMSubtree {
			t.Errorf("inbox parent %d", parent.Int64)
		}
		if fid == mapi.PrivateFIDRoot && parent.Valid {
			t.Errorf("root has parent %d", parent.Int64)
		}
	}
	if n != mapi.PrivateFIDConversationActionSettings {
		t.Errorf("%d built-in folders, want %d", n, mapi.PrivateFIDConversationActionSettings)
	}
}
