package supervisor

import (
	"github.com/gromox-go/gromox/protocols/autodiscover"
	gxhttp "github.com/gromox-go/gromox/protocols/http"
	"github.com/gromox-go/gromox/protocols/nspi"
)

// registerNSPI serves MAPI over HTTP's address book endpoint (/mapi/nspi)
// on the HTTP front: its session contexts run under the "nspi" protocol
// supervisor, its address book comes from the directory.
func (s *Server) registerNSPI(front *gxhttp.Server, ad autodiscover.Config) error {
	srv := nspi.New(nspi.Config{AutoDiscover: ad}, s.System, s.AddProtocol("nspi"), s.Dir, s.Log.Named("nspi"))
	srv.Register(front)
	return nil
}
