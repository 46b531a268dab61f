package autodiscover

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gromox-go/gromox/directory"
	gxhttp "github.com/gromox-go/gromox/protocols/http"
	"go.uber.org/zap"
)

// Paths served (matched without regard to case by the front's router).
const (
	PathXML  = "/autodiscover/autodiscover.xml"
	PathJSON = "/autodiscover/autodiscover.json"
)

// deploymentID is the DeploymentId upstream reports (a placeholder GUID;
// MS-OXDSCLI 2.2.4.1.1.1.3 only asks that it name the deployment).
const deploymentID = "eeeeeeee-eeee-eeee-eeee-eeeeeeeeeeee"

// Register puts the AutoDiscover paths on the front: v1 POX behind auths
// (none: the front's own), v2 JSON (which says nothing about a mailbox)
// without authentication, as upstream.
func (s *Service) Register(front *gxhttp.Server, auths ...gxhttp.Authenticator) {
	rt := front.Router()
	rt.Handle(PathXML, front.Authenticated(http.HandlerFunc(s.ServeXML), auths...))
	rt.Handle(PathJSON, http.HandlerFunc(s.ServeJSON), gxhttp.Prefix())
}

// adError is an AutoDiscover error answer.
type adError struct {
	code   int
	detail string // appended to the standard message
}

func fail(code int, detail string) *adError { return &adError{code: code, detail: detail} }

// ServeXML answers a POX request (MS-OXDSCLI 3.1.5) of the authenticated
// user in the request context.
func (s *Service) ServeXML(w http.ResponseWriter, r *http.Request) {
	actor, ok := gxhttp.UserFrom(r.Context())
	if !ok {
		http.Error(w, "authentication required", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBytes+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		}
		return
	}
	if s.cfg.LogRequests {
		s.log.Debug("autodiscover request", zap.String("user", actor.Username), zap.ByteString("body", body))
	}
	req, err := ParseRequest(body)
	switch {
	case errors.Is(err, ErrNoSchema):
		s.writeError(w, "", fail(CodeProviderUnavailable, ""))
		return
	case err != nil:
		s.writeError(w, "", fail(CodeInvalidRequest, ""))
		return
	}
	schema := req.AcceptableResponseSchema
	if !strings.EqualFold(schema, OutlookResponseSchema) {
		// Mobile sync (ActiveSync) is not served; any other schema is
		// unknown (MS-OXDSCLI 3.1.5.1, MS-ASCMD 2.2.3.64).
		s.writeError(w, schema, fail(CodeProviderUnavailable, ""))
		return
	}
	email := req.EMailAddress
	if email == "" {
		var aerr *adError
		if email, aerr = s.addressOfDN(r.Context(), req.LegacyDN); aerr != nil {
			s.writeError(w, schema, aerr)
			return
		}
	}
	resp, aerr := s.settings(r.Context(), actor, email, r.UserAgent())
	if aerr != nil {
		s.writeError(w, schema, aerr)
		return
	}
	s.writeXML(w, resp)
}

// settings makes the Outlook answer for the mailbox at email as actor asks
// for it: the settings, a redirect, or an error.
func (s *Service) settings(ctx context.Context, actor *directory.User, email, userAgent string) (*Response, *adError) {
	local, domain, _ := strings.Cut(email, "@")
	if strings.EqualFold(local, publicFolderRoot) {
		d, err := s.dir.Domain(ctx, domain)
		if err != nil {
			return nil, s.lookupFailure(email, err)
		}
		return s.publicSettings(d, userAgent), nil
	}
	u, err := s.dir.Lookup(ctx, email)
	if err != nil {
		return nil, s.lookupFailure(email, err)
	}
	if u.ID != actor.ID && !s.cfg.AnyAddress {
		allowed := false
		if s.access != nil {
			if allowed, err = s.access.MayDiscover(ctx, actor, u); err != nil {
				s.log.Warn("autodiscover: permission check failed", zap.String("user", actor.Username), zap.String("target", u.Username), zap.Error(err))
				return nil, fail(CodeServerError, "")
			}
		}
		if !allowed {
			return nil, fail(CodeBadAddress, "(403 Permission Denied on "+email+")")
		}
	}
	if u.Maildir == "" || u.DisplayType == directory.DTDistList {
		return nil, fail(CodeBadAddress, "(no mailbox)")
	}
	resp := &Response{}
	switch {
	case !strings.EqualFold(email, u.Username):
		// An alias or alternative name: Outlook starts over with the
		// primary address (MS-OXDSCLI 3.1.5.1.1.2 redirectAddr).
		resp.Response.Account = &Account{Action: "redirectAddr", RedirectAddr: u.Username}
	case s.cfg.RedirectURL != "":
		resp.Response.Account = &Account{Action: "redirectUrl", RedirectUrl: s.cfg.RedirectURL}
	case s.cfg.RedirectAddr != "":
		l, _, _ := strings.Cut(u.Username, "@")
		resp.Response.Account = &Account{Action: "redirectAddr", RedirectAddr: l + "@" + s.cfg.RedirectAddr}
	default:
		resp = s.privateSettings(u, userAgent)
	}
	return resp, nil
}

