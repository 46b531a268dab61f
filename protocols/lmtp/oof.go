package lmtp

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"

	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/protocols/outbound"
	"go.uber.org/zap"
)

// Out-of-office replies at delivery (upstream exmdb_local's
// auto_response_reply), sent after the message was committed to the
// recipient's store. The rules:
//   - never to the null sender, MAILER-DAEMON, owner-* or *-request
//     (RFC 3834 2), nor to the recipient itself;
//   - never for bulk, list or junk mail (Precedence), list mail (List-*
//     headers), automatic mail (Auto-Submitted other than "no", RFC 3834 5),
//     or mail whose X-Auto-Response-Suppress names All or OOF;
//   - only when the recipient is directly addressed in To/Cc/Bcc (RFC 5230
//     4.5), by its address or one that resolves to its mailbox;
//   - only while the store's OOF is on (or scheduled and inside its window);
//   - to senders outside the recipient's organisation only when allowed,
//     and, when limited to known contacts, only to addresses of contacts
//     in the recipient's contact folders;
//   - at most one per sender per silence window (the store's autoreply_ts).

// maxAddressedLookups caps the directory lookups one directly-addressed
// check makes for header addresses that are not the recipient's own.
const maxAddressedLookups = 50

// autoReply sends the out-of-office reply for one delivered copy, if one
// is due: envFrom is the envelope sender, t the mailbox delivered to, raw
// the message. window is autoreply_silence_window (0: no rate limit). It
// reports whether a reply went out; errors are for logging only.
func (s *Server) autoReply(ctx context.Context, out outbound.Sender, window time.Duration, envFrom string, t target, raw []byte) (bool, error) {
	if out == nil {
		return false, nil
	}
	peer := strings.Trim(strings.TrimSpace(envFrom), "<>")
	if !replyableSender(peer) || strings.EqualFold(peer, t.username) {
		return false, nil
	}
	// The OOF state first: it is off for nearly every delivery, and the
	// checks of the message after it parse its header and look its
	// addresses up in the directory.
	now := time.Now()
	oof, err := mailbox.ReadOOF(t.maildir)
	if err != nil {
		return false, err
	}
	if !oof.Active(now) {
		return false, nil
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return false, nil // no readable header: nothing to decide on
	}
	if suppressed(msg.Header) {
		return false, nil
	}
	if !s.directlyAddressed(ctx, msg.Header, t) {
		return false, nil
	}
	me, _ := s.dir.Resolve(ctx, t.username)
	internal := s.sameOrg(ctx, peer, t.username, me)
	if !internal && !oof.AllowExternal {
		return false, nil
	}
	if !internal && oof.ExternalKnownOnly {
		known, err := mailbox.Do[bool](ctx, s.stores, t.maildir, mailbox.KnownContact{Address: peer})
		if err != nil {
			return false, err
		}
		if !known {
			return false, nil
		}
	}
	subject, body := oof.InternalSubject, oof.InternalBody
	if !internal {
		subject, body = oof.ExternalSubject, oof.ExternalBody
	}
	claim, err := mailbox.Do[mailbox.AutoReplyClaim](ctx, s.stores, t.maildir,
		mailbox.ClaimAutoReply{Peer: peer, Window: window, Now: now})
	if err != nil {
		return false, err
	}
	if !claim.Granted {
		return false, nil
	}
	display := ""
	if me != nil && me.User != nil {
		display = me.User.DisplayName
	}
	reply := buildAutoReply(msg.Header, t.username, display, peer, subject, body, now)
	if err := out.Send(ctx, t.username, []string{peer}, reply); err != nil {
		// Give the claim back so that the next message tries again.
		if _, uerr := s.stores.Do(ctx, t.maildir, mailbox.UndoAutoReply{Peer: peer, Prev: claim.Prev}); uerr != nil {
			s.log.Warn("autoreply_ts undo failed", zap.String("rcpt", t.username), zap.Error(uerr))
		}
		return false, fmt.Errorf("lmtp: sending the out-of-office reply: %w", err)
	}
	s.log.Info("out-of-office reply sent", zap.String("rcpt", t.username), zap.String("to", peer))
	return true, nil
}

// replyableSender: not the null sender and not an address RFC 3834 2 says
// never to answer automatically.
func replyableSender(addr string) bool {
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 {
		return false
	}
	local := strings.ToLower(addr[:at])
	return local != "mailer-daemon" && !strings.HasPrefix(local, "owner-") && !strings.HasSuffix(local, "-request")
}

