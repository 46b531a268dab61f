package mailbox

import (
	"bufio"
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gromox-go/gromox/config"
	"github.com/gromox-go/gromox/mapi"
)

// Out-of-office settings live beside the store, not in exchange.sqlite3, as
// upstream keeps them (so `mkprivate -f` leaves them alone):
//
//	<maildir>/config/autoreply.cfg  OOF_STATE, START_TIME, END_TIME,
//	                                ALLOW_EXTERNAL_OOF, EXTERNAL_AUDIENCE
//	<maildir>/config/internal-reply the reply to senders of the same organisation
//	<maildir>/config/external-reply the reply to everyone else
//
// A reply file is a MIME header block (Content-Type, Subject) and a blank
// line, then the HTML body. The per-sender rate limit is the store's
// autoreply_ts table (peer, unix time of the last reply).

// OOFState is autoreply.cfg's OOF_STATE.
type OOFState int

const (
	OOFOff       OOFState = 0
	OOFOn        OOFState = 1
	OOFScheduled OOFState = 2 // on between Start and End
)

// OOFSettings are a store's out-of-office settings and reply texts.
type OOFSettings struct {
	State      OOFState
	Start, End time.Time // START_TIME, END_TIME (zero: unset)
	// AllowExternal lets senders outside the organisation get a reply
	// (ALLOW_EXTERNAL_OOF).
	AllowExternal bool
	// ExternalKnownOnly limits external replies to senders in the user's
	// contacts (EXTERNAL_AUDIENCE=1; 0 means all external senders).
	ExternalKnownOnly bool
	InternalSubject   string
	InternalBody      string // HTML
	ExternalSubject   string
	ExternalBody      string // HTML
}

// Active reports whether replies go out at now: on, or scheduled with now
// in [Start, End) (upstream's PR_OOF_STATE computation).
func (o OOFSettings) Active(now time.Time) bool {
	switch o.State {
	case OOFOn:
		return true
	case OOFScheduled:
		if o.Start.IsZero() || o.End.IsZero() {
			return false
		}
		return !now.Before(o.Start) && now.Before(o.End)
	}
	return false
}

func oofPaths(dir string) (cfg, internal, external string) {
	c := filepath.Join(dir, "config")
	return filepath.Join(c, "autoreply.cfg"), filepath.Join(c, "internal-reply"), filepath.Join(c, "external-reply")
}

// ReadOOF reads the out-of-office settings of the store at dir. Missing
// files mean OOF off and no texts.
func ReadOOF(dir string) (OOFSettings, error) {
	var o OOFSettings
	cfgPath, intPath, extPath := oofPaths(dir)
	f, err := config.ReadCfg(cfgPath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return o, fmt.Errorf("mailbox: reading OOF settings: %w", err)
	default:
		num := func(key string) int64 {
			e, ok := f.Get(key)
			if !ok {
				return 0
			}
			n, _ := strconv.ParseInt(strings.TrimSpace(e.Value), 0, 64)
			return n
		}
		flag := func(key string) bool {
			e, ok := f.Get(key)
			if !ok {
				return false
			}
			b, err := config.ParseBool(e.Value)
			return err == nil && b
		}
		o.State = OOFState(num("oof_state"))
		if o.State < OOFOff || o.State > OOFScheduled {
			o.State = OOFOff
		}
		if _, ok := f.Get("start_time"); ok {
			o.Start = time.Unix(num("start_time"), 0)
		}
		if _, ok := f.Get("end_time"); ok {
			o.End = time.Unix(num("end_time"), 0)
		}
		o.AllowExternal = flag("allow_external_oof")
		o.ExternalKnownOnly = flag("external_audience")
	}
	if o.InternalSubject, o.InternalBody, err = readReplyText(intPath); err != nil {
		return o, err
	}
	if o.ExternalSubject, o.ExternalBody, err = readReplyText(extPath); err != nil {
		return o, err
	}
	return o, nil
}

