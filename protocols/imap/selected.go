package imap

import (
	"cmp"
	"maps"
	"slices"
	"sort"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/gromox-go/gromox/mailbox"
)

// pageSize is how many messages one store request reads for a command
// that walks a folder: memory stays bounded on folders of any size.
const pageSize = 256

// selected is the state of the selected folder: the client's view of it,
// which changes only when the client is told, and the changes pending.
type selected struct {
	fid         uint64
	name        string
	readOnly    bool
	uidValidity uint32
	subID       uint64

	view    view
	uidNext uint32 // the folder's UIDNEXT when last looked at

	// Pending changes from notifications, sent at the next poll.
	checkNew bool                            // messages may have arrived
	gone     map[uint64]bool                 // message ids removed from the folder
	changed  map[uint64]*mailbox.IMAPMessage // message ids whose flags changed: to their new flags, nil when not known
	sent     map[uint32]flagSent             // flags sent by this command, to skip their echoes
}

type flagSent struct {
	flags    mailbox.IMAPFlags
	keywords string
}

func (s *selected) add(uid uint32, mid uint64) { s.view.add(uid, mid) }

// index is the position of uid in the view, or -1.
func (s *selected) index(uid uint32) int { return s.view.index(uid) }

// has says whether the view holds message id mid.
func (s *selected) has(mid uint64) bool { return s.view.indexOfMID(mid) >= 0 }

// remove drops the message at index i from the view (after its EXPUNGE
// was sent).
func (s *selected) remove(i int) {
	uid, mid := s.view.at(i)
	delete(s.sent, uid)
	delete(s.gone, mid)
	delete(s.changed, mid)
	s.view.remove(i)
}

func (s *selected) maxUID() uint32 { return s.view.maxUID() }

// note records the events of one notification; true when something is
// pending for the client.
func (s *selected) note(events []mailbox.Event) bool {
	pending := false
	for _, e := range events {
		if e.Folder {
			continue
		}
		switch e.Kind {
		case mailbox.EventNewMail, mailbox.EventCreated, mailbox.EventCopied:
			if e.FolderID == s.fid {
				s.checkNew, pending = true, true
			}
		case mailbox.EventMoved:
			old := e.OldMessageID
			if old == 0 {
				old = e.MessageID
			}
			if e.OldFolderID == s.fid {
				if s.has(old) {
					s.gone[old], pending = true, true
				}
			}
			if e.FolderID == s.fid {
				s.checkNew, pending = true, true
			}
		case mailbox.EventDeleted:
			if e.FolderID == s.fid && s.has(e.MessageID) {
				s.gone[e.MessageID], pending = true, true
			}
		case mailbox.EventModified, mailbox.EventIMAPFlags:
			if e.IMAPAnnounced {
				continue // an IMAP flag change reaching the MAPI state: told before
			}
			if e.FolderID == s.fid && s.has(e.MessageID) {
				var now *mailbox.IMAPMessage
				if e.Kind == mailbox.EventIMAPFlags {
					now = &mailbox.IMAPMessage{MessageID: e.MessageID, Flags: e.Flags, Keywords: e.Keywords}
				}
				s.changed[e.MessageID], pending = now, true
			}
		}
	}
	return pending
}

var permanentFlags = []imap.Flag{imap.FlagSeen, imap.FlagAnswered, imap.FlagFlagged, imap.FlagDeleted, imap.FlagDraft, imap.FlagForwarded, imap.FlagWildcard}

// selectFolder opens a folder (RFC 9051 6.3.2, 6.3.3).
func (a *session) selectFolder(name string, options *imap.SelectOptions) (*imap.SelectData, error) {
	a.unselect()
	f, err := a.folder(name)
	if err != nil {
		return nil, err
	}
	sel := &selected{fid: f.ID, name: f.Name, readOnly: options.ReadOnly, uidValidity: f.UIDValidity,
		gone: map[uint64]bool{}, changed: map[uint64]*mailbox.IMAPMessage{}, sent: map[uint32]flagSent{}}
	// Subscribe first: a change after the subscription and before the
	// view is loaded is then seen twice, which the view tolerates, rather
	// than not at all.
	if a.inbox == nil {
		a.inbox = a.s.sys.NewInbox(a.notified)
	}
	subID, err := storeDo[uint64](a, mailbox.Subscribe{Subscriber: a.inbox.PID(), FolderID: f.ID,
		Kinds: mailbox.EventNewMail | mailbox.EventCreated | mailbox.EventDeleted | mailbox.EventModified | mailbox.EventIMAPFlags | mailbox.EventMoved | mailbox.EventCopied})
	if err != nil {
		return nil, a.storeError(err)
	}
	sel.subID = subID
	a.sel = sel
	v, err := storeDo[mailbox.IMAPViewData](a, mailbox.IMAPView{FolderID: f.ID})
	if err != nil {
		a.unselect()
		return nil, a.storeError(err)
	}
	var firstUnseen uint32
	for i, uid := range v.UIDs {
		sel.add(uid, v.MessageIDs[i])
		if uid == v.FirstUnseen {
			firstUnseen = uint32(i + 1)
		}
	}
	uidNext, err := storeDo[uint32](a, mailbox.IMAPUIDNext{FolderID: f.ID})
	if err != nil {
		a.unselect()
		return nil, a.storeError(err)
	}
	sel.uidNext = max(uidNext, sel.maxUID()+1)
	d := &imap.SelectData{
		Flags:             []imap.Flag{imap.FlagSeen, imap.FlagAnswered, imap.FlagFlagged, imap.FlagDeleted, imap.FlagDraft, imap.FlagForwarded},
		NumMessages:       uint32(sel.view.Len()),
		FirstUnseenSeqNum: firstUnseen,
		UIDNext:           imap.UID(max(uidNext, sel.maxUID()+1)),
		UIDValidity:       f.UIDValidity,
	}
	if !options.ReadOnly {
		d.PermanentFlags = permanentFlags
	}
	return d, nil
}

