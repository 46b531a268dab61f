package mhclient

import "github.com/gromox-go/gromox/mapi"

// eid makes the id of a folder or message of this store from its
// counter, as the manifest gives it.
func eid(gcv uint64) mapi.EID { return mapi.MakeEID(mapi.ReplidLocal, gcv) }
