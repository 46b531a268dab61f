package mailbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gromox-go/gromox/mapi"
)

// Store check (gromox-mbck): the consistency of one store's files, checked
// with the store closed everywhere else, and what can be fixed without
// guessing, fixed.
//
// Id ranges are read as upstream's allocator uses them: a row of
// allocated_eids reserves range_begin..range_end, both included (a folder's
// message ids run up to its block's range_end, upstream's
// cu_eid_is_allocated tests range_end inclusively). Two rows overlap when
// one begins before the other ends; rows that only share an end point do
// not (upstream's mbck records a stray id as the row (id, id+1)).

// Severity says how much a finding matters.
type Severity int

const (
	// SeverityError is an inconsistency: something a server may trip
	// over (a missing index, an id handed out twice, a missing file).
	SeverityError Severity = iota
	// SeverityGarbage is a harmless leftover: a content file no message
	// refers to any more. Upstream leaves these until purge-datafiles.
	SeverityGarbage
)

func (s Severity) String() string {
	if s == SeverityGarbage {
		return "garbage"
	}
	return "error"
}

// CheckProblem is one finding of Check.
type CheckProblem struct {
	Check    string // integrity, foreign_keys, schema, indexes, allocated_eids, eid_counters, change_numbers, content, midb
	Severity Severity
	Detail   string
	Repaired bool   // repair fixed it
	Repair   string // what repair did, or why it could not
}

// CheckReport is what Check found and, when repairing, what it did.
type CheckReport struct {
	Path     string // the exchange.sqlite3 checked
	Kind     Kind
	Checks   []string // the checks that ran, in order
	Problems []CheckProblem
}

// Clean reports whether the store has no errors left: none found, or each
// one repaired. Garbage does not count.
func (r *CheckReport) Clean() bool { return r.Remaining() == 0 }

// Remaining counts the errors that are not repaired.
func (r *CheckReport) Remaining() int {
	n := 0
	for _, p := range r.Problems {
		if p.Severity == SeverityError && !p.Repaired {
			n++
		}
	}
	return n
}

// Find returns the findings of one check.
func (r *CheckReport) Find(check string) []CheckProblem {
	var out []CheckProblem
	for _, p := range r.Problems {
		if p.Check == check {
			out = append(out, p)
		}
	}
	return out
}

// WriteTo prints the report, one line per check and per finding.
func (r *CheckReport) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "== %s (%s store) ==\n", r.Path, r.Kind)
	for _, c := range r.Checks {
		ps := r.Find(c)
		if len(ps) == 0 {
			fmt.Fprintf(&b, "%s: ok\n", c)
			continue
		}
		for _, p := range ps {
			fmt.Fprintf(&b, "%s: ", c)
			if p.Severity == SeverityGarbage {
				b.WriteString("(garbage) ")
			}
			b.WriteString(p.Detail)
			switch {
			case p.Repaired:
				fmt.Fprintf(&b, " [repaired: %s]", p.Repair)
			case p.Repair != "":
				fmt.Fprintf(&b, " [not repaired: %s]", p.Repair)
			}
			b.WriteByte('\n')
		}
	}
	errs, fixed, garbage := 0, 0, 0
	for _, p := range r.Problems {
		switch {
		case p.Severity == SeverityGarbage:
			garbage++
		case p.Repaired:
			fixed++
		default:
			errs++
		}
	}
	fmt.Fprintf(&b, "%s: %d problems left, %d repaired, %d garbage findings\n", r.Path, errs, fixed, garbage)
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

// Check checks the store in dir (its maildir) and, with repair, fixes what
// can be fixed safely: missing indexes are recreated, ids in use that no
// allocated_eids row records are recorded, id counters that would hand out
// an id in use (or one outside every reservation) are moved past it,
// LAST_CHANGE_NUMBER is raised to the highest change number in use,
// content files nothing refers to are removed, and midb.sqlite3 rows of
// folders and messages that are gone are deleted. What it cannot fix
// (corrupt pages, foreign key violations, duplicate change numbers, missing
// content files, overlapping reservations) it reports.
//
// The store must not be open anywhere else: not in a running server
// (unload it and keep it unused, or stop the server), nor in upstream's
// exmdb. The error is for failures to check at all; findings are in the
// report.
func Check(dir string, repair bool) (*CheckReport, error) {
	return CheckContext(context.Background(), dir, repair)
}

