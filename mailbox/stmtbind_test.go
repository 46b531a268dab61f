package mailbox

import (
	"context"
	"runtime"
	"testing"
)

// TestTxBindsStatementOnce: a transaction running one prepared statement
// many times binds it to itself once. sql.Tx.StmtContext makes a new
// statement at each call and keeps it until the transaction ends: a MOVE
// of 49,152 messages held 290 MB of them.
func TestTxBindsStatementOnce(t *testing.T) {
	s, err := openScratch(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	const q = "INSERT INTO t (v) VALUES (?)"
	// The first use marks the statement, the commit prepares it.
	tx, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(q, "first"); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if s.stmts.get(q) == nil {
		t.Fatal("statement not prepared after the commit")
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	tx, err = s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	const n = 20000
	before := heap()
	for i := 0; i < n; i++ {
		if _, err := tx.Exec(q, "v"); err != nil {
			t.Fatal(err)
		}
	}
	// A statement kept per call costs several hundred bytes: 20,000
	// of them several MB.
	if grew := int64(heap()) - int64(before); grew > 1<<20 {
		t.Errorf("heap grew by %d bytes over %d runs of one statement in a transaction", grew, n)
	}
	if len(s.stmts.bound) != 1 {
		t.Errorf("%d statements bound to the transaction, want 1", len(s.stmts.bound))
	}
}
