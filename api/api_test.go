package api

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/sources"
)

// memStore holds records in memory. The real store is exercised by the store
// package's tests and the end-to-end test in cmd/ensemble; here the HTTP layer is
// under test.
type memStore struct {
	recs    []record.Record
	sources []sources.Registered
	runs    map[string][]record.Run
	failAt  int // Snapshot yields an error after this many records (0: never)
}

func (m *memStore) Record(_ context.Context, id string) (record.Record, error) {
	for _, r := range m.recs {
		if r.ID == id {
			return r, nil
		}
	}
	return record.Record{}, fmt.Errorf("record %s: %w", id, record.ErrNotFound)
}

func (m *memStore) Records(ctx context.Context, ids []string) ([]record.Record, error) {
	var out []record.Record
	for _, id := range ids {
		if r, err := m.Record(ctx, id); err == nil {
			out = append(out, r)
		}
	}
	return out, nil
}

func (m *memStore) Sources(context.Context) ([]sources.Registered, error) { return m.sources, nil }

func (m *memStore) Source(_ context.Context, id string) (sources.Registered, error) {
	for _, s := range m.sources {
		if s.Definition.ID == id {
			return s, nil
		}
	}
	return sources.Registered{}, fmt.Errorf("source %s: %w", id, record.ErrNotFound)
}

func (m *memStore) Runs(_ context.Context, source string, limit int) ([]record.Run, error) {
	runs := m.runs[source]
	return runs[:min(limit, len(runs))], nil
}

func (m *memStore) FlagCounts(_ context.Context, source string) (map[string]int, error) {
	out := map[string]int{}
	for _, r := range m.recs {
		for _, f := range r.Flags {
			if r.Source == source && r.Status == record.StatusActive {
				out[f.Code]++
			}
		}
	}
	return out, nil
}

func (m *memStore) Health(_ context.Context, source string) (sources.Health, error) {
	return sources.Health{ConsecutiveFailures: len(m.runs[source]) - 1}, nil
}

func (m *memStore) ChangesAfter(_ context.Context, after int64, limit int) ([]record.Change, error) {
	out := []record.Change{}
	for i, r := range m.recs { // record i is change i+1
		if int64(i+1) > after && len(out) < limit {
			out = append(out, record.Change{Seq: int64(i + 1), Op: "upsert", Record: r})
		}
	}
	return out, nil
}

func (m *memStore) Snapshot(_ context.Context, fn func(int64, iter.Seq2[record.Record, error]) error) error {
	return fn(int64(len(m.recs)), func(yield func(record.Record, error) bool) {
		for i, r := range m.recs {
			if m.failAt > 0 && i == m.failAt {
				yield(record.Record{}, errors.New("disk on fire"))
				return
			}
			if !yield(r, nil) {
				return
			}
		}
	})
}

// titleSearcher matches records whose title contains the query, and remembers the
// query it was given.
type titleSearcher struct {
	store *memStore
	last  SearchQuery
}

func (s *titleSearcher) Search(_ context.Context, q SearchQuery) (SearchResult, error) {
	s.last = q
	var ids []string
	for _, r := range s.store.recs {
		if strings.Contains(strings.ToLower(r.Title), strings.ToLower(q.Text)) {
			ids = append(ids, r.ID)
		}
	}
	total := uint64(len(ids))
	from := min((q.Page-1)*q.PerPage, len(ids))
	return SearchResult{Total: total, IDs: ids[from:min(from+q.PerPage, len(ids))]}, nil
}

func (s *titleSearcher) EachID(_ context.Context, q SearchQuery) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for _, r := range s.store.recs {
			if strings.Contains(strings.ToLower(r.Title), strings.ToLower(q.Text)) && !yield(r.ID, nil) {
				return
			}
		}
	}
}

