package mhclient

import (
	"context"
	"fmt"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
)

// Store is a logon to the user's private store.
type Store struct {
	Handle uint32
	// FolderIDs are the special folders in the order of MS-OXCSTOR
	// 2.2.1.1.3: Root, Deferred Action, Spooler Queue, IPM subtree,
	// Inbox, Outbox, Sent Items, Deleted Items, Common Views, Schedule,
	// Finder, Views, Shortcuts.
	FolderIDs [13]mapi.EID
	Logon     *rops.LogonResponse
}

// Indexes into Store.FolderIDs (MS-OXCSTOR 2.2.1.1.3).
const (
	FolderRoot         = 0
	FolderIPMSubtree   = 3
	FolderInbox        = 4
	FolderOutbox       = 5
	FolderSentItems    = 6
	FolderDeletedItems = 7
)

// OpenStore logs on to the user's private store (RopLogon, MS-OXCROPS
// 2.2.3.1) with the DN AutoDiscover gave.
func (c *Client) OpenStore(ctx context.Context) (*Store, error) {
	res, err := c.Execute(ctx, []uint32{NoHandle}, &rops.LogonRequest{LogonFlags: rops.LogonFlagPrivate,
		OpenFlags: 0x01000000 /* USE_PER_MDB_REPLID_MAPPING */, Essdn: c.UserDN})
	if err != nil {
		return nil, err
	}
	if err := res.Err(); err != nil {
		return nil, err
	}
	lr := res.Responses[0].(*rops.LogonResponse)
	return &Store{Handle: res.Handle(0), FolderIDs: lr.FolderIDs, Logon: lr}, nil
}

// Release frees server objects (RopRelease, MS-OXCROPS 2.2.15.3).
func (c *Client) Release(ctx context.Context, handles ...uint32) error {
	if len(handles) == 0 {
		return nil
	}
	reqs := make([]Request, len(handles))
	for i := range handles {
		reqs[i] = &rops.ReleaseRequest{Header: rops.Header{InputHandleIndex: uint8(i)}}
		delete(c.cols, handles[i])
		delete(c.rcptCols, handles[i])
	}
	_, err := c.Execute(ctx, handles, reqs...)
	return err
}

// OpenFolder opens a folder (RopOpenFolder, MS-OXCROPS 2.2.4.1) and
// returns its handle.
func (c *Client) OpenFolder(ctx context.Context, s *Store, fid mapi.EID) (uint32, error) {
	res, err := c.Execute(ctx, []uint32{s.Handle, NoHandle},
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, FolderID: fid})
	if err != nil {
		return NoHandle, err
	}
	if err := res.Err(); err != nil {
		return NoHandle, fmt.Errorf("open folder %v: %w", fid, err)
	}
	return res.Handle(1), nil
}

// GetProps reads properties of an object (RopGetPropertiesSpecific,
// MS-OXCROPS 2.2.8.3); missing ones come back as PT_ERROR values.
func (c *Client) GetProps(ctx context.Context, h uint32, tags ...mapi.PropTag) ([]mapi.PropVal, error) {
	res, err := c.Execute(ctx, []uint32{h}, &rops.GetPropertiesSpecificRequest{WantUnicode: 1, PropertyTags: tags})
	if err != nil {
		return nil, err
	}
	if err := res.Err(); err != nil {
		return nil, err
	}
	return res.Responses[0].(*rops.GetPropertiesSpecificResponse).RowData.Values, nil
}

// SetProps writes properties of an object (RopSetProperties, MS-OXCROPS
// 2.2.8.6); a property the server refuses is an error.
func (c *Client) SetProps(ctx context.Context, h uint32, vals ...mapi.PropVal) error {
	res, err := c.Execute(ctx, []uint32{h}, &rops.SetPropertiesRequest{PropertyValues: vals})
	if err != nil {
		return err
	}
	if err := res.Err(); err != nil {
		return err
	}
	if pp := res.Responses[0].(*rops.SetPropertiesResponse).PropertyProblems; len(pp) > 0 {
		return fmt.Errorf("mhclient: SetProperties: problems %+v", pp)
	}
	return nil
}

// tableRows reads every row of the table a ROP opens on h: the table ROP,
// RopSetColumns, then RopQueryRows until the end (MS-OXCTABL), and
// RopRelease of the table.
func (c *Client) tableRows(ctx context.Context, h uint32, open Request, cols []mapi.PropTag) ([]mapi.PropRow, error) {
	res, err := c.Execute(ctx, []uint32{h, NoHandle}, open,
		&rops.SetColumnsRequest{Header: rops.Header{InputHandleIndex: 1}, PropertyTags: cols},
		&rops.QueryRowsRequest{Header: rops.Header{InputHandleIndex: 1}, ForwardRead: true, RowCount: 100})
	if err != nil {
		return nil, err
	}
	if err := res.Err(); err != nil {
		return nil, err
	}
	table := res.Handle(1)
	defer c.Release(ctx, table)
	qr := res.Responses[2].(*rops.QueryRowsResponse)
	rows := qr.RowData
	for qr.Origin != rops.BookmarkEnd && len(qr.RowData) > 0 {
		res, err := c.Execute(ctx, []uint32{table}, &rops.QueryRowsRequest{ForwardRead: true, RowCount: 100})
		if err != nil {
			return nil, err
		}
		if err := res.Err(); err != nil {
			return nil, err
		}
		qr = res.Responses[0].(*rops.QueryRowsResponse)
		rows = append(rows, qr.RowData...)
	}
	return rows, nil
}

