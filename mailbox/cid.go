package mailbox

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/gromox-go/gromox/mapi"
	"github.com/klauspost/compress/zstd"
	"github.com/zeebo/xxh3"
)

// Content files (cid/): the values of bodies, HTML, RTF, transport headers
// and attachment data live outside SQLite; their row holds a content id
// (CID). Upstream has written three generations, all of which are read:
//
//   - content-addressed (current): "Y-xx/<30 hex>" is the XXH3-128 of the
//     value (canonical, big-endian), "S-xx/<62 hex>" its SHA3-256; xx is the
//     hash's first byte. The file is the value, zstd-compressed (one or more
//     frames). Upstream 3.10 writes Y- names by default (g_cid_use_xxhash),
//     compressed at zstd level 6 (exmdb_file_compression=zstd-6), with the
//     content size in the frame header and a content checksum.
//   - numeric: "<n>" (a counter, configurations row 6), stored as
//     "<n>.zst" (zstd), "<n>.v1z" (zstd; for PT_UNICODE values a 4-byte
//     code point count precedes the UTF-8 text) or "<n>" uncompressed (same
//     4-byte prefix for PT_UNICODE). Upstream tries .zst, .v1z, then raw.
//
// New files are written content-addressed (Y-), compressed at the level
// exmdb_file_compression sets (Options.FileCompression), through a
// temporary file in the store's tmp/ that is linked into place, so a
// reader never sees a partial file; an existing file of that name is the
// same content and is reused.

// ErrContentMissing is returned when a referenced content file is absent.
var ErrContentMissing = errors.New("mailbox: content file missing")

var (
	zstdOnce sync.Once
	zstdDec  *zstd.Decoder
	zstdErr  error

	zstdEncMu sync.Mutex
	zstdEncs  = map[zstd.EncoderLevel]*zstdEncoders{}
)

// zstdEncoders are the encoders of one level: windowed frames for large
// values, single-segment frames for small ones.
type zstdEncoders struct{ windowed, single *zstd.Encoder }

// singleSegmentMax is the largest value the single-segment encoder
// writes. Such a frame always records its content size (libzstd, which
// upstream uses, does the same for small pledged sizes); larger values go
// to the windowed encoder, whose frames record it too: a value no larger
// than its window still becomes one segment, a larger one frames of that
// window, which a default libzstd decoder accepts whatever the value's
// size.
const singleSegmentMax = 1 << 20

// DefaultCompression is the zstd level of content files when nothing else
// is configured: upstream's default, exmdb_file_compression=zstd-6.
const DefaultCompression = 6

// CompressionOff is the level of exmdb_file_compression=no: files are
// still zstd frames (upstream writes them at ZSTD_minCLevel), at the
// fastest level there is here.
const CompressionOff = -1

// encoderLevel is the encoder of a zstd level (Options.FileCompression):
// levels 1–2 are SpeedFastest, 3–5 SpeedDefault, 6–9 SpeedBetterCompression
// and 10 and above SpeedBestCompression, as zstd.EncoderLevelFromZstd maps
// them; 0 is DefaultCompression, and CompressionOff SpeedFastest.
func encoderLevel(level int) zstd.EncoderLevel {
	switch {
	case level == 0:
		level = DefaultCompression
	case level < 0:
		return zstd.SpeedFastest
	}
	return zstd.EncoderLevelFromZstd(level)
}