func newTestServer(t *testing.T, n int) (*httptest.Server, *memStore, *titleSearcher) {
	t.Helper()
	st := &memStore{runs: map[string][]record.Run{"net": {{ID: 2, Source: "net", Status: record.RunOK}, {ID: 1, Source: "net", Status: record.RunFailed, Error: "503"}}}}
	st.sources = []sources.Registered{{Definition: sources.Definition{ID: "net", Name: "Réseau", Kind: sources.KindHTML}, Origin: "catalog"}}
	for i := range n {
		r, err := record.Normalize(record.Origin{Source: "net", Language: "fr", License: "CC-BY-4.0"}, record.Listing{
			LocalID: fmt.Sprint(i), Fields: map[string]string{record.FieldTitle: fmt.Sprintf("Groupe de parole %02d", i)},
		}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		r.Contact.Person = "Personne Privée"
		st.recs = append(st.recs, r)
	}
	se := &titleSearcher{store: st}
	next := time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC)
	ts := httptest.NewServer(New(Options{Store: st, Searcher: se,
		NextRun: func(sources.Definition) time.Time { return next }}).Handler())
	t.Cleanup(ts.Close)
	return ts, st, se
}

func get(t *testing.T, u string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return resp, body
}

func TestParseSearch(t *testing.T) {
	tests := []struct {
		query     string
		wantParam string // "" = valid
		check     func(SearchQuery) bool
	}{
		{"q=groupe", "", func(q SearchQuery) bool { return q.Text == "groupe" && q.Page == 1 && q.PerPage == 20 }},
		{"kind=intervision,webinar", "", func(q SearchQuery) bool {
			return slices.Equal(q.Kinds, []string{"intervision", "webinar"})
		}},
		// A parent finds its children; labels and synonyms name terms too.
		{"kind=professional-group", "", func(q SearchQuery) bool {
			return slices.Contains(q.Kinds, "intervision") && slices.Contains(q.Kinds, "balint-group") &&
				slices.Contains(q.Kinds, "professional-group")
		}},
		{"kind=Groupe+de+parole", "", func(q SearchQuery) bool { return slices.Equal(q.Kinds, []string{"discussion-group"}) }},
		{"audience=relatives&topic=grief", "", func(q SearchQuery) bool {
			return slices.Contains(q.Audiences, "relatives") && slices.Contains(q.Topics, "grief")
		}},
		{"region=Bruxelles&postcode=1060&flag=date_unparsed&no_flag=unclassified", "", func(q SearchQuery) bool {
			return slices.Equal(q.Regions, []string{"Brussels"}) && slices.Equal(q.Postcodes, []string{"1060"}) &&
				slices.Equal(q.Flags, []string{"date_unparsed"}) && slices.Equal(q.NoFlags, []string{"unclassified"})
		}},
		{"topic=astrology", "topic", nil},
		{"region=Paris", "region", nil},
		{"postcode=75001", "postcode", nil},
		{"status=withdrawn", "", func(q SearchQuery) bool { return slices.Equal(q.Statuses, []string{"withdrawn"}) }},
		{"page=3&per_page=100", "", func(q SearchQuery) bool { return q.Page == 3 && q.PerPage == 100 }},
		{"page=0", "page", nil},
		{"page=x", "page", nil},
		{"per_page=101", "per_page", nil},
		{"per_page=0", "per_page", nil},
		{"page=101&per_page=100", "page", nil},
		{"kind=chorale", "kind", nil},
		{"status=deleted", "status", nil},
		{"sort=price", "sort", nil},
		{"sort=distance", "sort", nil}, // needs near
		{"q=" + strings.Repeat("a", 501), "q", nil},
		{"facilitation=peer-led&province=Henegouwen,liege", "", func(q SearchQuery) bool {
			return len(q.Facilitation) > 0 && slices.Equal(q.Provinces, []string{"Hainaut", "Liège"})
		}},
		{"province=Texas", "province", nil},
		{"near=50.41,4.44&radius=10&sort=distance", "", func(q SearchQuery) bool {
			return q.Near != nil && q.Near.Lat == 50.41 && q.Near.Lon == 4.44 && q.RadiusKm == 10 && q.Sort == "distance"
		}},
		{"near=6000", "", func(q SearchQuery) bool { // Charleroi's postcode
			return q.Near != nil && q.Near.Lat > 50.3 && q.Near.Lat < 50.5 && q.RadiusKm == defaultNearKm
		}},
		{"near=Charleroi", "", func(q SearchQuery) bool { return q.Near != nil && q.Near.Lon > 4.3 && q.Near.Lon < 4.6 }},
		{"near=Atlantis", "near", nil},
		{"near=91,4", "near", nil},
		{"near=6000&radius=0", "radius", nil},
		{"radius=5", "radius", nil},
		{"from=2026-12-01&to=2026-12-24", "", func(q SearchQuery) bool {
			return q.From.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, brussels)) &&
				q.To.Equal(time.Date(2026, 12, 25, 0, 0, 0, 0, brussels)) // to is inclusive
		}},
		{"from=2026-12-24&to=2026-12-01", "to", nil},
		{"from=yesterday", "from", nil},
		{"when=weekend", "", func(q SearchQuery) bool { // now is Monday 23 November 2026
			return q.From.Equal(time.Date(2026, 11, 28, 0, 0, 0, 0, brussels)) &&
				q.To.Equal(time.Date(2026, 11, 30, 0, 0, 0, 0, brussels))
		}},
		{"when=someday", "when", nil},
		{"q=groupe+de+parole+ce+week-end", "", func(q SearchQuery) bool { // a time in the words is a filter
			return q.Text == "groupe de parole" && q.Understood["when"] == "weekend" &&
				q.From.Equal(time.Date(2026, 11, 28, 0, 0, 0, 0, brussels))
		}},
		{"q=deuil+ce+week-end&from=2026-12-01", "", func(q SearchQuery) bool { // explicit dates win
			return q.Text == "deuil ce week-end" && q.Understood == nil
		}},
		{"when=today&from=2026-12-01", "when", nil},
		{"weekday=mardi,thu&time=18h-22:30", "", func(q SearchQuery) bool {
			return slices.Equal(q.Weekdays, []time.Weekday{time.Tuesday, time.Thursday}) && q.TimeFrom == 18*60 && q.TimeTo == 22*60+30
		}},
		{"weekday=someday", "weekday", nil},
		{"time=22:00-18:00", "time", nil},
		{"time=25:00-26:00", "time", nil},
		{"free=true&max_cost=7,50", "", func(q SearchQuery) bool { return q.Free && q.MaxCost != nil && *q.MaxCost == 7.5 }},
		{"max_cost=-1", "max_cost", nil},
		{"free=maybe", "free", nil},
		{"updated_after=2026-11-01&facets=1&explain=true", "", func(q SearchQuery) bool {
			return q.UpdatedAfter.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, brussels)) && q.Facets && q.Explain
		}},
		{"cursor=abc&page=2", "cursor", nil},
		{"cursor=abc&per_page=10", "", func(q SearchQuery) bool { return q.After == "abc" && q.PerPage == 10 }},
		{"page=500&per_page=100&cursor=abc", "cursor", nil},
		{"colour=blue", "colour", nil},
	}
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, brussels)
	for _, tt := range tests {
		v, _ := url.ParseQuery(tt.query)
		q, err := parseSearch(v, now)
		var pe *paramError
		switch {
		case tt.wantParam == "" && err != nil:
			t.Errorf("parseSearch(%q) = %v, want no error", tt.query, err)
		case tt.wantParam == "" && !tt.check(q):
			t.Errorf("parseSearch(%q) = %+v", tt.query, q)
		case tt.wantParam != "" && (!errors.As(err, &pe) || pe.Param != tt.wantParam):
			t.Errorf("parseSearch(%q) = %v, want an error on %s", tt.query, err, tt.wantParam)
		}
	}
}

