package mailbox

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/gromox-go/gromox/mapi"
)

// Server-side rules (MS-OXORULE 2.2.1) are rows of the rules table, one per
// rule of a folder. The condition is a restriction and the actions a
// RuleAction structure (MS-OXORULE 2.2.5), both as upstream's serializer
// writes them with flags 0 (mapi.CodecStore: strings as UTF-8). This file
// stores them; running them is the rule engine's job.

// MaxRules is how many rules one folder may have unless Options.MaxRules
// says otherwise (upstream max_rule_number, default 1000).
const MaxRules = 1000

// maxRuleBlob bounds a serialized condition or action list (upstream's
// buffers are 256 KiB).
const maxRuleBlob = 256 << 10

// ErrTooManyRules is returned when adding a rule would pass the limit;
// upstream's RopModifyRules answers it with ecServerOOM.
var ErrTooManyRules = fmt.Errorf("mailbox: too many rules in the folder: %w", mapi.EcServerOOM)

// Rule is one server-side rule (MS-OXORULE 2.2.1.3 PidTagRule*).
type Rule struct {
	ID           uint64 // rules.rule_id; PidTagRuleId is its EID (MakeEID(1, ID))
	Sequence     uint32
	State        uint32
	Name         string
	Provider     string
	Level        uint32
	UserFlags    uint32
	ProviderData []byte
	// Condition is PidTagRuleCondition; nil when the stored one cannot be
	// read (upstream reports the property absent then).
	Condition *mapi.Restriction
	// Actions is PidTagRuleActions as stored: the RuleAction structure with
	// codec flags 0 (mapi.CodecStore). A ROP buffer carries it with UTF-16
	// strings; the ROP layer converts.
	Actions []byte
}

// Props returns the rule as rule table columns (MS-OXORULE 2.2.1.3).
func (r Rule) Props() Props {
	p := Props{
		{Tag: mapi.PrRuleID, Value: int64(mapi.MakeEID(mapi.ReplidLocal, r.ID))},
		{Tag: mapi.PrRuleSequence, Value: int32(r.Sequence)},
		{Tag: mapi.PrRuleState, Value: int32(r.State)},
		{Tag: mapi.PrRuleName, Value: r.Name},
		{Tag: mapi.PrRuleProvider, Value: r.Provider},
		{Tag: mapi.PrRuleLevel, Value: int32(r.Level)},
		{Tag: mapi.PrRuleUserFlags, Value: int32(r.UserFlags)},
	}
	if r.ProviderData != nil {
		p = append(p, mapi.PropVal{Tag: mapi.PrRuleProviderData, Value: r.ProviderData})
	}
	if r.Condition != nil {
		p = append(p, mapi.PropVal{Tag: mapi.PrRuleCondition, Value: r.Condition})
	}
	if r.Actions != nil {
		p = append(p, mapi.PropVal{Tag: mapi.PrRuleActions, Value: r.Actions})
	}
	return p
}

// RuleChange is one row of RopModifyRules (MS-OXORULE 2.2.1): Props holds
// the PidTagRule* values of the row. RowAdd needs PR_RULE_PROVIDER,
// PR_RULE_CONDITION (*mapi.Restriction) and PR_RULE_ACTIONS ([]byte, store
// form); the sequence defaults to one past the folder's highest and the
// state to 0. RowModify and RowRemove name the rule by PR_RULE_ID (its EID)
// and RowModify changes the values given.
type RuleChange struct {
	Op    RowOp
	Props Props
}

// ruleString reads a string column value in either string type.
func ruleString(p Props, tag mapi.PropTag) (string, bool) {
	for _, tg := range []mapi.PropTag{tag, tag.WithType(mapi.PtString8)} {
		if v, ok := p.Get(tg); ok {
			s, isStr := v.(string)
			return s, isStr
		}
	}
	return "", false
}

func ruleUint32(p Props, tag mapi.PropTag) (uint32, bool) {
	v, ok := p.Get(tag)
	if !ok {
		return 0, false
	}
	n, isInt := v.(int32)
	return uint32(n), isInt
}

