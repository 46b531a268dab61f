package mapihttp

import (
	"errors"

	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
	"github.com/gromox-go/gromox/protocols/mapihttp/wire"
	"go.uber.org/zap"
)

// runBuffer runs the ROPs of one ROP input buffer in order (MS-OXCROPS
// 3.2.5.1) and returns the ROP output buffer, at most room bytes: the ROP
// responses, then (in the last buffer of the Execute) queued
// notifications, then the handle table as the ROPs left it. A ROP reads
// its input object from the handle table slot its request names and
// stores a new object's handle in its output slot, so that the next ROPs
// of the buffer can use it (ROP chaining through the handle table,
// MS-OXCROPS 3.1.4.2). When a response does not fit, the buffer ends with
// RopBufferTooSmall and the ROPs not yet answered (MS-OXCROPS 2.2.15.1).
func (a *session) runBuffer(rb wire.RopBuffer, room int, last bool) ([]byte, error) {
	out, _, err := a.runBufferInfo(rb, room, last)
	return out, err
}

// bufferResult says how the last ROP of a buffer went, for packing
// (MS-OXCRPC 3.1.4.2.1.2): its request bytes and handle table, and whether
// it answered with data that may continue.
type bufferResult struct {
	lastReq  []byte
	handles  []uint32
	more     bool // a RopQueryRows (EnablePackedBuffers) or RopReadStream that returned data
	complete bool // every ROP was answered (no RopBufferTooSmall)
}

// errUnparsable says a ROP buffer could not be parsed: the whole Execute
// fails with ecRpcFormat (MS-OXCROPS 3.2.5.1).
var errUnparsable = errors.New("mapihttp: ROP buffer cannot be parsed")

// parsedRop is one request of a ROP buffer and where its bytes are.
type parsedRop struct {
	req     rops.Request
	at, end int
}

// parseBuffer parses every request of a ROP buffer before any runs, so
// that a buffer that cannot be parsed changes nothing (MS-OXCROPS
// 3.2.5.1). Whether a logon is private comes from a RopLogon earlier in
// the buffer, else from the session's logons.
func (a *session) parseBuffer(list []byte) ([]parsedRop, error) {
	seen := map[uint8]bool{}
	ctx := rops.RequestContext{Private: func(id uint8) bool {
		if p, ok := seen[id]; ok {
			return p
		}
		return a.isPrivate(id)
	}}
	var out []parsedRop
	r := mapi.NewReader(list, mapi.CodecROP)
	for r.Len() > 0 {
		at := r.Offset()
		req, err := rops.ParseRequest(r, ctx)
		if err != nil {
			a.s.log.Debug("emsmdb: unparsable ROP", zap.String("user", a.user.Username), zap.Error(err))
			return nil, errUnparsable
		}
		if l, ok := req.(*rops.LogonRequest); ok {
			seen[l.LogonID] = l.LogonFlags&rops.LogonFlagPrivate != 0
		}
		out = append(out, parsedRop{req: req, at: at, end: r.Offset()})
	}
	return out, nil
}

// runBufferInfo is runBuffer that also reports on the last ROP; it
// returns errUnparsable (and runs nothing) for a buffer that cannot be
// parsed.
func (a *session) runBufferInfo(rb wire.RopBuffer, room int, last bool) ([]byte, bufferResult, error) {
	parsed, err := a.parseBuffer(rb.Rops)
	if err != nil {
		return nil, bufferResult{}, err
	}
	out, res := a.runParsed(rb, parsed, room, last)
	return out, res, nil
}

// runParsed runs the parsed ROPs of a buffer (see runBuffer).
func (a *session) runParsed(rb wire.RopBuffer, parsed []parsedRop, room int, last bool) ([]byte, bufferResult) {
	var res bufferResult
	handles := append([]uint32(nil), rb.Handles...)
	fixed := 2 + 4*len(handles)
	var out []byte
	res.complete = true
	for _, pr := range parsed {
		req := pr.req
		a.room = room - fixed - len(out)
		resp := a.runRop(req, handles)
		res.lastReq, res.more = rb.Rops[pr.at:pr.end], false
		if resp == nil { // RopRelease
			continue
		}
		w := mapi.NewWriter(mapi.CodecROP)
		if err := resp.Put(w); err != nil {
			a.s.log.Warn("emsmdb: ROP response", zap.String("rop", rops.RopName(req.RopID())), zap.Error(err))
			w = mapi.NewWriter(mapi.CodecROP)
			if e := rops.ErrorResponse(req, mapi.EcError); e == nil || e.Put(w) != nil {
				continue
			}
		}
		if fixed+len(out)+w.Len() > room {
			need := min(fixed+len(out)+w.Len(), 0xffff)
			out = wire.AppendBufferTooSmall(out, uint16(need), rb.Rops[pr.at:])
			last, res.complete = false, false
			break
		}
		out = append(out, w.Bytes()...)
		switch p := resp.(type) {
		case *rops.QueryRowsResponse:
			q := req.(*rops.QueryRowsRequest)
			res.more = p.ReturnValue == 0 && len(p.RowData) > 0 && q.QueryRowsFlags&rops.QueryRowsEnableMax != 0 &&
				q.QueryRowsFlags&rops.QueryRowsNoAdvance == 0 && p.Origin == rops.BookmarkCurrent
		case *rops.ReadStreamResponse:
			res.more = p.ReturnValue == 0 && len(p.Data) > 0
		}
	}
	if last {
		out = a.appendNotifications(out, room-fixed)
	}
	res.handles = handles
	b, err := wire.RopBuffer{Rops: out, Handles: handles}.Append(nil)
	if err != nil {
		b, _ = wire.RopBuffer{Handles: handles}.Append(nil)
	}
	return b, res
}