func TestSearch(t *testing.T) {
	ts, _, se := newTestServer(t, 25)
	resp, body := get(t, ts.URL+"/api/v1/search?q=groupe&per_page=10&page=2&lang=nl")
	if resp.StatusCode != 200 {
		t.Fatalf("search = %d: %s", resp.StatusCode, body)
	}
	var sr SearchResponse
	if err := json.Unmarshal(body, &sr); err != nil {
		t.Fatal(err)
	}
	if sr.Total != 25 || len(sr.Results) != 10 || sr.Pages != 3 || sr.Results[0].Title != "Groupe de parole 10" {
		t.Errorf("search page 2 = total %d, %d results, %d pages, first %q", sr.Total, len(sr.Results), sr.Pages, sr.Results[0].Title)
	}
	if sr.Links["next"] == "" || sr.Links["prev"] == "" || !strings.Contains(sr.Links["next"], "page=3") {
		t.Errorf("links = %v", sr.Links)
	}
	if sr.Crisis.Lines[1].Number != "1813" {
		t.Errorf("crisis block for lang=nl = %+v, want the Zelfmoordlijn second", sr.Crisis)
	}
	if se.last.Page != 2 || se.last.PerPage != 10 {
		t.Errorf("searcher got %+v", se.last)
	}
	if strings.Contains(string(body), "Personne Privée") {
		t.Errorf("search results show the contact person")
	}
}

