package rops

// Transport ROPs (MS-OXCROPS 2.2.7; MS-OXOMSG 2.2.3).

import (
	"github.com/gromox-go/gromox/mapi"
)

// SubmitMessageRequest is RopSubmitMessage (MS-OXCROPS 2.2.7.1.1).
type SubmitMessageRequest struct {
	Header
	SubmitFlags uint8
}

func (q *SubmitMessageRequest) code(c *codec) {
	q.Header.code(c)
	c.u8(&q.SubmitFlags)
}

// SubmitMessageResponse is its response (2.2.7.1.2).
type SubmitMessageResponse struct{ ResponseHeader }

func (p *SubmitMessageResponse) code(c *codec) {}

// AbortSubmitRequest is RopAbortSubmit (MS-OXCROPS 2.2.7.2.1).
type AbortSubmitRequest struct {
	Header
	FolderID  mapi.EID
	MessageID mapi.EID
}

func (q *AbortSubmitRequest) code(c *codec) {
	q.Header.code(c)
	c.id(&q.FolderID)
	c.id(&q.MessageID)
}

// AbortSubmitResponse is its response (2.2.7.2.2).
type AbortSubmitResponse struct{ ResponseHeader }

func (p *AbortSubmitResponse) code(c *codec) {}

// GetAddressTypesRequest is RopGetAddressTypes (MS-OXCROPS 2.2.7.3.1).
type GetAddressTypesRequest struct{ Header }

// GetAddressTypesResponse is its success response (2.2.7.3.2):
// AddressTypeCount (u16), AddressTypeSize (u16, the bytes of the
// strings) and null-terminated ASCII AddressTypes.
type GetAddressTypesResponse struct {
	ResponseHeader
	AddressTypes []string
}

func (p *GetAddressTypesResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	n := int(c.count16(len(p.AddressTypes)))
	size := 0
	for _, s := range p.AddressTypes {
		size += len(cutNUL([]byte(s))) + 1
	}
	sz := c.count16(size)
	if c.reading() {
		c.within(int(sz), func(c *codec) { c.strings8(&p.AddressTypes, n) })
		return
	}
	c.strings8(&p.AddressTypes, n)
}

// SetSpoolerRequest is RopSetSpooler (MS-OXCROPS 2.2.7.4.1).
type SetSpoolerRequest struct{ Header }

// SetSpoolerResponse is its response (2.2.7.4.2).
type SetSpoolerResponse struct{ ResponseHeader }

func (p *SetSpoolerResponse) code(c *codec) {}

// SpoolerLockMessageRequest is RopSpoolerLockMessage (MS-OXCROPS
// 2.2.7.5.1).
type SpoolerLockMessageRequest struct {
	Header
	MessageID mapi.EID
	LockState uint8
}

func (q *SpoolerLockMessageRequest) code(c *codec) {
	q.Header.code(c)
	c.id(&q.MessageID)
	c.u8(&q.LockState)
}

// SpoolerLockMessageResponse is its response (2.2.7.5.2).
type SpoolerLockMessageResponse struct{ ResponseHeader }

func (p *SpoolerLockMessageResponse) code(c *codec) {}

// TransportSendRequest is RopTransportSend (MS-OXCROPS 2.2.7.6.1).
type TransportSendRequest struct{ Header }

// TransportSendResponse is its success response (2.2.7.6.2):
// NoPropertiesReturned, PropertyValueCount (u16) and PropertyValues. The
// count is written even when NoPropertiesReturned is true (as 0), as
// Microsoft's protocol test suites and MAPI inspector read it.
type TransportSendResponse struct {
	ResponseHeader
	NoPropertiesReturned bool
	PropertyValues       []mapi.PropVal
}

func (p *TransportSendResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	c.boolean(&p.NoPropertiesReturned)
	c.propVals16(&p.PropertyValues)
}

// TransportNewMailRequest is RopTransportNewMail (MS-OXCROPS 2.2.7.7.1).
type TransportNewMailRequest struct {
	Header
	MessageID    mapi.EID
	FolderID     mapi.EID
	MessageClass string
	MessageFlags uint32
}

func (q *TransportNewMailRequest) code(c *codec) {
	q.Header.code(c)
	c.id(&q.MessageID)
	c.id(&q.FolderID)
	c.str8(&q.MessageClass)
	c.u32(&q.MessageFlags)
}

// TransportNewMailResponse is its response (2.2.7.7.2).
type TransportNewMailResponse struct{ ResponseHeader }

func (p *TransportNewMailResponse) code(c *codec) {}

// GetTransportFolderRequest is RopGetTransportFolder (MS-OXCROPS
// 2.2.7.8.1).
type GetTransportFolderRequest struct{ Header }

// GetTransportFolderResponse is its success response (2.2.7.8.2).
type GetTransportFolderResponse struct {
	ResponseHeader
	FolderID mapi.EID
}

func (p *GetTransportFolderResponse) code(c *codec) {
	if !p.Failed() {
		c.id(&p.FolderID)
	}
}

// OptionsDataRequest is RopOptionsData (MS-OXCROPS 2.2.7.9.1).
type OptionsDataRequest struct {
	Header
	AddressType string
	WantWin32   bool
}

func (q *OptionsDataRequest) code(c *codec) {
	q.Header.code(c)
	c.str8(&q.AddressType)
	c.boolean(&q.WantWin32)
}

// OptionsDataResponse is its success response (2.2.7.9.2): Reserved,
// OptionsInfoSize (u16) and OptionsInfo, HelpFileSize (u16) and HelpFile,
// and HelpFileName (null-terminated ASCII) only if HelpFile is not empty.
type OptionsDataResponse struct {
	ResponseHeader
	Reserved     uint8
	OptionsInfo  []byte
	HelpFile     []byte
	HelpFileName string
}

func (p *OptionsDataResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	c.u8(&p.Reserved)
	c.bytes16(&p.OptionsInfo)
	c.bytes16(&p.HelpFile)
	if len(p.HelpFile) != 0 {
		c.str8(&p.HelpFileName)
	}
}