// addressOfDN finds the address of the mailbox a legacy DN names: the
// domain by its id, the account by local part and domain, checked against
// the user id.
func (s *Service) addressOfDN(ctx context.Context, dn string) (string, *adError) {
	domainID, userID, local, ok := ParseLegacyDN(dn)
	if !ok {
		return "", fail(CodeNotFound, "")
	}
	domains, err := s.dir.Domains(ctx)
	if err != nil {
		return "", s.lookupFailure(dn, err)
	}
	for _, d := range domains {
		if uint32(d.ID) != domainID {
			continue
		}
		if userID == 0 {
			return publicFolderRoot + "@" + d.Name, nil
		}
		u, err := s.dir.Lookup(ctx, local+"@"+d.Name)
		if err != nil {
			return "", s.lookupFailure(dn, err)
		}
		if uint32(u.ID) != userID {
			return "", fail(CodeNotFound, "")
		}
		return u.Username, nil
	}
	return "", fail(CodeNotFound, "")
}

func (s *Service) lookupFailure(email string, err error) *adError {
	if errors.Is(err, directory.ErrNotFound) || errors.Is(err, directory.ErrAmbiguous) {
		return fail(CodeNotFound, "")
	}
	s.log.Warn("autodiscover: directory lookup failed", zap.String("address", email), zap.Error(err))
	return fail(CodeServerError, "")
}

// URL is https://<Host><path>.
func (c Config) URL(path string) string { return "https://" + c.Host + path }

// MailStoreURL is the MAPI/HTTP EMSMDB endpoint of a mailbox (reference
// §1.6, §5.1; also NSPI GetMailboxUrl):
// https://<host>/mapi/emsmdb/?MailboxId=<id>@<domain>.
func (c Config) MailStoreURL(mailboxID, domain string) string {
	return c.URL("/mapi/emsmdb/?MailboxId=" + mailboxID + "@" + domain)
}

// AddressBookURL is the MAPI/HTTP NSPI endpoint of a mailbox (also NSPI
// GetAddressBookUrl): https://<host>/mapi/nspi/?MailboxId=<id>@<domain>.
func (c Config) AddressBookURL(mailboxID, domain string) string {
	return c.URL("/mapi/nspi/?MailboxId=" + mailboxID + "@" + domain)
}

func (s *Service) privateSettings(u *directory.User, userAgent string) *Response {
	org := s.cfg.OrgName
	mbid := MailboxID(u.Username, uint32(u.ID))
	domain := u.Domain
	if domain == "" {
		_, domain, _ = strings.Cut(u.Username, "@")
	}
	name := u.DisplayName
	if name == "" {
		name = u.Username
	}
	serverDN := ServerDN(org, mbid, domain)
	resp := &Response{}
	resp.Response.User = &User{
		DisplayName:             name,
		LegacyDN:                LegacyDN(org, uint32(u.DomainID), uint32(u.ID), u.Username),
		AutoDiscoverSMTPAddress: u.Username,
		DeploymentId:            deploymentID,
	}
	acc := s.account(userAgent, mbid, domain, serverDN, MdbDN(serverDN), true)
	acc.PublicFolderInformation = &PublicFolderInformation{SmtpAddress: publicFolderRoot + "@" + domain}
	resp.Response.Account = acc
	return resp
}

