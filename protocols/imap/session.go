package imap

import (
	"context"
	"errors"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"go.uber.org/zap"
)

// delim is the hierarchy delimiter IMAP clients see.
const delim = '/'

// session is the actor holding one connection's IMAP state.
type session struct {
	s           *Server
	conn        *imapserver.Conn
	remote      netip.AddrPort
	implicitTLS bool
	self        *actors.PID

	user      *directory.User
	failures  int
	sel       *selected
	searchRes imap.UIDSet // the saved SEARCH result (RFC 5182)

	// The store notifies inbox, which queues in the sender's goroutine:
	// a change committed before the store answers the session's next
	// request is in queued when that answer arrives.
	inbox  *actors.Inbox
	mu     sync.Mutex
	queued []mailbox.Notification

	// An IDLE whose updates the actor writes (idle_push.go).
	idleConn   *idConn
	idleW      *imapserver.UpdateWriter
	idling     atomic.Bool // idleW is set: notifications wake the actor
	wakeQueued atomic.Bool // an idleWake is on its way
}

// notified queues a store notification (in the store actor's goroutine)
// and wakes an IDLE.
func (a *session) notified(msg any) {
	n, ok := msg.(mailbox.Notification)
	if !ok {
		return
	}
	a.mu.Lock()
	a.queued = append(a.queued, n)
	a.mu.Unlock()
	a.wakeIdle()
}

// takeNotifications applies the queued notifications to the view.
func (a *session) takeNotifications() {
	a.mu.Lock()
	q := a.queued
	a.queued = nil
	a.mu.Unlock()
	for _, n := range q {
		if a.sel != nil && n.SubID == a.sel.subID {
			a.sel.note(n.Events)
		}
	}
}

func (a *session) Receive(c *actors.Context) {
	switch m := c.Message().(type) {
	case command:
		if a.s.testHook != nil {
			a.s.testHook(m.Name)
		}
		if a.self == nil {
			a.self = c.Self()
		}
		if a.idleW != nil {
			a.endIdle() // go-imap reads commands again: the IDLE is over
		}
		res, err := m.Run(a)
		if err != nil {
			c.Respond(err)
			return
		}
		if res == nil {
			res = result{}
		}
		c.Respond(res)
	case idleWake:
		a.idleWoken()
	case actors.ServerShutdown:
		a.conn.Bye("server shutting down")
		c.Stop(c.Self())
	case *actors.Stopping:
		a.unselect()
		if a.inbox != nil {
			a.inbox.Close()
		}
		a.conn.NetConn().Close()
	}
}

// ctx is the context of one command's store and directory calls.
func (a *session) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), a.s.cfg.Timeout)
}

// do runs one store request for the logged-in user.
func (a *session) do(req any) (any, error) {
	ctx, cancel := a.ctx()
	defer cancel()
	return a.s.stores.Do(ctx, a.user.Maildir, req)
}

func storeDo[T any](a *session, req any) (T, error) {
	ctx, cancel := a.ctx()
	defer cancel()
	return mailbox.Do[T](ctx, a.s.stores, a.user.Maildir, req)
}

func (a *session) isTLS() bool {
	if a.implicitTLS {
		return true
	}
	ic, ok := a.conn.NetConn().(*idConn)
	return ok && ic.tlsActive()
}

