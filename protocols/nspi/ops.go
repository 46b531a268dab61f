package nspi

// The NSPI operations on a bound session's address book (MS-OXNSPI
// 3.1.4.1), one function per request type. They are pure: state in, STAT
// and rows out; the session actor calls them one at a time.

import (
	"sort"
	"strings"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/wire"
)

// position finds where a STAT points in a table (MS-OXNSPI 3.1.4.5):
// absolutely by CurrentRec, or fractionally by NumPos/TotalRecs when
// CurrentRec is MID_CURRENT. It returns the row (len(rows) = past the end).
func position(st *wire.Stat, t table) int {
	n := len(t.rows)
	switch st.CurrentRec {
	case midCurrent: // 3.1.4.5.2
		if st.TotalRecs == 0 || n == 0 {
			return 0
		}
		row := int(uint64(st.NumPos) * uint64(n) / uint64(st.TotalRecs))
		return min(row, n)
	case midBeginningOfTable:
		return 0
	case midEndOfTable:
		return n
	}
	if p, ok := t.pos[st.CurrentRec]; ok { // 3.1.4.5.1
		return p
	}
	return 0 // undefined: upstream starts over
}

// applyDelta moves row by delta, clamped to [0, n].
func applyDelta(row int, delta int32, n int) int {
	row += int(delta)
	return max(0, min(row, n))
}

// setPosition writes row into the STAT: CurrentRec, NumPos, TotalRecs,
// Delta 0 (MS-OXNSPI 3.1.4.1.8).
func setPosition(st *wire.Stat, row int, t table) {
	n := len(t.rows)
	switch {
	case row >= n:
		st.CurrentRec = midEndOfTable
		row = n
	case row == 0:
		st.CurrentRec = midBeginningOfTable
	default:
		st.CurrentRec = t.rows[row].MId
	}
	st.Delta = 0
	st.NumPos = uint32(row)
	st.TotalRecs = uint32(n)
}

// columns checks a client's column list: nil takes def, more than
// maxColumns is ecTableTooBig.
func columns(cols, def []mapi.PropTag) ([]mapi.PropTag, mapi.ErrorCode) {
	if cols == nil {
		return def, mapi.EcSuccess
	}
	if len(cols) > maxColumns {
		return nil, mapi.EcTableTooBig
	}
	return cols, mapi.EcSuccess
}

// updateStat is NspiUpdateStat (MS-OXNSPI 3.1.4.1.5).
func (s *state) updateStat(req *wire.UpdateStatRequest) *wire.UpdateStatResponse {
	if req.State == nil || req.State.CodePage == codePageUnicode {
		return &wire.UpdateStatResponse{ErrorCode: uint32(mapi.EcNotSupported)}
	}
	st := *req.State
	t, ok := s.book.table(st.ContainerID)
	if !ok {
		return &wire.UpdateStatResponse{ErrorCode: uint32(mapi.EcInvalidBookmark)}
	}
	row := applyDelta(position(&st, t), st.Delta, len(t.rows))
	old := st.NumPos
	setPosition(&st, row, t)
	resp := &wire.UpdateStatResponse{State: &st}
	if req.DeltaRequested {
		d := int32(row) - int32(old)
		resp.Delta = &d
	}
	return resp
}

// queryRows is NspiQueryRows (MS-OXNSPI 3.1.4.1.8).
func (s *state) queryRows(req *wire.QueryRowsRequest) *wire.QueryRowsResponse {
	fail := func(ec mapi.ErrorCode) *wire.QueryRowsResponse {
		return &wire.QueryRowsResponse{ErrorCode: uint32(ec)}
	}
	if req.State == nil || req.State.CodePage == codePageUnicode {
		return fail(mapi.EcNotSupported)
	}
	if req.RowCount == 0 && len(req.ExplicitTable) == 0 {
		return fail(mapi.EcInvalidParam)
	}
	cols, ec := columns(req.Columns, defaultColumns)
	if ec != mapi.EcSuccess {
		return fail(ec)
	}
	v := s.view(req.Flags&flagEphID != 0, req.State.CodePage)
	st := *req.State
	rows := []mapi.PropRow{}
	if len(req.ExplicitTable) > 0 {
		for _, mid := range req.ExplicitTable {
			rows = append(rows, s.midRow(v, mid, cols))
		}
		return &wire.QueryRowsResponse{State: &st, Columns: cols, Rows: rows}
	}
	t, ok := s.book.table(st.ContainerID)
	if !ok {
		return fail(mapi.EcInvalidBookmark)
	}
	start := applyDelta(position(&st, t), st.Delta, len(t.rows))
	end := min(len(t.rows), start+int(req.RowCount))
	for _, e := range t.rows[start:end] {
		rows = append(rows, v.entryRow(e, cols))
	}
	setPosition(&st, end, t)
	return &wire.QueryRowsResponse{State: &st, Columns: cols, Rows: rows}
}

