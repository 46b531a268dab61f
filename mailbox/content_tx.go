package mailbox

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// Content files written in a transaction are made durable together, just
// before the transaction commits: each is written to tmp/ as it is stored,
// then at commit all are fsynced in parallel, linked to their content-
// addressed names, and each directory that gained a name is fsynced once.
// A row naming a content file therefore never commits before the file is on
// disk, and a group commit of many messages pays for one round of fsyncs,
// not two per file. A file whose row is rolled back becomes an orphan,
// removed by purge-datafiles.

type pendingContent struct {
	tmp  *os.File
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
	if st, err := os.Stat(path); err == nil && st.Size() > 0 {
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

// stage writes data to a temporary file of the store's tmp/, to be made
// durable and linked to path at commit; key names it in the transaction.
func (t *Tx) stage(key, path string, data []byte) error {
	tmpdir := filepath.Join(t.s.Dir, "tmp")
	tmp, err := os.CreateTemp(tmpdir, "stage-*")
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(tmpdir, dirMode); err == nil {
			tmp, err = os.CreateTemp(tmpdir, "stage-*")
		}
	}
	if err != nil {
		return err
	}
	if err := tmp.Chmod(fileMode); err == nil {
		_, err = tmp.Write(data)
	}
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if t.content == nil {
		t.content = map[string]*pendingContent{}
	}
	t.content[key] = &pendingContent{tmp: tmp, path: path}
	return nil
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
		return readCompressed(p.tmp.Name())
	}
	return ReadContent(t.s.Dir, cid, unicode)
}

// syncContent makes the transaction's content files durable under their
// names. It runs before COMMIT.
func (t *Tx) syncContent() error {
	if len(t.content) == 0 && len(t.dirs) == 0 {
		return nil
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(t.content))
	for _, p := range t.content {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.tmp.Sync(); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	dirs := t.dirs
	if dirs == nil {
		dirs = map[string]bool{}
	}
	for _, p := range t.content {
		name := p.tmp.Name()
		p.tmp.Close()
		dir := filepath.Dir(p.path)
		if !dirs[dir] {
			if err := os.MkdirAll(dir, dirMode); err != nil {
				return err
			}
		}
		if err := os.Link(name, p.path); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		os.Remove(name)
		dirs[dir] = true
	}
	for dir := range dirs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if d, err := os.Open(dir); err == nil {
				d.Sync()
				d.Close()
			}
		}()
	}
	wg.Wait()
	t.content, t.dirs = nil, nil
	return nil
}

// dropContent removes the temporary files of a transaction that did not
// commit.
func (t *Tx) dropContent() {
	for _, p := range t.content {
		p.tmp.Close()
		os.Remove(p.tmp.Name())
	}
	t.content, t.dirs = nil, nil
}
