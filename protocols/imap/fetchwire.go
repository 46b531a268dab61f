package imap

import (
	"bufio"
	"reflect"
	"strconv"
	"unsafe"

	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/gromox-go/gromox/mailbox"
)

// FETCH items whose wire form is kept (ENVELOPE, BODY, BODYSTRUCTURE) or
// known in advance (FLAGS without keywords, UID) are written straight into
// go-imap's output buffer, not re-encoded from go-imap's types for every
// message: encoding a body structure took a third of the server's time of
// a FETCH BODYSTRUCTURE. go-imap has no API for that, so wireItems reaches
// into its FetchResponseWriter. The fields it uses (the encoder's buffered
// writer, its error and literal state, whether UTF-8 may be quoted, and the
// writer's item separator and BODY/BODYSTRUCTURE choice) are looked up by
// name and type when the program starts; when go-imap's layout is not the
// one expected, wireLayout.ok is false and FETCH writes every item through
// go-imap as before (TestFetchWireLayout fails then, so that an upgrade of
// go-imap does not lose the fast path unnoticed). What is written is what
// go-imap would write (imapmsg.AppendEnvelope, AppendBodyStructure);
// TestFetchWireSameBytes compares the two for whole FETCH responses.

// wireLayout holds the offsets of the go-imap fields wireItems uses.
var wireLayout = findWireLayout()

type fetchWireLayout struct {
	ok bool
	// In imapserver.FetchResponseWriter.
	enc, hasItem, bsExtended, bsNonExtended uintptr
	// In imapserver's responseEncoder: the embedded *imapwire.Encoder.
	encoder uintptr
	// In imapwire.Encoder.
	w, quotedUTF8, err, literal uintptr
}

// findWireLayout checks go-imap's FetchResponseWriter for the fields
// wireItems uses and returns their offsets.
func findWireLayout() fetchWireLayout {
	var l fetchWireLayout
	field := func(t reflect.Type, name string, kind reflect.Kind) (reflect.StructField, bool) {
		if t.Kind() != reflect.Struct {
			return reflect.StructField{}, false
		}
		f, ok := t.FieldByName(name)
		if !ok || len(f.Index) != 1 || f.Type.Kind() != kind {
			return reflect.StructField{}, false
		}
		return f, true
	}
	frw := reflect.TypeFor[imapserver.FetchResponseWriter]()
	enc, ok1 := field(frw, "enc", reflect.Pointer)
	hasItem, ok2 := field(frw, "hasItem", reflect.Bool)
	opts, ok3 := field(frw, "options", reflect.Struct)
	if !ok1 || !ok2 || !ok3 {
		return l
	}
	bs, ok := field(opts.Type, "bodyStructure", reflect.Struct)
	if !ok {
		return l
	}
	ext, ok1 := field(bs.Type, "extended", reflect.Bool)
	nonExt, ok2 := field(bs.Type, "nonExtended", reflect.Bool)
	encoder, ok3 := field(enc.Type.Elem(), "Encoder", reflect.Pointer)
	if !ok1 || !ok2 || !ok3 || !encoder.Anonymous {
		return l
	}
	wenc := encoder.Type.Elem()
	w, ok1 := field(wenc, "w", reflect.Pointer)
	q, ok2 := field(wenc, "QuotedUTF8", reflect.Bool)
	e, ok3 := field(wenc, "err", reflect.Interface)
	lit, ok4 := field(wenc, "literal", reflect.Bool)
	if !ok1 || !ok2 || !ok3 || !ok4 ||
		w.Type != reflect.TypeFor[*bufio.Writer]() || e.Type != reflect.TypeFor[error]() {
		return l
	}
	return fetchWireLayout{
		ok:  true,
		enc: enc.Offset, hasItem: hasItem.Offset,
		bsExtended: opts.Offset + bs.Offset + ext.Offset, bsNonExtended: opts.Offset + bs.Offset + nonExt.Offset,
		encoder: encoder.Offset,
		w:       w.Offset, quotedUTF8: q.Offset, err: e.Offset, literal: lit.Offset,
	}
}

// wireItems writes FETCH items into one go-imap FETCH response.
type wireItems struct {
	ok      bool // the items can be written (openWireItems)
	bw      *bufio.Writer
	hasItem *bool
	utf8    bool // the connection quotes 8-bit strings
	// The client asked for BODY, BODYSTRUCTURE.
	body, bodyStructure bool
	written             *int // counts the octets of item data written, when set
}

