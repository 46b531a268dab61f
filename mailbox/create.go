package mailbox

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/gromox-go/gromox/mapi"
)

// ErrStoreExists is returned when creating a store over an existing one
// without Force.
var ErrStoreExists = errors.New("mailbox: store already exists")

// PrivateParams describe the owner of a new private store (what
// gromox-mkprivate reads from the user database).
type PrivateParams struct {
	UserID   uint32 // users.id: makes the store's database GUID
	Username string // users.username (for messages only)
	Language string // users.lang: picks the folder names; "" or unknown is English
	Quota    Quota  // optional quota store properties
	Force    bool   // replace an existing exchange.sqlite3
	Now      time.Time
}

// PublicParams describe the domain of a new public store (what
// gromox-mkpublic reads from the user database).
type PublicParams struct {
	DomainID uint32 // domains.id: makes the store's database GUID
	Domain   string // domains.domainname (for messages only)
	Force    bool
	Now      time.Time
}

// Quota is the optional store quota, in KiB as MAPI has it (0 = not set):
// PR_STORAGE_QUOTA_LIMIT, PR_PROHIBIT_RECEIVE_QUOTA, PR_PROHIBIT_SEND_QUOTA.
// Upstream's mkprivate writes none; grommunio-admin sets them as store
// properties later, which is where exmdb reads them.
type Quota struct {
	StorageLimit, ProhibitReceive, ProhibitSend uint32
}

// Permission bits (MS-OXCPERM 2.2.7; upstream frights*).
const (
	RightReadAny          = 0x1
	RightCreate           = 0x2
	RightEditOwned        = 0x8
	RightDeleteOwned      = 0x10
	RightEditAny          = 0x20
	RightDeleteAny        = 0x40
	RightCreateSubfolder  = 0x80
	RightOwner            = 0x100
	RightContact          = 0x200
	RightVisible          = 0x400
	RightFreeBusySimple   = 0x800
	RightFreeBusyDetailed = 0x1000

	// publicDefaultRights is what "default" may do in a new public store
	// (upstream rightsGromoxPubDefault, 0x41b).
	publicDefaultRights = RightReadAny | RightCreate | RightVisible | RightEditOwned | RightDeleteOwned
)

// builtinFolder is one folder mkprivate/mkpublic creates.
type builtinFolder struct {
	parent, fid uint64
	class       string // PR_CONTAINER_CLASS, "" for none
	hidden      bool   // PR_ATTR_HIDDEN
	name        string // fixed name (public store); "" = localised by fid
}

// privateFolders is the generic folders of a new private store in the order
// upstream's mkprivate creates them: that order decides each folder's change
// number, article number and message-id block.
var privateFolders = []builtinFolder{
	{0, mapi.PrivateFIDRoot, "", false, ""},
	{mapi.PrivateFIDRoot, mapi.PrivateFIDIPMSubtree, "", false, ""},
	{mapi.PrivateFIDIPMSubtree, mapi.PrivateFIDInbox, "IPF.Note", false, ""},
	{mapi.PrivateFIDIPMSubtree, mapi.PrivateFIDDraft, "IPF.Note", false, ""},
	{mapi.PrivateFIDIPMSubtree, mapi.PrivateFIDOutbox, "IPF.Note", false, ""},
	{mapi.PrivateFIDIPMSubtree, mapi.PrivateFIDSentItems, "IPF.Note", false, ""},
	{mapi.PrivateFIDIPMSubtree, mapi.PrivateFIDDeletedItems, "IPF.Note", false, ""},
	{mapi.PrivateFIDIPMSubtree, mapi.PrivateFIDContacts, "IPF.Contact", false, ""},
	{mapi.PrivateFIDIPMSubtree, mapi.PrivateFIDCalendar, "IPF.Appointment", false, ""},
	{mapi.PrivateFIDIPMSubtree, mapi.PrivateFIDJournal, "IPF.Journal", false, ""},
	{mapi.PrivateFIDIPMSubtree, mapi.PrivateFIDNotes, "IPF.StickyNote", false, ""},
	{mapi.PrivateFIDIPMSubtree, mapi.PrivateFIDTasks, "IPF.Task", false, ""},
	{mapi.PrivateFIDContacts, mapi.PrivateFIDQuickContacts, "IPF.Contact.MOC.QuickContacts", true, ""},
	{mapi.PrivateFIDContacts, mapi.PrivateFIDIMContactList, "IPF.Contact.MOC.ImContactList", true, ""},
	{mapi.PrivateFIDContacts, mapi.PrivateFIDGALContacts, "IPF.Contact.GalContacts", true, ""},
	{mapi.PrivateFIDIPMSubtree, mapi.PrivateFIDJunk, "IPF.Note", false, ""},
	{mapi.PrivateFIDIPMSubtree, mapi.PrivateFIDConversationActionSettings, "IPF.Configuration", true, ""},
	{mapi.PrivateFIDRoot, mapi.PrivateFIDDeferredAction, "", false, ""},
	{mapi.PrivateFIDRoot, mapi.PrivateFIDCommonViews, "", false, ""},
	{mapi.PrivateFIDRoot, mapi.PrivateFIDSchedule, "", false, ""},
	{mapi.PrivateFIDRoot, mapi.PrivateFIDFinder, "", false, ""},
	{mapi.PrivateFIDRoot, mapi.PrivateFIDViews, "", false, ""},
	{mapi.PrivateFIDRoot, mapi.PrivateFIDShortcuts, "", false, ""},
	{mapi.PrivateFIDIPMSubtree, mapi.PrivateFIDSyncIssues, "IPF.Note", false, ""},
	{mapi.PrivateFIDSyncIssues, mapi.PrivateFIDConflicts, "IPF.Note", false, ""},
	{mapi.PrivateFIDSyncIssues, mapi.PrivateFIDLocalFailures, "IPF.Note", false, ""},
	{mapi.PrivateFIDSyncIssues, mapi.PrivateFIDServerFailures, "IPF.Note", false, ""},
	{mapi.PrivateFIDRoot, mapi.PrivateFIDLocalFreebusy, "", false, ""},
}

