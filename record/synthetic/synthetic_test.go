package synthetic

import (
	"bytes"
	"crypto/sha256"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/ensemble-be/ensemble/record"
)

const smokeSize = 2_000

func jsonl(t *testing.T, seed uint64, n int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := record.WriteJSONL(&b, WithErrors(Generate(seed, n))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDeterministic(t *testing.T) {
	a, b := jsonl(t, 1, smokeSize), jsonl(t, 1, smokeSize)
	if sha256.Sum256(a) != sha256.Sum256(b) {
		t.Fatal("Generate(1, 2000) twice: different bytes")
	}
	if bytes.Equal(a, jsonl(t, 2, smokeSize)) {
		t.Error("Generate(2, 2000) = Generate(1, 2000), want another corpus")
	}
	if small := jsonl(t, 1, 100); !bytes.HasPrefix(a, small) {
		t.Error("Generate(1, 100) is not the prefix of Generate(1, 2000)")
	}
	if got, want := Record(1, 1234), nth(Generate(1, smokeSize), 1234); got.Fingerprint() != want.Fingerprint() {
		t.Error("Record(1, 1234) differs from the 1234th record Generate yields")
	}
}

func nth(seq iter.Seq[record.Record], n int) record.Record {
	i := 0
	for r := range seq {
		if i == n {
			return r
		}
		i++
	}
	return record.Record{}
}

func TestRecordsAreValidAndVaried(t *testing.T) {
	tax := record.DefaultTaxonomy()
	count := func() map[string]int { return map[string]int{} }
	langs, kinds, topics, regions, attendance, statuses, rrules := count(), count(), count(), count(), count(), count(), count()
	ids := map[string]bool{}
	free, located, next, titles := 0, 0, 0, map[string]bool{}
	for rec := range Generate(7, smokeSize) {
		if err := rec.Validate(); err != nil {
			t.Fatalf("record %s: %v", rec.LocalID, err)
		}
		if ids[rec.ID] {
			t.Fatalf("record %s: id %s twice", rec.LocalID, rec.ID)
		}
		ids[rec.ID] = true
		for _, term := range append(append([]string{rec.Kind, rec.Attendance}, rec.Topics...), rec.Audiences...) {
			if _, ok := tax.Term(term); !ok {
				t.Fatalf("record %s: %q is not in the taxonomy", rec.LocalID, term)
			}
		}
		if rec.Facilitation != "" && !slices.Contains(record.Facilitations, rec.Facilitation) {
			t.Fatalf("record %s: facilitation %q", rec.LocalID, rec.Facilitation)
		}
		if pc := rec.Location.Postcode; pc != "" {
			located++
			if len(record.PostcodePlaces(pc)) == 0 || rec.Location.Lat < 49.4 || rec.Location.Lat > 51.6 {
				t.Fatalf("record %s: place %+v not in Belgium", rec.LocalID, rec.Location)
			}
			regions[rec.Location.Region]++
		}
		for _, n := range rec.Schedule.Next {
			if !n.After(Epoch) || n.Location() != record.Brussels {
				t.Fatalf("record %s: next occurrence %v not after %v in Europe/Brussels", rec.LocalID, n, Epoch)
			}
		}
		if len(rec.Schedule.Next) > 0 {
			next++
		}
		if rec.Schedule.RRule != "" {
			rrules[rec.Schedule.RRule[:12]]++
		}
		if rec.Cost.Free {
			free++
		}
		titles[rec.Title] = true
		langs[rec.Language]++
		kinds[rec.Kind]++
		attendance[rec.Attendance]++
		statuses[string(rec.Status)]++
		for _, tp := range rec.Topics {
			topics[tp]++
		}
	}
	share := func(m map[string]int, k string) float64 { return float64(m[k]) / smokeSize }
	checks := []struct {
		what   string
		got    float64
		lo, hi float64
	}{
		{"French", share(langs, "fr"), 0.4, 0.8},
		{"Dutch", share(langs, "nl"), 0.15, 0.5},
		{"English", share(langs, "en"), 0.01, 0.2},
		{"German", share(langs, "de"), 0.005, 0.15},
		{"groupes de parole", share(kinds, "discussion-group"), 0.1, 0.35},
		{"intervision", share(kinds, "intervision"), 0.01, 0.1},
		{"grief", share(topics, "grief"), 0.05, 0.3},
		{"in person", share(attendance, "in-person"), 0.55, 0.85},
		{"active", share(statuses, "active"), 0.85, 0.97},
		{"free", float64(free) / smokeSize, 0.2, 0.5},
		{"with a place", float64(located) / smokeSize, 0.65, 0.95},
		{"with next dates", float64(next) / smokeSize, 0.4, 0.9},
		{"Brussels", share(regions, "Brussels"), 0.1, 0.5},
		{"distinct titles", float64(len(titles)) / smokeSize, 0.2, 1},
	}
	for _, c := range checks {
		if c.got < c.lo || c.got > c.hi {
			t.Errorf("%s: %.3f of the records, want between %.2f and %.2f", c.what, c.got, c.lo, c.hi)
		}
	}
	for _, k := range []string{"FREQ=WEEKLY;", "FREQ=MONTHLY"} {
		if rrules[k] == 0 {
			t.Errorf("no %s schedules", k)
		}
	}
	if len(kinds) < 15 || len(topics) < 25 || len(regions) != 3 {
		t.Errorf("%d kinds, %d topics, %d regions: want most of the taxonomy and the three regions", len(kinds), len(topics), len(regions))
	}
}

func TestSite(t *testing.T) {
	site := NewSite(3, 500)
	srv := httptest.NewServer(site)
	defer srv.Close()
	total := 0
	for _, src := range site.Sources {
		total += site.Listings(src.ID)
		resp, err := http.Get(srv.URL + site.Path(src))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s", site.Path(src), resp.Status)
		}
		want := map[string]string{"html": "<article class=\"event\">", "ical": "BEGIN:VEVENT", "csv": "id;titre;"}[src.Feed]
		if site.Listings(src.ID) > 0 && !strings.Contains(string(body), want) {
			t.Errorf("GET %s (%s, %d listings): no %q", site.Path(src), src.Feed, site.Listings(src.ID), want)
		}
	}
	if total != 500 {
		t.Errorf("sources publish %d listings in all, want 500", total)
	}
}

func TestQueriesUseTheAPIParameters(t *testing.T) {
	params := []string{"q", "kind", "audience", "topic", "facilitation", "attendance", "language", "region", "province",
		"postcode", "near", "radius", "from", "to", "weekday", "time", "free", "max_cost", "updated_after", "sort",
		"cursor", "page", "per_page", "facets"}
	halves := map[string]int{}
	for _, q := range Queries {
		v, err := url.ParseQuery(q.Params)
		if err != nil {
			t.Fatalf("%s: %v", q.Params, err)
		}
		for name := range v {
			if !slices.Contains(params, name) {
				t.Errorf("%s: %q is not a search parameter", q.Params, name)
			}
		}
		halves[q.Half]++
	}
	if halves[HalfText] == 0 || halves[HalfFiltered] == 0 || len(halves) != 2 {
		t.Errorf("halves %v, want text and filtered queries only", halves)
	}
}

// BenchmarkGenerate reports how fast the corpus streams: far faster than anything
// that consumes it.
func BenchmarkGenerate(b *testing.B) {
	n := 0
	for b.Loop() {
		for range Generate(1, 10_000) {
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
}
