package mailbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gromox-go/gromox/config"
	"github.com/gromox-go/gromox/mapi"
)

// Mailbox operations (gromox-mbop): administrative commands on one store,
// each run as a request of the store's actor through a Registry, so they
// work the same in a tool's own actor system and inside the running
// server. The command line is upstream's: global options -c and -v, then a
// command and its arguments, or a chain "( cmd args ) ( cmd args )".

// ErrMbopUsage marks errors in an mbop command line (unknown command, bad
// option, folder spec not found): the caller's mistake, not the store's.
var ErrMbopUsage = errors.New("mbop: usage")

// mbopCommands lists the commands RunMbop knows.
const mbopCommands = "cgkreset delmsg echo-maildir emptyfld ping purge-datafiles purge-softdelete recalc-sizes set-locale unload"

// RunMbop runs an mbop command line against the store in dir: optional
// global options (-c: go on after a failing command of a chain; -v:
// verbose), then one command with its arguments, or a chain of them in
// parentheses. Output goes to out. An error wrapping ErrMbopUsage is a
// mistake in the command line.
func RunMbop(ctx context.Context, reg *Registry, dir string, args []string, out io.Writer) error {
	m := &mbopRun{ctx: ctx, reg: reg, dir: filepath.Clean(dir), out: out}
	for len(args) > 0 {
		switch args[0] {
		case "-c":
			m.cont = true
		case "-v":
			m.verbose = true
		case "-cv", "-vc":
			m.cont, m.verbose = true, true
		default:
			return m.command(args)
		}
		args = args[1:]
	}
	return usagef("no command given; commands: %s; chaining: ( cmd1 args ) ( cmd2 args )", mbopCommands)
}

func usagef(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrMbopUsage, fmt.Sprintf(format, a...))
}

type mbopRun struct {
	ctx     context.Context
	reg     *Registry
	dir     string
	out     io.Writer
	cont    bool
	verbose bool
}

func (m *mbopRun) printf(format string, a ...any) { fmt.Fprintf(m.out, format, a...) }

