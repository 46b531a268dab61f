package mhclient

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
	"github.com/gromox-go/gromox/protocols/mapihttp/wire"
)

// Request is a ROP request the client sends: one of the request structs
// of package rops.
type Request interface {
	rops.Request
	Put(w *mapi.Writer) error
}

// NoHandle is an empty slot of a handle table (MS-OXCROPS 2.2.1: 0xFFFFFFFF).
const NoHandle = 0xFFFFFFFF

// maxRopOut is the largest ROP output buffer the client accepts
// (MS-OXCMAPIHTTP 2.2.4.2.1 MaxRopOut).
const maxRopOut = 0x40000

// Result is what one Execute returned.
type Result struct {
	// Responses has one entry per request, in order; nil for RopRelease,
	// which has no response.
	Responses []rops.Response
	// Handles is the handle table after the ROPs ran.
	Handles []uint32
	// Notifications are the RopNotify responses the server appended.
	Notifications []*rops.NotifyResponse
}

// ROPError is a ROP that failed: its ReturnValue was not 0.
type ROPError struct {
	Index int    // of the request in its Execute
	Rop   string // its name
	Code  mapi.ErrorCode
}

func (e *ROPError) Error() string {
	return fmt.Sprintf("mhclient: ROP %d (%s): %s", e.Index, e.Rop, e.Code.Name())
}

// Err is the first failed ROP of r, or nil.
func (r *Result) Err() error {
	for i, p := range r.Responses {
		if p == nil {
			continue
		}
		if ec := ReturnValue(p); ec != 0 {
			return &ROPError{Index: i, Rop: rops.RopName(p.RopID()), Code: ec}
		}
	}
	return nil
}

// Handle is the handle in slot i of the output handle table.
func (r *Result) Handle(i int) uint32 {
	if i < len(r.Handles) {
		return r.Handles[i]
	}
	return NoHandle
}

// ReturnValue is the ReturnValue of a response (0 for RopNotify and
// RopPending, which have none).
func ReturnValue(p rops.Response) mapi.ErrorCode {
	if p.RopID() == rops.RopIDNotify || p.RopID() == rops.RopIDPending {
		return 0
	}
	w := mapi.NewWriter(mapi.CodecROP)
	if err := p.Put(w); err != nil {
		return mapi.EcRpcFormat
	}
	b := w.Bytes()
	if len(b) < 6 {
		return 0
	}
	// RopId, InputHandleIndex, ReturnValue (MS-OXCROPS 2.2.1).
	return mapi.ErrorCode(binary.LittleEndian.Uint32(b[2:]))
}

// Execute sends reqs in one ROP input buffer with the handle table
// handles (MS-OXCMAPIHTTP 2.2.4.2; compressed and obfuscated as Outlook
// sends it, MS-OXCRPC RPC_HEADER_EXT) and parses the responses. A ROP that fails
// is not an error here: see Result.Err.
func (c *Client) Execute(ctx context.Context, handles []uint32, reqs ...Request) (*Result, error) {
	w := mapi.NewWriter(mapi.CodecROP)
	for _, q := range reqs {
		if err := q.Put(w); err != nil {
			return nil, fmt.Errorf("mhclient: %s request: %w", rops.RopName(q.RopID()), err)
		}
	}
	rb, err := wire.RopBuffer{Rops: w.Bytes(), Handles: handles}.Append(nil)
	if err != nil {
		return nil, fmt.Errorf("mhclient: ROP buffer: %w", err)
	}
	in, err := wire.AppendExtended(nil, [][]byte{rb}, wire.ExtOptions{Compress: true, Xor: true})
	if err != nil {
		return nil, fmt.Errorf("mhclient: ROP buffer: %w", err)
	}
	body, err := (&wire.ExecuteRequest{RopBuffer: in, MaxRopOut: maxRopOut}).Encode()
	if err != nil {
		return nil, err
	}
	out, err := c.post(ctx, "Execute", body)
	if err != nil {
		return nil, err
	}
	var er wire.ExecuteResponse
	if err := er.Decode(out); err != nil {
		return nil, fmt.Errorf("mhclient: Execute response: %w", err)
	}
	if er.ErrorCode != 0 {
		return nil, fmt.Errorf("mhclient: Execute: %s", mapi.ErrorCode(er.ErrorCode).Name())
	}
	payloads, err := wire.ParseExtended(er.RopBuffer, 0)
	if err != nil {
		return nil, fmt.Errorf("mhclient: Execute output: %w", err)
	}
	if len(payloads) == 0 {
		return nil, fmt.Errorf("mhclient: Execute output: no ROP buffer")
	}
	ob, err := wire.ParseRopBuffer(payloads[0])
	if err != nil {
		return nil, fmt.Errorf("mhclient: Execute output: %w", err)
	}
	return c.parseResponses(ob, reqs)
}

