package mailbox

// Hard deletes remove a message's search-folder links through the foreign
// key cascade, which tells nobody: these emit the link deletions (and the
// search folders' counts) before the rows go.

// unlinkSearch announces the removal of message mid from every search
// folder that lists it.
func (t *Tx) unlinkSearch(mid uint64) error {
	return t.unlinkSearchWhere("SELECT folder_id, message_id FROM search_result WHERE message_id=?", int64(mid))
}

// unlinkSearchFolderContents does unlinkSearch for every message of folder
// fid (normal or associated).
func (t *Tx) unlinkSearchFolderContents(fid uint64, assoc int) error {
	return t.unlinkSearchWhere(`SELECT s.folder_id, s.message_id FROM search_result AS s
		JOIN messages AS m ON m.message_id=s.message_id WHERE m.parent_fid=? AND m.is_associated=?`, int64(fid), assoc)
}

func (t *Tx) unlinkSearchWhere(q string, args ...any) error {
	if t.s.meta.kind != KindPrivate {
		return nil // public stores have no search folders
	}
	rows, err := t.Query(q, args...)
	if err != nil {
		return err
	}
	type link struct{ sf, mid uint64 }
	var links []link
	for rows.Next() {
		var l link
		if err := rows.Scan(&l.sf, &l.mid); err != nil {
			rows.Close()
			return err
		}
		links = append(links, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	counted := map[uint64]bool{}
	for _, l := range links {
		t.Emit(Event{Kind: EventDeleted, FolderID: l.sf, MessageID: l.mid})
		if !counted[l.sf] {
			counted[l.sf] = true
			if err := t.emitCounts(l.sf); err != nil {
				return err
			}
		}
	}
	return nil
}
