package imap

import (
	"bytes"
	"errors"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/imap/imapmsg"
	"go.uber.org/zap"
)

// headerPrefix is how much of a message file is read when only its header
// is needed.
const headerPrefix = 64 << 10

// original opens the RFC 5322 form of a message, converting a message
// made through MAPI first (once; the file is kept).
func (a *session) original(m mailbox.IMAPMessage) (*os.File, error) {
	path := mailbox.OriginalPath(a.user.Maildir, m.MidString)
	if path != "" {
		if f, err := os.Open(path); err == nil {
			return f, nil
		}
	}
	p, err := storeDo[string](a, mailbox.ExportOriginal{FolderID: a.sel.fid, MessageID: m.MessageID})
	if err != nil {
		return nil, err
	}
	return os.Open(p)
}

// readOriginalInto reads a message's RFC 5322 bytes, into buf when it is
// large enough; a message made through MAPI is converted first.
func (a *session) readOriginalInto(m mailbox.IMAPMessage, buf []byte) ([]byte, error) {
	if path := mailbox.OriginalPath(a.user.Maildir, m.MidString); path != "" {
		if b, err := mailbox.ReadMessageFileInto(path, buf); err == nil {
			return b, nil
		}
	}
	f, err := a.original(m)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAll(f)
}

// readOriginal reads a message's RFC 5322 bytes; with headerOnly, at
// least its whole header.
func (a *session) readOriginal(m mailbox.IMAPMessage, headerOnly bool) ([]byte, error) {
	if !headerOnly {
		return a.readOriginalInto(m, nil)
	}
	return a.readHeaderInto(m, nil)
}

// readHeaderInto reads at least the whole header of a message (its first
// headerPrefix bytes, more when the header is longer), into buf when it is
// large enough.
func (a *session) readHeaderInto(m mailbox.IMAPMessage, buf []byte) ([]byte, error) {
	f, err := a.original(m)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if cap(buf) < headerPrefix {
		buf = make([]byte, headerPrefix)
	}
	buf = buf[:headerPrefix]
	n, err := io.ReadFull(f, buf)
	buf = buf[:n]
	if err == io.EOF || err == io.ErrUnexpectedEOF || bytes.Contains(buf, []byte("\r\n\r\n")) || bytes.Contains(buf, []byte("\n\n")) {
		return buf, nil
	}
	if err != nil {
		return nil, err
	}
	rest, err := io.ReadAll(f)
	return append(buf, rest...), err
}

// readAll reads the rest of f in one read of its size (as os.ReadFile),
// not in the growing steps of io.ReadAll.
func readAll(f *os.File) ([]byte, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	// One byte more than the size, so that the read ends at EOF.
	b := make([]byte, 0, fi.Size()+1)
	for {
		n, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // the file grew: room for more
		}
	}
}