// midRow is the row of any MId: an object, a container or nothing.
func (s *state) midRow(v view, mid uint32, cols []mapi.PropTag) mapi.PropRow {
	if e := s.book.Entry(mid); e != nil {
		return v.entryRow(e, cols)
	}
	if c, ok := s.book.contByMId[mid]; ok {
		return row(cols, func(t mapi.PropTag) (any, mapi.ErrorCode) { return v.containerValue(c, t) })
	}
	return errorRow(cols)
}

// seekEntries is NspiSeekEntries (MS-OXNSPI 3.1.4.1.9): position on the
// first object whose display name sorts at or after the target; its row
// (or, with an explicit table, the rows of all such objects of it) when
// the client names columns.
func (s *state) seekEntries(req *wire.SeekEntriesRequest) *wire.SeekEntriesResponse {
	fail := func(ec mapi.ErrorCode) *wire.SeekEntriesResponse {
		return &wire.SeekEntriesResponse{ErrorCode: uint32(ec)}
	}
	if req.State == nil || req.State.CodePage == codePageUnicode || req.Reserved != 0 {
		return fail(mapi.EcNotSupported)
	}
	if req.Target == nil {
		return fail(mapi.EcInvalidParam)
	}
	st := *req.State
	target, isString := req.Target.Value.(string)
	switch st.SortType {
	case sortTypeDisplayName, sortTypeDisplayNameRO, sortTypeDisplayNameW:
		if !isString || req.Target.Tag.ID() != tagDisplayName.ID() {
			return fail(mapi.EcError)
		}
	case sortTypePhoneticDisplayName:
		if !isString || req.Target.Tag.ID() != tagPhoneticDisplayName.ID() {
			return fail(mapi.EcError)
		}
	default:
		return fail(mapi.EcError)
	}
	cols, ec := columns(req.Columns, defaultColumns)
	if ec != mapi.EcSuccess {
		return fail(ec)
	}
	v := s.view(true, st.CodePage)
	if req.Target.Tag.Type() == mapi.PtString8 {
		target = from8(target, st.CodePage)
	}
	var found []*Entry
	if len(req.ExplicitTable) > 0 {
		for _, mid := range req.ExplicitTable {
			if e := s.book.Entry(mid); e != nil && mapi.CompareStrings(e.DisplayName, target) >= 0 {
				found = append(found, e)
			}
		}
		if len(found) == 0 {
			return fail(mapi.EcNotFound)
		}
		// The explicit table's rows at or after the target (3.1.4.1.9).
		st.CurrentRec, st.NumPos, st.TotalRecs, st.Delta = found[0].MId, 0, uint32(len(found)), 0
	} else {
		t, ok := s.book.table(st.ContainerID)
		if !ok {
			return fail(mapi.EcInvalidBookmark)
		}
		// From the STAT's position on; the row found is the one row
		// returned and the new position (as upstream does).
		i := applyDelta(position(&st, t), st.Delta, len(t.rows))
		for i < len(t.rows) && mapi.CompareStrings(t.rows[i].DisplayName, target) < 0 {
			i++
		}
		if i == len(t.rows) {
			return fail(mapi.EcNotFound)
		}
		setPosition(&st, i, t)
		st.CurrentRec = t.rows[i].MId
		found = t.rows[i : i+1]
	}
	resp := &wire.SeekEntriesResponse{State: &st}
	if req.Columns != nil {
		resp.Columns = cols
		resp.Rows = []mapi.PropRow{}
		for _, e := range found {
			resp.Rows = append(resp.Rows, v.entryRow(e, cols))
		}
	}
	return resp
}

