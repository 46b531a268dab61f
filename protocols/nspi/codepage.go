package nspi

import (
	"strings"

	"github.com/gromox-go/gromox/mapi"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// eightBit are the code pages PT_STRING8 values are written in when a
// client's STAT names one (MS-OXNSPI 3.1.4.3: strings in the STAT's code
// page), and display templates are (templateCodePage): the ANSI code
// pages of Windows, the double-byte ones of its East Asian locales among
// them, and a few others. Others (and UTF-8, 65001) get the UTF-8 bytes.
var eightBit = map[uint32]encoding.Encoding{
	437: charmap.CodePage437, 850: charmap.CodePage850, 852: charmap.CodePage852,
	866: charmap.CodePage866, 874: charmap.Windows874,
	932: japanese.ShiftJIS, 936: simplifiedchinese.GBK, 949: korean.EUCKR, 950: traditionalchinese.Big5,
	1250: charmap.Windows1250, 1251: charmap.Windows1251, 1252: charmap.Windows1252,
	1253: charmap.Windows1253, 1254: charmap.Windows1254, 1255: charmap.Windows1255,
	1256: charmap.Windows1256, 1257: charmap.Windows1257, 1258: charmap.Windows1258,
	20866: charmap.KOI8R, 21866: charmap.KOI8U,
	28591: charmap.ISO8859_1, 28592: charmap.ISO8859_2, 28605: charmap.ISO8859_15,
}

// to8 converts UTF-8 text to the code page; characters it lacks become
// '?', the default character of Windows' conversions.
func to8(s string, cp uint32) string {
	enc, ok := eightBit[cp]
	if !ok {
		return s
	}
	e := enc.NewEncoder()
	if out, err := e.String(s); err == nil {
		return out
	}
	var b strings.Builder
	for _, r := range s {
		if out, err := e.String(string(r)); err == nil {
			b.WriteString(out)
		} else {
			b.WriteByte('?')
		}
	}
	return b.String()
}

// from8 converts text in the code page to UTF-8.
func from8(s string, cp uint32) string {
	enc, ok := eightBit[cp]
	if !ok {
		return s
	}
	out, err := enc.NewDecoder().String(s)
	if err != nil {
		return s
	}
	return out
}

// restrictionUTF8 converts the PT_STRING8 comparands of a client's
// restriction from the code page to UTF-8, in place (the restriction is
// the request's own), so that they compare with the book's text.
func restrictionUTF8(r *mapi.Restriction, cp uint32, depth int) {
	if r == nil || depth > mapi.MaxRestrictionDepth {
		return
	}
	switch v := r.Value.Value.(type) {
	case string:
		if r.Value.Tag.Type() == mapi.PtString8 {
			r.Value.Value = from8(v, cp)
		}
	case []string:
		if r.Value.Tag.Type() == mapi.PtMvString8 {
			out := make([]string, len(v))
			for i, s := range v {
				out[i] = from8(s, cp)
			}
			r.Value.Value = out
		}
	}
	for _, c := range r.Children {
		restrictionUTF8(c, cp, depth+1)
	}
	restrictionUTF8(r.Sub, cp, depth+1)
}