// login authenticates through the directory (RFC 9051 6.2.3).
func (a *session) login(username, password string) error {
	if a.s.cfg.ForceTLS && !a.isTLS() {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodePrivacyRequired, Text: "TLS required before login"}
	}
	ctx, cancel := a.ctx()
	defer cancel()
	u, err := a.s.auth.Authenticate(ctx, directory.Credentials{
		Login: username, Password: password, Remote: a.remote,
		Protocol: "imap", Op: "LOGIN", Want: directory.PrivIMAP,
	})
	if err == nil && u.Maildir == "" {
		a.s.log.Warn("imap login of a user without a mailbox", zap.String("user", u.Username))
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeUnavailable, Text: "no mailbox for this user"}
	}
	if err != nil {
		a.failures++
		var r *imap.Error
		switch {
		case errors.Is(err, directory.ErrAuthFailed):
			r = imapserver.ErrAuthFailed
		case errors.Is(err, directory.ErrLoginDisabled):
			r = &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeAuthorizationFailed, Text: "login not permitted"}
		case errors.Is(err, directory.ErrBlocked):
			r = &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeUnavailable, Text: "too many failed logins, try again later"}
		default:
			a.s.log.Warn("imap authentication error", zap.Error(err))
			r = &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeUnavailable, Text: "authentication temporarily unavailable"}
		}
		if a.failures >= a.s.cfg.MaxAuthFailures {
			a.conn.Bye("too many failed logins")
		}
		return r
	}
	a.user = u
	if _, err := storeDo[[]mailbox.IMAPFolder](a, mailbox.ListIMAPFolders{}); err != nil {
		a.s.log.Warn("imap mailbox unavailable", zap.String("user", u.Username), zap.Error(err))
		a.user = nil
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeUnavailable, Text: "mailbox unavailable"}
	}
	a.s.log.Info("imap login", zap.String("user", u.Username), zap.Stringer("remote", a.remote))
	return nil
}

// folders lists the IMAP-visible folders.
func (a *session) folders() ([]mailbox.IMAPFolder, error) {
	fs, err := storeDo[[]mailbox.IMAPFolder](a, mailbox.ListIMAPFolders{})
	if err != nil {
		return nil, a.storeError(err)
	}
	return fs, nil
}

// canonical is a folder name as it is compared: INBOX in any case and its
// subfolders are INBOX, a trailing delimiter ignored.
func canonical(name string) string {
	name = strings.TrimSuffix(name, string(delim))
	if len(name) >= 5 && strings.EqualFold(name[:5], "INBOX") && (len(name) == 5 || name[5] == delim) {
		return "INBOX" + name[5:]
	}
	return name
}

// findFolder looks a folder up by name.
func findFolder(fs []mailbox.IMAPFolder, name string) (mailbox.IMAPFolder, bool) {
	name = canonical(name)
	for _, f := range fs {
		if f.Name == name {
			return f, true
		}
	}
	return mailbox.IMAPFolder{}, false
}

func (a *session) folder(name string) (mailbox.IMAPFolder, error) {
	fs, err := a.folders()
	if err != nil {
		return mailbox.IMAPFolder{}, err
	}
	f, ok := findFolder(fs, name)
	if !ok {
		return f, errNoSuchFolder
	}
	return f, nil
}

var errNoSuchFolder = &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeNonExistent, Text: "no such mailbox"}

// storeError maps a store failure onto an IMAP response.
func (a *session) storeError(err error) error {
	var imapErr *imap.Error
	switch {
	case errors.As(err, &imapErr):
		return err
	case errors.Is(err, mailbox.ErrNotFound):
		return errNoSuchFolder
	case errors.Is(err, mailbox.ErrQuotaExceeded):
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeOverQuota, Text: "mailbox over quota"}
	case errors.Is(err, mailbox.ErrAccessDenied):
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeNoPerm, Text: "not permitted"}
	}
	a.s.log.Warn("imap store error", zap.String("user", a.user.Username), zap.Error(err))
	return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeServerBug, Text: "store error"}
}

// validName checks a folder name a client wants to create: components
// that are not empty, no control characters, valid UTF-8, bounded length.
func validName(name string) error {
	bad := func(why string) error {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeCannot, Text: "invalid mailbox name: " + why}
	}
	if !utf8.ValidString(name) {
		return bad("not UTF-8")
	}
	if len(name) > 1000 {
		return bad("too long")
	}
	for _, part := range strings.Split(name, string(delim)) {
		if part == "" {
			return bad("empty component")
		}
		if len(part) >= 256 {
			return bad("component too long")
		}
		for _, r := range part {
			if r < 0x20 || r == 0x7f {
				return bad("control character")
			}
		}
	}
	return nil
}

// parentOf resolves the folder that will hold name: the IPM subtree for
// a top-level name. Missing parents are created (RFC 9051 6.3.4).
func (a *session) parentOf(fs []mailbox.IMAPFolder, name string) (uint64, string, error) {
	parts := strings.Split(name, string(delim))
	parent := uint64(mapi.PrivateFIDIPMSubtree)
	for i, part := range parts[:len(parts)-1] {
		path := strings.Join(parts[:i+1], string(delim))
		if f, ok := findFolder(fs, path); ok {
			parent = f.ID
			continue
		}
		id, err := storeDo[uint64](a, mailbox.CreateFolder{Parent: parent, Name: part, Class: "IPF.Note"})
		if err != nil {
			return 0, "", a.storeError(err)
		}
		parent = id
	}
	return parent, parts[len(parts)-1], nil
}

