package mailbox

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/gromox-go/gromox/mapi"
)

// subjectContains is a case-insensitive substring restriction on PR_SUBJECT.
func subjectContains(s string) *mapi.Restriction {
	return mapi.RestrictContent(mapi.FLSubstring|mapi.FLIgnoreCase, mapi.PrSubject, mapi.PropVal{Tag: mapi.PrSubject, Value: s})
}

// eventsOf returns the events of kind k for folder fid among events.
func eventsOf(events []Event, k EventKind, fid uint64) []Event {
	var out []Event
	for _, e := range events {
		if e.Kind == k && e.FolderID == fid {
			out = append(out, e)
		}
	}
	return out
}

func TestSearchFolderOverInbox(t *testing.T) {
	tx, dir := openFixtureTx(t)
	m := loadManifest(t, dir)
	var want []uint64 // what upstream showed in INBOX with "project" in the subject
	for _, msg := range m.Messages {
		if msg.FolderID == mapi.PrivateFIDInbox && strings.Contains(strings.ToLower(msg.Subject), "project") {
			want = append(want, msg.MessageID)
		}
	}
	slices.Sort(want)
	if len(want) != 2 {
		t.Fatalf("manifest: %d INBOX messages about projects", len(want))
	}

	sf, err := tx.CreateSearchFolder(mapi.PrivateFIDFinder, "Projects", Props{{Tag: mapi.PrContainerClass, Value: "IPF.Note"}})
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := tx.FolderProps(sf, []mapi.PropTag{mapi.PrFolderType, mapi.PrDisplayName}); p[0].Value != int32(FolderSearch) || p[1].Value != "Projects" {
		t.Fatalf("search folder props %v", p)
	}
	if sc, err := tx.GetSearchCriteria(sf); err != nil || sc.State != 0 || sc.Restriction != nil {
		t.Fatalf("fresh criteria %+v, %v", sc, err)
	}
	mark := len(tx.events)
	res := subjectContains("project")
	if err := tx.SetSearchCriteria(sf, res, []uint64{mapi.PrivateFIDInbox}, SearchRestart); err != nil {
		t.Fatal(err)
	}
	got, err := tx.SearchResults(sf)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("results %v, want %v", got, want)
	}
	if total, unread, _ := tx.FolderCounts(sf, false); total != 2 || unread != 1 {
		t.Fatalf("counts %d/%d", total, unread)
	}
	if len(eventsOf(tx.events[mark:], EventSearchComplete, sf)) != 1 {
		t.Fatalf("no search-complete event in %+v", tx.events[mark:])
	}
	sc, err := tx.GetSearchCriteria(sf)
	if err != nil {
		t.Fatal(err)
	}
	if sc.State != SearchStateRunning|SearchStateTWIRTotally || sc.Flags != SearchRestart|SearchShallow ||
		sc.Restriction.String() != res.String() || !slices.Equal(sc.Scope, []uint64{mapi.PrivateFIDInbox}) {
		t.Fatalf("criteria %+v", sc)
	}

	// A new message that matches is linked, once.
	mid, _, err := tx.WriteMessage(mapi.PrivateFIDInbox, &MessageContent{Props: Props{
		{Tag: mapi.PrMessageClass, Value: "IPM.Note"},
		{Tag: mapi.PrSubject, Value: "PROJECT review"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	mark = len(tx.events)
	if err := tx.UpdateSearchLinks(mid); err != nil {
		t.Fatal(err)
	}
	if ev := eventsOf(tx.events[mark:], EventCreated, sf); len(ev) != 1 || ev[0].MessageID != mid {
		t.Fatalf("link events %+v", tx.events[mark:])
	}
	mark = len(tx.events)
	if err := tx.UpdateSearchLinks(mid); err != nil || len(tx.events) != mark {
		t.Fatalf("second update: %v, events %+v", err, tx.events[mark:])
	}
	if got, _ := tx.SearchResults(sf); len(got) != 3 {
		t.Fatalf("after a new message: %v", got)
	}
	// One that does not match, and one in another folder, are not.
	other, _, err := tx.WriteMessage(mapi.PrivateFIDInbox, &MessageContent{Props: Props{{Tag: mapi.PrSubject, Value: "Lunch"}}})
	if err != nil {
		t.Fatal(err)
	}
	elsewhere, _, err := tx.WriteMessage(mapi.PrivateFIDDraft, &MessageContent{Props: Props{{Tag: mapi.PrSubject, Value: "Project draft"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []uint64{other, elsewhere} {
		if err := tx.UpdateSearchLinks(id); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := tx.SearchResults(sf); len(got) != 3 {
		t.Fatalf("after messages that do not match: %v", got)
	}
	// A change that stops matching unlinks.
	if _, err := tx.SetMessageProps(want[0], Props{{Tag: mapi.PrSubject, Value: "Kickoff"}}); err != nil {
		t.Fatal(err)
	}
	mark = len(tx.events)
	if err := tx.UpdateSearchLinks(want[0]); err != nil {
		t.Fatal(err)
	}
	if ev := eventsOf(tx.events[mark:], EventDeleted, sf); len(ev) != 1 || ev[0].MessageID != want[0] {
		t.Fatalf("unlink events %+v", tx.events[mark:])
	}
	// Deletions: a soft-deleted message is unlinked by the update, a hard
	// deleted one with its row.
	if _, err := tx.DeleteMessages(mapi.PrivateFIDInbox, []uint64{want[1]}, false); err != nil {
		t.Fatal(err)
	}
	if err := tx.UpdateSearchLinks(want[1]); err != nil {
		t.Fatal(err)
	}
	if n, _ := tx.queryInt("SELECT COUNT(*) FROM search_result WHERE folder_id=? AND message_id=?", int64(sf), int64(want[1])); n != 0 {
		t.Fatal("soft-deleted message still linked")
	}
	if _, err := tx.DeleteMessages(mapi.PrivateFIDInbox, []uint64{mid}, true); err != nil {
		t.Fatal(err)
	}
	if err := tx.UpdateSearchLinks(mid); err != nil {
		t.Fatal(err)
	}
	if got, _ := tx.SearchResults(sf); len(got) != 0 {
		t.Fatalf("after deletions: %v", got)
	}

	// Stopping without criteria changes nothing (as upstream); with them it
	// keeps them, drops the results, and the search no longer follows
	// changes.
	if err := tx.SetSearchCriteria(sf, nil, nil, SearchStop); err != nil {
		t.Fatal(err)
	}
	if sc, _ := tx.GetSearchCriteria(sf); sc.State&SearchStateRunning == 0 {
		t.Fatalf("stopped without criteria: %+v", sc)
	}
	if err := tx.SetSearchCriteria(sf, res, []uint64{mapi.PrivateFIDInbox}, SearchStop); err != nil {
		t.Fatal(err)
	}
	if sc, _ := tx.GetSearchCriteria(sf); sc.State != 0 || sc.Restriction == nil {
		t.Fatalf("stopped criteria %+v", sc)
	}
	late, _, err := tx.WriteMessage(mapi.PrivateFIDInbox, &MessageContent{Props: Props{{Tag: mapi.PrSubject, Value: "Project late"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.UpdateSearchLinks(late); err != nil {
		t.Fatal(err)
	}
	if got, _ := tx.SearchResults(sf); len(got) != 0 {
		t.Fatalf("stopped search linked %v", got)
	}
	// Restarting with the stored criteria finds the current state.
	if err := tx.SetSearchCriteria(sf, nil, nil, SearchRestart); err != nil {
		t.Fatal(err)
	}
	if got, _ := tx.SearchResults(sf); !slices.Equal(got, []uint64{late}) {
		t.Fatalf("restarted: %v", got)
	}
}

func TestRecursiveSearch(t *testing.T) {
	tx, dir := openFixtureTx(t)
	m := loadManifest(t, dir)
	want := 0 // everything below the IPM subtree about quarters, as upstream showed it
	for _, msg := range m.Messages {
		if strings.Contains(strings.ToLower(msg.Subject), "quarterly") {
			want++
		}
	}
	for _, task := range m.Tasks {
		if strings.Contains(strings.ToLower(task.Subject), "quarterly") {
			want++
		}
	}
	for _, c := range m.CalendarItems {
		if strings.Contains(strings.ToLower(c.Subject), "quarterly") {
			want++
		}
	}
	if want != 3 {
		t.Fatalf("manifest: %d items about quarters", want)
	}
	sf, err := tx.CreateSearchFolder(mapi.PrivateFIDFinder, "Quarterly", nil)
	if err != nil {
		t.Fatal(err)
	}
	res := subjectContains("QUARTERLY")
	if err := tx.SetSearchCriteria(sf, res, []uint64{mapi.PrivateFIDIPMSubtree}, SearchRestart|SearchRecursive); err != nil {
		t.Fatal(err)
	}
	if got, _ := tx.SearchResults(sf); len(got) != want {
		t.Fatalf("recursive: %d results, want %d", len(got), want)
	}
	if sc, _ := tx.GetSearchCriteria(sf); sc.State != SearchStateRunning|SearchStateTWIRTotally|SearchStateRecursive {
		t.Fatalf("state %#x", sc.State)
	}
	// Shallow over the subtree itself finds nothing; static searches are
	// complete at once.
	if err := tx.SetSearchCriteria(sf, nil, nil, SearchRestart|SearchShallow|SearchStatic); err != nil {
		t.Fatal(err)
	}
	if got, _ := tx.SearchResults(sf); len(got) != 0 {
		t.Fatalf("shallow: %v", got)
	}
	if sc, _ := tx.GetSearchCriteria(sf); sc.State != SearchStateComplete|SearchStateTWIRTotally {
		t.Fatalf("static state %#x", sc.State)
	}
	// A search folder in the scope contributes its results; a dynamic
	// search follows messages arriving in a subfolder of its scope.
	sf2, err := tx.CreateSearchFolder(mapi.PrivateFIDFinder, "From results", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.SetSearchCriteria(sf, nil, nil, SearchRestart|SearchRecursive); err != nil {
		t.Fatal(err)
	}
	all := mapi.RestrictExist(mapi.PrSubject)
	if err := tx.SetSearchCriteria(sf2, all, []uint64{sf}, SearchRestart); err != nil {
		t.Fatal(err)
	}
	if got, _ := tx.SearchResults(sf2); len(got) != want {
		t.Fatalf("search over a search folder: %v", got)
	}
	mid, _, err := tx.WriteMessage(1966080, &MessageContent{Props: Props{{Tag: mapi.PrSubject, Value: "Quarterly plan"}}}) // Projects/Alpha
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.UpdateSearchLinks(mid); err != nil {
		t.Fatal(err)
	}
	if got, _ := tx.SearchResults(sf); !slices.Contains(got, mid) {
		t.Fatalf("recursive search did not link %#x: %v", mid, got)
	}
	if got, _ := tx.SearchResults(sf2); !slices.Contains(got, mid) {
		t.Fatalf("search over the search folder did not link %#x: %v", mid, got)
	}
}

func TestSearchCriteriaErrors(t *testing.T) {
	tx, _ := openFixtureTx(t)
	if _, err := tx.GetSearchCriteria(mapi.PrivateFIDInbox); !errors.Is(err, ErrNotSearchFolder) || !errors.Is(err, mapi.EcNotSearchFolder) {
		t.Fatalf("criteria of a generic folder: %v", err)
	}
	sf, err := tx.CreateSearchFolder(mapi.PrivateFIDFinder, "S", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.CreateSearchFolder(mapi.PrivateFIDFinder, "s", nil); !errors.Is(err, ErrDuplicateName) {
		t.Fatalf("duplicate name: %v", err)
	}
	if _, err := tx.CreateSearchFolder(sf, "below", nil); !errors.Is(err, ErrAccessDenied) {
		t.Fatalf("folder below a search folder: %v", err)
	}
	if err := tx.SetSearchCriteria(sf, nil, nil, SearchRestart); !errors.Is(err, mapi.EcNotInitialized) {
		t.Fatalf("restart without criteria: %v", err)
	}
	inner, err := tx.CreateSearchFolder(mapi.PrivateFIDInbox, "Inside", nil)
	if err != nil {
		t.Fatal(err)
	}
	err = tx.SetSearchCriteria(inner, subjectContains("x"), []uint64{mapi.PrivateFIDIPMSubtree}, SearchRestart|SearchRecursive)
	if !errors.Is(err, ErrSearchScope) || !errors.Is(err, mapi.EcSearchFolderScopeViolation) {
		t.Fatalf("search folder inside its scope: %v", err)
	}
	if _, err := tx.OpenInstance(sf, 0, true); !errors.Is(err, ErrAccessDenied) {
		t.Fatalf("new message in a search folder: %v", err)
	}
	// A message opened through the search folder is edited in its own
	// folder.
	if err := tx.SetSearchCriteria(sf, subjectContains("kickoff"), []uint64{mapi.PrivateFIDInbox}, SearchRestart); err != nil {
		t.Fatal(err)
	}
	inst, err := tx.OpenInstance(sf, 196622, false)
	if err != nil {
		t.Fatal(err)
	}
	if inst.FolderID() != mapi.PrivateFIDInbox {
		t.Fatalf("opened through the search folder: folder %#x", inst.FolderID())
	}
	if err := tx.DeleteFolder(sf, false); err != nil {
		t.Fatal(err)
	}
	if n, _ := tx.queryInt("SELECT COUNT(*) FROM search_scopes WHERE folder_id=?", int64(sf)); n != 0 {
		t.Fatal("scope rows of a deleted search folder")
	}
}
