package wire

// Helpers shared by the request and response bodies of MS-OXCMAPIHTTP 2.2.4
// and 2.2.5: every body ends with AuxiliaryBufferSize (u32) and the
// AuxiliaryBuffer, every response starts with StatusCode (u32), and a
// non-zero StatusCode leaves only the auxiliary buffer (the failure
// response bodies, 2.2.4.1.3 and the like).

import (
	"encoding/binary"
	"fmt"

	"github.com/gromox-go/gromox/mapi"
)

// Codec flags of the bodies. The mailbox endpoint's strings are ASCII or
// UTF-16LE ("null-terminated Unicode string", MS-OXCMAPIHTTP 2.2.4.1.2).
// The address book endpoint writes property values in the
// AddressBookPropertyValue form (HasValue bytes, MS-OXCMAPIHTTP 2.2.1.1)
// with 32-bit byte counts for PtypBinary (MS-OXCDATA 2.11.1: "in the
// context of the MAPI extensions for HTTP, byte counts for PtypBinary
// property values are 32 bits wide").
const (
	MailboxCodec     = mapi.CodecUTF16
	AddressBookCodec = mapi.CodecUTF16 | mapi.CodecWideCounts | mapi.CodecAddressBook
)

// decodeBody runs read over b and requires it to consume all of b.
func decodeBody(b []byte, flags mapi.CodecFlags, what string, read func(r *mapi.Reader) error) error {
	r := mapi.NewReader(b, flags)
	err := read(r)
	if err == nil {
		err = r.End()
	}
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrMalformed, what, err)
	}
	return nil
}

// encodeBody runs write on a fresh Writer.
func encodeBody(flags mapi.CodecFlags, what string, write func(w *mapi.Writer) error) ([]byte, error) {
	w := mapi.NewWriter(flags)
	if err := write(w); err != nil {
		return nil, fmt.Errorf("wire: %s: %w", what, err)
	}
	return w.Bytes(), nil
}

// readAux reads AuxiliaryBufferSize and AuxiliaryBuffer.
func readAux(r *mapi.Reader) ([]byte, error) { return r.LongBinary() }

// putAux writes AuxiliaryBufferSize and AuxiliaryBuffer.
func putAux(w *mapi.Writer, aux []byte) error { return w.PutLongBinary(aux) }

// readSuccess reads the StatusCode of a success response body, which MUST
// be 0 (MS-OXCMAPIHTTP 2.2.4.1.2 and the like), and the ErrorCode.
func readSuccess(r *mapi.Reader) (uint32, error) {
	status, err := r.Uint32()
	if err != nil {
		return 0, err
	}
	if status != 0 {
		return 0, fmt.Errorf("StatusCode %#x in a success response body (see FailureResponse)", status)
	}
	return r.Uint32()
}

// putSuccess writes StatusCode 0 and the ErrorCode.
func putSuccess(w *mapi.Writer, errorCode uint32) {
	w.PutUint32(0)
	w.PutUint32(errorCode)
}

// ResponseStatus returns the StatusCode at the start of a response body:
// 0 for a success response body, anything else for a FailureResponse.
func ResponseStatus(body []byte) (uint32, error) {
	if len(body) < 4 {
		return 0, fmt.Errorf("%w: response body of %d bytes has no StatusCode", ErrMalformed, len(body))
	}
	return binary.LittleEndian.Uint32(body), nil
}

// FailureResponse is the failure response body of every request type of
// both endpoints (MS-OXCMAPIHTTP 2.2.4.1.3, 2.2.4.2.3, 2.2.4.3.3,
// 2.2.4.4.3 and 2.2.5.x.3): StatusCode, which MUST NOT be 0, and the
// auxiliary buffer.
type FailureResponse struct {
	StatusCode      uint32
	AuxiliaryBuffer []byte
}

// Decode reads a failure response body.
func (x *FailureResponse) Decode(b []byte) error {
	return decodeBody(b, MailboxCodec, "failure response", func(r *mapi.Reader) error {
		var err error
		if x.StatusCode, err = r.Uint32(); err != nil {
			return err
		}
		if x.StatusCode == 0 {
			return fmt.Errorf("StatusCode 0 in a failure response body")
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes a failure response body.
func (x *FailureResponse) Encode() ([]byte, error) {
	return encodeBody(MailboxCodec, "failure response", func(w *mapi.Writer) error {
		if x.StatusCode == 0 {
			return fmt.Errorf("StatusCode 0 in a failure response body")
		}
		w.PutUint32(x.StatusCode)
		return putAux(w, x.AuxiliaryBuffer)
	})
}
