package imap

import (
	"bytes"
	"sync"

	"github.com/emersion/go-imap/v2"
)

// summaryCache keeps what FETCH ENVELOPE, BODY, BODYSTRUCTURE and
// RFC822.SIZE compute from a message file, in the form they are sent (see
// fetchwire.go), for every session of the process, so that clients that
// fetch them again (a second device, a resync) skip reading and parsing
// the file, encoding the result and even asking the store about the
// message (fetchSummaries). Its key is the message's UID in its folder
// (with the folder's UIDVALIDITY, the folder id): IMAP promises that a
// UID names one immutable message forever (RFC 9051 2.3.1.1), and the
// store keeps that promise (UIDs are never reused; a message's file, named
// in its IMAP index row, never changes), so an entry never goes stale. The
// message id is part of the key as well, so that an IMAP index rebuilt
// with UIDs counted anew does not meet old entries for other messages. It
// is split into shards with their own lock, so sessions do not queue on
// one lock; each shard drops entries not used lately (CLOCK: a hit only
// marks the entry).
type summaryCache struct {
	shards [summaryShards]summaryShard

	mu     sync.Mutex
	stores map[string]uint32 // store directory -> its number in keys
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
	byKey map[summaryKey]*summarySlot
	ring  []*summarySlot // at most summaryEntries; the clock hand is at hand
	hand  int
}

// summarySlot holds an entry of a shard.
type summarySlot struct {
	sum  *summary
	used bool // looked up since the clock hand last passed
}

// summaryKey names a message: its store (summaryCache.storeKey), the folder
// (whose id is its UIDVALIDITY), the message's UID there and its message
// id.
type summaryKey struct {
	store, uid uint32
	fid, mid   uint64
}

// of is the key of message uid (message id mid) in the folder of k.
func (k summaryKey) of(uid uint32, mid uint64) summaryKey {
	k.uid, k.mid = uid, mid
	return k
}

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

// answers: s holds every item of o it keeps (s may be nil).
func (s *summary) answers(o *imap.FetchOptions) bool {
	return s != nil && (!o.Envelope || s.env.known()) && (o.BodyStructure == nil || s.bs.known()) && (!o.RFC822Size || s.size >= 0)
}

// of is the form for a connection that quotes 8-bit strings (utf8) or not.
func (f wireForm) of(utf8 bool) []byte {
	if utf8 {
		return f.utf8
	}
	return f.ascii
}

func newSummaryCache() *summaryCache {
	installFreshHook() // the cache's entries for messages just written
	c := &summaryCache{stores: map[string]uint32{}}
	for i := range c.shards {
		c.shards[i].byKey = map[summaryKey]*summarySlot{}
	}
	return c
}

// storeKey is the key of folder fid of the store in dir, without message
// (uid and mid zero): one look-up of the directory per FETCH, not one per
// message.
func (c *summaryCache) storeKey(dir string, fid uint64) summaryKey {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, ok := c.stores[dir]
	if !ok {
		n = uint32(len(c.stores) + 1)
		c.stores[dir] = n
	}
	return summaryKey{store: n, fid: fid}
}

func (c *summaryCache) shard(key summaryKey) *summaryShard {
	h := (key.mid ^ uint64(key.uid)<<32) * 0x9e3779b97f4a7c15 // Fibonacci hashing: the top bits
	return &c.shards[h>>(64-5)%summaryShards]
}

// get returns the summary of key, or nil.
func (c *summaryCache) get(key summaryKey) *summary {
	s := c.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.byKey[key]; e != nil {
		e.used = true
		return e.sum
	}
	return nil
}

// put stores sum, in place of the first entry the clock hand finds not
// used since it last passed when the shard is full.
func (c *summaryCache) put(sum *summary) {
	s := c.shard(sum.key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.byKey[sum.key]; e != nil {
		e.sum, e.used = sum, true
		return
	}
	e := &summarySlot{sum: sum}
	s.byKey[sum.key] = e
	if len(s.ring) < summaryEntries {
		s.ring = append(s.ring, e)
		return
	}
	for {
		old := s.ring[s.hand]
		if !old.used {
			delete(s.byKey, old.sum.key)
			s.ring[s.hand] = e
			s.hand = (s.hand + 1) % len(s.ring)
			return
		}
		old.used = false
		s.hand = (s.hand + 1) % len(s.ring)
	}
}