// originalSize is the octet count of a message's RFC 5322 form.
func (a *session) originalSize(m mailbox.IMAPMessage) (int64, error) {
	f, err := a.original(m)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// fetchNeeds says what of the message files a FETCH reads.
func fetchNeeds(o *imap.FetchOptions) (body, header bool) {
	if o.BodyStructure != nil || len(o.BinarySection) > 0 || len(o.BinarySectionSize) > 0 {
		return true, false
	}
	for _, s := range o.BodySection {
		if len(s.Part) > 0 || (s.Specifier != imap.PartSpecifierHeader && s.Specifier != "HEADER.FIELDS" && s.Specifier != "HEADER.FIELDS.NOT") {
			return true, false
		}
	}
	return false, o.Envelope || len(o.BodySection) > 0
}

// wholeSectionsOnly: the FETCH asks for body sections, and every one is
// the whole message (BODY[], RFC822), with no BINARY.
func wholeSectionsOnly(o *imap.FetchOptions) bool {
	if len(o.BodySection) == 0 || len(o.BinarySection) > 0 || len(o.BinarySectionSize) > 0 {
		return false
	}
	for _, s := range o.BodySection {
		if len(s.Part) > 0 || s.Specifier != imap.PartSpecifierNone || s.Partial != nil {
			return false
		}
	}
	return true
}

// setsSeen: fetching a body part without PEEK sets \Seen (RFC 9051 6.4.5).
func setsSeen(o *imap.FetchOptions) bool {
	for _, s := range o.BodySection {
		if !s.Peek {
			return true
		}
	}
	for _, s := range o.BinarySection {
		if !s.Peek {
			return true
		}
	}
	return false
}

// fetch answers FETCH and UID FETCH (RFC 9051 6.4.5, RFC 3516), streaming
// one page of messages at a time.
func (a *session) fetch(w *imapserver.FetchWriter, numSet imap.NumSet, o *imap.FetchOptions) (err error) {
	ts, err := a.resolve(numSet)
	if err != nil {
		return err
	}
	c := &fetchCmd{o: o, keys: a.s.summaries.storeKey(a.user.Maildir, a.sel.fid), seen: setsSeen(o) && !a.sel.readOnly}
	_, c.isUID = numSet.(imap.UIDSet)
	c.needBody, c.needHeader = fetchNeeds(o)
	out := &fetchResponses{w: w}
	defer func() {
		if cerr := out.end(); err == nil {
			err = cerr
		}
	}()
	if wireLayout.ok && summaryOnly(o) {
		return a.fetchSummaries(out, ts, c)
	}
	return a.lookupPages(ts, func(msgs []lookedUp) error {
		var seenNow []mailbox.SetIMAPFlags
		if c.seen {
			for i := range msgs {
				if msgs[i].m.Flags&mailbox.FlagSeen == 0 {
					seenNow = append(seenNow, mailbox.SetIMAPFlags{MessageID: msgs[i].m.MessageID, Add: mailbox.FlagSeen})
					msgs[i].m.Flags |= mailbox.FlagSeen
				}
			}
			if len(seenNow) > 0 {
				if _, err := a.setFlags(a.sel.fid, seenNow); err != nil {
					return err
				}
			}
		}
		for _, x := range msgs {
			if err := a.fetchOne(out, c, x.t, x.m, nil); err != nil {
				return err
			}
		}
		// What is written goes out before the wait for the next page.
		return out.end()
	})
}

// fetchCmd is what one FETCH command asks, worked out once for all its
// messages.
type fetchCmd struct {
	o                    *imap.FetchOptions
	keys                 summaryKey // the summary cache's key of the folder (summaryCache.storeKey)
	isUID                bool       // UID FETCH
	needBody, needHeader bool       // what of the message files it reads (fetchNeeds)
	seen                 bool       // it sets \Seen
}

// summaryOnly: the FETCH asks only for items the summary cache keeps (and
// UID).
func summaryOnly(o *imap.FetchOptions) bool {
	return !o.Flags && !o.InternalDate && !o.ModSeq && o.ChangedSince == 0 &&
		len(o.BodySection) == 0 && len(o.BinarySection) == 0 && len(o.BinarySectionSize) == 0 &&
		(o.Envelope || o.BodyStructure != nil || o.RFC822Size)
}

// fetchSummaries answers a FETCH of items the summary cache keeps: a
// message the cache knows is answered from it, without a look at the
// store (the cache's key is the message's UID, which names that content
// forever); the others are looked up and read as usual, in runs, so that
// the responses stay in the order asked. A message another session has
// expunged meanwhile, still in this session's view, is then answered too
// when the cache knows it (RFC 2180 4.1.1), not left out.
func (a *session) fetchSummaries(out *fetchResponses, ts []target, c *fetchCmd) error {
	var miss []target
	flush := func() error {
		if len(miss) == 0 {
			return nil
		}
		err := a.lookupPages(miss, func(msgs []lookedUp) error {
			for _, x := range msgs {
				if err := a.fetchOne(out, c, x.t, x.m, nil); err != nil {
					return err
				}
			}
			return out.end()
		})
		miss = nil
		return err
	}
	for _, t := range ts {
		sum := a.s.summaries.get(c.keys.of(t.uid, t.mid))
		if !sum.answers(c.o) {
			miss = append(miss, t)
			continue
		}
		if err := flush(); err != nil {
			return err
		}
		m := mailbox.IMAPMessage{UID: t.uid, MessageID: t.mid}
		if err := a.fetchOne(out, c, t, m, sum); err != nil {
			return err
		}
	}
	return flush()
}

// fetchOne writes the FETCH response of one message to out. sum, when not
// nil, is the message's summary, taken from the cache by the caller.
func (a *session) fetchOne(out *fetchResponses, c *fetchCmd, t target, m mailbox.IMAPMessage, sum *summary) error {
	o, needBody, needHeader := c.o, c.needBody, c.needHeader
	unavailable := func(err error) error {
		a.s.log.Warn("imap: message file unreadable", zap.String("user", a.user.Username), zap.Uint64("mid", m.MessageID), zap.Error(err))
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeServerBug, Text: "message unavailable"}
	}
	// ENVELOPE, BODY, BODYSTRUCTURE and the size come from the shared
	// cache when another FETCH computed them already, in the form they
	// are sent in (fetchwire.go); without that form (wire false), they are
	// computed from the file and written through go-imap every time.
	wire := wireLayout.ok
	key := c.keys.of(m.UID, m.MessageID)
	if wire && sum == nil && (o.Envelope || o.BodyStructure != nil || o.RFC822Size) {
		sum = a.s.summaries.get(key)
	}
	if wire && !sum.answers(o) && (o.Envelope || o.BodyStructure != nil || o.RFC822Size) {
		// A message written lately, its summary worked out then.
		if f := fresh.take(a.user.Maildir, m.MidString); f != nil {
			f.key = key
			a.s.summaries.put(f)
			sum = f
		}
	}
	envMissing := o.Envelope && (sum == nil || !sum.env.known())
	bsMissing := o.BodyStructure != nil && (sum == nil || !sum.bs.known())
	sizeMissing := o.RFC822Size && (sum == nil || sum.size < 0)
	sections := len(o.BodySection) > 0 || len(o.BinarySection) > 0 || len(o.BinarySectionSize) > 0
	var raw []byte
	var msg *imapmsg.Message
	full := false // raw is the whole message
	// The message is read into a buffer used again for the next message:
	// nothing kept (the summary) points into it.
	var bp *[]byte
	switch {
	case wholeSectionsOnly(o) && !bsMissing && !envMissing:
		// BODY[] / RFC822 alone: the bytes as they are, nothing to parse.
		bp = mailbox.MessageBuffer()
		var err error
		if raw, err = a.readOriginalInto(m, *bp); err != nil {
			mailbox.PutMessageBuffer(bp, *bp)
			return unavailable(err)
		}
		full = true
	case needBody && (sections || bsMissing):
		bp = mailbox.MessageBuffer()
		var err error
		if raw, err = a.readOriginalInto(m, *bp); err != nil {
			mailbox.PutMessageBuffer(bp, *bp)
			return unavailable(err)
		}
		msg = imapmsg.Parse(raw)
		full = true
	case needHeader && (sections || envMissing):
		bp = mailbox.MessageBuffer()
		var err error
		if raw, err = a.readHeaderInto(m, *bp); err != nil {
			mailbox.PutMessageBuffer(bp, *bp)
			return unavailable(err)
		}
		msg = imapmsg.ParseHeader(raw)
	}
	if bp != nil {
		defer mailbox.PutMessageBuffer(bp, raw)
	}
	if wire && (envMissing || bsMissing || sizeMissing) {
		next := &summary{key: key, size: -1}
		if sum != nil {
			*next = *sum
		}
		if msg != nil && !next.env.known() {
			next.env = wireEnvelope(msg)
		}
		if msg != nil && needBody && !next.bs.known() {
			next.body, next.bs = wireBodyStructure(msg)
		}
		switch {
		case full:
			next.size = int64(len(raw))
		case next.size < 0 && o.RFC822Size:
			n, err := a.originalSize(m)
			if err != nil {
				return unavailable(err)
			}
			next.size = n
		}
		a.s.summaries.put(next)
		sum = next
	}
	// BINARY of a part in an unknown encoding fails the command before
	// any of the message's response is written (RFC 3516 4.3).
	binaries := make([][]byte, len(o.BinarySection))
	for i, s := range o.BinarySection {
		b, err := msg.Binary(s.Part, s.Partial)
		if err != nil {
			return binaryError(err)
		}
		binaries[i] = b
	}
	binSizes := make([]uint32, len(o.BinarySectionSize))
	for i, s := range o.BinarySectionSize {
		n, err := msg.BinarySize(s.Part)
		if err != nil {
			return binaryError(err)
		}
		binSizes[i] = n
	}
	var size int64
	if o.RFC822Size {
		switch {
		case sum != nil && sum.size >= 0:
			size = sum.size
		case full:
			size = int64(len(raw))
		default:
			var err error
			if size, err = a.originalSize(m); err != nil {
				return unavailable(err)
			}
		}
	}
	// Responses without literal data from go-imap (body sections) share
	// go-imap's response writer with the next (fetchResponses).
	batch := len(o.BodySection) == 0 && len(o.BinarySection) == 0
	rw, wi := out.begin(t.seq, batch)
	if wire && !wi.ok {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeServerBug, Text: "FETCH response unavailable"}
	}
	if o.UID || c.isUID {
		if wire {
			wi.uid(t.uid)
		} else {
			rw.WriteUID(imap.UID(t.uid))
		}
	}
	if o.Flags || c.seen {
		if c.seen {
			a.sel.flagsChanged(m) // the \Seen set here comes back as a notification
		}
		if !wire || !wi.flags(m.Flags, m.Keywords) {
			rw.WriteFlags(toIMAPFlags(m.Flags&^mailbox.FlagRecent, m.Keywords))
		}
	}
	if o.InternalDate {
		rw.WriteInternalDate(mapi.FileTime(m.Received).Time())
	}
	if o.RFC822Size {
		rw.WriteRFC822Size(size)
	}
	if o.Envelope {
		if wire {
			wi.item("ENVELOPE", sum.env.of(wi.utf8))
		} else {
			rw.WriteEnvelope(msg.Envelope())
		}
	}
	if o.BodyStructure != nil {
		switch {
		case !wire:
			rw.WriteBodyStructure(msg.BodyStructure(o.BodyStructure.Extended))
		default:
			// BODY and BODYSTRUCTURE as go-imap writes them: BODY first
			// when the client asked for both.
			if wi.body {
				wi.item("BODY", sum.body.of(wi.utf8))
			}
			if wi.bodyStructure {
				wi.item("BODYSTRUCTURE", sum.bs.of(wi.utf8))
			}
		}
	}
	for _, s := range o.BodySection {
		b := raw // the whole message (wholeSectionsOnly)
		if msg != nil {
			b = msg.Section(s)
		}
		wc := rw.WriteBodySection(s, int64(len(b)))
		if _, err := wc.Write(b); err != nil {
			return err
		}
		if err := wc.Close(); err != nil {
			return err
		}
	}
	for i, s := range o.BinarySection {
		wc := rw.WriteBinarySection(s, int64(len(binaries[i])))
		if _, err := wc.Write(binaries[i]); err != nil {
			return err
		}
		if err := wc.Close(); err != nil {
			return err
		}
	}
	for i, s := range o.BinarySectionSize {
		rw.WriteBinarySectionSize(s, binSizes[i])
	}
	if !batch {
		return out.end()
	}
	return nil
}