// HierarchyRows reads the subfolders of the folder h (its hierarchy
// table, MS-OXCFOLD 2.2.1.13) with cols.
func (c *Client) HierarchyRows(ctx context.Context, h uint32, cols ...mapi.PropTag) ([]mapi.PropRow, error) {
	return c.tableRows(ctx, h, &rops.GetHierarchyTableRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}}, cols)
}

// ContentsRows reads the messages of the folder h (its contents table,
// MS-OXCFOLD 2.2.1.14) with cols.
func (c *Client) ContentsRows(ctx context.Context, h uint32, cols ...mapi.PropTag) ([]mapi.PropRow, error) {
	return c.tableRows(ctx, h, &rops.GetContentsTableRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}}, cols)
}

// Folder is one folder of the tree as its parent's hierarchy table shows
// it.
type Folder struct {
	ID             mapi.EID
	Name           string
	ContainerClass string
	ContentCount   int
	// ChildCount is the server's PR_FOLDER_CHILD_COUNT.
	ChildCount int
	// Path is the names from below the folder the walk started at,
	// joined with "/".
	Path     string
	Depth    int
	Children []*Folder
}

// Descendants counts the folders below f.
func (f *Folder) Descendants() int {
	n := 0
	for _, ch := range f.Children {
		n += 1 + ch.Descendants()
	}
	return n
}

// All returns f and every folder below it, depth first.
func (f *Folder) All() []*Folder {
	out := []*Folder{f}
	for _, ch := range f.Children {
		out = append(out, ch.All()...)
	}
	return out
}

var folderColumns = []mapi.PropTag{mapi.PrFolderID, mapi.PrDisplayName, mapi.PrContainerClass, mapi.PrContentCount, mapi.PrFolderChildCount}

// WalkFolders reads the folder tree below fid through one hierarchy
// table per folder and returns fid's folder with its properties.
func (c *Client) WalkFolders(ctx context.Context, s *Store, fid mapi.EID) (*Folder, error) {
	h, err := c.OpenFolder(ctx, s, fid)
	if err != nil {
		return nil, err
	}
	vals, err := c.GetProps(ctx, h, folderColumns...)
	c.Release(ctx, h)
	if err != nil {
		return nil, err
	}
	root := folderOf(vals)
	root.ID = fid
	if err := c.walk(ctx, s, root); err != nil {
		return nil, err
	}
	return root, nil
}

func (c *Client) walk(ctx context.Context, s *Store, f *Folder) error {
	h, err := c.OpenFolder(ctx, s, f.ID)
	if err != nil {
		return err
	}
	rows, err := c.HierarchyRows(ctx, h, folderColumns...)
	c.Release(ctx, h)
	if err != nil {
		return fmt.Errorf("hierarchy of %q: %w", f.Path, err)
	}
	for _, r := range rows {
		ch := folderOf(r.Values)
		ch.Depth = f.Depth + 1
		ch.Path = ch.Name
		if f.Depth > 0 || f.Path != "" {
			ch.Path = f.Path + "/" + ch.Name
		}
		f.Children = append(f.Children, ch)
		if err := c.walk(ctx, s, ch); err != nil {
			return err
		}
	}
	return nil
}

func folderOf(vals []mapi.PropVal) *Folder {
	f := &Folder{}
	for _, v := range vals {
		switch v.Tag {
		case mapi.PrFolderID:
			f.ID = mapi.EID(asInt64(v.Value))
		case mapi.PrDisplayName:
			f.Name, _ = v.Value.(string)
		case mapi.PrContainerClass:
			f.ContainerClass, _ = v.Value.(string)
		case mapi.PrContentCount:
			f.ContentCount = int(asInt64(v.Value))
		case mapi.PrFolderChildCount:
			f.ChildCount = int(asInt64(v.Value))
		}
	}
	return f
}

func asInt64(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case uint64:
		return int64(x)
	case uint32:
		return int64(x)
	case int16:
		return int64(x)
	case mapi.EID:
		return int64(x)
	}
	return 0
}

// Value returns the value of tag in vals, or nil.
func Value(vals []mapi.PropVal, tag mapi.PropTag) any {
	for _, v := range vals {
		if v.Tag == tag {
			return v.Value
		}
	}
	return nil
}

// String returns the string value of tag in vals, or "".
func String(vals []mapi.PropVal, tag mapi.PropTag) string {
	s, _ := Value(vals, tag).(string)
	return s
}

// Int returns the integer value of tag in vals, or 0.
func Int(vals []mapi.PropVal, tag mapi.PropTag) int64 { return asInt64(Value(vals, tag)) }
