package mailbox

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gromox-go/gromox/actors"
	"go.uber.org/zap"
)

// IMAP flag changes are answered from the IMAP index and reach the MAPI
// state a moment later. A STORE on a folder changes thousands of messages
// at once, and each changed message takes a new change number, change
// key, predecessor change list and modification time in exchange.sqlite3
// (about 50 µs a message), and even the index's rows cost a few µs each
// with their indexes; an IMAP client waits for none of that. So a STORE
// (SetIMAPFlagsBatch on a folder of a store with an IMAP index) writes a
// journal record of the messages' new flags into midb.sqlite3, and is
// answered once that has committed: the change is durable. The new flags
// are kept in memory over the index's rows (the overlay), which every
// read of the index's flags sees, so every IMAP session sees the change
// at once; the rows take them before anything reads them with SQL
// (STATUS, EXPUNGE's \Deleted scan) and when the journal is applied. The
// journal is applied to the MAPI state, through the same batched writer
// as before, as the first thing of the next request that reads or writes
// the MAPI state (so nobody ever reads a MAPI state without it), before
// any other write, when the store closes, and otherwise once the STOREs
// pause for journalDelay (a burst of them is applied as one: a flag set
// and cleared again makes no MAPI change at all).
//
// The journal holds each message's resulting flags, not the operations,
// so applying it twice changes nothing: a crash after the MAPI commit and
// before the journal records are dropped is harmless. It is applied when
// the store opens, before the index is reconciled with the MAPI state.

// journalDDL creates the journal in an IMAP index (upstream's midb does
// not know the table and leaves it alone).
const journalDDL = "CREATE TABLE IF NOT EXISTS gx_flag_journal (seq INTEGER PRIMARY KEY, data BLOB NOT NULL)"

const (
	// journalDelay: the journal is applied once no STORE came for this
	// long...
	journalDelay = 100 * time.Millisecond
	// journalMaxAge: ...or once its oldest record is this old.
	journalMaxAge = time.Second
	// journalMaxMessages bounds the messages one commit of the journal
	// changes: records are taken whole, in order, until they name more.
	journalMaxMessages = 8192
	// journalSliceMessages is that bound when the journal is applied
	// because it is due: one commit of that size, then the requests
	// queued meanwhile, then the next (a STORE of a whole folder is one
	// record of up to 2,048 messages, about 0.1 s of work).
	journalSliceMessages = 1024
)

// flagJournal is what the store knows of its journal.
type flagJournal struct {
	records int       // records not yet applied
	first   time.Time // when the oldest of them was written (or found, when the store opened)
	last    time.Time // when the newest was
	// malformed counts the records skipped as unreadable since the
	// store opened.
	malformed int
	// overlay: the index view of the messages the journal changed, until
	// the index's rows have it (writeOverlay).
	overlay map[uint64]journalEntry
}

// overlaid is m as the index shows it, with the journal's changes not yet
// in its row.
func (s *Store) overlaid(m *IMAPMessage) {
	e, ok := s.journal.overlay[m.MessageID]
	if !ok {
		return
	}
	m.Flags = e.flags | m.Flags&FlagRecent
	if e.keywords != nil {
		m.Keywords = strings.Fields(*e.keywords)
	}
}

// overlay records journal entries over the index's rows.
func (s *Store) overlay(entries func(fn func(mid uint64, e journalEntry))) {
	if s.journal.overlay == nil {
		s.journal.overlay = map[uint64]journalEntry{}
	}
	entries(func(mid uint64, e journalEntry) {
		old, ok := s.journal.overlay[mid]
		if ok {
			e.mask |= old.mask
			if e.keywords == nil {
				e.keywords = old.keywords
			}
		}
		s.journal.overlay[mid] = e
	})
}

// writeOverlay writes the overlay into the index's rows, in one midb
// transaction. midb's connection must be free.
func (s *Store) writeOverlay(ctx context.Context) error {
	if len(s.journal.overlay) == 0 {
		return nil
	}
	tx, err := s.midb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer s.midbStmts.prepareWanted(ctx, s.midb)
	updates := flagUpdates{pending: map[uint64]bool{}}
	for mid, e := range s.journal.overlay {
		updates.add(mid, &imapUpdate{flags: e.flags, mask: e.mask, keywords: e.keywords})
	}
	if err := updates.flush(func(q string, args []any) error {
		_, err := s.midbExec(ctx, tx, q, args...)
		return err
	}); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	clear(s.journal.overlay)
	return nil
}

// journalEntry is one message's flags in a journal record: mask names the
// flags the change set to their value in flags; keywords, when not nil,
// the message's keywords (space-separated).
type journalEntry struct {
	mask, flags IMAPFlags
	keywords    *string
}