// walk calls fn for each message of the selected folder from UID from on,
// reading the store a page at a time.
func (a *session) walk(from uint32, fn func(mailbox.IMAPMessage) error) error {
	return a.walkPages(mailbox.IMAPPage{FolderID: a.sel.fid, FromUID: from, Limit: pageSize}, fn)
}

func (a *session) walkPages(req mailbox.IMAPPage, fn func(mailbox.IMAPMessage) error) error {
	from := req.FromUID
	for {
		req.FromUID = from
		page, err := storeDo[[]mailbox.IMAPMessage](a, req)
		if err != nil {
			return a.storeError(err)
		}
		for _, m := range page {
			if err := fn(m); err != nil {
				return err
			}
		}
		if len(page) < pageSize {
			return nil
		}
		from = page[len(page)-1].UID + 1
	}
}

func (a *session) unselect() {
	a.searchRes = nil
	if a.sel == nil {
		return
	}
	if a.user != nil {
		a.do(mailbox.Unsubscribe{ID: a.sel.subID})
	}
	a.sel = nil
}

// poll sends the pending changes of the selected folder (RFC 9051 5.2,
// 7.4.1): expunges (when allowed), new messages, changed flags.
func (a *session) poll(w *imapserver.UpdateWriter, allowExpunge bool) error {
	sel := a.sel
	if sel == nil {
		return nil
	}
	// A store round trip: every change the store committed before it
	// answers is queued by then.
	uidNext, err := storeDo[uint32](a, mailbox.IMAPUIDNext{FolderID: sel.fid})
	if err != nil {
		return a.storeError(err)
	}
	a.takeNotifications()
	if uidNext > sel.uidNext {
		// UIDs were handed out since the last look (messages the
		// notifications may not name yet).
		sel.checkNew, sel.uidNext = true, uidNext
	}
	if allowExpunge && len(sel.gone) > 0 {
		if err := a.expunged(maps.Clone(sel.gone), w.WriteExpunge); err != nil {
			return err
		}
		clear(sel.gone)
	}
	if sel.checkNew {
		sel.checkNew = false
		n := sel.view.Len()
		if err := a.walk(sel.maxUID()+1, func(m mailbox.IMAPMessage) error {
			sel.add(m.UID, m.MessageID)
			return nil
		}); err != nil {
			return err
		}
		if sel.view.Len() != n {
			if err := w.WriteNumMessages(uint32(sel.view.Len())); err != nil {
				return err
			}
		}
	}
	if len(sel.changed) > 0 {
		// Flags an IMAP flag change announced are sent as announced;
		// the others (changes through MAPI) are looked up.
		var uids []uint32
		var msgs []mailbox.IMAPMessage
		for mid, now := range sel.changed {
			i := sel.view.indexOfMID(mid)
			if i < 0 || sel.gone[mid] {
				continue
			}
			if now != nil {
				m := *now
				m.UID = sel.view.uidAt(i)
				msgs = append(msgs, m)
			} else {
				uids = append(uids, sel.view.uidAt(i))
			}
		}
		clear(sel.changed)
		if len(uids) > 0 {
			sort.Slice(uids, func(i, j int) bool { return uids[i] < uids[j] })
			looked, err := storeDo[[]mailbox.IMAPMessage](a, mailbox.IMAPLookup{FolderID: sel.fid, UIDs: uids})
			if err != nil {
				return a.storeError(err)
			}
			msgs = append(msgs, looked...)
		}
		sort.Slice(msgs, func(i, j int) bool { return msgs[i].UID < msgs[j].UID })
		for _, m := range msgs {
			i := sel.index(m.UID)
			if i < 0 || !sel.flagsChanged(m) {
				continue
			}
			if err := w.WriteMessageFlags(uint32(i+1), imap.UID(m.UID), toIMAPFlags(m.Flags&^mailbox.FlagRecent, m.Keywords)); err != nil {
				return err
			}
		}
	}
	// The notifications of this session's own changes are all in by now
	// (the store answered the check above after publishing them): what
	// was sent is no longer needed to recognise their echoes.
	clear(sel.sent)
	return nil
}

