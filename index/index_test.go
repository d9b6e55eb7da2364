package index

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/ensemble-be/ensemble/record"
)

func rec(id, lang, kind, title, description, city string) record.Record {
	return record.Record{
		ID:           id,
		Source:       "test-" + lang,
		Status:       record.StatusActive,
		Language:     lang,
		Title:        title,
		Description:  description,
		Kind:         kind,
		Audiences:    []string{},
		Topics:       []string{},
		Organization: record.Organization{Name: "ASBL Exemple"},
		Location:     record.Location{City: city, Country: "BE"},
	}
}

// testRecords are the records of most tests; testOrder is their order by title.
var testRecords = []record.Record{
	rec("a", "fr", "discussion-group", "Groupe de parole pour proches endeuillés",
		"Un lieu d'écoute pour les personnes touchées par le deuil d'un proche.", "Bruxelles"),
	rec("b", "fr", "intervision", "Intervision pour travailleurs sociaux",
		"Analyse de situations cliniques entre pairs. Prévention du burn-out et de la dépression.", "Namur"),
	rec("c", "nl", "discussion-group", "Praatgroep rouw", "Lotgenoten praten over verlies en rouw.", "Gent"),
	rec("d", "fr", "art-therapy", "Atelier d'art-thérapie", "Exprimer l'anxiété par la peinture et le collage.", "Liège"),
	rec("e", "en", "support-group", "Support group for anxiety",
		"Weekly peer support for people living with anxiety and depression.", "Brussels"),
	rec("f", "de", "discussion-group", "Gesprächsgruppe Trauer", "Austausch für Trauernde.", "Eupen"),
	rec("g", "", "peer-circle", "Cercle d'entraide", "Rencontres mensuelles entre pairs.", "Mons"),
	rec("h", "fr", "support-group", "Gérer l'anxiété", "Groupe de soutien, huit séances.", "Wavre"),
}

var testOrder = []string{"d", "g", "h", "f", "a", "b", "c", "e"}

func changesOf(records []record.Record, firstSeq int64) []Change {
	cs := make([]Change, len(records))
	for i, r := range records {
		cs[i] = Change{Seq: firstSeq + int64(i), Record: r}
	}
	return cs
}

func openTest(tb testing.TB, dir string) *Index {
	tb.Helper()
	ix, err := Open(dir)
	if err != nil {
		tb.Fatalf("Open(%q): %v", dir, err)
	}
	tb.Cleanup(func() { _ = ix.Close() })
	return ix
}

// newTestIndex opens a new index in a temporary directory and applies changes.
func newTestIndex(tb testing.TB, changes []Change) *Index {
	tb.Helper()
	ix := openTest(tb, filepath.Join(tb.TempDir(), "index"))
	if err := ix.Apply(context.Background(), changes); err != nil {
		tb.Fatalf("Apply: %v", err)
	}
	return ix
}

