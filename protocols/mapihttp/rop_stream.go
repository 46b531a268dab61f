package mapihttp

import (
	"io"
	"strings"
	"unicode/utf16"

	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
)

// Stream ROPs (MS-OXCPRPT 3.2.5.13 ff.) on properties of messages and
// attachments; a stream's writes reach its instance on RopCommitStream
// or when it is released.

// ropOpenStream (MS-OXCPRPT 3.2.5.13).
func (a *session) ropOpenStream(req *rops.OpenStreamRequest, in *object) ropResult {
	var st propStream
	var err error
	switch in.kind {
	case kindMessage:
		if in.msg.readOnly && req.OpenModeFlags != mailbox.StreamReadOnly {
			return fail(mapi.EcAccessDenied)
		}
		st, err = in.msg.inst.OpenStream(req.PropertyTag, req.OpenModeFlags)
	case kindAttachment:
		st, err = in.att.OpenStream(req.PropertyTag, req.OpenModeFlags)
	case kindFolder, kindLogon:
		st, err = a.openValueStream(in, req.PropertyTag, req.OpenModeFlags)
	default:
		return fail(mapi.EcNotSupported)
	}
	if err != nil {
		return fail(ecOf(err))
	}
	resp := success[*rops.OpenStreamResponse](req)
	resp.StreamSize = uint32(min(st.Size(), 0xffffffff))
	return ropResult{resp: resp, obj: &object{kind: kindStream, logon: in.logon, parent: in, stream: &streamObj{st: st}}}
}

func streamOf(in *object) (propStream, bool) {
	if in.kind != kindStream {
		return nil, false
	}
	return in.stream.st, true
}

// ropReadStream (MS-OXCPRPT 3.2.5.14): as many bytes as asked and as fit.
func (a *session) ropReadStream(req *rops.ReadStreamRequest, in *object) ropResult {
	st, isStream := streamOf(in)
	if !isStream {
		return fail(mapi.EcNotSupported)
	}
	n := int(req.ByteCount)
	if req.ByteCount == rops.ReadStreamMaximum {
		n = int(min(req.MaximumByteCount, 0x7fffffff))
	}
	n = max(0, min(n, a.room-16, 0xffff))
	buf := make([]byte, n)
	got, err := io.ReadFull(st, buf)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return fail(ecOf(err))
	}
	resp := success[*rops.ReadStreamResponse](req)
	resp.Data = buf[:got]
	return ok(resp)
}

// ropWriteStream (MS-OXCPRPT 3.2.5.15) and, with commit,
// RopWriteAndCommitStream (3.2.5.20).
func (a *session) ropWriteStream(req rops.Request, in *object, data []byte, commit bool) ropResult {
	st, isStream := streamOf(in)
	if !isStream {
		return fail(mapi.EcNotSupported)
	}
	n, err := st.Write(data)
	if err == nil && commit {
		err = st.Commit()
	}
	resp := rops.ErrorResponse(req, ecOf(err))
	switch p := resp.(type) {
	case *rops.WriteStreamResponse:
		p.WrittenSize = uint16(n)
	case *rops.WriteAndCommitStreamResponse:
		p.WrittenSize = uint16(n)
	}
	return ropResult{resp: resp}
}

// ropCommitStream (MS-OXCPRPT 3.2.5.16).
func (a *session) ropCommitStream(req *rops.CommitStreamRequest, in *object) ropResult {
	st, isStream := streamOf(in)
	if !isStream {
		return fail(mapi.EcNotSupported)
	}
	if err := st.Commit(); err != nil {
		return fail(ecOf(err))
	}
	return ok(success[*rops.CommitStreamResponse](req))
}

// ropGetStreamSize (MS-OXCPRPT 3.2.5.17).
func (a *session) ropGetStreamSize(req *rops.GetStreamSizeRequest, in *object) ropResult {
	st, isStream := streamOf(in)
	if !isStream {
		return fail(mapi.EcNotSupported)
	}
	resp := success[*rops.GetStreamSizeResponse](req)
	resp.StreamSize = uint32(min(st.Size(), 0xffffffff))
	return ok(resp)
}

// ropSetStreamSize (MS-OXCPRPT 3.2.5.18).
func (a *session) ropSetStreamSize(req *rops.SetStreamSizeRequest, in *object) ropResult {
	st, isStream := streamOf(in)
	if !isStream {
		return fail(mapi.EcNotSupported)
	}
	if req.StreamSize > mailbox.MaxStreamSize {
		return fail(mapi.EcStreamSizeError)
	}
	if err := st.SetSize(int64(req.StreamSize)); err != nil {
		return fail(ecOf(err))
	}
	return ok(success[*rops.SetStreamSizeResponse](req))
}

// ropSeekStream (MS-OXCPRPT 3.2.5.19): Origin is io.Seek's whence.
func (a *session) ropSeekStream(req *rops.SeekStreamRequest, in *object) ropResult {
	st, isStream := streamOf(in)
	if !isStream {
		return fail(mapi.EcNotSupported)
	}
	if req.Origin > io.SeekEnd {
		return fail(mapi.EcInvalidParam)
	}
	pos, err := st.Seek(req.Offset, int(req.Origin))
	if err != nil {
		return fail(mapi.EcStreamSeekError)
	}
	resp := success[*rops.SeekStreamResponse](req)
	resp.NewPosition = uint64(pos)
	return ok(resp)
}

