package mailbox

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gromox-go/gromox/mapi"
)

// check runs Check and fails the test on an error to check at all.
func mbckRun(t *testing.T, dir string, repair bool) *CheckReport {
	t.Helper()
	rep, err := Check(dir, repair)
	if err != nil {
		t.Fatalf("Check(%v): %v", repair, err)
	}
	return rep
}

func mbckText(r *CheckReport) string {
	var b strings.Builder
	r.WriteTo(&b)
	return b.String()
}

// mustClean fails unless the report has no errors.
func mustCheckClean(t *testing.T, r *CheckReport) {
	t.Helper()
	if !r.Clean() {
		t.Fatalf("store not clean:\n%s", mbckText(r))
	}
}

// findings returns the error findings of one check.
func errFindings(r *CheckReport, check string) []CheckProblem {
	var out []CheckProblem
	for _, p := range r.Find(check) {
		if p.Severity == SeverityError {
			out = append(out, p)
		}
	}
	return out
}

// damage runs SQL on a store's exchange.sqlite3 without foreign keys, the
// way a broken tool or a crash mid-way would leave it.
func damageStore(t *testing.T, dir string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+DBPath(dir)+"?_pragma=foreign_keys(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func TestCheckFixturesClean(t *testing.T) {
	for _, name := range []string{"fixture-store", "public-store"} {
		t.Run(name, func(t *testing.T) {
			dir := copyFixture(t, name)
			r := mbckRun(t, dir, false)
			mustCheckClean(t, r)
			if name == "fixture-store" {
				// Upstream leaves the content files of the message
				// expunged over IMAP behind: garbage, not an error.
				g := r.Find("content")
				if len(g) != 1 || g[0].Severity != SeverityGarbage || !strings.HasPrefix(g[0].Detail, "4 content files") {
					t.Fatalf("content findings: %+v", g)
				}
				if !strings.Contains(mbckText(r), "midb: ok") {
					t.Fatalf("midb not checked:\n%s", mbckText(r))
				}
			}
		})
	}
}

func TestCheckCreatedStoresClean(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "u")
	if err := CreatePrivate(dir, PrivateParams{UserID: 7, Language: "en"}); err != nil {
		t.Fatal(err)
	}
	mustCheckClean(t, mbckRun(t, dir, false))
	pub := filepath.Join(t.TempDir(), "p")
	if err := CreatePublic(pub, PublicParams{DomainID: 3}); err != nil {
		t.Fatal(err)
	}
	mustCheckClean(t, mbckRun(t, pub, false))
}

func TestCheckMissingIndexes(t *testing.T) {
	dir := copyFixture(t, "fixture-store")
	damageStore(t, dir, "DROP INDEX fid_rules_index", "DROP INDEX conv_id_index", "DROP INDEX msgtime_mt_idx")
	r := mbckRun(t, dir, false)
	got := errFindings(r, "indexes")
	if len(got) != 3 || got[0].Repaired {
		t.Fatalf("index findings: %+v", got)
	}
	r = mbckRun(t, dir, true)
	for _, p := range errFindings(r, "indexes") {
		if !p.Repaired {
			t.Fatalf("not repaired: %+v", p)
		}
	}
	mustCheckClean(t, mbckRun(t, dir, false))
	var sqlText string
	if err := rawDB(t, DBPath(dir)).QueryRow("SELECT sql FROM sqlite_master WHERE name='conv_id_index'").Scan(&sqlText); err != nil ||
		sqlText != "CREATE INDEX conv_id_index ON message_properties(propval) WHERE proptag = 806551810" {
		t.Fatalf("recreated index: %q %v", sqlText, err)
	}
}

