package mapi

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
)

// GUID is a GUID in its 16-byte wire form (MS-DTYP 2.3.4.2): Data1 as a
// little-endian u32, Data2 and Data3 as little-endian u16s, Data4 as 8 bytes.
type GUID [16]byte

// NewGUID builds a GUID from its textual parts.
func NewGUID(d1 uint32, d2, d3 uint16, d4 [8]byte) GUID {
	var g GUID
	binary.LittleEndian.PutUint32(g[0:], d1)
	binary.LittleEndian.PutUint16(g[4:], d2)
	binary.LittleEndian.PutUint16(g[6:], d3)
	copy(g[8:], d4[:])
	return g
}

// ParseGUID reads the text form "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
// with or without braces, in either case.
func ParseGUID(s string) (GUID, error) {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return GUID{}, fmt.Errorf("mapi: bad GUID %q", s)
	}
	raw, err := hex.DecodeString(s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:36])
	if err != nil {
		return GUID{}, fmt.Errorf("mapi: bad GUID %q", s)
	}
	var d4 [8]byte
	copy(d4[:], raw[8:])
	return NewGUID(binary.BigEndian.Uint32(raw[0:]), binary.BigEndian.Uint16(raw[4:]),
		binary.BigEndian.Uint16(raw[6:]), d4), nil
}

// MustGUID is ParseGUID for constants.
func MustGUID(s string) GUID {
	g, err := ParseGUID(s)
	if err != nil {
		panic(err)
	}
	return g
}

// String returns the lower-case text form without braces.
func (g GUID) String() string {
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x",
		binary.LittleEndian.Uint32(g[0:]), binary.LittleEndian.Uint16(g[4:]),
		binary.LittleEndian.Uint16(g[6:]), g[8:10], g[10:16])
}

// IsZero reports whether g is the null GUID.
func (g GUID) IsZero() bool { return g == GUID{} }
