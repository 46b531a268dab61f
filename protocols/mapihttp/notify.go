package mapihttp

import (
	"github.com/gromox-go/gromox/mailbox"
)

// maxQueuedEvents bounds the notifications a session keeps for its client
// (upstream ems_max_pending_sesnotif); the oldest are dropped past it.
const maxQueuedEvents = 4096

// queuedEvent is a store event waiting for an Execute to carry it.
type queuedEvent struct {
	dir   string
	subID uint64
	ev    mailbox.Event
}

// notified queues a store notification (in the store actor's goroutine)
// and completes a NotificationWait.
func (a *session) notified(msg any) {
	n, ok := msg.(mailbox.Notification)
	if !ok {
		return
	}
	a.mu.Lock()
	for _, e := range n.Events {
		a.queued = append(a.queued, queuedEvent{dir: n.Dir, subID: n.SubID, ev: e})
	}
	if over := len(a.queued) - maxQueuedEvents; over > 0 {
		a.queued = append(a.queued[:0], a.queued[over:]...)
	}
	if a.waiter != nil && len(a.queued) > 0 {
		select {
		case a.waiter <- true:
		default:
		}
		a.waiter = nil
	}
	a.mu.Unlock()
}

// notificationsPending reports whether events wait for the client.
func (a *session) notificationsPending() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.queued) > 0
}

// takeEvents removes up to n queued events (all with n < 0).
func (a *session) takeEvents(n int) []queuedEvent {
	a.mu.Lock()
	defer a.mu.Unlock()
	if n < 0 || n > len(a.queued) {
		n = len(a.queued)
	}
	out := append([]queuedEvent(nil), a.queued[:n]...)
	a.queued = append(a.queued[:0], a.queued[n:]...)
	return out
}

// requeue puts events that did not fit back at the front of the queue.
func (a *session) requeue(evs []queuedEvent) {
	if len(evs) == 0 {
		return
	}
	a.mu.Lock()
	a.queued = append(evs, a.queued...)
	a.mu.Unlock()
}