func searchIDs(tb testing.TB, ix *Index, q Query) []string {
	tb.Helper()
	res, err := ix.Search(context.Background(), q)
	if err != nil {
		tb.Fatalf("Search(%+v): %v", q, err)
	}
	ids := []string{}
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

func lastSeq(tb testing.TB, ix *Index) int64 {
	tb.Helper()
	seq, err := ix.LastSeq()
	if err != nil {
		tb.Fatalf("LastSeq: %v", err)
	}
	return seq
}

func TestApplyLastSeq(t *testing.T) {
	ix := openTest(t, filepath.Join(t.TempDir(), "index"))
	if got := lastSeq(t, ix); got != 0 {
		t.Errorf("LastSeq() of a new index = %d, want 0", got)
	}
	if err := ix.Apply(context.Background(), changesOf(testRecords, 10)); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if got, want := lastSeq(t, ix), int64(10+len(testRecords)-1); got != want {
		t.Errorf("LastSeq() = %d, want %d", got, want)
	}
	if n, err := ix.Count(); err != nil || n != uint64(len(testRecords)) {
		t.Errorf("Count() = %d, %v, want %d", n, err, len(testRecords))
	}
}

func TestSearch(t *testing.T) {
	ix := newTestIndex(t, changesOf(testRecords, 1))
	tests := []struct {
		name    string
		q       Query
		want    []string
		ordered bool // want is in rank order; else compared as a set
	}{
		{"two words", Query{Text: "groupe parole"}, []string{"a"}, false},
		{"stop words optional", Query{Text: "groupe de la parole"}, []string{"a"}, false},
		{"quoted phrase", Query{Text: `"groupe de parole"`}, []string{"a"}, false},
		{"unaccented finds accented", Query{Text: "depression"}, []string{"b", "e"}, false},
		{"accented", Query{Text: "dépression"}, []string{"b", "e"}, false},
		{"anxiété", Query{Text: "anxiété"}, []string{"h", "d"}, true}, // title before description
		{"anxiete", Query{Text: "anxiete"}, []string{"h", "d"}, true},
		{"elision in query", Query{Text: "l'anxiété"}, []string{"h", "d"}, true},
		{"upper case", Query{Text: "ANXIÉTÉ"}, []string{"h", "d"}, true},
		{"french stemming", Query{Text: "endeuillé"}, []string{"a"}, false},
		{"dutch", Query{Text: "rouw"}, []string{"c"}, false},
		{"german", Query{Text: "trauer"}, []string{"f"}, false},
		{"unknown language", Query{Text: "entraide"}, []string{"g"}, false},
		{"city", Query{Text: "namur"}, []string{"b"}, false},
		{"every word required", Query{Text: "groupe inexistant"}, []string{}, false},
		{"punctuation only", Query{Text: "?!", PerPage: 3}, testOrder[:3], true},
		{"kind filter", Query{Kinds: []string{"discussion-group"}}, []string{"f", "a", "c"}, true},
		{"kinds filter", Query{Text: "anxiété", Kinds: []string{"art-therapy", "intervision"}}, []string{"d"}, false},
		{"kind filter excludes", Query{Text: "rouw", Kinds: []string{"intervision"}}, []string{}, false},
		{"language filter", Query{Language: "nl"}, []string{"c"}, false},
		{"source filter", Query{Text: "groupe", Sources: []string{"test-fr"}}, []string{"a", "h"}, false},
		{"empty query by title", Query{}, testOrder, true},
		{"no withdrawn here", Query{Statuses: []string{"withdrawn"}}, []string{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := searchIDs(t, ix, tt.q)
			want := tt.want
			if !tt.ordered {
				got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
			}
			if !slices.Equal(got, want) {
				t.Errorf("Search(%+v) = %v, want %v", tt.q, got, want)
			}
		})
	}
}

func TestWithdrawnAndUpdated(t *testing.T) {
	ix := newTestIndex(t, changesOf(testRecords, 1))
	n := int64(len(testRecords))

	withdrawn := testRecords[1] // b
	withdrawn.Status = record.StatusWithdrawn
	updated := testRecords[0] // a
	updated.Title = "Cercle de parole pour parents endeuillés"
	updated.Description = "Un lieu d'écoute."
	if err := ix.Apply(context.Background(), []Change{{Seq: n + 1, Record: withdrawn}, {Seq: n + 2, Record: updated}}); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	tests := []struct {
		name string
		q    Query
		want []string
	}{
		{"withdrawn hidden", Query{Text: "intervision"}, []string{}},
		{"withdrawn on request", Query{Text: "intervision", Statuses: []string{"withdrawn"}}, []string{"b"}},
		{"either status", Query{Text: "intervision", Statuses: []string{"active", "withdrawn"}}, []string{"b"}},
		{"new title", Query{Text: "parents"}, []string{"a"}},
		{"old text gone", Query{Text: "proches"}, []string{}},
	}
	for _, tt := range tests {
		if got := searchIDs(t, ix, tt.q); !slices.Equal(got, tt.want) {
			t.Errorf("%s: Search(%+v) = %v, want %v", tt.name, tt.q, got, tt.want)
		}
	}
	res, err := ix.Search(context.Background(), Query{Statuses: []string{"active", "withdrawn"}})
	if err != nil || res.Total != uint64(n) {
		t.Errorf("Search(all statuses).Total = %d, %v, want %d (an update replaces)", res.Total, err, n)
	}
	if got := lastSeq(t, ix); got != n+2 {
		t.Errorf("LastSeq() = %d, want %d", got, n+2)
	}
}

func TestApplySkipsOldChanges(t *testing.T) {
	ix := newTestIndex(t, changesOf(testRecords, 1))
	n := int64(len(testRecords))
	stale := testRecords[2] // c, "Praatgroep rouw"
	stale.Title = "Praatgroep verlies"
	newer := testRecords[3] // d
	newer.Title = "Atelier de collage"
	// Out of order on purpose: Apply sorts by seq.
	changes := []Change{{Seq: n + 1, Record: newer}, {Seq: n, Record: stale}, {Seq: 1, Record: stale}}
	if err := ix.Apply(context.Background(), changes); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if got := searchIDs(t, ix, Query{Text: "praatgroep rouw"}); !slices.Equal(got, []string{"c"}) {
		t.Errorf("Search(%q) = %v, want [c] (change with seq <= LastSeq applied)", "praatgroep rouw", got)
	}
	if got := searchIDs(t, ix, Query{Text: "atelier collage"}); !slices.Equal(got, []string{"d"}) {
		t.Errorf("Search(%q) = %v, want [d]", "atelier collage", got)
	}
	if got := lastSeq(t, ix); got != n+1 {
		t.Errorf("LastSeq() = %d, want %d", got, n+1)
	}
	// Nothing new: LastSeq stays.
	if err := ix.Apply(context.Background(), changes); err != nil {
		t.Fatalf("Apply again: %v", err)
	}
	if got := lastSeq(t, ix); got != n+1 {
		t.Errorf("LastSeq() after re-applying = %d, want %d", got, n+1)
	}
}

func TestApplyManyBatches(t *testing.T) {
	records := syntheticRecords(2*batchSize + 17)
	ix := newTestIndex(t, changesOf(records, 1))
	if n, err := ix.Count(); err != nil || n != uint64(len(records)) {
		t.Errorf("Count() = %d, %v, want %d", n, err, len(records))
	}
	if got, want := lastSeq(t, ix), int64(len(records)); got != want {
		t.Errorf("LastSeq() = %d, want %d", got, want)
	}
}

func TestReopen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Apply(context.Background(), changesOf(testRecords, 1)); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix = openTest(t, dir)
	if got, want := lastSeq(t, ix), int64(len(testRecords)); got != want {
		t.Errorf("LastSeq() after reopening = %d, want %d", got, want)
	}
	if got := searchIDs(t, ix, Query{Text: "anxiete"}); !slices.Equal(got, []string{"h", "d"}) {
		t.Errorf("Search(%q) after reopening = %v, want [h d]", "anxiete", got)
	}
}