// flagsChanged records m's flags as sent; false when the client already
// has them.
func (s *selected) flagsChanged(m mailbox.IMAPMessage) bool {
	fs := flagSent{flags: m.Flags &^ mailbox.FlagRecent, keywords: joinKeywords(m.Keywords)}
	if old, ok := s.sent[m.UID]; ok && old == fs {
		return false
	}
	s.sent[m.UID] = fs
	return true
}

func joinKeywords(kw []string) string {
	out := ""
	for i, k := range kw {
		if i > 0 {
			out += " "
		}
		out += k
	}
	return out
}

// target is one message a command addresses: its sequence number and
// UID in the client's view.
type target struct {
	seq uint32
	uid uint32
	mid uint64
}

// resolve turns a sequence or UID set into the view's messages, in
// sequence order (RFC 9051 6.4.8: a UID range n:* includes the highest
// UID even when it is below n).
func (a *session) resolve(numSet imap.NumSet) ([]target, error) {
	sel := a.sel
	if imap.IsSearchRes(numSet) {
		numSet = a.searchRes // RFC 5182: "$"
	}
	n := sel.view.Len()
	var out []target
	seen := make([]uint64, (n+63)/64) // a bit per message of the view
	addIdx := func(i int) {
		if i >= 0 && i < n && seen[i/64]&(1<<(i%64)) == 0 {
			seen[i/64] |= 1 << (i % 64)
			uid, mid := sel.view.at(i)
			out = append(out, target{seq: uint32(i + 1), uid: uid, mid: mid})
		}
	}
	switch set := numSet.(type) {
	case imap.SeqSet:
		for _, r := range set {
			start, stop := span(r.Start, r.Stop, uint32(n))
			if start == 0 || int(stop) > n {
				// RFC 9051 6.4.8 (and 9.): a sequence number beyond the
				// view is a client error.
				return nil, &imap.Error{Type: imap.StatusResponseTypeBad, Text: "invalid message sequence number"}
			}
			for i := int(start) - 1; i < int(stop) && i < n; i++ {
				addIdx(i)
			}
		}
	case imap.UIDSet:
		max := sel.maxUID()
		for _, r := range set {
			start, stop := span(uint32(r.Start), uint32(r.Stop), max)
			for i := sel.view.search(start); i < n && sel.view.uidAt(i) <= stop; i++ {
				addIdx(i)
			}
		}
	default:
		return nil, &imap.Error{Type: imap.StatusResponseTypeBad, Text: "unsupported number set"}
	}
	bySeq := func(a, b target) int { return cmp.Compare(a.seq, b.seq) }
	if !slices.IsSortedFunc(out, bySeq) { // a set in order is the usual case
		slices.SortFunc(out, bySeq)
	}
	return out, nil
}

// lookedUp is a target with the store state of its message.
type lookedUp struct {
	t target
	m mailbox.IMAPMessage
}

// lookupPages reads the store state of targets a page at a time and calls
// fn with each page's targets the folder still holds. The next page is
// read while fn works on one (a FETCH writes one page while the store
// looks up the next, on another core).
func (a *session) lookupPages(ts []target, fn func([]lookedUp) error) error {
	type result struct {
		msgs []mailbox.IMAPMessage
		err  error
	}
	fid, maildir := a.sel.fid, a.user.Maildir
	start := func(page []target) <-chan result {
		uids := make([]uint32, len(page))
		for i, t := range page {
			uids[i] = t.uid
		}
		ch := make(chan result, 1) // the send never blocks, even when fn failed and nobody reads
		go func() {
			ctx, cancel := a.ctx()
			defer cancel()
			msgs, err := mailbox.Do[[]mailbox.IMAPMessage](ctx, a.s.stores, maildir, mailbox.IMAPLookup{FolderID: fid, UIDs: uids})
			ch <- result{msgs, err}
		}()
		return ch
	}
	next := func() []target {
		page := ts[:min(len(ts), pageSize)]
		ts = ts[len(page):]
		return page
	}
	if len(ts) == 0 {
		return nil
	}
	page := next()
	pending := start(page)
	for {
		r := <-pending
		if r.err != nil {
			return a.storeError(r.err)
		}
		cur := page
		if len(ts) > 0 {
			page = next()
			pending = start(page)
		} else {
			page = nil
		}
		items := make([]lookedUp, 0, len(cur))
		j := 0
		for _, t := range cur {
			for j < len(r.msgs) && r.msgs[j].UID < t.uid {
				j++
			}
			if j < len(r.msgs) && r.msgs[j].UID == t.uid {
				items = append(items, lookedUp{t, r.msgs[j]})
			}
		}
		if err := fn(items); err != nil {
			return err
		}
		if page == nil {
			return nil
		}
	}
}

// lookup reads the store state of targets, a page at a time, calling fn
// for each target the folder still holds.
func (a *session) lookup(ts []target, fn func(t target, m mailbox.IMAPMessage) error) error {
	return a.lookupPages(ts, func(items []lookedUp) error {
		for _, x := range items {
			if err := fn(x.t, x.m); err != nil {
				return err
			}
		}
		return nil
	})
}