// publicFolders is the folders of a new public store; their names are not
// localised.
var publicFolders = []builtinFolder{
	{0, mapi.PublicFIDRoot, "", false, "Root Container"},
	{mapi.PublicFIDRoot, mapi.PublicFIDIPMSubtree, "", false, "IPM_SUBTREE"},
	{mapi.PublicFIDRoot, mapi.PublicFIDNonIPMSubtree, "", false, "NON_IPM_SUBTREE"},
	{mapi.PublicFIDNonIPMSubtree, mapi.PublicFIDEFormsRegistry, "", false, "EFORMS REGISTRY"},
}

// receiveFolders is the receive_table of a new private store.
var receiveFolders = []struct {
	class string
	fid   uint64
}{
	{"", mapi.PrivateFIDInbox}, {"IPC", mapi.PrivateFIDRoot},
	{"IPM", mapi.PrivateFIDInbox}, {"REPORT.IPM", mapi.PrivateFIDInbox},
}

// preloadedNamedProps returns the named properties every new store
// preloads, as propids 0x8001 upwards in this order (preload_names.go), so
// that the common ones have the same propid in every store.
func preloadedNamedProps() []string { return preloadNamedProps[:] }

// MailboxSubdirs are the directories of a store, as upstream's
// make_mailbox_hierarchy creates them.
var MailboxSubdirs = []string{"config", "cid", "eml", "exmdb", "ext", "tmp", filepath.Join("tmp", "imap.rfc822")}

// dirMode and fileMode are upstream's FMODE_PRIVATE (plus search rights
// for directories): the store is the service's alone.
const (
	dirMode  fs.FileMode = 0o770
	fileMode fs.FileMode = 0o660
)

