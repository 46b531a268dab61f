package mailbox

import (
	"context"
	"fmt"

	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/mapi"
	"go.uber.org/zap"
)

// Open MAPI tables live in the store's actor, owned by the session that
// opened them: the actor keeps them current from every commit's events and
// sends their owner a TableNotification for the rows that changed. A
// table's owner that stops loses its tables.

// OpenHierarchyTable opens a hierarchy table for Owner. Reply: the table id
// (uint32).
type OpenHierarchyTable struct {
	Owner       *actors.PID
	FolderID    uint64
	Flags       TableFlags
	Restriction *mapi.Restriction
}

// OpenContentTable opens a contents table for Owner. Reply: the table id
// (uint32).
type OpenContentTable struct {
	Owner       *actors.PID
	FolderID    uint64
	Flags       TableFlags
	Restriction *mapi.Restriction
	Sorts       *mapi.SortOrderSet
}

// TableOp runs Fn on an open table (SetColumns, QueryRows, SeekRow,
// FindRow, bookmarks, Expand, ...) inside the store's actor, after the
// writes queued before it. Reply: what Fn returns.
type TableOp struct {
	TableID uint32
	Fn      func(tx *Tx, t *Table) (any, error)
}

// CloseTable closes an open table. Reply: nil.
type CloseTable struct{ TableID uint32 }

// TableNotification tells a table's owner how a commit changed its table.
type TableNotification struct {
	Dir     string
	TableID uint32
	Changes []TableChange
}

type openTable struct {
	t     *Table
	owner *actors.PID
}

// tableMessage handles the table requests; it reports whether m was one.
func (a *storeActor) tableMessage(c *actors.Context, m any) bool {
	switch m := m.(type) {
	case OpenHierarchyTable:
		a.openTable(c, m.Owner, func(tx *Tx) (*Table, error) {
			return tx.LoadHierarchyTable(m.FolderID, m.Flags, m.Restriction)
		})
	case OpenContentTable:
		a.openTable(c, m.Owner, func(tx *Tx) (*Table, error) {
			return tx.LoadContentTable(m.FolderID, m.Flags, m.Restriction, m.Sorts)
		})
	case TableOp:
		ot := a.tables[m.TableID]
		if ot == nil {
			c.Respond(fmt.Errorf("mailbox: no open table %d: %w", m.TableID, mapi.EcNotFound))
			return true
		}
		c.Respond(reply(a.read(ReadFunc(func(tx *Tx) (any, error) { return m.Fn(tx, ot.t) }))))
	case CloseTable:
		if ot := a.tables[m.TableID]; ot != nil {
			delete(a.tables, m.TableID)
			a.unwatchIfUnused(c, ot.owner)
		}
		c.Respond(noResult{})
	default:
		return false
	}
	return true
}

func (a *storeActor) openTable(c *actors.Context, owner *actors.PID, load func(*Tx) (*Table, error)) {
	a.lastUse = timeNow()
	if a.openErr != nil {
		c.Respond(a.openErr)
		return
	}
	if owner == nil {
		c.Respond(fmt.Errorf("mailbox: a table needs an owner: %w", mapi.EcInvalidParam))
		return
	}
	a.flush(c)
	res := a.read(ReadFunc(func(tx *Tx) (any, error) { return load(tx) }))
	t, ok := res.(*Table)
	if !ok {
		c.Respond(res) // the error
		return
	}
	if a.tables == nil {
		a.tables = map[uint32]*openTable{}
	}
	a.nextTable++
	a.tables[a.nextTable] = &openTable{t: t, owner: owner}
	c.Watch(owner)
	c.Respond(a.nextTable)
}

// unwatchIfUnused stops watching pid when it has no subscription or table
// left.
func (a *storeActor) unwatchIfUnused(c *actors.Context, pid *actors.PID) {
	if a.subscribed(pid) {
		return
	}
	for _, ot := range a.tables {
		if ot.owner.Equal(pid) {
			return
		}
	}
	c.Unwatch(pid)
}

// dropTablesOf closes the tables of an owner that stopped.
func (a *storeActor) dropTablesOf(who *actors.PID) {
	for id, ot := range a.tables {
		if ot.owner.Equal(who) {
			delete(a.tables, id)
		}
	}
}

// updateTables applies one commit's events to the open tables and tells
// their owners what changed.
func (a *storeActor) updateTables(c *actors.Context, events []Event) {
	if len(a.tables) == 0 || len(events) == 0 {
		return
	}
	tx, err := a.store.Begin(context.Background())
	if err != nil {
		return
	}
	defer tx.Rollback()
	for id, ot := range a.tables {
		var changes []TableChange
		for _, e := range events {
			ch, err := ot.t.ApplyEvent(tx, e)
			if err != nil {
				a.log.Warn("table update failed; reloading", zap.String("dir", a.dir), zap.Uint32("table", id), zap.Error(err))
				if err := ot.t.Reload(tx); err == nil {
					changes = append(changes, TableChange{Kind: TableChanged})
				}
				continue
			}
			changes = append(changes, ch...)
		}
		if len(changes) > 0 && ot.t.Flags()&TableNoNotifications == 0 {
			c.Send(ot.owner, TableNotification{Dir: a.dir, TableID: id, Changes: changes})
		}
	}
}