// openWireItems gives access to rw's output; false when the layout is not
// go-imap's as expected or rw cannot take raw items now (it was closed, a
// literal is open, a write failed).
func openWireItems(rw *imapserver.FetchResponseWriter) (wireItems, bool) {
	l := &wireLayout
	if !l.ok || rw == nil {
		return wireItems{}, false
	}
	p := unsafe.Pointer(rw)
	re := *(*unsafe.Pointer)(unsafe.Add(p, l.enc))
	if re == nil {
		return wireItems{}, false
	}
	we := *(*unsafe.Pointer)(unsafe.Add(re, l.encoder))
	if we == nil || *(*bool)(unsafe.Add(we, l.literal)) || *(*error)(unsafe.Add(we, l.err)) != nil {
		return wireItems{}, false
	}
	bw := *(**bufio.Writer)(unsafe.Add(we, l.w))
	if bw == nil {
		return wireItems{}, false
	}
	return wireItems{
		ok:            true,
		bw:            bw,
		hasItem:       (*bool)(unsafe.Add(p, l.hasItem)),
		utf8:          *(*bool)(unsafe.Add(we, l.quotedUTF8)),
		body:          *(*bool)(unsafe.Add(p, l.bsNonExtended)),
		bodyStructure: *(*bool)(unsafe.Add(p, l.bsExtended)),
	}, true
}

// item writes one item: its name and its data in wire form. A write error
// stays in the buffered writer and is returned when go-imap ends the
// response.
func (w wireItems) item(name string, data []byte) {
	if *w.hasItem {
		w.bw.WriteByte(' ')
	}
	*w.hasItem = true
	w.bw.WriteString(name)
	w.bw.WriteByte(' ')
	w.bw.Write(data)
	if w.written != nil {
		*w.written += len(data)
	}
}

// next ends the response being written and starts that of message seq in
// its place, as go-imap's Close and CreateMessage would write them.
func (w wireItems) next(seq uint32) {
	b := w.bw.AvailableBuffer()
	b = append(b, ")\r\n* "...)
	b = strconv.AppendUint(b, uint64(seq), 10)
	b = append(b, " FETCH ("...)
	w.bw.Write(b)
	*w.hasItem = false
}

// fetchResponses writes the FETCH responses of one command. go-imap costs
// about a microsecond per response for what surrounds its items (a lock,
// an encoder, two write deadlines, a flush to the connection); on the wire
// path, consecutive responses without literal data from go-imap share one
// of its response writers instead (wireItems.next), up to batchResponses
// responses or batchBytes of item data, so that the write deadline go-imap
// sets for a response still covers what is written under it. The bytes on
// the wire are the same.
type fetchResponses struct {
	w     *imapserver.FetchWriter
	rw    *imapserver.FetchResponseWriter // open, or nil
	wi    wireItems                       // rw's, when its layout is known
	n     int                             // responses written to rw
	bytes int                             // item data written to rw through wi
	err   error                           // of an end in begin, returned by the next end
}

const (
	batchResponses = 64
	batchBytes     = 16 << 10
)

// begin starts the response of message seq and returns the writers to
// write its items with. batch: the response takes no literal data from
// go-imap, so that it may share the open response writer.
func (r *fetchResponses) begin(seq uint32, batch bool) (*imapserver.FetchResponseWriter, wireItems) {
	if r.rw != nil && batch && r.wi.ok && r.n < batchResponses && r.bytes < batchBytes {
		r.wi.next(seq)
		r.n++
		return r.rw, r.wi
	}
	if err := r.end(); err != nil && r.err == nil {
		r.err = err
	}
	r.rw = r.w.CreateMessage(seq)
	r.wi, _ = openWireItems(r.rw)
	r.wi.written = &r.bytes
	r.n, r.bytes = 1, 0
	return r.rw, r.wi
}

// end ends the open response writer, if any: its responses are sent.
func (r *fetchResponses) end() error {
	err := r.err
	r.err = nil
	if r.rw != nil {
		rw := r.rw
		r.rw, r.wi = nil, wireItems{}
		if cerr := rw.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// uid writes the UID item.
func (w wireItems) uid(uid uint32) {
	b := w.bw.AvailableBuffer()
	if *w.hasItem {
		b = append(b, ' ')
	}
	*w.hasItem = true
	b = append(b, "UID "...)
	b = strconv.AppendUint(b, uint64(uid), 10)
	w.bw.Write(b)
}

// systemFlags is the FLAGS data of each set of system flags (without
// \Recent), in the order toIMAPFlags lists them.
var systemFlags = func() (t [mailbox.FlagRecent][]byte) {
	for f := range t {
		b := []byte{'('}
		for i, fl := range toIMAPFlags(mailbox.IMAPFlags(f), nil) {
			if i > 0 {
				b = append(b, ' ')
			}
			b = append(b, fl...)
		}
		t[f] = append(b, ')')
	}
	return t
}()

// flags writes FLAGS when there are no keywords (they need go-imap's
// checks); false otherwise.
func (w wireItems) flags(f mailbox.IMAPFlags, keywords []string) bool {
	f &^= mailbox.FlagRecent
	if len(keywords) > 0 || int(f) >= len(systemFlags) {
		return false
	}
	w.item("FLAGS", systemFlags[f])
	return true
}
