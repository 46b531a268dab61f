package mailbox

import (
	"fmt"

	"github.com/gromox-go/gromox/mapi"
)

// CopyFolder copies folder fid below dst under newName (its own name when
// empty): a new folder with the source's properties, copies of its normal
// and associated messages, and with recursive its subfolders the same way.
// Ids, change keys, times and counters are the copy's own. Search folders
// cannot be copied (their criteria name the original's scope).
func (t *Tx) CopyFolder(fid, dst uint64, newName string, recursive bool) (uint64, error) {
	r, err := t.folderRow(fid)
	if err != nil {
		return 0, err
	}
	if r.search {
		return 0, fmt.Errorf("copy search folder %#x: %w", fid, ErrAccessDenied)
	}
	if fid == dst {
		return 0, fmt.Errorf("copy folder %#x into itself: %w", fid, ErrInvalidParam)
	}
	if in, err := t.isDescendant(dst, fid); err != nil {
		return 0, err
	} else if in {
		return 0, fmt.Errorf("copy folder %#x below itself: %w", fid, ErrInvalidParam)
	}
	src, err := t.FolderProps(fid, []mapi.PropTag{mapi.PrDisplayName, mapi.PrContainerClass})
	if err != nil {
		return 0, err
	}
	name, _ := src.Get(mapi.PrDisplayName)
	if newName == "" {
		newName, _ = name.(string)
	}
	class, _ := src.Get(mapi.PrContainerClass)
	cls, _ := class.(string)
	nfid, err := t.CreateFolder(dst, newName, cls, nil)
	if err != nil {
		return 0, err
	}
	// Every other stored property as the source has it (content ids are
	// content-addressed, so the copy shares the files).
	if _, err := t.Exec(`INSERT OR IGNORE INTO folder_properties (folder_id, proptag, propval)
		SELECT ?, proptag, propval FROM folder_properties WHERE folder_id=? AND proptag NOT IN (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		int64(nfid), int64(fid),
		int64(mapi.PrDisplayName), int64(mapi.PrContainerClass), int64(mapi.PrCreationTime), int64(mapi.PrLastModificationTime),
		int64(mapi.PrChangeKey), int64(mapi.PrPredecessorChangeList), int64(mapi.PrInternetArticleNumber),
		int64(mapi.PrInternetArticleNumberNext), int64(mapi.PrDeletedCountTotal), int64(mapi.PrLocalCommitTimeMax),
		int64(mapi.PrHierarchyChangeNum), int64(mapi.PrHierRev), int64(mapi.PrDeletedFolderCount)); err != nil {
		return 0, err
	}
	for _, assoc := range []bool{false, true} {
		mids, err := t.MessageIDs(fid, assoc)
		if err != nil {
			return 0, err
		}
		if len(mids) > 0 {
			if _, _, err := t.MoveCopyMessages(fid, nfid, mids, true); err != nil {
				return 0, err
			}
		}
	}
	if recursive {
		kids, err := t.Children(fid)
		if err != nil {
			return 0, err
		}
		for _, k := range kids {
			if _, err := t.CopyFolder(k, nfid, "", true); err != nil {
				return 0, err
			}
		}
	}
	return nfid, nil
}

// CopyFolderRequest copies a folder (see Tx.CopyFolder). Reply: the new
// folder's id (uint64).
type CopyFolderRequest struct {
	FolderID, NewParent uint64
	NewName             string
	Recursive           bool
}

func (r CopyFolderRequest) Write(tx *Tx) (any, error) {
	return tx.CopyFolder(r.FolderID, r.NewParent, r.NewName, r.Recursive)
}
