package autodiscover

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// exchangeAdminGroup is the organizational unit of every Exchange DN that
// Gromox writes.
const exchangeAdminGroup = "ou=Exchange Administrative Group (FYDIBOHF23SPDLT)"

// publicFolderRoot is the local part clients autodiscover the public store
// of a domain with (public.folder.root@<domain>).
const publicFolderRoot = "public.folder.root"

// LegacyDN is a mailbox's ESSDN (reference §2.7): /o=<org>/ou=Exchange
// Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=<domain id><user
// id>-<local part>, each id as 8 hex digits of its byte-swapped 32-bit
// value. A public store has user id 0 and the local part
// public.folder.root.
func LegacyDN(org string, domainID, userID uint32, username string) string {
	local, _, ok := strings.Cut(username, "@")
	if !ok {
		local = publicFolderRoot
	}
	return fmt.Sprintf("/o=%s/%s/cn=Recipients/cn=%08x%08x-%s", org, exchangeAdminGroup,
		bits.ReverseBytes32(domainID), bits.ReverseBytes32(userID), local)
}

// MailboxID is the GUID that names a mailbox in MAPI/HTTP URLs (reference
// §2.7): the first 12 bytes of name (zero-padded) and id as a little-endian
// 32-bit value, written as the 16 bytes in order in the 8-4-4-4-12 form.
// name is the username for a private store, the domain for a public one.
func MailboxID(name string, id uint32) string {
	var b [16]byte
	copy(b[:12], name)
	binary.LittleEndian.PutUint32(b[12:], id)
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// ServerDN is the DN of the (virtual) server of a mailbox:
// /o=<org>/ou=…/cn=Configuration/cn=Servers/cn=<MailboxID>@<domain>.
func ServerDN(org, mailboxID, domain string) string {
	return fmt.Sprintf("/o=%s/%s/cn=Configuration/cn=Servers/cn=%s@%s", org, exchangeAdminGroup, mailboxID, domain)
}

// MdbDN is the DN of a mailbox's database: its ServerDN followed by
// /cn=Microsoft Private MDB.
func MdbDN(serverDN string) string { return serverDN + "/cn=Microsoft Private MDB" }

// ServerVersionHex is the EXCH protocol's ServerVersion: the dotted
// reported_server_version (major.minor.build[.revision]) packed as
// upstream does, 0x70008000 | major<<22 | minor<<16 | build (6, 6 and 19
// bits), in 8 upper-case hex digits. Missing or bad parts count as 0.
func ServerVersionHex(dotted string) string {
	var v [3]uint32
	for i, p := range strings.SplitN(dotted, ".", 4) {
		if i >= 3 {
			break
		}
		n, err := strconv.ParseUint(strings.TrimSpace(p), 10, 32)
		if err != nil {
			break
		}
		v[i] = uint32(n)
	}
	w := uint32(0x70008000) | (v[0]&0x3f)<<22 | (v[1]&0x3f)<<16 | v[2]&0x7ffff
	return fmt.Sprintf("%08X", w)
}

// ParseLegacyDN reads the ids and the local part of a mailbox's ESSDN (see
// LegacyDN), whatever its organization; ok is false for any other DN.
func ParseLegacyDN(dn string) (domainID, userID uint32, local string, ok bool) {
	const marker = "/cn=recipients/cn="
	i := lastIndexASCIIFold(dn, marker)
	if i < 0 {
		return 0, 0, "", false
	}
	rest := dn[i+len(marker):]
	if len(rest) < 18 || rest[16] != '-' {
		return 0, 0, "", false
	}
	var ids [8]byte
	if _, err := hex.Decode(ids[:], []byte(rest[:16])); err != nil {
		return 0, 0, "", false
	}
	// The hex digits are the byte-swapped ids: the bytes little-endian.
	return binary.LittleEndian.Uint32(ids[:4]), binary.LittleEndian.Uint32(ids[4:]), rest[17:], true
}

// lastIndexASCIIFold is the last index of the lower-case ASCII marker in s,
// ignoring ASCII case, on the bytes of s (strings.ToLower would change the
// length of a string holding invalid UTF-8, and the index with it).
func lastIndexASCIIFold(s, marker string) int {
	for i := len(s) - len(marker); i >= 0; i-- {
		j := 0
		for ; j < len(marker); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != marker[j] {
				break
			}
		}
		if j == len(marker) {
			return i
		}
	}
	return -1
}
