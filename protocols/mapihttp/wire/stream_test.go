package wire

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// flushRecorder keeps what was written between flushes.
type flushRecorder struct {
	cur     bytes.Buffer
	flushes []string
}

func (f *flushRecorder) Write(b []byte) (int, error) { return f.cur.Write(b) }
func (f *flushRecorder) Flush() {
	f.flushes = append(f.flushes, f.cur.String())
	f.cur.Reset()
}

func TestResponseStream(t *testing.T) {
	start := time.Date(2026, 11, 29, 1, 0, 0, 0, time.FixedZone("CET", 3600))
	var rec flushRecorder
	s := NewResponseStream(&rec, start)
	s.now = func() time.Time { return start.Add(1500 * time.Millisecond) }
	for _, step := range []func() error{s.Processing, s.Processing, s.Pending, s.Pending} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Done([]byte{0, 1, 2}, Header{"X-ResponseCode", "0"}); err != nil {
		t.Fatal(err)
	}
	// MS-OXCMAPIHTTP 2.2.7 meta-tags, each flushed on its own (3.2.5.2),
	// then DONE, X-ElapsedTime in milliseconds (2.2.3.3.9), X-StartTime
	// as an RFC 2616 date (2.2.3.3.10), the extra header, a blank line
	// and the body.
	want := []string{
		"PROCESSING\r\n",
		"PENDING\r\n",
		"PENDING\r\n",
		"DONE\r\nX-ElapsedTime: 1500\r\nX-StartTime: Sun, 29 Nov 2026 00:00:00 GMT\r\nX-ResponseCode: 0\r\n\r\n\x00\x01\x02",
	}
	if !reflect.DeepEqual(rec.flushes, want) {
		t.Errorf("flushes\n got %q\nwant %q", rec.flushes, want)
	}
	if err := s.Pending(); err == nil {
		t.Error("Pending after Done: no error")
	}
	if err := s.Done(nil); err == nil {
		t.Error("second Done: no error")
	}

	// Read back as a client.
	meta, body, err := ReadResponseStream(strings.NewReader(strings.Join(want, "")), 10)
	if err != nil {
		t.Fatal(err)
	}
	if meta.Pending != 2 || meta.Get("x-elapsedtime") != "1500" || meta.Get("X-StartTime") != "Sun, 29 Nov 2026 00:00:00 GMT" ||
		meta.Get("X-ResponseCode") != "0" || meta.Get("X-Other") != "" || !bytes.Equal(body, []byte{0, 1, 2}) {
		t.Errorf("ReadResponseStream = %+v, % x", meta, body)
	}
}

func TestResponseStreamDoneAlone(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var rec flushRecorder
	s := NewResponseStream(&rec, start)
	s.now = func() time.Time { return start.Add(-time.Second) } // a clock step back
	if err := s.Done([]byte("x")); err != nil {
		t.Fatal(err)
	}
	want := []string{"PROCESSING\r\nDONE\r\nX-ElapsedTime: 0\r\nX-StartTime: Fri, 02 Jan 2026 03:04:05 GMT\r\n\r\nx"}
	if !reflect.DeepEqual(rec.flushes, want) {
		t.Errorf("flushes %q, want %q", rec.flushes, want)
	}
	var rec2 flushRecorder
	s = NewResponseStream(&rec2, start)
	if err := s.Done(nil, Header{"X-Bad", "a\r\nX-Injected: 1"}); err == nil {
		t.Error("header value with CRLF: no error")
	}
	if err := s.Done(nil, Header{"X Bad", "1"}); err == nil {
		t.Error("header name with a space: no error")
	}
	if len(rec2.flushes) != 0 || rec2.cur.Len() != 0 {
		t.Errorf("rejected Done wrote %q %q", rec2.flushes, rec2.cur.String())
	}
	if err := s.Pending(); err != nil || !reflect.DeepEqual(rec2.flushes, []string{"PROCESSING\r\nPENDING\r\n"}) {
		t.Errorf("Pending first: %v, %q", err, rec2.flushes)
	}
}

func TestReadResponseStreamRejects(t *testing.T) {
	for _, tc := range []struct{ name, in string }{
		{"empty", ""},
		{"no PROCESSING", "DONE\r\n\r\n"},
		{"bare LF", "PROCESSING\nDONE\n\n"},
		{"unknown meta-tag", "PROCESSING\r\nWAITING\r\nDONE\r\n\r\n"},
		{"ends before DONE", "PROCESSING\r\nPENDING\r\n"},
		{"ends in the headers", "PROCESSING\r\nDONE\r\nX-ElapsedTime: 1\r\n"},
		{"header without colon", "PROCESSING\r\nDONE\r\nX-ElapsedTime 1\r\n\r\n"},
		{"header name with space", "PROCESSING\r\nDONE\r\nX Elapsed: 1\r\n\r\n"},
		{"long line", "PROCESSING\r\nDONE\r\nX-A: " + strings.Repeat("a", 2000) + "\r\n\r\n"},
		{"too many headers", "PROCESSING\r\nDONE\r\n" + strings.Repeat("X-A: 1\r\n", 65) + "\r\n"},
		{"body over the limit", "PROCESSING\r\nDONE\r\n\r\n" + strings.Repeat("b", 11)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			meta, body, err := ReadResponseStream(strings.NewReader(tc.in), 10)
			if err == nil || !errors.Is(err, ErrMalformed) {
				t.Errorf("ReadResponseStream = %+v, %q, %v; want ErrMalformed", meta, body, err)
			}
		})
	}
	if _, body, err := ReadResponseStream(strings.NewReader("PROCESSING\r\nDONE\r\n\r\n"+strings.Repeat("b", 11)), 0); err != nil || len(body) != 11 {
		t.Errorf("no limit: %d bytes, %v", len(body), err)
	}
}