func TestOpenTwice(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	openTest(t, dir)
	start := time.Now()
	ix, err := Open(dir)
	if err == nil {
		_ = ix.Close()
		t.Fatal("second Open of an open index succeeded, want an error")
	}
	if !errors.Is(err, ErrLocked) {
		t.Errorf("second Open error = %v, want ErrLocked", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("second Open took %v, want about %v", d, lockTimeout)
	}
}

// seqRecords yields records, then err if it is not nil.
func seqRecords(records []record.Record, err error) iter.Seq2[record.Record, error] {
	return func(yield func(record.Record, error) bool) {
		for _, r := range records {
			if !yield(r, nil) {
				return
			}
		}
		if err != nil {
			yield(record.Record{}, err)
		}
	}
}

func TestRebuildMatchesIncremental(t *testing.T) {
	// Incremental: the records, then a withdrawal and an update.
	withdrawn := testRecords[1]
	withdrawn.Status = record.StatusWithdrawn
	updated := testRecords[0]
	updated.Title = "Cercle de parole pour parents endeuillés"
	changes := append(changesOf(testRecords, 1), changesOf([]record.Record{withdrawn, updated}, 100)...)
	inc := newTestIndex(t, changes)

	final := slices.Clone(testRecords)
	final[0], final[1] = updated, withdrawn
	dir := filepath.Join(t.TempDir(), "index")
	// An old index is in the way, as on a server; Rebuild replaces it.
	old := openTest(t, dir)
	if err := old.Apply(context.Background(), changesOf(testRecords[:2], 1)); err != nil {
		t.Fatal(err)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	n, err := Rebuild(context.Background(), dir, 101, seqRecords(final, nil))
	if err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	if n != len(final) {
		t.Errorf("Rebuild count = %d, want %d", n, len(final))
	}
	for _, leftover := range []string{dir + ".building", dir + ".old"} {
		if _, err := os.Stat(leftover); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left behind after Rebuild (Stat: %v)", leftover, err)
		}
	}
	re := openTest(t, dir)
	if got := lastSeq(t, re); got != 101 {
		t.Errorf("LastSeq() of rebuilt index = %d, want 101", got)
	}
	queries := []Query{
		{},
		{Text: "groupe"},
		{Text: "anxiété"},
		{Text: "parents endeuillés"},
		{Text: "depression"},
		{Text: "de"},
		{Text: "intervision", Statuses: []string{"withdrawn"}},
		{Statuses: []string{"active", "withdrawn"}, PerPage: 3, Page: 2},
		{Kinds: []string{"discussion-group", "support-group"}},
	}
	for _, q := range queries {
		got, want := searchIDs(t, re, q), searchIDs(t, inc, q)
		if !slices.Equal(got, want) {
			t.Errorf("Search(%+v) rebuilt = %v, incremental = %v", q, got, want)
		}
	}
}

func TestRebuildErrorKeepsOldIndex(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Apply(context.Background(), changesOf(testRecords, 1)); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("store went away")
	_, err = Rebuild(context.Background(), dir, 999, seqRecords(syntheticRecords(1500), boom))
	if !errors.Is(err, boom) {
		t.Errorf("Rebuild with a failing iterator = %v, want %v", err, boom)
	}
	if _, err := os.Stat(dir + ".building"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s.building left behind (Stat: %v)", dir, err)
	}
	ix = openTest(t, dir)
	if got, want := lastSeq(t, ix), int64(len(testRecords)); got != want {
		t.Errorf("LastSeq() after failed Rebuild = %d, want %d", got, want)
	}
	if n, err := ix.Count(); err != nil || n != uint64(len(testRecords)) {
		t.Errorf("Count() after failed Rebuild = %d, %v, want %d", n, err, len(testRecords))
	}
}

func TestRebuildWhileOpen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	openTest(t, dir)
	_, err := Rebuild(context.Background(), dir, 1, seqRecords(testRecords, nil))
	if !errors.Is(err, ErrLocked) {
		t.Errorf("Rebuild of an open index = %v, want ErrLocked", err)
	}
}

