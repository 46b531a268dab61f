package mailbox

import (
	"errors"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/mapi"
)

// tableWatcher is a session actor collecting table notifications.
type tableWatcher struct {
	mu    sync.Mutex
	notes []TableNotification
}

func (w *tableWatcher) actor() actors.Actor {
	return actors.ActorFunc(func(c *actors.Context) {
		if n, ok := c.Message().(TableNotification); ok {
			w.mu.Lock()
			w.notes = append(w.notes, n)
			w.mu.Unlock()
		}
	})
}

func (w *tableWatcher) changes() []TableChange {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []TableChange
	for _, n := range w.notes {
		out = append(out, n.Changes...)
	}
	return out
}

// A contents table opened through the actor stays current and its owner
// hears of new rows; the table goes away with its owner.
func TestTablesInTheActor(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "user")
	if err := CreatePrivate(dir, PrivateParams{UserID: 5, Language: "en"}); err != nil {
		t.Fatal(err)
	}
	r, sys := newRegistry(t, Options{Idle: time.Hour})
	ctx := tctx(t)
	w := &tableWatcher{}
	owner := sys.Spawn(actors.Props{Kind: "test-session", New: w.actor})
	sorts := &mapi.SortOrderSet{Sorts: []mapi.SortOrder{{Tag: mapi.PrMessageDeliveryTime, Order: mapi.SortDescend}}}
	id, err := Do[uint32](ctx, r, dir, OpenContentTable{Owner: owner, FolderID: mapi.PrivateFIDInbox, Sorts: sorts})
	if err != nil || id == 0 {
		t.Fatalf("open table: %v %v", id, err)
	}
	count := func() int {
		n, err := Do[int](ctx, r, dir, TableOp{TableID: id, Fn: func(tx *Tx, tb *Table) (any, error) { return tb.Count(), nil }})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if count() != 0 {
		t.Fatal("new Inbox not empty")
	}
	wr, err := Do[WriteResult](ctx, r, dir, WriteMessage{FolderID: mapi.PrivateFIDInbox, Content: benchMessage(1)})
	if err != nil {
		t.Fatal(err)
	}
	if count() != 1 {
		t.Fatal("table did not follow the new message")
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(w.changes()) == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	ch := w.changes()
	if len(ch) == 0 || ch[0].Kind != TableRowAdded || ch[0].Row.InstID.GCV() != wr.MessageID {
		t.Fatalf("owner heard %+v", ch)
	}
	rows, err := Do[[][]mapi.PropVal](ctx, r, dir, TableOp{TableID: id, Fn: func(tx *Tx, tb *Table) (any, error) {
		if err := tb.SetColumns([]mapi.PropTag{mapi.PrSubject, mapi.PrMID}); err != nil {
			return nil, err
		}
		if _, _, err := tb.SeekRow(BookmarkBeginning, 0); err != nil {
			return nil, err
		}
		return tb.QueryRows(tx, 50, true)
	}})
	if err != nil || len(rows) != 1 || rows[0][0].Value != "Benchmark message 1" {
		t.Fatalf("query rows: %v %v", rows, err)
	}
	// The owner stops: its table is closed.
	sys.Stop(owner)
	sys.Wait(ctx, owner)
	deadline = time.Now().Add(10 * time.Second)
	for {
		_, err := r.Do(ctx, dir, TableOp{TableID: id, Fn: func(*Tx, *Table) (any, error) { return nil, nil }})
		if errors.Is(err, mapi.EcNotFound) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("table of a stopped owner still open (%v)", err)
		}
		time.Sleep(time.Millisecond)
	}
}

