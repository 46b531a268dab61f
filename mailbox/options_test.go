package mailbox

import (
	"errors"
	"testing"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/mapi/rtf"
)

// TestOptionMaxRules: a store opened with Options.MaxRules (upstream's
// max_rule_number) refuses the rule past it, and leaves nothing of that
// request behind.
func TestOptionMaxRules(t *testing.T) {
	dir, r := newPrivateStore(t, Options{MaxRules: 3})
	rule := RuleChange{Op: RowAdd, Props: Props{
		{Tag: mapi.PrRuleProvider, Value: "RuleOrganizer"},
		{Tag: mapi.PrRuleCondition, Value: mapi.RestrictExist(mapi.PrSubject)},
		{Tag: mapi.PrRuleActions, Value: actionBlocks(opDelete)},
	}}
	modify := func(n int) error {
		_, err := Do[any](tctx(t), r, dir, WriteFunc(func(tx *Tx) (any, error) {
			c := make([]RuleChange, n)
			for i := range c {
				c[i] = rule
			}
			return nil, tx.ModifyRules(mapi.PrivateFIDInbox, c)
		}))
		return err
	}
	count := func() int {
		rules, err := Do[[]Rule](tctx(t), r, dir, ReadFunc(func(tx *Tx) (any, error) { return tx.Rules(mapi.PrivateFIDInbox) }))
		if err != nil {
			t.Fatal(err)
		}
		return len(rules)
	}
	if err := modify(2); err != nil {
		t.Fatal(err)
	}
	if err := modify(2); !errors.Is(err, ErrTooManyRules) {
		t.Fatalf("two more past the limit of 3: %v", err)
	}
	if n := count(); n != 2 {
		t.Fatalf("%d rules after the refused request, want 2", n)
	}
	if err := modify(1); err != nil || count() != 3 {
		t.Fatalf("the third: %v, %d rules", err, count())
	}
}

// TestOptionNoBodySynthesis: with exmdb_body_autosynthesis off, a message
// whose only body is RTF answers no PR_BODY or PR_HTML, through the read
// path and an opened instance alike; a stored body is answered as ever.
func TestOptionNoBodySynthesis(t *testing.T) {
	textRTF := rtf.Compress([]byte(`{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Arial;}}\pard\f0 Hello \'e4\par}`))
	bodyTags := []mapi.PropTag{mapi.PrBody, mapi.PrBodyA, mapi.PrHTML}
	for _, off := range []bool{false, true} {
		dir, r := newPrivateStore(t, Options{NoBodySynthesis: off})
		_, err := Do[any](tctx(t), r, dir, WriteFunc(func(tx *Tx) (any, error) {
			rtfOnly := saveMessage(t, tx, Props{{Tag: mapi.PrSubject, Value: "rtf"}, {Tag: mapi.PrRTFCompressed, Value: textRTF}})
			stored := saveMessage(t, tx, Props{{Tag: mapi.PrBody, Value: "stored body"}})
			for _, c := range []struct {
				mid       uint64
				body      string
				synthesis bool
			}{{rtfOnly, "Hello ä\r\n", true}, {stored, "stored body", false}} {
				p, err := tx.MessageProps(c.mid, bodyTags)
				if err != nil {
					return nil, err
				}
				inst, err := tx.OpenInstance(mapi.PrivateFIDInbox, c.mid, false)
				if err != nil {
					return nil, err
				}
				for src, p := range map[string]Props{"MessageProps": p, "instance": inst.GetProps(bodyTags)} {
					want := c.body
					if off && c.synthesis {
						want = ""
					}
					if got := p.String(mapi.PrBody); got != want || p.Has(mapi.PrBody) != (want != "") {
						t.Errorf("synthesis off=%v, %s of %q: PR_BODY %q", off, src, c.body, got)
					}
					if c.synthesis && p.Has(mapi.PrHTML) == off {
						t.Errorf("synthesis off=%v, %s: PR_HTML present %v", off, src, p.Has(mapi.PrHTML))
					}
				}
			}
			return nil, nil
		}))
		if err != nil {
			t.Fatal(err)
		}
	}
}
