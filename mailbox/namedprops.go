package mailbox

import (
	"database/sql"
	"errors"

	"github.com/gromox-go/gromox/mapi"
)

// maxNamedProps bounds the named_properties table (upstream
// MAXIMUM_PROPNAME_NUMBER): past it, no names are added.
const maxNamedProps = 0x7000

// NamedPropIDs maps property names to this store's property ids (0x8001
// and up), as upstream's get_named_propids: a name is looked up by its
// name_string (case-insensitively), and with create a missing one is added
// (unless the table is full). Names the store has not (and, for string
// names of 1024 bytes or more, cannot have) map to 0.
func (t *Tx) NamedPropIDs(names []mapi.PropName, create bool) ([]uint16, error) {
	if create {
		n, err := t.queryInt("SELECT COUNT(*) FROM named_properties")
		if err != nil {
			return nil, err
		}
		if n+int64(len(names)) > maxNamedProps {
			create = false
		}
	}
	ids := make([]uint16, len(names))
	for i, name := range names {
		switch name.Kind {
		case mapi.MnidID:
		case mapi.MnidString:
			if len(name.Name) > mapi.MaxStoreNameLen {
				continue
			}
		default:
			continue
		}
		s := name.StoreString()
		var id int64
		err := t.QueryRow("SELECT propid FROM named_properties WHERE name_string=?", s).Scan(&id)
		switch {
		case err == nil:
			ids[i] = uint16(id)
		case errors.Is(err, sql.ErrNoRows):
			if !create {
				continue
			}
			res, err := t.Exec("INSERT INTO named_properties (name_string) VALUES (?)", s)
			if err != nil {
				return nil, err
			}
			id, _ = res.LastInsertId()
			ids[i] = uint16(id)
		default:
			return nil, err
		}
	}
	return ids, nil
}

// NamedPropNames maps property ids back to names; unknown ids (and rows
// upstream could not parse either) give the zero PropName.
func (t *Tx) NamedPropNames(ids []uint16) ([]mapi.PropName, error) {
	out := make([]mapi.PropName, len(ids))
	for i, id := range ids {
		var s string
		err := t.QueryRow("SELECT name_string FROM named_properties WHERE propid=?", int64(id)).Scan(&s)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n, err := mapi.ParseStoreName(s); err == nil {
			out[i] = n
		}
	}
	return out, nil
}
