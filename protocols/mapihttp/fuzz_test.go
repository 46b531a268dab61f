package mapihttp

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
	"github.com/gromox-go/gromox/protocols/mapihttp/wire"
)

// debugFuzz names a file to which the inputs that end a session or take
// over a second are appended (GROMOX_FUZZ_DEBUG=file).
var debugFuzz = os.Getenv("GROMOX_FUZZ_DEBUG") != ""

func debugLog(format string, args ...any) {
	f, err := os.OpenFile(os.Getenv("GROMOX_FUZZ_DEBUG"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	fmt.Fprintf(f, format+"\n", args...)
	f.Close()
}

// FuzzExecute runs arbitrary ROP bytes through a session that has logged
// on to a store with mail: the handle table holds the logon and empty
// slots. Each input is either answered with a well-formed Execute
// response, or it ends that session (a panic stays inside it) and a new
// one is made; the process goes on either way.
func FuzzExecute(f *testing.F) {
	e := newEnv(f)
	e.deliver(f, raw1)
	c := e.client(f)
	var pid *actors.PID
	var lh uint32
	relogon := func() {
		lh, _ = c.logon()
		pid = e.srv.lookup(c.cookie(cookieSession)).pid
	}
	relogon()
	ended := 0
	f.Cleanup(func() {
		if ended > 0 {
			f.Logf("%d inputs ended their session", ended)
		}
	})
	cols := []mapi.PropTag{mapi.PrSubject, mapi.PrMID}
	for _, seed := range [][]putter{
		{&rops.GetReceiveFolderRequest{MessageClass: "IPM.Note"},
			&rops.OpenFolderRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, FolderID: inboxFID},
			&rops.GetContentsTableRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}},
			&rops.SetColumnsRequest{Header: rops.Header{InputHandleIndex: 2}, PropertyTags: cols},
			&rops.QueryRowsRequest{Header: rops.Header{InputHandleIndex: 2}, ForwardRead: true, RowCount: 50}},
		{&rops.OpenFolderRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, FolderID: inboxFID},
			&rops.CreateMessageRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}, FolderID: inboxFID},
			&rops.SetPropertiesRequest{Header: rops.Header{InputHandleIndex: 2}, PropertyValues: []mapi.PropVal{{Tag: mapi.PrSubject, Value: "x"}}},
			&rops.CreateAttachmentRequest{OutHeader: rops.OutHeader{InputHandleIndex: 2, OutputHandleIndex: 3}},
			&rops.OpenStreamRequest{OutHeader: rops.OutHeader{InputHandleIndex: 3, OutputHandleIndex: 3}, PropertyTag: mapi.PrAttachDataBin, OpenModeFlags: 2},
			&rops.WriteStreamRequest{Header: rops.Header{InputHandleIndex: 3}, Data: []byte("data")},
			&rops.SaveChangesMessageRequest{ResponseHandleHeader: rops.ResponseHandleHeader{ResponseHandleIndex: 2, InputHandleIndex: 2}}},
		{&rops.GetHierarchyTableRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, TableFlags: rops.TableFlagDepth},
			&rops.SetColumnsRequest{Header: rops.Header{InputHandleIndex: 1}, PropertyTags: []mapi.PropTag{mapi.PrDisplayName}},
			&rops.QueryRowsRequest{Header: rops.Header{InputHandleIndex: 1}, ForwardRead: true, RowCount: 100},
			&rops.ReleaseRequest{Header: rops.Header{InputHandleIndex: 1}}},
		{&rops.GetPropertyIDsFromNamesRequest{Flags: 2, PropertyNames: []mapi.PropName{mapi.NameByLID(mapi.MustGUID("00062008-0000-0000-c000-000000000046"), 0x8501)}},
			&rops.RegisterNotificationRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, NotificationTypes: 0x02 /* NewMail */, WantWholeStore: true}},
	} {
		f.Add(ropsList(f, seed...), uint32(0))
	}
	f.Fuzz(func(t *testing.T, list []byte, flags uint32) {
		if len(list) > wire.MaxRopsSize {
			return
		}
		handles := []uint32{lh, invalidHandle, invalidHandle, invalidHandle}
		rb, err := wire.RopBuffer{Rops: list, Handles: handles}.Append(nil)
		if err != nil {
			return
		}
		in, err := wire.AppendExtended(nil, [][]byte{rb}, wire.ExtOptions{})
		if err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		t0 := time.Now()
		out, err := actors.Ask[[]byte](ctx, e.Sys, pid, executeMsg{req: wire.ExecuteRequest{Flags: flags, RopBuffer: in, MaxRopOut: 0x10000}})
		if d := time.Since(t0); debugFuzz && d > time.Second {
			debugLog("slow input: %v %x", d, list)
		}
		if err != nil {
			// The session ended (a panic inside it): the client
			// reconnects, and the server goes on.
			t.Logf("session ended: %v", err)
			ended++
			if debugFuzz {
				debugLog("session ended: %v %x", err, list)
			}
			relogon()
			return
		}
		var er wire.ExecuteResponse
		if err := er.Decode(out); err != nil {
			t.Fatalf("malformed Execute response: %v", err)
		}
		if len(er.RopBuffer) > 0 {
			payloads, err := wire.ParseExtended(er.RopBuffer, 0)
			if err != nil {
				t.Fatalf("malformed rgbOut: %v", err)
			}
			for _, p := range payloads {
				if len(p) > wire.MaxExtPayload {
					t.Fatalf("output buffer of %d bytes", len(p))
				}
				if _, err := wire.ParseRopBuffer(p); err != nil {
					t.Fatalf("malformed ROP output buffer: %v", err)
				}
			}
		}
	})
}
