package mailbox

import (
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/gromox-go/gromox/mapi"
)

// Errors of the property writers.
var (
	ErrAccessDenied  = errors.New("mailbox: access denied")
	ErrDuplicateName = errors.New("mailbox: a folder of that name exists")
	ErrFolderInUse   = errors.New("mailbox: folder has subfolders or messages")
	ErrInvalidParam  = errors.New("mailbox: invalid parameter")
)

// PropProblem is a property a writer did not store, and why (upstream's
// PROPERTY_PROBLEM).
type PropProblem struct {
	Tag mapi.PropTag
	Err error
}

// readOnlyProps are the properties of each object upstream computes and
// refuses to store (cu_set_properties).
var readOnlyProps = map[propTable]map[mapi.PropTag]bool{
	storeTable: {
		mapi.PrStoreState: true, mapi.PrMessageSize: true, mapi.PrContentCount: true,
		mapi.PrStoreRecordKey: true, mapi.PrMappingSignature: true, prAssocMessageSize: true,
		mapi.PrNormalMessageSize: true, mapi.PrMessageSizeExtended: true, mapi.PrInternetArticleNumber: true,
		mapi.PrAssocContentCount: true, mapi.PrAssocMessageSizeExtended: true, mapi.PrNormalMessageSizeExtended: true,
	},
	folderTable: {
		mapi.PrEntryID: true, mapi.PrFolderID: true, mapi.PrParentFolderID: true, prFolderFlags: true,
		mapi.PrSubfolders: true, mapi.PrContentCount: true, mapi.PrAssocContentCount: true,
		mapi.PrFolderChildCount: true, mapi.PrContentUnread: true, mapi.PrFolderType: true,
		mapi.PrHasRules: true, prFolderPathname: true, mapi.PrParentSourceKey: true,
		mapi.PrMessageSizeExtended: true, mapi.PrAssocMessageSizeExtended: true, mapi.PrNormalMessageSizeExtended: true,
	},
	messageTable: {
		mapi.PrEntryID: true, mapi.PrFolderID: true, mapi.PrParentFolderID: true,
		mapi.PrParentSourceKey: true, prHasNamedProperties: true, mapi.PrMID: true,
		mapi.PrMessageSize: true, mapi.PrAssociated: true, mapi.PrHasAttach: true,
		mapi.PrDisplayTo: true, mapi.PrDisplayCc: true, mapi.PrDisplayBcc: true,
		mapi.PrDisplayToA: true, mapi.PrDisplayCcA: true, mapi.PrDisplayBccA: true,
		prMidString: true, mapi.NewTag(0x0FF6, mapi.PtSvrEID): true, // PR_INSTANCE_SVREID
	},
}

// storedTag is the tag a value is stored under: PT_STRING8 values (UTF-8
// here) under PT_UNICODE, as upstream does for every non-ACP code page.
func storedTag(tag mapi.PropTag) mapi.PropTag {
	switch tag.Type() {
	case mapi.PtString8:
		return tag.WithType(mapi.PtUnicode)
	case mapi.PtMvString8:
		return tag.WithType(mapi.PtMvUnicode)
	}
	return tag
}

