package lmtp

import (
	"bufio"
	"bytes"
	"io"
	"reflect"
	"sync"
	"unsafe"

	"github.com/emersion/go-smtp"
)

// go-smtp hands DATA to the session as a reader that takes the message
// from the connection's bufio.Reader one byte at a time (ReadByte, a state
// machine step, a store per byte): with the line limit's own loop over
// every byte below it, a fifth of the server's CPU in the LMTP benchmark.
// readData reads the same bytes in runs instead, straight from that
// bufio.Reader's buffer, with the same state machine (RFC 5321 4.5.2
// dot-unstuffing as go-smtp does it, line ends kept as they are), and
// leaves the state in go-smtp's reader so that go-smtp's own reading (it
// drains the rest after an error) goes on where this stopped.
//
// go-smtp has no API for that: its reader's private fields are found by
// name, type and offset once per type (isDataReader); when they are not
// what this code knows, go-smtp's reader is read the ordinary way.

// dataReader mirrors go-smtp's unexported dataReader (data.go).
type dataReader struct {
	r       *bufio.Reader
	state   int
	limited bool
	n       int64
}

// The states of go-smtp's dataReader, in its order.
const (
	stateBeginLine = iota // at the beginning of a line
	stateDot              // read "." at the beginning of a line
	stateDotCR            // read ".\r" at the beginning of a line
	stateCR               // read "\r"
	stateData             // in the middle of a line
	stateEOF              // read the ".\r\n" end marker line
)

// fastData switches readData's direct reading on (tests turn it off to
// compare with go-smtp's reader).
var fastData = true

// layoutOK caches, for the one type go-smtp's DATA reader has, whether
// its fields are dataReader's.
var layoutOK sync.Map // reflect.Type → bool

// smtpDataReader returns go-smtp's DATA reader behind r, or nil when r is
// something else or go-smtp's reader is not laid out as dataReader.
func smtpDataReader(r io.Reader) *dataReader {
	v := reflect.ValueOf(r)
	if !fastData || !v.IsValid() || v.Kind() != reflect.Pointer || v.IsNil() {
		return nil
	}
	ok, seen := layoutOK.Load(v.Type())
	if !seen {
		ok, _ = layoutOK.LoadOrStore(v.Type(), isDataReader(v.Type()))
	}
	if !ok.(bool) {
		return nil
	}
	return (*dataReader)(v.UnsafePointer())
}

// isDataReader tells whether t is go-smtp's *dataReader with dataReader's
// fields, in name, type and offset.
func isDataReader(t reflect.Type) bool {
	e := t.Elem()
	if e.Kind() != reflect.Struct || e.Name() != "dataReader" || e.PkgPath() != reflect.TypeOf(smtp.Server{}).PkgPath() {
		return false
	}
	want := reflect.TypeOf(dataReader{})
	if e.NumField() != want.NumField() || e.Size() != want.Size() {
		return false
	}
	for i := range want.NumField() {
		g, w := e.Field(i), want.Field(i)
		if g.Name != w.Name || g.Type != w.Type || g.Offset != w.Offset {
			return false
		}
	}
	return true
}

// lineLimitReader mirrors go-smtp's unexported lineLimitReader
// (lengthlimit_reader.go), which sits under the connection's bufio.Reader.
type lineLimitReader struct {
	R             io.Reader
	LineLimit     int
	curLineLength int
}

// lineLimiterOffset is the offset of smtp.Conn's lineLimitReader field,
// ok when it is a *lineLimitReader laid out as ours.
var lineLimiterOffset = sync.OnceValues(func() (uintptr, bool) {
	f, ok := reflect.TypeOf(smtp.Conn{}).FieldByName("lineLimitReader")
	if !ok || f.Type.Kind() != reflect.Pointer {
		return 0, false
	}
	e, want := f.Type.Elem(), reflect.TypeOf(lineLimitReader{})
	if e.Name() != "lineLimitReader" || e.NumField() != want.NumField() || e.Size() != want.Size() {
		return 0, false
	}
	for i := range want.NumField() {
		g, w := e.Field(i), want.Field(i)
		if g.Name != w.Name || g.Type != w.Type || g.Offset != w.Offset {
			return 0, false
		}
	}
	return f.Offset, true
})

// connLineLimiter returns the line limiter under c's reader, or nil.
func connLineLimiter(c *smtp.Conn) *lineLimitReader {
	off, ok := lineLimiterOffset()
	if c == nil || !ok {
		return nil
	}
	return *(**lineLimitReader)(unsafe.Add(unsafe.Pointer(c), off))
}

