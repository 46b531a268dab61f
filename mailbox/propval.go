package mailbox

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gromox-go/gromox/mapi"
)

// How a property value sits in a *_properties row (upstream
// cu_set_properties / gp_fetch):
//
//   - proptag holds the whole tag; propval the value.
//   - PT_SHORT, PT_LONG, PT_BOOLEAN, PT_I8, PT_CURRENCY, PT_SYSTIME are
//     INTEGERs. PT_SHORT and PT_LONG are stored unsigned (a PT_LONG of -1 is
//     4294967295), PT_BOOLEAN as its byte.
//   - PT_FLOAT, PT_DOUBLE, PT_APPTIME are REALs.
//   - PT_UNICODE and PT_STRING8 are TEXT (UTF-8; PT_STRING8 input is stored
//     under the PT_UNICODE tag by the property writers, see storedTag).
//   - PT_BINARY is a BLOB (an empty value is a zero-length BLOB, never NULL).
//   - PT_CLSID, PT_SVREID, PT_SRESTRICTION, PT_ACTIONS and every multi-value
//     type are BLOBs in upstream's EXT_PUSH serialisation (flags 0): a u32
//     count then the elements, strings NUL-terminated UTF-8 (mapi.EncodeMV).
//   - A few large properties hold a content-file reference (a CID string, see
//     cid.go) instead of the value: PR_BODY(_A), PR_TRANSPORT_MESSAGE_HEADERS(_A),
//     PR_HTML, PR_RTF_COMPRESSED in message_properties, PR_ATTACH_DATA_BIN and
//     PR_ATTACH_DATA_OBJ in attachment_properties. The row's tag says which:
//     those tags in those tables always hold a CID (TEXT, or an INTEGER for
//     the oldest numeric ones), whatever the tag's type.

// errUnsupportedType is returned for types a store row cannot hold
// (PT_UNSPECIFIED, PT_NULL, PT_ERROR, ...).
var errUnsupportedType = errors.New("mailbox: property type not storable")

// encodeValue returns what a row's propval column holds for a value of tag's
// type (its Go form as documented on mapi.PropVal).
func encodeValue(tag mapi.PropTag, v any) (any, error) {
	t := tag.Type()
	bad := func() (any, error) {
		return nil, fmt.Errorf("mailbox: value %T for %v", v, tag)
	}
	switch t {
	case mapi.PtShort:
		x, ok := v.(int16)
		if !ok {
			return bad()
		}
		return int64(uint16(x)), nil
	case mapi.PtLong:
		x, ok := v.(int32)
		if !ok {
			return bad()
		}
		return int64(uint32(x)), nil
	case mapi.PtBoolean:
		x, ok := v.(bool)
		if !ok {
			return bad()
		}
		if x {
			return int64(1), nil
		}
		return int64(0), nil
	case mapi.PtI8, mapi.PtCurrency:
		x, ok := v.(int64)
		if !ok {
			return bad()
		}
		return x, nil
	case mapi.PtSysTime:
		x, ok := v.(mapi.FileTime)
		if !ok {
			return bad()
		}
		return int64(x), nil
	case mapi.PtFloat:
		x, ok := v.(float32)
		if !ok {
			return bad()
		}
		return float64(x), nil
	case mapi.PtDouble, mapi.PtAppTime:
		x, ok := v.(float64)
		if !ok {
			return bad()
		}
		return x, nil
	case mapi.PtUnicode, mapi.PtString8:
		x, ok := v.(string)
		if !ok {
			return bad()
		}
		return x, nil
	case mapi.PtBinary, mapi.PtObject:
		x, ok := v.([]byte)
		if !ok {
			return bad()
		}
		if x == nil {
			x = []byte{}
		}
		return x, nil
	}
	if t.IsMV() || t == mapi.PtClsid || t == mapi.PtSvrEID || t == mapi.PtSRestriction || t == mapi.PtActions {
		return encodeBlob(tag, v)
	}
	return nil, fmt.Errorf("%w: %v", errUnsupportedType, tag)
}

