package mapihttp

import (
	"io"

	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
)

// Stream ROPs (MS-OXCPRPT 3.2.5.13 ff.) on properties of messages and
// attachments; a stream's writes reach its instance on RopCommitStream
// or when it is released.

// ropOpenStream (MS-OXCPRPT 3.2.5.13).
func (a *session) ropOpenStream(req *rops.OpenStreamRequest, in *object) ropResult {
	var st *mailbox.Stream
	var err error
	switch in.kind {
	case kindMessage:
		if in.msg.readOnly && req.OpenModeFlags != mailbox.StreamReadOnly {
			return fail(mapi.EcAccessDenied)
		}
		st, err = in.msg.inst.OpenStream(req.PropertyTag, req.OpenModeFlags)
	case kindAttachment:
		st, err = in.att.OpenStream(req.PropertyTag, req.OpenModeFlags)
	default:
		return fail(mapi.EcNotSupported) // folder and store streams: not yet
	}
	if err != nil {
		return fail(ecOf(err))
	}
	resp := success[*rops.OpenStreamResponse](req)
	resp.StreamSize = uint32(min(st.Size(), 0xffffffff))
	return ropResult{resp: resp, obj: &object{kind: kindStream, logon: in.logon, parent: in, stream: &streamObj{st: st}}}
}

func streamOf(in *object) (*mailbox.Stream, bool) {
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
