package mailbox

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/gromox-go/gromox/mapi"
)

// The typed requests, one client command each, through the store actor.
func TestTypedRequests(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "user")
	if err := CreatePrivate(dir, PrivateParams{UserID: 9, Language: "en"}); err != nil {
		t.Fatal(err)
	}
	r, _ := newRegistry(t, Options{Idle: time.Hour})
	ctx := tctx(t)
	must := func(v any, err error) any {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	fid := must(r.Do(ctx, dir, CreateFolder{Parent: mapi.PrivateFIDIPMSubtree, Name: "Projects", Class: "IPF.Note"})).(uint64)
	kids := must(r.Do(ctx, dir, ListFolders{FolderID: mapi.PrivateFIDIPMSubtree})).([]uint64)
	if !slices.Contains(kids, fid) {
		t.Fatalf("new folder %d not among %v", fid, kids)
	}
	must(r.Do(ctx, dir, SetFolderProps{FolderID: fid, Props: Props{{Tag: mapi.PrComment, Value: "work"}}}))
	fp := must(r.Do(ctx, dir, GetFolderProps{FolderID: fid, Tags: []mapi.PropTag{mapi.PrDisplayName, mapi.PrComment, mapi.PrContentCount}})).(Props)
	if v, _ := fp.Get(mapi.PrComment); v != "work" {
		t.Fatalf("folder props %v", fp)
	}
	raw := []byte("Subject: hi\r\n\r\nhello\r\n")
	wr := must(r.Do(ctx, dir, WriteMessage{FolderID: fid, Content: benchMessage(1), Original: raw})).(WriteResult)
	if wr.MessageID == 0 || wr.ChangeNumber == 0 || wr.MidString == "" {
		t.Fatalf("write result %+v", wr)
	}
	if got := must(r.Do(ctx, dir, ReadOriginal{MessageID: wr.MessageID})).([]byte); string(got) != string(raw) {
		t.Fatalf("original %q", got)
	}
	mc := must(r.Do(ctx, dir, ReadMessage{MessageID: wr.MessageID})).(*MessageContent)
	if s, _ := mc.Props.Get(mapi.PrSubject); s != "Benchmark message 1" || len(mc.Recipients) != 1 {
		t.Fatalf("read message: %v, %d recipients", s, len(mc.Recipients))
	}
	must(r.Do(ctx, dir, SetReadState{MessageID: wr.MessageID, Read: true}))
	must(r.Do(ctx, dir, SetMessageProps{MessageID: wr.MessageID, Props: Props{{Tag: mapi.PrImportance, Value: int32(2)}}}))
	mp := must(r.Do(ctx, dir, GetMessageProps{MessageID: wr.MessageID, Tags: []mapi.PropTag{mapi.PrImportance, mapi.PrRead}})).(Props)
	if v, _ := mp.Get(mapi.PrImportance); v != int32(2) {
		t.Fatalf("message props %v", mp)
	}
	cp := must(r.Do(ctx, dir, MoveCopyMessages{From: fid, To: mapi.PrivateFIDInbox, IDs: []uint64{wr.MessageID}, Copy: true})).(MoveCopyResult)
	if len(cp.NewIDs) != 1 || cp.Partial || cp.NewIDs[0] == wr.MessageID {
		t.Fatalf("copy %+v", cp)
	}
	if got := must(r.Do(ctx, dir, ReadOriginal{MessageID: cp.NewIDs[0]})).([]byte); string(got) != string(raw) {
		t.Fatalf("the copy lost its original: %q", got)
	}
	mv := must(r.Do(ctx, dir, MoveCopyMessages{From: fid, To: mapi.PrivateFIDDeletedItems, IDs: []uint64{wr.MessageID}})).(MoveCopyResult)
	if len(mv.NewIDs) != 1 {
		t.Fatalf("move %+v", mv)
	}
	must(r.Do(ctx, dir, DeleteMessages{FolderID: mapi.PrivateFIDInbox, IDs: cp.NewIDs, Hard: true}))
	must(r.Do(ctx, dir, EmptyFolder{FolderID: mapi.PrivateFIDDeletedItems, Flags: EmptyMessages | EmptyHard}))
	count := func(f uint64) int32 {
		p := must(r.Do(ctx, dir, GetFolderProps{FolderID: f, Tags: []mapi.PropTag{mapi.PrContentCount}})).(Props)
		v, _ := p.Get(mapi.PrContentCount)
		return v.(int32)
	}
	if count(mapi.PrivateFIDInbox) != 0 || count(mapi.PrivateFIDDeletedItems) != 0 || count(fid) != 0 {
		t.Fatal("messages left after delete and empty")
	}
	sub := must(r.Do(ctx, dir, CreateFolder{Parent: fid, Name: "Sub", Class: "IPF.Note"})).(uint64)
	must(r.Do(ctx, dir, MoveFolder{FolderID: sub, NewParent: mapi.PrivateFIDIPMSubtree, NewName: "Moved"}))
	names := map[string]bool{}
	for _, f := range must(r.Do(ctx, dir, ListIMAPFolders{})).([]IMAPFolder) {
		names[f.Name] = true
	}
	if !names["Projects"] || !names["Moved"] || !names["INBOX"] {
		t.Fatalf("IMAP folders %v", names)
	}
	must(r.Do(ctx, dir, DeleteFolder{FolderID: sub, Hard: true}))
	if kids := must(r.Do(ctx, dir, ListFolders{FolderID: mapi.PrivateFIDIPMSubtree})).([]uint64); slices.Contains(kids, sub) {
		t.Fatal("deleted folder still listed")
	}
	sp := must(r.Do(ctx, dir, GetStoreProps{Tags: []mapi.PropTag{mapi.PrMessageSizeExtended}})).(Props)
	if _, ok := sp.Get(mapi.PrMessageSizeExtended); !ok {
		t.Fatalf("store props %v", sp)
	}
}