// decodeValue converts a propval column (int64, float64, string or []byte,
// as the driver returns them) to the Go form of tag's type.
func decodeValue(tag mapi.PropTag, col any) (any, error) {
	t := tag.Type()
	bad := func() (any, error) {
		return nil, fmt.Errorf("mailbox: stored %T for %v", col, tag)
	}
	switch t {
	case mapi.PtShort, mapi.PtLong, mapi.PtBoolean, mapi.PtI8, mapi.PtCurrency, mapi.PtSysTime:
		var x int64
		switch c := col.(type) {
		case int64:
			x = c
		case float64:
			x = int64(c)
		case string, []byte:
			// upstream binds with the column's affinity (BLOB: none), so a
			// number written as text stays text; read it as SQLite would.
			var s string
			if b, ok := c.([]byte); ok {
				s = string(b)
			} else {
				s = c.(string)
			}
			if _, err := fmt.Sscan(s, &x); err != nil {
				return bad()
			}
		default:
			return bad()
		}
		switch t {
		case mapi.PtShort:
			return int16(uint16(x)), nil
		case mapi.PtLong:
			return int32(uint32(x)), nil
		case mapi.PtBoolean:
			return uint8(x) != 0, nil
		case mapi.PtSysTime:
			return mapi.FileTime(x), nil
		}
		return x, nil
	case mapi.PtFloat, mapi.PtDouble, mapi.PtAppTime:
		var x float64
		switch c := col.(type) {
		case float64:
			x = c
		case int64:
			x = float64(c)
		default:
			return bad()
		}
		if t == mapi.PtFloat {
			return float32(x), nil
		}
		return x, nil
	case mapi.PtUnicode, mapi.PtString8:
		switch c := col.(type) {
		case string:
			return c, nil
		case []byte:
			return string(c), nil
		case int64:
			return fmt.Sprint(c), nil
		}
		return bad()
	case mapi.PtBinary, mapi.PtObject:
		switch c := col.(type) {
		case []byte:
			return append([]byte{}, c...), nil
		case string:
			return []byte(c), nil
		}
		return bad()
	}
	if t.IsMV() || t == mapi.PtClsid || t == mapi.PtSvrEID || t == mapi.PtSRestriction || t == mapi.PtActions {
		b, ok := col.([]byte)
		if !ok {
			if s, isStr := col.(string); isStr {
				b = []byte(s)
			} else {
				return bad()
			}
		}
		return decodeBlob(tag, b)
	}
	return nil, fmt.Errorf("%w: %v", errUnsupportedType, tag)
}

// Props is the property list of one object, in no particular order; a tag
// appears at most once.
type Props []mapi.PropVal

// Get returns the value of tag.
func (p Props) Get(tag mapi.PropTag) (any, bool) {
	for _, v := range p {
		if v.Tag == tag {
			return v.Value, true
		}
	}
	return nil, false
}

// Has reports whether tag is present.
func (p Props) Has(tag mapi.PropTag) bool {
	_, ok := p.Get(tag)
	return ok
}

// Set sets tag to v, replacing an earlier value.
func (p *Props) Set(tag mapi.PropTag, v any) {
	for i := range *p {
		if (*p)[i].Tag == tag {
			(*p)[i].Value = v
			return
		}
	}
	*p = append(*p, mapi.PropVal{Tag: tag, Value: v})
}

// Delete removes tag.
func (p *Props) Delete(tag mapi.PropTag) {
	for i := range *p {
		if (*p)[i].Tag == tag {
			*p = append((*p)[:i], (*p)[i+1:]...)
			return
		}
	}
}

// String returns the value of a string property ("" if absent).
func (p Props) String(tag mapi.PropTag) string {
	v, _ := p.Get(tag)
	s, _ := v.(string)
	return s
}

