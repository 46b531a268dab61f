package mailbox

import (
	"bytes"
	"crypto/rand"
	"crypto/sha3"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/gromox-go/gromox/mapi"
)

// TestReadFixtureContentFiles reads every content file the upstream store
// references: each decompresses to a value whose XXH3-128 is its name, to
// the length the zstd frame header records (what upstream counts in
// PR_MESSAGE_SIZE), and attachment data is no longer than PR_ATTACH_SIZE.
func TestReadFixtureContentFiles(t *testing.T) {
	dir := copyFixture(t, "fixture-store")
	db := rawDB(t, DBPath(dir))
	type ref struct {
		table   propTable
		id      int64
		tag     uint32
		cid     string
		attSize int64
	}
	var refs []ref
	for _, tb := range []propTable{messageTable, attachmentTable} {
		extra := "0"
		if tb == attachmentTable {
			extra = "(SELECT propval FROM attachment_properties s WHERE s.attachment_id=p.attachment_id AND s.proptag=0x0e200003)"
		}
		rows, err := db.Query("SELECT " + tb.idColumn() + ", proptag, propval, COALESCE(" + extra + ", -1) FROM " + tb.String() + " p")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var r ref
			var v any
			if err := rows.Scan(&r.id, &r.tag, &v, &r.attSize); err != nil {
				t.Fatal(err)
			}
			if !tb.holdsCID(r.tag) {
				continue
			}
			s, ok := v.(string)
			if !ok {
				t.Errorf("%s %d %08x: CID stored as %T", tb, r.id, r.tag, v)
				continue
			}
			r.table, r.cid = tb, s
			refs = append(refs, r)
		}
		rows.Close()
	}
	if len(refs) < 90 {
		t.Fatalf("only %d content references", len(refs))
	}
	seen := map[string]bool{}
	var total int64
	for _, r := range refs {
		unicode := r.tag&0xffff == 0x1f
		data, err := ReadContent(dir, r.cid, unicode)
		if err != nil {
			t.Errorf("%s %d %08x: %v", r.table, r.id, r.tag, err)
			continue
		}
		if got := ContentID(data); got != r.cid {
			t.Errorf("%s %d %08x: content of %s hashes to %s", r.table, r.id, r.tag, r.cid, got)
		}
		n, err := ContentLength(dir, r.cid, unicode)
		if err != nil || n != int64(len(data)) {
			t.Errorf("%s: recorded length %d (%v), decompressed %d", r.cid, n, err, len(data))
		}
		if r.table == attachmentTable && r.attSize >= 0 && int64(len(data)) > r.attSize {
			t.Errorf("attachment %d: %d bytes of data, PR_ATTACH_SIZE %d", r.id, len(data), r.attSize)
		}
		if !strings.HasPrefix(r.cid, "Y-") {
			t.Errorf("%s: upstream 3.10 writes Y- content ids", r.cid)
		}
		seen[r.cid] = true
		total += int64(len(data))
	}
	// Files no row references any more (upstream keeps them until
	// purge-datafiles; here: the expunged message's) are readable too.
	files, _ := filepath.Glob(filepath.Join(dir, "cid", "*", "*"))
	orphans := 0
	for _, f := range files {
		rel, _ := filepath.Rel(filepath.Join(dir, "cid"), f)
		cid := filepath.ToSlash(rel)
		if seen[cid] {
			continue
		}
		orphans++
		if data, err := ReadContent(dir, cid, false); err != nil || ContentID(data) != cid {
			t.Errorf("unreferenced %s: %v", cid, err)
		}
	}
	if len(files) != len(seen)+orphans || orphans > 4 {
		t.Errorf("%d files, %d referenced, %d not", len(files), len(seen), orphans)
	}
	if total < 2<<20 {
		t.Errorf("only %d bytes of content; the 2 MiB attachment is missing", total)
	}
}

