package mapihttp

import (
	"encoding/binary"

	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
)

// Table ROPs (MS-OXCTABL 3.2.5). Hierarchy and contents tables live in
// the store's actor (mailbox.OpenHierarchyTable/OpenContentTable) and are
// owned by the session's actor; the small tables (permissions, rules,
// attachments) are rows read once and held here.

// tableOp runs fn on a store table.
func tableOp[T any](a *session, o *object, fn func(tx *mailbox.Tx, t *mailbox.Table) (T, error)) (T, error) {
	return storeDo[T](a, o.logon, mailbox.TableOp{TableID: o.table.id, Fn: func(tx *mailbox.Tx, t *mailbox.Table) (any, error) {
		return fn(tx, t)
	}})
}

// openStoreTable opens a hierarchy or contents table of the folder of in.
func (a *session) openStoreTable(req rops.Request, in *object, kind tableKind, flags uint8) ropResult {
	fid, isFolder := folderOf(in)
	if !isFolder {
		return fail(mapi.EcNotSupported)
	}
	var open any
	if kind == tableHierarchy {
		open = mailbox.OpenHierarchyTable{Owner: a.self, FolderID: fid, Flags: mailbox.TableFlags(flags)}
	} else {
		open = mailbox.OpenContentTable{Owner: a.self, FolderID: fid, Flags: mailbox.TableFlags(flags)}
	}
	id, err := storeDo[uint32](a, in.logon, open)
	if err != nil {
		return fail(ecOf(err))
	}
	obj := &object{kind: kindTable, logon: in.logon, fid: fid, parent: in, table: &tableObj{kind: kind, id: id, flags: flags}}
	count, err := tableOp(a, obj, func(_ *mailbox.Tx, t *mailbox.Table) (int, error) { return t.Count(), nil })
	if err != nil {
		a.do(in.logon, mailbox.CloseTable{TableID: id})
		return fail(ecOf(err))
	}
	resp := rops.ErrorResponse(req, mapi.EcSuccess)
	switch p := resp.(type) {
	case *rops.GetHierarchyTableResponse:
		p.RowCount = uint32(count)
	case *rops.GetContentsTableResponse:
		p.RowCount = uint32(count)
	}
	return ropResult{resp: resp, obj: obj}
}

// tableOf returns the table of an object, or an error result.
func tableOf(in *object) (*tableObj, bool) {
	if in.kind != kindTable {
		return nil, false
	}
	return in.table, true
}

// ropSetColumns (MS-OXCTABL 3.2.5.1).
func (a *session) ropSetColumns(req *rops.SetColumnsRequest, in *object) ropResult {
	t, isTable := tableOf(in)
	if !isTable {
		return fail(mapi.EcNotSupported)
	}
	if len(req.PropertyTags) == 0 {
		return fail(mapi.EcInvalidParam)
	}
	if t.id != 0 {
		if _, err := tableOp(a, in, func(_ *mailbox.Tx, st *mailbox.Table) (any, error) {
			return nil, st.SetColumns(req.PropertyTags)
		}); err != nil {
			return fail(ecOf(err))
		}
	}
	t.cols = append([]mapi.PropTag(nil), req.PropertyTags...)
	return ok(success[*rops.SetColumnsResponse](req))
}

// ropSortTable (MS-OXCTABL 3.2.5.2).
func (a *session) ropSortTable(req *rops.SortTableRequest, in *object) ropResult {
	t, isTable := tableOf(in)
	if !isTable || t.kind != tableContents {
		return fail(mapi.EcNotSupported)
	}
	sorts := req.SortOrderSet
	if _, err := tableOp(a, in, func(tx *mailbox.Tx, st *mailbox.Table) (any, error) {
		return nil, st.Sort(tx, &sorts)
	}); err != nil {
		return fail(ecOf(err))
	}
	return ok(success[*rops.SortTableResponse](req))
}

// ropRestrict (MS-OXCTABL 3.2.5.3).
func (a *session) ropRestrict(req *rops.RestrictRequest, in *object) ropResult {
	t, isTable := tableOf(in)
	if !isTable || t.id == 0 {
		return fail(mapi.EcNotSupported)
	}
	if _, err := tableOp(a, in, func(tx *mailbox.Tx, st *mailbox.Table) (any, error) {
		return nil, st.Restrict(tx, req.Restriction)
	}); err != nil {
		return fail(ecOf(err))
	}
	return ok(success[*rops.RestrictResponse](req))
}

// queryRowsFixed is the size of a RopQueryRows response without rows.
const queryRowsFixed = 6 + 1 + 2