// makeMailboxHierarchy creates a store directory and its subdirectories;
// existing ones are kept.
func makeMailboxHierarchy(dir string) error {
	for _, sub := range append([]string{""}, MailboxSubdirs...) {
		p := filepath.Join(dir, sub)
		if err := os.Mkdir(p, dirMode); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	return nil
}

// createDBFile creates an empty database file with O_EXCL semantics, or,
// with force, after unlinking the old one and its WAL side files (never
// truncating: a process that still has the old file open must not see its
// inode change under it).
func createDBFile(path string, force bool) error {
	if force {
		for _, p := range []string{path, path + "-shm", path + "-wal"} {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, fileMode)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%w: %s (use Force to overwrite)", ErrStoreExists, path)
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// storeBuilder collects the state of a store being created, as the
// counters of upstream's mkprivate/mkpublic.
type storeBuilder struct {
	tx       *sql.Tx
	ctx      context.Context
	guid     mapi.GUID // database GUID: the change keys' namespace
	lang     string
	now      time.Time
	curEID   uint64 // next message-id block
	lastCN   uint64
	lastArt  uint64
	ntNow    int64
	unixTime int64
}

func newStoreBuilder(ctx context.Context, tx *sql.Tx, guid mapi.GUID, lang string, now time.Time) *storeBuilder {
	now = now.Truncate(time.Second) // upstream uses time(nullptr)
	return &storeBuilder{
		tx: tx, ctx: ctx, guid: guid, lang: lang, now: now,
		curEID: mapi.AllocatedEIDRange, ntNow: int64(mapi.FileTimeOf(now)), unixTime: now.Unix(),
	}
}

func (b *storeBuilder) exec(q string, args ...any) error {
	_, err := b.tx.ExecContext(b.ctx, q, args...)
	return err
}

// namedProps preloads propnames.txt.
func (b *storeBuilder) namedProps() error {
	for i, name := range preloadedNamedProps() {
		propid := 0x8001 + i
		if propid >= 0xffff {
			return errors.New("propnames: named property space exhausted")
		}
		if err := b.exec("INSERT INTO named_properties VALUES (?, ?)", propid, name); err != nil {
			return fmt.Errorf("named property %q: %w", name, err)
		}
	}
	return nil
}

// storeProps inserts integer store properties in order.
func (b *storeBuilder) storeProps(props []mapi.PropVal) error {
	for _, p := range props {
		v, err := encodeValue(p.Tag, p.Value)
		if err != nil {
			return err
		}
		if err := b.exec("INSERT INTO store_properties VALUES (?, ?)", int64(p.Tag), v); err != nil {
			return err
		}
	}
	return nil
}

// folder creates one built-in folder as upstream's mbop_create_generic_folder
// (search=false) or mbop_create_search_folder (search=true) does.
func (b *storeBuilder) folder(f builtinFolder, search bool) error {
	name := f.name
	if name == "" {
		name = FolderName(b.lang, f.fid)
	}
	var parent any
	if f.parent != 0 {
		parent = int64(f.parent)
	}
	b.lastCN++
	cn := b.lastCN
	if search {
		if err := b.exec("INSERT INTO folders (folder_id, parent_id, change_number, is_search, cur_eid, max_eid) VALUES (?, ?, ?, 1, 0, 0)",
			int64(f.fid), parent, int64(cn)); err != nil {
			return err
		}
	} else {
		cur := b.curEID
		b.curEID += mapi.AllocatedEIDRange
		max := b.curEID - 1
		if err := b.exec("INSERT INTO allocated_eids VALUES (?, ?, ?, 1)", int64(cur), int64(max), b.unixTime); err != nil {
			return err
		}
		if err := b.exec("INSERT INTO folders (folder_id, parent_id, change_number, cur_eid, max_eid) VALUES (?, ?, ?, ?, ?)",
			int64(f.fid), parent, int64(cn), int64(cur), int64(max)); err != nil {
			return err
		}
	}
	b.lastArt++
	props := []mapi.PropVal{
		{Tag: mapi.PrDeletedCountTotal, Value: int32(0)},
		{Tag: mapi.PrDeletedFolderCount, Value: int32(0)},
		{Tag: mapi.PrHierarchyChangeNum, Value: int32(0)},
		{Tag: mapi.PrInternetArticleNumber, Value: int32(b.lastArt)},
	}
	if !search {
		props = append(props, mapi.PropVal{Tag: mapi.PrInternetArticleNumberNext, Value: int32(1)})
	}
	props = append(props,
		mapi.PropVal{Tag: mapi.PrDisplayName, Value: name},
		mapi.PropVal{Tag: mapi.PrComment, Value: ""})
	class := f.class
	if search {
		class = "IPF.Note"
	}
	if class != "" {
		props = append(props, mapi.PropVal{Tag: mapi.PrContainerClass, Value: class})
	}
	nt := mapi.FileTime(b.ntNow)
	ck := mapi.NewXID(b.guid, cn)
	var pcl mapi.PCL
	pcl.Append(ck)
	props = append(props,
		mapi.PropVal{Tag: mapi.PrCreationTime, Value: nt},
		mapi.PropVal{Tag: mapi.PrLastModificationTime, Value: nt},
		mapi.PropVal{Tag: mapi.PrHierRev, Value: nt},
		mapi.PropVal{Tag: mapi.PrLocalCommitTimeMax, Value: nt},
		mapi.PropVal{Tag: mapi.PrChangeKey, Value: ck.Bytes()},
		mapi.PropVal{Tag: mapi.PrPredecessorChangeList, Value: pcl.Bytes()},
	)
	if f.hidden {
		props = append(props, mapi.PropVal{Tag: mapi.PrAttrHidden, Value: true})
	}
	for _, p := range props {
		v, err := encodeValue(p.Tag, p.Value)
		if err != nil {
			return err
		}
		if err := b.exec("INSERT INTO folder_properties VALUES (?, ?, ?)", int64(f.fid), int64(p.Tag), v); err != nil {
			return err
		}
	}
	return nil
}

// options writes the configurations rows and the global id range, as
// upstream's mk_options does: the store GUID and mapping signature are
// random; the global range is 0x100..0xffff (the region 0x1e..0xff stays
// free for future built-in folders, and once 0x100..0xffff is used up the
// allocator continues after the folders' message-id blocks).
func (b *storeBuilder) options(defaultPerm uint32) error {
	mailboxGUID, err := randomGUID()
	if err != nil {
		return err
	}
	mappingSig, err := randomGUID()
	if err != nil {
		return err
	}
	if err := b.exec("INSERT INTO configurations VALUES (?, ?)", configMailboxGUID, mailboxGUID.String()); err != nil {
		return err
	}
	if err := b.exec("INSERT INTO configurations VALUES (?, ?)", configMappingSignature, mappingSig.String()); err != nil {
		return err
	}
	for _, kv := range [][2]int64{
		{configCurrentEID, mapi.CustomEIDBegin},
		{configMaximumEID, mapi.AllocatedEIDRange - 1},
		{configLastChangeNumber, int64(b.lastCN)},
		{configLastCID, 0},
		{configLastArticleNumber, int64(b.lastArt)},
		{configSearchState, 0},
		{configDefaultPermission, int64(defaultPerm)},
		{configAnonymousPerm, 0},
	} {
		if err := b.exec("INSERT INTO configurations VALUES (?, ?)", kv[0], kv[1]); err != nil {
			return err
		}
	}
	return b.exec("INSERT INTO allocated_eids VALUES (?, ?, ?, 1)", 1, mapi.AllocatedEIDRange-1, b.unixTime)
}

// randomGUID returns a version-4 random GUID.
func randomGUID() (mapi.GUID, error) {
	var g mapi.GUID
	if _, err := rand.Read(g[:]); err != nil {
		return g, err
	}
	g[7] = g[7]&0x0f | 0x40 // Data3 high nibble: version 4
	g[8] = g[8]&0x3f | 0x80 // variant 10
	return g, nil
}

// createStore runs build in one transaction on a newly created
// exchange.sqlite3 of dir; on failure the new file is removed again.
func createStore(dir string, kind schemaKind, force bool, build func(*storeBuilder) error, guid mapi.GUID, lang string, now time.Time) (err error) {
	if now.IsZero() {
		now = time.Now()
	}
	if err := makeMailboxHierarchy(dir); err != nil {
		return fmt.Errorf("create %s: %w", kind, err)
	}
	path := DBPath(dir)
	if err := createDBFile(path, force); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			for _, p := range []string{path, path + "-shm", path + "-wal"} {
				os.Remove(p)
			}
		}
	}()
	db, err := openDB(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Rows go in in upstream's order (receive folders before the folders
	// they name); foreign keys are checked at commit.
	if _, err := tx.ExecContext(ctx, "PRAGMA defer_foreign_keys=ON"); err != nil {
		return err
	}
	if err := createSchema(ctx, tx, kind); err != nil {
		return err
	}
	b := newStoreBuilder(ctx, tx, guid, lang, now)
	if err := b.namedProps(); err != nil {
		return fmt.Errorf("create %s: %w", kind, err)
	}
	if err := build(b); err != nil {
		return fmt.Errorf("create %s: %w", kind, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create %s: %w", kind, err)
	}
	return nil
}

// CreatePrivate makes a new private store in dir, as gromox-mkprivate
// does: the directories, exchange.sqlite3 (schema 27) with the built-in
// folder tree named in the owner's language, the receive folders, the
// preloaded named properties, store properties, the calendar's free/busy
// permissions and the id counters. It refuses to replace an existing
// exchange.sqlite3 unless p.Force. It does not create midb.sqlite3 (see
// CreateMidb).
func CreatePrivate(dir string, p PrivateParams) error {
	lang, ok := ResolveFolderLanguage(p.Language)
	if !ok {
		lang = "en"
	}
	return createStore(dir, schemaPrivate, p.Force, func(b *storeBuilder) error {
		for _, rf := range receiveFolders {
			if err := b.exec("INSERT INTO receive_table VALUES (?, ?, ?)", rf.class, int64(rf.fid), b.ntNow); err != nil {
				return err
			}
		}
		nt := mapi.FileTime(b.ntNow)
		props := []mapi.PropVal{
			{Tag: mapi.PrCreationTime, Value: nt},
			{Tag: mapi.PrOOFState, Value: false},
			{Tag: mapi.PrMessageSizeExtended, Value: int64(0)},
			{Tag: mapi.PrAssocMessageSizeExtended, Value: int64(0)},
			{Tag: mapi.PrNormalMessageSizeExtended, Value: int64(0)},
		}
		for _, q := range []struct {
			tag mapi.PropTag
			kib uint32
		}{
			{mapi.PrStorageQuotaLimit, p.Quota.StorageLimit},
			{mapi.PrProhibitReceiveQuota, p.Quota.ProhibitReceive},
			{mapi.PrProhibitSendQuota, p.Quota.ProhibitSend},
		} {
			if q.kib != 0 {
				props = append(props, mapi.PropVal{Tag: q.tag, Value: int32(q.kib)})
			}
		}
		if err := b.storeProps(props); err != nil {
			return err
		}
		for _, f := range privateFolders {
			if err := b.folder(f, false); err != nil {
				return fmt.Errorf("folder %#x: %w", f.fid, err)
			}
		}
		if err := b.folder(builtinFolder{parent: mapi.PrivateFIDRoot, fid: mapi.PrivateFIDSpoolerQueue}, true); err != nil {
			return fmt.Errorf("spooler queue: %w", err)
		}
		for _, perm := range []struct {
			fid    uint64
			rights uint32
		}{
			{mapi.PrivateFIDCalendar, RightFreeBusySimple | RightVisible},
			{mapi.PrivateFIDLocalFreebusy, RightFreeBusySimple},
		} {
			if err := b.exec("INSERT INTO permissions (folder_id, username, permission) VALUES (?, 'default', ?)",
				int64(perm.fid), perm.rights); err != nil {
				return err
			}
		}
		return b.options(0)
	}, mapi.PrivateStoreGUID(p.UserID), lang, p.Now)
}

// CreatePublic makes a new public store in dir, as gromox-mkpublic does.
// Upstream derives the change keys of the built-in public folders from the
// domain id with the *user* GUID pattern (mkpublic passes CN_USER); the
// same is done here so both stores carry the same keys.
func CreatePublic(dir string, p PublicParams) error {
	return createStore(dir, schemaPublic, p.Force, func(b *storeBuilder) error {
		nt := mapi.FileTime(b.ntNow)
		if err := b.storeProps([]mapi.PropVal{
			{Tag: mapi.PrCreationTime, Value: nt},
			{Tag: mapi.PrMessageSizeExtended, Value: int64(0)},
			{Tag: mapi.PrAssocMessageSizeExtended, Value: int64(0)},
			{Tag: mapi.PrNormalMessageSizeExtended, Value: int64(0)},
		}); err != nil {
			return err
		}
		for _, f := range publicFolders {
			if err := b.folder(f, false); err != nil {
				return fmt.Errorf("folder %#x: %w", f.fid, err)
			}
		}
		return b.options(publicDefaultRights)
	}, mapi.PrivateStoreGUID(p.DomainID), "en", p.Now)
}

// MidbPath returns the path of a store's midb.sqlite3 (the IMAP index).
func MidbPath(dir string) string { return filepath.Join(dir, "exmdb", "midb.sqlite3") }

// CreateMidb makes an empty midb.sqlite3 (schema 5) for a private store, as
// gromox-mkmidb does. It refuses to replace an existing one unless force.
func CreateMidb(dir string, force bool) (err error) {
	if err := os.MkdirAll(filepath.Join(dir, "exmdb"), dirMode); err != nil {
		return err
	}
	path := MidbPath(dir)
	if err := createDBFile(path, force); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(path)
		}
	}()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_txlock=immediate")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := createSchema(ctx, tx, schemaMidb); err != nil {
		return err
	}
	return tx.Commit()
}
