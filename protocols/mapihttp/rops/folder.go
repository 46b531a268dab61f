package rops

// Folder ROPs (MS-OXCROPS 2.2.4; MS-OXCFOLD 2.2.1).

import (
	"github.com/gromox-go/gromox/mapi"
)

// OpenFolderRequest is RopOpenFolder (MS-OXCROPS 2.2.4.1.1).
type OpenFolderRequest struct {
	OutHeader
	FolderID      mapi.EID
	OpenModeFlags uint8
}

func (q *OpenFolderRequest) code(c *codec) {
	q.OutHeader.code(c)
	c.id(&q.FolderID)
	c.u8(&q.OpenModeFlags)
}

// OpenFolderResponse is its response (2.2.4.1.2); the server list
// follows only if IsGhosted.
type OpenFolderResponse struct {
	ResponseHeader
	HasRules  bool
	IsGhosted bool
	Ghost
}

func (p *OpenFolderResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	c.boolean(&p.HasRules)
	c.boolean(&p.IsGhosted)
	if p.IsGhosted {
		p.Ghost.code(c)
	}
}

// CreateFolderRequest is RopCreateFolder (MS-OXCROPS 2.2.4.2.1).
// DisplayName and Comment are UTF-16 if UseUnicodeStrings, else 8-bit.
type CreateFolderRequest struct {
	OutHeader
	FolderType        uint8
	UseUnicodeStrings bool
	OpenExisting      bool
	Reserved          uint8
	DisplayName       string
	Comment           string
}

func (q *CreateFolderRequest) code(c *codec) {
	q.OutHeader.code(c)
	c.u8(&q.FolderType)
	c.boolean(&q.UseUnicodeStrings)
	c.boolean(&q.OpenExisting)
	c.u8(&q.Reserved)
	c.str(&q.DisplayName, q.UseUnicodeStrings)
	c.str(&q.Comment, q.UseUnicodeStrings)
}

// CreateFolderResponse is its response (2.2.4.2.2): HasRules and
// IsGhosted follow only if IsExistingFolder, the server list only if
// also IsGhosted.
type CreateFolderResponse struct {
	ResponseHeader
	FolderID         mapi.EID
	IsExistingFolder bool
	HasRules         bool
	IsGhosted        bool
	Ghost
}

func (p *CreateFolderResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	c.id(&p.FolderID)
	c.boolean(&p.IsExistingFolder)
	if !p.IsExistingFolder {
		return
	}
	c.boolean(&p.HasRules)
	c.boolean(&p.IsGhosted)
	if p.IsGhosted {
		p.Ghost.code(c)
	}
}

// DeleteFolderRequest is RopDeleteFolder (MS-OXCROPS 2.2.4.3.1).
type DeleteFolderRequest struct {
	Header
	DeleteFolderFlags uint8
	FolderID          mapi.EID
}

func (q *DeleteFolderRequest) code(c *codec) {
	q.Header.code(c)
	c.u8(&q.DeleteFolderFlags)
	c.id(&q.FolderID)
}

// PartialResponse is the response of the ROPs whose one response buffer
// ends in PartialCompletion, whatever ReturnValue: RopDeleteFolder
// (MS-OXCROPS 2.2.4.3.2), RopEmptyFolder (2.2.4.9.2),
// RopHardDeleteMessagesAndSubfolders (2.2.4.10.2), RopDeleteMessages
// (2.2.4.11.2), RopHardDeleteMessages (2.2.4.12.2) and RopSetReadFlags
// (2.2.6.10.2).
type PartialResponse struct {
	ResponseHeader
	PartialCompletion bool
}

func (p *PartialResponse) code(c *codec) { c.boolean(&p.PartialCompletion) }

// DeleteFolderResponse is RopDeleteFolder's response.
type DeleteFolderResponse struct{ PartialResponse }

// SetSearchCriteriaRequest is RopSetSearchCriteria (MS-OXCROPS
// 2.2.4.4.1). A nil Restriction is RestrictionDataSize 0.
type SetSearchCriteriaRequest struct {
	Header
	Restriction *mapi.Restriction
	FolderIDs   []mapi.EID
	SearchFlags uint32
}

func (q *SetSearchCriteriaRequest) code(c *codec) {
	q.Header.code(c)
	c.restriction(&q.Restriction)
	c.ids16(&q.FolderIDs)
	c.u32(&q.SearchFlags)
}