// zstdEncoder returns the shared encoder of a level for a value of size
// bytes, made on first use.
func zstdEncoder(level, size int) (*zstd.Encoder, error) {
	l := encoderLevel(level)
	zstdEncMu.Lock()
	defer zstdEncMu.Unlock()
	e := zstdEncs[l]
	if e == nil {
		// As many values compress at once as there are CPUs to do it
		// (one encoder for all would make every store's writes wait for
		// the largest attachment any of them writes), up to 4: an encoder
		// keeps its memory once it has used it.
		opts := []zstd.EOption{
			zstd.WithEncoderLevel(l),
			zstd.WithEncoderCRC(true),
			zstd.WithEncoderConcurrency(min(runtime.GOMAXPROCS(0), 4)),
		}
		// Large values get libzstd's window of levels 3 to 6 (2 MiB,
		// window log 21) rather than this library's 8 MiB: an encoder
		// keeps 8.4 instead of 20.4 MiB at zstd-6. Levels 10 and above
		// keep the larger window for their ratio.
		wopts := slices.Clip(opts)
		if l < zstd.SpeedBestCompression {
			wopts = append(wopts, zstd.WithWindowSize(2<<20))
		}
		w, err := zstd.NewWriter(nil, wopts...)
		if err != nil {
			return nil, err
		}
		// A single-segment frame holds at most singleSegmentMax bytes: a
		// window of that size makes the same frames as the default 8 MiB
		// one, and the encoder keeps 6.4 MiB instead of 20 at zstd-6.
		one, err := zstd.NewWriter(nil, append(slices.Clip(opts), zstd.WithSingleSegment(true), zstd.WithWindowSize(singleSegmentMax))...)
		if err != nil {
			return nil, err
		}
		e = &zstdEncoders{windowed: w, single: one}
		zstdEncs[l] = e
	}
	if size <= singleSegmentMax {
		return e.single, nil
	}
	return e.windowed, nil
}

func zstdDecoder() (*zstd.Decoder, error) {
	zstdOnce.Do(func() {
		// Like the encoders: reads of several stores decompress at once.
		zstdDec, zstdErr = zstd.NewReader(nil, zstd.WithDecoderConcurrency(min(runtime.GOMAXPROCS(0), 4)), zstd.WithDecoderMaxMemory(4<<30))
	})
	return zstdDec, zstdErr
}

// compress makes the zstd file of a value at a level (see encoderLevel).
func compress(data []byte, level int) ([]byte, error) {
	enc, err := zstdEncoder(level, len(data))
	if err != nil {
		return nil, err
	}
	return enc.EncodeAll(data, nil), nil
}

// ContentID returns the CID upstream 3.10 gives a value: "Y-" and the
// XXH3-128 of data, its first byte as a directory.
func ContentID(data []byte) string {
	sum := xxh3.Hash128(data).Bytes()
	return "Y-" + hex.EncodeToString(sum[:1]) + "/" + hex.EncodeToString(sum[1:])
}

// contentPath returns the file of a CID in a store; an error for a CID
// that would leave cid/.
func contentPath(dir, cid string) (string, error) {
	if cid == "" || strings.Contains(cid, "..") || strings.HasPrefix(cid, "/") || strings.Count(cid, "/") > 1 {
		return "", fmt.Errorf("mailbox: bad content id %q", cid)
	}
	return filepath.Join(dir, "cid", filepath.FromSlash(cid)), nil
}

// isAddressedCID reports whether a CID is of the content-addressed form.
func isAddressedCID(cid string) bool { return strings.IndexByte(cid, '/') >= 0 }

// ReadContent reads the value a CID names in the store directory dir.
// unicode says whether the row's tag is PT_UNICODE, which decides whether
// the legacy numeric forms carry the 4-byte prefix to drop.
func ReadContent(dir, cid string, unicode bool) ([]byte, error) {
	if isAddressedCID(cid) {
		p, err := contentPath(dir, cid)
		if err != nil {
			return nil, err
		}
		return readCompressed(p)
	}
	base, err := contentPath(dir, cid)
	if err != nil {
		return nil, err
	}
	b, err := readCompressed(base + ".zst")
	if err == nil {
		return b, nil
	}
	if !errors.Is(err, ErrContentMissing) {
		return nil, err
	}
	b, err = readCompressed(base + ".v1z")
	if err == nil {
		return dropCountPrefix(b, unicode), nil
	}
	if !errors.Is(err, ErrContentMissing) {
		return nil, err
	}
	b, err = os.ReadFile(base)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrContentMissing, cid)
	}
	if err != nil {
		return nil, err
	}
	return dropCountPrefix(b, unicode), nil
}

func dropCountPrefix(b []byte, unicode bool) []byte {
	if unicode && len(b) >= 4 {
		return b[4:]
	}
	return b
}

// readCompressed reads and decompresses a zstd file.
func readCompressed(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrContentMissing, path)
	}
	if err != nil {
		return nil, err
	}
	dec, err := zstdDecoder()
	if err != nil {
		return nil, err
	}
	out, err := dec.DecodeAll(raw, nil)
	if err != nil {
		return nil, fmt.Errorf("content file %s: %w", path, err)
	}
	if out == nil {
		out = []byte{}
	}
	return out, nil
}

