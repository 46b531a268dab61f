package nspi

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strconv"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/wire"
)

// Client speaks the address book protocol of MAPI over HTTP to a server,
// as Outlook does: Basic credentials, the session cookies in a jar, the
// PROCESSING/DONE response stream. It is for tests and tools; it is not
// safe for concurrent use.
type Client struct {
	// URL is the endpoint, as AutoDiscover gives it
	// (https://host/mapi/nspi/?MailboxId=...).
	URL      string
	User     string
	Password string
	// HTTP is the client to use; nil: a client with its own cookie jar.
	HTTP *http.Client

	seq int
}

// ResponseCodeError is a request the server refused at the protocol level
// (a non-zero X-ResponseCode, MS-OXCMAPIHTTP 2.2.3.3.3).
type ResponseCodeError struct {
	RequestType string
	Code        int
}

func (e *ResponseCodeError) Error() string {
	return fmt.Sprintf("nspi: %s: X-ResponseCode %d", e.RequestType, e.Code)
}

// Call sends one request body of type kind (an X-RequestType: "Bind",
// "QueryRows", ...) and decodes the response body into resp (nil for
// PING). A non-zero X-ResponseCode is a *ResponseCodeError.
func (c *Client) Call(ctx context.Context, kind string, req interface{ Encode() ([]byte, error) }, resp interface{ Decode([]byte) error }) error {
	if c.HTTP == nil {
		jar, _ := cookiejar.New(nil)
		c.HTTP = &http.Client{Jar: jar}
	}
	var body []byte
	if req != nil {
		var err error
		if body, err = req.Encode(); err != nil {
			return err
		}
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	c.seq++
	r.Header.Set("Content-Type", "application/mapi-http")
	r.Header.Set("X-RequestType", kind)
	r.Header.Set("X-RequestId", "{6B9F5B8E-6A0C-4C4B-9C34-3E0E1C1D2A10}:"+strconv.Itoa(c.seq))
	r.Header.Set("X-ClientInfo", "{0D6A4A28-2E7D-4B0A-8E4B-5A1E3C9F7B21}:1")
	r.Header.Set("X-ClientApplication", "Outlook/16.0.17928.20114")
	r.SetBasicAuth(c.User, c.Password)
	res, err := c.HTTP.Do(r)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(res.Body, 1<<16))
		return fmt.Errorf("nspi: %s: HTTP %s", kind, res.Status)
	}
	code, err := strconv.Atoi(res.Header.Get("X-ResponseCode"))
	if err != nil {
		return fmt.Errorf("nspi: %s: X-ResponseCode %q", kind, res.Header.Get("X-ResponseCode"))
	}
	if code != rcSuccess {
		return &ResponseCodeError{RequestType: kind, Code: code}
	}
	_, out, err := wire.ReadResponseStream(res.Body, 64<<20)
	if err != nil {
		return fmt.Errorf("nspi: %s: %w", kind, err)
	}
	if resp == nil {
		return nil
	}
	if status, err := wire.ResponseStatus(out); err == nil && status != 0 {
		return fmt.Errorf("nspi: %s: failure response, StatusCode %#x", kind, status)
	}
	return resp.Decode(out)
}

// ecError makes a MAPI error of a non-zero ErrorCode.
func ecError(kind string, ec uint32) error {
	if ec == 0 {
		return nil
	}
	return fmt.Errorf("nspi: %s: %s", kind, mapi.ErrorCode(ec).Name())
}

// Stat returns a STAT at the beginning of the GAL in code page 1252, the
// state Outlook starts with.
func Stat() *wire.Stat {
	return &wire.Stat{CodePage: 1252, TemplateLocale: 0x409, SortLocale: 0x409}
}

// Bind opens a session context and returns the server's GUID.
func (c *Client) Bind(ctx context.Context) (mapi.GUID, error) {
	var resp wire.BindResponse
	if err := c.Call(ctx, "Bind", &wire.BindRequest{State: Stat()}, &resp); err != nil {
		return mapi.GUID{}, err
	}
	return resp.ServerGUID, ecError("Bind", resp.ErrorCode)
}

// Unbind ends the session context.
func (c *Client) Unbind(ctx context.Context) error {
	var resp wire.UnbindResponse
	if err := c.Call(ctx, "Unbind", &wire.UnbindRequest{}, &resp); err != nil {
		return err
	}
	if resp.ErrorCode != uint32(mapi.EcUnbindSuccess) {
		return ecError("Unbind", resp.ErrorCode)
	}
	return nil
}