// SetSearchCriteriaResponse is its response (2.2.4.4.2).
type SetSearchCriteriaResponse struct{ ResponseHeader }

func (p *SetSearchCriteriaResponse) code(c *codec) {}

// GetSearchCriteriaRequest is RopGetSearchCriteria (MS-OXCROPS 2.2.4.5.1).
type GetSearchCriteriaRequest struct {
	Header
	UseUnicode         bool
	IncludeRestriction bool
	IncludeFolders     bool
}

func (q *GetSearchCriteriaRequest) code(c *codec) {
	q.Header.code(c)
	c.boolean(&q.UseUnicode)
	c.boolean(&q.IncludeRestriction)
	c.boolean(&q.IncludeFolders)
}

// GetSearchCriteriaResponse is its response (2.2.4.5.2). LogonID repeats
// the request's.
type GetSearchCriteriaResponse struct {
	ResponseHeader
	Restriction *mapi.Restriction
	LogonID     uint8
	FolderIDs   []mapi.EID
	SearchFlags uint32
}

func (p *GetSearchCriteriaResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	c.restriction(&p.Restriction)
	c.u8(&p.LogonID)
	c.ids16(&p.FolderIDs)
	c.u32(&p.SearchFlags)
}

// MoveCopyMessagesRequest is RopMoveCopyMessages (MS-OXCROPS 2.2.4.6.1).
type MoveCopyMessagesRequest struct {
	CopyHeader
	MessageIDs       []mapi.EID
	WantAsynchronous bool
	WantCopy         bool
}

func (q *MoveCopyMessagesRequest) code(c *codec) {
	q.CopyHeader.code(c)
	c.ids16(&q.MessageIDs)
	c.boolean(&q.WantAsynchronous)
	c.boolean(&q.WantCopy)
}

// MoveResponse is the response of RopMoveCopyMessages (MS-OXCROPS
// 2.2.4.6.2, 2.2.4.6.3), RopMoveFolder (2.2.4.7) and RopCopyFolder
// (2.2.4.8): PartialCompletion whatever ReturnValue, preceded by
// DestHandleIndex (u32) in the null destination failure response
// (ReturnValue ecDstNullObject, 0x503).
type MoveResponse struct {
	ResponseHeader
	DestHandleIndex   uint32
	PartialCompletion bool
}

func (p *MoveResponse) code(c *codec) {
	if p.ReturnValue == mapi.EcDstNullObject {
		c.u32(&p.DestHandleIndex)
	}
	c.boolean(&p.PartialCompletion)
}

// MoveCopyMessagesResponse is RopMoveCopyMessages's response.
type MoveCopyMessagesResponse struct{ MoveResponse }

// MoveFolderRequest is RopMoveFolder (MS-OXCROPS 2.2.4.7.1). NewFolderName
// is UTF-16 if UseUnicode, else 8-bit.
type MoveFolderRequest struct {
	CopyHeader
	WantAsynchronous bool
	UseUnicode       bool
	FolderID         mapi.EID
	NewFolderName    string
}

func (q *MoveFolderRequest) code(c *codec) {
	q.CopyHeader.code(c)
	c.boolean(&q.WantAsynchronous)
	c.boolean(&q.UseUnicode)
	c.id(&q.FolderID)
	c.str(&q.NewFolderName, q.UseUnicode)
}

// MoveFolderResponse is RopMoveFolder's response.
type MoveFolderResponse struct{ MoveResponse }

// CopyFolderRequest is RopCopyFolder (MS-OXCROPS 2.2.4.8.1).
type CopyFolderRequest struct {
	CopyHeader
	WantAsynchronous bool
	WantRecursive    bool
	UseUnicode       bool
	FolderID         mapi.EID
	NewFolderName    string
}

func (q *CopyFolderRequest) code(c *codec) {
	q.CopyHeader.code(c)
	c.boolean(&q.WantAsynchronous)
	c.boolean(&q.WantRecursive)
	c.boolean(&q.UseUnicode)
	c.id(&q.FolderID)
	c.str(&q.NewFolderName, q.UseUnicode)
}

// CopyFolderResponse is RopCopyFolder's response.
type CopyFolderResponse struct{ MoveResponse }

