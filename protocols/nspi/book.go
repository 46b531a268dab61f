package nspi

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/autodiscover"
)

// Book is the address book of one organization (or of one domain without
// an organization) as a session sees it: an immutable snapshot of the
// directory's GAL, built once and shared by every session bound to it.
//
// Minimal entry ids derive from the directory ids (users.id + 0x10 for an
// object, the container bit | domains.id + 0x10 for a domain container),
// so they stay the same across snapshots and restarts.
type Book struct {
	Org    string    // the x500 organization of the DNs
	Loaded time.Time // when the snapshot was read

	gal        []*Entry // shown in the GAL, sorted by display name
	byMId      map[uint32]*Entry
	byDN       map[string]*Entry // lower-cased DN
	containers []*Container      // the per-domain containers, sorted by name
	contByMId  map[uint32]*Container
	galPos     map[uint32]int // MId → row in gal
}

// Kind is what an address book object is.
type Kind uint8

const (
	KindUser Kind = iota
	KindRoom
	KindEquipment
	KindList
	KindContact
)

// Entry is one object of the address book.
type Entry struct {
	MId         uint32
	ID          int64
	Kind        Kind
	Username    string // the primary SMTP address
	DisplayName string // never empty: the username stands in
	DomainID    int64
	Domain      string
	DN          string // the legacy DN (ESSDN)
	Props       map[uint32]string
	HiddenGAL   bool
	HiddenAL    bool
	container   *Container
}

// Container is one address book container below the GAL: a domain of the
// organization and its objects.
type Container struct {
	MId      uint32
	DomainID int64
	Name     string
	GUID     mapi.GUID
	members  []*Entry // sorted as the GAL
	pos      map[uint32]int
}

// NewBook builds a snapshot from the GAL entries of one organization and
// the domains whose objects it lists.
func NewBook(org string, gal []directory.GALEntry, domains []directory.Domain) *Book {
	if org == "" {
		org = autodiscover.DefaultOrgName
	}
	b := &Book{
		Org: org, Loaded: time.Now(),
		byMId: map[uint32]*Entry{}, byDN: map[string]*Entry{},
		contByMId: map[uint32]*Container{}, galPos: map[uint32]int{},
	}
	doms := map[int64]*Container{}
	domainName := map[int64]string{}
	for _, d := range domains {
		domainName[d.ID] = d.Name
	}
	var all []*Entry
	for _, g := range gal {
		if g.ID <= 0 || g.ID > 0x7fffffff-midOffset {
			continue
		}
		e := &Entry{
			MId: uint32(g.ID) + midOffset, ID: g.ID, Username: g.Username,
			DisplayName: g.DisplayName, DomainID: g.DomainID, Props: g.Props, HiddenGAL: g.Hidden,
		}
		if e.DisplayName == "" {
			e.DisplayName = e.Username
		}
		switch g.DisplayType {
		case directory.DTDistList:
			e.Kind = KindList
		case directory.DTRoom:
			e.Kind = KindRoom
		case directory.DTEquipment:
			e.Kind = KindEquipment
		case directory.DTRemote:
			e.Kind = KindContact
		}
		var cloak uint64
		if v, ok := g.Props[tagAttrHiddenGromox]; ok {
			cloak, _ = strconv.ParseUint(strings.TrimSpace(v), 10, 32)
		} else if v, ok := g.Props[tagAttrHidden]; ok && strings.TrimSpace(v) != "0" && v != "" {
			cloak = abHideDefaultForAttrHidden
		}
		e.HiddenAL = cloak&abHideFromAddressLists != 0
		_, e.Domain, _ = strings.Cut(e.Username, "@")
		if n, ok := domainName[e.DomainID]; ok {
			e.Domain = n
		}
		e.DN = autodiscover.LegacyDN(org, uint32(e.DomainID), uint32(e.ID), e.Username)
		c := doms[e.DomainID]
		if c == nil && e.DomainID > 0 && e.DomainID <= 0x1fffffff-midOffset {
			c = &Container{MId: midContainer | uint32(e.DomainID+midOffset), DomainID: e.DomainID, Name: e.Domain, pos: map[uint32]int{}}
			c.GUID = mapi.NewGUID(uint32(e.DomainID), 0, 4, [8]byte{'g', 'r', 'o', 'm', 'o', 'x', 'a', 'b'})
			doms[e.DomainID] = c
		}
		e.container = c
		all = append(all, e)
		b.byMId[e.MId] = e
		b.byDN[strings.ToLower(e.DN)] = e
	}
	sort.SliceStable(all, func(i, j int) bool { return entryLess(all[i], all[j]) })
	for _, e := range all {
		if !e.HiddenGAL {
			b.galPos[e.MId] = len(b.gal)
			b.gal = append(b.gal, e)
		}
		if c := e.container; c != nil && !e.HiddenAL && !e.HiddenGAL {
			c.pos[e.MId] = len(c.members)
			c.members = append(c.members, e)
		}
	}
	for _, c := range doms {
		b.containers = append(b.containers, c)
		b.contByMId[c.MId] = c
	}
	sort.Slice(b.containers, func(i, j int) bool {
		return strings.ToLower(b.containers[i].Name) < strings.ToLower(b.containers[j].Name)
	})
	return b
}