// entryKeywords marks an entry's mask byte when keywords follow.
const entryKeywords = 0x80

// appendJournalEntry encodes an entry: the message id (uvarint), the mask
// and flags bytes, and the keywords (uvarint length and bytes) when the
// mask has entryKeywords.
func appendJournalEntry(dst []byte, mid uint64, e journalEntry) []byte {
	dst = binary.AppendUvarint(dst, mid)
	mask := byte(e.mask)
	if e.keywords != nil {
		mask |= entryKeywords
	}
	dst = append(dst, mask, byte(e.flags))
	if e.keywords != nil {
		dst = binary.AppendUvarint(dst, uint64(len(*e.keywords)))
		dst = append(dst, *e.keywords...)
	}
	return dst
}

var errJournal = errors.New("mailbox: malformed flag journal record")

// parseJournalRecord calls fn for each entry of a record, in order.
func parseJournalRecord(data []byte, fn func(mid uint64, e journalEntry)) error {
	for len(data) > 0 {
		mid, n := binary.Uvarint(data)
		if n <= 0 || len(data) < n+2 {
			return errJournal
		}
		mask, flags := data[n], data[n+1]
		data = data[n+2:]
		e := journalEntry{mask: IMAPFlags(mask &^ entryKeywords), flags: IMAPFlags(flags)}
		if mask&entryKeywords != 0 {
			l, n := binary.Uvarint(data)
			if n <= 0 || uint64(len(data)-n) < l {
				return errJournal
			}
			kw := string(data[n : n+int(l)])
			e.keywords = &kw
			data = data[n+int(l):]
		}
		fn(mid, e)
	}
	return nil
}

// openJournal creates the journal table when the index has none and
// applies what a previous run left in it.
func (s *Store) openJournal(ctx context.Context) error {
	if _, err := s.midb.ExecContext(ctx, journalDDL); err != nil {
		return err
	}
	if err := s.reloadOverlay(ctx); err != nil {
		return err
	}
	// The index's rows first (the journal may be all they lack), then
	// the MAPI state.
	if err := s.writeOverlay(ctx); err != nil {
		return err
	}
	for s.journal.records > 0 {
		tx, err := s.Begin(ctx)
		if err != nil {
			return err
		}
		last, err := tx.applyFlagJournal(journalMaxMessages)
		if err == nil {
			_, err = tx.Commit()
		}
		if err != nil {
			tx.Rollback()
			return fmt.Errorf("flag journal: %w", err)
		}
		if err := s.dropJournal(ctx, last); err != nil {
			return err
		}
	}
	return nil
}

// reloadOverlay reads the journal again: its records, and the overlay
// from them (after a reconcile wrote the MAPI state's flags into the
// index's rows).
func (s *Store) reloadOverlay(ctx context.Context) error {
	rows, err := s.midb.QueryContext(ctx, "SELECT data FROM gx_flag_journal ORDER BY seq")
	if err != nil {
		return err
	}
	defer rows.Close()
	s.journal.records = 0
	clear(s.journal.overlay)
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return err
		}
		s.journal.records++
		s.overlay(func(fn func(uint64, journalEntry)) { parseJournalRecord(data, fn) })
	}
	if s.journal.records > 0 && s.journal.first.IsZero() {
		s.journal.first, s.journal.last = time.Now(), time.Now()
	}
	return rows.Err()
}

// JournalPending tells whether IMAP flag changes wait to be applied to the
// MAPI state.
func (s *Store) JournalPending() bool { return s.journal.records > 0 }