// Hierarchy returns the rows of the special table (GAL and containers),
// with Unicode names.
func (c *Client) Hierarchy(ctx context.Context) ([][]mapi.PropVal, error) {
	var resp wire.GetSpecialTableResponse
	v := uint32(0)
	if err := c.Call(ctx, "GetSpecialTable", &wire.GetSpecialTableRequest{Flags: flagUnicodeStrings, State: Stat(), Version: &v}, &resp); err != nil {
		return nil, err
	}
	return resp.Rows, ecError("GetSpecialTable", resp.ErrorCode)
}

// QueryRows reads up to n rows of the table st points at, with cols; it
// returns the rows and the STAT after them.
func (c *Client) QueryRows(ctx context.Context, st *wire.Stat, n uint32, cols []mapi.PropTag) ([]mapi.PropRow, *wire.Stat, error) {
	var resp wire.QueryRowsResponse
	if err := c.Call(ctx, "QueryRows", &wire.QueryRowsRequest{State: st, RowCount: n, Columns: cols}, &resp); err != nil {
		return nil, nil, err
	}
	return resp.Rows, resp.State, ecError("QueryRows", resp.ErrorCode)
}

// ResolveNames runs ANR on names in the GAL: one MId per name
// (MID_UNRESOLVED 0, MID_AMBIGUOUS 1, MID_RESOLVED 2) and a row, with
// cols, per resolved name.
func (c *Client) ResolveNames(ctx context.Context, names []string, cols []mapi.PropTag) ([]uint32, []mapi.PropRow, error) {
	var resp wire.ResolveNamesResponse
	if err := c.Call(ctx, "ResolveNames", &wire.ResolveNamesRequest{State: Stat(), PropertyTags: cols, Names: names}, &resp); err != nil {
		return nil, nil, err
	}
	return resp.MinimalIDs, resp.Rows, ecError("ResolveNames", resp.ErrorCode)
}

// DNToMId returns the MId of each DN (0: unknown).
func (c *Client) DNToMId(ctx context.Context, dns ...string) ([]uint32, error) {
	var resp wire.DNToMIdResponse
	if err := c.Call(ctx, "DNToMId", &wire.DNToMIdRequest{Names: dns}, &resp); err != nil {
		return nil, err
	}
	return resp.MinimalIDs, ecError("DNToMId", resp.ErrorCode)
}

// GetProps reads properties of the object with the MId. Missing ones come
// back as PT_ERROR values (and no error).
func (c *Client) GetProps(ctx context.Context, mid uint32, tags []mapi.PropTag) ([]mapi.PropVal, error) {
	st := Stat()
	st.CurrentRec = mid
	var resp wire.GetPropsResponse
	if err := c.Call(ctx, "GetProps", &wire.GetPropsRequest{State: st, PropertyTags: tags}, &resp); err != nil {
		return nil, err
	}
	if resp.ErrorCode == uint32(mapi.EcWarnWithErrors) {
		resp.ErrorCode = 0
	}
	return resp.PropertyValues, ecError("GetProps", resp.ErrorCode)
}

// TemplateInfo fetches the display template (MS-OXOABKT) of objects of a
// display type in a locale, its strings in the code page: the
// PR_EMS_TEMPLATE_BLOB of NspiGetTemplateInfo with TI_TEMPLATE.
func (c *Client) TemplateInfo(ctx context.Context, displayType, codePage, lcid uint32) ([]byte, error) {
	var resp wire.GetTemplateInfoResponse
	req := &wire.GetTemplateInfoRequest{Flags: tiTemplate, DisplayType: displayType, CodePage: codePage, LocaleID: lcid}
	if err := c.Call(ctx, "GetTemplateInfo", req, &resp); err != nil {
		return nil, err
	}
	if err := ecError("GetTemplateInfo", resp.ErrorCode); err != nil {
		return nil, err
	}
	for _, v := range resp.Row {
		if b, ok := v.Value.([]byte); ok && v.Tag == tagTemplateData {
			return b, nil
		}
	}
	return nil, fmt.Errorf("nspi: GetTemplateInfo: no PR_EMS_TEMPLATE_BLOB in %v", resp.Row)
}