// getMatches is NspiGetMatches (MS-OXNSPI 3.1.4.1.10): the objects of the
// container that satisfy the restriction, from the STAT's position on, at
// most RowCount of them.
func (s *state) getMatches(req *wire.GetMatchesRequest) *wire.GetMatchesResponse {
	fail := func(ec mapi.ErrorCode) *wire.GetMatchesResponse {
		return &wire.GetMatchesResponse{ErrorCode: uint32(ec)}
	}
	if req.State == nil || req.State.CodePage == codePageUnicode {
		return fail(mapi.EcNotSupported)
	}
	st := *req.State
	switch st.SortType {
	case sortTypeDisplayName, sortTypePhoneticDisplayName, sortTypeDisplayNameRO, sortTypeDisplayNameW:
	default:
		return fail(mapi.EcNotSupported)
	}
	if req.Reserved != 0 || req.PropertyName != nil {
		return fail(mapi.EcNotSupported)
	}
	if req.Columns != nil && len(req.Columns) > maxColumns {
		return fail(mapi.EcTableTooBig)
	}
	v := s.view(true, st.CodePage)
	mids := []uint32{}
	if req.Filter == nil {
		// Without a restriction the STAT names an object and, in
		// ContainerID, a link property of it (3.1.4.1.10): the objects
		// it links to. PR_EMS_AB_MEMBER gives a list's members; for other
		// properties, the object itself if it has the property.
		e := s.book.Entry(st.CurrentRec)
		if e != nil && mapi.PropTag(st.ContainerID) == tagMember {
			members, ok := s.book.members(e)
			if !ok {
				return fail(mapi.EcNotFound)
			}
			mids = append(mids, members[:min(len(members), int(req.RowCount))]...)
		} else if e != nil {
			if _, ec := v.entryValue(e, mapi.PropTag(st.ContainerID)); ec == mapi.EcSuccess {
				mids = append(mids, e.MId)
			}
		}
	} else {
		t, ok := s.book.table(st.ContainerID)
		if !ok {
			return fail(mapi.EcInvalidBookmark)
		}
		restrictionUTF8(req.Filter, st.CodePage, 0)
		m := mapi.NewMatcher(req.Filter)
		for _, e := range t.rows[position(&st, t):] {
			if uint32(len(mids)) >= req.RowCount {
				break
			}
			if m.Match(entryMatchRow{v, e}) {
				mids = append(mids, e.MId)
			}
		}
	}
	resp := &wire.GetMatchesResponse{MinimalIDs: mids}
	if req.Columns != nil {
		resp.Columns = req.Columns
		resp.Rows = []mapi.PropRow{}
		for _, mid := range mids {
			resp.Rows = append(resp.Rows, s.midRow(v, mid, req.Columns))
		}
	}
	st.ContainerID = st.CurrentRec // as upstream does (MS-OXNSPI 3.1.4.1.10)
	resp.State = &st
	return resp
}

// resolveNames is NspiResolveNamesW (MS-OXNSPI 3.1.4.1.17, ANR 3.1.4.7):
// MID_RESOLVED with a row, MID_AMBIGUOUS or MID_UNRESOLVED per name.
func (s *state) resolveNames(req *wire.ResolveNamesRequest) *wire.ResolveNamesResponse {
	fail := func(ec mapi.ErrorCode) *wire.ResolveNamesResponse {
		return &wire.ResolveNamesResponse{ErrorCode: uint32(ec)}
	}
	if req.State == nil || req.State.CodePage == codePageUnicode {
		return fail(mapi.EcNotSupported)
	}
	cols, ec := columns(req.PropertyTags, defaultColumns)
	if ec != mapi.EcSuccess {
		return fail(ec)
	}
	t, ok := s.book.table(req.State.ContainerID)
	if !ok {
		return fail(mapi.EcInvalidBookmark)
	}
	v := s.view(true, req.State.CodePage)
	resp := &wire.ResolveNamesResponse{CodePage: req.State.CodePage, MinimalIDs: []uint32{}, PropertyTags: cols, Rows: []mapi.PropRow{}}
	for _, name := range req.Names {
		e, mid := resolve(t.rows, name)
		resp.MinimalIDs = append(resp.MinimalIDs, mid)
		switch {
		case e != nil:
			resp.Rows = append(resp.Rows, v.entryRow(e, cols))
		case mid == midResolved: // =SMTP:addr of nobody here: a one-off row
			addr := name[strings.IndexByte(name, ':')+1:]
			resp.Rows = append(resp.Rows, row(cols, func(t mapi.PropTag) (any, mapi.ErrorCode) {
				val, ec := oneOffValue(addr, t)
				return v.eight(val, ec, t.Type())
			}))
		}
	}
	return resp
}

