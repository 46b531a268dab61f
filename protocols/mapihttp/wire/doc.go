// Package wire holds the pure codecs that the MAPI over HTTP endpoints are
// built on: the extended buffers of MS-OXCRPC (RPC_HEADER_EXT with its
// LZ77/DIRECT2 compression and XOR obfuscation), the ROP input and output
// buffers of MS-OXCROPS 2.2.1, the request and response bodies of the
// mailbox (EMSMDB) and address book (NSPI) endpoints of MS-OXCMAPIHTTP
// 2.2.4 and 2.2.5, and the meta-tag framing of MS-OXCMAPIHTTP 2.2.7 that
// precedes every response body. It does no networking and knows no store.
//
// Invariants:
//   - Every decoder takes bytes a client (or server) chose and never
//     panics on them: each length and count is checked against the bytes
//     left before anything is allocated or read, and bad input is an
//     error wrapping ErrMalformed (or mapi.ErrTruncated/mapi.ErrMalformed
//     from the shared codec).
//   - Decompression writes at most the size the RPC_HEADER_EXT announces
//     (SizeActual), and a whole chain at most the limit its caller gives.
//   - Decoders copy: no decoded value aliases the input.
//   - What an encoder writes, the decoder accepts and gives back; what a
//     decoder accepts, the encoder writes in a form that decodes to the
//     same value (fuzzed). The bytes can differ where the wire allows
//     variants: a Has* byte other than 0x01, an unpaired UTF-16
//     surrogate (read as U+FFFD), another compressor's choices.
//   - Field layouts come from the specifications; the section is named on
//     the line that implements it. Values in the bodies use the one
//     binary codec of package mapi.
package wire
