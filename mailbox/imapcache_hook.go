package mailbox

import "sync/atomic"

// OriginalHook is told of the RFC 5322 original of every message a
// transaction writes with WriteOriginal (delivery, IMAP APPEND, imports):
// the store's directory, the file's name (IMAPMessage.MidString) and its
// bytes, so that the IMAP server can work out what FETCH will want of the
// message while it is in memory. It runs in the store's actor before the
// commit (should the transaction fail, the name is never used), so it must
// be quick; raw belongs to the caller: the hook must not change it, nor keep
// it after it returns.
type OriginalHook func(dir, midString string, raw []byte)

var originalHook atomic.Pointer[OriginalHook]

// SetOriginalHook sets the hook WriteOriginal calls; nil removes it.
func SetOriginalHook(h OriginalHook) {
	if h == nil {
		originalHook.Store(nil)
		return
	}
	originalHook.Store(&h)
}

// noteOriginal calls the hook, if any, for an original written as
// eml/midString.
func (t *Tx) noteOriginal(midString string, raw []byte) {
	if h := originalHook.Load(); h != nil {
		(*h)(t.s.Dir, midString, raw)
	}
}