// propRow makes the PropertyRow of one table row: flagged when a value is
// missing or an error (MS-OXCDATA 2.8.1).
func propRow(vals []mapi.PropVal) mapi.PropRow {
	row := mapi.PropRow{Values: vals}
	for _, v := range vals {
		if v.Value == nil || v.Tag.Type() == mapi.PtError {
			row.Flagged = true
			break
		}
	}
	return row
}

// fitRows keeps the rows whose encoding fits in room bytes.
func fitRows(cols []mapi.PropTag, rows [][]mapi.PropVal, room int) []mapi.PropRow {
	out := make([]mapi.PropRow, 0, len(rows))
	used := 0
	w := mapi.NewWriter(mapi.CodecROP)
	for _, r := range rows {
		pr := propRow(r)
		w.Reset()
		if err := w.PutPropRow(cols, pr); err != nil {
			pr = mapi.PropRow{Flagged: true, Values: make([]mapi.PropVal, len(cols))}
			for i, c := range cols {
				pr.Values[i] = mapi.PropVal{Tag: c.WithType(mapi.PtError), Value: mapi.EcNotFound}
			}
			w.Reset()
			if w.PutPropRow(cols, pr) != nil {
				break
			}
		}
		if used+w.Len() > room {
			break
		}
		used += w.Len()
		out = append(out, pr)
	}
	return out
}

type queried struct {
	rows       []mapi.PropRow
	pos, count int
	more       bool // rows were read that did not fit
}

// ropQueryRows (MS-OXCTABL 3.2.5.5): as many of the rows asked for as fit
// the output buffer; the cursor moves past those only.
func (a *session) ropQueryRows(req *rops.QueryRowsRequest, in *object) ropResult {
	t, isTable := tableOf(in)
	if !isTable {
		return fail(mapi.EcNotSupported)
	}
	if len(t.cols) == 0 {
		return fail(mapi.EcNullObject) // 3.2.5.5: SetColumns first
	}
	room := a.room - queryRowsFixed
	count := int(req.RowCount)
	if !req.ForwardRead {
		count = -count
	}
	advance := req.QueryRowsFlags&rops.QueryRowsNoAdvance == 0
	var q queried
	if t.id == 0 {
		q = t.queryLocal(count, advance, room)
	} else {
		var err error
		q, err = tableOp(a, in, func(tx *mailbox.Tx, st *mailbox.Table) (queried, error) {
			rows, err := st.QueryRows(tx, count, false)
			if err != nil {
				return queried{}, err
			}
			fit := fitRows(t.cols, rows, room)
			more := len(fit) < len(rows)
			if advance && len(fit) > 0 {
				n := len(fit)
				if count < 0 {
					n = -n
				}
				st.SeekRow(mailbox.BookmarkCurrent, n)
			}
			return queried{rows: fit, pos: st.Position(), count: st.Count(), more: more}, nil
		})
		if err != nil {
			return fail(ecOf(err))
		}
	}
	if len(q.rows) == 0 && q.more {
		// 3.2.5.5: rows are there but not one fits.
		return fail(mapiBufferTooSmall)
	}
	resp := success[*rops.QueryRowsResponse](req)
	resp.Columns = t.cols
	resp.RowData = q.rows
	// 3.2.5.5: END (forward) or BEGINNING (backward) when no rows are
	// left in the direction read, else CURRENT.
	switch {
	case req.ForwardRead && q.pos >= q.count:
		resp.Origin = rops.BookmarkEnd
	case !req.ForwardRead && q.pos <= 0:
		resp.Origin = rops.BookmarkBeginning
	default:
		resp.Origin = rops.BookmarkCurrent
	}
	return ok(resp)
}

// queryLocal is QueryRows on a table held by the session.
func (t *tableObj) queryLocal(count int, advance bool, room int) queried {
	var rows [][]mapi.PropVal
	pos := t.pos
	if count >= 0 {
		for i := pos; i < len(t.rows) && len(rows) < count; i++ {
			rows = append(rows, t.rowValues(i))
		}
	} else {
		for i := pos - 1; i >= 0 && len(rows) < -count; i-- {
			rows = append(rows, t.rowValues(i))
		}
	}
	fit := fitRows(t.cols, rows, room)
	if advance {
		if count >= 0 {
			t.pos += len(fit)
		} else {
			t.pos -= len(fit)
		}
	}
	return queried{rows: fit, pos: t.pos, count: len(t.rows), more: len(fit) < len(rows)}
}