// encodeCondition serializes a rule condition as the rules table keeps it.
func encodeCondition(res *mapi.Restriction) ([]byte, error) {
	w := mapi.NewWriter(mapi.CodecStore)
	if err := w.PutRestriction(res); err != nil {
		return nil, fmt.Errorf("rule condition: %w: %w", ErrInvalidParam, err)
	}
	if w.Len() > maxRuleBlob {
		return nil, fmt.Errorf("rule condition of %d bytes: %w", w.Len(), ErrInvalidParam)
	}
	return append([]byte(nil), w.Bytes()...), nil
}

// checkActions checks that actions are a RuleAction structure in store
// form, within upstream's size.
func checkActions(b []byte) error {
	if len(b) > maxRuleBlob {
		return fmt.Errorf("rule actions of %d bytes: %w", len(b), ErrInvalidParam)
	}
	if _, err := mapi.NewReader(b, mapi.CodecStore).Value(mapi.PtActions); err != nil {
		return fmt.Errorf("rule actions: %w: %w", ErrInvalidParam, err)
	}
	return nil
}

// Rules lists the rules of folder fid by rule id.
func (t *Tx) Rules(fid uint64) ([]Rule, error) {
	if err := t.checkFolder(fid); err != nil {
		return nil, err
	}
	rows, err := t.Query(`SELECT rule_id, name, provider, sequence, state, level, user_flags, provider_data, condition, actions
		FROM rules WHERE folder_id=? ORDER BY rule_id`, int64(fid))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Rule
	for rows.Next() {
		var r Rule
		var id, seq, state int64
		var name sql.NullString
		var level, flags sql.NullInt64
		var pdata, cond, actions []byte
		if err := rows.Scan(&id, &name, &r.Provider, &seq, &state, &level, &flags, &pdata, &cond, &actions); err != nil {
			return nil, err
		}
		r.ID, r.Sequence, r.State = uint64(id), uint32(seq), uint32(state)
		r.Name, r.Level, r.UserFlags = name.String, uint32(level.Int64), uint32(flags.Int64)
		r.ProviderData, r.Actions = pdata, actions
		if c, err := mapi.NewReader(cond, mapi.CodecStore).Restriction(); err == nil {
			r.Condition = c
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ClearRules removes every rule of a folder (RopModifyRules with the
// Replace flag, upstream empty_folder_rule).
func (t *Tx) ClearRules(fid uint64) error {
	if err := t.checkFolder(fid); err != nil {
		return err
	}
	_, err := t.Exec("DELETE FROM rules WHERE folder_id=?", int64(fid))
	return err
}

// ModifyRules applies the rows of RopModifyRules (MS-OXORULE 3.2.5.2) to
// folder fid, as upstream's update_folder_rule: adds without a provider,
// condition or actions, and modifications or removals of rules of other
// folders, are skipped. Adding past the limit (Options.MaxRules) fails
// with ErrTooManyRules (the caller's savepoint then undoes the whole
// request, as upstream commits nothing).
func (t *Tx) ModifyRules(fid uint64, changes []RuleChange) error {
	if err := t.checkFolder(fid); err != nil {
		return err
	}
	count, err := t.queryInt("SELECT COUNT(*) FROM rules WHERE folder_id=?", int64(fid))
	if err != nil {
		return err
	}
	limit := int64(t.s.maxRules)
	if limit <= 0 {
		limit = MaxRules
	}
	for _, c := range changes {
		switch c.Op {
		case RowAdd:
			if count >= limit {
				return ErrTooManyRules
			}
			added, err := t.addRule(fid, c.Props)
			if err != nil {
				return err
			}
			if added {
				count++
			}
		case RowModify, RowRemove:
			v, ok := c.Props.Get(mapi.PrRuleID)
			if !ok {
				continue
			}
			eid, _ := v.(int64)
			id := mapi.EID(eid).GCV()
			owner, err := t.queryInt("SELECT folder_id FROM rules WHERE rule_id=?", int64(id))
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if err != nil || uint64(owner) != fid {
				continue
			}
			if c.Op == RowRemove {
				if _, err := t.Exec("DELETE FROM rules WHERE rule_id=?", int64(id)); err != nil {
					return err
				}
				count--
				continue
			}
			if err := t.modifyRule(id, c.Props); err != nil {
				return err
			}
		}
	}
	return nil
}

func (t *Tx) addRule(fid uint64, p Props) (bool, error) {
	provider, ok := ruleString(p, mapi.PrRuleProvider)
	if !ok {
		return false, nil
	}
	cv, _ := p.Get(mapi.PrRuleCondition)
	cond, _ := cv.(*mapi.Restriction)
	av, _ := p.Get(mapi.PrRuleActions)
	actions, _ := av.([]byte)
	if cond == nil || actions == nil {
		return false, nil
	}
	condBlob, err := encodeCondition(cond)
	if err != nil {
		return false, err
	}
	if err := checkActions(actions); err != nil {
		return false, err
	}
	seq, ok := ruleUint32(p, mapi.PrRuleSequence)
	if !ok {
		n, err := t.queryInt("SELECT MAX(sequence) FROM rules WHERE folder_id=?", int64(fid))
		if err != nil {
			return false, err
		}
		seq = uint32(n) + 1
	}
	state, _ := ruleUint32(p, mapi.PrRuleState)
	level, _ := ruleUint32(p, mapi.PrRuleLevel)
	var name, userFlags, pdata any
	if s, ok := ruleString(p, mapi.PrRuleName); ok {
		name = s
	}
	if f, ok := ruleUint32(p, mapi.PrRuleUserFlags); ok {
		userFlags = int64(f)
	}
	if v, ok := p.Get(mapi.PrRuleProviderData); ok {
		if b, _ := v.([]byte); len(b) > 0 {
			pdata = b
		}
	}
	_, err = t.Exec(`INSERT INTO rules (name, provider, sequence, state, level, user_flags, provider_data, condition, actions, folder_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		name, provider, int64(seq), int64(state), int64(level), userFlags, pdata, condBlob, actions, int64(fid))
	return err == nil, err
}

func (t *Tx) modifyRule(id uint64, p Props) error {
	set := func(col string, v any) error {
		_, err := t.Exec("UPDATE rules SET "+col+"=? WHERE rule_id=?", v, int64(id))
		return err
	}
	if s, ok := ruleString(p, mapi.PrRuleProvider); ok {
		if err := set("provider", s); err != nil {
			return err
		}
	}
	for _, c := range []struct {
		tag mapi.PropTag
		col string
	}{
		{mapi.PrRuleSequence, "sequence"}, {mapi.PrRuleState, "state"},
		{mapi.PrRuleLevel, "level"}, {mapi.PrRuleUserFlags, "user_flags"},
	} {
		if n, ok := ruleUint32(p, c.tag); ok {
			if err := set(c.col, int64(n)); err != nil {
				return err
			}
		}
	}
	if s, ok := ruleString(p, mapi.PrRuleName); ok {
		if err := set("name", s); err != nil {
			return err
		}
	}
	if v, ok := p.Get(mapi.PrRuleProviderData); ok {
		b, _ := v.([]byte)
		if b == nil {
			b = []byte{}
		}
		if err := set("provider_data", b); err != nil {
			return err
		}
	}
	if v, ok := p.Get(mapi.PrRuleCondition); ok {
		cond, _ := v.(*mapi.Restriction)
		if cond == nil {
			return fmt.Errorf("rule condition %T: %w", v, ErrInvalidParam)
		}
		b, err := encodeCondition(cond)
		if err != nil {
			return err
		}
		if err := set("condition", b); err != nil {
			return err
		}
	}
	if v, ok := p.Get(mapi.PrRuleActions); ok {
		b, _ := v.([]byte)
		if err := checkActions(b); err != nil {
			return err
		}
		if err := set("actions", b); err != nil {
			return err
		}
	}
	return nil
}
