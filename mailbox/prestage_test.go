package mailbox

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gromox-go/gromox/mapi"
)

// A message whose files a session wrote ahead is stored under them: its
// eml file is the staged one, its bodies read back from the staged
// content files, and nothing is written twice. A refused delivery's eml
// file is removed; a staging for another store is not used.
func TestPrestagedDelivery(t *testing.T) {
	dir := copyTree(t, filepath.Join(fixtureDir, "fixture-store"))
	r, _ := newRegistry(t, Options{Idle: time.Hour})
	ctx := tctx(t)
	body := strings.Repeat("A body no other message of the fixture has. ", 40)
	raw := []byte("From: erika@partner.example\r\nTo: fixture@example.org\r\nSubject: staged\r\n" +
		"Message-ID: <staged@partner.example>\r\n\r\n" + strings.ReplaceAll(body, ". ", ".\r\n") + "\r\n")
	mc, err := ImportRFC5322(raw)
	if err != nil {
		t.Fatal(err)
	}
	staged, err := PrestageOriginal(dir, raw, mc)
	if err != nil {
		t.Fatal(err)
	}
	eml := filepath.Join(dir, "eml", filepath.FromSlash(staged.midString))
	if b, err := os.ReadFile(eml); err != nil || !bytes.Equal(b, raw) {
		t.Fatalf("staged eml file: %v", err)
	}
	if len(staged.cids) == 0 {
		t.Fatal("no content file staged for the message's body")
	}
	before := countFiles(t, dir)
	res, err := Do[DeliverResult](ctx, r, dir, Deliver{Raw: raw, Content: mc, Staged: staged})
	if err != nil {
		t.Fatal(err)
	}
	if after := countFiles(t, dir); after != before {
		t.Errorf("the delivery wrote %d files beyond the staged ones", after-before)
	}
	got, err := r.Do(ctx, dir, ReadFunc(func(tx *Tx) (any, error) {
		var ms string
		if err := tx.QueryRow("SELECT mid_string FROM messages WHERE message_id=?", int64(res.MessageID)).Scan(&ms); err != nil {
			return nil, err
		}
		orig, err := tx.ReadOriginal(res.MessageID)
		if err != nil {
			return nil, err
		}
		props, err := tx.MessageProps(res.MessageID, []mapi.PropTag{mapi.PrBody})
		return []any{ms, orig, props}, err
	}))
	if err != nil {
		t.Fatal(err)
	}
	v := got.([]any)
	if v[0].(string) != staged.midString || !bytes.Equal(v[1].([]byte), raw) {
		t.Fatalf("stored under %q, want the staged %q (bytes equal: %v)", v[0], staged.midString, bytes.Equal(v[1].([]byte), raw))
	}
	if b, _ := v[2].(Props).Get(mapi.PrBody); !strings.Contains(strings.ReplaceAll(b.(string), "\r\n", " "), "no other message of the fixture") {
		t.Fatalf("PR_BODY from the staged content file: %q", b)
	}

	// Refused over quota: the staged eml file goes, nothing is stored.
	if _, err := r.Do(ctx, dir, WriteFunc(func(tx *Tx) (any, error) {
		return tx.Exec("REPLACE INTO store_properties (proptag, propval) VALUES (?, 1)", int64(mapi.PrProhibitReceiveQuota))
	})); err != nil {
		t.Fatal(err)
	}
	refused, err := PrestageOriginal(dir, raw, mc)
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Do(ctx, dir, Deliver{Raw: raw, Content: mc, Staged: refused})
	if !errors.Is(err, ErrQuotaExceeded) {
		t.Fatalf("over quota: %v", err)
	}
	refused.DiscardUnless(err)
	if _, err := os.Stat(filepath.Join(dir, "eml", filepath.FromSlash(refused.midString))); !os.IsNotExist(err) {
		t.Fatalf("eml file of a refused delivery kept: %v", err)
	}

	// Staged for another store: not used (the store writes its own).
	other := copyTree(t, filepath.Join(fixtureDir, "fixture-store"))
	if _, err := r.Do(ctx, dir, WriteFunc(func(tx *Tx) (any, error) {
		return tx.Exec("DELETE FROM store_properties WHERE proptag=?", int64(mapi.PrProhibitReceiveQuota))
	})); err != nil {
		t.Fatal(err)
	}
	elsewhere, err := PrestageOriginal(other, raw, mc)
	if err != nil {
		t.Fatal(err)
	}
	res, err = Do[DeliverResult](ctx, r, dir, Deliver{Raw: raw, Content: mc, Staged: elsewhere})
	if err != nil {
		t.Fatal(err)
	}
	orig, err := r.Do(ctx, dir, ReadFunc(func(tx *Tx) (any, error) { return tx.ReadOriginal(res.MessageID) }))
	if err != nil || !bytes.Equal(orig.([]byte), raw) {
		t.Fatalf("message staged for another store: %v", err)
	}

	// Not a store directory: refused, nothing written.
	if _, err := PrestageOriginal("", raw, mc); err == nil {
		t.Fatal("staged into the working directory")
	}
}

// Sessions staging the same content at once leave one complete file.
func TestPrestageSameContentConcurrently(t *testing.T) {
	dir := copyTree(t, filepath.Join(fixtureDir, "fixture-store"))
	body := strings.Repeat("Shared body of many copies. ", 5000)
	mc := &MessageContent{Props: Props{{Tag: mapi.PrBody, Value: body}}}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := PrestageOriginal(dir, []byte("Subject: x\r\n\r\nx\r\n"), mc); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	data, err := ReadContent(dir, ContentID([]byte(body)), true)
	if err != nil || string(data) != body {
		t.Fatalf("content file after concurrent staging: %v (%d bytes)", err, len(data))
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "cid", "*", "*.tmp*"))
	if len(leftovers) != 0 {
		t.Fatalf("temporary files left: %v", leftovers)
	}
}

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	for _, sub := range []string{"eml", "cid"} {
		filepath.Walk(filepath.Join(dir, sub), func(_ string, fi os.FileInfo, err error) error {
			if err == nil && !fi.IsDir() {
				n++
			}
			return nil
		})
	}
	return n
}
