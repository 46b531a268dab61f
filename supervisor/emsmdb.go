package supervisor

import (
	"github.com/gromox-go/gromox/protocols/autodiscover"
	gxhttp "github.com/gromox-go/gromox/protocols/http"
)

// registerEMSMDB serves MAPI over HTTP's mailbox endpoint (/mapi/emsmdb)
// on the HTTP front.
func (s *Server) registerEMSMDB(front *gxhttp.Server, ad autodiscover.Config) error {
	return nil
}
