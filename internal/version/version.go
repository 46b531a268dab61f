// Package version holds the server's version, for the binary's output and
// the protocols that name it (IMAP ID).
package version

// Version is this server's version.
const Version = "0.1.0-dev"
