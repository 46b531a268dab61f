package mailbox

// EventKind is the kind of a change notification; the values are MAPI's
// notification type bits (MS-OXCNOTIF 2.2.1.4.1.2, upstream's
// notification_type mask), so a subscription filter is a mask of them.
type EventKind uint16

// Event kinds.
const (
	EventNewMail        EventKind = 0x0002
	EventCreated        EventKind = 0x0004
	EventDeleted        EventKind = 0x0008
	EventModified       EventKind = 0x0010
	EventMoved          EventKind = 0x0020
	EventCopied         EventKind = 0x0040
	EventSearchComplete EventKind = 0x0080
	// EventCountsChanged: a folder's message or unread count changed
	// (ours; MAPI reports it as ObjectModified of the folder with counts).
	EventCountsChanged EventKind = 0x1000
	// EventIMAPFlags: an IMAP client changed a message's flags; the IMAP
	// index has them, the MAPI state gets them a moment later, with an
	// EventModified marked IMAPAnnounced (flagjournal.go). Ours; for
	// IMAP sessions.
	EventIMAPFlags EventKind = 0x2000

	EventAll EventKind = 0xffff
)

// Event is one committed change, delivered to subscribers after the commit
// that made it, in commit order. IDs are GCVs (store-local 48-bit values).
type Event struct {
	Seq          uint64 // store-wide, strictly increasing in commit order
	Kind         EventKind
	Folder       bool   // the object is a folder (else a message)
	FolderID     uint64 // the folder, or the message's folder
	MessageID    uint64 // 0 for folder events
	ParentID     uint64 // for folder events: the parent folder
	OldFolderID  uint64 // moved/copied: where it was
	OldMessageID uint64 // moved/copied: its old id
	MessageClass string // new mail: PR_MESSAGE_CLASS
	MessageFlags uint32 // new mail: PR_MESSAGE_FLAGS
	Total        int64  // counts changed: messages in FolderID (-1: not read, nobody asked)
	Unread       int64  // counts changed: unread messages in FolderID (-1 likewise)
	// IMAPAnnounced: a change whose IMAP view was published before, as an
	// EventIMAPFlags; nothing new for an IMAP session.
	IMAPAnnounced bool
	// Flags and Keywords: for EventIMAPFlags, the message's IMAP flags
	// (without \Recent) and keywords as the change left them.
	Flags    IMAPFlags
	Keywords []string

	imap *imapUpdate // the IMAP flags SetIMAPFlagsBatch set, for the IMAP index
}

// imapUpdate is a message's new IMAP state, carried from a flag change to
// the IMAP index with the commit's events.
type imapUpdate struct {
	flags    IMAPFlags
	mask     IMAPFlags // the flags that changed
	keywords *string   // nil: unchanged
	indexed  bool      // the index has it already (the flag journal's)
}
