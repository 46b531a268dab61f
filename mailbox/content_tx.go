package mailbox

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Content files written in a transaction are made durable with it. Each is
// compressed (content files) and written under its final name by a writer
// goroutine of its own while the actor goes on with the transaction's SQL.
// A small file (deferred.go) is not fsynced: before COMMIT its bytes are
// added to the transaction as a gx_pending_files row, made durable by the
// commit's fsync, and a flusher makes the file durable afterwards. A large
// one is fsynced by its writer, and before COMMIT the transaction waits for
// every writer, then fsyncs in parallel every directory that gained such a
// file. Either way a committed row never names a file that a crash can
// lose. A crash before the commit leaves files no row names (orphans,
// removed by purge-datafiles), possibly incomplete: a content-addressed
// file found under the name of a value about to be stored is therefore
// verified before it is shared.

// pendingContent is one file a transaction writes.
type pendingContent struct {
	path   string
	done   chan struct{} // closed when the writer is finished
	err    error         // the writer's failure; read after done
	newDir string        // a directory the writer had to make
	// deferred: the file is not fsynced by its writer; its row in
	// gx_pending_files (rel, data: the bytes written) commits instead.
	deferred bool
	rel      string
	data     []byte
}

// wait waits for the file's writer and returns its error.
func (p *pendingContent) wait() error {
	<-p.done
	return p.err
}

// fileWriters bounds the files being written at once, over all stores.
var fileWriters = make(chan struct{}, 16)

// writeContent stores data as a content file of the transaction's store
// and returns its content id. data must not change until the transaction
// ends (it is compressed and written by another goroutine).
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
	t.stage(cid, path, data, true)
	return cid, nil
}

// writeFileAtCommit stores data as the file path of the store (relative
// to its directory), made durable with the transaction's content files.
// data must not change until the transaction ends.
func (t *Tx) writeFileAtCommit(rel string, data []byte) error {
	t.stage("file:"+rel, filepath.Join(t.s.Dir, filepath.FromSlash(rel)), data, false)
	return nil
}

// stage has data written (compressed first with zstd when compressed) as
// the file path by a writer goroutine, to be waited for at commit; key
// names it in the transaction. A write that fails fails the commit.
func (t *Tx) stage(key, path string, data []byte, compressed bool) {
	p := &pendingContent{path: path, done: make(chan struct{})}
	if len(data) <= deferLimit {
		if rel, err := filepath.Rel(t.s.Dir, path); err == nil {
			p.deferred, p.rel = true, filepath.ToSlash(rel)
		}
	}
	if t.content == nil {
		t.content = map[string]*pendingContent{}
	}
	t.content[key] = p
	if !p.deferred {
		t.syncDirAtCommit(filepath.Dir(path))
	}
	go func() {
		defer close(p.done)
		fileWriters <- struct{}{}
		defer func() { <-fileWriters }()
		if compressed {
			z, err := compress(data, t.s.fileLevel)
			if err != nil {
				p.err = err
				return
			}
			data = z
		}
		if p.deferred {
			p.data = data
		}
		p.newDir, p.err = writeFile(path, data, !p.deferred)
	}()
}

// writeFile writes data as the file path, and with durable fsyncs it,
// making its directory when there is none (newDir: then that directory's
// parent must be fsynced too). On failure the file is removed.
func writeFile(path string, data []byte, durable bool) (newDir string, err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fileMode)
	if errors.Is(err, fs.ErrNotExist) {
		dir := filepath.Dir(path)
		if err = os.MkdirAll(dir, dirMode); err == nil {
			newDir = dir
			f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fileMode)
		}
	}
	if err != nil {
		return newDir, err
	}
	_, err = f.Write(data)
	if err == nil && durable {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return newDir, err
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
// transaction and not committed yet.
func (t *Tx) readContent(cid string, unicode bool) ([]byte, error) {
	if p, ok := t.content[cid]; ok {
		if err := p.wait(); err != nil {
			return nil, err
		}
		return readCompressed(p.path)
	}
	return ReadContent(t.s.Dir, cid, unicode)
}

// pendingContent answers the content files the transaction writes.
func (t *Tx) pendingContent() []*pendingContent {
	out := make([]*pendingContent, 0, len(t.content))
	for _, p := range t.content {
		out = append(out, p)
	}
	return out
}

// syncContent makes the transaction's content files durable, or their
// rows part of it: it waits for their writers (each fsyncs a file whose
// durability is not deferred), then fsyncs every directory that gained
// such a file, in parallel, and adds the rows of the deferred ones. It runs
// before COMMIT.
func (t *Tx) syncContent() error {
	if len(t.content) == 0 && len(t.dirs) == 0 {
		return t.recordPending(nil)
	}
	var first error
	var deferred []*pendingContent
	for _, p := range t.content {
		if err := p.wait(); err != nil && first == nil {
			first = err
		}
		if p.deferred {
			deferred = append(deferred, p)
		} else if p.newDir != "" {
			// The new directory's name is durable with its parent.
			t.syncDirAtCommit(filepath.Dir(p.newDir))
		}
	}
	if first != nil {
		return first
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(t.dirs))
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
	if err := <-errs; err != nil {
		return err
	}
	if err := t.recordPending(deferred); err != nil {
		return err
	}
	for key := range t.content {
		if !strings.HasPrefix(key, "file:") {
			t.s.intact.add(key) // a content file durable here or by its row
		}
	}
	t.content, t.dirs = nil, nil
	return nil
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
		p.wait()
		os.Remove(p.path)
	}
	t.content, t.dirs = nil, nil
}