// wireEnvelope is the ENVELOPE of msg as sent.
func wireEnvelope(msg *imapmsg.Message) wireForm {
	env := msg.Envelope()
	return newWireForm(func(dst []byte, utf8 bool) []byte { return imapmsg.AppendEnvelope(dst, env, utf8) })
}

// wireBodyStructure is the BODY and BODYSTRUCTURE of msg as sent.
func wireBodyStructure(msg *imapmsg.Message) (body, bs wireForm) {
	ext := msg.BodyStructure(true)
	body = newWireForm(func(dst []byte, utf8 bool) []byte { return imapmsg.AppendBodyStructure(dst, ext, false, utf8) })
	bs = newWireForm(func(dst []byte, utf8 bool) []byte { return imapmsg.AppendBodyStructure(dst, ext, true, utf8) })
	return body, bs
}

func binaryError(err error) error {
	if errors.Is(err, imapmsg.ErrUnknownCTE) {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeUnknownCTE, Text: "unknown content-transfer-encoding"}
	}
	return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeServerBug, Text: err.Error()}
}

// storePage is how many messages of a STORE one store commit changes.
const storePage = 2048

// store answers STORE and UID STORE (RFC 9051 6.4.6). The store changes
// a page of messages per request and answers their resulting flags, which
// the untagged FETCH responses report.
func (a *session) store(w *imapserver.FetchWriter, numSet imap.NumSet, flags *imap.StoreFlags) error {
	if a.sel.readOnly {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCode("READ-ONLY"), Text: "mailbox is read-only"}
	}
	ts, err := a.resolve(numSet)
	if err != nil {
		return err
	}
	_, isUID := numSet.(imap.UIDSet)
	sys, kw := fromIMAPFlags(flags.Flags)
	const all = mailbox.FlagSeen | mailbox.FlagAnswered | mailbox.FlagFlagged | mailbox.FlagDeleted | mailbox.FlagDraft | mailbox.FlagForwarded
	c := mailbox.SetIMAPFlags{}
	switch flags.Op {
	case imap.StoreFlagsAdd:
		c.Add, c.AddKeywords = sys, kw
	case imap.StoreFlagsDel:
		c.Remove, c.RemoveKeywords = sys, kw
	case imap.StoreFlagsSet:
		c.Add, c.Remove, c.AddKeywords, c.ReplaceKeywords = sys, all&^sys, kw, true
	}
	var deleted []uint64
	for len(ts) > 0 {
		page := ts[:min(len(ts), storePage)]
		ts = ts[len(page):]
		changes := make([]mailbox.SetIMAPFlags, len(page))
		for i, t := range page {
			changes[i] = c
			changes[i].MessageID = t.mid
		}
		res, err := a.setFlags(a.sel.fid, changes)
		if err != nil {
			return err
		}
		// The flags as the store now has them, sent unless .SILENT; the
		// notification of this change is then not echoed.
		for i, st := range res {
			if st.MessageID == 0 {
				continue // expunged meanwhile
			}
			t := page[i]
			if st.Flags&mailbox.FlagDeleted != 0 {
				deleted = append(deleted, st.MessageID)
			}
			a.sel.flagsChanged(mailbox.IMAPMessage{UID: t.uid, MessageID: st.MessageID, Flags: st.Flags, Keywords: st.Keywords})
			if flags.Silent {
				continue
			}
			rw := w.CreateMessage(t.seq)
			if isUID {
				rw.WriteUID(imap.UID(t.uid))
			}
			rw.WriteFlags(toIMAPFlags(st.Flags, st.Keywords))
			if err := rw.Close(); err != nil {
				return err
			}
		}
	}
	if a.s.cfg.ExpungeOnDelete && len(deleted) > 0 {
		// imap_expunge_on_delete: the messages go now; their EXPUNGE
		// responses follow from the store's notification.
		if _, err := a.do(mailbox.DeleteMessages{FolderID: a.sel.fid, IDs: deleted}); err != nil {
			return a.storeError(err)
		}
	}
	return nil
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// expunge removes the messages marked \Deleted (RFC 9051 6.4.3, RFC 4315
// UID EXPUNGE); CLOSE calls it without a writer.
func (a *session) expunge(w *imapserver.ExpungeWriter, uids *imap.UIDSet) error {
	sel := a.sel
	if sel.readOnly {
		return nil
	}
	var mids []uint64
	if err := a.walkPages(mailbox.IMAPPage{FolderID: sel.fid, Limit: pageSize, Deleted: true}, func(m mailbox.IMAPMessage) error {
		if m.Flags&mailbox.FlagDeleted == 0 || (uids != nil && !uids.Contains(imap.UID(m.UID))) {
			return nil
		}
		if sel.has(m.MessageID) {
			mids = append(mids, m.MessageID)
		}
		return nil
	}); err != nil {
		return err
	}
	if len(mids) == 0 {
		return nil
	}
	if _, err := a.do(mailbox.DeleteMessages{FolderID: sel.fid, IDs: mids}); err != nil {
		return a.storeError(err)
	}
	gone := make(map[uint64]bool, len(mids))
	for _, mid := range mids {
		gone[mid] = true
	}
	return a.expunged(gone, w.WriteExpunge)
}

