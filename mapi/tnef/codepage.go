package tnef

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

// defaultCodepage is the code page of a stream without attOemCodepage
// (MAPI GetTnefStreamCodepage: 437).
const defaultCodepage = 437

// codepages maps Windows code page ids to their decoders, for the 8-bit
// strings of a stream (attribute strings and PT_STRING8 values).
var codepages = map[uint32]encoding.Encoding{
	437: charmap.CodePage437, 850: charmap.CodePage850, 852: charmap.CodePage852,
	855: charmap.CodePage855, 858: charmap.CodePage858, 860: charmap.CodePage860,
	862: charmap.CodePage862, 863: charmap.CodePage863, 865: charmap.CodePage865,
	866: charmap.CodePage866, 874: charmap.Windows874,
	1250: charmap.Windows1250, 1251: charmap.Windows1251, 1252: charmap.Windows1252,
	1253: charmap.Windows1253, 1254: charmap.Windows1254, 1255: charmap.Windows1255,
	1256: charmap.Windows1256, 1257: charmap.Windows1257, 1258: charmap.Windows1258,
	20866: charmap.KOI8R, 21866: charmap.KOI8U,
	28591: charmap.ISO8859_1, 28592: charmap.ISO8859_2, 28593: charmap.ISO8859_3,
	28594: charmap.ISO8859_4, 28595: charmap.ISO8859_5, 28596: charmap.ISO8859_6,
	28597: charmap.ISO8859_7, 28598: charmap.ISO8859_8, 28599: charmap.ISO8859_9,
	28603: charmap.ISO8859_13, 28605: charmap.ISO8859_15,
	932: japanese.ShiftJIS, 50220: japanese.ISO2022JP, 51932: japanese.EUCJP,
	936: simplifiedchinese.GBK, 54936: simplifiedchinese.GB18030,
	949: korean.EUCKR, 51949: korean.EUCKR, 950: traditionalchinese.Big5,
}

// decode8 converts an 8-bit string of code page cp to UTF-8. UTF-8 (65001)
// and unknown code pages keep valid UTF-8 as it is and read anything else
// as Windows-1252.
func decode8(b []byte, cp uint32) string {
	if enc, ok := codepages[cp]; ok {
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