func TestCheckContentFiles(t *testing.T) {
	dir := copyFixture(t, "fixture-store")
	// One referenced file gone, two orphans added.
	var cid string
	if err := rawDB(t, DBPath(dir)).QueryRow("SELECT propval FROM attachment_properties WHERE proptag=? LIMIT 1", int64(mapi.PrAttachDataBin)).Scan(&cid); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "cid", filepath.FromSlash(cid))); err != nil {
		t.Fatal(err)
	}
	orphan := filepath.Join(dir, "cid", "Y-ee", "0123456789abcdef0123456789abcd")
	os.MkdirAll(filepath.Dir(orphan), 0o755)
	if err := os.WriteFile(orphan, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	legacy := filepath.Join(dir, "cid", "4711.zst")
	if err := os.WriteFile(legacy, []byte("y"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := mbckRun(t, dir, false)
	missing := errFindings(r, "content")
	if len(missing) != 1 || !strings.Contains(missing[0].Detail, cid) {
		t.Fatalf("missing file not found: %+v", missing)
	}
	garbage := r.Find("content")
	if !strings.Contains(mbckText(r), "6 content files") || !strings.Contains(mbckText(r), "Y-ee/0123456789abcdef0123456789abcd") ||
		!strings.Contains(mbckText(r), "4711") || len(garbage) != 2 {
		t.Fatalf("orphans not found:\n%s", mbckText(r))
	}
	r = mbckRun(t, dir, true)
	if r.Clean() {
		t.Fatal("a missing content file cannot be repaired")
	}
	for _, p := range []string{orphan, legacy, filepath.Dir(orphan)} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Fatalf("%s not removed: %v", p, err)
		}
	}
	r = mbckRun(t, dir, false)
	if len(errFindings(r, "content")) != 1 || len(r.Find("content")) != 1 {
		t.Fatalf("after repair:\n%s", mbckText(r))
	}
}

func TestCheckLastChangeNumber(t *testing.T) {
	dir := copyFixture(t, "fixture-store")
	damageStore(t, dir, "UPDATE configurations SET config_value=10 WHERE config_id=4")
	r := mbckRun(t, dir, false)
	if got := errFindings(r, "change_numbers"); len(got) != 1 || !strings.Contains(got[0].Detail, "highest change number in use, 89") {
		t.Fatalf("findings: %+v", got)
	}
	r = mbckRun(t, dir, true)
	if !r.Clean() {
		t.Fatalf("not repaired:\n%s", mbckText(r))
	}
	var last int64
	rawDB(t, DBPath(dir)).QueryRow("SELECT config_value FROM configurations WHERE config_id=4").Scan(&last)
	if last != 89 {
		t.Fatalf("LAST_CHANGE_NUMBER %d, want 89", last)
	}
	mustCheckClean(t, mbckRun(t, dir, false))
}

func TestCheckDuplicateChangeNumbers(t *testing.T) {
	dir := copyFixture(t, "fixture-store")
	// A message takes the change number of the Inbox.
	damageStore(t, dir, "UPDATE messages SET change_number=(SELECT change_number FROM folders WHERE folder_id=13) WHERE message_id=(SELECT MIN(message_id) FROM messages WHERE parent_fid=13)")
	r := mbckRun(t, dir, true)
	got := errFindings(r, "change_numbers")
	if len(got) != 1 || got[0].Repaired || !strings.Contains(got[0].Detail, "83 (") || !strings.Contains(got[0].Repair, "cgkreset") {
		t.Fatalf("findings:\n%s", mbckText(r))
	}
}

