package mailbox

import (
	"bufio"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gromox-go/gromox/mapi"
)

// Folder permissions live in the permissions table, one row per folder and
// member (upstream exch/exmdb/folder.cpp, table.cpp, common_util.cpp):
//
//   - A row's username is a user, a mailing list, "default" (everybody who
//     has no row of their own) or "" (anonymous). The username column is
//     COLLATE NOCASE.
//   - Permission tables (MS-OXCPERM 2.2.4) show "default" as member id 0 and
//     "" as member id -1, whatever their member_id. A folder without such a
//     row still shows both, with the store-wide fallbacks of configurations
//     DEFAULT_PERMISSION (8) and ANONYMOUS_PERMISSION (9).

// Member ids of the pseudo-members of a permission table (MS-OXCPERM
// 2.2.5: PidTagMemberId).
const (
	MemberIDDefault   int64 = 0
	MemberIDAnonymous int64 = -1
)

// More rights bits (upstream include/gromox/mapidefs.h).
const (
	// RightSendAs and RightStoreOwner are Gromox's own bits, reported only
	// by MailboxRights: the user may send as the owner (delegates.txt), and
	// owns the store (Owner on the IPM subtree).
	RightSendAs     = 0x4
	RightStoreOwner = 0x2000

	// RightsAll is rightsAll: the eight "edit" rights, Owner and Visible
	// (0x5fb).
	RightsAll = RightReadAny | RightCreate | RightEditOwned | RightDeleteOwned |
		RightEditAny | RightDeleteAny | RightCreateSubfolder | RightOwner | RightVisible
	// RightsMaxROP is every bit a client may set through RopModifyPermissions
	// (rightsMaxROP, 0x1ffb).
	RightsMaxROP = RightsAll | RightContact | RightFreeBusySimple | RightFreeBusyDetailed
)

// Usernames of the pseudo-members in the permissions table.
const (
	permDefaultUser   = "default"
	permAnonymousUser = ""
)

// PermissionRow is one row of a folder's permission table (MS-OXCPERM
// 2.2.4).
type PermissionRow struct {
	MemberID int64  // PidTagMemberId: the row's member_id; MemberIDDefault, MemberIDAnonymous
	Username string // the member as stored: a user or list address, "default", "" for anonymous
	// Name is PidTagMemberName as far as the store knows it: "default",
	// "anonymous", or the username (upstream shows a user's display name
	// from the directory; the caller substitutes it).
	Name   string
	Rights uint32 // PidTagMemberRights, all bits (the table hides the free/busy ones unless asked)
}

// RowOp is what a row of RopModifyPermissions or RopModifyRules does
// (MS-OXCPERM 2.2.4 and MS-OXORULE 2.2.1 ModifyFlags: ROW_ADD, ROW_MODIFY,
// ROW_REMOVE).
type RowOp uint8

// Row operations.
const (
	RowAdd    RowOp = 0x01
	RowModify RowOp = 0x02
	RowRemove RowOp = 0x04
)

// PermissionChange is one row of RopModifyPermissions.
type PermissionChange struct {
	Op       RowOp
	MemberID int64  // RowModify, RowRemove: the member (0 default, -1 anonymous)
	Username string // RowAdd: the member's username (the caller resolves PidTagEntryId)
	Rights   uint32 // RowAdd, RowModify: PidTagMemberRights
}

// Identity is who asks for rights: the store does not know the directory,
// so the caller brings what it knows of the user.
type Identity struct {
	Username string // users.username; "" is anonymous
	// Owner is set when the user owns the store (logged on to their own
	// mailbox, or holds RightStoreOwner): owners have every right.
	Owner bool
	// Groups are the mailing lists that contain the user (recursively), so
	// that rows naming a list apply to its members.
	Groups []string
}

// memberName is PidTagMemberName of a stored row as the store shows it.
func memberName(username string) string {
	switch {
	case username == permAnonymousUser:
		return "anonymous"
	case strings.EqualFold(username, permDefaultUser):
		return permDefaultUser
	}
	return username
}

// memberIDOf is PidTagMemberId of a stored row (cu_get_permission_property).
func memberIDOf(id int64, username string) int64 {
	switch {
	case username == permAnonymousUser:
		return MemberIDAnonymous
	case strings.EqualFold(username, permDefaultUser):
		return MemberIDDefault
	}
	return id
}

// fallbackRights reads the store-wide rights of "default" or anonymous
// members that have no row (configurations 8 and 9; absent reads as none).
func (t *Tx) fallbackRights(anonymous bool) (uint32, error) {
	id := configDefaultPermission
	if anonymous {
		id = configAnonymousPerm
	}
	var v sql.NullInt64
	err := t.QueryRow("SELECT config_value FROM configurations WHERE config_id=?", id).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return uint32(v.Int64), err
}

