package mailbox

import "github.com/gromox-go/gromox/mapi"

// Typed requests for the operations protocols need, one per client
// command. Each is a Reader or a Writer run by the store's actor; send them
// with Registry.Do (or Do[T] for the reply type named in each comment).
// Protocols that need several steps in one transaction use ReadFunc and
// WriteFunc with the Tx methods instead.

// GetStoreProps reads store properties. Reply: Props.
type GetStoreProps struct{ Tags []mapi.PropTag }

func (r GetStoreProps) Read(tx *Tx) (any, error) { return tx.StoreProps(r.Tags) }

// GetFolderProps reads folder properties, computed ones included. Reply:
// Props.
type GetFolderProps struct {
	FolderID uint64
	Tags     []mapi.PropTag
}

func (r GetFolderProps) Read(tx *Tx) (any, error) { return tx.FolderProps(r.FolderID, r.Tags) }

// ListFolders lists the child folders of FolderID. Reply: []uint64.
type ListFolders struct{ FolderID uint64 }

func (r ListFolders) Read(tx *Tx) (any, error) { return tx.Children(r.FolderID) }

// CreateFolder makes a generic folder. Reply: the new folder's id (uint64).
type CreateFolder struct {
	Parent uint64
	Name   string
	Class  string
	Props  Props
}

func (r CreateFolder) Write(tx *Tx) (any, error) {
	return tx.CreateFolder(r.Parent, r.Name, r.Class, r.Props)
}

// SetFolderProps changes folder properties. Reply: []PropProblem.
type SetFolderProps struct {
	FolderID uint64
	Props    Props
}

func (r SetFolderProps) Write(tx *Tx) (any, error) { return tx.SetFolderProps(r.FolderID, r.Props) }

// DeleteFolder deletes a folder, softly unless Hard. Reply: nil.
type DeleteFolder struct {
	FolderID uint64
	Hard     bool
}

func (r DeleteFolder) Write(tx *Tx) (any, error) { return nil, tx.DeleteFolder(r.FolderID, r.Hard) }

// MoveFolder moves (and optionally renames) a folder. Reply: nil.
type MoveFolder struct {
	FolderID, NewParent uint64
	NewName             string
}

func (r MoveFolder) Write(tx *Tx) (any, error) {
	return nil, tx.MoveFolder(r.FolderID, r.NewParent, r.NewName)
}

// EmptyFolder deletes a folder's contents (flags: the Empty* bits). Reply:
// nil.
type EmptyFolder struct {
	FolderID uint64
	Flags    int
}

func (r EmptyFolder) Write(tx *Tx) (any, error) { return nil, tx.EmptyFolder(r.FolderID, r.Flags) }

// GetMessageProps reads message properties. Reply: Props.
type GetMessageProps struct {
	MessageID uint64
	Tags      []mapi.PropTag
}

func (r GetMessageProps) Read(tx *Tx) (any, error) { return tx.MessageProps(r.MessageID, r.Tags) }

// ReadMessage reads a whole message: properties, recipients,
// attachments, embedded messages. Reply: *MessageContent.
type ReadMessage struct{ MessageID uint64 }

func (r ReadMessage) Read(tx *Tx) (any, error) { return tx.ReadMessage(r.MessageID) }

// ReadOriginal reads a message's RFC 5322 form. Reply: []byte.
type ReadOriginal struct{ MessageID uint64 }

func (r ReadOriginal) Read(tx *Tx) (any, error) { return tx.ReadOriginal(r.MessageID) }

// WriteMessage stores a new message in FolderID, with its RFC 5322
// original when Original is set. Reply: WriteResult.
type WriteMessage struct {
	FolderID uint64
	Content  *MessageContent
	Original []byte
}

// WriteResult is the reply to WriteMessage.
type WriteResult struct {
	MessageID    uint64
	ChangeNumber uint64
	MidString    string
}