func (a *session) create(name string, use []imap.MailboxAttr) error {
	name = canonical(name)
	if err := validName(name); err != nil {
		return err
	}
	if err := checkUse(name, use); err != nil {
		return err
	}
	fs, err := a.folders()
	if err != nil {
		return err
	}
	if _, ok := findFolder(fs, name); ok {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeAlreadyExists, Text: "mailbox already exists"}
	}
	parent, leaf, err := a.parentOf(fs, name)
	if err != nil {
		return err
	}
	if _, err := storeDo[uint64](a, mailbox.CreateFolder{Parent: parent, Name: leaf, Class: "IPF.Note"}); err != nil {
		if errors.Is(err, mailbox.ErrDuplicateName) {
			// A folder of that name the IMAP view does not show (another
			// class, hidden).
			return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeAlreadyExists, Text: "a folder of that name exists"}
		}
		return a.storeError(err)
	}
	return nil
}

// builtIn: folders of the store's fixed layout cannot be deleted or
// renamed.
func builtIn(fid uint64) bool { return fid < mapi.PrivateFIDUnassignedStart }

func hasChildren(fs []mailbox.IMAPFolder, fid uint64) bool {
	for _, f := range fs {
		if f.ParentID == fid {
			return true
		}
	}
	return false
}

func (a *session) delete(name string) error {
	fs, err := a.folders()
	if err != nil {
		return err
	}
	f, ok := findFolder(fs, name)
	if !ok {
		return errNoSuchFolder
	}
	if builtIn(f.ID) {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeCannot, Text: "special mailboxes cannot be deleted"}
	}
	if hasChildren(fs, f.ID) {
		// RFC 9051 7.1: HASCHILDREN, the code of its own example. (A
		// MAPI folder cannot become \Noselect, so the folder stays.)
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeHasChildren, Text: "mailbox has children; delete them first"}
	}
	if a.sel != nil && a.sel.fid == f.ID {
		a.unselect()
	}
	// IMAP DELETE removes the folder with its messages (RFC 9051
	// 6.3.5), in one transaction; a folder holding folders IMAP does not
	// show (another class) stays.
	del := mailbox.WriteFunc(func(tx *mailbox.Tx) (any, error) {
		if err := tx.EmptyFolder(f.ID, mailbox.EmptyMessages|mailbox.EmptyAssociated|mailbox.EmptyHard); err != nil {
			return nil, err
		}
		return nil, tx.DeleteFolder(f.ID, true)
	})
	if _, err := a.do(del); err != nil {
		if errors.Is(err, mailbox.ErrFolderInUse) {
			// Children of another class, which no IMAP command can
			// delete.
			return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeCannot, Text: "the folder holds folders IMAP does not show"}
		}
		return a.storeError(err)
	}
	return nil
}

func (a *session) rename(oldName, newName string) error {
	newName = canonical(newName)
	if err := validName(newName); err != nil {
		return err
	}
	fs, err := a.folders()
	if err != nil {
		return err
	}
	f, ok := findFolder(fs, oldName)
	if !ok {
		return errNoSuchFolder
	}
	if builtIn(f.ID) {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeCannot, Text: "special mailboxes cannot be renamed"}
	}
	if _, ok := findFolder(fs, newName); ok {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeAlreadyExists, Text: "mailbox already exists"}
	}
	if strings.HasPrefix(newName+string(delim), f.Name+string(delim)) {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeCannot, Text: "cannot move a mailbox into itself"}
	}
	parent, leaf, err := a.parentOf(fs, newName)
	if err != nil {
		return err
	}
	if _, err := a.do(mailbox.MoveFolder{FolderID: f.ID, NewParent: parent, NewName: leaf}); err != nil {
		if errors.Is(err, mailbox.ErrDuplicateName) {
			return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeAlreadyExists, Text: "a folder of that name exists"}
		}
		return a.storeError(err)
	}
	return nil
}

