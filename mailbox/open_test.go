package mailbox

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gromox-go/gromox/mapi"
)

func TestOpenFixtureStores(t *testing.T) {
	for _, tc := range []struct {
		name    string
		kind    Kind
		account uint32
		guid    string
	}{
		{"fixture-store", KindPrivate, 3, "559b5f17-0e8c-43f0-8578-c94f98514307"},
		{"public-store", KindPublic, 1, "b6f409de-743f-4dd0-8662-dd4e6dd29112"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyFixture(t, tc.name)
			// upstream's ephemeral table cache, with a leftover WAL
			for _, f := range []string{"tables.sqlite3", "tables.sqlite3-wal", "tables.sqlite3-shm"} {
				if err := os.WriteFile(filepath.Join(dir, f), []byte("stale"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			s, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			for _, f := range []string{"tables.sqlite3", "tables.sqlite3-wal", "tables.sqlite3-shm"} {
				if _, err := os.Stat(filepath.Join(dir, f)); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("%s still there after Open: %v", f, err)
				}
			}
			if s.Kind() != tc.kind {
				t.Errorf("kind %v, want %v", s.Kind(), tc.kind)
			}
			if s.AccountID() != tc.account {
				t.Errorf("account id %d, want %d", s.AccountID(), tc.account)
			}
			if got := s.MailboxGUID().String(); got != tc.guid {
				t.Errorf("mailbox GUID %s, want %s", got, tc.guid)
			}
			if s.MappingSignature().IsZero() || s.MappingSignature() == s.MailboxGUID() {
				t.Errorf("mapping signature %s", s.MappingSignature())
			}
			want := mapi.PrivateStoreGUID(tc.account)
			if tc.kind == KindPublic {
				want = mapi.PublicStoreGUID(tc.account)
			}
			if g, ok := s.ReplGUID(1); !ok || g != want {
				t.Errorf("replid 1 = %s, want %s", g, want)
			}
			if _, ok := s.ReplGUID(6); ok {
				t.Errorf("replid 6 known in a store with an empty replguidmap")
			}
		})
	}
}

func TestOpenRefusesOtherSchemas(t *testing.T) {
	for _, v := range []int{0, 26, 28} {
		dir := copyFixture(t, "public-store")
		db := rawDB(t, DBPath(dir))
		if v == 0 {
			db.Exec("DELETE FROM configurations WHERE config_id=10")
		} else {
			db.Exec("UPDATE configurations SET config_value=? WHERE config_id=10", v)
		}
		db.Close()
		s, err := Open(dir)
		if err == nil {
			s.Close()
			t.Errorf("schema %d opened", v)
			continue
		}
		var sv *SchemaVersionError
		if !errors.Is(err, ErrSchemaVersion) || !errors.As(err, &sv) || sv.Found != v {
			t.Errorf("schema %d: %v", v, err)
		}
		if v > 27 && !strings.Contains(err.Error(), "newer") || v < 27 && !strings.Contains(err.Error(), "older") {
			t.Errorf("schema %d: unclear error %q", v, err)
		}
	}
	if _, err := Open(t.TempDir()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open of an empty directory: %v", err)
	}
}

func TestOpenCreatedStores(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "u")
	if err := CreatePrivate(dir, PrivateParams{UserID: 42, Language: "de"}); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Kind() != KindPrivate || s.AccountID() != 42 {
		t.Errorf("kind %v account %d", s.Kind(), s.AccountID())
	}
	pdir := filepath.Join(t.TempDir(), "d")
	if err := CreatePublic(pdir, PublicParams{DomainID: 9}); err != nil {
		t.Fatal(err)
	}
	p, err := Open(pdir)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Kind() != KindPublic || p.AccountID() != 9 {
		t.Errorf("kind %v account %d", p.Kind(), p.AccountID())
	}
}

// TestServedStoreIndexesMsgtimeByMessage: a served store finds the
// msgtime_index row of a message by its id through an index, as deleting
// the message does (ON DELETE CASCADE). Upstream's schema has none, and
// every deleted message made SQLite scan the table. (The public fixture's
// table is empty: there SQLite scans it anyway, and only the index's
// presence is checked.)
func TestServedStoreIndexesMsgtimeByMessage(t *testing.T) {
	for _, name := range []string{"fixture-store", "public-store"} {
		t.Run(name, func(t *testing.T) {
			dir := copyFixture(t, name)
			db := rawDB(t, DBPath(dir))
			plan := func() string {
				rows, err := db.Query("EXPLAIN QUERY PLAN SELECT 1 FROM msgtime_index WHERE message_id=?", 1)
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				var b strings.Builder
				for rows.Next() {
					var id, parent, unused int
					var detail string
					if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
						t.Fatal(err)
					}
					b.WriteString(detail + "; ")
				}
				return b.String()
			}
			indexed := func() bool {
				var n int
				if err := db.QueryRow("SELECT COUNT(*) FROM sqlite_master WHERE type='index' AND name='gx_msgtime_mid'").Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n == 1
			}
			private := name == "fixture-store"
			if p := plan(); private && !strings.Contains(p, "SCAN msgtime_index") {
				t.Fatalf("upstream's store: plan %q, want a scan", p)
			}
			if indexed() {
				t.Fatal("upstream's store has gx_msgtime_mid already")
			}
			r, _ := newRegistry(t, Options{Open: Open})
			if _, err := Do[any](tctx(t), r, dir, WriteFunc(func(*Tx) (any, error) { return nil, nil })); err != nil {
				t.Fatal(err)
			}
			if !indexed() {
				t.Fatal("served store: no gx_msgtime_mid")
			}
			if p := plan(); private && !strings.Contains(p, "USING COVERING INDEX gx_msgtime_mid") {
				t.Errorf("served store: plan %q, want gx_msgtime_mid", p)
			}
		})
	}
}