func TestCrisisLanguage(t *testing.T) {
	tests := []struct{ lang, accept, want string }{
		{"", "", "fr"},
		{"en", "nl-BE", "en"},
		{"", "nl-BE,nl;q=0.9", "nl"},
		{"", "es, de;q=0.5", "de"},
		{"xx", "", "fr"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/api/v1/search?lang="+tt.lang, nil)
		r.Header.Set("Accept-Language", tt.accept)
		if got := requestLanguage(r); got != tt.want {
			t.Errorf("requestLanguage(lang=%q, Accept-Language %q) = %q, want %q", tt.lang, tt.accept, got, tt.want)
		}
	}
}

func TestProblems(t *testing.T) {
	ts, st, _ := newTestServer(t, 1)
	tests := []struct {
		method, path string
		status       int
		param        string
	}{
		{"GET", "/api/v1/search?per_page=500", 400, "per_page"},
		{"GET", "/api/v1/search?colour=blue", 400, "colour"},
		{"GET", "/api/v1/records/nope", 404, ""},
		{"GET", "/api/v1/sources/nope", 404, ""},
		{"GET", "/api/v1/sources/nope/runs", 404, ""},
		{"GET", "/api/v1/sources/net/runs?limit=0", 400, "limit"},
		{"GET", "/api/v1/nothing-here", 404, ""},
		{"POST", "/api/v1/search", 405, ""},
		{"GET", "/api/v1/records/" + st.recs[0].ID, 200, ""},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, ts.URL+tt.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var p Problem
		json.NewDecoder(resp.Body).Decode(&p)
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("%s %s = %d, want %d", tt.method, tt.path, resp.StatusCode, tt.status)
			continue
		}
		if tt.status == 200 {
			continue
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" || p.Status != tt.status || p.Title == "" {
			t.Errorf("%s %s: content type %q, problem %+v", tt.method, tt.path, ct, p)
		}
		if tt.param != "" && (len(p.InvalidParams) != 1 || p.InvalidParams[0].Name != tt.param) {
			t.Errorf("%s %s: invalid params %+v, want %s", tt.method, tt.path, p.InvalidParams, tt.param)
		}
	}
}

func TestSourcesAndRuns(t *testing.T) {
	ts, st, _ := newTestServer(t, 2)
	st.recs[0].Flags = []record.Flag{{Code: "date_unparsed"}}
	st.recs[1].Flags = []record.Flag{{Code: "date_unparsed"}, {Code: "unclassified"}}
	_, body := get(t, ts.URL+"/api/v1/sources")
	var list struct{ Sources []SourceView }
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Sources) != 1 || list.Sources[0].LastRun == nil || list.Sources[0].LastRun.ID != 2 ||
		list.Sources[0].Health.ConsecutiveFailures != 1 || list.Sources[0].NextRun == nil {
		t.Fatalf("sources = %s", body)
	}
	_, body = get(t, ts.URL+"/api/v1/sources/net")
	var one SourceView
	json.Unmarshal(body, &one)
	if one.Flags["date_unparsed"] != 2 || one.Flags["unclassified"] != 1 {
		t.Errorf("source flags = %v, want date_unparsed 2, unclassified 1", one.Flags)
	}
	_, body = get(t, ts.URL+"/api/v1/sources/net/runs?limit=1")
	var runs struct{ Runs []record.Run }
	json.Unmarshal(body, &runs)
	if len(runs.Runs) != 1 || runs.Runs[0].ID != 2 {
		t.Errorf("runs?limit=1 = %s", body)
	}
}