func TestWriteContent(t *testing.T) {
	dir := t.TempDir()
	data := make([]byte, 100000)
	rand.Read(data[:50000]) // half random, half zeros
	cid, err := WriteContent(dir, data)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cid, "Y-") || len(cid) != len("Y-00/")+30 || cid != ContentID(data) {
		t.Fatalf("cid %q", cid)
	}
	path := filepath.Join(dir, "cid", cid)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var h zstd.Header
	if err := h.Decode(raw); err != nil || !h.HasFCS || h.FrameContentSize != uint64(len(data)) || !h.HasCheckSum {
		t.Errorf("zstd header %+v (%v): want the content size and a checksum", h, err)
	}
	if len(raw) >= len(data) {
		t.Errorf("not compressed: %d bytes for %d", len(raw), len(data))
	}
	got, err := ReadContent(dir, cid, false)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read back: %v", err)
	}
	st1, _ := os.Stat(path)
	cid2, err := WriteContent(dir, data)
	if err != nil || cid2 != cid {
		t.Fatalf("second write %q %v", cid2, err)
	}
	st2, _ := os.Stat(path)
	if !os.SameFile(st1, st2) || !st1.ModTime().Equal(st2.ModTime()) {
		t.Errorf("dedup replaced the file")
	}
	if left, _ := os.ReadDir(filepath.Join(dir, "tmp")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	// Empty values are files too.
	ecid, err := WriteContent(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := ReadContent(dir, ecid, true); err != nil || len(b) != 0 {
		t.Errorf("empty value: %q %v", b, err)
	}
	if _, err := ReadContent(dir, "Y-00/0000", false); !errors.Is(err, ErrContentMissing) {
		t.Errorf("missing file: %v", err)
	}
	if _, err := ReadContent(dir, "../etc/passwd", false); err == nil {
		t.Errorf("path escape accepted")
	}
}

// TestReadLegacyContent writes the older forms upstream still reads.
func TestReadLegacyContent(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "cid", "S-ab"), 0o755)
	z := func(b []byte) []byte { c, _ := compress(b, DefaultCompression); return c }
	text := []byte("Grüße aus dem alten Format")
	prefixed := binary.LittleEndian.AppendUint32(nil, uint32(len([]rune(string(text)))))
	prefixed = append(prefixed, text...)
	sum := sha3.Sum256(text)
	scid := "S-" + hex.EncodeToString(sum[:1]) + "/" + hex.EncodeToString(sum[1:])
	os.MkdirAll(filepath.Join(dir, "cid", scid[:4]), 0o755)
	files := map[string][]byte{
		"11.zst": z(text),     // zstd, no prefix
		"12.v1z": z(prefixed), // zstd with the count prefix
		"13":     prefixed,    // raw with the count prefix
		"14":     text,        // raw binary
		scid:     z(text),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, "cid", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		cid     string
		unicode bool
		want    []byte
	}{
		{"11", true, text}, {"12", true, text}, {"12", false, prefixed},
		{"13", true, text}, {"14", false, text}, {scid, true, text},
	} {
		got, err := ReadContent(dir, tc.cid, tc.unicode)
		if err != nil || !bytes.Equal(got, tc.want) {
			t.Errorf("%s (unicode %v): %q %v", tc.cid, tc.unicode, got, err)
		}
		n, err := ContentLength(dir, tc.cid, tc.unicode)
		if err != nil || n != int64(len(tc.want)) {
			t.Errorf("%s length %d %v, want %d", tc.cid, n, err, len(tc.want))
		}
	}
	// .zst wins over .v1z and raw when several exist.
	os.WriteFile(filepath.Join(dir, "cid", "11.v1z"), z([]byte("xxxxwrong")), 0o644)
	if got, _ := ReadContent(dir, "11", true); !bytes.Equal(got, text) {
		t.Errorf(".zst not preferred: %q", got)
	}
}