// valueStream is a stream on a folder or store property: the value read
// when it opens, written back to the store on commit (store properties
// are read-only here).
type valueStream struct {
	tag      mapi.PropTag
	data     []byte
	pos      int64
	writable bool
	dirty    bool
	commit   func(tag mapi.PropTag, v any) error
}

// openValueStream opens a binary or string property of a folder or the
// store as a stream (MS-OXCPRPT 3.2.5.13).
func (a *session) openValueStream(in *object, tag mapi.PropTag, mode uint8) (propStream, error) {
	switch tag.Type() {
	case mapi.PtBinary, mapi.PtString8, mapi.PtUnicode:
	default:
		return nil, mapi.EcNotSupported
	}
	vs := &valueStream{tag: tag, writable: mode != mailbox.StreamReadOnly && in.kind == kindFolder}
	if mode&mailbox.StreamCreate == 0 || !vs.writable {
		p, ec := a.objectProps(in, []mapi.PropTag{tag})
		if ec != mapi.EcSuccess {
			return nil, ec
		}
		v, found := p.Get(tag)
		if !found {
			if tw := stringType(tag, tag.Type() == mapi.PtString8); tw != tag {
				v, found = p.Get(tw)
			}
		}
		if !found {
			return nil, mapi.EcNotFound
		}
		vs.data = streamBytes(tag, v)
	}
	if vs.writable {
		fid, l := in.fid, in.logon
		vs.commit = func(tag mapi.PropTag, v any) error {
			problems, err := storeDo[[]mailbox.PropProblem](a, l, mailbox.SetFolderProps{FolderID: fid, Props: mailbox.Props{{Tag: tag, Value: v}}})
			if err == nil && len(problems) > 0 {
				err = problems[0].Err
			}
			return err
		}
	}
	return vs, nil
}

// streamBytes is a value as a stream's bytes: binaries as they are,
// strings as UTF-16LE (PT_UNICODE) or 8-bit with a terminator.
func streamBytes(tag mapi.PropTag, v any) []byte {
	switch x := v.(type) {
	case []byte:
		return append([]byte(nil), x...)
	case string:
		if tag.Type() == mapi.PtUnicode {
			var b []byte
			for _, r := range utf16.Encode([]rune(x)) {
				b = append(b, byte(r), byte(r>>8))
			}
			return append(b, 0, 0)
		}
		return append([]byte(x), 0)
	}
	return nil
}

// streamValue is the value of a stream's bytes (see streamBytes).
func streamValue(tag mapi.PropTag, b []byte) any {
	switch tag.Type() {
	case mapi.PtUnicode:
		u := make([]uint16, 0, len(b)/2)
		for i := 0; i+1 < len(b); i += 2 {
			u = append(u, uint16(b[i])|uint16(b[i+1])<<8)
		}
		for len(u) > 0 && u[len(u)-1] == 0 {
			u = u[:len(u)-1]
		}
		return string(utf16.Decode(u))
	case mapi.PtString8:
		return strings.TrimRight(string(b), "\x00")
	}
	return append([]byte(nil), b...)
}

func (s *valueStream) Tag() mapi.PropTag { return s.tag }
func (s *valueStream) Size() int64       { return int64(len(s.data)) }

func (s *valueStream) Read(p []byte) (int, error) {
	if s.pos >= int64(len(s.data)) {
		return 0, io.EOF
	}
	n := copy(p, s.data[s.pos:])
	s.pos += int64(n)
	return n, nil
}

func (s *valueStream) Write(p []byte) (int, error) {
	if !s.writable {
		return 0, mapi.EcAccessDenied
	}
	end := s.pos + int64(len(p))
	if end > mailbox.MaxStreamSize {
		return 0, mapi.EcStreamSizeError
	}
	if end > int64(len(s.data)) {
		s.data = append(s.data, make([]byte, end-int64(len(s.data)))...)
	}
	copy(s.data[s.pos:], p)
	s.pos = end
	s.dirty = true
	return len(p), nil
}

func (s *valueStream) Seek(offset int64, whence int) (int64, error) {
	base := int64(0)
	switch whence {
	case io.SeekCurrent:
		base = s.pos
	case io.SeekEnd:
		base = int64(len(s.data))
	}
	if base+offset < 0 || base+offset > mailbox.MaxStreamSize {
		return s.pos, mapi.EcStreamSeekError
	}
	s.pos = base + offset
	return s.pos, nil
}

func (s *valueStream) SetSize(n int64) error {
	if !s.writable {
		return mapi.EcAccessDenied
	}
	if n > mailbox.MaxStreamSize {
		return mapi.EcStreamSizeError
	}
	if n < int64(len(s.data)) {
		s.data = s.data[:n]
	} else {
		s.data = append(s.data, make([]byte, n-int64(len(s.data)))...)
	}
	s.dirty = true
	return nil
}

func (s *valueStream) Commit() error {
	if !s.writable {
		return mapi.EcAccessDenied
	}
	if !s.dirty {
		return nil
	}
	if err := s.commit(s.tag, streamValue(s.tag, s.data)); err != nil {
		return err
	}
	s.dirty = false
	return nil
}

func (s *valueStream) Close() error {
	if s.dirty {
		return s.Commit()
	}
	return nil
}
