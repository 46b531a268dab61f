package imap

import (
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/imap/imapmsg"
	"go.uber.org/zap"
)

// search answers SEARCH and UID SEARCH (RFC 9051 6.4.4, RFC 4731 ESEARCH),
// walking the folder a page at a time; message files are read only for
// the messages whose index state does not decide the criteria.
func (a *session) search(kind imapserver.NumKind, criteria *imap.SearchCriteria, options *imap.SearchOptions) (*imap.SearchData, error) {
	sel := a.sel
	var seqs imap.SeqSet
	var uids imap.UIDSet
	d := &imap.SearchData{}
	var saved imap.UIDSet
	err := a.walk(0, func(m mailbox.IMAPMessage) error {
		i := sel.index(m.UID)
		if i < 0 {
			return nil // not yet announced to the client
		}
		e := &evaluation{a: a, m: m, seq: uint32(i + 1), n: uint32(sel.view.Len()), maxUID: sel.maxUID()}
		if !e.match(criteria) {
			return nil
		}
		num := uint32(i + 1)
		if options.ReturnSave {
			saved.AddNum(imap.UID(m.UID))
		}
		if kind == imapserver.NumKindUID {
			num = m.UID
			uids.AddNum(imap.UID(m.UID))
		} else {
			seqs.AddNum(num)
		}
		if d.Min == 0 || num < d.Min {
			d.Min = num
		}
		d.Max = max(d.Max, num)
		d.Count++
		return nil
	})
	if err != nil {
		return nil, err
	}
	if options.ReturnSave {
		a.searchRes = saved // RFC 5182
	}
	if kind == imapserver.NumKindUID {
		d.All = uids
	} else {
		d.All = seqs
	}
	return d, nil
}

// evaluation is one message under test.
type evaluation struct {
	a      *session
	m      mailbox.IMAPMessage
	seq, n uint32
	maxUID uint32
	msg    *imapmsg.Message
	failed bool
}

// message parses the message file on first use; nil if unreadable.
func (e *evaluation) message() *imapmsg.Message {
	if e.msg == nil && !e.failed {
		raw, err := e.a.readOriginal(e.m, false)
		if err != nil {
			e.a.s.log.Warn("imap search: message file unreadable", zap.Uint64("mid", e.m.MessageID), zap.Error(err))
			e.failed = true
			return nil
		}
		e.msg = imapmsg.Parse(raw)
	}
	return e.msg
}

// dateOnly is the date of t in its own zone, as SEARCH compares dates
// (RFC 9051 6.4.4: time and timezone are disregarded).
func dateOnly(t time.Time) time.Time {
	y, mo, d := t.Date()
	return time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
}

func (e *evaluation) match(c *imap.SearchCriteria) bool {
	for _, set := range c.SeqNum {
		if !inSeqSet(set, e.seq, e.n) {
			return false
		}
	}
	for _, set := range c.UID {
		if imap.IsSearchRes(set) {
			set = e.a.searchRes
		}
		if !inUIDSet(set, e.m.UID, e.maxUID) {
			return false
		}
	}
	if !c.Since.IsZero() || !c.Before.IsZero() {
		internal := dateOnly(mapi.FileTime(e.m.Received).Time())
		if !c.Since.IsZero() && internal.Before(dateOnly(c.Since)) {
			return false
		}
		if !c.Before.IsZero() && !internal.Before(dateOnly(c.Before)) {
			return false
		}
	}
	for _, f := range c.Flag {
		if !e.hasFlag(f) {
			return false
		}
	}
	for _, f := range c.NotFlag {
		if e.hasFlag(f) {
			return false
		}
	}
	if c.Larger > 0 && e.m.Size <= c.Larger {
		return false
	}
	if c.Smaller > 0 && e.m.Size >= c.Smaller {
		return false
	}
	for i := range c.Not {
		if e.match(&c.Not[i]) {
			return false
		}
	}
	for i := range c.Or {
		if !e.match(&c.Or[i][0]) && !e.match(&c.Or[i][1]) {
			return false
		}
	}
	// The criteria that need the message file come last.
	if !c.SentSince.IsZero() || !c.SentBefore.IsZero() {
		msg := e.message()
		if msg == nil {
			return false
		}
		sent := msg.SentDate()
		if sent.IsZero() {
			return false
		}
		sent = dateOnly(sent)
		if !c.SentSince.IsZero() && sent.Before(dateOnly(c.SentSince)) {
			return false
		}
		if !c.SentBefore.IsZero() && !sent.Before(dateOnly(c.SentBefore)) {
			return false
		}
	}
	for _, h := range c.Header {
		msg := e.message()
		if msg == nil || !msg.HeaderContains(h.Key, h.Value) {
			return false
		}
	}
	for _, s := range c.Body {
		msg := e.message()
		if msg == nil || !msg.BodyContains(s) {
			return false
		}
	}
	for _, s := range c.Text {
		msg := e.message()
		if msg == nil || !msg.TextContains(s) {
			return false
		}
	}
	return true
}

func (e *evaluation) hasFlag(f imap.Flag) bool {
	sys, kw := fromIMAPFlags([]imap.Flag{f})
	if sys != 0 {
		return e.m.Flags&sys != 0
	}
	if len(kw) == 1 {
		return containsFold(e.m.Keywords, kw[0])
	}
	// \Recent is never set; other system flags are not kept.
	return false
}

func inSeqSet(set imap.SeqSet, seq, n uint32) bool {
	for _, r := range set {
		if start, stop := span(r.Start, r.Stop, n); start <= seq && seq <= stop {
			return true
		}
	}
	return false
}

func inUIDSet(set imap.UIDSet, uid, maxUID uint32) bool {
	for _, r := range set {
		if start, stop := span(uint32(r.Start), uint32(r.Stop), maxUID); start <= uid && uid <= stop {
			return true
		}
	}
	return false
}

// span is a range of a number set as numbers: "*" (0) is the largest
// number in use, and n:m means the same as m:n (RFC 9051 6.4.8, 9).
func span(start, stop, largest uint32) (uint32, uint32) {
	if start == 0 {
		start = largest
	}
	if stop == 0 {
		stop = largest
	}
	if start > stop {
		start, stop = stop, start
	}
	return start, stop
}