// expunged tells the client of removed messages, highest sequence number
// first, and drops them from the view.
func (a *session) expunged(gone map[uint64]bool, write func(seq uint32) error) error {
	sel := a.sel
	// Positions from the highest down: each EXPUNGE renumbers only what
	// follows it.
	var at []int
	for mid := range gone {
		if i := sel.view.indexOfMID(mid); i >= 0 {
			at = append(at, i)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(at)))
	for _, i := range at {
		if err := write(uint32(i + 1)); err != nil {
			return err
		}
		sel.remove(i)
	}
	return nil
}

// copyMessages answers COPY and UID COPY (RFC 9051 6.4.7, RFC 4315
// COPYUID).
func (a *session) copyMessages(numSet imap.NumSet, dest string) (*imap.CopyData, error) {
	d, _, err := a.transfer(numSet, dest, true)
	return d, err
}

// move answers MOVE and UID MOVE (RFC 6851).
func (a *session) move(w *imapserver.MoveWriter, numSet imap.NumSet, dest string) error {
	if a.sel.readOnly {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCode("READ-ONLY"), Text: "mailbox is read-only"}
	}
	d, moved, err := a.transfer(numSet, dest, false)
	if err != nil {
		return err
	}
	if d != nil {
		if err := w.WriteCopyData(d); err != nil {
			return err
		}
	}
	return a.expunged(moved, w.WriteExpunge)
}

