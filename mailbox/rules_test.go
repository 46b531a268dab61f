package mailbox

import (
	"bytes"
	"errors"
	"testing"

	"github.com/gromox-go/gromox/mapi"
)

// actionBlocks builds a RuleAction structure of action blocks without data
// (MS-OXORULE 2.2.5: u16 count; per block u16 length, ActionType,
// ActionFlavor, ActionFlags).
func actionBlocks(types ...byte) []byte {
	w := mapi.NewWriter(mapi.CodecStore)
	w.PutUint16(uint16(len(types)))
	for _, typ := range types {
		w.PutUint16(9)
		w.PutUint8(typ)
		w.PutUint32(0)
		w.PutUint32(0)
	}
	return append([]byte(nil), w.Bytes()...)
}

const (
	opDelete     = 0x0a // OP_DELETE
	opMarkAsRead = 0x0b // OP_MARK_AS_READ
)

func TestRulesRoundTrip(t *testing.T) {
	tx, _ := openFixtureTx(t)
	inbox := uint64(mapi.PrivateFIDInbox)
	spam := mapi.RestrictContent(mapi.FLSubstring|mapi.FLIgnoreCase, mapi.PrSubject, mapi.PropVal{Tag: mapi.PrSubject, Value: "viagra"})
	news := mapi.RestrictAnd(
		mapi.RestrictExist(mapi.PrSenderEmailAddress),
		mapi.RestrictProperty(mapi.RelopEQ, mapi.PrSenderEmailAddress, mapi.PropVal{Tag: mapi.PrSenderEmailAddress, Value: "news@example.com"}))
	err := tx.ModifyRules(inbox, []RuleChange{
		{Op: RowAdd, Props: Props{
			{Tag: mapi.PrRuleName, Value: "Spam"},
			{Tag: mapi.PrRuleProvider, Value: "RuleOrganizer"},
			{Tag: mapi.PrRuleState, Value: int32(1)},
			{Tag: mapi.PrRuleCondition, Value: spam},
			{Tag: mapi.PrRuleActions, Value: actionBlocks(opDelete)},
			{Tag: mapi.PrRuleProviderData, Value: []byte{1, 2, 3}},
		}},
		{Op: RowAdd, Props: Props{
			{Tag: mapi.PrRuleNameA, Value: "News"},
			{Tag: mapi.PrRuleProviderA, Value: "RuleOrganizer"},
			{Tag: mapi.PrRuleCondition, Value: news},
			{Tag: mapi.PrRuleActions, Value: actionBlocks(opMarkAsRead, opDelete)},
			{Tag: mapi.PrRuleUserFlags, Value: int32(7)},
		}},
		{Op: RowAdd, Props: Props{{Tag: mapi.PrRuleName, Value: "no provider"}}}, // skipped
	})
	if err != nil {
		t.Fatal(err)
	}
	rules, err := tx.Rules(inbox)
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 2 {
		t.Fatalf("%d rules", len(rules))
	}
	r0, r1 := rules[0], rules[1]
	if r0.Name != "Spam" || r0.Provider != "RuleOrganizer" || r0.Sequence != 1 || r0.State != 1 ||
		r0.Condition.String() != spam.String() || !bytes.Equal(r0.Actions, actionBlocks(opDelete)) || !bytes.Equal(r0.ProviderData, []byte{1, 2, 3}) {
		t.Errorf("rule 0: %+v", r0)
	}
	if r1.Name != "News" || r1.Sequence != 2 || r1.UserFlags != 7 || r1.Condition.String() != news.String() || r1.ProviderData != nil {
		t.Errorf("rule 1: %+v", r1)
	}
	if id, _ := r1.Props().Int(mapi.PrRuleID); mapi.EID(id).GCV() != r1.ID {
		t.Errorf("PR_RULE_ID %#x of rule %d", id, r1.ID)
	}
	if p, _ := tx.FolderProps(inbox, []mapi.PropTag{mapi.PrHasRules}); p[0].Value != true {
		t.Errorf("PR_HAS_RULES %v", p)
	}

	// Modify the second, remove the first; rows naming rules of another
	// folder or no rule change nothing.
	id := func(r Rule) mapi.PropVal {
		return mapi.PropVal{Tag: mapi.PrRuleID, Value: int64(mapi.MakeEID(mapi.ReplidLocal, r.ID))}
	}
	newCond := mapi.RestrictNot(news)
	if err := tx.ModifyRules(mapi.PrivateFIDCalendar, []RuleChange{{Op: RowRemove, Props: Props{id(r0)}}}); err != nil {
		t.Fatal(err)
	}
	err = tx.ModifyRules(inbox, []RuleChange{
		{Op: RowModify, Props: Props{id(r1),
			{Tag: mapi.PrRuleState, Value: int32(0)},
			{Tag: mapi.PrRuleSequence, Value: int32(10)},
			{Tag: mapi.PrRuleName, Value: "Not news"},
			{Tag: mapi.PrRuleCondition, Value: newCond},
			{Tag: mapi.PrRuleActions, Value: actionBlocks(opMarkAsRead)},
		}},
		{Op: RowRemove, Props: Props{id(r0)}},
		{Op: RowRemove, Props: Props{}},
	})
	if err != nil {
		t.Fatal(err)
	}
	rules, err = tx.Rules(inbox)
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 1 || rules[0].ID != r1.ID || rules[0].Name != "Not news" || rules[0].Sequence != 10 || rules[0].State != 0 ||
		rules[0].UserFlags != 7 || rules[0].Condition.String() != newCond.String() || !bytes.Equal(rules[0].Actions, actionBlocks(opMarkAsRead)) {
		t.Fatalf("after modify/remove: %+v", rules)
	}
	// Malformed actions are refused.
	err = tx.ModifyRules(inbox, []RuleChange{{Op: RowModify, Props: Props{id(r1), {Tag: mapi.PrRuleActions, Value: []byte{1, 0, 2, 0}}}}})
	if !errors.Is(err, ErrInvalidParam) {
		t.Fatalf("bad actions: %v", err)
	}
	if err := tx.ClearRules(inbox); err != nil {
		t.Fatal(err)
	}
	if rules, _ := tx.Rules(inbox); len(rules) != 0 {
		t.Fatalf("after clearing: %+v", rules)
	}
}