// TestFileCompressionLevel: a store writes its content files at the level
// Options.FileCompression names (exmdb_file_compression): the file is
// what that level's encoder makes of the value and not what another
// level's would, it is a zstd frame with the content size and a checksum
// (what upstream writes at every level, "no" included), and it reads back
// as the value.
func TestFileCompressionLevel(t *testing.T) {
	// A small value (a single-segment frame) and a large one (a windowed
	// frame: zstd-6 keeps libzstd's 2 MiB window, zstd-19 a larger one).
	for _, size := range []int{200 << 10, 3 << 20} {
		t.Run(fmt.Sprint(size), func(t *testing.T) { testFileCompressionLevel(t, wordText(size)) })
	}
}

func testFileCompressionLevel(t *testing.T, body string) {
	levels := []struct {
		name  string
		level int
	}{{"off", CompressionOff}, {"default", 0}, {"zstd-19", 19}}
	sizes := map[string]int{}
	files := map[string][]byte{}
	for _, l := range levels {
		dir, r := newPrivateStore(t, Options{FileCompression: l.level})
		path, err := Do[string](tctx(t), r, dir, WriteFunc(func(tx *Tx) (any, error) {
			mid, _, err := tx.WriteMessage(mapi.PrivateFIDInbox, &MessageContent{Props: Props{
				{Tag: mapi.PrMessageClass, Value: "IPM.Note"},
				{Tag: mapi.PrBody, Value: body},
			}})
			if err != nil {
				return nil, err
			}
			var cid string
			if err := tx.QueryRow("SELECT propval FROM message_properties WHERE message_id=? AND proptag=?", int64(mid), int64(mapi.PrBody)).Scan(&cid); err != nil {
				return nil, err
			}
			return contentPath(dir, cid)
		}))
		if err != nil {
			t.Fatal(l.name, err)
		}
		file, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(l.name, err)
		}
		var h zstd.Header
		if err := h.Decode(file); err != nil || !h.HasFCS || h.FrameContentSize != uint64(len(body)) || !h.HasCheckSum {
			t.Errorf("%s: frame header %+v (%v), want the content size %d and a checksum", l.name, h, err, len(body))
		}
		if len(body) > 2<<20 && l.level < 10 && (h.SingleSegment || h.WindowSize != 2<<20) {
			t.Errorf("%s: single segment %v, window %d; want a frame with libzstd's 2 MiB window", l.name, h.SingleSegment, h.WindowSize)
		}
		back, err := readCompressed(path)
		if err != nil || string(back) != body {
			t.Errorf("%s: reads back %d bytes (%v), want the %d of the body", l.name, len(back), err, len(body))
		}
		sizes[l.name], files[l.name] = len(file), file
	}
	for _, l := range levels {
		for _, other := range levels {
			want, _ := compress([]byte(body), other.level)
			if same := bytes.Equal(files[l.name], want); same != (encoderLevel(l.level) == encoderLevel(other.level)) {
				t.Errorf("store at %s: its file equal to the %s encoder's output: %v", l.name, other.name, same)
			}
		}
	}
	if !(sizes["off"] > sizes["default"] && sizes["default"] > sizes["zstd-19"]) {
		t.Errorf("file sizes %v: want off > default (zstd-6) > zstd-19", sizes)
	}
	t.Logf("body %d bytes; file sizes %v", len(body), sizes)
}

// wordText is n bytes or a little more of text that zstd's levels
// compress differently: words of a small vocabulary in a deterministic but
// irregular order.
func wordText(n int) string {
	words := strings.Fields("the store writes every body and attachment as a content file compressed with zstd at a level the operator picks upstream reads any frame")
	var b strings.Builder
	x := uint32(1)
	for b.Len() < n {
		x = x*1664525 + 1013904223
		b.WriteString(words[(x>>16)%uint32(len(words))])
		b.WriteByte(" \n"[(x>>8)&1])
	}
	return b.String()
}
