package mailbox

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// The original RFC 5322 form of a delivered or appended message is kept in
// eml/<mid_string> (as upstream keeps it), so IMAP and POP3 return it byte
// for byte; messages.mid_string names it.

// WriteOriginal writes a message into folder fid together with its original
// RFC 5322 bytes, which are made durable with the commit.
func (t *Tx) WriteOriginal(fid uint64, mc *MessageContent, raw []byte) (mid, cn uint64, midString string, err error) {
	mid, cn, err = t.WriteMessage(fid, mc)
	if err != nil {
		return 0, 0, "", err
	}
	midString = newMidString()
	if err := t.writeFileAtCommit("eml/"+midString, raw); err != nil {
		return 0, 0, "", err
	}
	if _, err := t.Exec("UPDATE messages SET mid_string=? WHERE message_id=?", midString, int64(mid)); err != nil {
		return 0, 0, "", err
	}
	return mid, cn, midString, nil
}

// ErrNoOriginal: the message has no stored RFC 5322 form (it was made
// through MAPI and has not been converted yet).
var ErrNoOriginal = errors.New("mailbox: message has no RFC 5322 original")

// ReadOriginal returns the stored RFC 5322 form of message mid.
func (t *Tx) ReadOriginal(mid uint64) ([]byte, error) {
	var ms *string
	if err := t.QueryRow("SELECT mid_string FROM messages WHERE message_id=?", int64(mid)).Scan(&ms); err != nil {
		return nil, fmt.Errorf("message %d: %w", mid, ErrNotFound)
	}
	if ms == nil || *ms == "" {
		return nil, ErrNoOriginal
	}
	if !validMidString(*ms) {
		return nil, fmt.Errorf("mailbox: bad mid_string %q", *ms)
	}
	rel := "eml/" + *ms
	if p, ok := t.content["file:"+rel]; ok {
		return os.ReadFile(p.path)
	}
	b, err := os.ReadFile(filepath.Join(t.s.Dir, filepath.FromSlash(rel)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoOriginal
	}
	return b, err
}