func (a *session) subscribe(name string, on bool) error {
	f, err := a.folder(name)
	if err != nil {
		return err
	}
	if _, err := a.do(mailbox.IMAPSubscribe{FolderID: f.ID, Subscribed: on}); err != nil {
		return a.storeError(err)
	}
	return nil
}

// archiveName is the folder listed as \Archive. No store property marks
// an archive folder (neither PidTagAdditionalRenEntryIds, MS-OXOSFLD
// 2.2.4, nor the PersistBlockType values of PidTagAdditionalRenEntryIdsEx
// name one), so it is the top-level folder of the name Exchange and
// Outlook give it.
const archiveName = "Archive"

// specialUse gives the RFC 6154 attribute of a folder: the built-in
// folders' and the archive's.
func specialUse(f mailbox.IMAPFolder) imap.MailboxAttr {
	switch f.ID {
	case mapi.PrivateFIDSentItems:
		return imap.MailboxAttrSent
	case mapi.PrivateFIDDraft:
		return imap.MailboxAttrDrafts
	case mapi.PrivateFIDDeletedItems:
		return imap.MailboxAttrTrash
	case mapi.PrivateFIDJunk:
		return imap.MailboxAttrJunk
	}
	if f.Name == archiveName && f.ParentID == mapi.PrivateFIDIPMSubtree {
		return imap.MailboxAttrArchive
	}
	return ""
}

// checkUse answers CREATE's USE (RFC 6154 3, USEATTR 5.3): a folder gets
// a special use from what it is, so the only one a client may ask for is
// \Archive, for the folder called Archive.
func checkUse(name string, use []imap.MailboxAttr) error {
	for _, u := range use {
		if !strings.EqualFold(string(u), string(imap.MailboxAttrArchive)) || name != archiveName {
			return &imap.Error{Type: imap.StatusResponseTypeNo, Code: "USEATTR", Text: string(u) + " is not available for this mailbox"}
		}
	}
	return nil
}

// list answers LIST and LSUB (RFC 9051 6.3.9, RFC 5258, RFC 5819, RFC
// 6154).
func (a *session) list(w *imapserver.ListWriter, ref string, patterns []string, options *imap.ListOptions) error {
	if len(patterns) == 0 || len(patterns) == 1 && patterns[0] == "" {
		return w.WriteList(&imap.ListData{Attrs: []imap.MailboxAttr{imap.MailboxAttrNoSelect}, Delim: delim, Mailbox: ""})
	}
	fs, err := a.folders()
	if err != nil {
		return err
	}
	sort.Slice(fs, func(i, j int) bool {
		if (fs[i].Name == "INBOX") != (fs[j].Name == "INBOX") {
			return fs[i].Name == "INBOX"
		}
		return fs[i].Name < fs[j].Name
	})
	for _, f := range fs {
		match := false
		for _, p := range patterns {
			if imapserver.MatchList(f.Name, delim, ref, p) || f.Name == "INBOX" && imapserver.MatchList(f.Name, delim, ref, canonical(p)) {
				match = true
				break
			}
		}
		if !match {
			continue
		}
		if options.SelectSubscribed && !f.Subscribed {
			continue
		}
		su := specialUse(f)
		if options.SelectSpecialUse && su == "" {
			continue
		}
		d := &imap.ListData{Delim: delim, Mailbox: f.Name}
		if hasChildren(fs, f.ID) {
			d.Attrs = append(d.Attrs, imap.MailboxAttrHasChildren)
		} else {
			d.Attrs = append(d.Attrs, imap.MailboxAttrHasNoChildren)
		}
		if su != "" {
			d.Attrs = append(d.Attrs, su)
		}
		if f.Subscribed && (options.ReturnSubscribed || options.SelectSubscribed) {
			d.Attrs = append(d.Attrs, imap.MailboxAttrSubscribed)
		}
		if options.ReturnStatus != nil {
			if st, err := a.statusOf(f, options.ReturnStatus); err == nil {
				d.Status = st
			}
		}
		if err := w.WriteList(d); err != nil {
			return err
		}
	}
	return nil
}

func (a *session) status(name string, options *imap.StatusOptions) (*imap.StatusData, error) {
	f, err := a.folder(name)
	if err != nil {
		return nil, err
	}
	return a.statusOf(f, options)
}

