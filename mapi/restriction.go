package mapi

// Restrictions (MS-OXCDATA 2.12) and their evaluation against rows of
// property values, following upstream's semantics (lib/mapi/restriction2.cpp,
// lib/mapi/propval.cpp, exch/exmdb/common_util.cpp cu_eval_msg_restriction)
// where they are defined, and Exchange's where upstream leaves a gap. The
// differences from upstream are listed on Eval.

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// RestrictionType is the RestrictType byte (MS-OXCDATA 2.12).
type RestrictionType uint8

// Restriction types.
const (
	ResAnd            RestrictionType = 0x00
	ResOr             RestrictionType = 0x01
	ResNot            RestrictionType = 0x02
	ResContent        RestrictionType = 0x03
	ResProperty       RestrictionType = 0x04
	ResCompareProps   RestrictionType = 0x05
	ResBitmask        RestrictionType = 0x06
	ResSize           RestrictionType = 0x07
	ResExist          RestrictionType = 0x08
	ResSubRestriction RestrictionType = 0x09
	ResComment        RestrictionType = 0x0a
	ResCount          RestrictionType = 0x0b
	// ResAnnotation is laid out and evaluated like ResComment (seen in
	// wrapped PSTs; upstream mapidefs.h).
	ResAnnotation RestrictionType = 0x0c
	// ResNull matches everything (upstream's RES_NULL; no data).
	ResNull RestrictionType = 0xff
)

// Relop is a relational operator (MS-OXCDATA 2.12.5.1).
type Relop uint8

// Relational operators.
const (
	RelopLT Relop = 0x00
	RelopLE Relop = 0x01
	RelopGT Relop = 0x02
	RelopGE Relop = 0x03
	RelopEQ Relop = 0x04
	RelopNE Relop = 0x05
	// RelopRE matches strings against a regular expression (MAPI
	// RELOP_RE). See Eval for the dialect.
	RelopRE Relop = 0x06
	// RelopMemberOfDL needs the address book; Eval never matches it.
	RelopMemberOfDL Relop = 0x64
)

// BitmaskRelop is the operator of a RES_BITMASK (MS-OXCDATA 2.12.7.1).
type BitmaskRelop uint8

const (
	BitmaskEQZ BitmaskRelop = 0x00 // BMR_EQZ: (value & mask) == 0
	BitmaskNEZ BitmaskRelop = 0x01 // BMR_NEZ: (value & mask) != 0
)

// Fuzzy levels of RES_CONTENT (MS-OXCDATA 2.12.4.1: FuzzyLevelLow in the
// low 16 bits, FuzzyLevelHigh in the high 16).
const (
	FLFullString      uint32 = 0x00000
	FLSubstring       uint32 = 0x00001
	FLPrefix          uint32 = 0x00002
	FLPrefixOnAnyWord uint32 = 0x00010
	FLPhraseMatch     uint32 = 0x00020
	FLIgnoreCase      uint32 = 0x10000
	FLIgnoreNonSpace  uint32 = 0x20000
	FLLoose           uint32 = 0x40000
)

// Restriction is one node of a restriction tree. Which fields are used
// depends on Type:
//
//	ResAnd, ResOr       Children
//	ResNot              Sub
//	ResContent          FuzzyLevel, Tag, Value (the comparand; its tag gives the type)
//	ResProperty         Relop, Tag, Value
//	ResCompareProps     Relop, Tag, Tag2
//	ResBitmask          BitmaskRelop, Tag, Mask
//	ResSize             Relop, Tag, Size
//	ResExist            Tag
//	ResSubRestriction   Tag (PrMessageRecipients or PrMessageAttachments), Sub
//	ResComment,
//	ResAnnotation       Comments (1 to 255 values), Sub (optional)
//	ResCount            Count, Sub
//	ResNull             nothing
type Restriction struct {
	Type         RestrictionType
	Children     []*Restriction
	Sub          *Restriction
	Tag          PropTag
	Tag2         PropTag
	Relop        Relop
	BitmaskRelop BitmaskRelop
	FuzzyLevel   uint32
	Value        PropVal
	Mask         uint32
	Size         uint32
	Count        uint32
	Comments     []PropVal
}

