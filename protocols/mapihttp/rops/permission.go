package rops

// Permission and rule ROPs (MS-OXCROPS 2.2.10, 2.2.11; MS-OXCPERM,
// MS-OXORULE).

import (
	"github.com/gromox-go/gromox/mapi"
)

// GetPermissionsTableRequest is RopGetPermissionsTable (MS-OXCROPS
// 2.2.10.2.1).
type GetPermissionsTableRequest struct {
	OutHeader
	TableFlags uint8
}

func (q *GetPermissionsTableRequest) code(c *codec) {
	q.OutHeader.code(c)
	c.u8(&q.TableFlags)
}

// GetPermissionsTableResponse is its response (2.2.10.2.2).
type GetPermissionsTableResponse struct{ ResponseHeader }

func (p *GetPermissionsTableResponse) code(c *codec) {}

// PermissionData is one change of RopModifyPermissions (MS-OXCDATA
// 2.5.1): PermissionDataFlags (0x01 add, 0x02 modify, 0x04 remove) and
// PropertyValueCount (u16) TaggedPropertyValues.
type PermissionData struct {
	PermissionDataFlags uint8
	PropertyValues      []mapi.PropVal
}

// ModifyPermissionsRequest is RopModifyPermissions (MS-OXCROPS
// 2.2.10.1.1): ModifyFlags, ModifyCount (u16) and PermissionsData.
type ModifyPermissionsRequest struct {
	Header
	ModifyFlags     uint8
	PermissionsData []PermissionData
}

func (q *ModifyPermissionsRequest) code(c *codec) {
	q.Header.code(c)
	c.u8(&q.ModifyFlags)
	n := int(c.count16(len(q.PermissionsData)))
	if !c.room(n, 3) {
		return
	}
	if c.reading() {
		q.PermissionsData = make([]PermissionData, n)
	}
	for i := range q.PermissionsData {
		d := &q.PermissionsData[i]
		c.u8(&d.PermissionDataFlags)
		c.propVals16(&d.PropertyValues)
	}
}

// ModifyPermissionsResponse is its response (2.2.10.1.2).
type ModifyPermissionsResponse struct{ ResponseHeader }

func (p *ModifyPermissionsResponse) code(c *codec) {}

// GetRulesTableRequest is RopGetRulesTable (MS-OXCROPS 2.2.11.2.1).
type GetRulesTableRequest struct {
	OutHeader
	TableFlags uint8
}

func (q *GetRulesTableRequest) code(c *codec) {
	q.OutHeader.code(c)
	c.u8(&q.TableFlags)
}

// GetRulesTableResponse is its response (2.2.11.2.2).
type GetRulesTableResponse struct{ ResponseHeader }

func (p *GetRulesTableResponse) code(c *codec) {}

// RuleData is one change of RopModifyRules (MS-OXORULE 2.2.1.3.1):
// RuleDataFlags (0x01 add, 0x02 modify, 0x04 remove) and
// PropertyValueCount (u16) TaggedPropertyValues.
type RuleData struct {
	RuleDataFlags  uint8
	PropertyValues []mapi.PropVal
}

// ModifyRulesRequest is RopModifyRules (MS-OXCROPS 2.2.11.1.1):
// ModifyRulesFlag, RulesCount (u16) and RulesData.
type ModifyRulesRequest struct {
	Header
	ModifyRulesFlag uint8
	RulesData       []RuleData
}

func (q *ModifyRulesRequest) code(c *codec) {
	q.Header.code(c)
	c.u8(&q.ModifyRulesFlag)
	n := int(c.count16(len(q.RulesData)))
	if !c.room(n, 3) {
		return
	}
	if c.reading() {
		q.RulesData = make([]RuleData, n)
	}
	for i := range q.RulesData {
		d := &q.RulesData[i]
		c.u8(&d.RuleDataFlags)
		c.propVals16(&d.PropertyValues)
	}
}

// ModifyRulesResponse is its response (2.2.11.1.2).
type ModifyRulesResponse struct{ ResponseHeader }

func (p *ModifyRulesResponse) code(c *codec) {}

// UpdateDeferredActionMessagesRequest is RopUpdateDeferredActionMessages
// (MS-OXCROPS 2.2.11.3.1): ServerEntryIdSize (u16) and ServerEntryId,
// ClientEntryIdSize (u16) and ClientEntryId.
type UpdateDeferredActionMessagesRequest struct {
	Header
	ServerEntryID []byte
	ClientEntryID []byte
}

func (q *UpdateDeferredActionMessagesRequest) code(c *codec) {
	q.Header.code(c)
	c.bytes16(&q.ServerEntryID)
	c.bytes16(&q.ClientEntryID)
}

// UpdateDeferredActionMessagesResponse is its response (2.2.11.3.2).
type UpdateDeferredActionMessagesResponse struct{ ResponseHeader }

func (p *UpdateDeferredActionMessagesResponse) code(c *codec) {}