func (r WriteMessage) Write(tx *Tx) (any, error) {
	if r.Original != nil {
		mid, cn, ms, err := tx.WriteOriginal(r.FolderID, r.Content, r.Original)
		return WriteResult{mid, cn, ms}, err
	}
	mid, cn, err := tx.WriteMessage(r.FolderID, r.Content)
	return WriteResult{MessageID: mid, ChangeNumber: cn}, err
}

// SetMessageProps changes message properties. Reply: []PropProblem.
type SetMessageProps struct {
	MessageID uint64
	Props     Props
}

func (r SetMessageProps) Write(tx *Tx) (any, error) {
	return tx.SetMessageProps(r.MessageID, r.Props)
}

// SetReadState marks a message read or unread. Reply: the read change
// number (uint64).
type SetReadState struct {
	MessageID uint64
	Read      bool
}

func (r SetReadState) Write(tx *Tx) (any, error) { return tx.SetReadState(r.MessageID, r.Read) }

// DeleteMessages deletes messages of FolderID, softly unless Hard. Reply:
// whether only some were deleted (bool).
type DeleteMessages struct {
	FolderID uint64
	IDs      []uint64
	Hard     bool
}

func (r DeleteMessages) Write(tx *Tx) (any, error) {
	return tx.DeleteMessages(r.FolderID, r.IDs, r.Hard)
}

// MoveCopyMessages moves or copies messages. Reply: MoveCopyResult.
type MoveCopyMessages struct {
	From, To uint64
	IDs      []uint64
	Copy     bool
}

func (MoveCopyMessages) readsIndexAfter() {} // its caller is answered with the new UIDs

// MoveCopyResult is the reply to MoveCopyMessages, sent once the IMAP index
// holds the new messages: the new ids and their UIDs in the destination,
// in the order of the request's (0 for one not made, or not in the
// index), and whether only some were moved.
type MoveCopyResult struct {
	NewIDs  []uint64
	UIDs    []uint32
	Partial bool
	to      uint64
}

func (r MoveCopyMessages) Write(tx *Tx) (any, error) {
	ids, partial, err := tx.MoveCopyMessages(r.From, r.To, r.IDs, r.Copy)
	return MoveCopyResult{NewIDs: ids, Partial: partial, to: r.To}, err
}

func (r MoveCopyResult) withUIDs(uid func(fid, mid uint64) uint32) any {
	r.UIDs = make([]uint32, len(r.NewIDs))
	for i, mid := range r.NewIDs {
		if mid != 0 {
			r.UIDs[i] = uid(r.to, mid)
		}
	}
	return r
}

// SetIMAPFlags changes a message's IMAP flags and keywords (IMAP STORE).
// Reply: nil.
type SetIMAPFlags struct {
	MessageID      uint64
	Add, Remove    IMAPFlags
	AddKeywords    []string
	RemoveKeywords []string
	// ReplaceKeywords: the keywords become AddKeywords (STORE FLAGS).
	ReplaceKeywords bool
}

func (r SetIMAPFlags) Write(tx *Tx) (any, error) {
	return nil, tx.setIMAPFlags(r)
}

// SetIMAPFlagsBatch changes the IMAP flags and keywords of messages of a
// folder in one go (IMAP STORE on a set). Reply: []IMAPFlagState, in the
// order of Changes.
type SetIMAPFlagsBatch struct {
	FolderID uint64
	Changes  []SetIMAPFlags
}

func (r SetIMAPFlagsBatch) Write(tx *Tx) (any, error) {
	return tx.SetIMAPFlagsBatch(r.FolderID, r.Changes)
}

// ListIMAPFolders lists the folders IMAP shows. Reply: []IMAPFolder.
type ListIMAPFolders struct{}

func (ListIMAPFolders) Read(tx *Tx) (any, error) { return tx.IMAPFolders() }
func (ListIMAPFolders) readsMidbOnly()           {}