// RestrictAnd returns a RES_AND of rs.
func RestrictAnd(rs ...*Restriction) *Restriction {
	return &Restriction{Type: ResAnd, Children: rs}
}

// RestrictOr returns a RES_OR of rs.
func RestrictOr(rs ...*Restriction) *Restriction {
	return &Restriction{Type: ResOr, Children: rs}
}

// RestrictNot returns a RES_NOT of r.
func RestrictNot(r *Restriction) *Restriction { return &Restriction{Type: ResNot, Sub: r} }

// RestrictContent returns a RES_CONTENT matching property tag against
// value with the given fuzzy level.
func RestrictContent(fuzzy uint32, tag PropTag, value PropVal) *Restriction {
	return &Restriction{Type: ResContent, FuzzyLevel: fuzzy, Tag: tag, Value: value}
}

// RestrictProperty returns a RES_PROPERTY: property tag relop value.
func RestrictProperty(op Relop, tag PropTag, value PropVal) *Restriction {
	return &Restriction{Type: ResProperty, Relop: op, Tag: tag, Value: value}
}

// RestrictCompareProps returns a RES_PROPCOMPARE: property tag1 relop
// property tag2.
func RestrictCompareProps(op Relop, tag1, tag2 PropTag) *Restriction {
	return &Restriction{Type: ResCompareProps, Relop: op, Tag: tag1, Tag2: tag2}
}

// RestrictBitmask returns a RES_BITMASK.
func RestrictBitmask(op BitmaskRelop, tag PropTag, mask uint32) *Restriction {
	return &Restriction{Type: ResBitmask, BitmaskRelop: op, Tag: tag, Mask: mask}
}

// RestrictSize returns a RES_SIZE: size of property tag relop size.
func RestrictSize(op Relop, tag PropTag, size uint32) *Restriction {
	return &Restriction{Type: ResSize, Relop: op, Tag: tag, Size: size}
}

// RestrictExist returns a RES_EXIST.
func RestrictExist(tag PropTag) *Restriction { return &Restriction{Type: ResExist, Tag: tag} }

// RestrictSub returns a RES_SUBRESTRICTION applying r to the sub-objects
// named by subobject (PrMessageRecipients or PrMessageAttachments).
func RestrictSub(subobject PropTag, r *Restriction) *Restriction {
	return &Restriction{Type: ResSubRestriction, Tag: subobject, Sub: r}
}

// RestrictComment returns a RES_COMMENT carrying comments around r (which
// may be nil).
func RestrictComment(comments []PropVal, r *Restriction) *Restriction {
	return &Restriction{Type: ResComment, Comments: comments, Sub: r}
}

// RestrictCount returns a RES_COUNT: at most n matches of r.
func RestrictCount(n uint32, r *Restriction) *Restriction {
	return &Restriction{Type: ResCount, Count: n, Sub: r}
}

// Row gives a restriction the properties of one object.
type Row interface {
	// Get returns the value of the property with exactly this tag, in the
	// Go form of its type (see PropVal); ok is false when it is absent.
	// A row of a table expanded on a multi-value column answers the tag
	// with the instance flag with the single instance value.
	Get(tag PropTag) (v any, ok bool)
	// Sub returns the rows of the sub-objects a RES_SUBRESTRICTION names
	// (PrMessageRecipients: recipients, PrMessageAttachments:
	// attachments), or nil.
	Sub(subobject PropTag) []Row
}

// PropValRow is a Row over a list of property values, with optional
// sub-object rows.
type PropValRow struct {
	Vals []PropVal
	Subs map[PropTag][]Row
}

// Get implements Row.
func (p PropValRow) Get(tag PropTag) (any, bool) {
	for _, pv := range p.Vals {
		if pv.Tag == tag {
			return pv.Value, true
		}
	}
	return nil, false
}

