package imap

import (
	"bytes"
	"container/list"
	"hash/maphash"
	"sync"
)

// summaryCache keeps what FETCH ENVELOPE, BODY and BODYSTRUCTURE compute
// from a message file, in the form they are sent (see fetchwire.go), for
// every session of the process: a message's file never changes (its name
// is unique to that content), so an entry never goes stale, and clients
// that fetch the same headers again (a second device, a resync) skip
// reading and parsing the file, and encoding the result. It is an LRU
// split into shards with their own lock, so sessions do not queue on one
// lock.
type summaryCache struct {
	seed   maphash.Seed
	shards [summaryShards]summaryShard
}

const (
	summaryShards = 32
	// summaryEntries is how many messages each shard keeps (about 1 KiB
	// each with ENVELOPE and BODYSTRUCTURE): 32 × 1,024, about 32,000
	// messages and 32 MiB in all.
	summaryEntries = 1024
)

type summaryShard struct {
	mu    sync.Mutex
	order *list.List // of *summary, most recently used first
	byKey map[summaryKey]*list.Element
}

// summaryKey names a message file: the store's directory and the file's
// name in eml/ (IMAPMessage.MidString).
type summaryKey struct{ dir, mid string }

// summary is what the cache keeps of one message file. An entry in the
// cache is not changed: a FETCH that learns more puts a new one.
type summary struct {
	key  summaryKey
	env  wireForm // ENVELOPE
	body wireForm // BODY
	bs   wireForm // BODYSTRUCTURE
	size int64    // octets; -1: not known yet
}

// wireForm is the data of a FETCH item as sent on a connection that does
// not quote 8-bit strings and on one that does (IMAP4rev2, UTF8=ACCEPT);
// the two are one slice when the data is ASCII. Both nil: not known.
type wireForm struct{ ascii, utf8 []byte }

// newWireForm encodes data with enc for both kinds of connection.
func newWireForm(enc func(dst []byte, utf8 bool) []byte) wireForm {
	a := enc(nil, false)
	f := wireForm{ascii: a, utf8: a}
	for _, c := range a {
		if c >= 0x80 {
			// 8-bit octets are written as literals without UTF-8
			// quoting, quoted with it.
			f.utf8 = enc(nil, true)
			if bytes.Equal(f.utf8, a) {
				f.utf8 = a
			}
			break
		}
	}
	return f
}

func (f wireForm) known() bool { return f.ascii != nil }

// of is the form for a connection that quotes 8-bit strings (utf8) or not.
func (f wireForm) of(utf8 bool) []byte {
	if utf8 {
		return f.utf8
	}
	return f.ascii
}

func newSummaryCache() *summaryCache {
	c := &summaryCache{seed: maphash.MakeSeed()}
	for i := range c.shards {
		c.shards[i].order = list.New()
		c.shards[i].byKey = map[summaryKey]*list.Element{}
	}
	return c
}

func (c *summaryCache) shard(key summaryKey) *summaryShard {
	return &c.shards[maphash.String(c.seed, key.mid)%summaryShards]
}

// get returns the summary of key, or nil.
func (c *summaryCache) get(key summaryKey) *summary {
	s := c.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.byKey[key]; ok {
		s.order.MoveToFront(e)
		return e.Value.(*summary)
	}
	return nil
}

// put stores sum, evicting the least recently used of its shard.
func (c *summaryCache) put(sum *summary) {
	s := c.shard(sum.key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.byKey[sum.key]; ok {
		e.Value = sum
		s.order.MoveToFront(e)
		return
	}
	s.byKey[sum.key] = s.order.PushFront(sum)
	for s.order.Len() > summaryEntries {
		last := s.order.Back()
		s.order.Remove(last)
		delete(s.byKey, last.Value.(*summary).key)
	}
}
