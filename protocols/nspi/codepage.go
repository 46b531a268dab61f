package nspi

import (
	"strings"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/mapi/codepage"
)

// to8 converts UTF-8 text to the code page; characters it lacks become
// '?', the default character of Windows' conversions.
func to8(s string, cp uint32) string {
	enc := codepage.Encoding(cp)
	if enc == nil {
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
	enc := codepage.Encoding(cp)
	if enc == nil {
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