func TestRuleLimit(t *testing.T) {
	tx, _ := openFixtureTx(t)
	add := func(n int) []RuleChange {
		var c []RuleChange
		for range n {
			c = append(c, RuleChange{Op: RowAdd, Props: Props{
				{Tag: mapi.PrRuleProvider, Value: "RuleOrganizer"},
				{Tag: mapi.PrRuleCondition, Value: mapi.RestrictExist(mapi.PrSubject)},
				{Tag: mapi.PrRuleActions, Value: actionBlocks(opDelete)},
			}})
		}
		return c
	}
	if err := tx.ModifyRules(mapi.PrivateFIDInbox, add(MaxRules-1)); err != nil {
		t.Fatal(err)
	}
	// Two more pass the limit: the request fails and, in its savepoint,
	// leaves nothing behind.
	err := tx.Do(func(tx *Tx) error { return tx.ModifyRules(mapi.PrivateFIDInbox, add(2)) })
	if !errors.Is(err, ErrTooManyRules) || !errors.Is(err, mapi.EcServerOOM) {
		t.Fatalf("past the limit: %v", err)
	}
	rules, _ := tx.Rules(mapi.PrivateFIDInbox)
	if len(rules) != MaxRules-1 || rules[len(rules)-1].Sequence != MaxRules-1 {
		t.Fatalf("%d rules after the failed request", len(rules))
	}
	if err := tx.ModifyRules(mapi.PrivateFIDInbox, add(1)); err != nil {
		t.Fatalf("the last one: %v", err)
	}
}
