package mailbox

import (
	"github.com/gromox-go/gromox/mapi"
)

// encodeBlob and decodeBlob convert the types the store keeps in upstream's
// EXT_PUSH serialisation (multi-value types, PT_CLSID, PT_SVREID,
// PT_SRESTRICTION, PT_ACTIONS) with mapi's codec.
func encodeBlob(tag mapi.PropTag, v any) ([]byte, error) {
	return mapi.EncodeMV(tag.Type(), v)
}

func decodeBlob(tag mapi.PropTag, b []byte) (any, error) {
	return mapi.DecodeMV(tag.Type(), b)
}