func TestDumps(t *testing.T) {
	ts, st, _ := newTestServer(t, 4)
	st.recs[3].License = "" // unknown licence: searchable, but not in open files
	resp, body := get(t, ts.URL+"/api/v1/dump.csv")
	rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	// 4 records, one without an open licence: a header and 3 rows.
	if err != nil || len(rows) != 4 || resp.Header.Get("X-Ensemble-Seq") != "4" {
		t.Fatalf("dump.csv: %d rows, %v, seq %q", len(rows), err, resp.Header.Get("X-Ensemble-Seq"))
	}
	_, body = get(t, ts.URL+"/api/v1/dump.jsonl")
	lines := strings.Split(strings.TrimSpace(string(body)), "\n")
	if len(lines) != 3 || strings.Contains(string(body), "Personne Privée") {
		t.Fatalf("dump.jsonl: %d lines (or shows the contact person)", len(lines))
	}
	// A failure mid-stream cannot change the status any more: the transfer breaks,
	// so a client never takes a truncated dump for a whole one.
	st.failAt = 2
	resp, err = http.Get(ts.URL + "/api/v1/dump.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := io.ReadAll(resp.Body); err == nil {
		t.Errorf("dump failing after 2 records ended cleanly, want a broken transfer")
	}
}

func TestTaxonomy(t *testing.T) {
	ts, _, _ := newTestServer(t, 0)
	_, body := get(t, ts.URL+"/api/v1/taxonomy?facet=kind")
	var tax struct{ Terms []record.Term }
	if err := json.Unmarshal(body, &tax); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, term := range tax.Terms {
		if term.Facet != record.FacetKind {
			t.Errorf("facet=kind returned a %s term %s", term.Facet, term.ID)
		}
		if term.ID == "discussion-group" {
			found = term.Labels["nl"] != "" && term.Labels["fr"] != ""
		}
	}
	if !found {
		t.Errorf("taxonomy has no discussion-group with fr and nl labels: %s", body)
	}
	if resp, _ := get(t, ts.URL+"/api/v1/taxonomy?facet=colour"); resp.StatusCode != 400 {
		t.Errorf("facet=colour = %d, want 400", resp.StatusCode)
	}
}

func TestChangesPaging(t *testing.T) {
	ts, st, _ := newTestServer(t, 5)
	st.recs[2].Status = record.StatusWithdrawn
	url := ts.URL + "/api/v1/changes?limit=2"
	var seen []ChangeItem
	for range 10 {
		_, body := get(t, url)
		var page ChangesPage
		if err := json.Unmarshal(body, &page); err != nil {
			t.Fatal(err)
		}
		if len(page.Items) == 0 {
			break
		}
		seen = append(seen, page.Items...)
		url = ts.URL + page.Next
	}
	if len(seen) != 5 || seen[2].State != "withdrawn" || seen[0].State != "updated" || seen[4].Seq != 5 {
		t.Fatalf("feed gave %d items %+v", len(seen), seen)
	}
	if strings.Contains(fmt.Sprint(seen[0].Data), "Personne Privée") {
		t.Errorf("the feed shows the contact person")
	}
	for _, bad := range []string{"after=-1", "after=x", "limit=0", "limit=5001", "since=3"} {
		if resp, _ := get(t, ts.URL+"/api/v1/changes?"+bad); resp.StatusCode != 400 {
			t.Errorf("changes?%s = %d, want 400", bad, resp.StatusCode)
		}
	}
}