func TestCheckAllocatedRanges(t *testing.T) {
	t.Run("reservation lost", func(t *testing.T) {
		dir := copyFixture(t, "fixture-store")
		// The Inbox's block: its messages and its counter are now
		// outside every reservation.
		damageStore(t, dir, "DELETE FROM allocated_eids WHERE range_begin=196608")
		r := mbckRun(t, dir, false)
		eids := errFindings(r, "allocated_eids")
		if len(eids) != 1 || !strings.Contains(eids[0].Detail, "0 folder and 20 message ids") {
			t.Fatalf("allocated_eids:\n%s", mbckText(r))
		}
		if c := errFindings(r, "eid_counters"); len(c) != 1 || !strings.Contains(c[0].Detail, "folder 0xd") {
			t.Fatalf("eid_counters:\n%s", mbckText(r))
		}
		r = mbckRun(t, dir, true)
		if !r.Clean() {
			t.Fatalf("not repaired:\n%s", mbckText(r))
		}
		mustCheckClean(t, mbckRun(t, dir, false))
		db := rawDB(t, DBPath(dir))
		var cur, max int64
		db.QueryRow("SELECT cur_eid, max_eid FROM folders WHERE folder_id=13").Scan(&cur, &max)
		if cur != max {
			t.Fatalf("Inbox block not used up: %#x %#x", cur, max)
		}
	})
	t.Run("overlap", func(t *testing.T) {
		dir := copyFixture(t, "fixture-store")
		damageStore(t, dir, "INSERT INTO allocated_eids VALUES (200000, 270000, 0, 1)")
		r := mbckRun(t, dir, true)
		if got := errFindings(r, "allocated_eids"); len(got) != 2 || got[0].Repaired || !strings.Contains(got[0].Detail, "overlaps") {
			t.Fatalf("overlap:\n%s", mbckText(r))
		}
	})
	t.Run("counter behind", func(t *testing.T) {
		dir := copyFixture(t, "fixture-store")
		// The global counter and the Inbox's would hand out ids in use.
		damageStore(t, dir, "UPDATE configurations SET config_value=1 WHERE config_id=2",
			"UPDATE folders SET cur_eid=196608 WHERE folder_id=13")
		r := mbckRun(t, dir, false)
		if got := errFindings(r, "eid_counters"); len(got) != 2 {
			t.Fatalf("counters:\n%s", mbckText(r))
		}
		r = mbckRun(t, dir, true)
		if !r.Clean() {
			t.Fatalf("not repaired:\n%s", mbckText(r))
		}
		db := rawDB(t, DBPath(dir))
		var cur, icur int64
		db.QueryRow("SELECT config_value FROM configurations WHERE config_id=2").Scan(&cur)
		db.QueryRow("SELECT cur_eid FROM folders WHERE folder_id=13").Scan(&icur)
		if cur != 257 || icur != 196636 {
			t.Fatalf("counters after repair: CURRENT_EID %d, Inbox cur_eid %d", cur, icur)
		}
		mustCheckClean(t, mbckRun(t, dir, false))
	})
	t.Run("counters overlap", func(t *testing.T) {
		dir := copyFixture(t, "fixture-store")
		// Drafts' counter moved into the Inbox's free ids.
		damageStore(t, dir, "UPDATE folders SET cur_eid=200000, max_eid=210000 WHERE folder_id=14")
		r := mbckRun(t, dir, true)
		got := errFindings(r, "eid_counters")
		if len(got) != 1 || !got[0].Repaired || !strings.Contains(got[0].Detail, "hand out the same ids") {
			t.Fatalf("counters:\n%s", mbckText(r))
		}
		mustCheckClean(t, mbckRun(t, dir, false))
	})
}

func TestCheckForeignKeysAndMidb(t *testing.T) {
	dir := copyFixture(t, "fixture-store")
	damageStore(t, dir, "INSERT INTO message_properties VALUES (999999, 805371935, 'orphan')")
	midb, err := sql.Open("sqlite", "file:"+MidbPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := midb.Exec(`INSERT INTO messages (message_id, folder_id, mid_string, uid, subject, sender, rcpt, size, received)
		VALUES (999999, 13, 'gone.1', 999, '', '', '', 0, 0)`); err != nil {
		t.Fatal(err)
	}
	midb.Close()
	r := mbckRun(t, dir, true)
	fk := errFindings(r, "foreign_keys")
	if len(fk) != 1 || fk[0].Repaired || !strings.Contains(fk[0].Detail, "message_properties -> messages") {
		t.Fatalf("foreign keys:\n%s", mbckText(r))
	}
	m := errFindings(r, "midb")
	if len(m) != 1 || !m[0].Repaired || !strings.Contains(m[0].Detail, "0xf423f") {
		t.Fatalf("midb:\n%s", mbckText(r))
	}
	if got := errFindings(mbckRun(t, dir, false), "midb"); len(got) != 0 {
		t.Fatalf("midb after repair: %+v", got)
	}
}

func TestCheckReportText(t *testing.T) {
	dir := copyFixture(t, "fixture-store")
	damageStore(t, dir, "DROP INDEX fid_rules_index")
	r := mbckRun(t, dir, true)
	txt := mbckText(r)
	for _, want := range []string{"(private store)", "integrity: ok", "indexes: index fid_rules_index missing [repaired: recreated]", "0 problems left, 1 repaired, 1 garbage"} {
		if !strings.Contains(txt, want) {
			t.Fatalf("report lacks %q:\n%s", want, txt)
		}
	}
}
