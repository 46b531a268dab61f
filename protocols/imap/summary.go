package imap

import (
	"container/list"
	"hash/maphash"
	"sync"

	"github.com/emersion/go-imap/v2"
)

// summaryCache keeps what FETCH ENVELOPE and BODYSTRUCTURE compute from a
// message file, for every session of the process: a message's file never
// changes (its name is unique to that content), so an entry never goes
// stale, and clients that fetch the same headers again (a second device,
// a resync) skip reading and parsing the file. It is an LRU split into
// shards with their own lock, so sessions do not queue on one lock.
type summaryCache struct {
	seed   maphash.Seed
	shards [summaryShards]summaryShard
}

const (
	summaryShards = 32
	// summaryEntries is how many messages each shard keeps (about 1 KiB
	// each): 32 × 1,024, about 32,000 messages and 32 MiB in all.
	summaryEntries = 1024
)

type summaryShard struct {
	mu    sync.Mutex
	order *list.List // of *summary, most recently used first
	byKey map[string]*list.Element
}

// summary is what the cache keeps of one message file.
type summary struct {
	key   string
	env   *imap.Envelope
	bs    imap.BodyStructure // non-extended
	bsExt imap.BodyStructure // extended
	size  int64              // octets; -1: not known yet
}

func newSummaryCache() *summaryCache {
	c := &summaryCache{seed: maphash.MakeSeed()}
	for i := range c.shards {
		c.shards[i].order = list.New()
		c.shards[i].byKey = map[string]*list.Element{}
	}
	return c
}

func (c *summaryCache) shard(key string) *summaryShard {
	return &c.shards[maphash.String(c.seed, key)%summaryShards]
}

// get returns the summary of key, or nil.
func (c *summaryCache) get(key string) *summary {
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
