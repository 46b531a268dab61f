package nspi

import (
	"context"
	"fmt"
	"time"

	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/wire"
	"go.uber.org/zap"
)

// Messages of the session actor.
type (
	// bindMsg binds the fresh session; the reply's bound says whether it
	// is now a session context.
	bindMsg struct{ req *wire.BindRequest }
	// request is one NSPI request body of a bound session.
	request struct {
		kind string // lower-cased X-RequestType
		body []byte
	}
	// reply is the response body, or badBody when the request body does
	// not decode.
	reply struct {
		body    []byte
		badBody error
		bound   bool
	}
	// touch keeps the session alive (PING).
	touch struct{}
	// idleCheck is the expiry timer firing.
	idleCheck struct{}
)

// state is what the operations of a bound session work on.
type state struct {
	book       *Book
	serverGUID mapi.GUID
	templates  *Templates // the server's display templates
}

func (s *state) view(ephemeral bool, codePage uint32) view {
	return view{book: s.book, serverGUID: s.serverGUID, ephemeral: ephemeral, codePage: codePage}
}

// session is the actor of one session context.
type session struct {
	srv   *Server
	sid   string
	user  *directory.User
	st    *state // nil until bound
	last  time.Time
	timer *time.Timer
}

func (a *session) Receive(c *actors.Context) {
	switch m := c.Message().(type) {
	case *actors.Started:
		a.last = time.Now()
		a.timer = c.After(a.srv.cfg.SessionTimeout, idleCheck{})
	case bindMsg:
		a.last = time.Now()
		c.Respond(a.bind(m.req))
	case request:
		a.last = time.Now()
		if a.srv.beforeRequest != nil {
			a.srv.beforeRequest(m.kind)
		}
		c.Respond(a.handle(m))
	case touch:
		a.last = time.Now()
	case idleCheck:
		if left := a.srv.cfg.SessionTimeout - time.Since(a.last); left > 0 {
			a.timer = c.After(left, idleCheck{})
			return
		}
		a.srv.log.Debug("nspi session expired", zap.String("user", a.user.Username))
		c.Stop(c.Self())
	case actors.ServerShutdown:
		c.Stop(c.Self())
	case *actors.Stopping:
		if a.timer != nil {
			a.timer.Stop()
		}
		a.srv.forget(a.sid, c.Self())
	}
}

// bind is NspiBind (MS-OXNSPI 3.1.4.1.1): it reads the address book of the
// user's organization.
func (a *session) bind(req *wire.BindRequest) reply {
	out := func(ec mapi.ErrorCode, bound bool) reply {
		resp := &wire.BindResponse{ErrorCode: uint32(ec)}
		if bound {
			resp.ServerGUID = a.srv.guid
		}
		b, err := resp.Encode()
		if err != nil {
			return reply{badBody: err}
		}
		return reply{body: b, bound: bound}
	}
	switch {
	case req.Flags&flagAnonymousLogin != 0:
		return out(ecFailOneProvider, false)
	case req.State != nil && req.State.CodePage == codePageUnicode:
		return out(mapi.EcNotSupported, false)
	}
	ctx, cancel := context.WithTimeout(context.Background(), a.srv.cfg.RequestTimeout)
	defer cancel()
	book, err := a.srv.book(ctx, a.user)
	if err != nil {
		a.srv.log.Warn("nspi bind", zap.String("user", a.user.Username), zap.Error(err))
		return out(mapi.EcError, false)
	}
	a.st = &state{book: book, serverGUID: a.srv.guid, templates: a.srv.templates}
	return out(mapi.EcSuccess, true)
}

// refresh moves a long-lived session to a newer snapshot of its address
// book once the one it has is older than BookTTL (MIds stay the same). A
// directory failure keeps the old one.
func (a *session) refresh() {
	if time.Since(a.st.book.Loaded) < a.srv.cfg.BookTTL {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), a.srv.cfg.RequestTimeout)
	defer cancel()
	if b, err := a.srv.book(ctx, a.user); err == nil {
		a.st.book = b
	} else {
		a.srv.log.Warn("nspi: address book refresh", zap.String("user", a.user.Username), zap.Error(err))
	}
}

// encoder is a response body.
type encoder interface{ Encode() ([]byte, error) }

// decoder is a request body.
type decoder interface{ Decode([]byte) error }

// handle decodes, runs and encodes one request.
func (a *session) handle(m request) reply {
	if m.kind == "getmailboxurl" || m.kind == "getaddressbookurl" {
		var book *Book
		if a.st != nil {
			book = a.st.book
		}
		b, err := urlRequest(m.kind, m.body, a.srv.cfg.AutoDiscover, book, a.user)
		if err != nil {
			return reply{badBody: err}
		}
		return reply{body: b}
	}
	if a.st == nil {
		return reply{badBody: fmt.Errorf("nspi: session not bound")}
	}
	a.refresh()
	st := a.st
	var resp encoder
	run := func(req decoder, f func()) error {
		if err := req.Decode(m.body); err != nil {
			return err
		}
		f()
		return nil
	}
	var err error
	switch m.kind {
	case "unbind":
		var req wire.UnbindRequest
		err = run(&req, func() { resp = &wire.UnbindResponse{ErrorCode: uint32(mapi.EcUnbindSuccess)} })
	case "updatestat":
		var req wire.UpdateStatRequest
		err = run(&req, func() { resp = st.updateStat(&req) })
	case "queryrows":
		var req wire.QueryRowsRequest
		err = run(&req, func() { resp = st.queryRows(&req) })
	case "seekentries":
		var req wire.SeekEntriesRequest
		err = run(&req, func() { resp = st.seekEntries(&req) })
	case "getmatches":
		var req wire.GetMatchesRequest
		err = run(&req, func() { resp = st.getMatches(&req) })
	case "resolvenames":
		var req wire.ResolveNamesRequest
		err = run(&req, func() { resp = st.resolveNames(&req) })
	case "dntomid":
		var req wire.DNToMIdRequest
		err = run(&req, func() { resp = st.dnToMId(&req) })
	case "getprops":
		var req wire.GetPropsRequest
		err = run(&req, func() { resp = st.getProps(&req) })
	case "getproplist":
		var req wire.GetPropListRequest
		err = run(&req, func() { resp = st.getPropList(&req) })
	case "querycolumns":
		var req wire.QueryColumnsRequest
		err = run(&req, func() { resp = st.queryColumns(&req) })
	case "comparemids":
		var req wire.CompareMIdsRequest
		err = run(&req, func() { resp = st.compareMIds(&req) })
	case "getspecialtable":
		var req wire.GetSpecialTableRequest
		err = run(&req, func() { resp = st.getSpecialTable(&req) })
	case "resortrestriction":
		var req wire.ResortRestrictionRequest
		err = run(&req, func() { resp = st.resortRestriction(&req) })
	case "gettemplateinfo":
		var req wire.GetTemplateInfoRequest
		err = run(&req, func() { resp = st.getTemplateInfo(&req) })
	default:
		err = fmt.Errorf("nspi: request type %q", m.kind)
	}
	if err != nil {
		return reply{badBody: err}
	}
	b, err := resp.Encode()
	if err != nil {
		// Our own response does not encode: answer the failure the
		// client can act on rather than a broken body.
		a.srv.log.Error("nspi response does not encode", zap.String("type", m.kind), zap.Error(err))
		b, _ = (&wire.FailureResponse{StatusCode: uint32(mapi.EcError)}).Encode()
	}
	return reply{body: b}
}
