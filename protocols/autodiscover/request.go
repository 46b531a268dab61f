package autodiscover

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// The schemas of POX AutoDiscover (MS-OXDSCLI 2.2.3, 2.2.4; MS-ASCMD
// 2.2.2.1 for mobile sync).
const (
	RequestSchema         = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
	ResponseSchema        = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
	OutlookResponseSchema = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
	MobileResponseSchema  = "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006"
)

// Request is a POX AutoDiscover request (MS-OXDSCLI 2.2.3.1).
type Request struct {
	EMailAddress             string
	LegacyDN                 string
	AcceptableResponseSchema string
}

// Errors of ParseRequest; each maps to an AutoDiscover error code.
var (
	// ErrInvalidRequest: not XML, not an Autodiscover document, no
	// Request element, or no usable EMailAddress (error 600).
	ErrInvalidRequest = errors.New("autodiscover: invalid request")
	// ErrNoSchema: no AcceptableResponseSchema (error 601).
	ErrNoSchema = errors.New("autodiscover: no acceptable response schema")
)

// maxRequestBytes bounds a request document; Outlook's are under 1 KiB.
const maxRequestBytes = 64 << 10

// maxDepth bounds element nesting in a request.
const maxDepth = 32

// ParseRequest reads a POX request: <Autodiscover> (any namespace, the name
// without regard to case, as upstream) containing <Request> with
// <EMailAddress>, <LegacyDN> and <AcceptableResponseSchema>; other elements
// are ignored. The request names the mailbox by an EMailAddress with '@'
// or, without one, by a LegacyDN (MS-OXDSCLI 2.2.3.1.1.1.2).
func ParseRequest(body []byte) (*Request, error) {
	if len(body) > maxRequestBytes {
		return nil, ErrInvalidRequest
	}
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = true
	var (
		req      Request
		path     []string // local names of the open elements
		text     strings.Builder
		sawRoot  bool
		sawReq   bool
		inField  bool
		fieldDst *string
	)
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, ErrInvalidRequest
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(path) == 0 {
				if sawRoot || !strings.EqualFold(t.Name.Local, "Autodiscover") {
					return nil, ErrInvalidRequest
				}
				sawRoot = true
			}
			path = append(path, t.Name.Local)
			if len(path) > maxDepth {
				return nil, ErrInvalidRequest
			}
			inField, fieldDst = false, nil
			if len(path) == 2 && t.Name.Local == "Request" {
				sawReq = true
			}
			if len(path) == 3 && path[1] == "Request" {
				switch t.Name.Local {
				case "EMailAddress":
					fieldDst = &req.EMailAddress
				case "LegacyDN":
					fieldDst = &req.LegacyDN
				case "AcceptableResponseSchema":
					fieldDst = &req.AcceptableResponseSchema
				}
				inField = fieldDst != nil
				text.Reset()
			}
		case xml.EndElement:
			if len(path) == 0 {
				return nil, ErrInvalidRequest
			}
			if len(path) == 3 && inField && fieldDst != nil {
				*fieldDst = strings.TrimSpace(text.String())
				inField, fieldDst = false, nil
			}
			path = path[:len(path)-1]
		case xml.CharData:
			if len(path) == 0 {
				if len(bytes.TrimSpace(t)) > 0 {
					return nil, ErrInvalidRequest
				}
				continue
			}
			if inField && len(path) == 3 {
				text.Write(t)
			}
		}
	}
	if !sawRoot || len(path) != 0 || !sawReq {
		return nil, ErrInvalidRequest
	}
	if !strings.Contains(req.EMailAddress, "@") && (req.EMailAddress != "" || !strings.HasPrefix(req.LegacyDN, "/")) {
		return nil, ErrInvalidRequest
	}
	if req.AcceptableResponseSchema == "" {
		return &req, ErrNoSchema
	}
	return &req, nil
}
