package autodiscover

import (
	"encoding/xml"
)

// Response is the Outlook-schema answer (MS-OXDSCLI 2.2.4.1): the root
// Autodiscover element in ResponseSchema holding one Response in
// OutlookResponseSchema. Tests and clients unmarshal into it as well.
type Response struct {
	XMLName  xml.Name        `xml:"http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006 Autodiscover"`
	Response OutlookResponse `xml:"http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a Response"`
}

// OutlookResponse is MS-OXDSCLI 2.2.4.1.1: settings (User and Account) or
// an Error.
type OutlookResponse struct {
	User    *User         `xml:"User,omitempty"`
	Account *Account      `xml:"Account,omitempty"`
	Error   *ErrorElement `xml:"Error,omitempty"`
}

// User is MS-OXDSCLI 2.2.4.1.1.1.
type User struct {
	DisplayName             string `xml:"DisplayName,omitempty"`
	LegacyDN                string `xml:"LegacyDN,omitempty"`
	AutoDiscoverSMTPAddress string `xml:"AutoDiscoverSMTPAddress,omitempty"`
	DeploymentId            string `xml:"DeploymentId,omitempty"`
}

// Account is MS-OXDSCLI 2.2.4.1.1.2.
type Account struct {
	AccountType             string                   `xml:"AccountType,omitempty"`
	Action                  string                   `xml:"Action"`
	RedirectAddr            string                   `xml:"RedirectAddr,omitempty"`
	RedirectUrl             string                   `xml:"RedirectUrl,omitempty"`
	MicrosoftOnline         string                   `xml:"MicrosoftOnline,omitempty"`
	ConsumerMailbox         string                   `xml:"ConsumerMailbox,omitempty"`
	Protocols               []Protocol               `xml:"Protocol"`
	PublicFolderInformation *PublicFolderInformation `xml:"PublicFolderInformation,omitempty"`
}

// Protocol is MS-OXDSCLI 2.2.4.1.1.2.2 (EXCH, EXPR, EXHTTP: Type as an
// element) and 2.2.4.1.1.2.2.x for mapiHttp (Type and Version as
// attributes, MailStore and AddressBook).
type Protocol struct {
	TypeAttr               string    `xml:"Type,attr,omitempty"`
	Version                string    `xml:"Version,attr,omitempty"`
	Type                   string    `xml:"Type,omitempty"`
	Server                 string    `xml:"Server,omitempty"`
	ServerDN               string    `xml:"ServerDN,omitempty"`
	ServerVersion          string    `xml:"ServerVersion,omitempty"`
	MdbDN                  string    `xml:"MdbDN,omitempty"`
	PublicFolderServer     string    `xml:"PublicFolderServer,omitempty"`
	AuthPackage            string    `xml:"AuthPackage,omitempty"`
	SSL                    string    `xml:"SSL,omitempty"`
	CertPrincipalName      string    `xml:"CertPrincipalName,omitempty"`
	ServerExclusiveConnect string    `xml:"ServerExclusiveConnect,omitempty"`
	ASUrl                  string    `xml:"ASUrl,omitempty"`
	OOFUrl                 string    `xml:"OOFUrl,omitempty"`
	OABUrl                 string    `xml:"OABUrl,omitempty"`
	EwsUrl                 string    `xml:"EwsUrl,omitempty"`
	EmwsUrl                string    `xml:"EmwsUrl,omitempty"`
	EcpUrl                 string    `xml:"EcpUrl,omitempty"`
	MailStore              *Endpoint `xml:"MailStore,omitempty"`
	AddressBook            *Endpoint `xml:"AddressBook,omitempty"`
}

// Endpoint is a mapiHttp MailStore or AddressBook.
type Endpoint struct {
	InternalUrl string `xml:"InternalUrl"`
	ExternalUrl string `xml:"ExternalUrl"`
}

// PublicFolderInformation is MS-OXDSCLI 2.2.4.1.1.2.9.
type PublicFolderInformation struct {
	SmtpAddress string `xml:"SmtpAddress"`
}

// ErrorElement is MS-OXDSCLI 2.2.4.1.1.3.
type ErrorElement struct {
	Time      string `xml:"Time,attr"`
	Id        string `xml:"Id,attr"`
	ErrorCode int    `xml:"ErrorCode"`
	Message   string `xml:"Message"`
	DebugData string `xml:"DebugData"`
}

// ErrorResponse is an error answer: MS-OXDSCLI 2.2.4.1.1.3 puts Error in a
// Response without its own namespace; for the mobile-sync schema the
// Response is in MobileResponseSchema (MS-ASCMD 4.2.2).
type ErrorResponse struct {
	XMLName  xml.Name  `xml:"http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006 Autodiscover"`
	Response ErrorBody `xml:"Response"`
}

// ErrorBody is the Response of an ErrorResponse; XMLName carries the
// mobile-sync namespace when that schema was asked for.
type ErrorBody struct {
	XMLName xml.Name
	Error   ErrorElement `xml:"Error"`
}

// AutoDiscover error codes (MS-OXDSCLI 2.2.4.1.1.3.2).
const (
	CodeNotFound            = 500 // the email address cannot be found
	CodeBadAddress          = 501 // known, but no configuration for it (here: no permission)
	CodeInvalidRequest      = 600
	CodeProviderUnavailable = 601 // the AcceptableResponseSchema is not served
	CodeServerError         = 603
)

var codeMessages = map[int]string{
	CodeNotFound:            "The email address cannot be found.",
	CodeBadAddress:          "Bad Address",
	CodeInvalidRequest:      "Invalid Request",
	CodeProviderUnavailable: "Provider is not available",
	CodeServerError:         "Server Error",
}
