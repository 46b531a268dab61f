// Package autodiscover answers Outlook's AutoDiscover (MS-OXDSCLI POX v1,
// and the v2 JSON lookup) so that a client given only an email address
// finds its server: the mailbox's display name and legacy DN, the
// MAPI/HTTP EMSMDB and NSPI URLs, the EWS URL and the server version.
//
// Invariants:
//   - A v1 request is answered only to an authenticated user, and only for
//     an address that user may discover (their own, or any when
//     oxdisco_validate_scndrequest is off; see Access); others get an
//     error response, never another mailbox's settings.
//   - Every answer is a well-formed document of the schema asked for: the
//     settings, a redirect, or an Error with the MS-OXDSCLI code.
//   - Host names and DNs come from configuration only (Config), never from
//     the request's Host header.
package autodiscover

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"strings"

	"github.com/gromox-go/gromox/config"
	"github.com/gromox-go/gromox/directory"
	"go.uber.org/zap"
)

// Advertise says to which clients a protocol block is offered
// (oxdisco_advertise_mh, oxdisco_advertise_rpch).
type Advertise int

const (
	AdvertiseYes        Advertise = iota // to every client
	AdvertiseNo                          // to none
	AdvertiseNotOldMSO                   // not to Microsoft Office before 16
	AdvertiseNewMSOOnly                  // only to Microsoft Office 16 and later
)

// ParseAdvertise reads the values upstream takes: "no"/"0", "not_old_mso",
// "new_mso_only"; anything else is yes.
func ParseAdvertise(s string) Advertise {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "no", "0", "false", "off":
		return AdvertiseNo
	case "not_old_mso":
		return AdvertiseNotOldMSO
	case "new_mso_only":
		return AdvertiseNewMSOOnly
	}
	return AdvertiseYes
}

// offered reports whether a client with this User-Agent gets the block.
func (a Advertise) offered(userAgent string) bool {
	mso, newMSO := false, false
	if len(userAgent) >= 17 && strings.EqualFold(userAgent[:17], "Microsoft Office/") {
		mso = true
		v := userAgent[17:]
		n := 0
		for i := 0; i < len(v) && v[i] >= '0' && v[i] <= '9' && n < 1000; i++ {
			n = n*10 + int(v[i]-'0')
		}
		newMSO = n >= 16
	}
	switch a {
	case AdvertiseNo:
		return false
	case AdvertiseNotOldMSO:
		return !mso || newMSO
	case AdvertiseNewMSOOnly:
		return newMSO
	}
	return true
}

// Config is what the answers are made of.
type Config struct {
	// Host is the externally visible host name in every URL
	// (oxdisco_exonym, else autodiscover.ini hostname, else host_id).
	Host string
	// OrgName is the x500 organization of the DNs (x500_org_name).
	OrgName string
	// ServerVersion is reported_server_version, dotted.
	ServerVersion string
	// AdvertiseMH and AdvertiseRPCH select the mapiHttp/EXHTTP and the
	// EXCH/EXPR blocks.
	AdvertiseMH, AdvertiseRPCH Advertise
	// RedirectAddr (a domain) and RedirectURL send every Outlook client
	// elsewhere (oxdisco_redirect_addr, oxdisco_redirect_url).
	RedirectAddr, RedirectURL string
	// AnyAddress lets an authenticated user discover any address
	// (oxdisco_validate_scndrequest off).
	AnyAddress bool
	// LogRequests and LogResponses log the documents at debug level
	// (oxdisco_request_logging, oxdisco_response_logging).
	LogRequests, LogResponses bool
	// Pretty indents the XML (oxdisco_pretty_response).
	Pretty bool
}

// DefaultOrgName is upstream's x500_org_name when none is configured.
const DefaultOrgName = "Gromox default"