// readData reads a whole DATA body from r (go-smtp's reader), with hint
// the expected size (MAIL's SIZE), and returns it without the end marker.
// Past the reader's limit it fails with go-smtp's ErrDataTooLarge.
//
// The message's lines may be of any length (up to the message's limit):
// go-smtp's limit on line length, meant for commands, would otherwise end
// the session at a message line of more than 2,000 bytes; and checking it
// takes a loop over every byte. It is lifted while the message is read,
// as go-smtp itself does for BDAT.
//
// Only DATA's reader is read this way. BDAT's chunks come through a pipe
// from go-smtp's connection goroutine, which lifts and restores the line
// limit itself around each chunk while the session reads: they are read
// the ordinary way, and the limit is left to go-smtp.
func readData(r io.Reader, hint int64, c *smtp.Conn) ([]byte, error) {
	dr := smtpDataReader(r)
	if dr == nil {
		return readAll(r, hint)
	}
	// go-smtp's connection goroutine waits for the session until the
	// message is read (LMTP: for its statuses; SMTP: Data returns), so
	// nothing else uses the line limiter meanwhile.
	if ll := connLineLimiter(c); ll != nil {
		saved := ll.LineLimit
		ll.LineLimit = 0
		defer func() { ll.LineLimit, ll.curLineLength = saved, 0 }()
	}
	limit := int64(-1)
	if dr.limited {
		limit = dr.n
	}
	out := make([]byte, 0, sizeHint(hint, limit))
	out, err := unstuff(dr.r, &dr.state, out, limit)
	if dr.limited {
		dr.n = max(0, limit-int64(len(out)))
	}
	return out, err
}

// sizeHint is the buffer to start a message with: SIZE's value (plus
// room for the trace header), bounded by the limit and by maxSizeHint, or
// 64 KiB.
func sizeHint(hint, limit int64) int {
	if hint <= 0 {
		hint = 64 << 10
	}
	hint += 512
	if limit >= 0 && hint > limit {
		hint = limit
	}
	return int(min(hint, maxSizeHint))
}

// maxSizeHint bounds what SIZE alone makes a session allocate: a client
// announcing the largest size it may and then sending nothing must not
// hold that much memory per connection. Larger messages grow the buffer as
// they come.
const maxSizeHint = 1 << 20

// readAll reads a reader that is not go-smtp's DATA reader.
func readAll(r io.Reader, hint int64) ([]byte, error) {
	buf := bytes.NewBuffer(make([]byte, 0, sizeHint(hint, -1)))
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}

// unstuff appends to out the DATA bytes br holds up to the end marker,
// going on from state *st and leaving the state there (stateEOF at the
// end marker); limit (-1: none) bounds what is appended. It is go-smtp's
// state machine, with runs of bytes in the middle of a line copied at once.
func unstuff(br *bufio.Reader, st *int, out []byte, limit int64) ([]byte, error) {
	state := *st
	defer func() { *st = state }()
	for state != stateEOF {
		if limit >= 0 && int64(len(out)) >= limit {
			return out, smtp.ErrDataTooLarge
		}
		if _, err := br.Peek(1); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return out, err
		}
		buf, _ := br.Peek(br.Buffered())
		if limit >= 0 {
			// Never more input than could make the output reach the
			// limit: each input byte gives at most one output byte.
			if room := limit - int64(len(out)); int64(len(buf)) > room {
				buf = buf[:room]
			}
		}
		i := 0
		for i < len(buf) && state != stateEOF {
			if state == stateData {
				j := bytes.IndexByte(buf[i:], '\r')
				if j < 0 {
					out = append(out, buf[i:]...)
					i = len(buf)
					break
				}
				out = append(out, buf[i:i+j+1]...)
				i += j + 1
				state = stateCR
				continue
			}
			c := buf[i]
			i++
			switch state {
			case stateBeginLine:
				switch c {
				case '.':
					state = stateDot
					continue
				case '\r':
					state = stateCR
				default:
					state = stateData
				}
			case stateDot:
				if c == '\r' {
					state = stateDotCR
					continue
				}
				state = stateData
			case stateDotCR:
				if c == '\n' {
					state = stateEOF
					continue
				}
				state = stateData
			case stateCR:
				if c == '\n' {
					state = stateBeginLine
				} else {
					state = stateData
				}
			}
			out = append(out, c)
		}
		br.Discard(i)
	}
	return out, nil
}