func (s *Service) publicSettings(d *directory.Domain, userAgent string) *Response {
	org := s.cfg.OrgName
	mbid := MailboxID(d.Name, uint32(d.ID))
	serverDN := ServerDN(org, mbid, d.Name)
	resp := &Response{}
	resp.Response.User = &User{
		DisplayName:             "Public Folder",
		LegacyDN:                LegacyDN(org, uint32(d.ID), 0, d.Name),
		AutoDiscoverSMTPAddress: publicFolderRoot + "@" + d.Name,
		DeploymentId:            deploymentID,
	}
	resp.Response.Account = s.account(userAgent, mbid, d.Name, serverDN, MdbDN(serverDN), false)
	return resp
}

// account makes the Account with the protocol blocks the client gets
// (MS-OXDSCLI 2.2.4.1.1.2.2; mapiHttp per MS-OXDSCLI 2.2.4.1.1.2.2.x).
func (s *Service) account(userAgent, mbid, domain, serverDN, mdbDN string, private bool) *Account {
	c := s.cfg
	ews, host := c.URL("/EWS/Exchange.asmx"), c.Host
	acc := &Account{AccountType: "email", Action: "settings", MicrosoftOnline: "False", ConsumerMailbox: "False"}
	withURLs := func(p Protocol) Protocol {
		if private {
			p.ASUrl, p.OOFUrl, p.EwsUrl, p.EmwsUrl = ews, ews, ews, ews
		}
		return p
	}
	if c.AdvertiseMH.offered(userAgent) {
		acc.Protocols = append(acc.Protocols, withURLs(Protocol{
			Type: "EXHTTP", Server: host, SSL: "On", CertPrincipalName: "None",
			AuthPackage: "basic", ServerExclusiveConnect: "On",
		}), Protocol{
			TypeAttr: "mapiHttp", Version: "1",
			MailStore:   &Endpoint{InternalUrl: c.MailStoreURL(mbid, domain), ExternalUrl: c.MailStoreURL(mbid, domain)},
			AddressBook: &Endpoint{InternalUrl: c.AddressBookURL(mbid, domain), ExternalUrl: c.AddressBookURL(mbid, domain)},
		})
	}
	if c.AdvertiseRPCH.offered(userAgent) {
		exch := withURLs(Protocol{
			Type: "EXCH", Server: mbid + "@" + domain, ServerDN: serverDN,
			ServerVersion: ServerVersionHex(c.ServerVersion), MdbDN: mdbDN,
			AuthPackage: "anonymous", ServerExclusiveConnect: "Off",
		})
		if private {
			exch.PublicFolderServer = host
		}
		expr := Protocol{
			Type: "EXPR", Server: host, SSL: "On", CertPrincipalName: "None",
			AuthPackage: "basic", ServerExclusiveConnect: "On",
		}
		if private {
			expr.OOFUrl = ews
		}
		acc.Protocols = append(acc.Protocols, exch, expr)
	}
	return acc
}

// writeXML sends a settings or redirect answer.
func (s *Service) writeXML(w http.ResponseWriter, v any) {
	var out []byte
	var err error
	if s.cfg.Pretty {
		out, err = xml.MarshalIndent(v, "", "  ")
	} else {
		out, err = xml.Marshal(v)
	}
	if err != nil {
		s.log.Error("autodiscover: encoding the response", zap.Error(err))
		http.Error(w, "internal server error", http.StatusInternalServerError)
		return
	}
	if s.cfg.LogResponses {
		s.log.Debug("autodiscover response", zap.ByteString("body", out))
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "private")
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, xml.Header)
	w.Write(out)
}

// writeError sends an Error answer (HTTP 200, MS-OXDSCLI 2.2.4.1.1.3), in
// the mobile-sync namespace when that schema was asked for.
func (s *Service) writeError(w http.ResponseWriter, schema string, e *adError) {
	msg := codeMessages[e.code]
	if e.detail != "" {
		msg += " " + e.detail
	}
	doc := ErrorResponse{}
	if strings.EqualFold(schema, MobileResponseSchema) {
		doc.Response.XMLName = xml.Name{Space: MobileResponseSchema, Local: "Response"}
	}
	doc.Response.Error = ErrorElement{
		Time: time.Now().Format("15:04:05.0000000"), Id: s.errID,
		ErrorCode: e.code, Message: msg,
	}
	s.writeXML(w, doc)
}

