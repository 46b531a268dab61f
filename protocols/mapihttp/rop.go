package mapihttp

import "github.com/gromox-go/gromox/protocols/mapihttp/wire"

// runBuffer runs the ROPs of one ROP input buffer and returns the ROP
// output buffer, at most room bytes.
func (a *session) runBuffer(rb wire.RopBuffer, room int, last bool) []byte {
	out, _ := wire.RopBuffer{Handles: rb.Handles}.Append(nil)
	return out
}