// Permissions returns the permission table of folder fid as upstream's
// load_permission_table presents it: the stored rows (their "default" and
// anonymous rows with member ids 0 and -1), then a default and an
// anonymous row with the store-wide rights when the folder has none.
func (t *Tx) Permissions(fid uint64) ([]PermissionRow, error) {
	if err := t.checkFolder(fid); err != nil {
		return nil, err
	}
	rows, err := t.Query("SELECT member_id, username, permission FROM permissions WHERE folder_id=? ORDER BY member_id", int64(fid))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PermissionRow
	hasDefault, hasAnon := false, false
	for rows.Next() {
		var id, perm int64
		var user string
		if err := rows.Scan(&id, &user, &perm); err != nil {
			return nil, err
		}
		r := PermissionRow{MemberID: memberIDOf(id, user), Username: user, Name: memberName(user), Rights: uint32(perm)}
		switch r.MemberID {
		case MemberIDDefault:
			hasDefault = true
		case MemberIDAnonymous:
			hasAnon = true
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if !hasDefault {
		rights, err := t.fallbackRights(false)
		if err != nil {
			return nil, err
		}
		out = append(out, PermissionRow{MemberID: MemberIDDefault, Username: permDefaultUser, Name: permDefaultUser, Rights: rights})
	}
	if !hasAnon {
		rights, err := t.fallbackRights(true)
		if err != nil {
			return nil, err
		}
		out = append(out, PermissionRow{MemberID: MemberIDAnonymous, Username: permAnonymousUser, Name: "anonymous", Rights: rights})
	}
	return out, nil
}

// adjustRights completes rights the way Exchange does (upstream
// permission_adjust): ReadAny implies Visible, EditAny EditOwned,
// DeleteAny DeleteOwned, Owner Visible and Contact.
func adjustRights(v uint32) uint32 {
	if v&RightReadAny != 0 {
		v |= RightVisible
	}
	if v&RightEditAny != 0 {
		v |= RightEditOwned
	}
	if v&RightDeleteAny != 0 {
		v |= RightDeleteOwned
	}
	if v&RightOwner != 0 {
		v |= RightVisible | RightContact
	}
	return v
}

// ClearPermissions removes every permission row of a folder
// (RopModifyPermissions with ModifyFlags ReplaceRows, upstream
// empty_folder_permission).
func (t *Tx) ClearPermissions(fid uint64) error {
	if err := t.checkFolder(fid); err != nil {
		return err
	}
	_, err := t.Exec("DELETE FROM permissions WHERE folder_id=?", int64(fid))
	return err
}

// UpdatePermissions applies the rows of RopModifyPermissions (MS-OXCPERM
// 3.2.5.2) to folder fid. Rights are cut to RightsMaxROP. Unless freebusy
// (the client's IncludeFreeBusy flag: it manages the free/busy bits
// itself), every member of a private store's Calendar and Freebusy Data
// folders gets FreeBusySimple, and FreeBusyDetailed with ReadAny (upstream
// rop_modifypermissions). Rights are then completed as Exchange does (see
// adjustRights). An added member replaces its existing row (REPLACE, like
// Exchange 2019); modifying the default or anonymous member creates its
// row from the store-wide rights first. Rows naming a member of another
// folder, or without the data their operation needs, are skipped.
func (t *Tx) UpdatePermissions(fid uint64, changes []PermissionChange, freebusy bool) error {
	if err := t.checkFolder(fid); err != nil {
		return err
	}
	calendar := t.s.meta.kind == KindPrivate && (fid == mapi.PrivateFIDCalendar || fid == mapi.PrivateFIDLocalFreebusy)
	rightsOf := func(v uint32) uint32 {
		v &= RightsMaxROP
		if !freebusy && calendar {
			v |= RightFreeBusySimple
			if v&RightReadAny != 0 {
				v |= RightFreeBusyDetailed
			}
		}
		return adjustRights(v)
	}
	for _, c := range changes {
		switch c.Op {
		case RowAdd:
			if c.Username == "" {
				continue
			}
			if _, err := t.Exec("REPLACE INTO permissions (folder_id, username, permission) VALUES (?, ?, ?)",
				int64(fid), c.Username, int64(rightsOf(c.Rights))); err != nil {
				return err
			}
		case RowModify:
			id, ok, err := t.permissionRowID(fid, c.MemberID, true)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			if _, err := t.Exec("UPDATE permissions SET permission=? WHERE member_id=?", int64(rightsOf(c.Rights)), id); err != nil {
				return err
			}
		case RowRemove:
			id, ok, err := t.permissionRowID(fid, c.MemberID, false)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			if _, err := t.Exec("DELETE FROM permissions WHERE member_id=?", id); err != nil {
				return err
			}
		}
	}
	return nil
}

// permissionRowID finds the permissions row a member id names in folder
// fid; for the default and anonymous members with create, a missing row is
// made with the store-wide rights (upstream ufp_modify).
func (t *Tx) permissionRowID(fid uint64, member int64, create bool) (int64, bool, error) {
	if member == MemberIDDefault || member == MemberIDAnonymous {
		user := permDefaultUser
		if member == MemberIDAnonymous {
			user = permAnonymousUser
		}
		var id int64
		err := t.QueryRow("SELECT member_id FROM permissions WHERE folder_id=? AND username=?", int64(fid), user).Scan(&id)
		if err == nil {
			return id, true, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, false, err
		}
		if !create {
			return 0, false, nil
		}
		rights, err := t.fallbackRights(member == MemberIDAnonymous)
		if err != nil {
			return 0, false, err
		}
		res, err := t.Exec("INSERT INTO permissions (folder_id, username, permission) VALUES (?, ?, ?)", int64(fid), user, int64(rights))
		if err != nil {
			return 0, false, err
		}
		id, err = res.LastInsertId()
		return id, err == nil, err
	}
	var owner int64
	err := t.QueryRow("SELECT folder_id FROM permissions WHERE member_id=?", member).Scan(&owner)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return member, uint64(owner) == fid, nil
}

// FolderRights returns the rights who has on folder fid, as upstream's
// cu_get_folder_permission: a store owner has every right (RightsMaxROP);
// otherwise the user's own row; failing that the rows of the lists the
// user is in, combined; failing that the folder's "default" row, and last
// the store-wide default rights. Anonymous users get the anonymous row or
// the store-wide anonymous rights, never the default ones.
func (t *Tx) FolderRights(fid uint64, who Identity) (uint32, error) {
	if err := t.checkFolder(fid); err != nil {
		return 0, err
	}
	if who.Owner {
		return RightsMaxROP, nil
	}
	var perm int64
	err := t.QueryRow("SELECT permission FROM permissions WHERE folder_id=? AND username=?", int64(fid), who.Username).Scan(&perm)
	if err == nil {
		return uint32(perm), nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	anonymous := who.Username == ""
	if !anonymous {
		if len(who.Groups) > 0 {
			rights, matched, err := t.groupRights(fid, who.Groups)
			if err != nil {
				return 0, err
			}
			if matched {
				return rights, nil
			}
		}
		err := t.QueryRow("SELECT permission FROM permissions WHERE folder_id=? AND username=?", int64(fid), permDefaultUser).Scan(&perm)
		if err == nil {
			return uint32(perm), nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
	}
	return t.fallbackRights(anonymous)
}

// groupRights combines the rows of folder fid that name one of groups.
func (t *Tx) groupRights(fid uint64, groups []string) (uint32, bool, error) {
	rows, err := t.Query("SELECT username, permission FROM permissions WHERE folder_id=?", int64(fid))
	if err != nil {
		return 0, false, err
	}
	defer rows.Close()
	var rights uint32
	matched := false
	for rows.Next() {
		var user string
		var perm int64
		if err := rows.Scan(&user, &perm); err != nil {
			return 0, false, err
		}
		if userListHas(groups, user) {
			rights |= uint32(perm)
			matched = true
		}
	}
	return rights, matched, rows.Err()
}

func userListHas(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// MailboxRights returns what who may do in the store as a whole, as
// upstream's get_mbox_perm: the rights of every folder row naming the
// user, then of the "default" rows of folders without such a row, then of
// rows naming the user's lists, all combined; Owner on the IPM subtree adds
// RightStoreOwner, and being listed in config/delegates.txt (directly or
// through a list) adds RightSendAs. Private stores only, as upstream.
func (t *Tx) MailboxRights(who Identity) (uint32, error) {
	if t.s.meta.kind != KindPrivate {
		return 0, fmt.Errorf("mailbox rights of a public store: %w", mapi.EcNotSupported)
	}
	var rights uint32
	seen := map[uint64]bool{}
	add := func(fid uint64, perm uint32) {
		rights |= perm
		if fid == mapi.PrivateFIDIPMSubtree && perm&RightOwner != 0 {
			rights |= RightStoreOwner
		}
	}
	scan := func(user string, mark bool) error {
		rows, err := t.Query("SELECT folder_id, permission FROM permissions WHERE username=?", user)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var fid, perm int64
			if err := rows.Scan(&fid, &perm); err != nil {
				return err
			}
			if !mark && seen[uint64(fid)] {
				continue
			}
			if mark {
				seen[uint64(fid)] = true
			}
			add(uint64(fid), uint32(perm))
		}
		return rows.Err()
	}
	if err := scan(who.Username, true); err != nil {
		return 0, err
	}
	if err := scan(permDefaultUser, false); err != nil {
		return 0, err
	}
	for _, g := range who.Groups {
		if err := scan(g, false); err != nil {
			return 0, err
		}
	}
	delegates, err := readUserList(filepath.Join(t.s.Dir, "config", "delegates.txt"))
	if err != nil {
		return 0, err
	}
	for _, d := range delegates {
		if strings.EqualFold(d, who.Username) || userListHas(who.Groups, d) {
			rights |= RightSendAs
			break
		}
	}
	return rights, nil
}

// readUserList reads the non-empty lines of a text file; a missing file has
// none.
func readUserList(path string) ([]string, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if s := strings.TrimSpace(sc.Text()); s != "" {
			out = append(out, s)
		}
	}
	return out, sc.Err()
}
