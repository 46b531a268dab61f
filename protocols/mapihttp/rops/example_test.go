package rops_test

import (
	"fmt"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
)

// A server parses the RopsList of a ROP input buffer, answers each request
// and appends each response; a request it cannot serve gets the failure
// response ErrorResponse builds.
func Example_server() {
	in := []byte{
		0x02, 0x00, 0x00, 0x01, 0x01, 0, 0, 0, 0, 0, 0, 0x01, 0x00, // RopOpenFolder
		0x05, 0x00, 0x01, 0x02, 0x00, // RopGetContentsTable
	}
	reqs, err := rops.ParseRequests(in)
	if err != nil {
		fmt.Println(err) // the ROPs in reqs are answered, the rest failed
	}
	out := mapi.NewWriter(mapi.CodecROP)
	for _, req := range reqs {
		var resp rops.Response
		switch q := req.(type) {
		case *rops.OpenFolderRequest:
			resp = &rops.OpenFolderResponse{ResponseHeader: rops.ResponseHeader{HandleIndex: q.OutputHandleIndex}}
		default:
			resp = rops.ErrorResponse(req, mapi.EcNotSupported)
		}
		if resp != nil { // nil for RopRelease
			_ = resp.Put(out)
		}
	}
	fmt.Printf("% x\n", out.Bytes())
	// Output:
	// 02 01 00 00 00 00 00 00 05 02 02 01 04 80
}

// A client writes requests with Put and parses each response with the
// context it needs: here the columns it asked for.
func Example_client() {
	tags := []mapi.PropTag{0x0037001F} // PidTagSubject
	req := &rops.GetPropertiesSpecificRequest{Header: rops.Header{InputHandleIndex: 1}, WantUnicode: 1, PropertyTags: tags}
	w := mapi.NewWriter(mapi.CodecROP)
	_ = req.Put(w)
	fmt.Printf("% x\n", w.Bytes())

	reply := []byte{0x07, 0x01, 0, 0, 0, 0, 0x00, 'H', 0, 'i', 0, 0, 0}
	resp, err := rops.ParseResponse(mapi.NewReader(reply, mapi.CodecROP), rops.ResponseContext{Columns: req.PropertyTags})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.(*rops.GetPropertiesSpecificResponse).RowData.Values[0].Value)
	// Output:
	// 07 00 01 00 00 01 00 01 00 1f 00 37 00
	// Hi
}
