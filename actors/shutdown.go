package actors

// ServerShutdown is sent to every session when the server stops. A session
// finishes the command in hand, says goodbye in its protocol (IMAP BYE,
// SMTP 421, ...) and stops itself; one that has not stopped by the drain
// deadline is stopped at once.
type ServerShutdown struct{}