// rowValues returns row i of a local table in its columns.
func (t *tableObj) rowValues(i int) []mapi.PropVal {
	out := make([]mapi.PropVal, len(t.cols))
	for j, c := range t.cols {
		if c.Type() == mapi.PtUnspecified {
			for _, v := range t.rows[i] {
				if v.Tag.ID() == c.ID() {
					out[j] = v
					break
				}
			}
			if out[j].Value == nil {
				out[j] = mapi.PropVal{Tag: c.WithType(mapi.PtError), Value: mapi.EcNotFound}
			}
			continue
		}
		if v, found := getEitherString(t.rows[i], c); found {
			out[j] = mapi.PropVal{Tag: c, Value: v}
		} else {
			out[j] = mapi.PropVal{Tag: c.WithType(mapi.PtError), Value: mapi.EcNotFound}
		}
	}
	return out
}

// getEitherString gets tag from props; a string property is found under
// either string type (an attachment upstream stored as PT_STRING8 answers
// a PT_UNICODE column, as the store's own tables do).
func getEitherString(props mailbox.Props, tag mapi.PropTag) (any, bool) {
	if v, ok := props.Get(tag); ok {
		return v, true
	}
	var other mapi.PropType
	switch tag.Type() {
	case mapi.PtUnicode:
		other = mapi.PtString8
	case mapi.PtString8:
		other = mapi.PtUnicode
	case mapi.PtMvUnicode:
		other = mapi.PtMvString8
	case mapi.PtMvString8:
		other = mapi.PtMvUnicode
	default:
		return nil, false
	}
	return props.Get(tag.WithType(other))
}

// ropQueryPosition (MS-OXCTABL 3.2.5.7).
func (a *session) ropQueryPosition(req *rops.QueryPositionRequest, in *object) ropResult {
	t, isTable := tableOf(in)
	if !isTable {
		return fail(mapi.EcNotSupported)
	}
	var num, den uint32
	if t.id == 0 {
		num, den = uint32(t.pos), uint32(len(t.rows))
	} else {
		nd, err := tableOp(a, in, func(_ *mailbox.Tx, st *mailbox.Table) ([2]uint32, error) {
			n, d := st.QueryPosition()
			return [2]uint32{n, d}, nil
		})
		if err != nil {
			return fail(ecOf(err))
		}
		num, den = nd[0], nd[1]
	}
	resp := success[*rops.QueryPositionResponse](req)
	resp.Numerator, resp.Denominator = num, den
	return ok(resp)
}

type sought struct {
	n    int
	less bool
	gone bool
}

// ropSeekRow (MS-OXCTABL 3.2.5.9).
func (a *session) ropSeekRow(req *rops.SeekRowRequest, in *object) ropResult {
	t, isTable := tableOf(in)
	if !isTable {
		return fail(mapi.EcNotSupported)
	}
	var s sought
	if t.id == 0 {
		base := 0
		switch req.Origin {
		case rops.BookmarkBeginning:
		case rops.BookmarkCurrent:
			base = t.pos
		case rops.BookmarkEnd:
			base = len(t.rows)
		default:
			return fail(mapi.EcInvalidParam)
		}
		target := max(0, min(base+int(req.RowCount), len(t.rows)))
		t.pos = target
		s = sought{n: target - base, less: target-base != int(req.RowCount)}
	} else {
		var err error
		s, err = tableOp(a, in, func(_ *mailbox.Tx, st *mailbox.Table) (sought, error) {
			n, less, err := st.SeekRow(mailbox.Bookmark(req.Origin), int(req.RowCount))
			return sought{n: n, less: less}, err
		})
		if err != nil {
			return fail(ecOf(err))
		}
	}
	resp := success[*rops.SeekRowResponse](req)
	resp.HasSoughtLess = s.less
	resp.RowsSought = int32(s.n)
	return ok(resp)
}

// ropSeekRowFractional (MS-OXCTABL 3.2.5.11).
func (a *session) ropSeekRowFractional(req *rops.SeekRowFractionalRequest, in *object) ropResult {
	t, isTable := tableOf(in)
	if !isTable || t.id == 0 {
		return fail(mapi.EcNotSupported)
	}
	if _, err := tableOp(a, in, func(_ *mailbox.Tx, st *mailbox.Table) (any, error) {
		st.SeekRowApprox(req.Numerator, req.Denominator)
		return nil, nil
	}); err != nil {
		return fail(ecOf(err))
	}
	return ok(success[*rops.SeekRowFractionalResponse](req))
}

// bookmarkOf reads a bookmark this server made (4 bytes).
func bookmarkOf(b []byte) (uint32, bool) {
	if len(b) != 4 {
		return 0, false
	}
	return binary.LittleEndian.Uint32(b), true
}

// ropCreateBookmark (MS-OXCTABL 3.2.5.12).
func (a *session) ropCreateBookmark(req *rops.CreateBookmarkRequest, in *object) ropResult {
	t, isTable := tableOf(in)
	if !isTable || t.id == 0 {
		return fail(mapi.EcNotSupported)
	}
	bm, err := tableOp(a, in, func(_ *mailbox.Tx, st *mailbox.Table) (uint32, error) { return st.CreateBookmark(), nil })
	if err != nil {
		return fail(ecOf(err))
	}
	resp := success[*rops.CreateBookmarkResponse](req)
	resp.Bookmark = binary.LittleEndian.AppendUint32(nil, bm)
	return ok(resp)
}

