// Package codepage converts the 8-bit strings of MAPI (PT_STRING8 values,
// TNEF attributes, RTF text, address-book templates) between Windows code
// pages and UTF-8.
package codepage

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// UTF8 is CP_UTF8.
const UTF8 = 65001

// known are the code pages by Windows id: the ANSI and OEM code pages of
// Windows (the double-byte ones of its East Asian locales among them),
// ISO 8859, KOI8 and Mac Roman.
var known = map[uint32]encoding.Encoding{
	437: charmap.CodePage437, 850: charmap.CodePage850, 852: charmap.CodePage852,
	855: charmap.CodePage855, 858: charmap.CodePage858, 860: charmap.CodePage860,
	862: charmap.CodePage862, 863: charmap.CodePage863, 865: charmap.CodePage865,
	866: charmap.CodePage866, 874: charmap.Windows874,
	1250: charmap.Windows1250, 1251: charmap.Windows1251, 1252: charmap.Windows1252,
	1253: charmap.Windows1253, 1254: charmap.Windows1254, 1255: charmap.Windows1255,
	1256: charmap.Windows1256, 1257: charmap.Windows1257, 1258: charmap.Windows1258,
	10000: charmap.Macintosh, 20866: charmap.KOI8R, 21866: charmap.KOI8U,
	28591: charmap.ISO8859_1, 28592: charmap.ISO8859_2, 28593: charmap.ISO8859_3,
	28594: charmap.ISO8859_4, 28595: charmap.ISO8859_5, 28596: charmap.ISO8859_6,
	28597: charmap.ISO8859_7, 28598: charmap.ISO8859_8, 28599: charmap.ISO8859_9,
	28603: charmap.ISO8859_13, 28605: charmap.ISO8859_15,
	932: japanese.ShiftJIS, 50220: japanese.ISO2022JP, 51932: japanese.EUCJP,
	936: simplifiedchinese.GBK, 54936: simplifiedchinese.GB18030,
	949: korean.EUCKR, 51949: korean.EUCKR, 950: traditionalchinese.Big5,
}

// Encoding returns the encoding of code page cp; nil for UTF-8 and for
// code pages it does not know.
func Encoding(cp uint32) encoding.Encoding { return known[cp] }

// Decode converts 8-bit text of code page cp to UTF-8. UTF-8 and unknown
// code pages keep valid UTF-8 as it is and read anything else as
// Windows-1252; what still does not convert becomes U+FFFD.
func Decode(b []byte, cp uint32) string {
	if enc := known[cp]; enc != nil {
		if s, err := enc.NewDecoder().Bytes(b); err == nil {
			return string(s)
		}
	}
	if utf8.Valid(b) {
		return string(b)
	}
	if s, err := charmap.Windows1252.NewDecoder().Bytes(b); err == nil {
		return string(s)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}