// readReplyText splits a reply file into its Subject header (encoded words
// decoded) and its body.
func readReplyText(path string) (subject, body string, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("mailbox: reading OOF reply: %w", err)
	}
	i, n := bytes.Index(b, []byte("\r\n\r\n")), 4
	if j := bytes.Index(b, []byte("\n\n")); i < 0 || (j >= 0 && j < i) {
		i, n = j, 2
	}
	if i < 0 {
		return "", "", nil // upstream: no header/body separator, no text
	}
	hdr, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(b[:i+n]))).ReadMIMEHeader()
	if err == nil {
		var dec mime.WordDecoder
		subject = hdr.Get("Subject")
		if s, err := dec.DecodeHeader(subject); err == nil {
			subject = s
		}
	}
	return subject, string(b[i+n:]), nil
}

// WriteOOF replaces the out-of-office settings of the store at dir. Other
// keys of autoreply.cfg are kept; each file is replaced atomically.
func WriteOOF(dir string, o OOFSettings) error {
	cfgPath, intPath, extPath := oofPaths(dir)
	if err := os.MkdirAll(filepath.Dir(cfgPath), 0o770); err != nil {
		return fmt.Errorf("mailbox: writing OOF settings: %w", err)
	}
	set := []struct{ key, val string }{
		{"OOF_STATE", strconv.Itoa(int(o.State))},
		{"ALLOW_EXTERNAL_OOF", boolDigit(o.AllowExternal)},
		{"EXTERNAL_AUDIENCE", boolDigit(o.ExternalKnownOnly)},
	}
	if !o.Start.IsZero() {
		set = append(set, struct{ key, val string }{"START_TIME", strconv.FormatInt(o.Start.Unix(), 10)})
	}
	if !o.End.IsZero() {
		set = append(set, struct{ key, val string }{"END_TIME", strconv.FormatInt(o.End.Unix(), 10)})
	}
	ours := map[string]bool{"start_time": true, "end_time": true}
	for _, s := range set {
		ours[strings.ToLower(s.key)] = true
	}
	var buf bytes.Buffer
	if f, err := config.ReadCfg(cfgPath); err == nil {
		for _, e := range f.Entries {
			if !ours[e.Key] {
				fmt.Fprintf(&buf, "%s = %s\n", strings.ToUpper(e.Key), e.Value)
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("mailbox: writing OOF settings: %w", err)
	}
	for _, s := range set {
		fmt.Fprintf(&buf, "%s = %s\n", s.key, s.val)
	}
	if err := writeFileAtomic(cfgPath, buf.Bytes()); err != nil {
		return err
	}
	if err := writeFileAtomic(intPath, replyText(o.InternalSubject, o.InternalBody)); err != nil {
		return err
	}
	return writeFileAtomic(extPath, replyText(o.ExternalSubject, o.ExternalBody))
}

// replyText is a reply file as upstream writes it.
func replyText(subject, body string) []byte {
	var b strings.Builder
	b.WriteString("Content-Type: text/html;\r\n\tcharset=\"utf-8\"\r\n")
	if subject != "" {
		b.WriteString("Subject: ")
		b.WriteString(mime.QEncoding.Encode("utf-8", strings.NewReplacer("\r", "", "\n", " ").Replace(subject)))
		b.WriteString("\r\n")
	}
	b.WriteString("\r\n")
	b.WriteString(body)
	return []byte(b.String())
}

func boolDigit(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".oof-*")
	if err != nil {
		return fmt.Errorf("mailbox: writing %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("mailbox: writing %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("mailbox: writing %s: %w", path, err)
	}
	if err := tmp.Chmod(0o660); err != nil {
		tmp.Close()
		return fmt.Errorf("mailbox: writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("mailbox: writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("mailbox: writing %s: %w", path, err)
	}
	return nil
}

// GetOOF reads the store's out-of-office settings. Reply: OOFSettings.
type GetOOF struct{}

func (GetOOF) Read(tx *Tx) (any, error) { return ReadOOF(tx.s.Dir) }

// SetOOF replaces the store's out-of-office settings (through the store's
// actor, so that two writers never interleave). Reply: nil.
type SetOOF struct{ Settings OOFSettings }

func (r SetOOF) Write(tx *Tx) (any, error) { return nil, WriteOOF(tx.s.Dir, r.Settings) }

// AutoReplyLast returns when the last automatic reply to peer was sent
// (ok false: never).
func (t *Tx) AutoReplyLast(peer string) (last time.Time, ok bool, err error) {
	var ts int64
	err = t.QueryRow("SELECT `ts` FROM `autoreply_ts` WHERE `peer`=?", strings.ToLower(peer)).Scan(&ts)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("mailbox: reading autoreply_ts: %w", err)
	}
	return time.Unix(ts, 0), true, nil
}

// SetAutoReplyLast records that an automatic reply went to peer at when.
func (t *Tx) SetAutoReplyLast(peer string, when time.Time) error {
	_, err := t.Exec("REPLACE INTO `autoreply_ts` (`peer`,`ts`) VALUES (?,?)", strings.ToLower(peer), when.Unix())
	if err != nil {
		return fmt.Errorf("mailbox: writing autoreply_ts: %w", err)
	}
	return nil
}

// ClaimAutoReply decides, in one turn of the store's actor, whether an
// automatic reply may go to Peer at Now: not when one went within Window
// (upstream autoreply_silence_window; 0: no limit). A granted claim is
// recorded at once, so two deliveries at the same time send one reply.
// Reply: AutoReplyClaim.
type ClaimAutoReply struct {
	Peer   string
	Window time.Duration
	Now    time.Time
}

// AutoReplyClaim is the reply to ClaimAutoReply.
type AutoReplyClaim struct {
	Granted bool
	Prev    time.Time // the previous reply (zero: none), for UndoAutoReply
}

func (r ClaimAutoReply) Write(tx *Tx) (any, error) {
	last, ok, err := tx.AutoReplyLast(r.Peer)
	if err != nil {
		return nil, err
	}
	if ok && r.Window > 0 && r.Now.Sub(last) < r.Window {
		return AutoReplyClaim{Prev: last}, nil
	}
	if err := tx.SetAutoReplyLast(r.Peer, r.Now); err != nil {
		return nil, err
	}
	var prev time.Time
	if ok {
		prev = last
	}
	return AutoReplyClaim{Granted: true, Prev: prev}, nil
}

// UndoAutoReply gives back a granted claim whose reply could not be sent:
// the peer's previous time (zero: none) is restored. Reply: nil.
type UndoAutoReply struct {
	Peer string
	Prev time.Time
}

func (r UndoAutoReply) Write(tx *Tx) (any, error) {
	if r.Prev.IsZero() {
		_, err := tx.Exec("DELETE FROM `autoreply_ts` WHERE `peer`=?", strings.ToLower(r.Peer))
		return nil, err
	}
	return nil, tx.SetAutoReplyLast(r.Peer, r.Prev)
}

// PidLidEmail1/2/3EmailAddress (MS-OXOCNTC 2.2.1.2.3): a contact's e-mail
// addresses.
var contactEmailNames = []mapi.PropName{
	mapi.NameByLID(mapi.PSETIDAddress, 0x8083),
	mapi.NameByLID(mapi.PSETIDAddress, 0x8093),
	mapi.NameByLID(mapi.PSETIDAddress, 0x80A3),
}

// KnownContact says whether an address is one of the e-mail addresses of a
// contact in the store's contact folders (IPF.Contact), as the
// out-of-office audience "known contacts only" needs. Reply: bool.
type KnownContact struct{ Address string }

func (r KnownContact) Read(tx *Tx) (any, error) {
	addr := strings.TrimSpace(r.Address)
	if addr == "" {
		return false, nil
	}
	ids, err := tx.NamedPropIDs(contactEmailNames, false)
	if err != nil {
		return false, err
	}
	var tags []any
	for _, id := range ids {
		if id != 0 {
			tags = append(tags, int64(uint32(id)<<16|uint32(mapi.PtUnicode)))
		}
	}
	if len(tags) == 0 {
		return false, nil // no contact ever had an e-mail address here
	}
	args := append([]any{int64(mapi.PrContainerClass)}, tags...)
	args = append(args, addr)
	n, err := tx.queryInt(`SELECT COUNT(*) FROM message_properties mp JOIN messages m ON m.message_id=mp.message_id
		WHERE m.is_deleted=0 AND m.parent_fid IN (SELECT folder_id FROM folder_properties WHERE proptag=? AND propval LIKE 'IPF.Contact%')
		AND mp.proptag IN (?`+strings.Repeat(",?", len(tags)-1)+`) AND mp.propval=? COLLATE NOCASE`, args...)
	return n > 0, err
}
