package mailbox

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gromox-go/gromox/mapi"
)

type folderManifest struct {
	Folders []struct {
		FolderID      uint64  `json:"folder_id"`
		ParentID      uint64  `json:"parent_id"`
		DisplayName   string  `json:"display_name"`
		ContainerCls  *string `json:"container_class"`
		MessageCount  int32   `json:"message_count"`
		UnreadCount   *int32  `json:"unread_count"`
		ChildFolderCt int32   `json:"child_folder_count"`
	} `json:"folders"`
}

// The upstream-written store, opened through its actor: every folder of the
// manifest with its name, class and counts; after a write and a reopen the
// counts follow and the store checks clean.
func TestFixtureThroughActor(t *testing.T) {
	dir := copyTree(t, filepath.Join(fixtureDir, "fixture-store"))
	raw, err := os.ReadFile(filepath.Join(fixtureDir, "fixture-store", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m folderManifest
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	r, _ := newRegistry(t, Options{Idle: time.Hour})
	ctx := tctx(t)
	tags := []mapi.PropTag{mapi.PrDisplayName, mapi.PrContainerClass, mapi.PrContentCount, mapi.PrContentUnread, mapi.PrFolderChildCount}
	check := func(extraInbox int32) {
		t.Helper()
		for _, f := range m.Folders {
			p, err := Do[Props](ctx, r, dir, GetFolderProps{FolderID: f.FolderID, Tags: tags})
			if err != nil {
				t.Fatalf("folder %d: %v", f.FolderID, err)
			}
			name, _ := p.Get(mapi.PrDisplayName)
			count, _ := p.Get(mapi.PrContentCount)
			kids, _ := p.Get(mapi.PrFolderChildCount)
			want := f.MessageCount
			if f.FolderID == mapi.PrivateFIDInbox {
				want += extraInbox
			}
			if name != f.DisplayName || count != want || kids != f.ChildFolderCt {
				t.Errorf("folder %d: %v, %v messages, %v children; manifest %q %d %d",
					f.FolderID, name, count, kids, f.DisplayName, want, f.ChildFolderCt)
			}
			if f.ContainerCls != nil {
				if cls, _ := p.Get(mapi.PrContainerClass); cls != *f.ContainerCls {
					t.Errorf("folder %d: class %v, manifest %q", f.FolderID, cls, *f.ContainerCls)
				}
			}
		}
	}
	check(0)
	if _, err := r.Do(ctx, dir, WriteMessage{FolderID: mapi.PrivateFIDInbox, Content: benchMessage(1), Original: []byte("Subject: x\r\n\r\ny\r\n")}); err != nil {
		t.Fatal(err)
	}
	if err := r.Unload(ctx, dir); err != nil {
		t.Fatal(err)
	}
	check(1)
	if err := r.Unload(ctx, dir); err != nil {
		t.Fatal(err)
	}
	rep, err := Check(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Remaining() != 0 {
		var sb []byte
		for _, p := range rep.Problems {
			sb = append(sb, []byte(p.Check+": "+p.Detail+"\n")...)
		}
		t.Fatalf("mbck after writing to the upstream store:\n%s", sb)
	}
}

// Copying a folder tree of the upstream store: new ids, same names,
// classes and message counts, copies of the messages (with their RFC 5322
// originals), and a store that still checks clean.
func TestCopyFolderTree(t *testing.T) {
	dir := copyTree(t, filepath.Join(fixtureDir, "fixture-store"))
	r, _ := newRegistry(t, Options{Idle: time.Hour})
	ctx := tctx(t)
	const projects = 1900544 // "Projects" with Alpha/Q1-2025 below it (manifest)
	nfid, err := Do[uint64](ctx, r, dir, CopyFolderRequest{FolderID: projects, NewParent: mapi.PrivateFIDIPMSubtree, NewName: "Projects copy", Recursive: true})
	if err != nil {
		t.Fatal(err)
	}
	type node struct {
		name  string
		count int32
		kids  int
	}
	var walk func(fid uint64) []node
	walk = func(fid uint64) []node {
		p, err := Do[Props](ctx, r, dir, GetFolderProps{FolderID: fid, Tags: []mapi.PropTag{mapi.PrDisplayName, mapi.PrContentCount}})
		if err != nil {
			t.Fatal(err)
		}
		kids, err := Do[[]uint64](ctx, r, dir, ListFolders{FolderID: fid})
		if err != nil {
			t.Fatal(err)
		}
		name, _ := p.Get(mapi.PrDisplayName)
		count, _ := p.Get(mapi.PrContentCount)
		out := []node{{name.(string), count.(int32), len(kids)}}
		for _, k := range kids {
			out = append(out, walk(k)...)
		}
		return out
	}
	orig, cp := walk(projects), walk(nfid)
	if len(orig) != len(cp) || len(orig) < 3 {
		t.Fatalf("tree %v copied as %v", orig, cp)
	}
	for i := range orig {
		if i == 0 {
			if cp[0].name != "Projects copy" {
				t.Fatalf("copy named %q", cp[0].name)
			}
		} else if cp[i].name != orig[i].name {
			t.Fatalf("node %d: %q vs %q", i, cp[i].name, orig[i].name)
		}
		if cp[i].count != orig[i].count || cp[i].kids != orig[i].kids {
			t.Fatalf("node %d: %+v vs %+v", i, cp[i], orig[i])
		}
	}
	if err := r.Unload(ctx, dir); err != nil {
		t.Fatal(err)
	}
	rep, err := Check(dir, false)
	if err != nil || rep.Remaining() != 0 {
		t.Fatalf("mbck after folder copy: %v %+v", err, rep)
	}
}