// setProps stores property values of an object by upstream's rules
// (cu_set_properties): computed properties are refused, strings are stored
// as PT_UNICODE, PidTagChangeNumber goes to the object row, a folder's new
// display name must be unique among its siblings, a message's PR_SUBJECT is
// stored as PR_SUBJECT_PREFIX and PR_NORMALIZED_SUBJECT, PR_READ sets the
// read state, PR_MESSAGE_FLAGS loses the bits the store computes, and the
// large values go to content files.
func (t *Tx) setProps(table propTable, id uint64, props Props) ([]PropProblem, error) {
	var problems []PropProblem
	var rows []propRow // written together at the end, a few statements for many rows
	for _, p := range props {
		tag := p.Tag
		if tag.ID() == 0 {
			problems = append(problems, PropProblem{tag, ErrInvalidParam})
			continue
		}
		if tag.Type() == mapi.PtObject && !(table == attachmentTable && tag == mapi.PrAttachDataObj) {
			problems = append(problems, PropProblem{tag, ErrInvalidParam})
			continue
		}
		if readOnlyProps[table][tag] {
			problems = append(problems, PropProblem{tag, ErrAccessDenied})
			continue
		}
		switch table {
		case folderTable:
			switch tag {
			case mapi.PrChangeNumber:
				cn, ok := p.Value.(int64)
				if !ok {
					problems = append(problems, PropProblem{tag, ErrInvalidParam})
					continue
				}
				if _, err := t.Exec("UPDATE folders SET change_number=? WHERE folder_id=?", int64(mapi.EID(cn).GCV()), int64(id)); err != nil {
					return nil, err
				}
				continue
			case mapi.PrDisplayName, mapi.PrDisplayNameA:
				name, _ := p.Value.(string)
				r, err := t.folderRow(id)
				if err != nil {
					return nil, err
				}
				if r.parent != 0 {
					other, err := t.FolderByName(r.parent, name)
					if err == nil && other != id {
						problems = append(problems, PropProblem{tag, ErrDuplicateName})
						continue
					}
				}
			}
		case messageTable:
			switch tag {
			case mapi.PrChangeNumber:
				cn, ok := p.Value.(int64)
				if !ok {
					problems = append(problems, PropProblem{tag, ErrInvalidParam})
					continue
				}
				if _, err := t.Exec("UPDATE messages SET change_number=? WHERE message_id=?", int64(mapi.EID(cn).GCV()), int64(id)); err != nil {
					return nil, err
				}
				continue
			case mapi.PrRead:
				read, _ := p.Value.(bool)
				if err := t.setMessageRead(id, read); err != nil {
					return nil, err
				}
				continue
			case mapi.PrMessageFlags:
				f, _ := p.Value.(int32)
				p.Value = f &^ msgFlagsComputed
			case mapi.PrSubject, mapi.PrSubjectA:
				if err := t.storeSubject(id, props, p); err != nil {
					return nil, err
				}
				continue
			}
		case recipientTable:
			if tag == mapi.PrRowID {
				continue
			}
		case attachmentTable:
			if tag == mapi.PrRecordKey || tag == mapi.PrAttachNum {
				continue
			}
		}
		st := storedTag(tag)
		if st != tag {
			// The other string type of the same property goes away.
			if _, err := t.Exec("DELETE FROM "+table.String()+whereID(table)+" proptag=?", idArgs(table, id, int64(tag))...); err != nil {
				return nil, err
			}
		}
		r, err := t.encodeRow(table, mapi.PropVal{Tag: st, Value: p.Value})
		if err != nil {
			problems = append(problems, PropProblem{tag, err})
			continue
		}
		rows = append(rows, r)
	}
	if err := t.putRows(table, id, rows); err != nil {
		return nil, err
	}
	return problems, nil
}

// whereID and idArgs build "WHERE <id>=? AND" for a table.
func whereID(table propTable) string {
	if col := table.idColumn(); col != "" {
		return " WHERE " + col + "=? AND"
	}
	return " WHERE"
}

func idArgs(table propTable, id uint64, rest ...any) []any {
	if table.idColumn() != "" {
		return append([]any{int64(id)}, rest...)
	}
	return rest
}

// removeProps deletes stored properties (both string types of a string
// property), as upstream's cu_remove_properties.
func (t *Tx) removeProps(table propTable, id uint64, tags []mapi.PropTag) error {
	for _, tag := range tags {
		var del []mapi.PropTag
		switch tag.Type() {
		case mapi.PtString8, mapi.PtUnicode:
			del = []mapi.PropTag{tag.WithType(mapi.PtUnicode), tag.WithType(mapi.PtString8)}
		case mapi.PtMvString8, mapi.PtMvUnicode:
			del = []mapi.PropTag{tag.WithType(mapi.PtMvUnicode), tag.WithType(mapi.PtMvString8)}
		default:
			del = []mapi.PropTag{tag}
		}
		for _, d := range del {
			if _, err := t.Exec("DELETE FROM "+table.String()+whereID(table)+" proptag=?", idArgs(table, id, int64(d))...); err != nil {
				return err
			}
		}
	}
	return nil
}

// setMessageRead sets a message's read state: messages.read_state and
// mfEverRead in its stored PR_MESSAGE_FLAGS (upstream cu_set_message_read).
func (t *Tx) setMessageRead(mid uint64, read bool) error {
	q := "UPDATE message_properties SET propval=propval|? WHERE message_id=? AND proptag=?"
	if !read {
		q = "UPDATE message_properties SET propval=propval&(~?) WHERE message_id=? AND proptag=?"
	}
	if _, err := t.Exec(q, MsgFlagEverRead, int64(mid), int64(mapi.PrMessageFlags)); err != nil {
		return err
	}
	return t.storeRead(mid, read)
}

// storeRead records a message's read state: messages.read_state, or in a
// public store the reader's row of read_states.
func (t *Tx) storeRead(mid uint64, read bool) error {
	if t.s.meta.kind == KindPublic {
		if read {
			_, err := t.Exec("REPLACE INTO read_states VALUES (?, ?)", int64(mid), t.publicReader())
			return err
		}
		_, err := t.Exec("DELETE FROM read_states WHERE message_id=? AND username=?", int64(mid), t.publicReader())
		return err
	}
	_, err := t.Exec("UPDATE messages SET read_state=? WHERE message_id=?", b2i(read), int64(mid))
	return err
}

