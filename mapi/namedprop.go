package mapi

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// PropNameKind says how a named property is named (MS-OXCDATA 2.6.1).
type PropNameKind uint8

const (
	MnidID     PropNameKind = 0x00 // MNID_ID: by a 32-bit LID
	MnidString PropNameKind = 0x01 // MNID_STRING: by a string
	KindNone   PropNameKind = 0xff // no name (PropertyName Kind 0xFF)
)

// PropName is the name of a named property: a property set GUID and a LID
// or a string. It is comparable; names compare case-sensitively, while the
// store's named_properties table compares them case-insensitively.
type PropName struct {
	GUID GUID
	Kind PropNameKind
	LID  uint32
	Name string
}

// NameByLID returns the name {g, MNID_ID, lid}.
func NameByLID(g GUID, lid uint32) PropName { return PropName{GUID: g, Kind: MnidID, LID: lid} }

// NameByString returns the name {g, MNID_STRING, name}.
func NameByString(g GUID, name string) PropName {
	return PropName{GUID: g, Kind: MnidString, Name: name}
}

// Property set GUIDs (MS-OXPROPS 1.3.2, MS-OXCDATA; upstream
// lib/guid2.cpp).
var (
	PSMAPI                     = MustGUID("00020328-0000-0000-c000-000000000046")
	PSPublicStrings            = MustGUID("00020329-0000-0000-c000-000000000046")
	PSInternetHeaders          = MustGUID("00020386-0000-0000-c000-000000000046")
	PSETIDAppointment          = MustGUID("00062002-0000-0000-c000-000000000046")
	PSETIDTask                 = MustGUID("00062003-0000-0000-c000-000000000046")
	PSETIDAddress              = MustGUID("00062004-0000-0000-c000-000000000046")
	PSETIDCommon               = MustGUID("00062008-0000-0000-c000-000000000046")
	PSETIDLog                  = MustGUID("0006200a-0000-0000-c000-000000000046")
	PSETIDBusinessCardView     = MustGUID("0006200b-0000-0000-c000-000000000046")
	PSETIDNote                 = MustGUID("0006200e-0000-0000-c000-000000000046")
	PSETIDReport               = MustGUID("00062013-0000-0000-c000-000000000046")
	PSETIDRemote               = MustGUID("00062014-0000-0000-c000-000000000046")
	PSETIDSharing              = MustGUID("00062040-0000-0000-c000-000000000046")
	PSETIDPostRss              = MustGUID("00062041-0000-0000-c000-000000000046")
	PSETIDMeeting              = MustGUID("6ed8da90-450b-101b-98da-00aa003f1305")
	PSETIDMessaging            = MustGUID("41f28f13-83f4-4114-a584-eedb5a6b0bff")
	PSETIDCalendarAssistant    = MustGUID("11000e07-b51b-40d6-af21-caa85edab1d0")
	PSETIDUnifiedMessaging     = MustGUID("4442858e-a9e3-4e80-b900-317a210cc15b")
	PSETIDAirSync              = MustGUID("71035549-0739-4dcb-9163-00f0580dbbdf")
	PSETIDAttachment           = MustGUID("96357f7f-59e1-47d0-99a7-46515c183b54")
	PSETIDXmlExtractedEntities = MustGUID("23239608-685d-4732-9c55-4c95cb4e8e33")
	// PSETIDGromox is upstream's own property set.
	PSETIDGromox = MustGUID("1de937e2-85c6-40a1-bd9d-a6e2b7b787b1")
)

// MaxStoreNameLen is the longest MNID_STRING name the store keeps: upstream
// refuses names of 1024 bytes and more (get_named_propids).
const MaxStoreNameLen = 1023

// ErrBadStoreName is returned by ParseStoreName.
var ErrBadStoreName = errors.New("mapi: bad named property string")

// StoreString returns the text form the store keeps in
// named_properties.name_string: "GUID=<guid>,LID=<decimal>" or
// "GUID=<guid>,NAME=<name>", the GUID in lower-case 8-4-4-4-12 form and
// the name as it is (exch/exmdb/common_util.cpp get_named_propids).
//
// Rows seeded by mkprivate/mkpublic from upstream's data/propnames.txt
// keep that file's spelling, which for two names has an upper-case GUID;
// the column is COLLATE NOCASE, so look rows up with "name_string=?"
// rather than comparing strings in Go.
func (n PropName) StoreString() string {
	switch n.Kind {
	case MnidID:
		return "GUID=" + n.GUID.String() + ",LID=" + strconv.FormatUint(uint64(n.LID), 10)
	case MnidString:
		return "GUID=" + n.GUID.String() + ",NAME=" + n.Name
	}
	return "GUID=" + n.GUID.String()
}

// String returns the store text form, for logs.
func (n PropName) String() string { return n.StoreString() }

// ParseStoreName reads a named_properties.name_string as upstream does
// (common_util_get_named_propnames): "GUID=" in any case, the GUID (with
// or without braces or dashes, any case), a comma, then "LID=" with a
// non-zero number (decimal, or hex with 0x) or "NAME=" with a name, which
// is trimmed of surrounding white space and must not be empty.
func ParseStoreName(s string) (PropName, error) {
	bad := func(why string) (PropName, error) {
		return PropName{}, fmt.Errorf("%w %q: %s", ErrBadStoreName, s, why)
	}
	if len(s) < 5 || !strings.EqualFold(s[:5], "GUID=") {
		return bad("no GUID=")
	}
	rest := s[5:]
	comma := strings.IndexByte(rest, ',')
	if comma < 0 {
		return bad("no comma")
	}
	g, err := parseStoreGUID(rest[:comma])
	if err != nil {
		return bad("bad GUID")
	}
	rest = rest[comma+1:]
	switch {
	case len(rest) >= 4 && strings.EqualFold(rest[:4], "LID="):
		num := rest[4:]
		var lid uint64
		if len(num) > 2 && (num[:2] == "0x" || num[:2] == "0X") {
			lid, err = strconv.ParseUint(num[2:], 16, 32)
		} else {
			lid, err = strconv.ParseUint(num, 10, 32)
		}
		if err != nil || lid == 0 {
			return bad("bad LID")
		}
		return NameByLID(g, uint32(lid)), nil
	case len(rest) >= 5 && strings.EqualFold(rest[:5], "NAME="):
		name := strings.TrimSpace(rest[5:])
		if name == "" {
			return bad("empty name")
		}
		return NameByString(g, name), nil
	}
	return bad("neither LID= nor NAME=")
}

// parseStoreGUID accepts the 36- and 38-character forms and the 32-digit
// form without dashes.
func parseStoreGUID(s string) (GUID, error) {
	if len(s) == 32 {
		raw, err := hex.DecodeString(s)
		if err != nil {
			return GUID{}, err
		}
		s = fmt.Sprintf("%x-%x-%x-%x-%x", raw[0:4], raw[4:6], raw[6:8], raw[8:10], raw[10:16])
	}
	return ParseGUID(s)
}