func TestExport(t *testing.T) {
	ts, st, _ := newTestServer(t, 1200) // more than two store batches, more than any page
	st.recs[5].License = ""
	resp, body := get(t, ts.URL+"/api/v1/export?q=groupe&format=csv")
	rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if err != nil || len(rows) != 1200 || resp.Header.Get("Content-Disposition") == "" {
		t.Fatalf("export csv: %d rows (%v); want a header and 1199 open records", len(rows), err)
	}
	_, body = get(t, ts.URL+"/api/v1/export?q=groupe&format=jsonl")
	if n := strings.Count(string(body), "\n"); n != 1199 || strings.Contains(string(body), "Personne Privée") {
		t.Errorf("jsonl export: %d lines, want 1199 without the contact person", n)
	}
	_, body = get(t, ts.URL+"/api/v1/export?format=excel-csv&q=groupe")
	if !strings.HasPrefix(string(body), "\ufeffid;") {
		t.Errorf("excel-csv export starts %q", string(body[:20]))
	}
	if resp, _ := get(t, ts.URL+"/api/v1/export?format=xlsx"); resp.StatusCode != 400 {
		t.Errorf("format=xlsx = %d, want 400", resp.StatusCode)
	}
}

func TestCatalogDCAT(t *testing.T) {
	ts, st, _ := newTestServer(t, 0)
	st.sources[0].Definition.License, st.sources[0].Definition.URL = "CC-BY-4.0", "https://agenda.example.org/"
	resp, body := get(t, ts.URL+"/api/v1/catalog.jsonld")
	var doc struct {
		Type    string `json:"@type"`
		Dataset struct {
			Type          string `json:"@type"`
			Distributions []struct {
				Download struct {
					ID string `json:"@id"`
				} `json:"dcat:downloadURL"`
				License []struct {
					ID string `json:"@id"`
				} `json:"dct:license"`
			} `json:"dcat:distribution"`
		} `json:"dcat:dataset"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || resp.Header.Get("Content-Type") != "application/ld+json" {
		t.Fatalf("catalog.jsonld: %v, %s", err, resp.Header.Get("Content-Type"))
	}
	if doc.Type != "dcat:Catalog" || doc.Dataset.Type != "dcat:Dataset" || len(doc.Dataset.Distributions) < 3 {
		t.Fatalf("catalog = %s", body)
	}
	d := doc.Dataset.Distributions[0]
	if d.Download.ID != ts.URL+"/api/v1/dump.jsonl" || len(d.License) != 1 || d.License[0].ID != "https://spdx.org/licenses/CC-BY-4.0" {
		t.Errorf("first distribution = %+v", d)
	}
}

func TestHealth(t *testing.T) {
	ts, _, _ := newTestServer(t, 0)
	resp, body := get(t, ts.URL+"/healthz")
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"ok"`) {
		t.Errorf("healthz = %d %s", resp.StatusCode, body)
	}
}

func TestTaxonomySuggestions(t *testing.T) {
	got := taxonomySuggestions("groupe anxi", "fr", 10)
	found := false
	for _, s := range got {
		if !strings.HasPrefix(s.Text, "groupe ") {
			t.Errorf("suggestion %q drops the words before the last", s.Text)
		}
		found = found || s.Term == "anxiety"
	}
	if !found {
		t.Errorf("taxonomySuggestions(groupe anxi) = %+v, want the anxiety topic", got)
	}
	got = taxonomySuggestions("groupe de par", "fr", 10)
	if len(got) == 0 || got[0].Text != "Groupe de parole" {
		t.Errorf("taxonomySuggestions(groupe de par) = %+v, want Groupe de parole first, not repeated words", got)
	}
	if got := taxonomySuggestions("a", "fr", 10); len(got) != 0 {
		t.Errorf("one letter suggested %v", got)
	}
}

func TestExtractWhen(t *testing.T) {
	for _, tt := range []struct{ text, rest, when string }{
		{"groupe de parole ce week-end", "groupe de parole", "weekend"},
		{"praatgroep rouw dit weekend", "praatgroep rouw", "weekend"},
		{"grief support group this weekend", "grief support group", "weekend"},
		{"Aujourd'hui deuil Namur", "deuil Namur", "today"},
		{"atelier demain", "atelier", "tomorrow"},
		{"retraite de week-end", "retraite de week-end", ""}, // a kind of group, not a time
		{"deze week angst", "angst", "week"},
		{"groupe de parole", "groupe de parole", ""},
	} {
		rest, when := extractWhen(tt.text)
		if rest != tt.rest || when != tt.when {
			t.Errorf("extractWhen(%q) = %q, %q; want %q, %q", tt.text, rest, when, tt.rest, tt.when)
		}
	}
}