func TestPaging(t *testing.T) {
	ix := newTestIndex(t, changesOf(testRecords, 1))
	tests := []struct {
		q    Query
		want []string
	}{
		{Query{PerPage: 2, Page: 1}, testOrder[0:2]},
		{Query{PerPage: 2, Page: 2}, testOrder[2:4]},
		{Query{PerPage: 3, Page: 3}, testOrder[6:8]},
		{Query{PerPage: 3, Page: 4}, []string{}},
		{Query{Page: 1}, testOrder},
	}
	for _, tt := range tests {
		res, err := ix.Search(context.Background(), tt.q)
		if err != nil {
			t.Fatalf("Search(%+v): %v", tt.q, err)
		}
		got := []string{}
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		if !slices.Equal(got, tt.want) || res.Total != uint64(len(testOrder)) {
			t.Errorf("Search(%+v) = %v (total %d), want %v (total %d)", tt.q, got, res.Total, tt.want, len(testOrder))
		}
	}
}

func TestQueryErrors(t *testing.T) {
	ix := newTestIndex(t, nil)
	tests := []struct {
		q     Query
		param string
	}{
		{Query{PerPage: 101}, "per_page"},
		{Query{PerPage: -1}, "per_page"},
		{Query{Page: -1}, "page"},
		{Query{Page: 101, PerPage: 100}, "page"},
		{Query{Page: 501}, "page"},
	}
	for _, tt := range tests {
		_, err := ix.Search(context.Background(), tt.q)
		var qe *QueryError
		if !errors.As(err, &qe) || qe.Param != tt.param {
			t.Errorf("Search(%+v) error = %v, want *QueryError for %q", tt.q, err, tt.param)
		}
	}
	for _, q := range []Query{{Page: 100, PerPage: 100}, {Page: 500}} {
		if _, err := ix.Search(context.Background(), q); err != nil {
			t.Errorf("Search(%+v) = %v, want no error at the maximum depth", q, err)
		}
	}
}

