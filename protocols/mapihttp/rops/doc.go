// Package rops holds the request and response buffers of the remote
// operations (ROPs) of MS-OXCROPS 2.2 that the mailbox endpoint serves: one
// request struct and one response struct per ROP, their fields named as in
// the specification, and the codec between them and the bytes of a ROP
// input or output buffer (the RopsList of MS-OXCROPS 2.2.1; package
// protocols/mapihttp/wire splits off RopSize and the handle table).
//
// The server parses a RopsList with ParseRequests, runs each request and
// appends each response's Put to the output. A client (the project's
// tests) does the reverse with a request's Put and ParseResponse.
//
// Invariants:
//   - Parsing never panics: each count and size is checked against the
//     bytes left before anything is allocated, and short or malformed
//     input is an error (a *ParseError for requests, naming the ROP and
//     its offset).
//   - Each ROP's layout is written once, in a method that both reads and
//     writes it, so Put and parse cannot disagree; round trips are tested
//     for every ROP and fuzzed.
//   - A response's Put writes RopId, the handle index and ReturnValue and,
//     when ReturnValue is 0, the success fields. Where the specification
//     gives fields to a failure response (MS-OXCROPS: the redirect of
//     RopLogon, PartialCompletion of the delete/move/copy ROPs, the null
//     destination responses with ReturnValue 0x503, RopReadStream's data,
//     RopWriteStream's WrittenSize, RopCopyToStream's byte counts) they are
//     written too.
//   - Values use the one binary codec of package mapi with mapi.CodecROP
//     (strings of property values in UTF-16LE).
//   - What a parse does not get from the bytes (the columns of a table for
//     its rows, whether a logon is private) it gets from a RequestContext
//     or ResponseContext given by the caller; it is never guessed.
//
// Notes for servers:
//   - InfoOf says which handle-table slots a request uses and which one its
//     response carries; ErrorResponse builds the failure response of any
//     request (nil for RopRelease, which has no response).
//   - Responses with rows (RopQueryRows, RopFindRow, RopExpandRow,
//     RopGetPropertiesSpecific, RopReadRecipients, table notifications)
//     carry their columns in a Columns field that is not on the wire; set it
//     to the columns the rows are written with. Contents and hierarchy table
//     rows are cut to 510 bytes per string (MS-OXCTABL) when Put into a
//     Writer made with mapi.CodecROP|mapi.CodecTableLimit.
//   - RopGetMessageStatus answers with RopId 0x20, RopSetMessageStatus's
//     (MS-OXCROPS 2.2.6.9.2); a client parses it as SetMessageStatusResponse.
//   - Not here: the FastTransfer and ICS ROPs (their own package), and the
//     ROPs upstream does not serve (reference §5.4), such as
//     RopWriteStreamExtended (0xA3), which parse as ErrUnknownROP.
package rops
