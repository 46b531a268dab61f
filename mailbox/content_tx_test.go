package mailbox

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gromox-go/gromox/mapi"
)

// A file a transaction cannot write fails that commit: no row names a
// file that is not on disk, the caller gets the error, and the store goes
// on (the next write commits). The file writers run beside the SQL, so
// the failure shows at commit, not in the request.
func TestContentWriteFailureFailsCommit(t *testing.T) {
	dir, r := newPrivateStore(t, Options{Idle: time.Hour})
	ctx := tctx(t)
	count := func() int { return inboxCount(t, r, dir) }
	write := func(i int) error {
		raw := []byte("Subject: s\r\n\r\nbody\r\n")
		_, err := r.Do(ctx, dir, WriteFunc(func(tx *Tx) (any, error) {
			_, _, _, err := tx.WriteOriginal(mapi.PrivateFIDInbox, benchMessage(i), raw)
			return nil, err
		}))
		return err
	}
	// eml/ made a plain file: the original cannot be written (as root too).
	eml := filepath.Join(dir, "eml")
	if err := os.RemoveAll(eml); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(eml, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := write(1); err == nil {
		t.Fatal("a write whose file cannot be made succeeded")
	}
	if n := count(); n != 0 {
		t.Fatalf("%d messages after the failed commit, want 0", n)
	}
	if err := os.Remove(eml); err != nil {
		t.Fatal(err)
	}
	if err := write(2); err != nil {
		t.Fatalf("the store did not go on: %v", err)
	}
	if n := count(); n != 1 {
		t.Fatalf("%d messages, want 1", n)
	}
	if _, err := os.Stat(eml); errors.Is(err, os.ErrNotExist) {
		t.Fatal("eml/ was not made again")
	}
}