// EmptyFolderRequest is RopEmptyFolder (MS-OXCROPS 2.2.4.9.1).
type EmptyFolderRequest struct {
	Header
	WantAsynchronous     bool
	WantDeleteAssociated bool
}

func (q *EmptyFolderRequest) code(c *codec) {
	q.Header.code(c)
	c.boolean(&q.WantAsynchronous)
	c.boolean(&q.WantDeleteAssociated)
}

// EmptyFolderResponse is its response.
type EmptyFolderResponse struct{ PartialResponse }

// HardDeleteMessagesAndSubfoldersRequest is
// RopHardDeleteMessagesAndSubfolders (MS-OXCROPS 2.2.4.10.1).
type HardDeleteMessagesAndSubfoldersRequest struct {
	Header
	WantAsynchronous     bool
	WantDeleteAssociated bool
}

func (q *HardDeleteMessagesAndSubfoldersRequest) code(c *codec) {
	q.Header.code(c)
	c.boolean(&q.WantAsynchronous)
	c.boolean(&q.WantDeleteAssociated)
}

// HardDeleteMessagesAndSubfoldersResponse is its response.
type HardDeleteMessagesAndSubfoldersResponse struct{ PartialResponse }

// DeleteMessagesRequest is RopDeleteMessages (MS-OXCROPS 2.2.4.11.1).
type DeleteMessagesRequest struct {
	Header
	WantAsynchronous bool
	NotifyNonRead    bool
	MessageIDs       []mapi.EID
}

func (q *DeleteMessagesRequest) code(c *codec) {
	q.Header.code(c)
	c.boolean(&q.WantAsynchronous)
	c.boolean(&q.NotifyNonRead)
	c.ids16(&q.MessageIDs)
}

// DeleteMessagesResponse is its response.
type DeleteMessagesResponse struct{ PartialResponse }

// HardDeleteMessagesRequest is RopHardDeleteMessages (MS-OXCROPS
// 2.2.4.12.1).
type HardDeleteMessagesRequest struct {
	Header
	WantAsynchronous bool
	NotifyNonRead    bool
	MessageIDs       []mapi.EID
}

func (q *HardDeleteMessagesRequest) code(c *codec) {
	q.Header.code(c)
	c.boolean(&q.WantAsynchronous)
	c.boolean(&q.NotifyNonRead)
	c.ids16(&q.MessageIDs)
}

// HardDeleteMessagesResponse is its response.
type HardDeleteMessagesResponse struct{ PartialResponse }

// TableFlags of the table-opening ROPs (MS-OXCFOLD 2.2.1.13.1,
// 2.2.1.14.1; MS-OXCMSG, MS-OXCPERM, MS-OXORULE).
const (
	TableFlagAssociated    uint8 = 0x02
	TableFlagDepth         uint8 = 0x04
	TableFlagDeferredError uint8 = 0x08
	TableFlagNoNotify      uint8 = 0x10
	TableFlagSoftDeletes   uint8 = 0x20
	TableFlagUseUnicode    uint8 = 0x40
	TableFlagSuppressNotif uint8 = 0x80
)

// GetHierarchyTableRequest is RopGetHierarchyTable (MS-OXCROPS
// 2.2.4.13.1).
type GetHierarchyTableRequest struct {
	OutHeader
	TableFlags uint8
}

func (q *GetHierarchyTableRequest) code(c *codec) {
	q.OutHeader.code(c)
	c.u8(&q.TableFlags)
}

// GetHierarchyTableResponse is its response (2.2.4.13.2).
type GetHierarchyTableResponse struct {
	ResponseHeader
	RowCount uint32
}

func (p *GetHierarchyTableResponse) code(c *codec) {
	if !p.Failed() {
		c.u32(&p.RowCount)
	}
}

// GetContentsTableRequest is RopGetContentsTable (MS-OXCROPS 2.2.4.14.1).
type GetContentsTableRequest struct {
	OutHeader
	TableFlags uint8
}

func (q *GetContentsTableRequest) code(c *codec) {
	q.OutHeader.code(c)
	c.u8(&q.TableFlags)
}

// GetContentsTableResponse is its response (2.2.4.14.2).
type GetContentsTableResponse struct {
	ResponseHeader
	RowCount uint32
}

func (p *GetContentsTableResponse) code(c *codec) {
	if !p.Failed() {
		c.u32(&p.RowCount)
	}
}