// ropFreeBookmark (MS-OXCTABL 3.2.5.14).
func (a *session) ropFreeBookmark(req *rops.FreeBookmarkRequest, in *object) ropResult {
	t, isTable := tableOf(in)
	if !isTable || t.id == 0 {
		return fail(mapi.EcNotSupported)
	}
	bm, valid := bookmarkOf(req.Bookmark)
	if !valid {
		return fail(mapi.EcInvalidBookmark)
	}
	if _, err := tableOp(a, in, func(_ *mailbox.Tx, st *mailbox.Table) (any, error) { return nil, st.FreeBookmark(bm) }); err != nil {
		return fail(ecOf(err))
	}
	return ok(success[*rops.FreeBookmarkResponse](req))
}

// ropSeekRowBookmark (MS-OXCTABL 3.2.5.10).
func (a *session) ropSeekRowBookmark(req *rops.SeekRowBookmarkRequest, in *object) ropResult {
	t, isTable := tableOf(in)
	if !isTable || t.id == 0 {
		return fail(mapi.EcNotSupported)
	}
	bm, valid := bookmarkOf(req.Bookmark)
	if !valid {
		return fail(mapi.EcInvalidBookmark)
	}
	s, err := tableOp(a, in, func(_ *mailbox.Tx, st *mailbox.Table) (sought, error) {
		gone, n, less, err := st.SeekRowBookmark(bm, int(req.RowCount))
		return sought{n: n, less: less, gone: gone}, err
	})
	if err != nil {
		return fail(ecOf(err))
	}
	resp := success[*rops.SeekRowBookmarkResponse](req)
	resp.RowNoLongerVisible, resp.HasSoughtLess, resp.RowsSought = s.gone, s.less, int32(s.n)
	return ok(resp)
}

// FindRow flags (MS-OXCTABL 2.2.2.16.1).
const findRowBackward = 0x01

type found struct {
	row  []mapi.PropVal
	gone bool
}

// ropFindRow (MS-OXCTABL 3.2.5.13).
func (a *session) ropFindRow(req *rops.FindRowRequest, in *object) ropResult {
	t, isTable := tableOf(in)
	if !isTable || t.id == 0 {
		return fail(mapi.EcNotSupported)
	}
	if len(t.cols) == 0 {
		return fail(mapi.EcNullObject)
	}
	var bm uint32
	if req.Origin == rops.BookmarkCustom {
		var valid bool
		if bm, valid = bookmarkOf(req.Bookmark); !valid {
			return fail(mapi.EcInvalidBookmark)
		}
	}
	f, err := tableOp(a, in, func(tx *mailbox.Tx, st *mailbox.Table) (found, error) {
		row, gone, err := st.FindRow(tx, req.Restriction, mailbox.Bookmark(req.Origin), bm, req.FindRowFlags&findRowBackward != 0)
		return found{row, gone}, err
	})
	if err != nil {
		return fail(ecOf(err))
	}
	resp := success[*rops.FindRowResponse](req)
	resp.RowNoLongerVisible = f.gone
	resp.Columns = t.cols
	if f.row != nil {
		resp.HasRowData = true
		resp.RowData = propRow(f.row)
	}
	return ok(resp)
}

// ropGetStatus (MS-OXCTABL 3.2.5.4): tables here work synchronously.
func (a *session) ropGetStatus(req *rops.GetStatusRequest, in *object) ropResult {
	if _, isTable := tableOf(in); !isTable {
		return fail(mapi.EcNotSupported)
	}
	return ok(success[*rops.GetStatusResponse](req))
}

// ropResetTable (MS-OXCTABL 3.2.5.15): columns, sort and restriction
// removed, the cursor at the beginning.
func (a *session) ropResetTable(req *rops.ResetTableRequest, in *object) ropResult {
	t, isTable := tableOf(in)
	if !isTable {
		return fail(mapi.EcNotSupported)
	}
	if t.id != 0 {
		if _, err := tableOp(a, in, func(tx *mailbox.Tx, st *mailbox.Table) (any, error) {
			if err := st.Restrict(tx, nil); err != nil {
				return nil, err
			}
			_, _, err := st.SeekRow(mailbox.BookmarkBeginning, 0)
			return nil, err
		}); err != nil {
			return fail(ecOf(err))
		}
	}
	t.cols, t.pos = nil, 0
	return ok(success[*rops.ResetTableResponse](req))
}