// suppressed reports whether the message's headers forbid an automatic
// reply.
func suppressed(h mail.Header) bool {
	// RFC 3834 5: any Auto-Submitted but "no" is automatic mail.
	if v := strings.TrimSpace(h.Get("Auto-Submitted")); v != "" {
		if kw, _, _ := strings.Cut(v, ";"); !strings.EqualFold(strings.TrimSpace(kw), "no") {
			return true
		}
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Precedence"))) {
	case "bulk", "list", "junk":
		return true
	}
	for _, k := range []string{"List-Id", "List-Help", "List-Subscribe", "List-Unsubscribe", "List-Post",
		"List-Owner", "List-Archive", "X-List-Help", "X-List-Subscribe", "X-List-Unsubscribe"} {
		if _, ok := h[k]; ok {
			return true
		}
	}
	// MS-OXCMAIL 2.2.3.2.20: X-Auto-Response-Suppress, a comma list.
	for _, v := range h["X-Auto-Response-Suppress"] {
		for _, f := range strings.Split(v, ",") {
			switch strings.ToLower(strings.TrimSpace(f)) {
			case "all", "oof", "-1":
				return true
			}
		}
	}
	return false
}

// directlyAddressed: the mailbox appears in To, Cc or Bcc, as its own
// address or as one the directory resolves to the same mailbox (aliases,
// altnames, extensions), not only through a list.
func (s *Server) directlyAddressed(ctx context.Context, h mail.Header, t target) bool {
	var others []string
	for _, k := range []string{"To", "Cc", "Bcc"} {
		for _, v := range h[k] {
			list, err := (&mail.AddressParser{WordDecoder: &mime.WordDecoder{}}).ParseList(v)
			if err != nil {
				continue
			}
			for _, a := range list {
				if strings.EqualFold(a.Address, t.username) {
					return true
				}
				others = append(others, a.Address)
			}
		}
	}
	for i, a := range others {
		if i >= maxAddressedLookups {
			break
		}
		r, err := s.dir.Resolve(ctx, stripExtension(a, s.cfg.RecipientDelimiter))
		if err == nil && r.Kind == directory.RecipientUser && r.User != nil && r.User.Maildir == t.maildir {
			return true
		}
	}
	return false
}

// sameOrg: the sender is internal when it has the recipient's domain, or
// is a local user of a domain in the same (non-zero) organisation, as
// upstream's is_same_org.
func (s *Server) sameOrg(ctx context.Context, peer, rcpt string, me *directory.Recipient) bool {
	pd, rd := domainOf(peer), domainOf(rcpt)
	if pd == "" || rd == "" {
		return false
	}
	if strings.EqualFold(pd, rd) {
		return true
	}
	if me == nil || me.User == nil || me.User.OrgID == 0 {
		return false
	}
	r, err := s.dir.Resolve(ctx, peer)
	if err != nil || r.User == nil {
		return false
	}
	return r.User.OrgID == me.User.OrgID
}

func domainOf(addr string) string {
	if at := strings.LastIndexByte(addr, '@'); at >= 0 {
		return addr[at+1:]
	}
	return ""
}

// buildAutoReply makes the reply message: From the recipient, To the
// envelope sender, threaded to the original, marked as an automatic reply
// (RFC 3834 3) so that other responders stay quiet.
func buildAutoReply(orig mail.Header, from, display, to, subject, htmlBody string, now time.Time) []byte {
	var dec mime.WordDecoder
	if subject == "" {
		origSubject := orig.Get("Subject")
		if d, err := dec.DecodeHeader(origSubject); err == nil {
			origSubject = d
		}
		subject = "Automatic reply: " + origSubject // RFC 3834 3.1.5 allows any prefix
	}
	subject = strings.NewReplacer("\r", "", "\n", " ").Replace(subject)
	var b bytes.Buffer
	hdr := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	hdr("From", (&mail.Address{Name: display, Address: from}).String())
	hdr("To", (&mail.Address{Address: to}).String())
	hdr("Subject", mime.QEncoding.Encode("utf-8", subject))
	hdr("Date", now.Format(time.RFC1123Z))
	hdr("Message-ID", "<"+randomID()+"@"+domainOf(from)+">")
	if id := strings.TrimSpace(orig.Get("Message-Id")); id != "" {
		hdr("In-Reply-To", id)
		refs := strings.Join(strings.Fields(orig.Get("References")), " ")
		if refs == "" {
			refs = strings.Join(strings.Fields(orig.Get("In-Reply-To")), " ")
		}
		if refs != "" {
			refs += " "
		}
		hdr("References", refs+id)
	}
	hdr("Auto-Submitted", "auto-replied")
	hdr("X-Auto-Response-Suppress", "All")
	hdr("MIME-Version", "1.0")
	ctype := "text/html; charset=utf-8"
	if !strings.Contains(htmlBody, "<") {
		ctype = "text/plain; charset=utf-8"
	}
	hdr("Content-Type", ctype)
	hdr("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(strings.ReplaceAll(strings.ReplaceAll(htmlBody, "\r\n", "\n"), "\n", "\r\n")))
	qp.Close()
	b.WriteString("\r\n")
	return b.Bytes()
}

func randomID() string {
	var r [16]byte
	rand.Read(r[:])
	return hex.EncodeToString(r[:])
}
