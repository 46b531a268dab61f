package nspi

import (
	"context"
	"encoding/binary"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
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

	// links reads what the GAL listing lacks (aliases, list members)
	// when a client first asks, and keeps it for the snapshot's life.
	links *links
}

// links reads, on demand and once per snapshot, the directory data the
// GAL listing does not carry. Sessions share a book, so it is safe for
// concurrent use.
type links struct {
	dir     any      // the Directory, asked for AliasLister and ListResolver
	aliases sync.Map // MId → []string
	members sync.Map // MId → []uint32
}

// AliasLister is the optional Directory method that gives an object's
// alias addresses (for PR_EMS_AB_PROXY_ADDRESSES).
type AliasLister interface {
	Aliases(ctx context.Context, username string) ([]string, error)
}

// ListResolver is the optional Directory method that expands a mailing
// list (for PR_EMS_AB_MEMBER).
type ListResolver interface {
	Resolve(ctx context.Context, addr string) (*directory.Recipient, error)
}

// linkTimeout bounds one on-demand directory read.
const linkTimeout = 5 * time.Second

// aliases returns the object's alias addresses (nil without a source).
func (b *Book) aliases(e *Entry) []string {
	if b.links == nil {
		return nil
	}
	if v, ok := b.links.aliases.Load(e.MId); ok {
		return v.([]string)
	}
	al, ok := b.links.dir.(AliasLister)
	if !ok {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), linkTimeout)
	defer cancel()
	list, err := al.Aliases(ctx, e.Username)
	if err != nil {
		return nil // not cached: the next request asks again
	}
	b.links.aliases.Store(e.MId, list)
	return list
}

// members returns the MIds of a list's members that the book shows, in
// table order.
func (b *Book) members(e *Entry) ([]uint32, bool) {
	if e.Kind != KindList || b.links == nil {
		return nil, false
	}
	if v, ok := b.links.members.Load(e.MId); ok {
		return v.([]uint32), true
	}
	lr, ok := b.links.dir.(ListResolver)
	if !ok {
		return nil, false
	}
	ctx, cancel := context.WithTimeout(context.Background(), linkTimeout)
	defer cancel()
	r, err := lr.Resolve(ctx, e.Username)
	if err != nil || r.Kind != directory.RecipientList {
		return nil, false
	}
	byName := map[string]*Entry{}
	for _, x := range b.gal {
		byName[strings.ToLower(x.Username)] = x
	}
	var in []*Entry
	for _, m := range r.Members {
		if x := byName[strings.ToLower(m)]; x != nil {
			in = append(in, x)
		}
	}
	sort.SliceStable(in, func(i, j int) bool { return entryLess(in[i], in[j]) })
	mids := make([]uint32, len(in))
	for i, x := range in {
		mids[i] = x.MId
	}
	b.links.members.Store(e.MId, mids)
	return mids, true
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

	// Lower-cased forms for ANR.
	lname, lsmtp, luser, llocal, ldn string
}

// Container is one address book container below the GAL: a domain of the
// organization and its objects.
type Container struct {
	MId      uint32
	DomainID int64
	Name     string // the domain's title, else its name
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
	domainName, domainTitle := map[int64]string{}, map[int64]string{}
	for _, d := range domains {
		domainName[d.ID] = d.Name
		domainTitle[d.ID] = d.Title
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
		e.lname, e.lsmtp, e.luser, e.ldn = strings.ToLower(e.DisplayName), strings.ToLower(e.smtpAddress()), strings.ToLower(e.Username), strings.ToLower(e.DN)
		e.llocal, _, _ = strings.Cut(e.luser, "@")
		c := doms[e.DomainID]
		if c == nil && e.DomainID > 0 && e.DomainID <= 0x1fffffff-midOffset {
			c = &Container{MId: midContainer | uint32(e.DomainID+midOffset), DomainID: e.DomainID, Name: e.Domain, pos: map[uint32]int{}}
			if t := strings.TrimSpace(domainTitle[e.DomainID]); t != "" {
				c.Name = t // the domain's title, as grommunio-admin sets it
			}
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
