package mailbox

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"testing"

	"github.com/gromox-go/gromox/mapi"
)

// openStoreTx opens a store directory and starts a transaction; the
// transaction is rolled back and the store closed at the end of the test
// unless the caller commits first.
func openStoreTx(t *testing.T, dir string) (*Store, *Tx) {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	tx, err := s.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback() })
	return s, tx
}

func noProblems(t *testing.T, problems []PropProblem) {
	t.Helper()
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
}

// writeStream writes data through a stream in ROP-sized pieces and closes
// it (which commits).
func writeStream(t *testing.T, st *Stream, data []byte) {
	t.Helper()
	for off := 0; off < len(data); off += 4000 {
		end := min(off+4000, len(data))
		if n, err := st.Write(data[off:end]); err != nil || n != end-off {
			t.Fatalf("write at %d: %d, %v", off, n, err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
}

func pseudoRandom(n int) []byte {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

func recipient(row int32, name, addr string, typ int32) Props {
	return Props{
		{Tag: mapi.PrRowID, Value: row},
		{Tag: mapi.PrDisplayName, Value: name},
		{Tag: mapi.PrSMTPAddress, Value: addr},
		{Tag: mapi.PrEmailAddress, Value: addr},
		{Tag: mapi.PrAddrType, Value: "SMTP"},
		{Tag: mapi.PrRecipientType, Value: typ},
	}
}

func TestInstanceRoundTrip(t *testing.T) {
	dir := copyFixture(t, "fixture-store")
	_, tx := openStoreTx(t, dir)
	inst, err := tx.OpenInstance(mapi.PrivateFIDInbox, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	if inst.MessageID() == 0 || !inst.IsNew() {
		t.Fatalf("new instance: id %#x new %v", inst.MessageID(), inst.IsNew())
	}
	noProblems(t, inst.SetProps(Props{
		{Tag: mapi.PrMessageClass, Value: "IPM.Note"},
		{Tag: mapi.PrSubjectA, Value: "Re: Instance test"},
		{Tag: mapi.PrImportance, Value: int32(2)},
		{Tag: mapi.PrMessageFlags, Value: int32(MsgFlagUnsent | MsgFlagRead)},
	}))
	if s := inst.GetProps([]mapi.PropTag{mapi.PrSubject, mapi.PrSubjectPrefix, mapi.PrNormalizedSubject}); len(s) != 3 ||
		s[0].Value != "Re: Instance test" || s[1].Value != "Re: " || s[2].Value != "Instance test" {
		t.Fatalf("subject parts: %v", s)
	}

	// Bodies through streams: 1 MiB of HTML, and a Unicode text body.
	html := pseudoRandom(1 << 20)
	st, err := inst.OpenStream(mapi.PrHTML, StreamCreate)
	if err != nil {
		t.Fatal(err)
	}
	writeStream(t, st, html)
	text := "Grüße, ☃ and 🎄\r\n"
	st, err = inst.OpenStream(mapi.PrBody, StreamCreate)
	if err != nil {
		t.Fatal(err)
	}
	writeStream(t, st, streamBytes(mapi.PrBody, text))
	if got := inst.GetProps([]mapi.PropTag{mapi.PrBody, mapi.PrNativeBodyInfo}); len(got) != 2 || got[0].Value != text || got[1].Value != int32(nativeBodyPlain) {
		t.Fatalf("body after stream: %v", got)
	}

	// Recipients: three added, one changed, one removed.
	if err := inst.ModifyRecipients([]Props{
		recipient(0, "Max", "max@example.org", RecipientTo),
		recipient(1, "Moritz", "moritz@example.org", RecipientTo),
		recipient(2, "Lisa", "lisa@example.org", RecipientCc),
	}); err != nil {
		t.Fatal(err)
	}
	if err := inst.ModifyRecipients([]Props{
		recipient(1, "Moritz M.", "moritz@example.org", RecipientCc),
		{{Tag: mapi.PrRowID, Value: int32(2)}},
	}); err != nil {
		t.Fatal(err)
	}
	if got := inst.GetProps([]mapi.PropTag{mapi.PrDisplayTo, mapi.PrDisplayCc}); got[0].Value != "Max" || got[1].Value != "Moritz M." {
		t.Fatalf("display to/cc: %v", got)
	}

	// An attachment with data written through a stream.
	att, err := inst.CreateAttachment()
	if err != nil {
		t.Fatal(err)
	}
	noProblems(t, att.SetProps(Props{
		{Tag: mapi.PrAttachMethod, Value: int32(mapi.AttachByValue)},
		{Tag: mapi.PrAttachLongFilename, Value: "data.bin"},
	}))
	adata := pseudoRandom(100000)
	st, err = att.OpenStream(mapi.PrAttachDataBin, StreamCreate)
	if err != nil {
		t.Fatal(err)
	}
	writeStream(t, st, adata)
	if len(inst.Attachments()) != 0 {
		t.Fatal("attachment visible before it was saved")
	}
	if err := att.Save(); err != nil {
		t.Fatal(err)
	}

	// An embedded message: saved into its attachment, then the attachment
	// into the message.
	att2, err := inst.CreateAttachment()
	if err != nil {
		t.Fatal(err)
	}
	noProblems(t, att2.SetProps(Props{
		{Tag: mapi.PrAttachMethod, Value: int32(mapi.AttachEmbeddedMsg)},
		{Tag: mapi.PrDisplayName, Value: "Forwarded"},
	}))
	if _, err := att2.OpenEmbedded(false); !errors.Is(err, ErrNotFound) {
		t.Fatalf("open missing embedded message: %v", err)
	}
	emb, err := att2.OpenEmbedded(true)
	if err != nil {
		t.Fatal(err)
	}
	noProblems(t, emb.SetProps(Props{
		{Tag: mapi.PrMessageClass, Value: "IPM.Note"},
		{Tag: mapi.PrSubject, Value: "Inner message"},
		{Tag: mapi.PrBody, Value: "inner body"},
	}))
	if err := emb.ModifyRecipients([]Props{recipient(0, "Inner", "inner@example.org", RecipientTo)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := tx.SaveInstance(emb, false); err != nil {
		t.Fatal(err)
	}
	if err := att2.Save(); err != nil {
		t.Fatal(err)
	}
	p := inst.GetProps([]mapi.PropTag{mapi.PrHasAttach, mapi.PrMessageFlags})
	if p[0].Value != true || p[1].Value.(int32)&(MsgFlagHasAttach|MsgFlagUnsent|MsgFlagRead) != MsgFlagHasAttach|MsgFlagUnsent|MsgFlagRead {
		t.Fatalf("flags before save: %v", p)
	}

	mid, cn, err := tx.SaveInstance(inst, false)
	if err != nil {
		t.Fatal(err)
	}
	if mid != inst.MessageID() || cn == 0 || inst.IsNew() || inst.Touched() {
		t.Fatalf("save: mid %#x cn %#x new %v touched %v", mid, cn, inst.IsNew(), inst.Touched())
	}
	if _, err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	// Read back from a reopened store.
	_, tx2 := openStoreTx(t, dir)
	mc, err := tx2.ReadMessage(mid)
	if err != nil {
		t.Fatal(err)
	}
	checkSaved := func(mc *MessageContent, wantSubject string, wantAtts int) {
		t.Helper()
		if s := mc.Props.String(mapi.PrSubject); s != wantSubject {
			t.Errorf("subject %q, want %q", s, wantSubject)
		}
		if s := mc.Props.String(mapi.PrBody); s != text {
			t.Errorf("body %q", s)
		}
		if v, _ := mc.Props.Get(mapi.PrHTML); !bytes.Equal(v.([]byte), html) {
			t.Errorf("html of %d bytes differs", len(v.([]byte)))
		}
		if f, _ := mc.Props.Int(mapi.PrMessageFlags); f&(MsgFlagRead|MsgFlagUnsent) != MsgFlagRead|MsgFlagUnsent {
			t.Errorf("message flags %#x", f)
		}
		if v, _ := mc.Props.Get(mapi.PrChangeKey); len(v.([]byte)) != mapi.ChangeKeySize {
			t.Errorf("change key %x", v)
		}
		if len(mc.Recipients) != 2 || mc.Recipients[0].String(mapi.PrDisplayName) != "Max" || mc.Recipients[1].String(mapi.PrDisplayName) != "Moritz M." {
			t.Errorf("recipients %v", mc.Recipients)
		}
		if len(mc.Attachments) != wantAtts {
			t.Fatalf("%d attachments, want %d", len(mc.Attachments), wantAtts)
		}
	}
	checkSaved(mc, "Re: Instance test", 2)
	if v, _ := mc.Attachments[0].Props.Get(mapi.PrAttachDataBin); !bytes.Equal(v.([]byte), adata) || mc.Attachments[0].Props.String(mapi.PrAttachLongFilename) != "data.bin" {
		t.Errorf("attachment 0: %d bytes, %q", len(v.([]byte)), mc.Attachments[0].Props.String(mapi.PrAttachLongFilename))
	}
	e := mc.Attachments[1].Embedded
	if e == nil || e.Props.String(mapi.PrSubject) != "Inner message" || e.Props.String(mapi.PrBody) != "inner body" || len(e.Recipients) != 1 {
		t.Fatalf("embedded message %+v", e)
	}

	// Edit the saved message: a new subject, the first attachment gone, the
	// embedded message renamed through its attachment.
	inst2, err := tx2.OpenInstance(mapi.PrivateFIDInbox, mid, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := inst2.GetProps([]mapi.PropTag{mapi.PrSubject, mapi.PrMID}); got[0].Value != "Re: Instance test" || mapi.EID(got[1].Value.(int64)).GCV() != mid {
		t.Fatalf("reopened: %v", got)
	}
	st, err = inst2.OpenStream(mapi.PrHTML, StreamReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() != int64(len(html)) {
		t.Fatalf("html stream of %d bytes", st.Size())
	}
	if got, _ := io.ReadAll(st); !bytes.Equal(got, html) {
		t.Fatal("html read through a stream differs")
	}
	st.Close()
	noProblems(t, inst2.SetProps(Props{{Tag: mapi.PrSubject, Value: "Fwd: Edited"}}))
	rows := inst2.Attachments()
	if len(rows) != 2 {
		t.Fatalf("%d attachment rows", len(rows))
	}
	n0, _ := rows[0].Int(mapi.PrAttachNum)
	n1, _ := rows[1].Int(mapi.PrAttachNum)
	inst2.DeleteAttachment(uint32(n0))
	a2, err := inst2.OpenAttachment(uint32(n1))
	if err != nil {
		t.Fatal(err)
	}
	e2, err := a2.OpenEmbedded(false)
	if err != nil {
		t.Fatal(err)
	}
	if got := e2.GetProps([]mapi.PropTag{mapi.PrSubject}); len(got) != 1 || got[0].Value != "Inner message" {
		t.Fatalf("embedded subject %v", got)
	}
	noProblems(t, e2.SetProps(Props{{Tag: mapi.PrSubject, Value: "Inner, edited"}}))
	if _, _, err := tx2.SaveInstance(e2, false); err != nil {
		t.Fatal(err)
	}
	if err := a2.Save(); err != nil {
		t.Fatal(err)
	}
	mid2, cn2, err := tx2.SaveInstance(inst2, false)
	if err != nil || mid2 != mid || cn2 <= cn {
		t.Fatalf("second save: %#x %#x %v", mid2, cn2, err)
	}
	mc, err = tx2.ReadMessage(mid)
	if err != nil {
		t.Fatal(err)
	}
	checkSaved(mc, "Fwd: Edited", 1)
	if e := mc.Attachments[0].Embedded; e == nil || e.Props.String(mapi.PrSubject) != "Inner, edited" {
		t.Fatalf("edited embedded message %+v", e)
	}
	pcl, _ := mc.Props.Get(mapi.PrPredecessorChangeList)
	if p, err := mapi.ParsePCL(pcl.([]byte)); err != nil || !p.Includes(mustXID(t, mc.Props)) {
		t.Errorf("PCL %x does not include the change key", pcl)
	}
}

func mustXID(t *testing.T, p Props) mapi.XID {
	t.Helper()
	v, _ := p.Get(mapi.PrChangeKey)
	x, err := mapi.ParseXID(v.([]byte))
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestInstanceConflict(t *testing.T) {
	tx, _ := openFixtureTx(t)
	const mid = 196622 // INBOX "Project kickoff"
	a, err := tx.OpenInstance(mapi.PrivateFIDInbox, mid, false)
	if err != nil {
		t.Fatal(err)
	}
	b, err := tx.OpenInstance(mapi.PrivateFIDInbox, mid, false)
	if err != nil {
		t.Fatal(err)
	}
	noProblems(t, a.SetProps(Props{{Tag: mapi.PrSubject, Value: "first"}}))
	noProblems(t, b.SetProps(Props{{Tag: mapi.PrSubject, Value: "second"}}))
	if _, _, err := tx.SaveInstance(a, false); err != nil {
		t.Fatal(err)
	}
	_, _, err = tx.SaveInstance(b, false)
	if !errors.Is(err, ErrObjectModified) || !errors.Is(err, mapi.EcObjectModified) {
		t.Fatalf("second save without force: %v", err)
	}
	// The first instance is based on what it saved: no conflict with itself.
	noProblems(t, a.SetProps(Props{{Tag: mapi.PrSubject, Value: "first, again"}}))
	if _, _, err := tx.SaveInstance(a, false); err != nil {
		t.Fatalf("saving again: %v", err)
	}
	// Forced, the second wins.
	if _, _, err := tx.SaveInstance(b, true); err != nil {
		t.Fatalf("forced save: %v", err)
	}
	p, err := tx.MessageProps(mid, []mapi.PropTag{mapi.PrSubject})
	if err != nil || p.String(mapi.PrSubject) != "second" {
		t.Fatalf("subject after forced save: %v %v", p, err)
	}
	// Changes that leave the PCL as it was are no conflict: a read-state
	// change, and a change number set without a new change key.
	if _, err := tx.SetReadState(mid, false); err != nil {
		t.Fatal(err)
	}
	cn, err := tx.AllocateCN()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.SetMessageProps(mid, Props{{Tag: mapi.PrChangeNumber, Value: int64(mapi.MakeChangeNumber(cn))}}); err != nil {
		t.Fatal(err)
	}
	noProblems(t, b.SetProps(Props{{Tag: mapi.PrImportance, Value: int32(0)}}))
	if _, _, err := tx.SaveInstance(b, false); err != nil {
		t.Fatalf("save after a read-state change: %v", err)
	}
	if p, _ := tx.MessageProps(mid, []mapi.PropTag{mapi.PrRead}); p[0].Value != false {
		t.Fatal("saving an instance read before the message was marked unread marked it read again")
	}
	// Deleted meanwhile.
	if _, err := tx.DeleteMessages(mapi.PrivateFIDInbox, []uint64{mid}, false); err != nil {
		t.Fatal(err)
	}
	for _, force := range []bool{false, true} {
		if _, _, err := tx.SaveInstance(b, force); !errors.Is(err, ErrObjectDeleted) || !errors.Is(err, mapi.EcObjectDeleted) {
			t.Fatalf("save of a deleted message (force %v): %v", force, err)
		}
	}
	if _, err := tx.OpenInstance(mapi.PrivateFIDInbox, mid, false); !errors.Is(err, ErrNotFound) {
		t.Fatalf("open a deleted message: %v", err)
	}
}

func TestEmbeddedConflict(t *testing.T) {
	tx, _ := openFixtureTx(t)
	inst, err := tx.OpenInstance(mapi.PrivateFIDInbox, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	att, err := inst.CreateAttachment()
	if err != nil {
		t.Fatal(err)
	}
	e0, err := att.OpenEmbedded(true)
	if err != nil {
		t.Fatal(err)
	}
	noProblems(t, e0.SetProps(Props{{Tag: mapi.PrSubject, Value: "v0"}}))
	if _, _, err := tx.SaveInstance(e0, false); err != nil {
		t.Fatal(err)
	}
	e1, _ := att.OpenEmbedded(false)
	e2, _ := att.OpenEmbedded(false)
	noProblems(t, e1.SetProps(Props{{Tag: mapi.PrSubject, Value: "v1"}}))
	noProblems(t, e2.SetProps(Props{{Tag: mapi.PrSubject, Value: "v2"}}))
	if _, _, err := tx.SaveInstance(e1, false); err != nil {
		t.Fatal(err)
	}
	if _, _, err := tx.SaveInstance(e2, false); !errors.Is(err, mapi.EcObjectModified) {
		t.Fatalf("second embedded save: %v", err)
	}
	if _, _, err := tx.SaveInstance(e2, true); err != nil {
		t.Fatal(err)
	}
	e3, _ := att.OpenEmbedded(false)
	if got := e3.GetProps([]mapi.PropTag{mapi.PrSubject}); got[0].Value != "v2" {
		t.Fatalf("embedded subject %v", got)
	}
}

func TestInstanceProperties(t *testing.T) {
	tx, _ := openFixtureTx(t)
	inst, err := tx.OpenInstance(mapi.PrivateFIDInbox, 196631, false) // unread, "Raw 8-bit Überschrift ☃"
	if err != nil {
		t.Fatal(err)
	}
	if inst.Touched() {
		t.Fatal("touched after open")
	}
	problems := inst.SetProps(Props{
		{Tag: mapi.PrMessageSize, Value: int32(1)},
		{Tag: mapi.PrMessageFlags, Value: int32(MsgFlagRead)},
		{Tag: mapi.PrAssociated, Value: true},
		{Tag: mapi.PrImportance, Value: "not a number"},
		{Tag: mapi.PrMsgStatus, Value: int32(4)}, // ignored
		{Tag: mapi.NewTag(0x8010, mapi.PtMvUnicode), Value: []string{"a", "b"}},
	})
	want := []PropProblem{
		{mapi.PrMessageSize, ErrAccessDenied}, {mapi.PrMessageFlags, ErrAccessDenied},
		{mapi.PrAssociated, ErrAccessDenied}, {mapi.PrImportance, ErrInvalidParam},
	}
	if !slices.EqualFunc(problems, want, func(a, b PropProblem) bool { return a.Tag == b.Tag && errors.Is(a.Err, b.Err) }) {
		t.Fatalf("problems %v, want %v", problems, want)
	}
	got := inst.GetProps([]mapi.PropTag{mapi.NewTag(0x8010, mapi.PtMvString8), mapi.NewTag(mapi.PrSubject.ID(), mapi.PtUnspecified), mapi.PrRead})
	if len(got) != 3 || !slices.Equal(got[0].Value.([]string), []string{"a", "b"}) || got[1].Tag != mapi.PrSubject || got[2].Value != false {
		t.Fatalf("props %v", got)
	}
	// Every property, computed ones included.
	all := inst.GetProps(nil)
	for _, tag := range []mapi.PropTag{mapi.PrMID, mapi.PrChangeNumber, mapi.PrMessageSize, mapi.PrSubject, mapi.PrBody, mapi.PrMessageClass} {
		if !all.Has(tag) {
			t.Errorf("all props lack %v", tag)
		}
	}
	noProblems(t, inst.RemoveProps([]mapi.PropTag{mapi.PrSubject}))
	if got := inst.GetProps([]mapi.PropTag{mapi.PrSubject, mapi.PrNormalizedSubject}); len(got) != 0 {
		t.Fatalf("subject after removal: %v", got)
	}
	if problems := inst.RemoveProps([]mapi.PropTag{mapi.PrHasAttach}); len(problems) != 1 {
		t.Fatalf("removing a computed property: %v", problems)
	}
	if err := tx.ReloadInstance(inst); err != nil {
		t.Fatal(err)
	}
	if got := inst.GetProps([]mapi.PropTag{mapi.PrSubject}); len(got) != 1 || got[0].Value != "Raw 8-bit Überschrift ☃" || inst.Touched() {
		t.Fatalf("subject after reload: %v", got)
	}
}

func TestStreams(t *testing.T) {
	tx, _ := openFixtureTx(t)
	inst, err := tx.OpenInstance(mapi.PrivateFIDInbox, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	noProblems(t, inst.SetProps(Props{{Tag: mapi.PrBody, Value: "hé"}}))
	st, err := inst.OpenStream(mapi.PrBody, StreamReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(st)
	if !bytes.Equal(b, []byte{'h', 0, 0xe9, 0, 0, 0}) {
		t.Fatalf("unicode stream bytes % x", b)
	}
	if _, err := st.Write([]byte("x")); !errors.Is(err, ErrAccessDenied) {
		t.Fatalf("write to read-only stream: %v", err)
	}
	st.Close()
	st, err = inst.OpenStream(mapi.PrBodyA, StreamReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() != int64(len("hé")+1) {
		t.Fatalf("8-bit stream of %d bytes", st.Size())
	}
	if _, err := st.Seek(1, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Write([]byte("ello")); err != nil {
		t.Fatal(err)
	}
	if err := st.SetSize(5); err != nil {
		t.Fatal(err)
	}
	if got := inst.GetProps([]mapi.PropTag{mapi.PrBody}); got[0].Value != "hé" {
		t.Fatal("stream visible before commit")
	}
	if err := st.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := inst.GetProps([]mapi.PropTag{mapi.PrBody}); got[0].Value != "hello" {
		t.Fatalf("body after commit %q", got[0].Value)
	}
	// Seeking past the end of a writable stream grows it.
	if pos, err := st.Seek(10, io.SeekEnd); err != nil || pos != 15 || st.Size() != 15 {
		t.Fatalf("seek past the end: %d, size %d, %v", pos, st.Size(), err)
	}
	st.Close()
	if _, err := inst.OpenStream(mapi.PrHTML, StreamReadOnly); !errors.Is(err, ErrNotFound) {
		t.Fatalf("stream on a missing property: %v", err)
	}
	if _, err := inst.OpenStream(mapi.PrImportance, StreamReadOnly); !errors.Is(err, mapi.EcNotSupported) {
		t.Fatalf("stream on a PT_LONG: %v", err)
	}
	// An uncommitted stream is committed by saving.
	st, err = inst.OpenStream(mapi.PrHTML, StreamCreate)
	if err != nil {
		t.Fatal(err)
	}
	st.Write([]byte("<p>saved</p>"))
	mid, _, err := tx.SaveInstance(inst, false)
	if err != nil {
		t.Fatal(err)
	}
	p, err := tx.MessageProps(mid, []mapi.PropTag{mapi.PrHTML, mapi.PrBody})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := p.Get(mapi.PrHTML); string(v.([]byte)) != "<p>saved</p>" || p.String(mapi.PrBody) != "hello" {
		t.Fatalf("saved bodies %v", p)
	}
}

func TestSetReadFlags(t *testing.T) {
	tx, _ := openFixtureTx(t)
	const unread, read = 196631, 196622
	if _, err := tx.SetMessageProps(unread, Props{{Tag: mapi.PrReadReceiptRequested, Value: true}}); err != nil {
		t.Fatal(err)
	}
	res, err := tx.SetReadFlags(mapi.PrivateFIDInbox, []uint64{unread, read, 1900545}, ReadFlagDefault)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Partial || !slices.Equal(res.Changed, []uint64{unread}) || !slices.Equal(res.Receipts, []uint64{unread}) {
		t.Fatalf("default: %+v", res)
	}
	p, _ := tx.MessageProps(unread, []mapi.PropTag{mapi.PrRead, mapi.PrReadReceiptRequested, mapi.PrMessageFlags})
	if p[0].Value != true || p[1].Value != false || p[2].Value.(int32)&MsgFlagRNPending != 0 {
		t.Fatalf("after read with receipt: %v", p)
	}
	res, err = tx.SetReadFlags(mapi.PrivateFIDInbox, []uint64{unread}, ReadFlagClearRead|ReadFlagSuppressReceipt)
	if err != nil || !slices.Equal(res.Changed, []uint64{unread}) {
		t.Fatalf("clear: %+v %v", res, err)
	}
	// No ids: every unread message of the folder.
	_, u0, _ := tx.FolderCounts(mapi.PrivateFIDInbox, false)
	res, err = tx.SetReadFlags(mapi.PrivateFIDInbox, nil, ReadFlagSuppressReceipt)
	if err != nil || len(res.Changed) != int(u0) || u0 < 10 || len(res.Receipts) != 0 {
		t.Fatalf("all: %d changed of %d unread, %v", len(res.Changed), u0, err)
	}
	if _, u, _ := tx.FolderCounts(mapi.PrivateFIDInbox, false); u != 0 {
		t.Fatalf("%d unread left", u)
	}
	if _, err := tx.SetMessageProps(read, Props{{Tag: mapi.PrNonReceiptNotificationRequested, Value: true}}); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.SetReadFlags(mapi.PrivateFIDInbox, []uint64{read}, ReadFlagClearNotifyUnread); err != nil {
		t.Fatal(err)
	}
	p, _ = tx.MessageProps(read, []mapi.PropTag{mapi.PrNonReceiptNotificationRequested, mapi.PrMessageFlags})
	if len(p) != 1 || p[0].Value.(int32)&(MsgFlagNRNPending|MsgFlagUnmodified) != 0 {
		t.Fatalf("after clearing the non-read receipt request: %v", p)
	}
}