// command runs one command, or a chain when args begin with "(".
func (m *mbopRun) command(args []string) error {
	if len(args) == 0 {
		return usagef("empty command")
	}
	if args[0] == "(" {
		return m.chain(args)
	}
	var err error
	switch args[0] {
	case "ping":
		err = m.noArgs(args, m.ping)
	case "unload":
		err = m.noArgs(args, func() error { return m.reg.Unload(m.ctx, m.dir) })
	case "echo-maildir":
		err = m.noArgs(args, func() error { m.printf("%s\n", m.dir); return nil })
	case "purge-softdelete":
		err = m.purgeSoftdelete(args[1:])
	case "purge-datafiles":
		err = m.noArgs(args, m.purgeDatafiles)
	case "recalc-sizes":
		err = m.noArgs(args, m.recalcSizes)
	case "emptyfld":
		err = m.emptyfld(args[1:])
	case "delmsg":
		err = m.delmsg(args[1:])
	case "set-locale":
		err = m.setLocale(args[1:])
	case "cgkreset":
		err = m.cgkreset(args[1:])
	default:
		return usagef("unrecognized subcommand %q; commands: %s", args[0], mbopCommands)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	return nil
}

// chain runs "( cmd args ) ( cmd args ) ...": parentheses nest; without
// -c the first failing command ends the chain. A malformed chain runs
// nothing.
func (m *mbopRun) chain(args []string) error {
	depth := 0
	for _, a := range args {
		switch {
		case a == "(":
			depth++
		case a == ")":
			if depth == 0 {
				return usagef("unbalanced parenthesis")
			}
			depth--
		case depth == 0:
			return usagef("expected parenthesis; got %q", a)
		}
	}
	if depth != 0 {
		return usagef("unbalanced parenthesis")
	}
	start := -1
	var errs []error
	for i, a := range args {
		switch a {
		case "(":
			depth++
			if depth == 1 {
				start = i + 1
			}
		case ")":
			depth--
			if depth > 0 {
				continue
			}
			if err := m.command(args[start:i]); err != nil {
				if !m.cont {
					return err
				}
				m.printf("%v\n", err)
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

func (m *mbopRun) noArgs(args []string, fn func() error) error {
	if len(args) > 1 {
		return usagef("%s takes no arguments", args[0])
	}
	return fn()
}

// getopt parses upstream-style options: bundled short options ("-MRa"), an
// option's value attached or as the next argument ("-t1d", "-t 1d"), long
// options ("--soft"), options and arguments in any order, "--" ending the
// options. spec lists the short options, a ':' after one that takes a
// value; longs lists the long ones (no values).
func getopt(args []string, spec string, longs ...string) (map[string]string, []string, error) {
	opts := map[string]string{}
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return opts, append(pos, args[i+1:]...), nil
		case strings.HasPrefix(a, "--"):
			name := a[2:]
			ok := false
			for _, l := range longs {
				if l == name {
					ok = true
				}
			}
			if !ok {
				return nil, nil, usagef("unknown option %s", a)
			}
			opts[name] = "1"
		case len(a) > 1 && a[0] == '-':
			for j := 1; j < len(a); j++ {
				k := strings.IndexByte(spec, a[j])
				if k < 0 || a[j] == ':' {
					return nil, nil, usagef("unknown option -%c", a[j])
				}
				name := string(a[j])
				if k+1 < len(spec) && spec[k+1] == ':' {
					v := a[j+1:]
					if v == "" {
						if i+1 >= len(args) {
							return nil, nil, usagef("option -%c needs a value", a[j])
						}
						i++
						v = args[i]
					}
					opts[name] = v
					break
				}
				opts[name] = "1"
			}
		default:
			pos = append(pos, a)
		}
	}
	return opts, pos, nil
}

// cutoffOf turns a -t age into the newest last-modification time that
// qualifies: now minus the age in whole seconds (HX_strtoull_sec).
func cutoffOf(age string) (mapi.FileTime, error) {
	d, err := config.ParseDuration(age)
	if err != nil {
		return 0, usagef("timespec %q: %v", age, err)
	}
	if d < 0 {
		return 0, usagef("timespec %q is negative", age)
	}
	return mapi.FileTimeOf(time.Now().Add(-d.Truncate(time.Second))), nil
}

// unitSize formats a byte count as upstream's HX_unit_size(.., 0, 0):
// divided by 1000 while it is 10000 or more, with k, M, G, ... appended.
func unitSize(n uint64) string {
	units := []string{"", "k", "M", "G", "T", "P", "E"}
	i := 0
	for i < len(units)-1 && n >= 10000 {
		n /= 1000
		i++
	}
	return strconv.FormatUint(n, 10) + units[i]
}

func (m *mbopRun) write(fn func(tx *Tx) (any, error)) (any, error) {
	return m.reg.Do(m.ctx, m.dir, WriteFunc(fn))
}

func (m *mbopRun) read(fn func(tx *Tx) (any, error)) (any, error) {
	return m.reg.Do(m.ctx, m.dir, ReadFunc(fn))
}

// ping opens the store (any request does).
func (m *mbopRun) ping() error {
	_, err := m.read(func(*Tx) (any, error) { return nil, nil })
	return err
}

// Folder specifications (upstream's gi_lookup_eid_any_way).
var folderSpecNames = map[string]uint64{
	"":                mapi.PrivateFIDRoot,
	"CALENDAR":        mapi.PrivateFIDCalendar,
	"COMMON_VIEWS":    mapi.PrivateFIDCommonViews,
	"CONFLICTS":       mapi.PrivateFIDConflicts,
	"CONTACTS":        mapi.PrivateFIDContacts,
	"DEFERRED_ACTION": mapi.PrivateFIDDeferredAction,
	"DELETED":         mapi.PrivateFIDDeletedItems,
	"DRAFT":           mapi.PrivateFIDDraft,
	"DRAFTS":          mapi.PrivateFIDDraft,
	"FINDER":          mapi.PrivateFIDFinder,
	"INBOX":           mapi.PrivateFIDInbox,
	"IPM_SUBTREE":     mapi.PrivateFIDIPMSubtree,
	"JOURNAL":         mapi.PrivateFIDJournal,
	"JUNK":            mapi.PrivateFIDJunk,
	"LOCAL_FAILURES":  mapi.PrivateFIDLocalFailures,
	"NOTES":           mapi.PrivateFIDNotes,
	"OUTBOX":          mapi.PrivateFIDOutbox,
	"SENT":            mapi.PrivateFIDSentItems,
	"SERVER_FAILURES": mapi.PrivateFIDServerFailures,
	"SHORTCUTS":       mapi.PrivateFIDShortcuts,
	"SYNC_ISSUES":     mapi.PrivateFIDSyncIssues,
	"TASKS":           mapi.PrivateFIDTasks,
	"TRASH":           mapi.PrivateFIDDeletedItems,
	"VIEWS":           mapi.PrivateFIDViews,
	"WASTEBASKET":     mapi.PrivateFIDDeletedItems,
}

// FolderBySpec resolves an mbop folder specification: a folder id (13,
// 0xd), a path from the root ("/Top of Information Store/Inbox"), or a
// symbolic name of a built-in folder, optionally followed by a path
// ("INBOX/Projects", "SENT\Winter 2022/2023"). The first '/' or '\' picks
// the separator for the whole spec; names compare without regard to case;
// soft-deleted folders are not found. Symbolic names other than the root
// exist for private stores only. A spec that names no folder is
// ErrNotFound, one that names several siblings ErrInvalidParam.
func (t *Tx) FolderBySpec(spec string) (uint64, error) {
	if id, err := strconv.ParseUint(spec, 0, 64); err == nil && spec != "" {
		if err := t.checkFolder(id); err != nil {
			return 0, err
		}
		return id, nil
	}
	sep := "/"
	if i := strings.IndexAny(spec, `/\`); i >= 0 {
		sep = spec[i : i+1]
	}
	parts := strings.Split(spec, sep)
	fid, ok := folderSpecNames[strings.ToUpper(parts[0])]
	if !ok {
		return 0, fmt.Errorf("folder %q: no such symbolic name: %w", spec, ErrNotFound)
	}
	if t.s.meta.kind == KindPublic {
		if parts[0] != "" {
			return 0, fmt.Errorf("folder %q: symbolic names exist for private stores only: %w", spec, ErrNotFound)
		}
		fid = mapi.PublicFIDRoot
	}
	if err := t.checkFolder(fid); err != nil {
		return 0, err
	}
	for _, name := range parts[1:] {
		if name == "" {
			continue
		}
		next, err := t.childByName(fid, name)
		if err != nil {
			return 0, fmt.Errorf("folder %q: %w", spec, err)
		}
		fid = next
	}
	return fid, nil
}

// childByName finds the one visible subfolder of parent called name,
// compared without regard to case.
func (t *Tx) childByName(parent uint64, name string) (uint64, error) {
	rows, err := t.Query(`SELECT f.folder_id, fp.propval FROM folders AS f JOIN folder_properties AS fp
		ON f.parent_id=? AND f.is_deleted=0 AND f.folder_id=fp.folder_id AND fp.proptag=?`,
		int64(parent), int64(mapi.PrDisplayName))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var found []uint64
	for rows.Next() {
		var fid int64
		var v any
		if err := rows.Scan(&fid, &v); err != nil {
			return 0, err
		}
		if s, ok := cidString(v); ok && strings.EqualFold(s, name) {
			found = append(found, uint64(fid))
		}
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	switch len(found) {
	case 0:
		return 0, fmt.Errorf("no folder %q below %#x: %w", name, parent, ErrNotFound)
	case 1:
		return found[0], nil
	}
	return 0, fmt.Errorf("%q below %#x is ambiguous (%d folders): %w", name, parent, len(found), ErrInvalidParam)
}

// resolve wraps FolderBySpec for the command line: a spec naming no
// folder is the caller's mistake.
func resolveSpec(t *Tx, spec string) (uint64, error) {
	fid, err := t.FolderBySpec(spec)
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrInvalidParam) {
		return 0, fmt.Errorf("%w: not recognized/found: %q (%v)", ErrMbopUsage, spec, err)
	}
	return fid, err
}

// PurgeStats counts what PurgeSoftDeleted removed.
type PurgeStats struct {
	Messages, Folders int64
	Normal, FAI       int64 // bytes
}

// PurgeSoftDeleted removes soft-deleted messages of folder fid whose
// PR_LAST_MODIFICATION_TIME is at or before cutoff (upstream
// purge_softdelete; messages without one stay); search folders hold no
// messages and are skipped. With recursive, it does the same in every
// subfolder and then removes the soft-deleted subfolders with all they
// still hold. The folder's PR_DELETED_COUNT_TOTAL, PR_DELETED_FOLDER_COUNT,
// hierarchy counters and commit time, and the store size, follow.
//
// Unlike upstream, the bytes of messages removed along with a purged
// folder are taken off the store size too.
func (t *Tx) PurgeSoftDeleted(fid uint64, recursive bool, cutoff mapi.FileTime) (PurgeStats, error) {
	var st PurgeStats
	if err := t.purgeSoftDeleted(fid, recursive, cutoff, &st); err != nil {
		return st, err
	}
	now := nowFT()
	if st.Messages > 0 {
		if err := t.addFolderCounter(fid, mapi.PrDeletedCountTotal, st.Messages); err != nil {
			return st, err
		}
	}
	if st.Folders > 0 {
		if err := t.addFolderCounter(fid, mapi.PrDeletedFolderCount, st.Folders); err != nil {
			return st, err
		}
		if err := t.hierarchyChanged(fid, now); err != nil {
			return st, err
		}
	}
	if st.Messages > 0 || st.Folders > 0 {
		if err := t.putProp(folderTable, fid, mapi.PrLocalCommitTimeMax, now); err != nil {
			return st, err
		}
	}
	return st, t.adjustStoreSize(true, st.Normal, st.FAI)
}

func (t *Tx) purgeSoftDeleted(fid uint64, recursive bool, cutoff mapi.FileTime, st *PurgeStats) error {
	r, err := t.folderRow(fid)
	if err != nil {
		return err
	}
	if r.search {
		return nil
	}
	const sel = `FROM messages AS m JOIN message_properties AS mp
		ON m.message_id=mp.message_id AND mp.proptag=?
		WHERE m.parent_fid=? AND m.is_deleted=1 AND mp.propval<=?`
	args := []any{int64(mapi.PrLastModificationTime), int64(fid), int64(cutoff)}
	normal, fai, err := t.sizesOf("SELECT m.is_associated, m.message_size "+sel, args...)
	if err != nil {
		return err
	}
	res, err := t.Exec("DELETE FROM messages WHERE message_id IN (SELECT m.message_id "+sel+")", args...)
	if err != nil {
		return err
	}
	n, _ := res.RowsAffected()
	st.Messages += n
	st.Normal += normal
	st.FAI += fai
	if !recursive {
		return nil
	}
	rows, err := t.Query("SELECT folder_id, is_deleted FROM folders WHERE parent_id=? ORDER BY folder_id", int64(fid))
	if err != nil {
		return err
	}
	type sub struct {
		id      uint64
		deleted bool
	}
	var subs []sub
	for rows.Next() {
		var id int64
		var del sql.NullInt64
		if err := rows.Scan(&id, &del); err != nil {
			rows.Close()
			return err
		}
		subs = append(subs, sub{uint64(id), del.Int64 != 0})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, s := range subs {
		if err := t.purgeSoftDeleted(s.id, true, cutoff, st); err != nil {
			return err
		}
		if !s.deleted {
			continue
		}
		// What the folder still holds goes with it.
		normal, fai, err := t.sizesOf(`WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL
			SELECT f.folder_id FROM folders AS f JOIN sub ON f.parent_id=sub.id)
			SELECT is_associated, message_size FROM messages WHERE parent_fid IN (SELECT id FROM sub)`, int64(s.id))
		if err != nil {
			return err
		}
		st.Normal += normal
		st.FAI += fai
		if _, err := t.Exec("DELETE FROM folders WHERE folder_id=?", int64(s.id)); err != nil {
			return err
		}
		st.Folders++
		t.Emit(Event{Kind: EventDeleted, Folder: true, FolderID: s.id, ParentID: fid})
	}
	return nil
}

func (m *mbopRun) purgeSoftdelete(args []string) error {
	opts, pos, err := getopt(args, "rt:")
	if err != nil {
		return err
	}
	cutoff := mapi.FileTimeOf(time.Now())
	if a, ok := opts["t"]; ok {
		if cutoff, err = cutoffOf(a); err != nil {
			return err
		}
	}
	if len(pos) == 0 {
		m.printf("mbop/purge: No folders specified, no action taken.\n")
		return nil
	}
	for _, spec := range pos {
		res, err := m.write(func(tx *Tx) (any, error) {
			fid, err := resolveSpec(tx, spec)
			if err != nil {
				return nil, err
			}
			return tx.PurgeSoftDeleted(fid, opts["r"] != "", cutoff)
		})
		if err != nil {
			return err
		}
		st := res.(PurgeStats)
		m.printf("purge_softdelete: deleted %d messages, %d folders, reclaimed %sB (and %sB FAI)\n",
			st.Messages, st.Folders, unitSize(uint64(st.Normal+st.FAI)), unitSize(uint64(st.FAI)))
	}
	return nil
}

// DataFileStats counts what PurgeDataFiles removed from one directory.
type DataFileStats struct {
	Dir   string // cid, eml or ext
	Files int
	Bytes int64
}

// PurgeDataFiles removes the files of cid/ that no message or attachment
// refers to, and those of eml/ and ext/ that no message of exchange.sqlite3
// or midb.sqlite3 names (upstream purge_datafiles), then the directories
// left empty. Files younger than minAge stay (upstream: 60 s), so that a
// file written for a row not yet committed elsewhere survives. It writes
// no rows: run it as a Reader, after the writes queued before it.
func (t *Tx) PurgeDataFiles(minAge time.Duration) ([]DataFileStats, error) {
	refs, err := referencedContent(t.ctx, t.tx)
	if err != nil {
		return nil, err
	}
	cids := map[string]bool{}
	for _, r := range refs {
		cids[r.cid] = true
	}
	mids := map[string]bool{}
	rows, err := t.Query("SELECT mid_string FROM messages WHERE mid_string IS NOT NULL")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return nil, err
		}
		mids[s] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := t.midbMidStrings(mids); err != nil {
		return nil, err
	}
	bound := time.Now().Add(-minAge)
	var out []DataFileStats
	for _, d := range []struct {
		name string
		used map[string]bool
	}{{"cid", cids}, {"eml", mids}, {"ext", mids}} {
		root := filepath.Join(t.s.Dir, d.name)
		files, err := walkDataFiles(root)
		if err != nil {
			return out, err
		}
		st := DataFileStats{Dir: d.name}
		for _, f := range files {
			if d.used[f.key] || !f.info.ModTime().Before(bound) {
				continue
			}
			if err := os.Remove(f.path); err != nil {
				continue // raced with someone else: not ours to worry about
			}
			st.Files++
			st.Bytes += f.info.Size()
		}
		removeEmptyDirs(root)
		out = append(out, st)
	}
	return out, nil
}

// midbMidStrings adds the mid_strings of midb.sqlite3 to mids (a missing
// midb.sqlite3 names none).
func (t *Tx) midbMidStrings(mids map[string]bool) error {
	db := t.s.midb
	if db == nil {
		path := MidbPath(t.s.Dir)
		if _, err := os.Stat(path); err != nil {
			return nil
		}
		odb, err := openCheckDB(path, false)
		if err != nil {
			return err
		}
		defer odb.Close()
		db = odb
	}
	rows, err := db.QueryContext(t.ctx, "SELECT mid_string FROM messages")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		mids[s] = true
	}
	return rows.Err()
}

func (m *mbopRun) purgeDatafiles() error {
	res, err := m.read(func(tx *Tx) (any, error) { return tx.PurgeDataFiles(time.Minute) })
	if err != nil {
		return err
	}
	for _, st := range res.([]DataFileStats) {
		m.printf("purge-datafiles: %s/: removed %d files (%sB)\n", st.Dir, st.Files, unitSize(uint64(st.Bytes)))
	}
	return nil
}

// Deleted-size properties upstream keeps only in Exchange-compatible
// builds; recalc-sizes removes them.
const (
	prDeletedMessageSizeExtended       mapi.PropTag = 0x669b0014
	prDeletedNormalMessageSizeExtended mapi.PropTag = 0x669c0014
	prDeletedAssocMessageSizeExtended  mapi.PropTag = 0x669d0014
)

// StoreSize is the store's size properties: PR_MESSAGE_SIZE_EXTENDED,
// PR_NORMAL_MESSAGE_SIZE_EXTENDED and PR_ASSOC_MESSAGE_SIZE_EXTENDED.
type StoreSize struct{ Total, Normal, FAI int64 }

// StoreSize reads the store's size properties.
func (t *Tx) StoreSize() (StoreSize, error) {
	var s StoreSize
	for _, x := range []struct {
		tag mapi.PropTag
		v   *int64
	}{{mapi.PrMessageSizeExtended, &s.Total}, {mapi.PrNormalMessageSizeExtended, &s.Normal}, {mapi.PrAssocMessageSizeExtended, &s.FAI}} {
		n, err := t.queryInt("SELECT propval FROM store_properties WHERE proptag=?", int64(x.tag))
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return s, err
		}
		*x.v = n
	}
	return s, nil
}

// RecalcStoreSize sets the store's size properties to the sum of its
// messages' sizes, soft-deleted ones included, and drops the deleted-size
// properties (upstream recalc_store_size, non-Exchange accounting).
//
// Unlike upstream, embedded messages (attachments' messages, in no
// folder) are not added: their bytes are in the size of the message
// holding them, and the sizes kept as messages come and go leave them out
// too.
func (t *Tx) RecalcStoreSize() (StoreSize, error) {
	for _, x := range []struct {
		tag  mapi.PropTag
		cond string
	}{{mapi.PrMessageSizeExtended, "parent_fid IS NOT NULL"}, {mapi.PrNormalMessageSizeExtended, "parent_fid IS NOT NULL AND is_associated=0"},
		{mapi.PrAssocMessageSizeExtended, "parent_fid IS NOT NULL AND is_associated=1"}} {
		if _, err := t.Exec("REPLACE INTO store_properties (proptag, propval) VALUES (?, (SELECT COALESCE(SUM(message_size), 0) FROM messages WHERE "+x.cond+"))",
			int64(x.tag)); err != nil {
			return StoreSize{}, err
		}
	}
	if _, err := t.Exec("DELETE FROM store_properties WHERE proptag IN (?, ?, ?)", int64(prDeletedMessageSizeExtended),
		int64(prDeletedNormalMessageSizeExtended), int64(prDeletedAssocMessageSizeExtended)); err != nil {
		return StoreSize{}, err
	}
	return t.StoreSize()
}

func (m *mbopRun) recalcSizes() error {
	res, err := m.write(func(tx *Tx) (any, error) {
		old, err := tx.StoreSize()
		if err != nil {
			return nil, err
		}
		nu, err := tx.RecalcStoreSize()
		return [2]StoreSize{old, nu}, err
	})
	if err != nil {
		return err
	}
	s := res.([2]StoreSize)
	m.printf("Old: %d bytes (%d normal, %d FAI)\n", s[0].Total, s[0].Normal, s[0].FAI)
	m.printf("New: %d bytes (%d normal, %d FAI)\n", s[1].Total, s[1].Normal, s[1].FAI)
	return nil
}

// emptyfld [-M] [-R] [-a] [-t age] [--soft] [--delempty] [--nuke-folders] folder...
type emptyOpts struct {
	normal, fai, soft bool
	recurse, delempty bool
	nuke              bool
	timed             bool
	cutoff            mapi.FileTime
}

// mbopLines collects the lines an operation prints.
type mbopLines []string

func (r *mbopLines) printf(format string, a ...any) { *r = append(*r, fmt.Sprintf(format, a...)) }

func (m *mbopRun) emptyfld(args []string) error {
	opts, pos, err := getopt(args, "MRat:", "soft", "delempty", "nuke-folders")
	if err != nil {
		return err
	}
	o := emptyOpts{normal: opts["M"] == "", fai: opts["a"] != "", soft: opts["soft"] != "",
		recurse: opts["R"] != "", delempty: opts["delempty"] != "", nuke: opts["nuke-folders"] != ""}
	switch {
	case o.nuke && o.recurse:
		return usagef("combining -R and --nuke-folders is unreasonable: when you nuke folders, you cannot recurse into them anymore")
	case o.delempty && !o.recurse:
		return usagef("--delempty requires -R")
	}
	if a, ok := opts["t"]; ok {
		if o.nuke {
			return usagef("combining -t and --nuke-folders is unreasonable: deleting folders may delete messages therein which are younger than -t")
		}
		if o.cutoff, err = cutoffOf(a); err != nil {
			return err
		}
		o.timed = true
	}
	for _, spec := range pos {
		res, err := m.write(func(tx *Tx) (any, error) {
			var out mbopLines
			fid, err := resolveSpec(tx, spec)
			if err != nil {
				return nil, err
			}
			if o.timed || o.recurse {
				// Message by message, as upstream's client-side mode.
				err = tx.emptyTree(fid, 0, &o, &out)
			} else {
				err = tx.emptyWhole(spec, fid, &o, &out)
			}
			return out, err
		})
		if err != nil {
			return err
		}
		for _, l := range res.(mbopLines) {
			m.printf("%s\n", l)
		}
	}
	return nil
}

// liveCount counts the messages of a folder that are not soft-deleted, of
// the kinds asked for.
func (t *Tx) liveCount(fid uint64, normal, fai bool) (int64, error) {
	var n int64
	for _, k := range []struct {
		want  bool
		assoc int
	}{{normal, 0}, {fai, 1}} {
		if !k.want {
			continue
		}
		c, err := t.queryInt("SELECT COUNT(*) FROM messages WHERE parent_fid=? AND is_associated=? AND is_deleted=0", int64(fid), k.assoc)
		if err != nil {
			return 0, err
		}
		n += c
	}
	return n, nil
}

// liveSubfolders counts the folders below fid, at any depth, reachable
// through folders that are not soft-deleted.
func (t *Tx) liveSubfolders(fid uint64) (int64, error) {
	return t.queryInt(`WITH RECURSIVE sub(id) AS (
		SELECT folder_id FROM folders WHERE parent_id=? AND is_deleted=0
		UNION ALL SELECT f.folder_id FROM folders f JOIN sub ON f.parent_id=sub.id AND f.is_deleted=0)
		SELECT COUNT(*) FROM sub`, int64(fid))
}

// emptyWhole empties a folder in one go (EmptyFolder).
func (t *Tx) emptyWhole(spec string, fid uint64, o *emptyOpts, out *mbopLines) error {
	flags := 0
	if o.normal {
		flags |= EmptyMessages
	}
	if o.fai {
		flags |= EmptyAssociated
	}
	if o.nuke {
		flags |= EmptySubfolders
	}
	if !o.soft {
		flags |= EmptyHard
	}
	msgs0, err := t.liveCount(fid, o.normal, o.fai)
	if err != nil {
		return err
	}
	subs0, err := t.liveSubfolders(fid)
	if err != nil {
		return err
	}
	if err := t.EmptyFolder(fid, flags); err != nil {
		return err
	}
	msgs1, err := t.liveCount(fid, o.normal, o.fai)
	if err != nil {
		return err
	}
	subs1, err := t.liveSubfolders(fid)
	if err != nil {
		return err
	}
	out.printf("Folder %s: deleted %d message(s), deleted %d subfolder(s) plus messages", spec, msgs0-msgs1, subs0-subs1)
	return nil
}

// emptyTree deletes the chosen messages of fid (older than the cutoff
// with -t), then recurses with -R; with --delempty, subfolders left empty
// are deleted.
func (t *Tx) emptyTree(fid uint64, depth int, o *emptyOpts, out *mbopLines) error {
	var n int64
	for _, k := range []struct {
		want  bool
		assoc int
	}{{o.normal, 0}, {o.fai, 1}} {
		if !k.want {
			continue
		}
		q := "SELECT message_id FROM messages WHERE parent_fid=? AND is_associated=? AND is_deleted=0 ORDER BY message_id"
		args := []any{int64(fid), k.assoc}
		if o.timed {
			q = `SELECT m.message_id FROM messages AS m JOIN message_properties AS mp
				ON m.message_id=mp.message_id AND mp.proptag=?
				WHERE m.parent_fid=? AND m.is_associated=? AND m.is_deleted=0 AND mp.propval<=? ORDER BY m.message_id`
			args = []any{int64(mapi.PrLastModificationTime), int64(fid), k.assoc, int64(o.cutoff)}
		}
		mids, err := t.ids(q, args...)
		if err != nil {
			return err
		}
		if len(mids) == 0 {
			continue
		}
		if _, err := t.DeleteMessages(fid, mids, !o.soft); err != nil {
			return err
		}
		n += int64(len(mids))
	}
	out.printf("Folder %#x: deleted %d message(s)", fid, n)
	if o.recurse {
		subs, err := t.Children(fid)
		if err != nil {
			return err
		}
		for _, sub := range subs {
			if err := t.emptyTree(sub, depth+1, o, out); err != nil {
				return err
			}
		}
	}
	if depth == 0 || !o.delempty {
		return nil
	}
	total, _, err := t.FolderCounts(fid, false)
	if err != nil {
		return err
	}
	assoc, _, err := t.FolderCounts(fid, true)
	if err != nil {
		return err
	}
	children, err := t.childCount(fid)
	if err != nil {
		return err
	}
	if total != 0 || assoc != 0 || children != 0 {
		return nil
	}
	if err := t.DeleteFolder(fid, !o.soft); err != nil {
		if errors.Is(err, ErrAccessDenied) || errors.Is(err, ErrFolderInUse) {
			out.printf("Folder %#x: delete_folder unsuccessful (%v)", fid, err)
			return nil
		}
		return err
	}
	out.printf("Folder %#x: deleted due to --delempty", fid)
	return nil
}

// delmsg -f folder [--soft] id...
func (m *mbopRun) delmsg(args []string) error {
	opts, pos, err := getopt(args, "f:", "soft")
	if err != nil {
		return err
	}
	spec, ok := opts["f"]
	if !ok {
		return usagef("delmsg -f folder [--soft] message_id...")
	}
	var mids []uint64
	for _, a := range pos {
		id, err := strconv.ParseUint(a, 0, 64)
		if err != nil || id == 0 {
			return usagef("not recognized/found: %q", a)
		}
		mids = append(mids, id)
	}
	soft := opts["soft"] != ""
	type result struct {
		n       int
		partial bool
	}
	res, err := m.write(func(tx *Tx) (any, error) {
		fid, err := resolveSpec(tx, spec)
		if err != nil {
			return nil, err
		}
		var r result
		for _, mid := range mids {
			mr, err := tx.messageRow(mid)
			if err == nil && mr.parentFID == fid && !(soft && mr.deleted) {
				r.n++
			}
		}
		r.partial, err = tx.DeleteMessages(fid, mids, !soft)
		return r, err
	})
	if err != nil {
		return err
	}
	r := res.(result)
	if r.partial {
		m.printf("Partial completion\n")
	}
	m.printf("%d message(s) deleted\n", r.n)
	return nil
}

// FolderRename is one built-in folder renamed by LocalizeFolderNames.
type FolderRename struct {
	FolderID uint64
	Old, New string
	Problem  error // the name was refused (a sibling has it)
}

// LocalizeFolderNames gives the built-in folders of a private store (ids
// 0x01..0x1d) their names in lang, a language of the folder name table
// (ResolveFolderLanguage), as upstream's set-locale does. Folders that
// already have the name keep their change number; missing ones are
// skipped.
func (t *Tx) LocalizeFolderNames(lang string) ([]FolderRename, error) {
	if t.s.meta.kind != KindPrivate {
		return nil, fmt.Errorf("public store folder names are not localised: %w", ErrInvalidParam)
	}
	var out []FolderRename
	for fid := uint64(1); fid < mapi.PrivateFIDUnassignedStart; fid++ {
		var old sql.NullString
		err := t.QueryRow("SELECT propval FROM folder_properties WHERE folder_id=? AND proptag=?", int64(fid), int64(mapi.PrDisplayName)).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			if t.checkFolder(fid) != nil {
				continue
			}
		} else if err != nil {
			return out, err
		}
		r := FolderRename{FolderID: fid, Old: old.String, New: FolderName(lang, fid)}
		if r.Old == r.New {
			continue
		}
		problems, err := t.SetFolderProps(fid, Props{{Tag: mapi.PrDisplayName, Value: r.New}})
		if err != nil {
			return out, err
		}
		if len(problems) > 0 {
			r.Problem = problems[0].Err
		}
		out = append(out, r)
	}
	return out, nil
}

// set-locale -l xx_YY [-v]
func (m *mbopRun) setLocale(args []string) error {
	opts, pos, err := getopt(args, "l:vT")
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if opts["T"] != "" {
		return usagef("-T (performance test) is not supported")
	}
	locale, ok := opts["l"]
	if !ok {
		return usagef("you need to specify the -l option")
	}
	lang, ok := ResolveFolderLanguage(locale)
	if !ok {
		m.printf("No folder name translations for locale \"%s\" available.\n", locale)
		return nil
	}
	verbose := m.verbose || opts["v"] != ""
	res, err := m.write(func(tx *Tx) (any, error) { return tx.LocalizeFolderNames(lang) })
	if err != nil {
		return err
	}
	for _, r := range res.([]FolderRename) {
		switch {
		case r.Problem != nil:
			m.printf("[0x%02x] %s -> %s: refused: %v\n", r.FolderID, r.Old, r.New, r.Problem)
		case verbose:
			m.printf("[0x%02x] %s -> %s\n", r.FolderID, r.Old, r.New)
		}
	}
	return nil
}

// CGKResetStats says what ResetChangeNumbers renumbered.
type CGKResetStats struct {
	Folders, Messages, ReadStates int64
	First, Last                   uint64 // change numbers handed out
}

// ResetChangeNumbers gives every folder, then every message, a new change
// number, and each of them (embedded messages aside) a change key of that
// number and a PCL holding only it, as upstream's cgkreset does; the
// counter LAST_CHANGE_NUMBER ends at the last one. The numbering continues
// above the highest number the store knows, or with fromZero starts at 1;
// then read-state change numbers are renumbered too, so that no number is
// used twice. Clients' synchronisation state (OST files) is invalid
// afterwards.
//
// The change keys are of the store's GUID, as every other change of this
// store; upstream's cgkreset uses the mailbox GUID (configurations 1),
// which is what is used here when the owner's id is not known.
func (t *Tx) ResetChangeNumbers(fromZero bool) (CGKResetStats, error) {
	var st CGKResetStats
	last, err := t.configInt(configLastChangeNumber)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return st, err
	}
	readCN := "SELECT MAX(read_cn) FROM messages"
	if t.s.meta.kind == KindPublic {
		readCN = "SELECT MAX(read_cn) FROM read_cns"
	}
	for _, q := range []string{"SELECT MAX(change_number) FROM folders", "SELECT MAX(change_number) FROM messages", readCN} {
		n, err := t.queryInt(q)
		if err != nil {
			return st, err
		}
		last = max(last, n)
	}
	guid := t.s.StoreGUID()
	if t.s.meta.accountID == 0 {
		guid = t.s.meta.mailboxGUID
	}
	if fromZero {
		last = 0
		// Out of the way first: the columns are UNIQUE.
		for _, q := range []string{"UPDATE folders SET change_number=-change_number", "UPDATE messages SET change_number=-change_number"} {
			if _, err := t.Exec(q); err != nil {
				return st, err
			}
		}
	}
	st.First = uint64(last + 1)
	next := func() uint64 { last++; return uint64(last) }
	stamp := func(table propTable, id uint64, cn uint64) error {
		x := mapi.NewXID(guid, cn)
		var pcl mapi.PCL
		if err := pcl.Append(x); err != nil {
			return err
		}
		if err := t.putProp(table, id, mapi.PrChangeKey, x.Bytes()); err != nil {
			return err
		}
		return t.putProp(table, id, mapi.PrPredecessorChangeList, pcl.Bytes())
	}
	fids, err := t.ids("SELECT folder_id FROM folders ORDER BY folder_id")
	if err != nil {
		return st, err
	}
	for _, fid := range fids {
		cn := next()
		if _, err := t.Exec("UPDATE folders SET change_number=? WHERE folder_id=?", int64(cn), int64(fid)); err != nil {
			return st, err
		}
		if err := stamp(folderTable, fid, cn); err != nil {
			return st, err
		}
		st.Folders++
	}
	rows, err := t.Query("SELECT message_id, parent_attid FROM messages ORDER BY message_id")
	if err != nil {
		return st, err
	}
	type msg struct {
		id       uint64
		embedded bool
	}
	var msgs []msg
	for rows.Next() {
		var id int64
		var att sql.NullInt64
		if err := rows.Scan(&id, &att); err != nil {
			rows.Close()
			return st, err
		}
		msgs = append(msgs, msg{uint64(id), att.Valid && att.Int64 != 0})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, err
	}
	for _, mg := range msgs {
		cn := next()
		if _, err := t.Exec("UPDATE messages SET change_number=? WHERE message_id=?", int64(cn), int64(mg.id)); err != nil {
			return st, err
		}
		st.Messages++
		if mg.embedded {
			continue // change keys of embedded messages mean nothing
		}
		if err := stamp(messageTable, mg.id, cn); err != nil {
			return st, err
		}
	}
	if fromZero {
		n, err := t.renumberReadCNs(next)
		if err != nil {
			return st, err
		}
		st.ReadStates = n
	}
	st.Last = uint64(last)
	return st, t.setConfigInt(configLastChangeNumber, last)
}

// renumberReadCNs gives every read-state change number a new one.
func (t *Tx) renumberReadCNs(next func() uint64) (int64, error) {
	table, key := "messages", "message_id"
	where := " WHERE read_cn IS NOT NULL"
	if t.s.meta.kind == KindPublic {
		table, key, where = "read_cns", "rowid", ""
	}
	if _, err := t.Exec("UPDATE " + table + " SET read_cn=-read_cn" + where); err != nil {
		return 0, err
	}
	ids, err := t.ids("SELECT " + key + " FROM " + table + where + " ORDER BY -read_cn")
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if _, err := t.Exec("UPDATE "+table+" SET read_cn=? WHERE "+key+"=?", int64(next()), int64(id)); err != nil {
			return 0, err
		}
	}
	return int64(len(ids)), nil
}

func (m *mbopRun) cgkreset(args []string) error {
	opts, pos, err := getopt(args, "PZ")
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	res, err := m.write(func(tx *Tx) (any, error) { return tx.ResetChangeNumbers(opts["Z"] != "") })
	if err != nil {
		return err
	}
	st := res.(CGKResetStats)
	m.printf("cgkreset: %d folders and %d messages renumbered (change numbers %d..%d)", st.Folders, st.Messages, st.First, st.Last)
	if st.ReadStates > 0 {
		m.printf(", %d read states", st.ReadStates)
	}
	m.printf("; delete the OST files of this mailbox\n")
	return nil
}