// Int returns the value of an integer-like property (PT_SHORT, PT_LONG,
// PT_I8, PT_SYSTIME, PT_BOOLEAN as 0/1), and whether it is present.
func (p Props) Int(tag mapi.PropTag) (int64, bool) {
	v, ok := p.Get(tag)
	if !ok {
		return 0, false
	}
	switch x := v.(type) {
	case int16:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case mapi.FileTime:
		return int64(x), true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// rowTag and rowValue are a property row as SQLite holds it.
type propRow struct {
	tag uint32
	val any // int64, float64, string or []byte
}

// propRows reads the property rows of one object in row order.
func (t *Tx) propRows(table propTable, id uint64) ([]propRow, error) {
	q := "SELECT proptag, propval FROM " + table.String()
	var args []any
	if col := table.idColumn(); col != "" {
		q += " WHERE " + col + "=?"
		args = append(args, int64(id))
	}
	rows, err := t.Query(q+" ORDER BY rowid", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []propRow
	for rows.Next() {
		var r propRow
		var tag int64
		if err := rows.Scan(&tag, &r.val); err != nil {
			return nil, err
		}
		r.tag = uint32(tag)
		out = append(out, r)
	}
	return out, rows.Err()
}

// decodeRow converts one property row of table to a property value: a
// content-file reference is read from cid/ (an absent file gives an error
// wrapping ErrContentMissing).
func (t *Tx) decodeRow(table propTable, r propRow) (mapi.PropVal, error) {
	tag := mapi.PropTag(r.tag)
	if table.holdsCID(r.tag) {
		cid, ok := cidString(r.val)
		if !ok {
			return mapi.PropVal{}, fmt.Errorf("%s %v: content id stored as %T", table, tag, r.val)
		}
		data, err := t.readContent(cid, tag.Type() == mapi.PtUnicode)
		if err != nil {
			return mapi.PropVal{}, err
		}
		if tag.Type() == mapi.PtUnicode || tag.Type() == mapi.PtString8 {
			return mapi.PropVal{Tag: tag, Value: string(data)}, nil
		}
		return mapi.PropVal{Tag: tag, Value: data}, nil
	}
	v, err := decodeValue(tag, r.val)
	if err != nil {
		return mapi.PropVal{}, fmt.Errorf("%s: %w", table, err)
	}
	return mapi.PropVal{Tag: tag, Value: v}, nil
}

// cidString reads a content id column: TEXT, or an INTEGER for the oldest
// numeric ids.
func cidString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case []byte:
		return string(x), true
	case int64:
		return fmt.Sprint(x), true
	}
	return "", false
}

// encodeRow converts a property value to the row that stores it in table:
// values of the content-file properties are written to cid/ and the row
// gets their content id.
func (t *Tx) encodeRow(table propTable, p mapi.PropVal) (propRow, error) {
	if table.holdsCID(uint32(p.Tag)) {
		var data []byte
		switch x := p.Value.(type) {
		case string:
			data = []byte(x)
		case []byte:
			data = x
		default:
			return propRow{}, fmt.Errorf("mailbox: value %T for %v", p.Value, p.Tag)
		}
		cid, err := t.writeContent(data)
		if err != nil {
			return propRow{}, err
		}
		return propRow{tag: uint32(p.Tag), val: cid}, nil
	}
	v, err := encodeValue(p.Tag, p.Value)
	if err != nil {
		return propRow{}, err
	}
	return propRow{tag: uint32(p.Tag), val: v}, nil
}

// putRows stores property rows (each replacing the object's row of its
// tag, the later of two rows of one tag winning), many per statement:
// SQLite's cost is mostly per statement.
func (t *Tx) putRows(table propTable, id uint64, rows []propRow) error {
	cols := 3
	if table.idColumn() == "" {
		cols = 2
	}
	args := make([]any, 0, len(rows)*cols)
	for _, r := range rows {
		if cols == 3 {
			args = append(args, int64(id))
		}
		args = append(args, int64(r.tag), r.val)
	}
	return t.execRows("REPLACE INTO "+table.String()+" VALUES ", "", cols, args)
}

// execRows runs head + "(?,...),(?,...)..." + tail for rows of cols
// values each (args holds them one row after the other), in statements
// of 64, 16, 4 and 1 rows, which keeps the prepared statements few.
func (t *Tx) execRows(head, tail string, cols int, args []any) error {
	return execRows(func(q string, args []any) error {
		_, err := t.Exec(q, args...)
		return err
	}, head, tail, cols, args)
}

func execRows(exec func(q string, args []any) error, head, tail string, cols int, args []any) error {
	one := "(?" + strings.Repeat(", ?", cols-1) + ")"
	for len(args) > 0 {
		rows := len(args) / cols
		n := 1
		for _, size := range []int{64, 16, 4} {
			if rows >= size {
				n = size
				break
			}
		}
		q := head + one + strings.Repeat(", "+one, n-1) + tail
		if err := exec(q, args[:n*cols]); err != nil {
			return err
		}
		args = args[n*cols:]
	}
	return nil
}

// putRow stores one property row (replacing the object's row of that tag).
func (t *Tx) putRow(table propTable, id uint64, r propRow) error {
	var err error
	if col := table.idColumn(); col != "" {
		_, err = t.Exec("REPLACE INTO "+table.String()+" VALUES (?, ?, ?)", int64(id), int64(r.tag), r.val)
	} else {
		_, err = t.Exec("REPLACE INTO "+table.String()+" VALUES (?, ?)", int64(r.tag), r.val)
	}
	return err
}

// storedProps reads the stored properties of an object as values (no
// computed ones). Rows that cannot be decoded are skipped with their error
// collected in the second result, as upstream skips them; content files
// that are missing too.
func (t *Tx) storedProps(table propTable, id uint64) (Props, []error, error) {
	rows, err := t.propRows(table, id)
	if err != nil {
		return nil, nil, err
	}
	props := make(Props, 0, len(rows))
	var bad []error
	for _, r := range rows {
		p, err := t.decodeRow(table, r)
		if err != nil {
			bad = append(bad, err)
			continue
		}
		props = append(props, p)
	}
	return props, bad, nil
}
