package mapihttp

import (
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
)

// Properties of the logon (store) object that the store cannot know and
// the protocol layer computes (MS-OXCSTOR 2.2.2.1; upstream
// logon_object's computed properties): the special folders' entry ids,
// the owner and the user, the store's entry id and capabilities.

// PidTagStoreSupportMask bits (MS-OXCSTOR 2.2.2.1.1.? / MS-OXPROPS
// PidTagStoreSupportMask) offered by a private store of this server.
const storeSupportMask = 0x00000001 | // STORE_ENTRYID_UNIQUE
	0x00000004 | // STORE_SEARCH_OK
	0x00000008 | // STORE_MODIFY_OK
	0x00000010 | // STORE_CREATE_OK
	0x00000020 | // STORE_ATTACH_OK
	0x00000040 | // STORE_OLE_OK
	0x00000080 | // STORE_SUBMIT_OK
	0x00000100 | // STORE_NOTIFY_OK
	0x00000200 | // STORE_MV_PROPS_OK
	0x00000400 | // STORE_CATEGORIZE_OK
	0x00000800 | // STORE_RTF_OK
	0x00001000 | // STORE_RESTRICTION_OK
	0x00002000 | // STORE_SORT_OK
	0x00010000 | // STORE_HTML_OK
	0x00020000 | // STORE_ANSI_OK
	0x00040000 | // STORE_UNICODE_OK
	0x01000000 // STORE_HAS_SEARCHES

// validFolderMask: all of FOLDER_IPM_SUBTREE_VALID to FOLDER_FINDER_VALID
// (PidTagValidFolderMask).
const validFolderMask = 0xFF

const prMdbProvider mapi.PropTag = 0x34140102 // PidTagMdbProvider

// specialFolderEntryIDs are the store properties naming special folders
// and the folders they name.
var specialFolderEntryIDs = []struct {
	tag mapi.PropTag
	fid uint64
}{
	{0x35E00102, mapi.PrivateFIDIPMSubtree},   // PR_IPM_SUBTREE_ENTRYID
	{0x35E20102, mapi.PrivateFIDOutbox},       // PR_IPM_OUTBOX_ENTRYID
	{0x35E30102, mapi.PrivateFIDDeletedItems}, // PR_IPM_WASTEBASKET_ENTRYID
	{0x35E40102, mapi.PrivateFIDSentItems},    // PR_IPM_SENTMAIL_ENTRYID
	{mapi.PrViewsEntryID, mapi.PrivateFIDViews},
	{mapi.PrCommonViewsEntryID, mapi.PrivateFIDCommonViews},
	{mapi.PrFinderEntryID, mapi.PrivateFIDFinder},
}

// loadLogonProps computes the logon's properties once, at logon.
func (a *session) loadLogonProps(l *logon) error {
	ids, err := storeDo[[][]byte](a, l, mailbox.ReadFunc(func(tx *mailbox.Tx) (any, error) {
		out := make([][]byte, len(specialFolderEntryIDs))
		for i, sf := range specialFolderEntryIDs {
			p, err := tx.FolderProps(sf.fid, []mapi.PropTag{mapi.PrEntryID})
			if err != nil {
				return nil, err
			}
			if v, ok := p.Get(mapi.PrEntryID); ok {
				out[i], _ = v.([]byte)
			}
		}
		return out, nil
	}))
	if err != nil {
		return err
	}
	owner := l.mailboxOwner
	if owner == nil {
		owner = a.user
	}
	ownerDN, userDNs := userDN(a.s.orgName(), owner), userDN(a.s.orgName(), a.user)
	ownerEID, _ := mapi.AddressBookEntryID{X500DN: ownerDN}.MarshalBinary()
	userEID, _ := mapi.AddressBookEntryID{X500DN: userDNs}.MarshalBinary()
	storeEID, _ := mapi.NewPrivateStoreEntryID(owner.Username, ownerDN).MarshalBinary()
	provider := mapi.ExchangeProviderPrimaryUserGUID
	if l.delegate {
		provider = mapi.ExchangeProviderDelegateGUID
	}
	p := mailbox.Props{
		{Tag: mapi.PrStoreSupportMask, Value: int32(storeSupportMask)},
		{Tag: mapi.PrValidFolderMask, Value: int32(validFolderMask)},
		{Tag: mapi.PrMailboxOwnerEntryID, Value: ownerEID},
		{Tag: mapi.PrMailboxOwnerName, Value: displayName(owner)},
		{Tag: mapi.PrUserEntryID, Value: userEID},
		{Tag: 0x661A001F /* PR_USER_NAME */, Value: displayName(a.user)},
		{Tag: mapi.PrStoreEntryID, Value: storeEID},
		{Tag: mapi.PrDisplayName, Value: displayName(owner)},
		{Tag: prMdbProvider, Value: append([]byte(nil), provider[:]...)},
	}
	for i, sf := range specialFolderEntryIDs {
		if ids[i] != nil {
			p = append(p, mapi.PropVal{Tag: sf.tag, Value: ids[i]})
		}
	}
	l.props = p
	return nil
}

// withLogonProps adds the logon's computed properties to store
// properties read for tags (all of them with no tags).
func withLogonProps(l *logon, stored mailbox.Props, tags []mapi.PropTag) mailbox.Props {
	out := stored
	for _, v := range l.props {
		if len(tags) > 0 {
			wanted := false
			for _, t := range tags {
				if t.ID() == v.Tag.ID() {
					wanted = true
					break
				}
			}
			if !wanted {
				continue
			}
		}
		out.Delete(v.Tag)
		out = append(out, v)
	}
	return out
}
