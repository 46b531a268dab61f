package rops

import (
	"fmt"
	"testing"

	"github.com/gromox-go/gromox/mapi"
)

// BenchmarkParseRequests parses the ROPs Outlook sends to list a folder:
// RopOpenFolder, RopGetContentsTable, RopSetColumns (12 columns),
// RopSortTable, RopQueryRows.
func BenchmarkParseRequests(b *testing.B) {
	cols := make([]mapi.PropTag, 12)
	for i := range cols {
		cols[i] = mapi.NewTag(uint16(0x3000+i), mapi.PtUnicode)
	}
	w := mapi.NewWriter(mapi.CodecROP)
	for _, q := range []interface{ Put(*mapi.Writer) error }{
		&OpenFolderRequest{OutHeader: OutHeader{0, 0, 1}, FolderID: fid},
		&GetContentsTableRequest{OutHeader: OutHeader{0, 1, 2}},
		&SetColumnsRequest{Header: Header{0, 2}, PropertyTags: cols},
		&SortTableRequest{Header: Header{0, 2}, SortOrderSet: mapi.SortOrderSet{Sorts: []mapi.SortOrder{{Tag: cols[0]}}}},
		&QueryRowsRequest{Header: Header{0, 2}, ForwardRead: true, RowCount: 50},
	} {
		if err := q.Put(w); err != nil {
			b.Fatal(err)
		}
	}
	buf := w.Bytes()
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseRequests(buf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQueryRowsPut writes a RopQueryRows response of 50 rows of 12
// string columns, the common large response.
func BenchmarkQueryRowsPut(b *testing.B) {
	cols := make([]mapi.PropTag, 12)
	for i := range cols {
		cols[i] = mapi.NewTag(uint16(0x3000+i), mapi.PtUnicode)
	}
	rows := make([]mapi.PropRow, 50)
	for i := range rows {
		vals := make([]mapi.PropVal, len(cols))
		for j, c := range cols {
			vals[j] = mapi.PropVal{Tag: c, Value: fmt.Sprintf("value %d of row %d", j, i)}
		}
		rows[i] = mapi.PropRow{Values: vals}
	}
	p := &QueryRowsResponse{Columns: cols, RowData: rows}
	w := mapi.NewWriter(mapi.CodecROP)
	b.ReportAllocs()
	for b.Loop() {
		w.Reset()
		if err := p.Put(w); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(w.Len()))
}