// LoadConfig makes the Config from the settings, reading autodiscover.ini
// and autodiscover.cfg from the config search path (for the embedded
// instance: the data directory) when they exist. Keys, later ones winning:
//
//	host:         host_id; autodiscover.ini hostname; gromox.cfg oxdisco_exonym
//	organization: autodiscover.ini organization (quotes dropped);
//	              autodiscover.cfg x500_org_name; gromox.cfg x500_org_name
//	MAPI/HTTP:    autodiscover.ini mapihttp (a boolean) or advertise_mh;
//	              gromox.cfg oxdisco_advertise_mh
//	RPC/HTTP:     autodiscover.ini advertise_rpch; gromox.cfg oxdisco_advertise_rpch
//
// autodiscover.ini is looked up without regard to its sections, as upstream
// does ([exchange] hostname and a top-level hostname are the same key).
func LoadConfig(st *config.Settings) (Config, error) {
	c := Config{Host: st.HostID, OrgName: DefaultOrgName, ServerVersion: "15.00.0847.4040"}
	path := st.ConfigPath
	if len(path) == 0 && st.DataDir != "" {
		path = config.SearchPath{st.DataDir}
	}
	var mhSet, rpchSet bool
	if p, err := path.Find("autodiscover.ini"); err == nil {
		ini, err := config.ReadIni(p)
		if err != nil {
			return c, err
		}
		if e, ok := ini.Find("organization"); ok && e.Value != "" {
			c.OrgName = strings.ReplaceAll(e.Value, "'", "")
		}
		if e, ok := ini.Find("hostname"); ok && e.Value != "" {
			c.Host = e.Value
		}
		if e, ok := ini.Find("mapihttp"); ok {
			c.AdvertiseMH, mhSet = AdvertiseYes, true
			if !iniTrue(e.Value) {
				c.AdvertiseMH = AdvertiseNo
			}
		}
		if e, ok := ini.Find("advertise_mh"); ok {
			c.AdvertiseMH, mhSet = ParseAdvertise(e.Value), true
		}
		if e, ok := ini.Find("advertise_rpch"); ok {
			c.AdvertiseRPCH, rpchSet = ParseAdvertise(e.Value), true
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return c, err
	}
	if p, err := path.Find("autodiscover.cfg"); err == nil {
		f, err := config.ReadCfg(p)
		if err != nil {
			return c, err
		}
		if e, ok := f.Get("x500_org_name"); ok && e.Value != "" {
			c.OrgName = e.Value
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return c, err
	}
	gx := st.Files["gromox.cfg"]
	if gx == nil {
		return c, nil
	}
	if gx.IsSet("x500_org_name") && gx.String("x500_org_name") != "" {
		c.OrgName = gx.String("x500_org_name")
	}
	if v := gx.String("oxdisco_exonym"); v != "" {
		c.Host = v
	}
	if gx.IsSet("oxdisco_advertise_mh") || !mhSet {
		c.AdvertiseMH = ParseAdvertise(gx.String("oxdisco_advertise_mh"))
	}
	if gx.IsSet("oxdisco_advertise_rpch") || !rpchSet {
		c.AdvertiseRPCH = ParseAdvertise(gx.String("oxdisco_advertise_rpch"))
	}
	c.ServerVersion = gx.String("reported_server_version")
	c.RedirectAddr = gx.String("oxdisco_redirect_addr")
	c.RedirectURL = gx.String("oxdisco_redirect_url")
	c.AnyAddress = !gx.Bool("oxdisco_validate_scndrequest")
	c.LogRequests = gx.Bool("oxdisco_request_logging")
	c.LogResponses = gx.Bool("oxdisco_response_logging")
	c.Pretty = gx.Bool("oxdisco_pretty_response")
	return c, nil
}

// iniTrue reads a PHP ini boolean.
func iniTrue(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// Directory finds accounts and domains (*directory.Cached for Lookup,
// *directory.DB for the domains).
type Directory interface {
	Lookup(ctx context.Context, login string) (*directory.User, error)
	Domain(ctx context.Context, name string) (*directory.Domain, error)
	// Domains lists every domain (for requests that name a mailbox by
	// its legacy DN, which carries the domain's id).
	Domains(ctx context.Context) ([]directory.Domain, error)
}

// Access decides whether actor may discover the mailbox of target, which
// is another user's (delegates: store permissions, secondary store hints).
type Access interface {
	MayDiscover(ctx context.Context, actor, target *directory.User) (bool, error)
}

// Service answers AutoDiscover requests.
type Service struct {
	cfg    Config
	dir    Directory
	access Access // nil: only one's own mailbox
	log    *zap.Logger
	errID  string // the Error Id attribute: a hash of the host name
}

// New returns a Service. access may be nil: then a user discovers only
// their own mailbox and the public folders of their domain.
func New(cfg Config, dir Directory, access Access, log *zap.Logger) *Service {
	if log == nil {
		log = zap.NewNop()
	}
	if cfg.OrgName == "" {
		cfg.OrgName = DefaultOrgName
	}
	h := fnv.New32a()
	h.Write([]byte(cfg.Host))
	return &Service{cfg: cfg, dir: dir, access: access, log: log, errID: fmt.Sprint(h.Sum32())}
}
