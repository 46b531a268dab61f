package mailbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

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
	emlPath := filepath.Join(dir, "eml", filepath.FromSlash(p.midString))
	files := map[string][]byte{emlPath: raw} // content files: compressed by their writer
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
			files[path] = data
		}
	}
	// Each directory is fsynced once its new names exist, beside the
	// files' own fsyncs.
	named := map[string]*dirNames{}
	for path := range files {
		d := named[filepath.Dir(path)]
		if d == nil {
			d = &dirNames{}
			named[filepath.Dir(path)] = d
		}
		d.pending.Add(1)
	}
	errs := make(chan error, 2*len(files)+len(named))
	var wg sync.WaitGroup
	for path, data := range files {
		d := named[filepath.Dir(path)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if path == emlPath {
				err = writeDurable(path, data, d.named)
			} else {
				fileWriters <- struct{}{}
				defer func() { <-fileWriters }()
				var z []byte
				if z, err = compress(data); err != nil {
					d.named("")
				} else {
					err = writeRenamed(path, z, d.named)
				}
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	for dir, d := range named {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.pending.Wait()
			if d.made.Load() {
				// A directory made here is durable with its parent.
				if err := fsyncDir(filepath.Dir(dir)); err != nil {
					errs <- err
				}
			}
			if err := fsyncDir(dir); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		os.Remove(emlPath)
		return nil, err
	}
	return p, nil
}

// dirNames waits for the new names of one directory.
type dirNames struct {
	pending sync.WaitGroup
	made    atomic.Bool // a writer had to make the directory
}

// named is a writer's report that its file has its name (or failed to).
func (d *dirNames) named(newDir string) {
	if newDir != "" {
		d.made.Store(true)
	}
	d.pending.Done()
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
// directory, fsynced, then renamed: path is never seen incomplete. named
// is called once path has its name (or failed to get it).
func writeRenamed(path string, data []byte, named func(newDir string)) error {
	tmp := path + ".tmp" + filepath.Base(newMidString())
	made := ""
	err := writeDurable(tmp, data, func(newDir string) { made = newDir })
	if err != nil {
		named(made)
		return err
	}
	err = os.Rename(tmp, path)
	named(made)
	if err != nil {
		os.Remove(tmp)
	}
	return err
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