// Sub implements Row.
func (p PropValRow) Sub(subobject PropTag) []Row { return p.Subs[subobject] }

// Eval reports whether row satisfies r. It is Matcher without state: a
// RES_COUNT matches whenever its count is non-zero and its restriction
// matches.
//
// Semantics:
//   - A property is looked up with the restriction's tag. PT_STRING8 and
//     PT_UNICODE are interchangeable (the store keeps the latter), and a
//     tag with the instance flag falls back to the multi-value property.
//     An empty multi-value counts as absent, as upstream never returns one.
//   - An absent property sorts before any value and equals another absent
//     one (EXC2019 behaviour, upstream propval_compare_relop_nullok): so
//     RES_PROPERTY and RES_PROPCOMPARE with NE, LT or LE match it.
//   - Types must agree, except PT_STRING8 with PT_UNICODE; otherwise the
//     node is false (upstream comparable()). A multi-value property
//     compared with a single value matches if any element does (the
//     instance semantics of MS-OXCTABL restrictions on MV columns); a
//     multi-value comparand needs a multi-value property of the same type,
//     compared as a whole (count first, then element by element).
//   - Values compare as Compare does: strings case-insensitively.
//   - RES_CONTENT takes strings or binaries. FL_IGNORECASE and FL_LOOSE
//     fold case; FL_IGNORENONSPACE and FL_LOOSE also drop non-spacing marks
//     (which helps decomposed text only). FL_PREFIX_ON_ANY_WORD matches the
//     start of any word.
//   - RELOP_RE treats the comparand as an RE2 regular expression
//     (Go's regexp syntax), case-insensitive and unanchored, and applies
//     only to strings; a bad pattern matches nothing. RELOP_MEMBER_OF_DL
//     matches nothing.
//   - RES_PROPERTY on PR_ANR is a case-insensitive substring match, as
//     upstream does.
//   - RES_BITMASK needs a PT_LONG tag; an absent value counts as 0.
//     RES_SIZE measures the stored form (UTF-8 bytes for strings); an
//     absent value has size 0.
//   - RES_SUBRESTRICTION matches when one sub-object satisfies the whole
//     restriction; directly below it, RES_COUNT matches when exactly Count
//     sub-objects satisfy its restriction. (Upstream evaluates AND/OR/NOT
//     below a subrestriction over the whole set of sub-objects; this
//     follows MS-OXCDATA 2.12.8 instead.)
//   - RES_COMMENT and RES_ANNOTATION match as their restriction, or always
//     when they have none. RES_NULL always matches.
func Eval(r *Restriction, row Row) bool {
	var e evaluator
	return e.match(r, row)
}

// Matcher evaluates one restriction over the rows of a table in order,
// keeping the state RES_COUNT needs: a RES_COUNT lets the first Count rows
// that satisfy its restriction match, and no more (upstream
// cu_eval_msg_restriction). A Matcher is not safe for concurrent use.
type Matcher struct {
	r *Restriction
	e evaluator
}

// NewMatcher returns a Matcher for r.
func NewMatcher(r *Restriction) *Matcher {
	return &Matcher{r: r, e: evaluator{left: map[*Restriction]uint32{}}}
}

// Match reports whether row satisfies the restriction, and counts it.
func (m *Matcher) Match(row Row) bool { return m.e.match(m.r, row) }

type evaluator struct {
	left    map[*Restriction]uint32 // RES_COUNT budgets; nil when stateless
	tooDeep bool                    // the tree is deeper than MaxRestrictionDepth
}

// match evaluates r; a tree nested deeper than MaxRestrictionDepth (only a
// cycle built in Go can be) matches nothing.
func (e *evaluator) match(r *Restriction, row Row) bool {
	e.tooDeep = false
	ok := e.eval(r, row, 0)
	return ok && !e.tooDeep
}