// Table and folder reads through the actor use the store's row cache: two
// tables with the same columns read the same rows, and every committed
// change (a property, the read state) shows at the next read.
func TestRowCacheFollowsCommits(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "user")
	if err := CreatePrivate(dir, PrivateParams{UserID: 5, Language: "en"}); err != nil {
		t.Fatal(err)
	}
	r, sys := newRegistry(t, Options{Idle: time.Hour})
	ctx := tctx(t)
	owner := sys.Spawn(actors.Props{Kind: "test-session", New: (&tableWatcher{}).actor})
	var mids []uint64
	for i := range 3 {
		wr, err := Do[WriteResult](ctx, r, dir, WriteMessage{FolderID: mapi.PrivateFIDInbox, Content: benchMessage(i)})
		if err != nil {
			t.Fatal(err)
		}
		mids = append(mids, wr.MessageID)
	}
	cols := []mapi.PropTag{mapi.PrSubject, mapi.PrMID, mapi.PrMessageFlags}
	sorts := &mapi.SortOrderSet{Sorts: []mapi.SortOrder{{Tag: mapi.PrMID, Order: mapi.SortAscend}}}
	open := func() uint32 {
		id, err := Do[uint32](ctx, r, dir, OpenContentTable{Owner: owner, FolderID: mapi.PrivateFIDInbox, Sorts: sorts})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	query := func(id uint32) [][]mapi.PropVal {
		t.Helper()
		rows, err := Do[[][]mapi.PropVal](ctx, r, dir, TableOp{TableID: id, Fn: func(tx *Tx, tb *Table) (any, error) {
			if err := tb.SetColumns(cols); err != nil {
				return nil, err
			}
			tb.SeekRow(BookmarkBeginning, 0)
			return tb.QueryRows(tx, 50, true)
		}})
		if err != nil || len(rows) != 3 {
			t.Fatalf("query rows: %v %v", rows, err)
		}
		return rows
	}
	// What a write transaction (no cache) reads.
	uncached := func() [][]mapi.PropVal {
		t.Helper()
		rows, err := Do[[][]mapi.PropVal](ctx, r, dir, WriteFunc(func(tx *Tx) (any, error) {
			tb, err := tx.LoadContentTable(mapi.PrivateFIDInbox, 0, nil, sorts)
			if err != nil {
				return nil, err
			}
			if err := tb.SetColumns(cols); err != nil {
				return nil, err
			}
			return tb.QueryRows(tx, 50, true)
		}))
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	unread := func() int32 {
		t.Helper()
		p, err := Do[Props](ctx, r, dir, GetFolderProps{FolderID: mapi.PrivateFIDInbox, Tags: []mapi.PropTag{mapi.PrContentCount, mapi.PrContentUnread}})
		if err != nil || len(p) != 2 {
			t.Fatalf("folder props: %v %v", p, err)
		}
		return p[1].Value.(int32)
	}
	if n := unread(); n != 3 || unread() != 3 {
		t.Fatalf("%d unread, want 3", n)
	}
	a, b := open(), open()
	first := query(a)
	if got := query(b); !reflect.DeepEqual(got, first) {
		t.Fatalf("second table read %v, first %v", got, first)
	}
	if want := uncached(); !reflect.DeepEqual(first, want) {
		t.Fatalf("cached read %v, uncached %v", first, want)
	}
	if _, err := Do[[]PropProblem](ctx, r, dir, SetMessageProps{MessageID: mids[1], Props: Props{{Tag: mapi.PrSubject, Value: "changed"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := Do[uint64](ctx, r, dir, SetReadState{MessageID: mids[2], Read: true}); err != nil {
		t.Fatal(err)
	}
	if n := unread(); n != 2 {
		t.Fatalf("%d unread after reading one, want 2", n)
	}
	got := query(a)
	if got[1][0].Value != "changed" {
		t.Fatalf("subject after the change: %v", got[1][0])
	}
	if f := got[2][2].Value.(int32); f&MsgFlagRead == 0 {
		t.Fatalf("message flags after reading: %#x", f)
	}
	if want := uncached(); !reflect.DeepEqual(got, want) || !reflect.DeepEqual(query(b), want) {
		t.Fatalf("after the changes: cached %v, uncached %v", got, want)
	}
}