// parseResponses reads the RopsList of an output buffer against the
// requests that produced it.
func (c *Client) parseResponses(ob wire.RopBuffer, reqs []Request) (*Result, error) {
	if c.cols == nil {
		c.cols = map[uint32][]mapi.PropTag{}
		c.rcptCols = map[uint32][]mapi.PropTag{}
	}
	res := &Result{Responses: make([]rops.Response, len(reqs)), Handles: ob.Handles}
	slot := func(i uint8) uint32 {
		if int(i) < len(ob.Handles) {
			return ob.Handles[i]
		}
		return NoHandle
	}
	notifyCols := func(h uint32) []mapi.PropTag { return c.cols[h] }
	r := mapi.NewReader(ob.Rops, mapi.CodecROP)
	i := 0
	for r.Len() > 0 {
		for i < len(reqs) && reqs[i].RopID() == rops.RopIDRelease {
			i++
		}
		ctx := rops.ResponseContext{NotifyColumns: notifyCols}
		if i < len(reqs) {
			switch q := reqs[i].(type) {
			case *rops.SetColumnsRequest:
				// The server applies them before the next ROP reads rows.
				c.cols[slot(q.InputHandleIndex)] = q.PropertyTags
			case *rops.QueryRowsRequest:
				ctx.Columns = c.cols[slot(q.InputHandleIndex)]
			case *rops.FindRowRequest:
				ctx.Columns = c.cols[slot(q.InputHandleIndex)]
			case *rops.GetPropertiesSpecificRequest:
				ctx.Columns = q.PropertyTags
			case *rops.ReadRecipientsRequest:
				ctx.Columns = c.rcptCols[slot(q.InputHandleIndex)]
			}
		}
		p, err := rops.ParseResponse(r, ctx)
		if err != nil {
			return nil, fmt.Errorf("mhclient: response %d: %w", i, err)
		}
		switch p := p.(type) {
		case *rops.NotifyResponse:
			res.Notifications = append(res.Notifications, p)
			c.notes = append(c.notes, p)
			continue
		case *rops.PendingResponse:
			continue
		case *rops.BufferTooSmallResponse:
			return nil, fmt.Errorf("mhclient: Execute: the server's output buffer was too small (%d bytes needed)", p.SizeNeeded)
		case *rops.OpenMessageResponse:
			if q, ok := reqs[i].(*rops.OpenMessageRequest); ok {
				c.rcptCols[slot(q.OutputHandleIndex)] = p.RecipientColumns
			}
		}
		if i >= len(reqs) {
			return nil, fmt.Errorf("mhclient: response %s with no request", rops.RopName(p.RopID()))
		}
		if p.RopID() != reqs[i].RopID() && !(reqs[i].RopID() == rops.RopIDGetMessageStatus) {
			return nil, fmt.Errorf("mhclient: response %d is %s, request was %s", i, rops.RopName(p.RopID()), rops.RopName(reqs[i].RopID()))
		}
		res.Responses[i] = p
		i++
	}
	return res, nil
}

// Notifications returns the RopNotify responses received so far and
// empties the queue.
func (c *Client) Notifications() []*rops.NotifyResponse {
	n := c.notes
	c.notes = nil
	return n
}