// transfer copies or moves messages to dest, carrying their keywords
// along, and answers the COPYUID data.
func (a *session) transfer(numSet imap.NumSet, dest string, copy bool) (*imap.CopyData, map[uint64]bool, error) {
	ts, err := a.resolve(numSet)
	if err != nil {
		return nil, nil, err
	}
	fs, err := a.folders()
	if err != nil {
		return nil, nil, err
	}
	to, ok := findFolder(fs, dest)
	if !ok {
		return nil, nil, &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeTryCreate, Text: "no such mailbox"}
	}
	var src []mailbox.IMAPMessage
	if err := a.lookup(ts, func(t target, m mailbox.IMAPMessage) error {
		src = append(src, m)
		return nil
	}); err != nil {
		return nil, nil, err
	}
	if len(src) == 0 {
		return nil, map[uint64]bool{}, nil
	}
	mids := make([]uint64, len(src))
	for i, m := range src {
		mids[i] = m.MessageID
	}
	res, err := storeDo[mailbox.MoveCopyResult](a, mailbox.MoveCopyMessages{From: a.sel.fid, To: to.ID, IDs: mids, Copy: copy})
	if err != nil {
		return nil, nil, a.storeError(err)
	}
	// The reply carries the new messages' UIDs.
	var kw []mailbox.SetIMAPFlags
	type pair struct{ from, to uint32 }
	var pairs []pair
	moved := map[uint64]bool{}
	for i, nid := range res.NewIDs {
		if nid == 0 || i >= len(src) {
			continue
		}
		if len(src[i].Keywords) > 0 {
			kw = append(kw, mailbox.SetIMAPFlags{MessageID: nid, AddKeywords: src[i].Keywords})
		}
		if i < len(res.UIDs) && res.UIDs[i] != 0 {
			pairs = append(pairs, pair{src[i].UID, res.UIDs[i]})
		}
		moved[src[i].MessageID] = true
	}
	if len(kw) > 0 {
		if _, err := a.setFlags(to.ID, kw); err != nil {
			return nil, nil, err
		}
	}
	if to.ID == a.sel.fid {
		a.sel.checkNew = true
	}
	if len(pairs) == 0 {
		return nil, moved, nil
	}
	sort.Slice(pairs, func(i, j int) bool { return pairs[i].from < pairs[j].from })
	d := &imap.CopyData{UIDValidity: to.UIDValidity}
	for _, p := range pairs {
		d.SourceUIDs.AddNum(imap.UID(p.from))
		d.DestUIDs.AddNum(imap.UID(p.to))
	}
	return d, moved, nil
}

// setFlags applies flag changes to messages of folder fid in one store
// request and returns their resulting state (MessageID 0 for a message
// gone meanwhile).
func (a *session) setFlags(fid uint64, changes []mailbox.SetIMAPFlags) ([]mailbox.IMAPFlagState, error) {
	res, err := storeDo[[]mailbox.IMAPFlagState](a, mailbox.SetIMAPFlagsBatch{FolderID: fid, Changes: changes})
	if err != nil {
		return nil, a.storeError(err)
	}
	return res, nil
}