// journalIMAPFlags writes the flag changes of STOREs to the journal, one
// record in one midb transaction (one fsync for all of them), and lays them
// over the index's rows. It answers each request's results, as
// SetIMAPFlagsBatch does
// (the requests in order, each seeing the ones before it), and the events
// to publish: one EventIMAPFlags per message that changed, with its final
// flags. midb's connection must be free (no index commit running).
func (s *Store) journalIMAPFlags(ctx context.Context, reqs []SetIMAPFlagsBatch) ([][]IMAPFlagState, []Event, error) {
	tx, err := s.midb.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	committed := false
	defer func() {
		if !committed {
			tx.Rollback()
		}
		s.midbStmts.prepareWanted(ctx, s.midb)
	}()
	type msgState struct {
		folder        uint64
		flags, before IMAPFlags
		keywords      []string
		kwBefore      string
	}
	state := map[uint64]*msgState{}
	var ids []uint64
	for _, r := range reqs {
		for _, c := range r.Changes {
			if _, ok := state[c.MessageID]; !ok {
				state[c.MessageID] = nil
				ids = append(ids, c.MessageID)
			}
		}
	}
	columns := "SELECT message_id, folder_id, " + imapFlagsColumn + ", COALESCE(keywords, '') FROM messages WHERE "
	lo, hi := uint64(0), uint64(0)
	if len(ids) > 0 {
		lo, hi = slices.Min(ids), slices.Max(ids)
	}
	dense := hi-lo < 2*uint64(len(ids)) // a STORE on a range of a folder: one scan of its ids
	for len(ids) > 0 {
		var rows *sql.Rows
		if dense {
			ids = nil
			rows, err = s.midbQueryTx(ctx, tx, columns+"message_id BETWEEN ? AND ?", int64(lo), int64(hi))
		} else {
			chunk := ids[:min(len(ids), flagChunk)]
			ids = ids[len(chunk):]
			in, args := inList(chunk, inSize(len(chunk)))
			rows, err = s.midbQueryTx(ctx, tx, columns+"message_id IN "+in, args...)
		}
		if err != nil {
			return nil, nil, err
		}
		for rows.Next() {
			var mid, folder uint64
			var flags int64
			var kw string
			if err := rows.Scan(&mid, &folder, &flags, &kw); err != nil {
				rows.Close()
				return nil, nil, err
			}
			if _, asked := state[mid]; !asked {
				continue // in the range, not in the STOREs
			}
			im := IMAPMessage{MessageID: mid, Flags: IMAPFlags(flags) &^ FlagRecent, Keywords: strings.Fields(kw)}
			s.overlaid(&im)
			state[mid] = &msgState{folder: folder, flags: im.Flags, before: im.Flags, keywords: im.Keywords, kwBefore: strings.Join(im.Keywords, " ")}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, err
		}
	}
	out := make([][]IMAPFlagState, len(reqs))
	var order []uint64 // messages changed, first change first
	changed := map[uint64]bool{}
	for k, r := range reqs {
		out[k] = make([]IMAPFlagState, len(r.Changes))
		for i, c := range r.Changes {
			m := state[c.MessageID]
			if m == nil || m.folder != r.FolderID {
				continue // gone, or elsewhere
			}
			f := (m.flags | c.Add) &^ c.Remove
			kw := m.keywords
			if c.AddKeywords != nil || c.RemoveKeywords != nil || c.ReplaceKeywords {
				have := m.keywords
				if c.ReplaceKeywords {
					have = nil
				}
				kw = applyKeywords(have, c.AddKeywords, c.RemoveKeywords)
			}
			m.flags, m.keywords = f, kw
			out[k][i] = IMAPFlagState{MessageID: c.MessageID, Flags: f, Keywords: kw}
			if !changed[c.MessageID] && (f != m.before || strings.Join(kw, " ") != m.kwBefore) {
				changed[c.MessageID] = true
				order = append(order, c.MessageID)
			}
		}
	}
	// The journal record: each message's new flags.
	var record []byte
	var events []Event
	for _, mid := range order {
		m := state[mid]
		e := journalEntry{mask: m.flags ^ m.before, flags: m.flags}
		if s := strings.Join(m.keywords, " "); s != m.kwBefore {
			e.keywords = &s
		}
		if e.mask == 0 && e.keywords == nil {
			continue // changed and changed back
		}
		record = appendJournalEntry(record, mid, e)
		events = append(events, Event{Kind: EventIMAPFlags, FolderID: m.folder, MessageID: mid, Flags: m.flags, Keywords: m.keywords})
	}
	if len(events) == 0 {
		return out, nil, nil
	}
	if _, err := s.midbExec(ctx, tx, "INSERT INTO gx_flag_journal (data) VALUES (?)", record); err != nil {
		return nil, nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, nil, err
	}
	committed = true
	s.overlay(func(fn func(uint64, journalEntry)) { parseJournalRecord(record, fn) })
	now := time.Now()
	if s.journal.records == 0 {
		s.journal.first = now
	}
	s.journal.records++
	s.journal.last = now
	return out, events, nil
}