// storeSubject stores PR_SUBJECT as its parts, PR_SUBJECT_PREFIX and
// PR_NORMALIZED_SUBJECT, unless both parts are among the values written
// (upstream common_util_set_message_subject / cu_rebuild_subjects).
func (t *Tx) storeSubject(mid uint64, props Props, p mapi.PropVal) error {
	subj, _ := p.Value.(string)
	pfxTag, normTag := mapi.PrSubjectPrefix, mapi.PrNormalizedSubject
	if p.Tag.Type() == mapi.PtString8 {
		pfxTag, normTag = mapi.PrSubjectPrefixA, mapi.PrNormalizedSubjectA
	}
	pfxV, hasPfx := props.Get(pfxTag)
	normV, hasNorm := props.Get(normTag)
	if hasPfx && hasNorm {
		return nil
	}
	pfx, _ := pfxV.(string)
	norm, _ := normV.(string)
	switch {
	case !hasPfx && hasNorm:
		if len(subj) >= len(norm) && subj[len(subj)-len(norm):] == norm {
			pfx, hasPfx = subj[:len(subj)-len(norm)], true
		}
	case hasPfx && !hasNorm && len(subj) >= len(pfx) && subj[:len(pfx)] == pfx:
		rest := subj[len(pfx):]
		for len(rest) > 0 && isASCIISpace(rest[0]) {
			rest = rest[1:]
		}
		norm, hasNorm = rest, true
	default:
		n := subjectPrefixLen(subj)
		pfx, norm, hasPfx, hasNorm = subj[:n], subj[n:], true, true
	}
	for _, v := range []struct {
		tag mapi.PropTag
		s   string
		ok  bool
	}{{pfxTag, pfx, hasPfx}, {normTag, norm, hasNorm}} {
		if !v.ok {
			continue
		}
		if err := t.putProp(messageTable, mid, storedTag(v.tag), v.s); err != nil {
			return err
		}
	}
	return nil
}

// subjectPrefixLen is the length in bytes of a subject's prefix ("Re: ",
// "AW: ", "Fwd: "): one to three letters or digits, a colon and an ASCII
// blank, at most 20 bytes (upstream subj_pfxlen).
func subjectPrefixLen(s string) int {
	isAlnum := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	off := 0
	for i := 0; i < 4; i++ {
		r, size := utf8.DecodeRuneInString(s[off:])
		if size == 0 {
			return 0
		}
		if i > 0 && r == ':' {
			if off+1 < len(s) && isASCIISpace(s[off+1]) {
				return min(off+2, 20)
			}
			return 0
		}
		if i == 3 || !isAlnum(r) {
			return 0
		}
		off += size
	}
	return 0
}

func isASCIISpace(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }

// propSize is upstream's propval_size: how many bytes a value counts
// for in PR_MESSAGE_SIZE.
func propSize(v any) int64 {
	switch x := v.(type) {
	case int16:
		return 2
	case int32, float32, mapi.ErrorCode:
		return 4
	case int64, float64, mapi.FileTime:
		return 8
	case bool:
		return 1
	case string:
		return int64(len(x))
	case []byte:
		return int64(len(x))
	case mapi.GUID:
		return 16
	case []int16:
		return 2 * int64(len(x))
	case []int32, []float32:
		return 4 * int64(lenOf(x))
	case []int64, []float64, []mapi.FileTime:
		return 8 * int64(lenOf(x))
	case []string:
		var n int64
		for _, s := range x {
			n += int64(len(s))
		}
		return n
	case [][]byte:
		var n int64
		for _, b := range x {
			n += int64(len(b))
		}
		return n
	case []mapi.GUID:
		return 16 * int64(len(x))
	}
	return 0
}

func lenOf(v any) int {
	switch x := v.(type) {
	case []int32:
		return len(x)
	case []float32:
		return len(x)
	case []int64:
		return len(x)
	case []float64:
		return len(x)
	case []mapi.FileTime:
		return len(x)
	}
	return 0
}

// messageSize is what upstream records as a message's message_size
// (common_util_calculate_message_size): 17 bytes for PR_ASSOCIATED,
// PidTagMid and PidTagChangeNumber, plus the size of every other value of
// the message, its recipients and attachments (content-file values count
// their length), and of embedded messages.
func messageSize(mc *MessageContent) int64 {
	n := int64(1 + 8 + 8)
	for _, p := range mc.Props {
		switch p.Tag {
		case mapi.PrAssociated, mapi.PrMID, mapi.PrChangeNumber:
			continue
		}
		n += propSize(p.Value)
	}
	for _, r := range mc.Recipients {
		for _, p := range r {
			if p.Tag != mapi.PrRowID {
				n += propSize(p.Value)
			}
		}
	}
	for _, a := range mc.Attachments {
		for _, p := range a.Props {
			if p.Tag != mapi.PrAttachNum {
				n += propSize(p.Value)
			}
		}
		if a.Embedded != nil {
			n += messageSize(a.Embedded)
		}
	}
	return n
}

func errProblems(problems []PropProblem) error {
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("mailbox: %v not stored: %w", problems[0].Tag, problems[0].Err)
}
