package mailbox

import (
	"sort"
	"strings"
	"sync"
)

// loadFolderNames returns the folder names per language: every language
// of folderNameTable, with the shared English names of the system folders
// outside the IPM subtree filled in.
func loadFolderNames() map[string]map[uint64]string {
	folderNamesOnce.Do(func() {
		folderNames = make(map[string]map[uint64]string, len(folderNameTable))
		for lang, names := range folderNameTable {
			m := make(map[uint64]string, len(names)+len(englishSystemFolders))
			for id, n := range englishSystemFolders {
				m[id] = n
			}
			for id, n := range names {
				m[id] = n
			}
			folderNames[lang] = m
		}
	})
	return folderNames
}

var (
	folderNamesOnce sync.Once
	folderNames     map[string]map[uint64]string
)

// FolderLanguages returns the languages folder names exist for, sorted.
func FolderLanguages() []string {
	m := loadFolderNames()
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
	m := loadFolderNames()
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
// upstream's folder_namedb_get does.
func FolderName(lang string, id uint64) string {
	m := loadFolderNames()
	if name, ok := m[lang][id]; ok {
		return name
	}
	en, ok := m["en"]
	if !ok {
		return "FLG-ERR-1"
	}
	if name, ok := en[id]; ok {
		return name
	}
	return "FLG-ERR-2"
}