// resolve runs ANR over rows. A "TYPE:" prefix ("=SMTP:x@y", "SMTP:x@y",
// "EX:/o=...") is dropped. An exact SMTP address, account, DN or display
// name wins; otherwise a name resolves when exactly one object has it as
// a substring of its display name or a prefix of its SMTP address or its
// local part.
func resolve(rows []*Entry, name string) (*Entry, uint32) {
	token := strings.TrimSpace(name)
	smtpForm := false
	if i := strings.IndexByte(token, ':'); i >= 0 && !strings.HasPrefix(token, "/") {
		prefix := strings.ToUpper(strings.TrimPrefix(token[:i], "="))
		smtpForm = prefix == "SMTP" && strings.HasPrefix(token, "=")
		token = strings.TrimSpace(token[i+1:])
	}
	if token == "" {
		return nil, midUnresolved
	}
	lt := strings.ToLower(token)
	var exact, partial []*Entry
	for _, e := range rows {
		switch {
		case e.lsmtp == lt, e.luser == lt, e.ldn == lt, e.lname == lt:
			exact = append(exact, e)
		case strings.Contains(e.lname, lt), strings.HasPrefix(e.lsmtp, lt), strings.HasPrefix(e.llocal, lt):
			partial = append(partial, e)
		}
	}
	switch {
	case len(exact) == 1:
		return exact[0], midResolved
	case len(exact) > 1:
		return nil, midAmbiguous
	case len(partial) == 1:
		return partial[0], midResolved
	case len(partial) > 1:
		return nil, midAmbiguous
	case smtpForm && strings.Contains(token, "@"):
		return nil, midResolved
	}
	return nil, midUnresolved
}

// oneOffValue is a property of an SMTP address that is not in the book.
func oneOffValue(addr string, tag mapi.PropTag) (any, mapi.ErrorCode) {
	if tag.Type().IsString() && !tag.Type().IsMV() {
		switch tag.ID() {
		case tagAddrType.ID():
			return "SMTP", mapi.EcSuccess
		case tagEmailAddress.ID(), tagDisplayName.ID(), tagDisplayNamePrintable.ID(), tagTransmittableName.ID(), tagSMTPAddress.ID():
			return addr, mapi.EcSuccess
		}
	}
	switch tag {
	case tagObjectType:
		return int32(objectTypeMailUser), mapi.EcSuccess
	case tagDisplayType, tagDisplayTypeEx:
		return int32(dtMailUser), mapi.EcSuccess
	case tagSearchKey:
		return append([]byte(strings.ToUpper("SMTP:"+addr)), 0), mapi.EcSuccess
	}
	return nil, mapi.EcNotFound
}

// dnToMId is NspiDNToMId (MS-OXNSPI 3.1.4.1.13): the MId of each DN, 0 for
// unknown ones.
func (s *state) dnToMId(req *wire.DNToMIdRequest) *wire.DNToMIdResponse {
	if req.Names == nil {
		return &wire.DNToMIdResponse{}
	}
	mids := make([]uint32, len(req.Names))
	for i, dn := range req.Names {
		if e := s.book.EntryByDN(dn); e != nil {
			mids[i] = e.MId
			continue
		}
		for _, c := range s.book.containers {
			if strings.EqualFold(dn, containerGUIDDN(c.GUID)) {
				mids[i] = c.MId
			}
		}
	}
	return &wire.DNToMIdResponse{MinimalIDs: mids}
}