func (e *evaluator) eval(r *Restriction, row Row, depth int) bool {
	if depth > MaxRestrictionDepth {
		e.tooDeep = true
		return false
	}
	if r == nil || e.tooDeep {
		return false
	}
	depth++
	switch r.Type {
	case ResAnd:
		for _, c := range r.Children {
			if !e.eval(c, row, depth) {
				return false
			}
		}
		return true
	case ResOr:
		for _, c := range r.Children {
			if e.eval(c, row, depth) {
				return true
			}
		}
		return false
	case ResNot:
		return !e.eval(r.Sub, row, depth)
	case ResContent:
		return evalContent(r, row)
	case ResProperty:
		return evalProperty(r, row)
	case ResCompareProps:
		return evalCompareProps(r, row)
	case ResBitmask:
		if r.Tag.Type() != PtLong {
			return false
		}
		var w uint32
		if v, ok := lookup(row, r.Tag); ok {
			i, ok := v.(int32)
			if !ok {
				return false
			}
			w = uint32(i)
		}
		switch r.BitmaskRelop {
		case BitmaskEQZ:
			return w&r.Mask == 0
		case BitmaskNEZ:
			return w&r.Mask != 0
		}
		return false
	case ResSize:
		var size uint32
		if v, ok := lookup(row, r.Tag); ok {
			size = valueSize(v)
		}
		return relopHolds(r.Relop, cmpUint(uint64(size), uint64(r.Size)))
	case ResExist:
		_, ok := lookup(row, r.Tag)
		return ok
	case ResSubRestriction:
		if row == nil || r.Sub == nil {
			return false
		}
		subs := row.Sub(r.Tag)
		if r.Sub.Type == ResCount {
			var n uint64
			for _, s := range subs {
				if e.eval(r.Sub.Sub, s, depth+1) {
					n++
				}
			}
			return n == uint64(r.Sub.Count)
		}
		for _, s := range subs {
			if e.eval(r.Sub, s, depth) {
				return true
			}
		}
		return false
	case ResComment, ResAnnotation:
		if r.Sub == nil {
			return true
		}
		return e.eval(r.Sub, row, depth)
	case ResCount:
		if e.left == nil {
			return r.Count > 0 && e.eval(r.Sub, row, depth)
		}
		left, seen := e.left[r]
		if !seen {
			left = r.Count
		}
		if left == 0 || !e.eval(r.Sub, row, depth) {
			return false
		}
		e.left[r] = left - 1
		return true
	case ResNull:
		return true
	}
	return false
}

// lookup finds the value for tag (see Eval).
func lookup(row Row, tag PropTag) (any, bool) {
	if row == nil {
		return nil, false
	}
	try := func(t PropTag) (any, bool) {
		if v, ok := row.Get(t); ok && v != nil && mvLen(v) != 0 {
			return v, true
		}
		if t.Type().IsString() {
			alt := PtString8
			if t.Type().Base() == PtString8 {
				alt = PtUnicode
			}
			alt |= t.Type() & (MvFlag | MvInstance)
			if v, ok := row.Get(t.WithType(alt)); ok && v != nil && mvLen(v) != 0 {
				return v, true
			}
		}
		return nil, false
	}
	if v, ok := try(tag); ok {
		return v, true
	}
	if tag.Type()&MvInstance != 0 {
		return try(tag.WithType(tag.Type() &^ MvInstance))
	}
	return nil, false
}

// sameBase reports whether two types have the same base type, counting
// PT_STRING8 and PT_UNICODE as one.
func sameBase(a, b PropType) bool {
	if a.IsString() {
		return b.IsString()
	}
	return a.Base() == b.Base()
}

// anyElement compares a row value (single or multi-value) with a single
// comparand cv of type single, calling match with each ordering until it
// returns true. ok is false when v does not have a fitting Go form.
func anyElement(v any, single PropType, cv any, match func(int) bool) (bool, bool) {
	n := mvLen(v)
	if n < 0 {
		if !valueFits(single, v) {
			return false, false
		}
		return match(Compare(v, cv, single)), true
	}
	if !valueFits(single|MvFlag, v) {
		return false, false
	}
	for i := range n {
		if match(Compare(mvElem(v, i), cv, single)) {
			return true, true
		}
	}
	return false, true
}