func (a *session) statusOf(f mailbox.IMAPFolder, options *imap.StatusOptions) (*imap.StatusData, error) {
	st, err := storeDo[mailbox.IMAPFolderStatus](a, mailbox.GetIMAPFolderStatus{FolderID: f.ID})
	if err != nil {
		return nil, a.storeError(err)
	}
	d := &imap.StatusData{Mailbox: f.Name}
	u32 := func(v int64) *uint32 { x := uint32(v); return &x }
	if options.NumMessages {
		d.NumMessages = u32(st.Messages)
	}
	if options.NumRecent {
		d.NumRecent = u32(0)
	}
	if options.UIDNext {
		d.UIDNext = imap.UID(st.UIDNext)
	}
	if options.UIDValidity {
		d.UIDValidity = f.UIDValidity
	}
	if options.NumUnseen {
		d.NumUnseen = u32(st.Unseen)
	}
	if options.NumDeleted {
		d.NumDeleted = u32(st.Deleted)
	}
	if options.Size {
		size := st.Size
		d.Size = &size
	}
	if options.AppendLimit {
		d.AppendLimit = &a.s.cfg.AppendLimit
	}
	return d, nil
}

// appendMessage stores a message (RFC 9051 6.3.12, RFC 4315 APPENDUID).
// The store's actor finds the folder by its name and answers with the UID,
// in the one request.
func (a *session) appendMessage(name string, raw []byte, options *imap.AppendOptions) (*imap.AppendData, error) {
	flags, keywords := fromIMAPFlags(options.Flags)
	date := options.Time
	if date.IsZero() {
		date = time.Now()
	}
	// Converted here, in the session, not in the store's actor (which
	// converts itself when this fails).
	mc, _ := mailbox.ImportRFC5322(raw)
	res, err := storeDo[mailbox.IMAPAppended](a, mailbox.IMAPAppend{Mailbox: canonical(name), Raw: raw, Flags: flags, Keywords: keywords, Date: date, Content: mc})
	if errors.Is(err, mailbox.ErrNoIMAPFolder) {
		return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeTryCreate, Text: "no such mailbox"}
	}
	if err != nil {
		return nil, a.storeError(err)
	}
	if a.sel != nil && a.sel.fid == res.FolderID {
		a.sel.checkNew = true
	}
	return &imap.AppendData{UID: imap.UID(res.UID), UIDValidity: res.UIDValidity}, nil
}

// fromIMAPFlags splits IMAP flags into system flags and keywords.
func fromIMAPFlags(fl []imap.Flag) (mailbox.IMAPFlags, []string) {
	var flags mailbox.IMAPFlags
	var kw []string
	for _, f := range fl {
		switch strings.ToLower(string(f)) {
		case `\seen`:
			flags |= mailbox.FlagSeen
		case `\answered`:
			flags |= mailbox.FlagAnswered
		case `\flagged`:
			flags |= mailbox.FlagFlagged
		case `\deleted`:
			flags |= mailbox.FlagDeleted
		case `\draft`:
			flags |= mailbox.FlagDraft
		case `$forwarded`:
			flags |= mailbox.FlagForwarded
		case `\recent`:
		default:
			if !strings.HasPrefix(string(f), `\`) {
				kw = append(kw, string(f))
			}
		}
	}
	return flags, kw
}

// toIMAPFlags is the FLAGS list of a message.
func toIMAPFlags(flags mailbox.IMAPFlags, keywords []string) []imap.Flag {
	out := make([]imap.Flag, 0, 4+len(keywords))
	for _, f := range []struct {
		bit  mailbox.IMAPFlags
		flag imap.Flag
	}{{mailbox.FlagSeen, imap.FlagSeen}, {mailbox.FlagAnswered, imap.FlagAnswered}, {mailbox.FlagFlagged, imap.FlagFlagged},
		{mailbox.FlagDeleted, imap.FlagDeleted}, {mailbox.FlagDraft, imap.FlagDraft}, {mailbox.FlagForwarded, imap.FlagForwarded}} {
		if flags&f.bit != 0 {
			out = append(out, f.flag)
		}
	}
	for _, k := range keywords {
		out = append(out, imap.Flag(k))
	}
	return out
}
