package mailbox

// Reading the rows of a contents table for a whole folder at once: the
// candidate messages, and the sort, category and restriction values of
// all of them in a few queries instead of one MessageProps call each.

import (
	"database/sql"
	"slices"
	"strings"

	"github.com/gromox-go/gromox/mapi"
)

// candidateFrom is the FROM/WHERE part that selects the messages of the
// table's flags (m is messages).
func (c *contentTable) candidateFrom() (string, []any) {
	args := []any{int64(c.t.fid), b2i(c.t.flags&TableAssociated != 0), b2i(c.t.flags&TableSoftDeletes != 0)}
	if c.search {
		return ` FROM messages AS m JOIN search_result AS s ON s.folder_id=? AND s.message_id=m.message_id
			WHERE m.is_associated=? AND m.is_deleted=?`, args
	}
	return " FROM messages AS m WHERE m.parent_fid=? AND m.is_associated=? AND m.is_deleted=?", args
}

// candidates lists the messages the table's flags select, by id, with
// their read state.
func (c *contentTable) candidates(tx *Tx) ([]candidate, error) {
	from, args := c.candidateFrom()
	read := "m.read_state"
	if tx.s.meta.kind == KindPublic {
		read = "(SELECT COUNT(*) FROM read_states AS rs WHERE rs.message_id=m.message_id AND rs.username=?)"
		args = append([]any{tx.publicReader()}, args...)
	}
	rows, err := tx.Query("SELECT m.message_id, "+read+from+" ORDER BY m.message_id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []candidate
	for rows.Next() {
		var mid int64
		var rs sql.NullInt64
		if err := rows.Scan(&mid, &rs); err != nil {
			return nil, err
		}
		out = append(out, candidate{mid: uint64(mid), read: rs.Int64 != 0})
	}
	return out, rows.Err()
}

// messageComputedTags are the tags MessageProps computes or gives a
// default (messageComputed, messageFallback in messages.go): they cannot
// be read from message_properties as they are.
var messageComputedTags = map[mapi.PropTag]bool{
	mapi.PrEntryID: true, mapi.PrParentEntryID: true, mapi.PrFolderID: true, mapi.PrParentFolderID: true,
	mapi.PrParentDisplay: true, mapi.PrParentDisplayA: true, mapi.PrMID: true, mapi.PrChangeNumber: true,
	mapi.PrMessageSize: true, mapi.PrAssociated: true, mapi.PrRead: true, prHasNamedProperties: true,
	mapi.PrHasAttach: true, mapi.PrMessageFlags: true, mapi.PrSubject: true, mapi.PrSubjectA: true,
	mapi.PrDisplayTo: true, mapi.PrDisplayCc: true, mapi.PrDisplayBcc: true,
	mapi.PrDisplayToA: true, mapi.PrDisplayCcA: true, mapi.PrDisplayBccA: true,
	mapi.PrSourceKey: true, mapi.PrParentSourceKey: true, prMidString: true,
	mapi.PrMessageClass: true, mapi.PrMessageClassA: true, mapi.PrRTFInSync: true,
	mapi.PrSenderAddrType: true, mapi.PrSenderAddrTypeA: true,
	mapi.PrSentRepresentingAddrType: true, mapi.PrSentRepresentingAddrTypeA: true,
}

// derivedTags are computed properties common in views (the unread
// filter, sorting by size or subject, the attachment column) that the
// table computes for a whole folder at once, the way messageComputed and
// messageFlags do for one message.
var derivedTags = map[mapi.PropTag]bool{
	mapi.PrRead: true, mapi.PrMessageSize: true, mapi.PrHasAttach: true, mapi.PrMessageFlags: true,
	mapi.PrSubject: true, mapi.PrSubjectA: true, mapi.PrMID: true, mapi.PrAssociated: true,
}

// splitBulkTags divides tags into plain stored message properties, which
// bulkProps reads for a whole folder at once, derived ones, and the rest,
// which need MessageProps. sample is a message of the folder: a tag
// MessageProps computes for it is never read as stored, whatever the list
// above says.
func (t *Tx) splitBulkTags(tags []mapi.PropTag, sample uint64) (stored, derived, slow []mapi.PropTag, err error) {
	r, err := t.messageRow(sample)
	if err != nil {
		return nil, nil, tags, nil
	}
	empty := &objectRows{table: messageTable, id: sample, byTag: map[uint32]int{}}
	for _, tag := range tags {
		if derivedTags[tag] {
			derived = append(derived, tag)
			continue
		}
		plain := tag.Type() != mapi.PtUnspecified && !messageComputedTags[tag] &&
			!messageTable.holdsCID(uint32(tag)) && (stringTwin(tag) == 0 || !messageTable.holdsCID(uint32(stringTwin(tag))))
		if plain {
			_, handled, err := t.messageComputed(sample, r, empty, tag)
			if err != nil {
				return nil, nil, nil, err
			}
			plain = !handled && t.messageFallback(empty, tag) == nil
		}
		if plain {
			stored = append(stored, tag)
		} else {
			slow = append(slow, tag)
		}
	}
	return stored, derived, slow, nil
}

// bulkValues reads the values of tags for all the table's candidate
// messages with a few queries where it can, and returns the tags left for
// MessageProps.
func (c *contentTable) bulkValues(tx *Tx, tags []mapi.PropTag, sample uint64) (map[uint64]Props, []mapi.PropTag, error) {
	stored, derived, slow, err := tx.splitBulkTags(tags, sample)
	if err != nil {
		return nil, nil, err
	}
	// The stored properties the derived values are made of.
	ask := slices.Clone(stored)
	for _, tag := range derived {
		var parts []mapi.PropTag
		switch tag {
		case mapi.PrMessageFlags:
			parts = []mapi.PropTag{mapi.PrMessageFlags, mapi.PrReadReceiptRequested, mapi.PrNonReceiptNotificationRequested}
		case mapi.PrSubject, mapi.PrSubjectA:
			parts = []mapi.PropTag{mapi.PrSubjectPrefix, mapi.PrNormalizedSubject}
		}
		for _, p := range parts {
			if !slices.Contains(ask, p) {
				ask = append(ask, p)
			}
		}
	}
	var vals map[uint64]Props
	if len(ask) > 0 {
		if vals, err = c.bulkProps(tx, ask); err != nil {
			return nil, nil, err
		}
	}
	if len(derived) == 0 {
		return vals, slow, nil
	}
	facts, err := c.facts(tx)
	if err != nil {
		return nil, nil, err
	}
	assoc := c.t.flags&TableAssociated != 0
	out := make(map[uint64]Props, len(facts))
	for mid, f := range facts {
		have := vals[mid]
		props := make(Props, 0, len(stored)+len(derived))
		for _, p := range have {
			if slices.Contains(stored, p.Tag) {
				props = append(props, p)
			}
		}
		str := func(tag mapi.PropTag) string {
			v, _ := have.Get(tag)
			s, _ := v.(string)
			return s
		}
		for _, tag := range derived {
			var v any
			switch tag {
			case mapi.PrRead:
				v = f.read
			case mapi.PrMessageSize:
				v = u32(f.size)
			case mapi.PrHasAttach:
				v = f.attach
			case mapi.PrMID:
				v = int64(mapi.MakeEID(mapi.ReplidLocal, mid))
			case mapi.PrAssociated:
				v = assoc
			case mapi.PrSubject, mapi.PrSubjectA:
				v = str(mapi.PrSubjectPrefix) + str(mapi.PrNormalizedSubject)
			case mapi.PrMessageFlags:
				// messageFlags: the stored bits, and those upstream
				// computes from the message's state.
				var fl int32
				if x, ok := have.Get(mapi.PrMessageFlags); ok {
					fl = x.(int32) &^ msgFlagsComputed
				}
				if f.read {
					fl |= MsgFlagRead
				}
				if f.attach {
					fl |= MsgFlagHasAttach
				}
				if assoc {
					fl |= MsgFlagAssociated
				}
				if x, _ := have.Get(mapi.PrReadReceiptRequested); x == true {
					fl |= MsgFlagRNPending
				}
				if x, _ := have.Get(mapi.PrNonReceiptNotificationRequested); x == true {
					fl |= MsgFlagNRNPending
				}
				v = fl
			}
			props = append(props, mapi.PropVal{Tag: tag, Value: v})
		}
		out[mid] = props
	}
	return out, slow, nil
}

// msgFacts is what the messages table says about a message.
type msgFacts struct {
	size   int64
	read   bool
	attach bool
}

// facts reads the read state, size and whether it has attachments of
// every candidate message.
func (c *contentTable) facts(tx *Tx) (map[uint64]msgFacts, error) {
	from, args := c.candidateFrom()
	read := "m.read_state"
	if tx.s.meta.kind == KindPublic {
		read = "(SELECT COUNT(*) FROM read_states AS rs WHERE rs.message_id=m.message_id AND rs.username=?)"
		args = append([]any{tx.publicReader()}, args...)
	}
	rows, err := tx.Query("SELECT m.message_id, "+read+", m.message_size, EXISTS (SELECT 1 FROM attachments AS a WHERE a.message_id=m.message_id)"+from, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[uint64]msgFacts{}
	for rows.Next() {
		var mid, size int64
		var rs sql.NullInt64
		var att bool
		if err := rows.Scan(&mid, &rs, &size, &att); err != nil {
			return nil, err
		}
		out[uint64(mid)] = msgFacts{size: size, read: rs.Int64 != 0, attach: att}
	}
	return out, rows.Err()
}

// bulkProps reads plain stored properties of all the table's candidate
// messages in one query, answering each tag as MessageProps does (the
// stored row of that tag, else of the other string type; undecodable
// values and empty string multi-values are absent).
func (c *contentTable) bulkProps(tx *Tx, tags []mapi.PropTag) (map[uint64]Props, error) {
	want := map[uint32][]mapi.PropTag{} // stored tag -> requested tags it may answer
	var in []any
	for _, tag := range tags {
		forms := []mapi.PropTag{tag}
		if tw := stringTwin(tag); tw != 0 {
			forms = append(forms, tw)
		}
		for _, f := range forms {
			if _, ok := want[uint32(f)]; !ok {
				in = append(in, int64(uint32(f)))
			}
			want[uint32(f)] = append(want[uint32(f)], tag)
		}
	}
	from, args := c.candidateFrom()
	q := "SELECT m.message_id, p.proptag, p.propval" + from[:len(" FROM messages AS m")] +
		" JOIN message_properties AS p ON p.message_id=m.message_id AND p.proptag IN (?" + strings.Repeat(",?", len(in)-1) + ")" +
		from[len(" FROM messages AS m"):]
	rows, err := tx.Query(q, append(in, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type found struct {
		row  propRow
		rank int // 0: the exact tag, 1: PT_UNICODE form, 2: PT_STRING8 form
	}
	per := map[uint64]map[mapi.PropTag]found{}
	for rows.Next() {
		var mid, tag int64
		var r propRow
		if err := rows.Scan(&mid, &tag, &r.val); err != nil {
			return nil, err
		}
		r.tag = uint32(tag)
		m := per[uint64(mid)]
		if m == nil {
			m = map[mapi.PropTag]found{}
			per[uint64(mid)] = m
		}
		for _, req := range want[r.tag] {
			rank := 0
			if mapi.PropTag(r.tag) != req {
				rank = 1
				if mapi.PropTag(r.tag).Type().Base() == mapi.PtString8 {
					rank = 2
				}
			}
			if f, ok := m[req]; !ok || rank < f.rank {
				m[req] = found{r, rank}
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make(map[uint64]Props, len(per))
	for mid, m := range per {
		props := make(Props, 0, len(m))
		for req, f := range m {
			p, err := tx.decodeRow(messageTable, f.row)
			if err != nil {
				continue
			}
			if mv, ok := p.Value.([]string); ok && len(mv) == 0 {
				continue
			}
			p.Tag = req
			props = append(props, p)
		}
		out[mid] = props
	}
	return out, nil
}
