package rtf

// The RTF tokens of [MSFT-RTF] "RTF Syntax": groups, control words with
// their optional numeric parameter, control symbols, \'hh escapes and
// runs of plain text.

type tokenKind uint8

const (
	tokEOF    tokenKind = iota
	tokOpen             // {
	tokClose            // }
	tokWord             // \word or \wordN
	tokSymbol           // \ followed by a non-letter: \{ \} \\ \~ \* ...
	tokHex              // \'hh
	tokText             // a run of text bytes
)

type token struct {
	kind     tokenKind
	word     []byte // control word name, without the backslash; text of tokText
	param    int
	hasParam bool
	b        byte // escaped byte or control symbol
}

// maxParam bounds numeric parameters ([MSFT-RTF]: a signed 16- or 32-bit
// integer) so that no arithmetic on them overflows.
const maxParam = 1 << 31

type lexer struct {
	src []byte
	pos int
}

// next returns the next token. CR and LF are not text (MSFT-RTF: "ignored
// by the reader"), a \binN word skips its N bytes of data, and a control
// word's space delimiter is consumed.
func (l *lexer) next() token {
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		l.pos++
		switch c {
		case '{':
			return token{kind: tokOpen}
		case '}':
			return token{kind: tokClose}
		case '\r', '\n':
			continue
		case '\\':
			return l.control()
		}
		start := l.pos - 1
		for l.pos < len(l.src) && !isSpecial(l.src[l.pos]) {
			l.pos++
		}
		return token{kind: tokText, word: l.src[start:l.pos]}
	}
	return token{kind: tokEOF}
}

// control reads what follows a backslash.
func (l *lexer) control() token {
	if l.pos == len(l.src) {
		return token{kind: tokEOF}
	}
	c := l.src[l.pos]
	if !isLetter(c) {
		l.pos++
		switch {
		case c == '\'' && l.pos+2 <= len(l.src):
			hi, ok1 := unhexDigit(l.src[l.pos])
			lo, ok2 := unhexDigit(l.src[l.pos+1])
			if ok1 && ok2 {
				l.pos += 2
				return token{kind: tokHex, b: hi<<4 | lo}
			}
		case c == '\r' || c == '\n':
			// A backslash before a line break is \par.
			return token{kind: tokWord, word: []byte("par")}
		}
		return token{kind: tokSymbol, b: c}
	}
	start := l.pos
	for l.pos < len(l.src) && isLetter(l.src[l.pos]) {
		l.pos++
	}
	t := token{kind: tokWord, word: l.src[start:l.pos]}
	neg := l.pos < len(l.src) && l.src[l.pos] == '-'
	digits := l.pos
	if neg {
		digits++
	}
	end := digits
	for end < len(l.src) && l.src[end] >= '0' && l.src[end] <= '9' {
		if t.param < maxParam {
			t.param = t.param*10 + int(l.src[end]-'0')
		}
		end++
	}
	if end > digits {
		t.hasParam = true
		l.pos = end
		if neg {
			t.param = -t.param
		}
	}
	if l.pos < len(l.src) && l.src[l.pos] == ' ' {
		l.pos++
	}
	if string(t.word) == "bin" && t.hasParam && t.param > 0 {
		l.pos += min(t.param, len(l.src)-l.pos)
	}
	return t
}

// isSpecial reports the bytes that end a run of text.
func isSpecial(c byte) bool {
	return c == '{' || c == '}' || c == '\\' || c == '\r' || c == '\n'
}

func isLetter(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func unhexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
