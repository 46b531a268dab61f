package mailbox

// Rows as restrictions see them.

import (
	"encoding/binary"

	"github.com/gromox-go/gromox/mapi"
)

// msgEvalRow is a message as a restriction sees it: the table's own
// columns (FindRow), the message's properties, and its recipients and
// attachments, loaded when a subrestriction asks.
type msgEvalRow struct {
	tx    *Tx
	mid   uint64
	own   []mapi.PropVal
	props Props
	subs  map[mapi.PropTag][]mapi.Row
	e     error
}

func (r *msgEvalRow) Get(tag mapi.PropTag) (any, bool) {
	for _, p := range r.own {
		if p.Tag == tag {
			return p.Value, true
		}
	}
	return r.props.Get(tag)
}

func (r *msgEvalRow) err() error { return r.e }

func (r *msgEvalRow) Sub(subobject mapi.PropTag) []mapi.Row {
	if rows, ok := r.subs[subobject]; ok {
		return rows
	}
	if r.subs == nil {
		r.subs = map[mapi.PropTag][]mapi.Row{}
	}
	var rows []mapi.Row
	var err error
	switch subobject {
	case mapi.PrMessageRecipients:
		rows, err = r.recipients()
	case mapi.PrMessageAttachments:
		rows, err = r.attachments()
	}
	if err != nil && r.e == nil {
		r.e = err
	}
	r.subs[subobject] = rows
	return rows
}

func (r *msgEvalRow) recipients() ([]mapi.Row, error) {
	rids, err := r.tx.ids("SELECT recipient_id FROM recipients WHERE message_id=? ORDER BY recipient_id", int64(r.mid))
	if err != nil {
		return nil, err
	}
	rows := make([]mapi.Row, 0, len(rids))
	for i, rid := range rids {
		p, err := r.tx.recipientProps(rid, i)
		if err != nil {
			return nil, err
		}
		rows = append(rows, mapi.PropValRow{Vals: p})
	}
	return rows, nil
}

func (r *msgEvalRow) attachments() ([]mapi.Row, error) {
	aids, err := r.tx.ids("SELECT attachment_id FROM attachments WHERE message_id=? ORDER BY attachment_id", int64(r.mid))
	if err != nil {
		return nil, err
	}
	rows := make([]mapi.Row, 0, len(aids))
	for i, aid := range aids {
		o, err := r.tx.loadObject(attachmentTable, aid)
		if err != nil {
			return nil, err
		}
		rows = append(rows, &attachEvalRow{tx: r.tx, o: o, num: i})
	}
	return rows, nil
}

// attachEvalRow is an attachment as a subrestriction sees it: its stored
// properties, decoded (content files read) only when asked, and
// PR_ATTACH_NUM and PR_RECORD_KEY as attachmentProps reports them.
type attachEvalRow struct {
	tx  *Tx
	o   *objectRows
	num int
}

func (a *attachEvalRow) Get(tag mapi.PropTag) (any, bool) {
	switch tag {
	case mapi.PrAttachNum:
		return int32(a.num), true
	case mapi.PrRecordKey:
		return binary.LittleEndian.AppendUint64(nil, a.o.id), true
	}
	p, ok := a.tx.stored(a.o, tag)
	if !ok {
		return nil, false
	}
	return p.Value, true
}

func (a *attachEvalRow) Sub(mapi.PropTag) []mapi.Row { return nil }