func evalProperty(r *Restriction, row Row) bool {
	lt, vt := r.Tag.Type(), r.Value.Tag.Type()
	if vt&MvInstance != 0 || !sameBase(lt, vt) || !valueFits(vt, r.Value.Value) {
		return false
	}
	if vt.IsMV() && (!lt.IsMV() || lt&MvInstance != 0) {
		return false
	}
	v, ok := lookup(row, r.Tag)
	if !ok {
		if r.Relop == RelopRE || r.Relop == RelopMemberOfDL {
			return false
		}
		return relopHolds(r.Relop, -1)
	}
	if r.Tag.ID() == PrANR.ID() && vt.IsString() && !vt.IsMV() {
		needle := foldString(r.Value.Value.(string), false)
		return anyString(v, func(s string) bool { return strings.Contains(foldString(s, false), needle) })
	}
	switch r.Relop {
	case RelopRE:
		if !vt.IsString() || vt.IsMV() {
			return false
		}
		re := compileRE(r.Value.Value.(string))
		return re != nil && anyString(v, re.MatchString)
	case RelopMemberOfDL:
		return false
	}
	if vt.IsMV() {
		if mvLen(v) < 0 || !valueFits(vt, v) {
			return false
		}
		return relopHolds(r.Relop, Compare(v, r.Value.Value, vt))
	}
	match, ok := anyElement(v, vt.Base(), r.Value.Value, func(c int) bool { return relopHolds(r.Relop, c) })
	return ok && match
}

func evalCompareProps(r *Restriction, row Row) bool {
	t1, t2 := r.Tag.Type(), r.Tag2.Type()
	if !sameBase(t1, t2) || r.Relop == RelopRE || r.Relop == RelopMemberOfDL {
		return false
	}
	v1, ok1 := lookup(row, r.Tag)
	v2, ok2 := lookup(row, r.Tag2)
	switch {
	case !ok1 && !ok2:
		return relopHolds(r.Relop, 0)
	case !ok1:
		return relopHolds(r.Relop, -1)
	case !ok2:
		return relopHolds(r.Relop, 1)
	}
	single := t1.Base()
	if single == PtString8 {
		single = PtUnicode
	}
	n1, n2 := mvLen(v1), mvLen(v2)
	switch {
	case n1 >= 0 && n2 >= 0:
		if !valueFits(single|MvFlag, v1) || !valueFits(single|MvFlag, v2) {
			return false
		}
		return relopHolds(r.Relop, Compare(v1, v2, single|MvFlag))
	case n2 >= 0:
		// value relop each element of the multi-value: reverse the order.
		if !valueFits(single, v1) {
			return false
		}
		match, ok := anyElement(v2, single, v1, func(c int) bool { return relopHolds(r.Relop, -c) })
		return ok && match
	}
	if !valueFits(single, v2) {
		return false
	}
	match, ok := anyElement(v1, single, v2, func(c int) bool { return relopHolds(r.Relop, c) })
	return ok && match
}

func evalContent(r *Restriction, row Row) bool {
	lt, vt := r.Tag.Type(), r.Value.Tag.Type()
	switch {
	case lt.IsString() && vt.IsString() && !vt.IsMV():
		needle, ok := r.Value.Value.(string)
		if !ok {
			return false
		}
		v, ok := lookup(row, r.Tag)
		if !ok {
			return false
		}
		icase := r.FuzzyLevel&(FLIgnoreCase|FLLoose) != 0
		nonspace := r.FuzzyLevel&(FLIgnoreNonSpace|FLLoose) != 0
		if icase || nonspace {
			needle = foldText(needle, icase, nonspace)
		}
		return anyString(v, func(s string) bool {
			if icase || nonspace {
				s = foldText(s, icase, nonspace)
			}
			return contentMatch(r.FuzzyLevel, s, needle)
		})
	case lt.Base() == PtBinary && vt == PtBinary:
		needle, ok := r.Value.Value.([]byte)
		if !ok {
			return false
		}
		v, ok := lookup(row, r.Tag)
		if !ok {
			return false
		}
		match := func(b []byte) bool {
			switch r.FuzzyLevel & 0xf {
			case FLFullString:
				return bytes.Equal(b, needle)
			case FLSubstring:
				return bytes.Contains(b, needle)
			case FLPrefix:
				return bytes.HasPrefix(b, needle)
			}
			return false
		}
		switch b := v.(type) {
		case []byte:
			return match(b)
		case [][]byte:
			for _, e := range b {
				if match(e) {
					return true
				}
			}
		}
	}
	return false
}

