package mailbox

import "github.com/gromox-go/gromox/mapi"

// Property tags the store computes that mapi's tag list does not name
// (upstream include/gromox/mapitags.hpp).
const (
	prHasNamedProperties mapi.PropTag = 0x664A000B // PR_HAS_NAMED_PROPERTIES
	prFolderFlags        mapi.PropTag = 0x66A80003 // PR_FOLDER_FLAGS
	prAssocMessageSize   mapi.PropTag = 0x66B40003 // PR_ASSOC_MESSAGE_SIZE
	prFolderPathname     mapi.PropTag = 0x66B5001F // PR_FOLDER_PATHNAME
	prCISearchEnabled    mapi.PropTag = 0x0E5C000B // PR_CI_SEARCH_ENABLED
	prMidString          mapi.PropTag = 0x0E23001F // PidTagMidString: messages.mid_string
)
