package mailbox

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Content files written in a transaction are made durable together, just
// before the transaction commits: each is written under its final name as
// it is stored, then at commit every file and every directory that gained
// a name is fsynced, all in parallel: one round of fsyncs for a group
// commit of many messages. A row naming a content file therefore never
// commits before the file is on disk. A crash before the commit leaves
// files no row names (orphans, removed by purge-datafiles), possibly
// incomplete: a content-addressed file found under the name of a value
// about to be stored is therefore verified before it is shared.

type pendingContent struct {
	f    *os.File // written, open for the fsync at commit
	path string
}

// writeContent stores data as a content file of the transaction's store
// and returns its content id.
func (t *Tx) writeContent(data []byte) (string, error) {
	cid := ContentID(data)
	if _, ok := t.content[cid]; ok {
		return cid, nil
	}
	path, err := contentPath(t.s.Dir, cid)
	if err != nil {
		return "", err
	}
	if t.s.intact.has(cid) {
		return cid, nil // stored already, and known complete
	}
	if st, err := os.Stat(path); err == nil && st.Size() > 0 && storedIntact(path, cid) {
		t.s.intact.add(cid)
		return cid, nil // the same value is stored already
	}
	z, err := compress(data)
	if err != nil {
		return "", err
	}
	return cid, t.stage(cid, path, z)
}

// writeFileAtCommit stores data as the file path of the store (relative
// to its directory), made durable with the transaction's content files.
func (t *Tx) writeFileAtCommit(rel string, data []byte) error {
	return t.stage("file:"+rel, filepath.Join(t.s.Dir, filepath.FromSlash(rel)), data)
}

// stage writes data as the file path, to be made durable at commit; key
// names it in the transaction.
func (t *Tx) stage(key, path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fileMode)
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(dir, dirMode); err == nil {
			// The new directory's name is durable with its parent.
			t.syncDirAtCommit(filepath.Dir(dir))
			f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fileMode)
		}
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if t.content == nil {
		t.content = map[string]*pendingContent{}
	}
	t.content[key] = &pendingContent{f: f, path: path}
	t.syncDirAtCommit(dir)
	return nil
}

// storedIntact says whether the content file at path holds the value cid
// names (a file left incomplete by a crash does not).
func storedIntact(path, cid string) bool {
	data, err := readCompressed(path)
	return err == nil && ContentID(data) == cid
}

// syncDirAtCommit has directory dir fsynced before the commit (a hard link
// made in it must be durable before the row naming it).
func (t *Tx) syncDirAtCommit(dir string) {
	if t.dirs == nil {
		t.dirs = map[string]bool{}
	}
	t.dirs[dir] = true
}

// readContent reads a content file, including one written earlier in this
// transaction and not linked yet.
func (t *Tx) readContent(cid string, unicode bool) ([]byte, error) {
	if p, ok := t.content[cid]; ok {
		return readCompressed(p.path)
	}
	return ReadContent(t.s.Dir, cid, unicode)
}

// syncContent makes the transaction's content files durable: every file
// and every directory that gained one is fsynced, in parallel. It runs
// before COMMIT.
func (t *Tx) syncContent() error {
	if len(t.content) == 0 && len(t.dirs) == 0 {
		return nil
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(t.content)+len(t.dirs))
	for _, p := range t.content {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := p.f.Sync()
			if cerr := p.f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	for dir := range t.dirs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := os.Open(dir)
			if err == nil {
				err = d.Sync()
				d.Close()
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	err := <-errs
	if err == nil {
		for key := range t.content {
			if !strings.HasPrefix(key, "file:") {
				t.s.intact.add(key) // a content file made durable here
			}
		}
	}
	t.content, t.dirs = nil, nil
	return err
}

// cidSet remembers content ids whose files are known to be complete (made
// durable by this process, or verified), so that storing the same value
// again does not read the file back. It is bounded: when full it starts
// over.
type cidSet struct{ m map[string]struct{} }

const maxIntactCIDs = 4096

func (c *cidSet) has(cid string) bool {
	_, ok := c.m[cid]
	return ok
}

func (c *cidSet) add(cid string) {
	if c.m == nil || len(c.m) >= maxIntactCIDs {
		c.m = make(map[string]struct{})
	}
	c.m[cid] = struct{}{}
}

// dropContent removes the files of a transaction that did not commit.
func (t *Tx) dropContent() {
	for _, p := range t.content {
		p.f.Close()
		os.Remove(p.path)
	}
	t.content, t.dirs = nil, nil
}
