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

// tableEvent is a change of an open table waiting for an Execute.
type tableEvent struct {
	dir     string
	tableID uint32
	change  mailbox.TableChange
}

// tableChanged queues the changes the store reports for a table the
// session owns (in the session's turn) and completes a NotificationWait.
func (a *session) tableChanged(n mailbox.TableNotification) {
	a.mu.Lock()
	for _, ch := range n.Changes {
		a.tableQueue = append(a.tableQueue, tableEvent{dir: n.Dir, tableID: n.TableID, change: ch})
	}
	if over := len(a.tableQueue) - maxQueuedEvents; over > 0 {
		a.tableQueue = append(a.tableQueue[:0], a.tableQueue[over:]...)
	}
	if a.waiter != nil && len(a.tableQueue) > 0 {
		select {
		case a.waiter <- true:
		default:
		}
		a.waiter = nil
	}
	a.mu.Unlock()
}

// takeTableEvents removes the queued table changes.
func (a *session) takeTableEvents() []tableEvent {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := a.tableQueue
	a.tableQueue = nil
	return out
}

// notificationsPending reports whether events wait for the client.
func (a *session) notificationsPending() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.queued) > 0 || len(a.tableQueue) > 0
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

// requeueTable puts table changes that did not fit back in front.
func (a *session) requeueTable(tevs []tableEvent) {
	if len(tevs) == 0 {
		return
	}
	a.mu.Lock()
	a.tableQueue = append(tevs, a.tableQueue...)
	a.mu.Unlock()
}
