package mailbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/gromox-go/gromox/actors"
)

// A delivered or appended message's files are written before its store
// request is sent, by the protocol session that received it: many
// sessions write and fsync their files at once, while the store's actor
// goes on committing other requests, and the actor's transaction then
// only names files that are already durable. Without this, every file of
// a group commit would be written and fsynced while the store waits.
//
// The eml file gets a name of its own. Content files are content-
// addressed: each is written under a temporary name and renamed, so a
// file under a content id is always complete even when two sessions write
// the same value at once; a value whose file exists already is left to
// the transaction, which verifies it as it always does.

// Prestaged is the durable files of one message for one store.
type Prestaged struct {
	dir       string
	midString string
	cids      map[string]bool // content files written here
}

// PrestageOriginal writes the files message raw (converted as mc, which
// may be nil) will need in the store at dir, and makes them durable with
// their directories: its eml file and the content files of its bodies and
// attachments. Pass the result with the store request (Deliver.Staged,
// IMAPAppend.Staged); Discard it when the request certainly failed.
func PrestageOriginal(dir string, raw []byte, mc *MessageContent) (*Prestaged, error) {
	if dir == "" || !filepath.IsAbs(dir) {
		return nil, fmt.Errorf("mailbox: store directory %q is not absolute", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "exmdb")); err != nil {
		return nil, fmt.Errorf("mailbox: %s is not a store: %w", dir, err)
	}
	p := &Prestaged{dir: dir, midString: newMidString(), cids: map[string]bool{}}
	dirs := newDirSet()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	fail := func(err error) {
		mu.Lock()
		if first == nil {
			first = err
		}
		mu.Unlock()
	}
	emlPath := filepath.Join(dir, "eml", filepath.FromSlash(p.midString))
	wg.Add(1)
	go func() {
		defer wg.Done()
		err := writeDurable(emlPath, raw, func(newDir string) { dirs.add(filepath.Dir(emlPath), newDir) })
		if err != nil {
			fail(err)
		}
	}()
	if mc != nil {
		for _, data := range contentValues(mc, nil) {
			cid := ContentID(data)
			if p.cids[cid] {
				continue
			}
			path, err := contentPath(dir, cid)
			if err != nil {
				continue
			}
			if _, err := os.Stat(path); err == nil {
				continue // the transaction verifies it
			}
			p.cids[cid] = true
			wg.Add(1)
			go func() {
				defer wg.Done()
				fileWriters <- struct{}{}
				defer func() { <-fileWriters }()
				z, err := compress(data)
				if err == nil {
					err = writeRenamed(path, z, func(newDir string) { dirs.add(filepath.Dir(path), newDir) })
				}
				if err != nil {
					fail(err)
				}
			}()
		}
	}
	wg.Wait()
	if first == nil {
		first = dirs.sync()
	}
	if first != nil {
		os.Remove(emlPath)
		return nil, first
	}
	return p, nil
}

// Discard removes the prestaged eml file of a request that failed (its
// content files stay: another message may have come to use them; unused
// ones are removed by purge-datafiles).
func (p *Prestaged) Discard() {
	if p != nil {
		os.Remove(filepath.Join(p.dir, "eml", filepath.FromSlash(p.midString)))
	}
}

// DiscardUnless discards p when err says the request failed, not when its
// outcome is unknown (a timeout: the store may still commit it).
func (p *Prestaged) DiscardUnless(err error) {
	if err != nil && !errors.Is(err, actors.ErrTimeout) {
		p.Discard()
	}
}

// use has tx take p's files for a request on its store: the eml file's
// name and the content ids that need no verification. The returned
// function undoes it at the end of the request.
func (p *Prestaged) use(tx *Tx) (midString string, done func()) {
	if p == nil || p.dir != tx.s.Dir {
		return "", func() {}
	}
	tx.prestaged = p.cids
	return p.midString, func() { tx.prestaged = nil }
}

// contentValues appends the values of mc that the store keeps in content
// files (as it stores them: strings as their UTF-8 bytes).
func contentValues(mc *MessageContent, out [][]byte) [][]byte {
	add := func(table propTable, props Props) {
		for _, p := range props {
			if !table.holdsCID(uint32(storedTag(p.Tag))) {
				continue
			}
			switch v := p.Value.(type) {
			case string:
				out = append(out, []byte(v))
			case []byte:
				out = append(out, v)
			}
		}
	}
	add(messageTable, mc.Props)
	for _, a := range mc.Attachments {
		add(attachmentTable, a.Props)
		if a.Embedded != nil {
			out = contentValues(a.Embedded, out)
		}
	}
	return out
}

// writeRenamed writes data as path through a temporary file in the same
// directory, fsynced, then renamed: path is never seen incomplete.
func writeRenamed(path string, data []byte, created func(newDir string)) error {
	tmp := path + ".tmp" + filepath.Base(newMidString())
	made := ""
	err := writeDurable(tmp, data, func(newDir string) { made = newDir })
	if err != nil {
		created(made)
		return err
	}
	err = os.Rename(tmp, path)
	created(made)
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// dirSet collects directories that gained names, to be fsynced together.
type dirSet struct {
	mu   sync.Mutex
	dirs map[string]bool
}

func newDirSet() *dirSet { return &dirSet{dirs: map[string]bool{}} }

// add records dir, and the parent of newDir when a directory was made.
func (d *dirSet) add(dir, newDir string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.dirs[dir] = true
	if newDir != "" {
		d.dirs[filepath.Dir(newDir)] = true
	}
}

// sync fsyncs every directory, in parallel.
func (d *dirSet) sync() error {
	var wg sync.WaitGroup
	errs := make(chan error, len(d.dirs))
	for dir := range d.dirs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fsyncDir(dir); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// fsyncDir makes the names in directory dir durable.
func fsyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	d.Close()
	return err
}
