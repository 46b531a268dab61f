package supervisor

import (
	"github.com/gromox-go/gromox/protocols/autodiscover"
	gxhttp "github.com/gromox-go/gromox/protocols/http"
)

// registerNSPI serves MAPI over HTTP's address book endpoint (/mapi/nspi)
// on the HTTP front.
func (s *Server) registerNSPI(front *gxhttp.Server, ad autodiscover.Config) error {
	return nil
}