// isPrivate reports whether a logon id is a private-mailbox logon.
func (a *session) isPrivate(id uint8) bool {
	if l := a.logons[id]; l != nil {
		return l.private
	}
	return true
}

// ropResult is what a handler returns: the response (nil with ec set for
// a failure), a new object for the output slot, and the error code.
type ropResult struct {
	resp rops.Response
	obj  *object
	ec   mapi.ErrorCode
}

func fail(ec mapi.ErrorCode) ropResult { return ropResult{ec: ec} }

func ok(resp rops.Response) ropResult { return ropResult{resp: resp} }

// runRop runs one ROP against the handle table and returns its response
// (nil for RopRelease).
func (a *session) runRop(req rops.Request, handles []uint32) rops.Response {
	if hook := a.s.ropHook.Load(); hook != nil {
		(*hook)(req.RopID())
	}
	inf := rops.InfoOf(req)
	var in *object
	if inf.HasInput {
		if int(inf.InputHandleIndex) >= len(handles) {
			return rops.ErrorResponse(req, ecNullObject)
		}
		in = a.object(handles[inf.InputHandleIndex])
		if in == nil && req.RopID() != rops.RopIDRelease {
			return rops.ErrorResponse(req, ecNullObject)
		}
	}
	if inf.HasOutput && int(inf.OutputHandleIndex) >= len(handles) {
		return rops.ErrorResponse(req, ecNullObject)
	}
	var dest *object
	if inf.HasDest {
		if int(inf.DestHandleIndex) >= len(handles) {
			return rops.ErrorResponse(req, mapi.EcDstNullObject)
		}
		if dest = a.object(handles[inf.DestHandleIndex]); dest == nil {
			return rops.ErrorResponse(req, mapi.EcDstNullObject)
		}
	}
	res := a.dispatch(req, in, dest, handles)
	if inf.NoResponse {
		return nil
	}
	if res.ec != mapi.EcSuccess || res.resp == nil {
		ec := res.ec
		if ec == mapi.EcSuccess {
			ec = ecNotSupported
		}
		if res.obj != nil {
			a.release(res.obj)
		}
		if ce := a.s.log.Check(zap.DebugLevel, "emsmdb ROP failed"); ce != nil {
			ce.Write(zap.String("user", a.user.Username), zap.String("rop", rops.RopName(req.RopID())), zap.String("ec", ec.Name()))
		}
		return rops.ErrorResponse(req, ec)
	}
	if res.obj != nil && inf.HasOutput {
		h, room := a.add(res.obj)
		if !room {
			return rops.ErrorResponse(req, mapi.EcInsufficientResrc)
		}
		handles[inf.OutputHandleIndex] = h
	}
	return res.resp
}

// success returns the success response to req with its header filled in,
// typed as the handler wants it.
func success[T rops.Response](req rops.Request) T {
	p, _ := rops.ErrorResponse(req, mapi.EcSuccess).(T)
	return p
}

// ecOf maps a store error to the MAPI code the client gets.
func ecOf(err error) mapi.ErrorCode {
	if err == nil {
		return mapi.EcSuccess
	}
	var ec mapi.ErrorCode
	if errors.As(err, &ec) && ec != mapi.EcSuccess {
		return ec
	}
	switch {
	case errors.Is(err, mailbox.ErrNotFound):
		return mapi.EcNotFound
	case errors.Is(err, mailbox.ErrAccessDenied):
		return mapi.EcAccessDenied
	case errors.Is(err, mailbox.ErrDuplicateName):
		return mapi.EcDuplicateName
	case errors.Is(err, mailbox.ErrFolderInUse):
		return mapi.EcFolderHasChildren
	case errors.Is(err, mailbox.ErrInvalidParam):
		return mapi.EcInvalidParam
	case errors.Is(err, mailbox.ErrUnavailable):
		return mapi.EcLoginFailure
	}
	return mapi.EcError
}