// The v2 protocols (the names Microsoft 365 answers to) and their URLs on
// our host; "" where we have no such service.
var v2Protocols = map[string]struct{ name, path string }{}

func init() {
	for _, p := range []struct{ name, path string }{
		{"Actions", ""}, {"ActiveSync", "/Microsoft-Server-ActiveSync"},
		{"AutodiscoverV1", "/autodiscover/autodiscover.xml"}, {"CompliancePolicyService", ""},
		{"Connectors", ""}, {"ConnectorsProcessors", ""}, {"ConnectorsWebhook", ""},
		{"Ews", "/EWS/Exchange.asmx"}, {"NotesClient", ""}, {"OutlookCloudSettingsService", ""},
		{"OutlookLocationsService", ""}, {"OutlookMeetingScheduler", ""}, {"OutlookPay", ""},
		{"OutlookTailoredExperiences", ""}, {"OwaPoweredExperience", ""}, {"OwaPoweredExperienceV2", ""},
		{"Rest", ""}, {"SpeechAndLanguagePersonalization", ""}, {"Speedway", ""}, {"Substrate", ""},
		{"SubstrateNotificationService", ""}, {"SubstrateSearchService", ""}, {"ToDo", ""}, {"Weve", ""},
	} {
		v2Protocols[strings.ToLower(p.name)] = p
	}
}

// v2Names is the list the ProtocolNotSupported message names.
const v2Names = "ActiveSync,AutodiscoverV1,Ews,Rest,Substrate,SubstrateSearchService,SubstrateNotificationService,OutlookMeetingScheduler,OutlookPay,Actions,Connectors,ConnectorsProcessors,ConnectorsWebhook,NotesClient,OwaPoweredExperience,ToDo,Weve,OutlookLocationsService,OutlookCloudSettingsService,OutlookTailoredExperiences,OwaPoweredExperienceV2,Speedway,SpeechAndLanguagePersonalization,SubstrateSignalService,CompliancePolicyService"

// V2Answer is the JSON of AutoDiscover v2: the protocol and its URL, or an
// error.
type V2Answer struct {
	Protocol     string  `json:"Protocol,omitempty"`
	Url          *string `json:"Url,omitempty"`
	ErrorCode    string  `json:"ErrorCode,omitempty"`
	ErrorMessage string  `json:"ErrorMessage,omitempty"`
}

// V2 answers the v2 lookup of a raw query string
// (/autodiscover/autodiscover.json/v1.0/<addr>?Protocol=Ews, or
// ?Email=<addr>&Protocol=Ews). The address is not consulted: every
// mailbox here has the same URLs.
func (s *Service) V2(rawQuery string) V2Answer {
	if rawQuery == "" {
		return V2Answer{ErrorCode: "MandatoryParameterMissing", ErrorMessage: "The get request sent does not match the valid format."}
	}
	proto := ""
	for _, kv := range strings.Split(rawQuery, "&") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || !strings.EqualFold(k, "Protocol") {
			continue
		}
		if u, err := url.QueryUnescape(v); err == nil {
			proto = u
		}
	}
	if proto == "" {
		return V2Answer{ErrorCode: "MissingProtocol", ErrorMessage: "A valid value must be provided for the query parameter 'Protocol'."}
	}
	p, ok := v2Protocols[strings.ToLower(proto)]
	if !ok {
		return V2Answer{ErrorCode: "ProtocolNotSupported",
			ErrorMessage: "Protocol: The protocol '" + proto + "' is not supported. Supported protocols are: '" + v2Names + "'."}
	}
	u := ""
	if p.path != "" {
		u = s.cfg.URL(p.path)
	}
	return V2Answer{Protocol: p.name, Url: &u}
}

// ServeJSON answers AutoDiscover v2 (GET, no authentication).
func (s *Service) ServeJSON(w http.ResponseWriter, r *http.Request) {
	out, _ := json.Marshal(s.V2(r.URL.RawQuery))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write(out)
}