// getProps is NspiGetProps (MS-OXNSPI 3.1.4.1.7): the properties of the
// object the STAT points at.
func (s *state) getProps(req *wire.GetPropsRequest) *wire.GetPropsResponse {
	fail := func(ec mapi.ErrorCode) *wire.GetPropsResponse {
		return &wire.GetPropsResponse{ErrorCode: uint32(ec)}
	}
	if req.State == nil {
		return fail(mapi.EcNotSupported)
	}
	st := req.State
	unicode := st.CodePage == codePageUnicode
	if unicode {
		for _, t := range req.PropertyTags {
			if t.Type() == mapi.PtString8 {
				return fail(mapi.EcNotSupported)
			}
		}
	}
	if len(req.PropertyTags) > maxColumns {
		return fail(mapi.EcTableTooBig)
	}
	v := s.view(req.Flags&flagEphID != 0, st.CodePage)
	var e *Entry
	var c *Container
	isContainer := false
	if st.CurrentRec > midOffset {
		e = s.book.Entry(st.CurrentRec)
		if e == nil {
			c, isContainer = s.book.contByMId[st.CurrentRec]
		}
	} else {
		t, ok := s.book.table(st.ContainerID)
		if !ok {
			return fail(mapi.EcInvalidBookmark)
		}
		if p := applyDelta(position(st, t), st.Delta, len(t.rows)); p < len(t.rows) {
			e = t.rows[p]
		}
	}
	cols := req.PropertyTags
	explicit := cols != nil
	var get func(mapi.PropTag) (any, mapi.ErrorCode)
	switch {
	case e != nil:
		get = func(t mapi.PropTag) (any, mapi.ErrorCode) { return v.entryValue(e, t) }
		if !explicit {
			cols = stringTyped(entryColumns, unicode)
		}
	case isContainer:
		get = func(t mapi.PropTag) (any, mapi.ErrorCode) { return v.containerValue(c, t) }
		if !explicit {
			cols = stringTyped(containerColumns, unicode)
		}
	default:
		if !explicit {
			return fail(mapi.EcInvalidObject)
		}
		// 3.1.4.1.7: no object: every property an error.
		get = func(mapi.PropTag) (any, mapi.ErrorCode) { return nil, mapi.EcNotFound }
	}
	resp := &wire.GetPropsResponse{CodePage: st.CodePage, PropertyValues: []mapi.PropVal{}}
	for _, col := range cols {
		pv, ok := value(col, get)
		if !ok {
			if !explicit {
				continue
			}
			resp.ErrorCode = uint32(mapi.EcWarnWithErrors)
		}
		resp.PropertyValues = append(resp.PropertyValues, pv)
	}
	return resp
}

// getPropList is NspiGetPropList (MS-OXNSPI 3.1.4.1.6): the tags the
// object has values for.
func (s *state) getPropList(req *wire.GetPropListRequest) *wire.GetPropListResponse {
	if req.MinimalID == 0 {
		return &wire.GetPropListResponse{ErrorCode: uint32(mapi.EcInvalidObject)}
	}
	unicode := req.CodePage == codePageUnicode
	v := s.view(false, req.CodePage)
	var tags []mapi.PropTag
	if e := s.book.Entry(req.MinimalID); e != nil {
		for _, t := range stringTyped(entryColumns, unicode) {
			if _, ec := v.entryValue(e, t); ec == mapi.EcSuccess {
				tags = append(tags, t)
			}
		}
	} else if c, ok := s.book.contByMId[req.MinimalID]; ok {
		for _, t := range stringTyped(containerColumns, unicode) {
			if _, ec := v.containerValue(c, t); ec == mapi.EcSuccess {
				tags = append(tags, t)
			}
		}
	} else {
		return &wire.GetPropListResponse{ErrorCode: uint32(mapi.EcInvalidObject)}
	}
	return &wire.GetPropListResponse{PropertyTags: tags}
}

// queryColumns is NspiQueryColumns (MS-OXNSPI 3.1.4.1.12): every property
// the server knows.
func (s *state) queryColumns(req *wire.QueryColumnsRequest) *wire.QueryColumnsResponse {
	seen := map[mapi.PropTag]bool{}
	var tags []mapi.PropTag
	for _, t := range stringTyped(append(append([]mapi.PropTag{}, entryColumns...), containerColumns...), req.MapiFlags&flagUnicodeProptypes != 0) {
		if !seen[t] {
			seen[t] = true
			tags = append(tags, t)
		}
	}
	return &wire.QueryColumnsResponse{Columns: tags}
}

// compareMIds is NspiCompareMIds (MS-OXNSPI 3.1.4.1.4): the order of two
// objects in the STAT's container.
func (s *state) compareMIds(req *wire.CompareMIdsRequest) *wire.CompareMIdsResponse {
	if req.State != nil && req.State.CodePage == codePageUnicode {
		return &wire.CompareMIdsResponse{ErrorCode: uint32(mapi.EcNotSupported)}
	}
	var cid uint32
	if req.State != nil {
		cid = req.State.ContainerID
	}
	t, ok := s.book.table(cid)
	if !ok {
		return &wire.CompareMIdsResponse{ErrorCode: uint32(mapi.EcInvalidBookmark)}
	}
	p1, ok1 := t.pos[req.MinimalID1]
	p2, ok2 := t.pos[req.MinimalID2]
	if !ok1 || !ok2 {
		return &wire.CompareMIdsResponse{ErrorCode: uint32(mapi.EcError)}
	}
	return &wire.CompareMIdsResponse{Result: int32(p1 - p2)}
}

