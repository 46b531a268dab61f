package wire

// The inner response stream (MS-OXCMAPIHTTP 2.2.2.2, 2.2.7, 3.2.5.2): the
// PROCESSING meta-tag at once, PENDING keep-alives while the request runs,
// then DONE, the additional headers X-ElapsedTime and X-StartTime (and
// any others, such as a late X-ResponseCode), a blank line and the
// response body. Each meta-tag and header is a line ending in CRLF.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The meta-tags of MS-OXCMAPIHTTP 2.2.7.
const (
	MetaProcessing = "PROCESSING"
	MetaPending    = "PENDING"
	MetaDone       = "DONE"
)

// FlushWriter is where a ResponseStream writes: an http.ResponseWriter
// that is an http.Flusher satisfies it.
type FlushWriter interface {
	io.Writer
	Flush()
}

// Header is one additional response header after DONE.
type Header struct {
	Name, Value string
}

// ResponseStream writes the meta-tags and the body of one response in the
// order the protocol requires; each call flushes, so that the client sees
// PROCESSING and every PENDING when it is written (3.2.5.2). It is not
// safe for concurrent use: the keep-alive timer and the request's
// completion must be serialized by the caller.
type ResponseStream struct {
	w          FlushWriter
	start      time.Time
	now        func() time.Time
	processing bool
	done       bool
}

// NewResponseStream returns a stream for a request whose processing started
// at start (the X-StartTime).
func NewResponseStream(w FlushWriter, start time.Time) *ResponseStream {
	return &ResponseStream{w: w, start: start, now: time.Now}
}

var errStreamDone = errors.New("wire: response stream already done")

func (s *ResponseStream) writeFlush(b []byte) error {
	_, err := s.w.Write(b)
	s.w.Flush()
	return err
}

// Processing writes the PROCESSING meta-tag, which tells the client that
// the request was queued. It is written once; later calls do nothing.
func (s *ResponseStream) Processing() error {
	if s.done {
		return errStreamDone
	}
	if s.processing {
		return nil
	}
	s.processing = true
	return s.writeFlush([]byte(MetaProcessing + "\r\n"))
}

// Pending writes a PENDING keep-alive (after PROCESSING, which it writes
// first if needed).
func (s *ResponseStream) Pending() error {
	if s.done {
		return errStreamDone
	}
	if !s.processing {
		s.processing = true
		return s.writeFlush([]byte(MetaProcessing + "\r\n" + MetaPending + "\r\n"))
	}
	return s.writeFlush([]byte(MetaPending + "\r\n"))
}

// Done finishes the stream: DONE, X-ElapsedTime (milliseconds since the
// start), X-StartTime (RFC 1123 in GMT, as HTTP dates are), the extra
// headers in order, a blank line and body. A header name or value with a
// CR, LF or (in a name) a colon is an error and nothing is written.
func (s *ResponseStream) Done(body []byte, extra ...Header) error {
	if s.done {
		return errStreamDone
	}
	for _, h := range extra {
		if h.Name == "" || strings.ContainsAny(h.Name, "\r\n: ") || strings.ContainsAny(h.Value, "\r\n") {
			return fmt.Errorf("wire: bad additional header %q: %q", h.Name, h.Value)
		}
	}
	s.done = true
	var b []byte
	if !s.processing {
		s.processing = true
		b = append(b, MetaProcessing+"\r\n"...)
	}
	elapsed := max(s.now().Sub(s.start), 0)
	b = append(b, MetaDone+"\r\n"...)
	b = append(b, "X-ElapsedTime: "...)
	b = strconv.AppendInt(b, elapsed.Milliseconds(), 10)
	b = append(b, "\r\nX-StartTime: "...)
	b = s.start.UTC().AppendFormat(b, http.TimeFormat)
	b = append(b, "\r\n"...)
	for _, h := range extra {
		b = append(b, h.Name...)
		b = append(b, ": "...)
		b = append(b, h.Value...)
		b = append(b, "\r\n"...)
	}
	b = append(b, "\r\n"...)
	b = append(b, body...)
	return s.writeFlush(b)
}

// ResponseMeta is what precedes the body in an inner response stream.
type ResponseMeta struct {
	Pending int      // PENDING keep-alives seen
	Headers []Header // the additional headers after DONE, in order
}

// Get returns the value of the first additional header with the name
// (compared without regard to case), or "".
func (m ResponseMeta) Get(name string) string {
	for _, h := range m.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

const (
	maxMetaLine    = 1024
	maxMetaHeaders = 64
)

// ReadResponseStream reads an inner response stream as a client sees it
// after the HTTP chunking is undone: PROCESSING, any number of PENDING,
// DONE, header lines up to a blank line, then the body up to EOF, at most
// maxBody bytes (maxBody <= 0: no limit). Lines must end in CRLF.
func ReadResponseStream(r io.Reader, maxBody int) (ResponseMeta, []byte, error) {
	var meta ResponseMeta
	br := bufio.NewReaderSize(r, maxMetaLine)
	line, err := readMetaLine(br)
	if err != nil {
		return meta, nil, err
	}
	if line != MetaProcessing {
		return meta, nil, fmt.Errorf("%w: response stream starts with %q, not PROCESSING", ErrMalformed, line)
	}
	for {
		if line, err = readMetaLine(br); err != nil {
			return meta, nil, err
		}
		if line == MetaDone {
			break
		}
		if line != MetaPending {
			return meta, nil, fmt.Errorf("%w: meta-tag %q", ErrMalformed, line)
		}
		meta.Pending++
	}
	for {
		if line, err = readMetaLine(br); err != nil {
			return meta, nil, err
		}
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return meta, nil, fmt.Errorf("%w: header line %q", ErrMalformed, line)
		}
		if len(meta.Headers) == maxMetaHeaders {
			return meta, nil, fmt.Errorf("%w: more than %d headers after DONE", ErrMalformed, maxMetaHeaders)
		}
		meta.Headers = append(meta.Headers, Header{Name: name, Value: strings.TrimSpace(value)})
	}
	var body []byte
	if maxBody > 0 {
		body, err = io.ReadAll(io.LimitReader(br, int64(maxBody)+1))
		if err == nil && len(body) > maxBody {
			return meta, nil, fmt.Errorf("%w: response body over %d bytes", ErrMalformed, maxBody)
		}
	} else {
		body, err = io.ReadAll(br)
	}
	if err != nil {
		return meta, nil, err
	}
	return meta, body, nil
}

// readMetaLine reads one CRLF-terminated line without its CRLF.
func readMetaLine(br *bufio.Reader) (string, error) {
	b, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		return "", fmt.Errorf("%w: meta line longer than %d bytes", ErrMalformed, maxMetaLine)
	}
	if err == io.EOF {
		return "", fmt.Errorf("%w: response stream ends before the body: %w", ErrMalformed, io.ErrUnexpectedEOF)
	}
	if err != nil {
		return "", err
	}
	if len(b) < 2 || b[len(b)-2] != '\r' {
		return "", fmt.Errorf("%w: meta line %q does not end in CRLF", ErrMalformed, b)
	}
	return string(b[:len(b)-2]), nil
}
