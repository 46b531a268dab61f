package mailbox

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
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
	t.noteOriginal(midString, raw)
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
		if err := p.wait(); err != nil {
			return nil, err
		}
		return os.ReadFile(p.path)
	}
	b, err := os.ReadFile(filepath.Join(t.s.Dir, filepath.FromSlash(rel)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoOriginal
	}
	return b, err
}

// ReadMessageFile reads a whole message file (OriginalPath) with the
// fewest system calls: open, fstat, one read of its size, close. An eml
// file never changes once written, so what its size says is all there is;
// os.ReadFile would also try to register the file with the runtime's
// poller and read once more to see the end.
func ReadMessageFile(path string) ([]byte, error) { return ReadMessageFileInto(path, nil) }

// ReadMessageFileInto is ReadMessageFile reading into buf when it is large
// enough (buf's bytes are then overwritten and returned).
func ReadMessageFileInto(path string, buf []byte) ([]byte, error) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	for err == syscall.EINTR {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, &fs.PathError{Op: "fstat", Path: path, Err: err}
	}
	b := buf[:0]
	if int64(cap(b)) < st.Size {
		b = make([]byte, st.Size)
	}
	b = b[:st.Size]
	for n := 0; n < len(b); {
		k, err := syscall.Read(fd, b[n:])
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return nil, &fs.PathError{Op: "read", Path: path, Err: err}
		case k == 0:
			return b[:n], nil // shorter than it said
		}
		n += k
	}
	return b, nil
}

// messageBufs are the buffers MessageBuffer lends.
var messageBufs = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// maxPooledMessage is the largest buffer PutMessageBuffer keeps.
const maxPooledMessage = 1 << 20

// MessageBuffer lends a buffer to read a message file into
// (ReadMessageFileInto) or to build an answer in, for a message that is
// sent and then forgotten (FETCH BODY[], POP3 RETR); PutMessageBuffer
// gives it back.
func MessageBuffer() *[]byte { return messageBufs.Get().(*[]byte) }

// PutMessageBuffer gives back buffer b, last used as used (which may have
// outgrown it); nothing may use either afterwards.
func PutMessageBuffer(b *[]byte, used []byte) {
	if cap(used) <= maxPooledMessage {
		*b = used[:0]
		messageBufs.Put(b)
	}
}