// ContentLength returns the length of the value a CID names without reading
// it all where upstream can: the content size of a zstd file's frame header
// (the file size when the header has none), the size of a raw file less the
// prefix of legacy PT_UNICODE values (upstream's cu_get_cid_length, which
// PR_MESSAGE_SIZE counts).
func ContentLength(dir, cid string, unicode bool) (int64, error) {
	if isAddressedCID(cid) {
		p, err := contentPath(dir, cid)
		if err != nil {
			return 0, err
		}
		return compressedLength(p)
	}
	base, err := contentPath(dir, cid)
	if err != nil {
		return 0, err
	}
	if n, err := compressedLength(base + ".zst"); !errors.Is(err, ErrContentMissing) {
		return n, err
	}
	if n, err := compressedLength(base + ".v1z"); !errors.Is(err, ErrContentMissing) {
		if err == nil && unicode && n >= 4 {
			n -= 4
		}
		return n, err
	}
	st, err := os.Stat(base)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("%w: %s", ErrContentMissing, cid)
	}
	if err != nil {
		return 0, err
	}
	n := st.Size()
	if unicode && n >= 4 {
		n -= 4
	}
	return n, nil
}

func compressedLength(path string) (int64, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("%w: %s", ErrContentMissing, path)
	}
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	hdr := make([]byte, zstd.HeaderMaxSize)
	n, err := io.ReadFull(f, hdr)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return 0, err
	}
	var h zstd.Header
	if err := h.Decode(hdr[:n]); err != nil {
		return 0, fmt.Errorf("content file %s: %w", path, err)
	}
	if !h.HasFCS {
		return st.Size(), nil
	}
	return int64(h.FrameContentSize), nil
}

// WriteContent stores a value as a content file of the store directory dir
// and returns its CID. A file of the same CID is the same value and is
// kept as it is.
func WriteContent(dir string, data []byte) (string, error) {
	cid := ContentID(data)
	path, err := contentPath(dir, cid)
	if err != nil {
		return "", err
	}
	if st, err := os.Stat(path); err == nil && st.Size() > 0 {
		return cid, nil
	}
	z, err := compress(data, DefaultCompression)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), dirMode); err != nil {
		return "", err
	}
	tmpdir := filepath.Join(dir, "tmp")
	if err := os.MkdirAll(tmpdir, dirMode); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(tmpdir, "cid-*")
	if err != nil {
		return "", err
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName)
	if err := tmp.Chmod(fileMode); err != nil {
		tmp.Close()
		return "", err
	}
	if _, err := tmp.Write(z); err != nil {
		tmp.Close()
		return "", err
	}
	// The row naming this file may be committed right after: the file
	// must be on disk first.
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	if err := os.Link(tmpName, path); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", err
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return cid, nil
}

// propTable names a *_properties table.
type propTable int

const (
	storeTable propTable = iota + 1
	folderTable
	messageTable
	recipientTable
	attachmentTable
)

func (t propTable) String() string {
	switch t {
	case storeTable:
		return "store_properties"
	case folderTable:
		return "folder_properties"
	case messageTable:
		return "message_properties"
	case recipientTable:
		return "recipients_properties"
	case attachmentTable:
		return "attachment_properties"
	}
	return "?"
}

// idColumn is the table's object id column.
func (t propTable) idColumn() string {
	switch t {
	case folderTable:
		return "folder_id"
	case messageTable:
		return "message_id"
	case recipientTable:
		return "recipient_id"
	case attachmentTable:
		return "attachment_id"
	}
	return ""
}

// holdsCID reports whether rows of tag in table t hold a CID rather than
// the value (upstream's cu_set_properties / cu_get_object_text).
func (t propTable) holdsCID(tag uint32) bool {
	switch t {
	case messageTable:
		switch tag {
		case uint32(mapi.PrBody), uint32(mapi.PrBodyA), uint32(mapi.PrTransportMessageHeaders),
			uint32(mapi.PrTransportMessageHeadersA), uint32(mapi.PrHTML), uint32(mapi.PrRTFCompressed):
			return true
		}
	case attachmentTable:
		return tag == uint32(mapi.PrAttachDataBin) || tag == uint32(mapi.PrAttachDataObj)
	}
	return false
}