// getSpecialTable is NspiGetSpecialTable (MS-OXNSPI 3.1.4.1.3): the
// hierarchy table, the GAL first, then one container per domain.
func (s *state) getSpecialTable(req *wire.GetSpecialTableRequest) *wire.GetSpecialTableResponse {
	var cp uint32 = 1252
	if req.State != nil {
		cp = req.State.CodePage
	}
	version := uint32(1)
	if req.Version != nil {
		version = *req.Version + 1
	}
	if req.Flags&flagCreateTemplates != 0 {
		// No address creation templates.
		return &wire.GetSpecialTableResponse{CodePage: cp, Version: &version}
	}
	unicode := req.Flags&flagUnicodeStrings != 0
	if !unicode && cp == codePageUnicode {
		return &wire.GetSpecialTableResponse{ErrorCode: uint32(mapi.EcNotSupported)}
	}
	v := s.view(false, cp)
	name := tagDisplayName.WithType(mapi.PtString8)
	if unicode {
		name = tagDisplayName
	}
	cols := []mapi.PropTag{tagEntryID, tagContainerFlags, tagDepth, tagContainerID, name, tagIsMaster}
	mk := func(c *Container) []mapi.PropVal {
		vals := make([]mapi.PropVal, 0, len(cols))
		for _, t := range cols {
			pv, _ := value(t, func(t mapi.PropTag) (any, mapi.ErrorCode) { return v.containerValue(c, t) })
			vals = append(vals, pv)
		}
		return vals
	}
	rows := [][]mapi.PropVal{mk(nil)}
	for _, c := range s.book.containers {
		rows = append(rows, mk(c))
	}
	return &wire.GetSpecialTableResponse{CodePage: cp, Version: &version, Rows: rows}
}

// getTemplateInfo is NspiGetTemplateInfo (MS-OXNSPI 3.1.4.1.18): the
// display template (MS-OXOABKT) of a display type in a locale, its strings
// in the request's code page, as upstream answers: TI_TEMPLATE without
// TI_SCRIPT (we have no scripts) or ecNotSupported; a code page we cannot
// write templates in (CP_WINUNICODE among them) is MAPI_E_UNKNOWN_CPID; a
// template asked for by DN, or one we do not have (no abkt.pak, another
// locale or type) is MAPI_E_UNKNOWN_LCID, and Outlook uses its built-in
// dialog. There is no fallback to another locale.
func (s *state) getTemplateInfo(req *wire.GetTemplateInfoRequest) *wire.GetTemplateInfoResponse {
	fail := func(ec mapi.ErrorCode) *wire.GetTemplateInfoResponse {
		return &wire.GetTemplateInfoResponse{ErrorCode: uint32(ec), CodePage: req.CodePage}
	}
	if req.Flags&(tiTemplate|tiScript) != tiTemplate {
		return fail(mapi.EcNotSupported)
	}
	if !templateCodePage(req.CodePage) {
		return fail(ecUnknownCPID)
	}
	if req.TemplateDN != nil {
		return fail(ecUnknownLCID)
	}
	t := s.templates.lookup(req.LocaleID, req.DisplayType)
	if t == nil {
		return fail(ecUnknownLCID)
	}
	return &wire.GetTemplateInfoResponse{CodePage: req.CodePage,
		Row: []mapi.PropVal{{Tag: tagTemplateData, Value: t.encode(req.CodePage)}}}
}

// resortRestriction is NspiResortRestriction (MS-OXNSPI 3.1.4.1.11): the
// client's MIds in the sort order of the tables (unknown ones dropped).
func (s *state) resortRestriction(req *wire.ResortRestrictionRequest) *wire.ResortRestrictionResponse {
	if req.State == nil || req.State.CodePage == codePageUnicode {
		return &wire.ResortRestrictionResponse{ErrorCode: uint32(mapi.EcNotSupported)}
	}
	st := *req.State
	var entries []*Entry
	seen := map[uint32]bool{}
	for _, mid := range req.MinimalIDs {
		if e := s.book.Entry(mid); e != nil && !seen[mid] {
			seen[mid] = true
			entries = append(entries, e)
		}
	}
	sort.SliceStable(entries, func(i, j int) bool { return entryLess(entries[i], entries[j]) })
	mids := make([]uint32, len(entries))
	found := false
	for i, e := range entries {
		mids[i] = e.MId
		if e.MId == st.CurrentRec {
			found = true
			st.NumPos = uint32(i)
		}
	}
	st.TotalRecs = uint32(len(mids))
	if !found {
		st.CurrentRec, st.NumPos = midBeginningOfTable, 0
	}
	return &wire.ResortRestrictionResponse{State: &st, MinimalIDs: mids}
}
