package supervisor

import (
	"github.com/gromox-go/gromox/protocols/autodiscover"
	gxhttp "github.com/gromox-go/gromox/protocols/http"
	"github.com/gromox-go/gromox/protocols/nspi"
)

// registerNSPI serves MAPI over HTTP's address book endpoint (/mapi/nspi)
// on the HTTP front: its session contexts run under the "nspi" protocol
// supervisor, its address book comes from the directory, its display
// templates from data_file_path's abkt.pak.
func (s *Server) registerNSPI(front *gxhttp.Server, ad autodiscover.Config) error {
	cfg := nspi.Config{AutoDiscover: ad}
	if s.Settings != nil && s.Settings.Files["gromox.cfg"] != nil {
		cfg.DataFilePath = s.Settings.DataFilePath()
	}
	srv := nspi.New(cfg, s.System, s.AddProtocol("nspi"), s.Dir, s.Log.Named("nspi"))
	srv.Register(front)
	return nil
}
