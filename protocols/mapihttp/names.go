package mapihttp

import (
	"strings"

	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/autodiscover"
)

// MAPI codes the handlers return.
const (
	ecAccessDenied = mapi.EcAccessDenied
	ecNullObject   = mapi.EcNullObject
	ecNotSupported = mapi.EcNotSupported
	ecRpcFormat    = mapi.EcRpcFormat
)

func (s *Server) orgName() string {
	if s.cfg.OrgName == "" {
		return autodiscover.DefaultOrgName
	}
	return s.cfg.OrgName
}

// dnPrefix is the server's DN prefix of the Connect response (MS-OXCRPC
// 3.1.4.1 szDNPrefix): the organization and its administrative group.
func dnPrefix(org string) string {
	return "/o=" + org + "/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)"
}

// userDN is the user's ESSDN, as AutoDiscover hands it out.
func userDN(org string, u *directory.User) string {
	return autodiscover.LegacyDN(org, uint32(u.DomainID), uint32(u.ID), u.Username)
}

func displayName(u *directory.User) string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Username
}

// sameDN compares two DNs as Exchange does: without regard to case.
func sameDN(a, b string) bool { return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b)) }

const mapiBufferTooSmall = mapi.EcBufferTooSmall
