package mapihttp

import (
	"fmt"

	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
)

// Rules (MS-OXORULE 3.2.5): RopModifyRules and the rules table. The
// store keeps PidTagRuleActions in its own codec (mapi.CodecStore); a ROP
// buffer carries the property values inside the actions with UTF-16
// strings (mapi.CodecROP). The framing is the same in both (RuleAction,
// MS-OXORULE 2.2.5: a u16 count of ActionBlocks, each a u16 length,
// ActionType, ActionFlavor, ActionFlags and ActionData), so only the
// ActionData holding property values is re-encoded: OP_FORWARD and
// OP_DELEGATE (recipient blocks) and OP_TAG (one value).

// Action types with property values in their data (MS-OXORULE 2.2.5.1).
const (
	opForward  = 0x07
	opDelegate = 0x08
	opTag      = 0x09
)

// convertActions re-encodes a RuleAction structure from one codec to the
// other.
func convertActions(b []byte, from, to mapi.CodecFlags) ([]byte, error) {
	r := mapi.NewReader(b, from)
	n, err := r.Uint16()
	if err != nil {
		return nil, err
	}
	w := mapi.NewWriter(to)
	w.PutUint16(n)
	for range n {
		l, err := r.Uint16()
		if err != nil {
			return nil, err
		}
		blk, err := r.Bytes(int(l))
		if err != nil {
			return nil, err
		}
		if len(blk) < 9 {
			return nil, fmt.Errorf("action block of %d bytes", len(blk))
		}
		out := append([]byte(nil), blk[:9]...)
		data := blk[9:]
		switch blk[0] {
		case opForward, opDelegate:
			d, err := convertRecipientBlocks(data, from, to)
			if err != nil {
				return nil, err
			}
			out = append(out, d...)
		case opTag:
			dr := mapi.NewReader(data, from)
			pv, err := dr.PropVal()
			if err == nil {
				err = dr.End()
			}
			if err != nil {
				return nil, err
			}
			dw := mapi.NewWriter(to)
			if err := dw.PutPropVal(pv); err != nil {
				return nil, err
			}
			out = append(out, dw.Bytes()...)
		default:
			out = append(out, data...)
		}
		if len(out) > 0xffff {
			return nil, fmt.Errorf("action block of %d bytes", len(out))
		}
		w.PutUint16(uint16(len(out)))
		w.PutBytes(out)
	}
	if err := r.End(); err != nil {
		return nil, err
	}
	return w.Bytes(), nil
}

// convertRecipientBlocks re-encodes the ActionData of OP_FORWARD and
// OP_DELEGATE: RecipientCount (u16), then per recipient Reserved (u8),
// NoOfProperties (u16) and the TaggedPropertyValues.
func convertRecipientBlocks(data []byte, from, to mapi.CodecFlags) ([]byte, error) {
	r := mapi.NewReader(data, from)
	w := mapi.NewWriter(to)
	n, err := r.Uint16()
	if err != nil {
		return nil, err
	}
	w.PutUint16(n)
	for range n {
		reserved, err := r.Uint8()
		if err != nil {
			return nil, err
		}
		w.PutUint8(reserved)
		vals, err := r.PropVals()
		if err != nil {
			return nil, err
		}
		if err := w.PutPropVals(vals); err != nil {
			return nil, err
		}
	}
	if err := r.End(); err != nil {
		return nil, err
	}
	return w.Bytes(), nil
}

// ModifyRulesFlag (MS-OXORULE 2.2.1): replace all rules.
const rulesReplace = 0x01

// ropModifyRules (MS-OXORULE 3.2.5.1).
func (a *session) ropModifyRules(req *rops.ModifyRulesRequest, in *object) ropResult {
	if in.kind != kindFolder {
		return fail(mapi.EcNotSupported)
	}
	var changes []mailbox.RuleChange
	for _, d := range req.RulesData {
		p := mailbox.Props(append([]mapi.PropVal(nil), d.PropertyValues...))
		if v, has := p.Get(mapi.PrRuleActions); has {
			b, _ := v.([]byte)
			conv, err := convertActions(b, mapi.CodecROP, mapi.CodecStore)
			if err != nil {
				return fail(mapi.EcInvalidParam)
			}
			p.Set(mapi.PrRuleActions, conv)
		}
		changes = append(changes, mailbox.RuleChange{Op: mailbox.RowOp(d.RuleDataFlags), Props: p})
	}
	fid, replace := in.fid, req.ModifyRulesFlag&rulesReplace != 0
	if _, err := a.do(in.logon, mailbox.WriteFunc(func(tx *mailbox.Tx) (any, error) {
		if replace {
			if err := tx.ClearRules(fid); err != nil {
				return nil, err
			}
		}
		return nil, tx.ModifyRules(fid, changes)
	})); err != nil {
		return fail(ecOf(err))
	}
	return ok(success[*rops.ModifyRulesResponse](req))
}

// ruleRow is a rule as a rules table row: its actions in the ROP codec.
func ruleRow(r mailbox.Rule) mailbox.Props {
	var row mailbox.Props
	for _, v := range r.Props() {
		if v.Tag == mapi.PrRuleActions {
			b, _ := v.Value.([]byte)
			conv, err := convertActions(b, mapi.CodecStore, mapi.CodecROP)
			if err != nil {
				continue // unreadable actions: the column is absent
			}
			v.Value = conv
		}
		row = append(row, v)
	}
	return row
}