func TestParseText(t *testing.T) {
	tests := []struct {
		text           string
		words, phrases []string
	}{
		{"", nil, nil},
		{"groupe parole", []string{"groupe", "parole"}, nil},
		{"  Groupe, PAROLE!! groupe ", []string{"Groupe", "PAROLE"}, nil},
		{"l'anxiété aujourd’hui", []string{"l'anxiété", "aujourd’hui"}, nil},
		{"art-thérapie 18h30", []string{"art", "thérapie", "18h30"}, nil},
		{"'quoted' rouw'", []string{"quoted", "rouw"}, nil},
		{`"groupe de parole" Namur`, []string{"groupe", "de", "parole", "Namur"}, []string{"groupe de parole"}},
		{`«groupe de parole`, []string{"groupe", "de", "parole"}, []string{"groupe de parole"}},
		{`"seul" mot`, []string{"seul", "mot"}, nil},
		{"a/x AND (b OR c*) ~2", []string{"a", "x", "AND", "b", "OR", "c", "2"}, nil},
	}
	for _, tt := range tests {
		words, phrases := parseText(tt.text)
		if !reflect.DeepEqual(words, tt.words) || !reflect.DeepEqual(phrases, tt.phrases) {
			t.Errorf("parseText(%q) = %q, %q, want %q, %q", tt.text, words, phrases, tt.words, tt.phrases)
		}
	}
	var many string
	for i := range 100 {
		many += fmt.Sprintf("w%d ", i)
	}
	if words, _ := parseText(many); len(words) != maxWords {
		t.Errorf("parseText(100 words) has %d words, want %d", len(words), maxWords)
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"depression", "depression"},
		{"dépression", "depression"},
		{"anxiété", "anxiete"},
		{"cœur", "coeur"},
		{"straße", "strasse"},
		{"aujourd’hui", "aujourd'hui"},
		{"ëïüçàâ", "eiucaa"},
	}
	for _, tt := range tests {
		if got := string(fold([]byte(tt.in))); got != tt.want {
			t.Errorf("fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

var words = []string{
	"groupe", "parole", "deuil", "anxiété", "dépression", "burn-out", "parents", "enfants",
	"soutien", "méditation", "rouw", "praatgroep", "ouders", "angst", "Trauer", "support",
	"bipolaire", "addiction", "alcool", "écoute", "pairs", "atelier", "peinture", "écriture",
}

var cities = []string{"Bruxelles", "Namur", "Liège", "Gent", "Antwerpen", "Mons", "Eupen", "Leuven"}

// syntheticRecords returns n records of varied language, kind and words.
func syntheticRecords(n int) []record.Record {
	langs := []string{"fr", "fr", "nl", "nl", "de", "en", ""}
	rs := make([]record.Record, n)
	for i := range rs {
		w := func(k int) string { return words[(i*7+k*13)%len(words)] }
		rs[i] = rec(fmt.Sprintf("s%05d", i), langs[i%len(langs)], record.Kinds[i%len(record.Kinds)],
			fmt.Sprintf("%s %s %s", w(0), w(1), w(2)),
			fmt.Sprintf("%s %s %s %s %s %s.", w(3), w(4), w(5), w(6), w(7), w(8)),
			cities[i%len(cities)])
	}
	return rs
}

func BenchmarkSearch(b *testing.B) {
	ix := newTestIndex(b, changesOf(syntheticRecords(3000), 1))
	queries := []Query{
		{Text: "groupe parole"},
		{Text: "anxiete"},
		{Text: "deuil parents Namur"},
		{Text: `"groupe de parole" bruxelles`},
		{Text: "rouw", Kinds: []string{"discussion-group", "support-group"}},
		{},
		{Language: "nl", Page: 3},
	}
	ctx := context.Background()
	for _, q := range queries {
		b.Run(fmt.Sprintf("%q/kinds=%v/lang=%q/page=%d", q.Text, q.Kinds, q.Language, q.Page), func(b *testing.B) {
			for b.Loop() {
				if _, err := ix.Search(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestRefusesOtherDirectories(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	if ix, err := Open(dir); err == nil {
		_ = ix.Close()
		t.Errorf("Open(%q) of a directory with other files succeeded, want an error", dir)
	}
	if _, err := Rebuild(context.Background(), dir, 1, seqRecords(testRecords, nil)); err == nil {
		t.Errorf("Rebuild(%q) of a directory with other files succeeded, want an error", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
		t.Errorf("notes.txt gone: %v", err)
	}
}