// midbQueryTx runs a query in a midb transaction, prepared once its query
// is known.
func (s *Store) midbQueryTx(ctx context.Context, tx *sql.Tx, q string, args ...any) (*sql.Rows, error) {
	if st := s.midbStmts.inTx(ctx, tx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.QueryContext(ctx, q, args...)
}

// applyFlagJournal applies journal records, oldest first, to the MAPI
// state in this transaction, up to limit messages (at least one record),
// and answers the last record's seq (0: none). The caller
// drops the records up to it once the transaction has committed. The
// events of the messages whose IMAP view is already what the index has
// are marked so: the index is not written again, and IMAP sessions are
// not told again.
func (t *Tx) applyFlagJournal(limit int) (last int64, err error) {
	s := t.s
	rows, err := s.midbQuery(t.ctx, "SELECT seq, data FROM gx_flag_journal ORDER BY seq")
	if err != nil {
		return 0, err
	}
	final := map[uint64]journalEntry{}
	var order []uint64
	for rows.Next() {
		var seq int64
		var data []byte
		if err := rows.Scan(&seq, &data); err != nil {
			rows.Close()
			return 0, err
		}
		if last != 0 && len(final) >= limit {
			break
		}
		last = seq
		err := parseJournalRecord(data, func(mid uint64, e journalEntry) {
			old, ok := final[mid]
			if !ok {
				order = append(order, mid)
			}
			e.mask |= old.mask
			if e.keywords == nil {
				e.keywords = old.keywords
			}
			final[mid] = e
		})
		if err != nil {
			// Not a record this server wrote: skipped, and counted for
			// the log (the entries before the fault are applied).
			s.journal.malformed++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if len(order) == 0 {
		return last, nil
	}
	changes := make([]SetIMAPFlags, len(order))
	for i, mid := range order {
		e := final[mid]
		c := SetIMAPFlags{MessageID: mid, Add: e.flags & e.mask, Remove: e.mask &^ e.flags}
		if e.keywords != nil {
			c.ReplaceKeywords = true
			c.AddKeywords = strings.Fields(*e.keywords)
		}
		changes[i] = c
	}
	if _, err := t.setIMAPFlagsBatch(0, changes, final); err != nil {
		return 0, err
	}
	return last, nil
}

// dropJournal removes the records up to seq, applied and committed.
func (s *Store) dropJournal(ctx context.Context, seq int64) error {
	if seq == 0 {
		s.journal.records = 0
		return nil
	}
	if _, err := s.midbExecDB(ctx, "DELETE FROM gx_flag_journal WHERE seq<=?", seq); err != nil {
		return err
	}
	if err := s.midbQueryRowDB(ctx, "SELECT COUNT(*) FROM gx_flag_journal").Scan(&s.journal.records); err != nil {
		return err
	}
	if s.journal.records == 0 {
		s.journal.first, s.journal.last = time.Time{}, time.Time{}
	} else {
		s.journal.first = time.Now() // a later record's age is not known: counted from now
	}
	return nil
}

// journalDue tells when the journal should be applied, given how long
// after the last record and the first: now (0), after the returned wait,
// or never (-1, no journal).
func (s *Store) journalDue(now time.Time, delay, maxAge time.Duration) time.Duration {
	if s.journal.records == 0 {
		return -1
	}
	wait := s.journal.last.Add(delay).Sub(now)
	if age := s.journal.first.Add(maxAge).Sub(now); age < wait {
		wait = age
	}
	return max(wait, 0)
}

// queuedStore is a STORE waiting for the next group of them.
type queuedStore struct {
	req    SetIMAPFlagsBatch
	sender *actors.PID
}

// journalFlushNow: time to answer the queued STOREs.
type journalFlushNow struct{}

// queueStore queues a SetIMAPFlagsBatch on a folder, to be answered from
// the IMAP index with the others queued by then, in one midb commit.
func (a *storeActor) queueStore(c *actors.Context, m SetIMAPFlagsBatch) {
	a.lastUse = time.Now()
	a.stores = append(a.stores, queuedStore{req: m, sender: c.Sender()})
	if !a.storeQueued {
		a.storeQueued = true
		c.Send(c.Self(), journalFlushNow{}) // lands behind what is queued now
	}
}

// journalFlags answers the queued STOREs, journalling their changes for
// the MAPI state.
func (a *storeActor) journalFlags(c *actors.Context) {
	queued := a.stores
	a.stores = nil
	if len(queued) == 0 || a.store == nil {
		return
	}
	a.flush(c)               // the writes queued before them come first
	a.completeIndex(c, true) // the index has every commit, and midb's connection is free
	reqs := make([]SetIMAPFlagsBatch, len(queued))
	for i, q := range queued {
		reqs[i] = q.req
	}
	res, events, err := a.store.journalIMAPFlags(context.Background(), reqs)
	if err != nil {
		a.log.Error("IMAP flag change failed", zap.String("dir", a.dir), zap.Int("requests", len(reqs)), zap.Error(err))
		for _, q := range queued {
			if q.sender != nil {
				c.Send(q.sender, fmt.Errorf("mailbox: flags: %w", err))
			}
		}
		return
	}
	// Told before the answers, as a commit's events are: the session
	// that made a change recognises its echo.
	a.publish(c, events)
	for i, q := range queued {
		if q.sender != nil {
			c.Send(q.sender, res[i])
		}
	}
	a.journalDue(c)
}

// journalDue applies the flag journal when it is due, or has a
// journalTick sent when it will be.
func (a *storeActor) journalDue(c *actors.Context) {
	if a.store == nil || a.journalTimer {
		return
	}
	switch wait := a.store.journalDue(time.Now(), a.opts.journalDelay, a.opts.journalMaxAge); {
	case wait < 0:
	case wait == 0:
		if a.applyJournalPart(c, journalSliceMessages) && a.store.JournalPending() {
			// More: after what was queued meanwhile.
			a.journalTimer = true
			c.Send(c.Self(), journalTick{})
		}
	default:
		a.journalTimer = true
		c.After(wait, journalTick{})
	}
}

// applyJournal applies the whole flag journal to the MAPI state, each part
// in its own commit, ahead of the writes queued.
func (a *storeActor) applyJournal(c *actors.Context) {
	for a.store != nil && a.store.JournalPending() && !a.draining {
		if !a.applyJournalPart(c, journalMaxMessages) {
			return
		}
	}
}

// applyJournalPart applies the oldest journal records, up to limit messages
// (at least one record), to the MAPI state in one commit, ahead of the
// writes queued; false when that failed (logged; the journal stays, and is
// tried again before the next request that needs it).
func (a *storeActor) applyJournalPart(c *actors.Context, limit int) bool {
	s := a.store
	if s == nil || !s.JournalPending() || a.draining {
		return false
	}
	a.draining = true
	defer func() { a.draining = false }()
	a.completeIndex(c, true) // midb's connection is free to read the journal
	if err := s.writeOverlay(context.Background()); err != nil {
		a.log.Error("flag journal: IMAP index", zap.String("dir", a.dir), zap.Error(err))
		return false
	}
	var last int64
	applied := false
	queued := a.pending
	a.pending = []pendingWrite{{req: WriteFunc(func(tx *Tx) (any, error) {
		var err error
		last, err = tx.applyFlagJournal(limit)
		applied = err == nil
		return nil, err
	})}}
	commits := s.commits
	a.flush(c)
	a.pending = queued
	if n := s.journal.malformed; n > 0 {
		s.journal.malformed = 0
		a.log.Error("flag journal records unreadable, skipped", zap.String("dir", a.dir), zap.Int("records", n))
	}
	if !applied || s.commits == commits {
		return false // logged by flush
	}
	a.completeIndex(c, true) // this commit's index update and notifications
	if err := s.dropJournal(context.Background(), last); err != nil {
		a.log.Error("flag journal", zap.String("dir", a.dir), zap.Error(err))
		return false
	}
	return true
}

// journalNeed tells what a message to the store actor needs of the flag
// journal before it is handled: nothing (what reads the index's flags
// through the overlay, and the actor's own bookkeeping), the overlay in
// the index's rows (what reads flags with SQL), or the journal in the
// MAPI state (everything else, and MODSEQ, which is the MAPI change
// number).
func journalNeed(m any) journalLevel {
	switch m := m.(type) {
	case IMAPLookup:
		if !m.ModSeq {
			return journalNone
		}
	case IMAPPage:
		switch {
		case m.ModSeq:
		case m.Deleted:
			return journalRows
		default:
			return journalNone
		}
	case GetIMAPFolderStatus:
		return journalRows
	case IMAPView, IMAPUIDNext, ListIMAPFolders,
		Subscribe, Unsubscribe, *actors.Terminated, *actors.Started, journalTick, journalFlushNow, idleCheck:
		return journalNone
	case *actors.Restarting, *actors.Stopping, *actors.Stopped:
		return journalNone // shutdown applies it, where a panic cannot resurrect the actor
	}
	return journalMAPI
}

type journalLevel int

const (
	journalNone journalLevel = iota
	journalRows
	journalMAPI
)

// prepareJournal does what m needs of the flag journal.
func (a *storeActor) prepareJournal(c *actors.Context, m any) {
	if a.store == nil || !a.store.JournalPending() {
		return
	}
	switch journalNeed(m) {
	case journalRows:
		if err := a.store.writeOverlay(context.Background()); err != nil {
			a.log.Error("flag journal: IMAP index", zap.String("dir", a.dir), zap.Error(err))
		}
	case journalMAPI:
		a.applyJournal(c)
	}
}