// CheckContext is Check with a context.
func CheckContext(ctx context.Context, dir string, repair bool) (*CheckReport, error) {
	path := DBPath(dir)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("mbck %s: %w", dir, err)
	}
	db, err := openCheckDB(path, repair)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("mbck %s: %w", path, err)
	}
	defer tx.Rollback()
	c := &mbckChecker{ctx: ctx, dir: dir, tx: tx, repair: repair, rep: &CheckReport{Path: path}, now: time.Now()}
	if err := c.run(); err != nil {
		return c.rep, fmt.Errorf("mbck %s: %w", path, err)
	}
	if repair {
		if err := tx.Commit(); err != nil {
			return c.rep, fmt.Errorf("mbck %s: commit: %w", path, err)
		}
		c.removeOrphans()
	}
	if err := c.checkMidb(); err != nil {
		return c.rep, fmt.Errorf("mbck %s: %w", MidbPath(dir), err)
	}
	return c.rep, nil
}

// openCheckDB opens exchange.sqlite3 for checking: without repair nothing
// is written (no journal mode change, deferred transactions); with repair
// the store's usual settings, write lock taken at BEGIN.
func openCheckDB(path string, write bool) (*sql.DB, error) {
	if write {
		return openDB(path)
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(60000)")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

type mbckChecker struct {
	ctx    context.Context
	dir    string
	tx     *sql.Tx
	repair bool
	rep    *CheckReport
	now    time.Time
	schema schemaKind

	orphans []string // content files to remove after the commit
	// pending: the content ids of gx_pending_files rows whose files are
	// written back from them (by the next open, or this repair): not lost.
	pending map[string]bool
}

// maxListed caps the ids or names one finding lists.
const maxListed = 12

func listSome[T any](xs []T, format func(T) string) string {
	var parts []string
	for i, x := range xs {
		if i == maxListed {
			parts = append(parts, fmt.Sprintf("... and %d more", len(xs)-maxListed))
			break
		}
		parts = append(parts, format(x))
	}
	return strings.Join(parts, ", ")
}

func (c *mbckChecker) add(p CheckProblem) { c.rep.Problems = append(c.rep.Problems, p) }

func (c *mbckChecker) ints(q string, args ...any) ([]int64, error) {
	rows, err := c.tx.QueryContext(c.ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v sql.NullInt64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		if v.Valid {
			out = append(out, v.Int64)
		}
	}
	return out, rows.Err()
}

func (c *mbckChecker) one(q string, args ...any) (int64, bool, error) {
	var v sql.NullInt64
	err := c.tx.QueryRowContext(c.ctx, q, args...).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return v.Int64, err == nil && v.Valid, err
}

func (c *mbckChecker) exec(q string, args ...any) error {
	_, err := c.tx.ExecContext(c.ctx, q, args...)
	return err
}

func (c *mbckChecker) run() error {
	steps := []struct {
		name string
		fn   func() error
	}{
		{"schema", c.checkSchema},
		{"integrity", c.checkIntegrity},
		{"foreign_keys", c.checkForeignKeys},
		{"indexes", c.checkIndexes},
		{"allocated_eids", c.checkEIDs},
		{"change_numbers", c.checkChangeNumbers},
		{"pending_files", c.checkPendingFiles},
		{"content", c.checkContent},
	}
	for _, s := range steps {
		c.rep.Checks = append(c.rep.Checks, s.name)
		if err := s.fn(); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		if s.name == "allocated_eids" {
			c.rep.Checks = append(c.rep.Checks, "eid_counters")
		}
	}
	return nil
}

// schemaNames returns the names of the store's tables or indexes.
func (c *mbckChecker) schemaNames(typ string) (map[string]bool, error) {
	rows, err := c.tx.QueryContext(c.ctx, "SELECT name FROM sqlite_master WHERE type=?", typ)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	names := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names[n] = true
	}
	return names, rows.Err()
}

// checkSchema finds out the store's kind and checks its schema version.
func (c *mbckChecker) checkSchema() error {
	names, err := c.schemaNames("table")
	if err != nil {
		return err
	}
	switch {
	case !names["configurations"] || !names["folders"] || !names["messages"] || !names["allocated_eids"]:
		return errors.New("not a Gromox store (configurations, folders, messages or allocated_eids missing)")
	case names["receive_table"] && !names["read_states"]:
		c.schema, c.rep.Kind = schemaPrivate, KindPrivate
	case names["read_states"] && !names["receive_table"]:
		c.schema, c.rep.Kind = schemaPublic, KindPublic
	default:
		return errors.New("neither a private nor a public store")
	}
	v, ok, err := c.one("SELECT config_value FROM configurations WHERE config_id=?", configSchemaVersion)
	if err != nil {
		return err
	}
	if !ok || v != SchemaVersion {
		c.add(CheckProblem{Check: "schema", Detail: fmt.Sprintf("schema version %d, this checker knows %d", v, SchemaVersion),
			Repair: "upgrade the store with upstream's gromox-mkprivate/-mkpublic -U"})
	}
	return nil
}

func (c *mbckChecker) checkIntegrity() error {
	rows, err := c.tx.QueryContext(c.ctx, "PRAGMA integrity_check")
	if err != nil {
		return err
	}
	defer rows.Close()
	var msgs []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return err
		}
		if m != "ok" {
			msgs = append(msgs, m)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, m := range msgs {
		c.add(CheckProblem{Check: "integrity", Detail: m, Repair: "restore from a backup, or rebuild the file with sqlite3's .recover"})
	}
	return nil
}

func (c *mbckChecker) checkForeignKeys() error {
	rows, err := c.tx.QueryContext(c.ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return err
	}
	defer rows.Close()
	type violation struct {
		table, parent string
		rowid         sql.NullInt64
	}
	byTable := map[string][]violation{}
	var order []string
	for rows.Next() {
		var v violation
		var fkid int64
		if err := rows.Scan(&v.table, &v.rowid, &v.parent, &fkid); err != nil {
			return err
		}
		k := v.table + " -> " + v.parent
		if _, ok := byTable[k]; !ok {
			order = append(order, k)
		}
		byTable[k] = append(byTable[k], v)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, k := range order {
		vs := byTable[k]
		c.add(CheckProblem{Check: "foreign_keys",
			Detail: fmt.Sprintf("%d rows of %s refer to missing rows (rowids %s)", len(vs), k,
				listSome(vs, func(v violation) string { return fmt.Sprint(v.rowid.Int64) })),
			Repair: "rows whose parent is gone need a decision: delete them with sqlite3 if they are unwanted"})
	}
	return nil
}

// schemaIndexes returns the named indexes of a schema and their DDL.
func schemaIndexes(k schemaKind) map[string]string {
	out := map[string]string{}
	for _, q := range k.ddl() {
		f := strings.Fields(q)
		switch {
		case len(f) > 2 && f[0] == "CREATE" && f[1] == "INDEX":
			out[f[2]] = q
		case len(f) > 3 && f[0] == "CREATE" && f[1] == "UNIQUE" && f[2] == "INDEX":
			out[f[3]] = q
		}
	}
	return out
}

// checkIndexes compares the store's indexes with the ones upstream's
// schema 27 creates (the implicit sqlite_autoindex_* ones of UNIQUE and
// PRIMARY KEY constraints cannot go missing without their table).
func (c *mbckChecker) checkIndexes() error {
	have, err := c.schemaNames("index")
	if err != nil {
		return err
	}
	want := schemaIndexes(c.schema)
	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if have[n] {
			continue
		}
		p := CheckProblem{Check: "indexes", Detail: "index " + n + " missing"}
		if c.repair {
			if _, err := c.tx.ExecContext(c.ctx, "SAVEPOINT mbck_index"); err != nil {
				return err
			}
			if err := c.exec(want[n]); err != nil {
				c.exec("ROLLBACK TO mbck_index")
				p.Repair = "recreating it failed: " + err.Error()
			} else {
				p.Repaired, p.Repair = true, "recreated"
			}
			if err := c.exec("RELEASE mbck_index"); err != nil {
				return err
			}
		}
		c.add(p)
	}
	return nil
}

// eidRange is a closed interval of GCVs.
type eidRange struct{ first, last int64 }

// eidCoverage is the union of allocated_eids, as sorted disjoint intervals
// (adjacent ones merged).
type eidCoverage []eidRange

func newEIDCoverage(rs []eidRange) eidCoverage {
	sorted := append([]eidRange(nil), rs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].first < sorted[j].first })
	var out eidCoverage
	for _, r := range sorted {
		if r.first > r.last {
			continue
		}
		if n := len(out); n > 0 && r.first <= out[n-1].last+1 {
			out[n-1].last = max(out[n-1].last, r.last)
			continue
		}
		out = append(out, r)
	}
	return out
}

