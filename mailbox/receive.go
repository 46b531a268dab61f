package mailbox

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/gromox-go/gromox/mapi"
)

// Receive folders: receive_table maps message classes (COLLATE NOCASE) to
// the folder that receives messages of that class and its subclasses
// (MS-OXCSTOR 3.2.5.2, 3.2.5.3). A private store is made with "" and "IPM"
// and "REPORT.IPM" -> Inbox and "IPC" -> Root. Public stores have no
// receive folders.

// maxReceiveFolders bounds receive_table (upstream MAXIMUM_RECIEVE_FOLDERS).
const maxReceiveFolders = 2000

// ReceiveFolder is one row of the receive folder table (MS-OXCSTOR
// 2.2.1.4 RopGetReceiveFolderTable: PidTagFolderId, PidTagMessageClass,
// PidTagLastModificationTime).
type ReceiveFolder struct {
	Class    string
	FolderID uint64
	Modified mapi.FileTime
}

// validMessageClass checks a message class as MS-OXCSTOR 2.2.1.2.1 wants
// it: printable ASCII, under 255 bytes with its terminator, no leading or
// trailing period and no two periods in a row (upstream cu_validate_msgclass).
func validMessageClass(class string) error {
	if len(class)+1 > 255 || strings.HasPrefix(class, ".") || strings.HasSuffix(class, ".") || strings.Contains(class, "..") {
		return fmt.Errorf("message class %q: %w", class, ErrInvalidParam)
	}
	for i := 0; i < len(class); i++ {
		if class[i] < 0x20 || class[i] > 0x7e {
			return fmt.Errorf("message class %q: %w", class, ErrInvalidParam)
		}
	}
	return nil
}

func (t *Tx) checkPrivate(what string) error {
	if t.s.meta.kind != KindPrivate {
		return fmt.Errorf("%s in a public store: %w", what, mapi.EcNotSupported)
	}
	return nil
}

// ReceiveFolder returns the folder that receives messages of class: the
// row of the longest prefix of class, cut at periods, that has one
// ("IPM.Note.Foo", then "IPM.Note", then "IPM"), else the default ("")
// row, else the Inbox (MS-OXCSTOR 3.2.5.2 RopGetReceiveFolder; upstream
// get_folder_by_class). matched is the class of the row as stored ("" for
// the default).
func (t *Tx) ReceiveFolder(class string) (fid uint64, matched string, err error) {
	if err := validMessageClass(class); err != nil {
		return 0, "", err
	}
	if err := t.checkPrivate("receive folders"); err != nil {
		return 0, "", err
	}
	try := func(c string) (bool, error) {
		var id int64
		var stored string
		err := t.QueryRow("SELECT folder_id, class FROM receive_table WHERE class=?", c).Scan(&id, &stored)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		fid, matched = uint64(id), stored
		return true, nil
	}
	for c := class; ; {
		if ok, err := try(c); ok || err != nil {
			return fid, matched, err
		}
		i := strings.LastIndexByte(c, '.')
		if i < 0 {
			break
		}
		c = c[:i]
	}
	if ok, err := try(""); ok || err != nil {
		return fid, matched, err
	}
	return mapi.PrivateFIDInbox, "", nil
}

// SetReceiveFolder makes fid the receive folder of class, or with fid 0
// removes the class's row (MS-OXCSTOR 3.2.5.3 RopSetReceiveFolder). The
// classes "IPM" and "REPORT.IPM" cannot be changed (ErrAccessDenied), nor
// the default be removed (ErrInvalidParam); a search folder cannot receive
// (ecNotSupported); an unknown folder is ErrNotFound.
func (t *Tx) SetReceiveFolder(class string, fid uint64) error {
	if err := validMessageClass(class); err != nil {
		return err
	}
	if class == "" && fid == 0 {
		return fmt.Errorf("remove the default receive folder: %w", ErrInvalidParam)
	}
	if strings.EqualFold(class, "IPM") || strings.EqualFold(class, "REPORT.IPM") {
		return fmt.Errorf("receive folder of %q: %w", class, ErrAccessDenied)
	}
	if err := t.checkPrivate("receive folders"); err != nil {
		return err
	}
	if fid == 0 {
		_, err := t.Exec("DELETE FROM receive_table WHERE class=?", class)
		return err
	}
	r, err := t.folderRow(fid)
	if err != nil {
		return err
	}
	if r.search {
		return fmt.Errorf("search folder %#x as receive folder: %w", fid, mapi.EcNotSupported)
	}
	n, err := t.queryInt("SELECT COUNT(*) FROM receive_table")
	if err != nil {
		return err
	}
	if n > maxReceiveFolders {
		return fmt.Errorf("receive folder table full (%d rows): %w", n, mapi.EcError)
	}
	_, err = t.Exec("REPLACE INTO receive_table VALUES (?, ?, ?)", class, int64(fid), int64(nowFT()))
	return err
}

// ReceiveFolderTable lists the receive folder rows (MS-OXCSTOR 2.2.1.4).
func (t *Tx) ReceiveFolderTable() ([]ReceiveFolder, error) {
	if err := t.checkPrivate("receive folders"); err != nil {
		return nil, err
	}
	rows, err := t.Query("SELECT class, folder_id, modified_time FROM receive_table ORDER BY rowid")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ReceiveFolder
	for rows.Next() {
		var r ReceiveFolder
		var fid, mod int64
		if err := rows.Scan(&r.Class, &fid, &mod); err != nil {
			return nil, err
		}
		r.FolderID, r.Modified = uint64(fid), mapi.FileTime(mod)
		out = append(out, r)
	}
	return out, rows.Err()
}
