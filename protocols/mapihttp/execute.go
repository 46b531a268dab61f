package mapihttp

import (
	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/protocols/mapihttp/wire"
	"go.uber.org/zap"
)

// Limits of one Execute.
const (
	// maxRopIn bounds the decompressed ROP input (MS-OXCRPC 3.1.4.2:
	// cbIn is at most 0x40000... per extended buffer chain).
	maxRopIn = 0x40000
	// maxRopOut caps the client's MaxRopOut (upstream: 256 KiB).
	maxRopOut = 0x40000
)

// execute runs an Execute request (MS-OXCMAPIHTTP 3.2.5.2, MS-OXCRPC
// 3.1.4.2 EcDoRpcExt2) and returns the response body: every extended
// buffer of the input is a ROP buffer whose ROPs run in order, and gives
// one ROP output buffer; store notifications queued for the session
// follow the last ROP responses as RopNotify (MS-OXCNOTIF 3.2.5.3).
func (a *session) execute(c *actors.Context, req wire.ExecuteRequest) []byte {
	resp := wire.ExecuteResponse{}
	limit := min(int(req.MaxRopOut), maxRopOut)
	var outs [][]byte
	used := 0
	if len(req.RopBuffer) > 0 {
		payloads, err := wire.ParseExtended(req.RopBuffer, maxRopIn)
		if err != nil {
			a.s.log.Debug("emsmdb execute: bad extended buffer", zap.String("user", a.user.Username), zap.Error(err))
			return encodeExecute(wire.ExecuteResponse{ErrorCode: uint32(ecRpcFormat)})
		}
		// MS-OXCROPS 3.2.5.1: every buffer is parsed before any ROP runs;
		// one that cannot be parsed fails the call and changes nothing.
		bufs := make([]wire.RopBuffer, len(payloads))
		parsed := make([][]parsedRop, len(payloads))
		for i, p := range payloads {
			if bufs[i], err = wire.ParseRopBuffer(p); err == nil {
				parsed[i], err = a.parseBuffer(bufs[i].Rops)
			}
			if err != nil {
				return encodeExecute(wire.ExecuteResponse{ErrorCode: uint32(ecRpcFormat)})
			}
		}
		for i, rb := range bufs {
			room := min(wire.MaxExtPayload, limit-used-wire.ExtHeaderSize)
			if room < 2+4*len(rb.Handles)+8 {
				// MS-OXCRPC 3.1.4.2.1.2.2: not even an empty response
				// fits: the client asked for too little.
				if i == 0 {
					return encodeExecute(wire.ExecuteResponse{ErrorCode: uint32(mapiBufferTooSmall)})
				}
				break
			}
			out, res := a.runParsed(rb, parsed[i], room, i == len(payloads)-1)
			used += len(out) + wire.ExtHeaderSize
			outs = append(outs, out)
			if i == len(payloads)-1 && req.Flags&wire.ExecuteChain != 0 && res.complete {
				outs, used = a.pack(outs, used, limit, res)
			}
		}
	} else if a.notificationsPending() {
		// An Execute without ROPs fetches the queued notifications.
		room := min(wire.MaxExtPayload, limit-wire.ExtHeaderSize)
		if room > 2 {
			out, _ := a.runBuffer(wire.RopBuffer{}, room, true)
			outs = append(outs, out)
		}
	}
	if len(outs) > 0 {
		opt := wire.ExtOptionsFor(req.Flags)
		if t := a.s.cfg.CompressThreshold; t < 0 || used < t {
			opt.Compress = false
		}
		ext, err := wire.AppendExtended(nil, outs, opt)
		if err != nil {
			a.s.log.Warn("emsmdb execute: output", zap.Error(err))
			return encodeExecute(wire.ExecuteResponse{ErrorCode: uint32(ecRpcFormat)})
		}
		resp.RopBuffer = ext
	}
	return encodeExecute(resp)
}

func encodeExecute(r wire.ExecuteResponse) []byte {
	b, err := r.Encode()
	if err != nil {
		b, _ = (&wire.ExecuteResponse{ErrorCode: uint32(ecRpcFormat)}).Encode()
	}
	return b
}

// Packing of responses (MS-OXCRPC 3.1.4.2.1.2): when the client allows
// chaining and the last ROP was a RopQueryRows with EnablePackedBuffers
// or a RopReadStream that returned data, the server runs it again into
// more extended buffers while room is left.
const (
	maxPacked     = 96     // extra buffers per Execute (upstream)
	minPackedRoom = 0x2000 // room left that is worth another buffer
)

func (a *session) pack(outs [][]byte, used, limit int, res bufferResult) ([][]byte, int) {
	for range maxPacked {
		if !res.more || len(res.lastReq) == 0 {
			break
		}
		room := min(wire.MaxExtPayload, limit-used-wire.ExtHeaderSize)
		if room < minPackedRoom {
			break
		}
		var out []byte
		var err error
		out, res, err = a.runBufferInfo(wire.RopBuffer{Rops: res.lastReq, Handles: res.handles}, room, false)
		if err != nil || !res.complete {
			break // the repeat did not fit: leave it out
		}
		used += len(out) + wire.ExtHeaderSize
		outs = append(outs, out)
	}
	return outs, used
}