// find returns the interval holding id.
func (cv eidCoverage) find(id int64) (eidRange, bool) {
	i := sort.Search(len(cv), func(i int) bool { return cv[i].last >= id })
	if i < len(cv) && cv[i].first <= id {
		return cv[i], true
	}
	return eidRange{}, false
}

// holds reports whether every id of r is reserved.
func (cv eidCoverage) holds(r eidRange) bool {
	iv, ok := cv.find(r.first)
	return ok && iv.last >= r.last
}

// counter is one id allocator: the store's global counter (folder 0) or a
// folder's message-id block; it hands out next..end-1.
type eidCounter struct {
	folder    uint64
	next, end int64
}

func (k eidCounter) String() string {
	if k.folder == 0 {
		return "global counter (CURRENT_EID/MAXIMUM_EID)"
	}
	return fmt.Sprintf("folder %#x's message-id block (cur_eid/max_eid)", k.folder)
}

// checkEIDs checks the id reservations and the counters that hand ids out.
func (c *mbckChecker) checkEIDs() error {
	rows, err := c.tx.QueryContext(c.ctx, "SELECT range_begin, range_end FROM allocated_eids ORDER BY range_begin, range_end")
	if err != nil {
		return err
	}
	var ranges []eidRange
	for rows.Next() {
		var r eidRange
		if err := rows.Scan(&r.first, &r.last); err != nil {
			rows.Close()
			return err
		}
		ranges = append(ranges, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// Reversed and overlapping reservations: the log of what was handed
	// out contradicts itself; the counters' checks below decide whether
	// that can hand out an id twice.
	var maxEnd int64 = -1 << 62
	var prev eidRange
	for _, r := range ranges {
		if r.first > r.last {
			c.add(CheckProblem{Check: "allocated_eids", Detail: fmt.Sprintf("reservation %#x..%#x ends before it begins", r.first, r.last),
				Repair: "left as it is; delete the row with sqlite3 if nothing uses its ids"})
			continue
		}
		if r.first < maxEnd {
			c.add(CheckProblem{Check: "allocated_eids", Detail: fmt.Sprintf("reservation %#x..%#x overlaps %#x..%#x", r.first, r.last, prev.first, prev.last),
				Repair: "left as it is: the counters are checked against it (eid_counters)"})
		}
		if r.last > maxEnd {
			maxEnd, prev = r.last, r
		}
	}
	cov := newEIDCoverage(ranges)

	// Every folder and message id must lie in a reservation: the next
	// block is reserved after the highest range_end, so an unrecorded id
	// can be handed out again.
	fids, err := c.ints("SELECT folder_id FROM folders WHERE folder_id>0 ORDER BY folder_id")
	if err != nil {
		return err
	}
	mids, err := c.ints("SELECT message_id FROM messages WHERE message_id>0 ORDER BY message_id")
	if err != nil {
		return err
	}
	var strayF, strayM []int64
	for _, id := range fids {
		if _, ok := cov.find(id); !ok {
			strayF = append(strayF, id)
		}
	}
	for _, id := range mids {
		if _, ok := cov.find(id); !ok {
			strayM = append(strayM, id)
		}
	}
	if len(strayF)+len(strayM) > 0 {
		p := CheckProblem{Check: "allocated_eids", Detail: fmt.Sprintf("%d folder and %d message ids lie outside every reservation: %s",
			len(strayF), len(strayM), listSome(append(eidList("f", strayF), eidList("m", strayM)...), func(s string) string { return s }))}
		if c.repair {
			stray := append(append([]int64(nil), strayF...), strayM...)
			sort.Slice(stray, func(i, j int) bool { return stray[i] < stray[j] })
			runs := strayRuns(stray, cov)
			for _, r := range runs {
				// (first, last+1) as upstream's mbck records one id,
				// so both readings of range_end cover it.
				if err := c.exec("INSERT INTO allocated_eids (range_begin, range_end, allocate_time, is_system) VALUES (?, ?, ?, 1)",
					r.first, r.last+1, c.now.Unix()); err != nil {
					return err
				}
				ranges = append(ranges, eidRange{r.first, r.last + 1})
			}
			cov = newEIDCoverage(ranges)
			p.Repaired, p.Repair = true, fmt.Sprintf("recorded in %d reservations", len(runs))
		}
		c.add(p)
	}

	// The counters.
	used := append(append([]int64(nil), fids...), mids...)
	sort.Slice(used, func(i, j int) bool { return used[i] < used[j] })
	var counters []eidCounter
	cur, okCur, err := c.one("SELECT config_value FROM configurations WHERE config_id=?", configCurrentEID)
	if err != nil {
		return err
	}
	mx, okMax, err := c.one("SELECT config_value FROM configurations WHERE config_id=?", configMaximumEID)
	if err != nil {
		return err
	}
	if !okCur || !okMax {
		p := CheckProblem{Check: "eid_counters", Detail: "CURRENT_EID or MAXIMUM_EID is missing"}
		if c.repair {
			top := int64(0)
			if len(cov) > 0 {
				top = cov[len(cov)-1].last
			}
			// Used up: the next folder id comes from a new block.
			if err := c.exec("REPLACE INTO configurations VALUES (?, ?)", configCurrentEID, top); err != nil {
				return err
			}
			if err := c.exec("REPLACE INTO configurations VALUES (?, ?)", configMaximumEID, top); err != nil {
				return err
			}
			p.Repaired, p.Repair = true, "set both to the highest reserved id: the next id comes from a new block"
		}
		c.add(p)
	} else {
		counters = append(counters, eidCounter{folder: 0, next: cur, end: mx})
	}
	frows, err := c.tx.QueryContext(c.ctx, "SELECT folder_id, cur_eid, max_eid FROM folders ORDER BY folder_id")
	if err != nil {
		return err
	}
	for frows.Next() {
		var k eidCounter
		var fid int64
		if err := frows.Scan(&fid, &k.next, &k.end); err != nil {
			frows.Close()
			return err
		}
		k.folder = uint64(fid)
		counters = append(counters, k)
	}
	frows.Close()
	if err := frows.Err(); err != nil {
		return err
	}
	changed := map[int]string{}
	for i := range counters {
		k := &counters[i]
		if k.next >= k.end {
			continue // used up (or a search folder's 0/0): refills from a new block
		}
		// An id in use ahead of the counter would be handed out again.
		j := sort.Search(len(used), func(j int) bool { return used[j] >= k.next })
		if j < len(used) && used[j] < k.end {
			last := used[j]
			n := 0
			for ; j < len(used) && used[j] < k.end; j++ {
				last = used[j]
				n++
			}
			p := CheckProblem{Check: "eid_counters", Detail: fmt.Sprintf("%s would hand out %d ids in use (%#x..%#x)", k, n, k.next, last)}
			if c.repair {
				k.next = last + 1
				changed[i] = "moved past them"
				p.Repaired, p.Repair = true, fmt.Sprintf("next id set to %#x", k.next)
			}
			c.add(p)
		}
		if k.next < k.end && !cov.holds(eidRange{k.next, k.end - 1}) {
			p := CheckProblem{Check: "eid_counters", Detail: fmt.Sprintf("%s hands out %#x..%#x, not (wholly) reserved in allocated_eids", k, k.next, k.end-1)}
			if c.repair {
				k.next = k.end
				changed[i] = "used up"
				p.Repaired, p.Repair = true, "marked used up: its next id comes from a new block"
			}
			c.add(p)
		}
	}
	// Two counters handing out the same ids.
	order := make([]int, 0, len(counters))
	for i, k := range counters {
		if k.next < k.end {
			order = append(order, i)
		}
	}
	sort.Slice(order, func(a, b int) bool { return counters[order[a]].next < counters[order[b]].next })
	for n, ref := 1, 0; n < len(order); n++ {
		a, b := &counters[order[ref]], &counters[order[n]]
		if b.next >= a.end {
			ref = n
			continue
		}
		p := CheckProblem{Check: "eid_counters", Detail: fmt.Sprintf("%s and %s hand out the same ids (%#x..%#x)", a, b, b.next, min(a.end, b.end)-1)}
		if c.repair {
			// b is used up now; a stays the reference.
			b.next = b.end
			changed[order[n]] = "used up"
			p.Repaired, p.Repair = true, fmt.Sprintf("%s marked used up", b)
		} else if b.end > a.end {
			ref = n
		}
		c.add(p)
	}
	for i := range changed {
		k := counters[i]
		var err error
		if k.folder == 0 {
			err = c.exec("UPDATE configurations SET config_value=? WHERE config_id=?", k.next, configCurrentEID)
		} else {
			err = c.exec("UPDATE folders SET cur_eid=? WHERE folder_id=?", k.next, int64(k.folder))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func eidList(p string, ids []int64) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = fmt.Sprintf("%s%#x", p, id)
	}
	return out
}

// strayRuns groups sorted unreserved ids into runs that contain no
// reserved id, to be recorded one row each.
func strayRuns(ids []int64, cov eidCoverage) []eidRange {
	var out []eidRange
	for _, id := range ids {
		if n := len(out); n > 0 {
			r := &out[n-1]
			// Extend the run unless a reservation lies in between.
			i := sort.Search(len(cov), func(i int) bool { return cov[i].last > r.last })
			if i == len(cov) || cov[i].first > id {
				r.last = id
				continue
			}
		}
		out = append(out, eidRange{id, id})
	}
	return out
}

// checkChangeNumbers checks that change numbers are unique across folders,
// messages and read states (one counter hands them all out) and that the
// counter is past all of them.
func (c *mbckChecker) checkChangeNumbers() error {
	parts := []string{
		"SELECT change_number AS cn, 'f' AS k, folder_id AS id FROM folders",
		"SELECT change_number, 'm', message_id FROM messages",
	}
	if c.schema == schemaPrivate {
		parts = append(parts, "SELECT read_cn, 'r', message_id FROM messages WHERE read_cn IS NOT NULL")
	} else {
		parts = append(parts, "SELECT read_cn, 'r', message_id FROM read_cns")
	}
	union := strings.Join(parts, " UNION ALL ")
	rows, err := c.tx.QueryContext(c.ctx, "SELECT cn, COUNT(*), GROUP_CONCAT(k || printf('0x%x', id), ' ') FROM ("+union+") GROUP BY cn HAVING COUNT(*)>1 ORDER BY cn")
	if err != nil {
		return err
	}
	type dup struct {
		cn   int64
		n    int
		objs string
	}
	var dups []dup
	for rows.Next() {
		var d dup
		if err := rows.Scan(&d.cn, &d.n, &d.objs); err != nil {
			rows.Close()
			return err
		}
		dups = append(dups, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(dups) > 0 {
		c.add(CheckProblem{Check: "change_numbers",
			Detail: fmt.Sprintf("%d change numbers are used more than once: %s", len(dups),
				listSome(dups, func(d dup) string { return fmt.Sprintf("%d (%s)", d.cn, d.objs) })),
			Repair: "gromox mbop cgkreset gives every folder and message a new one"})
	}
	top, _, err := c.one("SELECT MAX(cn) FROM (" + union + ")")
	if err != nil {
		return err
	}
	last, ok, err := c.one("SELECT config_value FROM configurations WHERE config_id=?", configLastChangeNumber)
	if err != nil {
		return err
	}
	if !ok || last < top {
		p := CheckProblem{Check: "change_numbers", Detail: fmt.Sprintf("LAST_CHANGE_NUMBER is %d, below the highest change number in use, %d", last, top)}
		if !ok {
			p.Detail = fmt.Sprintf("LAST_CHANGE_NUMBER is missing (highest in use: %d)", top)
		}
		if c.repair {
			if err := c.exec("REPLACE INTO configurations VALUES (?, ?)", configLastChangeNumber, top); err != nil {
				return err
			}
			p.Repaired, p.Repair = true, fmt.Sprintf("set to %d", top)
		}
		c.add(p)
	}
	return nil
}

// cidTags are the message and attachment properties whose rows hold a
// content id.
var (
	messageCIDTags    = []mapi.PropTag{mapi.PrBody, mapi.PrBodyA, mapi.PrTransportMessageHeaders, mapi.PrTransportMessageHeadersA, mapi.PrHTML, mapi.PrRTFCompressed}
	attachmentCIDTags = []mapi.PropTag{mapi.PrAttachDataBin, mapi.PrAttachDataObj}
)

// contentRef is one row referring to a content file.
type contentRef struct {
	table propTable
	id    int64
	cid   string
}

// referencedContent lists the rows that refer to content files.
func referencedContent(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) ([]contentRef, error) {
	var out []contentRef
	for _, src := range []struct {
		table propTable
		tags  []mapi.PropTag
	}{{messageTable, messageCIDTags}, {attachmentTable, attachmentCIDTags}} {
		ph := make([]string, len(src.tags))
		args := make([]any, len(src.tags))
		for i, tg := range src.tags {
			ph[i], args[i] = "?", int64(tg)
		}
		rows, err := q.QueryContext(ctx, "SELECT "+src.table.idColumn()+", propval FROM "+src.table.String()+
			" WHERE proptag IN ("+strings.Join(ph, ",")+")", args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var v any
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return nil, err
			}
			if s, ok := cidString(v); ok {
				out = append(out, contentRef{src.table, id, s})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// dataFile is one file below cid/, eml/ or ext/, named as upstream's
// purge_datafiles matches it against the references: "sub/name" below a
// subdirectory, and at the top the name without a .zst or .v1z suffix.
type dataFile struct {
	key  string
	path string
	info fs.FileInfo
}

// walkDataFiles lists the files below root (absent root: none).
func walkDataFiles(root string) ([]dataFile, error) {
	var out []dataFile
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			if p != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if !strings.Contains(key, "/") {
			key = strings.TrimSuffix(strings.TrimSuffix(key, ".zst"), ".v1z")
		}
		info, err := d.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		out = append(out, dataFile{key: key, path: p, info: info})
		return nil
	})
	return out, err
}

// removeEmptyDirs removes the empty subdirectories of root.
func removeEmptyDirs(root string) {
	ents, err := os.ReadDir(root)
	if err != nil {
		return
	}
	for _, e := range ents {
		if e.IsDir() {
			p := filepath.Join(root, e.Name())
			removeEmptyDirs(p)
			os.Remove(p) // fails unless empty
		}
	}
}

// contentExists reports whether the file of a content id is there.
func contentExists(dir, cid string) (bool, error) {
	p, err := contentPath(dir, cid)
	if err != nil {
		return false, err
	}
	cands := []string{p}
	if !isAddressedCID(cid) {
		cands = []string{p + ".zst", p + ".v1z", p}
	}
	for _, c := range cands {
		if _, err := os.Stat(c); err == nil {
			return true, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return false, err
		}
	}
	return false, nil
}

// checkPendingFiles looks at the gx_pending_files rows (deferred.go): a
// server that ended without closing the store left them; the store's
// next open writes back from them the files a power cut lost. Repair does
// that now: the files are written again where they are missing or differ,
// made durable, and the rows deleted.
func (c *mbckChecker) checkPendingFiles() error {
	n, _, err := c.one("SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='gx_pending_files'")
	if err != nil || n == 0 {
		return err
	}
	st, err := pendingFiles(c.ctx, c.tx, c.dir, c.repair)
	if err != nil {
		return err
	}
	c.pending = st.content
	if st.rows == 0 {
		return nil
	}
	p := CheckProblem{Check: "pending_files", Severity: SeverityGarbage,
		Detail: fmt.Sprintf("%d files kept in gx_pending_files until durable (the server ended without closing the store); all intact", st.rows),
		Repair: "made durable when the store opens next"}
	if len(st.lost) > 0 {
		p.Severity = SeverityError
		p.Detail = fmt.Sprintf("%d files kept in gx_pending_files until durable (the server ended without closing the store); %d missing or different on disk: %s",
			st.rows, len(st.lost), listSome(st.lost, func(s string) string { return s }))
		p.Repair = "written back from the rows when the store opens next"
	}
	if c.repair {
		if err := syncFS(c.dir); err != nil {
			return err
		}
		if err := c.exec("DELETE FROM gx_pending_files"); err != nil {
			return err
		}
		p.Repaired, p.Repair = true, "written back where missing or different, made durable, rows deleted"
	}
	c.add(p)
	return nil
}

// checkContent compares the content ids the rows refer to with the files
// in cid/. A file gx_pending_files holds is not lost, whatever is on disk
// (checkPendingFiles reports it).
func (c *mbckChecker) checkContent() error {
	refs, err := referencedContent(c.ctx, c.tx)
	if err != nil {
		return err
	}
	used := map[string]bool{}
	var missing, bad []contentRef
	checked := map[string]bool{}
	for _, r := range refs {
		used[r.cid] = true
		if c.pending[r.cid] {
			continue
		}
		if ok, seen := checked[r.cid]; seen {
			if !ok {
				missing = append(missing, r)
			}
			continue
		}
		ok, err := contentExists(c.dir, r.cid)
		if err != nil {
			bad = append(bad, r)
			checked[r.cid] = true // reported once
			continue
		}
		checked[r.cid] = ok
		if !ok {
			missing = append(missing, r)
		}
	}
	refName := func(r contentRef) string {
		obj := "message"
		if r.table == attachmentTable {
			obj = "attachment"
		}
		return fmt.Sprintf("%s %d: %s", obj, r.id, r.cid)
	}
	if len(missing) > 0 {
		c.add(CheckProblem{Check: "content", Detail: fmt.Sprintf("%d references to content files that are missing: %s", len(missing), listSome(missing, refName)),
			Repair: "restore cid/ from a backup; the values are lost otherwise"})
	}
	if len(bad) > 0 {
		c.add(CheckProblem{Check: "content", Detail: fmt.Sprintf("%d malformed content ids: %s", len(bad), listSome(bad, refName))})
	}
	files, err := walkDataFiles(filepath.Join(c.dir, "cid"))
	if err != nil {
		return err
	}
	var orphans []dataFile
	var bytes int64
	for _, f := range files {
		if !used[f.key] {
			orphans = append(orphans, f)
			bytes += f.info.Size()
		}
	}
	if len(orphans) > 0 {
		p := CheckProblem{Check: "content", Severity: SeverityGarbage,
			Detail: fmt.Sprintf("%d content files (%d bytes) no row refers to: %s", len(orphans), bytes,
				listSome(orphans, func(f dataFile) string { return f.key }))}
		if c.repair {
			for _, f := range orphans {
				c.orphans = append(c.orphans, f.path)
			}
			p.Repaired, p.Repair = true, "removed"
		}
		c.add(p)
	}
	return nil
}

// removeOrphans deletes the orphaned content files once the repairs have
// committed.
func (c *mbckChecker) removeOrphans() {
	for _, p := range c.orphans {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			c.add(CheckProblem{Check: "content", Severity: SeverityGarbage, Detail: "removing " + p + ": " + err.Error()})
		}
	}
	if len(c.orphans) > 0 {
		removeEmptyDirs(filepath.Join(c.dir, "cid"))
	}
}

// checkMidb finds rows of midb.sqlite3 (the IMAP index) whose folder or
// message is gone from exchange.sqlite3, or that list a message in a folder
// it is not (visibly) in.
func (c *mbckChecker) checkMidb() error {
	path := MidbPath(c.dir)
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	c.rep.Checks = append(c.rep.Checks, "midb")
	db, err := openCheckDB(path, c.repair)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(c.ctx, "ATTACH DATABASE ? AS x", DBPath(c.dir)); err != nil {
		return err
	}
	defer db.ExecContext(c.ctx, "DETACH DATABASE x")
	tx, err := db.BeginTx(c.ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var v int64
	if err := tx.QueryRowContext(c.ctx, "SELECT config_value FROM configurations WHERE config_id=10").Scan(&v); err != nil || v != MidbSchemaVersion {
		c.add(CheckProblem{Check: "midb", Detail: fmt.Sprintf("schema version %d (err %v), this checker knows %d", v, err, MidbSchemaVersion),
			Repair: "remove midb.sqlite3: the server rebuilds it (IMAP UIDs start anew)"})
		return nil
	}
	const goneFolders = "FROM folders AS f WHERE NOT EXISTS (SELECT 1 FROM x.folders AS e WHERE e.folder_id=f.folder_id AND e.is_deleted=0)"
	const goneMessages = "FROM messages AS m WHERE NOT EXISTS (SELECT 1 FROM x.messages AS e WHERE e.message_id=m.message_id AND e.parent_fid=m.folder_id AND e.is_deleted=0 AND e.is_associated=0)"
	for _, q := range []struct{ what, from string }{{"folders", goneFolders}, {"messages", goneMessages}} {
		idQ := "SELECT folder_id " + q.from
		if q.what == "messages" {
			idQ = "SELECT message_id " + q.from
		}
		rows, err := tx.QueryContext(c.ctx, idQ)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(ids) == 0 {
			continue
		}
		p := CheckProblem{Check: "midb", Detail: fmt.Sprintf("%d IMAP index rows of %s that are gone: %s", len(ids), q.what,
			listSome(ids, func(id int64) string { return fmt.Sprintf("%#x", id) }))}
		if c.repair {
			if _, err := tx.ExecContext(c.ctx, "DELETE "+q.from); err != nil {
				return err
			}
			p.Repaired, p.Repair = true, "deleted"
		}
		c.add(p)
	}
	if c.repair {
		return tx.Commit()
	}
	return nil
}