// contentMatch applies the fuzzy level's match mode to two (folded)
// strings.
func contentMatch(fuzzy uint32, s, needle string) bool {
	if fuzzy&FLPrefixOnAnyWord != 0 {
		if strings.HasPrefix(s, needle) {
			return true
		}
		for i, c := range s {
			if i > 0 && isWordRune(c) {
				prev, _ := utf8.DecodeLastRuneInString(s[:i])
				if !isWordRune(prev) && strings.HasPrefix(s[i:], needle) {
					return true
				}
			}
		}
		return false
	}
	switch fuzzy & 0xf {
	case FLFullString:
		return s == needle
	case FLSubstring:
		return strings.Contains(s, needle)
	case FLPrefix:
		return strings.HasPrefix(s, needle)
	}
	return false
}

func isWordRune(c rune) bool { return unicode.IsLetter(c) || unicode.IsDigit(c) }

// anyString calls f on a string value or on each element of a string
// multi-value.
func anyString(v any, f func(string) bool) bool {
	switch s := v.(type) {
	case string:
		return f(s)
	case []string:
		for _, e := range s {
			if f(e) {
				return true
			}
		}
	}
	return false
}

// foldText lower-cases s (icase) and drops non-spacing marks (nonspace).
// Bytes that are not UTF-8 stay as they are.
func foldText(s string, icase, nonspace bool) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c, n := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && n == 1 {
			b.WriteByte(s[i])
			i++
			continue
		}
		i += n
		if nonspace && unicode.Is(unicode.Mn, c) {
			continue
		}
		if icase {
			c = unicode.ToLower(c)
		}
		b.WriteRune(c)
	}
	return b.String()
}

func foldString(s string, nonspace bool) string { return foldText(s, true, nonspace) }

