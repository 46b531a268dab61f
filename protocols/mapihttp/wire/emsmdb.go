package wire

// Request and response bodies of the mailbox server endpoint
// (MS-OXCMAPIHTTP 2.2.4). All integers are little-endian u32.

import (
	"fmt"

	"github.com/gromox-go/gromox/mapi"
)

// Flags of the Execute request (the pulFlags of MS-OXCRPC 3.1.4.2).
const (
	ExecuteNoCompression uint32 = 0x00000001 // do not compress the ROP and auxiliary output
	ExecuteNoXorMagic    uint32 = 0x00000002 // do not obfuscate them
	ExecuteChain         uint32 = 0x00000004 // the client accepts chained (packed) responses
)

// ExtOptionsFor returns how to write the output of an Execute whose request
// carried flags: compressed unless NoCompression, obfuscated unless
// NoXorMagic (MS-OXCRPC 3.1.4.2).
func ExtOptionsFor(flags uint32) ExtOptions {
	return ExtOptions{Compress: flags&ExecuteNoCompression == 0, Xor: flags&ExecuteNoXorMagic == 0}
}

// ConnectRequest is the Connect request body (MS-OXCMAPIHTTP 2.2.4.1.1).
type ConnectRequest struct {
	UserDN          string // null-terminated ASCII
	Flags           uint32
	DefaultCodePage uint32
	LcidSort        uint32
	LcidString      uint32
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *ConnectRequest) Decode(b []byte) error {
	return decodeBody(b, MailboxCodec, "Connect request", func(r *mapi.Reader) error {
		var err error
		if x.UserDN, err = r.String8(); err != nil {
			return err
		}
		if err = readU32s(r, &x.Flags, &x.DefaultCodePage, &x.LcidSort, &x.LcidString); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *ConnectRequest) Encode() ([]byte, error) {
	return encodeBody(MailboxCodec, "Connect request", func(w *mapi.Writer) error {
		w.PutString8(x.UserDN)
		putU32s(w, x.Flags, x.DefaultCodePage, x.LcidSort, x.LcidString)
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// ConnectResponse is the Connect success response body (MS-OXCMAPIHTTP
// 2.2.4.1.2); its StatusCode is 0 and not kept.
type ConnectResponse struct {
	ErrorCode          uint32
	MaxPollingInterval uint32 // PollsMax, milliseconds
	RetryCount         uint32
	RetryDelay         uint32 // milliseconds
	DNPrefix           string // null-terminated ASCII
	DisplayName        string // null-terminated UTF-16LE
	AuxiliaryBuffer    []byte
}

// Decode reads the body.
func (x *ConnectResponse) Decode(b []byte) error {
	return decodeBody(b, MailboxCodec, "Connect response", func(r *mapi.Reader) error {
		var err error
		if x.ErrorCode, err = readSuccess(r); err != nil {
			return err
		}
		if err = readU32s(r, &x.MaxPollingInterval, &x.RetryCount, &x.RetryDelay); err != nil {
			return err
		}
		if x.DNPrefix, err = r.String8(); err != nil {
			return err
		}
		if x.DisplayName, err = r.Unicode(); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *ConnectResponse) Encode() ([]byte, error) {
	return encodeBody(MailboxCodec, "Connect response", func(w *mapi.Writer) error {
		putSuccess(w, x.ErrorCode)
		putU32s(w, x.MaxPollingInterval, x.RetryCount, x.RetryDelay)
		w.PutString8(x.DNPrefix)
		w.PutUnicode(x.DisplayName)
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// ExecuteRequest is the Execute request body (MS-OXCMAPIHTTP 2.2.4.2.1).
// RopBuffer is the rgbIn of MS-OXCRPC: a chain of extended buffers (see
// ParseExtended) whose payloads are ROP buffers (see ParseRopBuffer).
type ExecuteRequest struct {
	Flags           uint32 // ExecuteNoCompression, ExecuteNoXorMagic, ExecuteChain
	RopBuffer       []byte
	MaxRopOut       uint32
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *ExecuteRequest) Decode(b []byte) error {
	return decodeBody(b, MailboxCodec, "Execute request", func(r *mapi.Reader) error {
		var err error
		if x.Flags, err = r.Uint32(); err != nil {
			return err
		}
		if x.RopBuffer, err = r.LongBinary(); err != nil {
			return err
		}
		if x.MaxRopOut, err = r.Uint32(); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *ExecuteRequest) Encode() ([]byte, error) {
	return encodeBody(MailboxCodec, "Execute request", func(w *mapi.Writer) error {
		w.PutUint32(x.Flags)
		if err := w.PutLongBinary(x.RopBuffer); err != nil {
			return err
		}
		w.PutUint32(x.MaxRopOut)
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// ExecuteResponse is the Execute success response body (MS-OXCMAPIHTTP
// 2.2.4.2.2). Flags is reserved: the server sets 0 and the client
// ignores it.
type ExecuteResponse struct {
	ErrorCode       uint32
	Flags           uint32
	RopBuffer       []byte // rgbOut: extended buffers (see AppendExtended)
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *ExecuteResponse) Decode(b []byte) error {
	return decodeBody(b, MailboxCodec, "Execute response", func(r *mapi.Reader) error {
		var err error
		if x.ErrorCode, err = readSuccess(r); err != nil {
			return err
		}
		if x.Flags, err = r.Uint32(); err != nil {
			return err
		}
		if x.RopBuffer, err = r.LongBinary(); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *ExecuteResponse) Encode() ([]byte, error) {
	return encodeBody(MailboxCodec, "Execute response", func(w *mapi.Writer) error {
		putSuccess(w, x.ErrorCode)
		w.PutUint32(x.Flags)
		if err := w.PutLongBinary(x.RopBuffer); err != nil {
			return err
		}
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// DisconnectRequest is the Disconnect request body (MS-OXCMAPIHTTP
// 2.2.4.3.1).
type DisconnectRequest struct {
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *DisconnectRequest) Decode(b []byte) error {
	return decodeBody(b, MailboxCodec, "Disconnect request", func(r *mapi.Reader) error {
		var err error
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *DisconnectRequest) Encode() ([]byte, error) {
	return encodeBody(MailboxCodec, "Disconnect request", func(w *mapi.Writer) error {
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// DisconnectResponse is the Disconnect success response body
// (MS-OXCMAPIHTTP 2.2.4.3.2).
type DisconnectResponse struct {
	ErrorCode       uint32
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *DisconnectResponse) Decode(b []byte) error {
	return decodeBody(b, MailboxCodec, "Disconnect response", func(r *mapi.Reader) error {
		var err error
		if x.ErrorCode, err = readSuccess(r); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *DisconnectResponse) Encode() ([]byte, error) {
	return encodeBody(MailboxCodec, "Disconnect response", func(w *mapi.Writer) error {
		putSuccess(w, x.ErrorCode)
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// NotificationWaitRequest is the NotificationWait request body
// (MS-OXCMAPIHTTP 2.2.4.4.1); Flags is reserved (the client sends 0, the
// server ignores it).
type NotificationWaitRequest struct {
	Flags           uint32
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *NotificationWaitRequest) Decode(b []byte) error {
	return decodeBody(b, MailboxCodec, "NotificationWait request", func(r *mapi.Reader) error {
		var err error
		if x.Flags, err = r.Uint32(); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *NotificationWaitRequest) Encode() ([]byte, error) {
	return encodeBody(MailboxCodec, "NotificationWait request", func(w *mapi.Writer) error {
		w.PutUint32(x.Flags)
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// NotificationWaitResponse is the NotificationWait success response body
// (MS-OXCMAPIHTTP 2.2.4.4.2). EventPending is sent as 0x00000001 or 0;
// other values are malformed.
type NotificationWaitResponse struct {
	ErrorCode       uint32
	EventPending    bool
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *NotificationWaitResponse) Decode(b []byte) error {
	return decodeBody(b, MailboxCodec, "NotificationWait response", func(r *mapi.Reader) error {
		var err error
		if x.ErrorCode, err = readSuccess(r); err != nil {
			return err
		}
		v, err := r.Uint32()
		if err != nil {
			return err
		}
		if v > 1 {
			return fmt.Errorf("EventPending %#x", v)
		}
		x.EventPending = v == 1
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *NotificationWaitResponse) Encode() ([]byte, error) {
	return encodeBody(MailboxCodec, "NotificationWait response", func(w *mapi.Writer) error {
		putSuccess(w, x.ErrorCode)
		if x.EventPending {
			w.PutUint32(1)
		} else {
			w.PutUint32(0)
		}
		return putAux(w, x.AuxiliaryBuffer)
	})
}

func readU32s(r *mapi.Reader, dst ...*uint32) error {
	for _, p := range dst {
		v, err := r.Uint32()
		if err != nil {
			return err
		}
		*p = v
	}
	return nil
}

func putU32s(w *mapi.Writer, vs ...uint32) {
	for _, v := range vs {
		w.PutUint32(v)
	}
}
