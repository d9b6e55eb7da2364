package main

import (
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// fullPage is a search response with what the full search adds to each result.
type fullPage struct {
	Total   int `json:"total"`
	Results []struct {
		ID       string `json:"id"`
		Title    string `json:"title"`
		Language string `json:"language"`
		Location struct {
			Postcode string `json:"postcode"`
		} `json:"location"`
		Match struct {
			Score       float64           `json:"score"`
			DistanceKm  *float64          `json:"distance_km"`
			NextDate    *time.Time        `json:"next_date"`
			Highlights  map[string]string `json:"highlights"`
			Explanation string            `json:"explanation"`
		} `json:"match"`
	} `json:"results"`
	Facets map[string][]struct {
		Value, Label string
		Count        int
	} `json:"facets"`
	NextCursor string `json:"next_cursor"`
}

// TestSearchFullStrength runs the search API's filters, facets, sorts, cursor,
// highlights, explanations and suggestions against the real index of a crawl.
func TestSearchFullStrength(t *testing.T) {
	site := newPartnerSite(t)
	data := t.TempDir()
	catalog := filepath.Join(data, "catalog")
	writeCatalog(t, catalog, site.URL)
	m, _ := runMain(t, "serve", "--data", data, "--catalog", catalog, "--addr", "127.0.0.1:0", "--crawl-delay", "0",
		"--allow-hosts", "127.0.0.1", "--log-level", "warn", "--rate-limit", "0")
	defer m.Close()
	api := "http://" + m.Config.Addr
	waitFirstCrawl(t, m, api)
	get := func(query string) fullPage {
		t.Helper()
		var p fullPage
		getJSON(t, api+"/api/v1/search?"+query, http.StatusOK, &p)
		return p
	}

	// Facets, labelled in the request language, count every active record.
	p := get("facets=true&lang=nl")
	if p.Total != 10 {
		t.Fatalf("total = %d, want 10", p.Total)
	}
	sum := 0
	for _, c := range p.Facets["kind"] {
		sum += c.Count
		if c.Label == "" || c.Label == c.Value && strings.Contains(c.Value, "-") {
			t.Errorf("kind %s has no Dutch label: %q", c.Value, c.Label)
		}
	}
	if sum != 10 {
		t.Errorf("kind facet counts sum to %d, want 10 (one kind per record): %+v", sum, p.Facets["kind"])
	}
	for _, dim := range []string{"language", "cost", "source", "region"} {
		if len(p.Facets[dim]) == 0 {
			t.Errorf("no %s facet: %v", dim, p.Facets)
		}
	}
	// A kind filter keeps the other kinds in the kind facet (to widen the choice).
	if p := get("kind=intervision&facets=true"); p.Total != 1 || len(p.Facets["kind"]) < 2 {
		t.Errorf("kind=intervision: %d results, kind facet %v", p.Total, p.Facets["kind"])
	}

	// Near a postcode, nearest first, with distances.
	p = get("near=1060&radius=100&sort=distance")
	if p.Total == 0 {
		t.Fatal("nothing within 100 km of 1060")
	}
	last := -1.0
	for _, r := range p.Results {
		if r.Match.DistanceKm == nil || *r.Match.DistanceKm < last || *r.Match.DistanceKm > 100 {
			t.Fatalf("distance order broken at %s: %v after %.1f", r.Title, r.Match.DistanceKm, last)
		}
		last = *r.Match.DistanceKm
	}
	if p.Results[0].Location.Postcode != "1060" || *p.Results[0].Match.DistanceKm > 2 {
		t.Errorf("nearest to 1060 is %s in %s at %v km", p.Results[0].Title, p.Results[0].Location.Postcode, *p.Results[0].Match.DistanceKm)
	}
	if far := get("near=8400&radius=5"); far.Total != 0 { // Oostende: no fixture group there
		t.Errorf("near Oostende: %d results", far.Total)
	}

	// By next date: dated records first, in date order.
	p = get("sort=date&per_page=100")
	var prev time.Time
	for i, r := range p.Results {
		if r.Match.NextDate == nil {
			for _, rest := range p.Results[i:] {
				if rest.Match.NextDate != nil {
					t.Errorf("undated %s before dated %s", r.Title, rest.Title)
				}
			}
			break
		}
		if r.Match.NextDate.Before(prev) {
			t.Errorf("%s (%v) after %v", r.Title, r.Match.NextDate, prev)
		}
		prev = *r.Match.NextDate
	}

	// Highlights are escaped HTML with the matched words marked; explain explains.
	p = get("q=groupe+parole&explain=1")
	if p.Total == 0 {
		t.Fatal("q=groupe parole found nothing")
	}
	hl := p.Results[0].Match.Highlights["title"]
	if !strings.Contains(strings.ToLower(hl), "<mark>groupe</mark>") || !strings.Contains(p.Results[0].Match.Explanation, "via") {
		t.Errorf("first result highlight %q, explanation %q", hl, p.Results[0].Match.Explanation)
	}

	// The cursor walks every match once.
	var seen []string
	next := "per_page=3"
	for range 10 {
		p := get(next)
		for _, r := range p.Results {
			seen = append(seen, r.ID)
		}
		if p.NextCursor == "" {
			break
		}
		next = "per_page=3&cursor=" + url.QueryEscape(p.NextCursor)
	}
	slices.Sort(seen)
	if len(seen) != 10 || len(slices.Compact(seen)) != 10 {
		t.Errorf("cursor pages gave %d ids (%d distinct), want 10", len(seen), len(slices.Compact(seen)))
	}

	// A bad cursor is a 400 naming it.
	var problem struct {
		InvalidParams []struct{ Name string } `json:"invalid_params"`
	}
	getJSON(t, api+"/api/v1/search?cursor=nonsense", http.StatusBadRequest, &problem)
	if len(problem.InvalidParams) != 1 || problem.InvalidParams[0].Name != "cursor" {
		t.Errorf("bad cursor problem = %+v", problem)
	}

	// Suggestions: taxonomy terms in the request language, then the index's words.
	var sug struct {
		Suggestions []struct{ Text, Kind, Term string } `json:"suggestions"`
	}
	getJSON(t, api+"/api/v1/suggest?q=grou&lang=fr", http.StatusOK, &sug)
	var words, terms int
	for _, s := range sug.Suggestions {
		if s.Kind == "word" {
			words++
			if !strings.HasPrefix(s.Text, "grou") {
				t.Errorf("word suggestion %q does not complete grou", s.Text)
			}
		} else if s.Term != "" {
			terms++
		}
	}
	if words == 0 || terms == 0 {
		t.Errorf("suggest(grou) = %+v, want words and taxonomy terms", sug.Suggestions)
	}

	// A time in the words is a filter: the same matches as the words with when=.
	var understood struct {
		Total      int               `json:"total"`
		Understood map[string]string `json:"understood"`
	}
	getJSON(t, api+"/api/v1/search?q=groupe+de+parole+ce+week-end", http.StatusOK, &understood)
	plain := get("q=groupe+de+parole&when=weekend")
	if understood.Understood["when"] != "weekend" || understood.Understood["q"] != "groupe de parole" ||
		understood.Total != plain.Total {
		t.Errorf("q=… ce week-end: understood %v, %d results; q=…&when=weekend: %d", understood.Understood,
			understood.Total, plain.Total)
	}
	if all := get("q=groupe+de+parole"); all.Total <= plain.Total {
		t.Errorf("groupe de parole: %d results, this weekend %d: the weekend should narrow it", all.Total, plain.Total)
	}

	// The HSDS API's proximity and modified_after go through the same index.
	var hsds struct {
		TotalItems int `json:"total_items"`
		Contents   []struct {
			ID string `json:"id"`
		} `json:"contents"`
	}
	getJSON(t, api+"/hsds/services?per_page=50", http.StatusOK, &hsds)
	all := hsds.TotalItems
	getJSON(t, api+"/hsds/services?proximity=1060,3", http.StatusOK, &hsds)
	if hsds.TotalItems == 0 || hsds.TotalItems >= all {
		t.Errorf("HSDS proximity 3 km of 1060: %d of %d services", hsds.TotalItems, all)
	}
	getJSON(t, api+"/hsds/services?modified_after="+url.QueryEscape(time.Now().Add(time.Hour).Format(time.RFC3339)), http.StatusOK, &hsds)
	if hsds.TotalItems != 0 {
		t.Errorf("HSDS modified_after in an hour: %d services", hsds.TotalItems)
	}
}