// relopHolds applies op to an ordering (negative, zero, positive).
func relopHolds(op Relop, c int) bool {
	switch op {
	case RelopLT:
		return c < 0
	case RelopLE:
		return c <= 0
	case RelopGT:
		return c > 0
	case RelopGE:
		return c >= 0
	case RelopEQ:
		return c == 0
	case RelopNE:
		return c != 0
	}
	return false
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// valueSize is the size RES_SIZE measures (upstream propval_size).
func valueSize(v any) uint32 {
	var n int
	switch x := v.(type) {
	case int16:
		n = 2
	case int32, float32, ErrorCode:
		n = 4
	case int64, float64, FileTime:
		n = 8
	case bool:
		n = 1
	case GUID:
		n = 16
	case string:
		n = len(x)
	case []byte:
		n = len(x)
	case TypedValue:
		return valueSize(x.Value)
	case *Restriction:
		w := NewWriter(CodecStore)
		if w.PutRestriction(x) == nil {
			n = w.Len()
		}
	case []int16:
		n = 2 * len(x)
	case []int32, []float32:
		n = 4 * mvLen(x)
	case []int64, []float64, []FileTime:
		n = 8 * mvLen(x)
	case []GUID:
		n = 16 * len(x)
	case []string:
		for _, s := range x {
			n += len(s)
		}
	case [][]byte:
		for _, b := range x {
			n += len(b)
		}
	}
	if n > 1<<32-1 {
		n = 1<<32 - 1
	}
	return uint32(n)
}

// reCache keeps compiled RELOP_RE patterns; it is emptied when full.
var reCache struct {
	sync.Mutex
	m map[string]*regexp.Regexp
}

func compileRE(pattern string) *regexp.Regexp {
	reCache.Lock()
	defer reCache.Unlock()
	if re, ok := reCache.m[pattern]; ok {
		return re
	}
	re, err := regexp.Compile("(?i)" + pattern)
	if err != nil {
		re = nil
	}
	if reCache.m == nil || len(reCache.m) >= 256 {
		reCache.m = map[string]*regexp.Regexp{}
	}
	reCache.m[pattern] = re
	return re
}

var restrictionNames = map[RestrictionType]string{
	ResAnd: "AND", ResOr: "OR", ResNot: "NOT", ResContent: "CONTENT",
	ResProperty: "PROPERTY", ResCompareProps: "COMPAREPROPS", ResBitmask: "BITMASK",
	ResSize: "SIZE", ResExist: "EXIST", ResSubRestriction: "SUB",
	ResComment: "COMMENT", ResCount: "COUNT", ResAnnotation: "ANNOTATION", ResNull: "NULL",
}

var relopNames = map[Relop]string{
	RelopLT: "<", RelopLE: "<=", RelopGT: ">", RelopGE: ">=", RelopEQ: "==",
	RelopNE: "!=", RelopRE: "~=", RelopMemberOfDL: "in-DL",
}

// String renders the restriction for logs, such as
// "AND(EXIST(PR_SUBJECT), PROPERTY(PR_IMPORTANCE == 2))".
func (r *Restriction) String() string {
	if r == nil {
		return "<nil>"
	}
	var b strings.Builder
	r.format(&b, 0)
	return b.String()
}

func (r *Restriction) format(b *strings.Builder, depth int) {
	if depth > MaxRestrictionDepth {
		b.WriteString("...")
		return
	}
	name, ok := restrictionNames[r.Type]
	if !ok {
		fmt.Fprintf(b, "RES_%#x", uint8(r.Type))
		return
	}
	b.WriteString(name)
	b.WriteByte('(')
	sub := func(s *Restriction) {
		if s == nil {
			b.WriteString("<nil>")
		} else {
			s.format(b, depth+1)
		}
	}
	op := func(o Relop) string {
		if s, ok := relopNames[o]; ok {
			return s
		}
		return fmt.Sprintf("relop%#x", uint8(o))
	}
	switch r.Type {
	case ResAnd, ResOr:
		for i, c := range r.Children {
			if i > 0 {
				b.WriteString(", ")
			}
			sub(c)
		}
	case ResNot:
		sub(r.Sub)
	case ResContent:
		fmt.Fprintf(b, "%s %#x %v", TagName(r.Tag), r.FuzzyLevel, r.Value.Value)
	case ResProperty:
		fmt.Fprintf(b, "%s %s %v", TagName(r.Tag), op(r.Relop), r.Value.Value)
	case ResCompareProps:
		fmt.Fprintf(b, "%s %s %s", TagName(r.Tag), op(r.Relop), TagName(r.Tag2))
	case ResBitmask:
		eq := "=="
		if r.BitmaskRelop != BitmaskEQZ {
			eq = "!="
		}
		fmt.Fprintf(b, "%s & %#x %s 0", TagName(r.Tag), r.Mask, eq)
	case ResSize:
		fmt.Fprintf(b, "size(%s) %s %d", TagName(r.Tag), op(r.Relop), r.Size)
	case ResExist:
		b.WriteString(TagName(r.Tag))
	case ResSubRestriction:
		b.WriteString(TagName(r.Tag))
		b.WriteString(", ")
		sub(r.Sub)
	case ResComment, ResAnnotation:
		fmt.Fprintf(b, "%d values", len(r.Comments))
		if r.Sub != nil {
			b.WriteString(", ")
			sub(r.Sub)
		}
	case ResCount:
		fmt.Fprintf(b, "%d, ", r.Count)
		sub(r.Sub)
	}
	b.WriteByte(')')
}
