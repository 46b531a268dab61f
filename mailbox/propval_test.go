package mailbox

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/gromox-go/gromox/mapi"
)

// TestPropertyRowsRoundTrip decodes every property row of the upstream
// store into a value and encodes it again into a scratch store: the rows
// must come out byte-identical (tag, SQL type and value), content files
// with the same content id.
func TestPropertyRowsRoundTrip(t *testing.T) {
	ctx := context.Background()
	src, err := Open(copyFixture(t, "fixture-store"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dstDir := copyFixture(t, "fixture-store")
	os.RemoveAll(filepath.Join(dstDir, "cid"))
	dst, err := Open(dstDir)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()

	rtx, err := src.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rtx.Rollback()
	wtx, err := dst.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer wtx.Rollback()

	types := map[mapi.PropType]int{}
	total := 0
	for _, table := range []propTable{storeTable, folderTable, messageTable, recipientTable, attachmentTable} {
		ids := []uint64{0}
		if col := table.idColumn(); col != "" {
			ids = nil
			rows, err := rtx.Query("SELECT DISTINCT " + col + " FROM " + table.String())
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id uint64
				rows.Scan(&id)
				ids = append(ids, id)
			}
			rows.Close()
		}
		if _, err := wtx.Exec("DELETE FROM " + table.String()); err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			orig, err := rtx.propRows(table, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range orig {
				total++
				p, err := rtx.decodeRow(table, r)
				if err != nil {
					t.Errorf("%s %d %08x: decode: %v", table, id, r.tag, err)
					continue
				}
				types[p.Tag.Type()]++
				nr, err := wtx.encodeRow(table, p)
				if err != nil {
					t.Errorf("%s %d %08x: encode %#v: %v", table, id, r.tag, p.Value, err)
					continue
				}
				if err := wtx.putRow(table, id, nr); err != nil {
					t.Fatal(err)
				}
			}
			got, err := wtx.propRows(table, id)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(orig) {
				t.Errorf("%s %d: %d rows written back, %d read", table, id, len(got), len(orig))
				continue
			}
			for i := range got {
				if !sameRow(got[i], orig[i]) {
					t.Errorf("%s %d: row %08x %T %v written back as %08x %T %v", table, id,
						orig[i].tag, orig[i].val, shortVal(orig[i].val), got[i].tag, got[i].val, shortVal(got[i].val))
				}
			}
		}
	}
	t.Logf("%d rows, types %v", total, types)
	if total < 1000 {
		t.Errorf("only %d property rows", total)
	}
	for _, pt := range []mapi.PropType{mapi.PtLong, mapi.PtBoolean, mapi.PtSysTime, mapi.PtUnicode, mapi.PtBinary, mapi.PtI8, mapi.PtDouble, mapi.PtMvUnicode} {
		if types[pt] == 0 {
			t.Errorf("no %v property in the fixture round trip", pt)
		}
	}
}

func sameRow(a, b propRow) bool {
	if a.tag != b.tag {
		return false
	}
	switch x := a.val.(type) {
	case int64:
		y, ok := b.val.(int64)
		return ok && x == y
	case float64:
		y, ok := b.val.(float64)
		return ok && math.Float64bits(x) == math.Float64bits(y)
	case string:
		y, ok := b.val.(string)
		return ok && x == y
	case []byte:
		y, ok := b.val.([]byte)
		return ok && bytes.Equal(x, y)
	}
	return false
}

func shortVal(v any) string {
	s := fmt.Sprintf("%v", v)
	if b, ok := v.([]byte); ok {
		s = fmt.Sprintf("%x", b)
	}
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return s
}

func TestEncodeValueForms(t *testing.T) {
	for _, tc := range []struct {
		tag  mapi.PropTag
		in   any
		want any
	}{
		{mapi.NewTag(0x8000, mapi.PtLong), int32(-1), int64(4294967295)},
		{mapi.NewTag(0x8000, mapi.PtShort), int16(-2), int64(65534)},
		{mapi.NewTag(0x8000, mapi.PtBoolean), true, int64(1)},
		{mapi.NewTag(0x8000, mapi.PtFloat), float32(1.5), float64(1.5)},
		{mapi.NewTag(0x8000, mapi.PtSysTime), mapi.FileTime(134403773310000000), int64(134403773310000000)},
		{mapi.NewTag(0x8000, mapi.PtBinary), []byte(nil), []byte{}},
		{mapi.NewTag(0x8000, mapi.PtUnicode), "ä", "ä"},
		{mapi.NewTag(0x8000, mapi.PtMvLong), []int32{1, 2}, []byte{2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0}},
		{mapi.NewTag(0x8000, mapi.PtMvUnicode), []string{"a", "bc"}, []byte{2, 0, 0, 0, 'a', 0, 'b', 'c', 0}},
	} {
		got, err := encodeValue(tc.tag, tc.in)
		if err != nil {
			t.Errorf("%v %v: %v", tc.tag, tc.in, err)
			continue
		}
		if fmt.Sprintf("%T %v", got, got) != fmt.Sprintf("%T %v", tc.want, tc.want) {
			t.Errorf("%v %v: stored as %T %v, want %T %v", tc.tag, tc.in, got, got, tc.want, tc.want)
		}
		back, err := decodeValue(tc.tag, got)
		if err != nil || fmt.Sprint(back) != fmt.Sprint(tc.in) && tc.in != nil && fmt.Sprint(tc.in) != "[]" {
			t.Errorf("%v: decoded %v (%v), want %v", tc.tag, back, err, tc.in)
		}
	}
	if _, err := encodeValue(mapi.NewTag(0x8000, mapi.PtLong), "x"); err == nil {
		t.Error("a string accepted for PT_LONG")
	}
}