// entryLess is the sort order of every table: display name without regard
// to case, then the username, then the id.
func entryLess(a, b *Entry) bool {
	if c := mapi.CompareStrings(a.DisplayName, b.DisplayName); c != 0 {
		return c < 0
	}
	if x, y := strings.ToLower(a.Username), strings.ToLower(b.Username); x != y {
		return x < y
	}
	return a.ID < b.ID
}

// Entry returns the object with the MId, hidden ones included (a user's
// own entry must resolve even when it is hidden from the GAL).
func (b *Book) Entry(mid uint32) *Entry { return b.byMId[mid] }

// EntryByDN returns the object with the legacy DN, without regard to case.
func (b *Book) EntryByDN(dn string) *Entry {
	if e := b.byDN[strings.ToLower(dn)]; e != nil {
		return e
	}
	// A DN of another organization name still names our ids. (Only valid
	// UTF-8: ParseLegacyDN indexes dn by offsets in its lower-cased form,
	// which differ when invalid bytes become U+FFFD.)
	if !utf8.ValidString(dn) {
		return nil
	}
	if dom, uid, _, ok := autodiscover.ParseLegacyDN(dn); ok {
		if e := b.byMId[uid+midOffset]; e != nil && uint32(e.DomainID) == dom {
			return e
		}
	}
	return nil
}

// GAL returns the objects of the global address list in order.
func (b *Book) GAL() []*Entry { return b.gal }

// Containers returns the per-domain containers.
func (b *Book) Containers() []*Container { return b.containers }

// table is the ordered list of objects of one container.
type table struct {
	rows []*Entry
	pos  map[uint32]int
}

// table returns the table of the container with the MId: 0 is the GAL.
func (b *Book) table(containerID uint32) (table, bool) {
	if containerID == 0 {
		return table{b.gal, b.galPos}, true
	}
	c := b.contByMId[containerID]
	if c == nil {
		return table{}, false
	}
	return table{c.members, c.pos}, true
}

// containerGUIDDN is the DN of a container's permanent entry id
// (upstream's "/guid=" form).
func containerGUIDDN(g mapi.GUID) string {
	return fmt.Sprintf("/guid=%08X%04X%04X%X", binary.LittleEndian.Uint32(g[0:]),
		binary.LittleEndian.Uint16(g[4:]), binary.LittleEndian.Uint16(g[6:]), g[8:])
}

// objectGUID is PR_EMS_AB_OBJECT_GUID of an entry: stable, made of its id.
func (e *Entry) objectGUID() mapi.GUID {
	return mapi.NewGUID(uint32(e.ID), uint16(e.DomainID), 0, [8]byte{'g', 'r', 'o', 'm', 'o', 'x', 'a', 'b'})
}
