package rtf

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

// defaultCodePage is the code page of a document without \ansicpg
// ([MSFT-RTF]: \ansi is Windows-1252).
const defaultCodePage = 1252

// windowsCodePages are the Windows ANSI code pages 1250 to 1258.
var windowsCodePages = [...]*charmap.Charmap{
	charmap.Windows1250, charmap.Windows1251, charmap.Windows1252, charmap.Windows1253, charmap.Windows1254,
	charmap.Windows1255, charmap.Windows1256, charmap.Windows1257, charmap.Windows1258,
}

// codePageEncoding returns the encoding of a Windows code page (\ansicpg,
// \cpg, or a font's \fcharset), nil for one it does not know.
func codePageEncoding(cp int) encoding.Encoding {
	if cp >= 1250 && cp <= 1258 {
		return windowsCodePages[cp-1250]
	}
	switch cp {
	case 437:
		return charmap.CodePage437
	case 850:
		return charmap.CodePage850
	case 866:
		return charmap.CodePage866
	case 874:
		return charmap.Windows874
	case 932:
		return japanese.ShiftJIS
	case 936:
		return simplifiedchinese.GBK
	case 949:
		return korean.EUCKR
	case 950:
		return traditionalchinese.Big5
	case 10000:
		return charmap.Macintosh
	case 20866:
		return charmap.KOI8R
	case 21866:
		return charmap.KOI8U
	case 28591:
		return charmap.ISO8859_1
	case 28592:
		return charmap.ISO8859_2
	case 28595:
		return charmap.ISO8859_5
	case 28597:
		return charmap.ISO8859_7
	case 28605:
		return charmap.ISO8859_15
	case 54936:
		return simplifiedchinese.GB18030
	}
	return nil
}

// charsetCodePage is the code page of a font's \fcharsetN ([MSFT-RTF]
// "Font Table"); 0 for the document's default (ANSI, default and symbol
// charsets and unknown ones).
func charsetCodePage(charset int) int {
	switch charset {
	case 77:
		return 10000
	case 128:
		return 932
	case 129:
		return 949
	case 134:
		return 936
	case 136:
		return 950
	case 161:
		return 1253
	case 162:
		return 1254
	case 163:
		return 1258
	case 177:
		return 1255
	case 178:
		return 1256
	case 186:
		return 1257
	case 204:
		return 1251
	case 222:
		return 874
	case 238:
		return 1250
	case 254:
		return 437
	case 255:
		return 850
	}
	return 0
}

// decodeCodePage converts bytes of code page cp to UTF-8. UTF-8 (65001)
// and unknown code pages keep valid UTF-8 and read anything else as
// Windows-1252.
func decodeCodePage(b []byte, cp int) string {
	enc := codePageEncoding(cp)
	if enc == nil {
		if utf8.Valid(b) {
			return string(b)
		}
		enc = charmap.Windows1252
	}
	if s, err := enc.NewDecoder().Bytes(b); err == nil {
		return string(s)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}
