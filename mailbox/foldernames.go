package mailbox

import (
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// folderNameSet is one immutable snapshot of the built-in folders' display
// names: per language, per text id (see folderNameTable). It is never
// changed once installed; LoadFolderLanguages installs a new one.
type folderNameSet map[string]map[uint64]string

// currentFolderNames is the installed snapshot; nil means the built-in one.
var currentFolderNames atomic.Pointer[folderNameSet]

// builtinFolderNames is the snapshot made from folderNameTable.
var builtinFolderNames = sync.OnceValue(func() *folderNameSet {
	set := make(folderNameSet, len(folderNameTable))
	for lang, names := range folderNameTable {
		set[lang] = names
	}
	return &set
})

// folderNames returns the installed snapshot.
func folderNames() folderNameSet {
	if s := currentFolderNames.Load(); s != nil {
		return *s
	}
	return *builtinFolderNames()
}

// FolderLanguages returns the languages folder names exist for, sorted.
func FolderLanguages() []string {
	m := folderNames()
	out := make([]string, 0, len(m))
	for l := range m {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// ResolveFolderLanguage maps a user's language setting (users.lang, an
// XPG-style locale such as "de", "de_DE", "pt_BR.UTF-8") to a section of
// the folder name table, as upstream's folder_namedb_resolve does: the
// string without its ".encoding" part, then without "@variant", then
// without "_territory". It reports false when nothing matches (upstream's
// mkprivate then uses "en").
//
// Upstream removes the encoding with std::string::erase(pos, n) where n is
// the index of '@', not a length, so for "ca_ES.UTF-8@valencia" it removes
// 11 characters and tries "ca_ESncia"; this function removes the same
// characters so that every setting resolves as upstream resolves it.
func ResolveFolderLanguage(locale string) (string, bool) {
	m := folderNames()
	loc := locale
	if dot := strings.IndexByte(loc, '.'); dot >= 0 {
		n := len(loc) // npos: to the end
		if at := strings.IndexByte(loc[dot:], '@'); at >= 0 {
			n = dot + at // the index of '@', used as a count
		}
		end := dot + n
		if end > len(loc) {
			end = len(loc)
		}
		loc = loc[:dot] + loc[end:]
	}
	if _, ok := m[loc]; ok {
		return loc, true
	}
	if at := strings.IndexByte(loc, '@'); at >= 0 {
		loc = loc[:at]
	}
	if _, ok := m[loc]; ok {
		return loc, true
	}
	if us := strings.IndexByte(loc, '_'); us >= 0 {
		loc = loc[:us]
	}
	if _, ok := m[loc]; ok {
		return loc, true
	}
	return "", false
}

// FolderName returns the display name of a built-in folder (text id, see
// folderNameTable) in a resolved language, falling back to English as
// upstream's folder_namedb_get does. Where a loaded folder_names.txt lacks
// the English name too, the built-in English name is used (upstream would
// answer "FLG-ERR-2").
func FolderName(lang string, id uint64) string {
	m := folderNames()
	if name, ok := m[lang][id]; ok {
		return name
	}
	if name, ok := m["en"][id]; ok {
		return name
	}
	if name, ok := (*builtinFolderNames())["en"][id]; ok {
		return name
	}
	return "FLG-ERR-2"
}
