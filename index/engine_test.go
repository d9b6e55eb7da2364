package index

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ensemble-be/ensemble/record"
)

// engineNow is the "now" of these tests: Monday 2 March 2026, 12:00 in Brussels.
var engineNow = time.Date(2026, 3, 2, 12, 0, 0, 0, brussels)

func at(day, hour, minute int) time.Time {
	return time.Date(2026, 3, day, hour, minute, 0, 0, brussels)
}

// engineRecords are eight records spread over the filter dimensions.
func engineRecords() []record.Record {
	recs := []record.Record{
		rec("a", "fr", "discussion-group", "Groupe de parole deuil", "", "Bruxelles"),
		rec("b", "fr", "discussion-group", "Groupe de parole anxiété", "", "Namur"),
		rec("c", "nl", "discussion-group", "Praatgroep rouw", "", "Gent"),
		rec("d", "fr", "intervision", "Intervision psychologues", "", "Liège"),
		rec("e", "en", "workshop", "Grief workshop", "", "Bruxelles"),
		rec("f", "fr", "discussion-group", "Groupe de parole proches", "", "Charleroi"),
		rec("g", "fr", "discussion-group", "Groupe de parole en ligne", "", ""),
		rec("h", "nl", "workshop", "Workshop angst", "", "Brugge"),
	}
	geo := map[string][2]float64{"a": {50.846, 4.352}, "b": {50.467, 4.867}, "c": {51.054, 3.717},
		"d": {50.633, 5.567}, "e": {50.85, 4.36}, "f": {50.411, 4.444}, "h": {51.209, 3.224}}
	prov := map[string]string{"a": "", "b": "Namur", "c": "East Flanders", "d": "Liège", "e": "",
		"f": "Hainaut", "h": "West Flanders"}
	for i := range recs {
		r := &recs[i]
		if p, ok := geo[r.ID]; ok {
			r.Location.Lat, r.Location.Lon = p[0], p[1]
		}
		r.Location.Province = prov[r.ID]
		r.UpdatedAt = engineNow.AddDate(0, 0, -10*i) // a newest, h oldest
	}
	// Occurrences: a Tuesday 3 March 18:30 and weekly; b Saturday 7 March 10:00;
	// c a past date only; d Thursday 5 March 14:00; e Tuesday 3 March 09:00 and Friday
	// 13 March 20:00; f, g, h none.
	setOcc := func(id string, ts ...time.Time) {
		for i := range recs {
			if recs[i].ID == id {
				s := ts[0]
				recs[i].Schedule.Start = &s
				recs[i].Schedule.Next = ts[1:]
			}
		}
	}
	setOcc("a", at(3, 18, 30), at(10, 18, 30), at(17, 18, 30))
	setOcc("b", at(7, 10, 0))
	setOcc("c", time.Date(2026, 2, 1, 18, 0, 0, 0, brussels))
	setOcc("d", at(5, 14, 0))
	setOcc("e", at(3, 9, 0), at(13, 20, 0))
	recs[0].Cost = record.Cost{Free: true}
	recs[1].Cost = record.Cost{Min: 5, Max: 5, Currency: "EUR"}
	recs[3].Cost = record.Cost{Min: 120, Max: 120, Currency: "EUR"}
	recs[4].Cost = record.Cost{Min: 10, Max: 20, Currency: "EUR"}
	recs[0].Facilitation, recs[1].Facilitation, recs[3].Facilitation = "professional", "peer", "professional"
	recs[0].Audiences, recs[5].Audiences = []string{"relatives"}, []string{"relatives"}
	recs[3].Audiences = []string{"professionals"}
	recs[6].Attendance = "online"
	return recs
}

func TestEngineFilters(t *testing.T) {
	ix := newTestIndex(t, changesOf(engineRecords(), 1))
	centre := &Point{Lat: 50.8466, Lon: 4.3528}
	five := 5.0
	zero := 0.0
	tests := []struct {
		name string
		q    Query
		want []string
	}{
		{"near Brussels 10 km", Query{Near: centre, RadiusKm: 10}, []string{"a", "e"}},
		{"near Brussels 60 km", Query{Near: centre, RadiusKm: 60}, []string{"a", "b", "c", "e", "f"}},
		{"near default radius", Query{Near: centre}, []string{"a", "e"}},
		{"from/to", Query{From: at(4, 0, 0), To: at(8, 0, 0)}, []string{"b", "d"}},
		{"from only", Query{From: at(12, 0, 0)}, []string{"a", "e"}},
		{"past occurrences never match", Query{From: time.Date(2026, 1, 1, 0, 0, 0, 0, brussels)}, []string{"a", "b", "d", "e"}},
		{"tuesday", Query{Weekdays: []time.Weekday{time.Tuesday}}, []string{"a", "e"}},
		{"saturday or thursday", Query{Weekdays: []time.Weekday{time.Saturday, time.Thursday}}, []string{"b", "d"}},
		{"evening", Query{TimeFrom: 18 * 60, TimeTo: 23 * 60}, []string{"a", "e"}},
		{"morning", Query{TimeFrom: 8 * 60, TimeTo: 12 * 60}, []string{"b", "e"}},
		{"friday evening", Query{Weekdays: []time.Weekday{time.Friday}, TimeFrom: 18 * 60, TimeTo: 23 * 60}, []string{"e"}},
		{"tuesday evening", Query{Weekdays: []time.Weekday{time.Tuesday}, TimeFrom: 18 * 60, TimeTo: 23 * 60}, []string{"a"}},
		{"free", Query{Free: true}, []string{"a"}},
		{"max cost 5", Query{MaxCost: &five}, []string{"a", "b"}},
		{"max cost 0", Query{MaxCost: &zero}, []string{"a"}},
		{"updated after", Query{UpdatedAfter: engineNow.AddDate(0, 0, -25)}, []string{"a", "b", "c"}},
		{"province", Query{Provinces: []string{"Namur", "Hainaut"}}, []string{"b", "f"}},
		{"facilitation", Query{Facilitation: []string{"professional"}}, []string{"a", "d"}},
		{"text and near", Query{Text: "groupe parole", Near: centre, RadiusKm: 60}, []string{"a", "b", "f"}},
		{"text and tuesday", Query{Text: "deuil", Weekdays: []time.Weekday{time.Tuesday}}, []string{"a"}},
		{"text and saturday", Query{Text: "deuil", Weekdays: []time.Weekday{time.Saturday}}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.q.Now = engineNow
			got := slices.Sorted(slices.Values(searchIDs(t, ix, tt.q)))
			if !slices.Equal(got, tt.want) {
				t.Errorf("Search(%+v) = %v, want %v", tt.q, got, tt.want)
			}
		})
	}
}

func TestEngineQueryErrors(t *testing.T) {
	ix := newTestIndex(t, changesOf(engineRecords(), 1))
	neg := -1.0
	for _, tt := range []struct {
		q     Query
		param string
	}{
		{Query{Sort: SortDistance}, "sort"},
		{Query{Sort: "price"}, "sort"},
		{Query{Near: &Point{Lat: 91}}, "near"},
		{Query{Near: &Point{Lat: 50, Lon: 4}, RadiusKm: -1}, "radius"},
		{Query{From: at(5, 0, 0), To: at(4, 0, 0)}, "to"},
		{Query{TimeFrom: 20 * 60, TimeTo: 19 * 60}, "time"},
		{Query{MaxCost: &neg}, "max_cost"},
		{Query{After: "not-a-cursor"}, "cursor"},
		{Query{After: sortKey{id: "a"}.cursor(SortDate)}, "cursor"}, // a cursor of another sort
	} {
		_, err := ix.Search(context.Background(), tt.q)
		var qe *QueryError
		if !errors.As(err, &qe) || qe.Param != tt.param {
			t.Errorf("Search(%+v) error = %v, want a QueryError on %s", tt.q, err, tt.param)
		}
	}
}

func TestEngineFacets(t *testing.T) {
	ix := newTestIndex(t, changesOf(engineRecords(), 1))
	res, err := ix.Search(context.Background(), Query{Kinds: []string{"discussion-group"}, Facets: true, Now: engineNow})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 5 {
		t.Fatalf("total = %d, want 5", res.Total)
	}
	count := func(dim, value string) int {
		for _, c := range res.Facets[dim] {
			if c.Value == value {
				return c.Count
			}
		}
		return 0
	}
	// The kind facet ignores the kind filter: a person can widen to workshops.
	for value, want := range map[string]int{"discussion-group": 5, "workshop": 2, "intervision": 1} {
		if got := count("kind", value); got != want {
			t.Errorf("kind facet %s = %d, want %d", value, got, want)
		}
	}
	// Other facets count the five discussion groups only.
	for _, c := range []struct {
		dim, value string
		want       int
	}{
		{"language", "fr", 4}, {"language", "nl", 1}, {"language", "en", 0},
		{"audience", "relatives", 2}, {"cost", "free", 1}, {"cost", "paid", 1}, {"cost", "unknown", 3},
		{"facilitation", "peer", 1}, {"attendance", "online", 1},
		{"weekday", "tue", 1}, {"weekday", "sat", 1}, {"weekday", "thu", 0},
		{"weekday", "sun", 0}, // c met on a Sunday, in the past
		{"province", "Namur", 1},
	} {
		if got := count(c.dim, c.value); got != c.want {
			t.Errorf("%s facet %s = %d, want %d", c.dim, c.value, got, c.want)
		}
	}
	if _, ok := res.Facets["status"]; ok {
		t.Error("status is a facet; it should not be (only active records are searched by default)")
	}
	for dim, counts := range res.Facets {
		for i := 1; i < len(counts); i++ {
			if counts[i].Count > counts[i-1].Count {
				t.Errorf("facet %s not most frequent first: %v", dim, counts)
			}
		}
	}

	// Two filters: each dimension's counts ignore its own filter only.
	res, err = ix.Search(context.Background(), Query{Kinds: []string{"discussion-group"}, Language: "nl", Facets: true, Now: engineNow})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		dim, value string
		want       int
	}{
		{"kind", "discussion-group", 1}, {"kind", "workshop", 1}, {"kind", "intervision", 0},
		{"language", "fr", 4}, {"language", "nl", 1}, {"topic", "grief", 0},
	} {
		if got := count(c.dim, c.value); got != c.want {
			t.Errorf("kind+language: %s facet %s = %d, want %d", c.dim, c.value, got, c.want)
		}
	}
}

func TestEngineSorts(t *testing.T) {
	ix := newTestIndex(t, changesOf(engineRecords(), 1))
	centre := &Point{Lat: 50.8466, Lon: 4.3528}
	for _, tt := range []struct {
		name string
		q    Query
		want []string
	}{
		{"date: next occurrence first, none last by id", Query{Sort: SortDate}, []string{"e", "a", "d", "b", "c", "f", "g", "h"}},
		{"date within a window", Query{Sort: SortDate, From: at(8, 0, 0)}, []string{"a", "e"}},
		{"distance", Query{Sort: SortDistance, Near: centre, RadiusKm: 200}, []string{"a", "e", "f", "c", "b", "h", "d"}},
		{"updated", Query{Sort: SortUpdated}, []string{"a", "b", "c", "d", "e", "f", "g", "h"}},
		{"empty query: by title", Query{}, []string{"e", "b", "a", "g", "f", "d", "c", "h"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.q.Now = engineNow
			if got := searchIDs(t, ix, tt.q); !slices.Equal(got, tt.want) {
				t.Errorf("Search(%+v) = %v, want %v", tt.q, got, tt.want)
			}
		})
	}
	res, err := ix.Search(context.Background(), Query{Sort: SortDistance, Near: centre, RadiusKm: 200, Now: engineNow})
	if err != nil {
		t.Fatal(err)
	}
	if d := res.Hits[0].DistanceKm; d < 0 || d > 1 {
		t.Errorf("distance of a from Brussels = %.2f km, want under 1", d)
	}
	if d := res.Hits[len(res.Hits)-1].DistanceKm; d < 80 || d > 100 {
		t.Errorf("distance of h (Brugge) from Brussels = %.2f km, want about 90", d)
	}
	res, err = ix.Search(context.Background(), Query{Sort: SortDate, Now: engineNow})
	if err != nil {
		t.Fatal(err)
	}
	if res.Hits[1].ID != "a" || !res.Hits[1].Next.Equal(at(3, 18, 30)) {
		t.Errorf("second hit %s next %v, want a next %v", res.Hits[1].ID, res.Hits[1].Next, at(3, 18, 30))
	}
}

// TestEngineCursor pages with the cursor through every sort and checks the pages
// join to the result of big pages, with no id twice.
func TestEngineCursor(t *testing.T) {
	var recs []record.Record
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 230 {
		r := rec(fmt.Sprintf("r%03d", i), "fr", "discussion-group", fmt.Sprintf("Groupe de parole %d", i%7), "", "Namur")
		r.Location.Lat, r.Location.Lon = 50+rng.Float64(), 4+rng.Float64()
		r.UpdatedAt = engineNow.Add(-time.Duration(rng.IntN(50)) * time.Hour) // ties on purpose
		if i%3 > 0 {
			s := engineNow.Add(time.Duration(rng.IntN(20)) * 24 * time.Hour)
			r.Schedule.Start = &s
		}
		recs = append(recs, r)
	}
	ix := newTestIndex(t, changesOf(recs, 1))
	for _, base := range []Query{
		{Text: "groupe parole"},
		{},
		{Sort: SortDate},
		{Sort: SortUpdated},
		{Sort: SortDistance, Near: &Point{Lat: 50.5, Lon: 4.5}, RadiusKm: 500},
	} {
		base.Now = engineNow
		var want []string
		for page := 1; page <= 3; page++ {
			q := base
			q.Page, q.PerPage = page, 100
			want = append(want, searchIDs(t, ix, q)...)
		}
		var got []string
		q := base
		q.PerPage = 17
		for pages := 0; ; pages++ {
			res, err := ix.Search(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			if res.Next == "" || pages > 20 {
				break
			}
			q.After = res.Next
		}
		if len(want) != 230 || !slices.Equal(got, want) {
			t.Errorf("sort %q: cursor pages gave %d ids, pages of 100 gave %d; equal: %v",
				base.Sort, len(got), len(want), slices.Equal(got, want))
		}
	}
}

// TestEngineMatchesBruteForce compares random filter combinations with a direct
// evaluation of the same conditions on the records.
func TestEngineMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	kinds := []string{"discussion-group", "workshop", "intervision", "peer-support"}
	langs := []string{"fr", "nl", "en", "de"}
	provinces := []string{"Namur", "Hainaut", "Liège", "Antwerp", ""}
	var recs []record.Record
	for i := range 400 {
		r := rec(fmt.Sprintf("x%03d", i), langs[rng.IntN(4)], kinds[rng.IntN(4)], fmt.Sprintf("Groupe %d", i), "", "")
		r.Location.Province = provinces[rng.IntN(5)]
		if rng.IntN(4) > 0 {
			r.Location.Lat, r.Location.Lon = 49.5+rng.Float64()*2, 2.5+rng.Float64()*3.5
		}
		switch rng.IntN(3) {
		case 0:
			r.Cost.Free = true
		case 1:
			r.Cost.Min = float64(1 + rng.IntN(50))
			r.Cost.Max = r.Cost.Min + 10
		}
		for range rng.IntN(4) {
			o := engineNow.Add(time.Duration(rng.IntN(24*60)-24*5) * time.Hour).Truncate(15 * time.Minute)
			if r.Schedule.Start == nil {
				r.Schedule.Start = &o
			} else {
				r.Schedule.Next = append(r.Schedule.Next, o)
			}
		}
		recs = append(recs, r)
	}
	ix := newTestIndex(t, changesOf(recs, 1))
	occurrences := func(r record.Record) []time.Time {
		var out []time.Time
		if r.Schedule.Start != nil {
			out = append(out, *r.Schedule.Start)
		}
		return append(out, r.Schedule.Next...)
	}
	for trial := range 300 {
		q := Query{Now: engineNow, PerPage: 100, Sort: SortUpdated}
		if rng.IntN(2) == 0 {
			q.Kinds = []string{kinds[rng.IntN(4)], kinds[rng.IntN(4)]}
		}
		if rng.IntN(3) == 0 {
			q.Language = langs[rng.IntN(4)]
		}
		if rng.IntN(3) == 0 {
			q.Provinces = []string{provinces[rng.IntN(4)]}
		}
		if rng.IntN(3) == 0 {
			q.Near, q.RadiusKm = &Point{Lat: 50 + rng.Float64(), Lon: 3 + rng.Float64()*3}, float64(10+rng.IntN(100))
		}
		if rng.IntN(3) == 0 {
			q.From = engineNow.Add(time.Duration(rng.IntN(30*24)) * time.Hour)
			q.To = q.From.Add(time.Duration(1+rng.IntN(20*24)) * time.Hour)
		}
		if rng.IntN(3) == 0 {
			q.Weekdays = []time.Weekday{time.Weekday(rng.IntN(7))}
		}
		if rng.IntN(4) == 0 {
			q.TimeFrom = rng.IntN(20) * 60
			q.TimeTo = q.TimeFrom + 60 + rng.IntN(4)*60
		}
		if rng.IntN(4) == 0 {
			m := float64(rng.IntN(40))
			q.MaxCost = &m
		}
		var want []string
		for _, r := range recs {
			ok := (len(q.Kinds) == 0 || slices.Contains(q.Kinds, r.Kind)) &&
				(q.Language == "" || q.Language == r.Language) &&
				(len(q.Provinces) == 0 || slices.Contains(q.Provinces, r.Location.Province))
			if q.Near != nil {
				ok = ok && (r.Location.Lat != 0 || r.Location.Lon != 0) &&
					distanceKm(q.Near.Lat, q.Near.Lon, r.Location.Lat, r.Location.Lon) <= q.RadiusKm
			}
			if q.MaxCost != nil {
				ok = ok && (r.Cost.Free || r.Cost.Min > 0 && r.Cost.Min <= *q.MaxCost)
			}
			if !q.From.IsZero() || len(q.Weekdays) > 0 || q.TimeTo != 0 {
				found := false
				for _, o := range occurrences(r) {
					o = o.In(brussels)
					mod := o.Hour()*60 + o.Minute()
					if o.Before(engineNow) || !q.From.IsZero() && (o.Before(q.From) || !o.Before(q.To)) ||
						len(q.Weekdays) > 0 && o.Weekday() != q.Weekdays[0] ||
						q.TimeTo != 0 && (mod < q.TimeFrom || mod >= q.TimeTo) {
						continue
					}
					found = true
				}
				ok = ok && found
			}
			if ok {
				want = append(want, r.ID)
			}
		}
		res, err := ix.Search(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		slices.Sort(got)
		if int(res.Total) != len(want) || len(want) <= 100 && !slices.Equal(got, want) {
			t.Fatalf("trial %d: %+v\n total %d, brute force %d\n got  %v\n want %v", trial, q, res.Total, len(want), got, want)
		}
	}
}

// TestEngineTableSurvivesReopen checks the rows read back from the stored facts
// answer as the rows Apply built.
func TestEngineTableSurvivesReopen(t *testing.T) {
	dir := t.TempDir() + "/ix"
	ix := openTest(t, dir)
	if err := ix.Apply(context.Background(), changesOf(engineRecords(), 1)); err != nil {
		t.Fatal(err)
	}
	queries := []Query{
		{Near: &Point{Lat: 50.8466, Lon: 4.3528}, RadiusKm: 60, Sort: SortDistance},
		{Weekdays: []time.Weekday{time.Tuesday}, Sort: SortDate},
		{Text: "groupe", Facets: true},
	}
	results := func(ix *Index) string {
		var b strings.Builder
		for _, q := range queries {
			q.Now = engineNow
			res, err := ix.Search(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%d %v %v\n", res.Total, res.Hits, res.Facets)
		}
		return b.String()
	}
	before := results(ix)
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix = openTest(t, dir)
	if after := results(ix); after != before {
		t.Errorf("after reopen:\n%s\nbefore:\n%s", after, before)
	}
}

func TestEngineExplain(t *testing.T) {
	ix := newTestIndex(t, changesOf(engineRecords(), 1))
	res, err := ix.Search(context.Background(), Query{Text: "deuil", Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || !strings.Contains(res.Hits[0].Explanation, `"deuil" via title_fr`) {
		t.Fatalf("hits = %+v, want bleve's score breakdown", res.Hits)
	}
	if math.IsNaN(res.Hits[0].Score) || res.Hits[0].Score <= 0 {
		t.Errorf("score = %v", res.Hits[0].Score)
	}
	if res, _ := ix.Search(context.Background(), Query{Text: "deuil"}); res.Hits[0].Explanation != "" {
		t.Error("explanation without Explain")
	}
}

func TestQuerySyntax(t *testing.T) {
	ix := newTestIndex(t, changesOf(engineRecords(), 1))
	for _, tt := range []struct {
		text string
		want []string
	}{
		{"groupe parole", []string{"a", "b", "f", "g"}},
		{"groupe parole -deuil", []string{"b", "f", "g"}},
		{"groupe parole -deuil -proches", []string{"b", "g"}},
		{"deuil OR anxiété", []string{"a", "b"}},
		{"groupe deuil OR proches", []string{"a", "f"}},
		{"deuil OR anxiété OR rouw", []string{"a", "b", "c"}},
		{"deuil or anxiété", []string{}}, // lower-case "or" is a word: every word must match
		{"-deuil", []string{"b", "c", "d", "e", "f", "g", "h"}},
		{`"groupe de parole" -"en ligne"`, []string{"g"}}, // phrases cannot be excluded: their words count as words
	} {
		got := slices.Sorted(slices.Values(searchIDs(t, ix, Query{Text: tt.text, Now: engineNow})))
		if !slices.Equal(got, tt.want) {
			t.Errorf("Search(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// TestCandidatesFollowUpdates checks the posting lists behind selective filters
// follow a row that changes its values.
func TestCandidatesFollowUpdates(t *testing.T) {
	var recs []record.Record
	for i := range 50 {
		recs = append(recs, rec(fmt.Sprintf("p%02d", i), "fr", "discussion-group", "Groupe", "", "Namur"))
	}
	recs[7].Location.Postcode = "1060"
	ix := newTestIndex(t, changesOf(recs, 1))
	if got := searchIDs(t, ix, Query{Postcodes: []string{"1060"}}); !slices.Equal(got, []string{"p07"}) {
		t.Fatalf("postcode 1060 = %v, want p07", got)
	}
	recs[7].Location.Postcode, recs[9].Location.Postcode = "5000", "1060"
	if err := ix.Apply(context.Background(), []Change{{Seq: 100, Record: recs[7]}, {Seq: 101, Record: recs[9]}}); err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, ix, Query{Postcodes: []string{"1060"}}); !slices.Equal(got, []string{"p09"}) {
		t.Errorf("after the move, postcode 1060 = %v, want p09", got)
	}
	if got := searchIDs(t, ix, Query{Postcodes: []string{"9999"}}); len(got) != 0 {
		t.Errorf("unknown postcode = %v", got)
	}
}

// TestLandingPageFastPath checks the search with neither text nor filters, answered
// from the counts and order kept ready, against the same search through a scan.
func TestLandingPageFastPath(t *testing.T) {
	recs := engineRecords()
	recs[2].Status = record.StatusWithdrawn
	ix := newTestIndex(t, changesOf(recs, 1))
	for page := 1; page <= 3; page++ {
		fast, err := ix.Search(context.Background(), Query{Facets: true, Page: page, PerPage: 3, Now: engineNow})
		if err != nil {
			t.Fatal(err)
		}
		// Two equal statuses are the same filter, but not "no filter": a scan.
		slow, err := ix.Search(context.Background(), Query{Facets: true, Page: page, PerPage: 3, Now: engineNow,
			Statuses: []string{"active", "active"}})
		if err != nil {
			t.Fatal(err)
		}
		fast.Took, slow.Took = 0, 0
		if fmt.Sprint(fast) != fmt.Sprint(slow) {
			t.Errorf("page %d:\nfast %v\nscan %v", page, fast, slow)
		}
		if fast.Total != 7 {
			t.Errorf("total = %d, want 7 (one withdrawn)", fast.Total)
		}
	}
}

// TestCandidatesHoldEveryCountedRow checks the rows a search without text walks
// include every row that passes, and with facets every row that counts in a facet.
func TestCandidatesHoldEveryCountedRow(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	kinds := []string{"discussion-group", "workshop", "intervision", "peer-support", "webinar", "retreat"}
	topics := []string{"grief", "anxiety", "depression", "burnout", "addiction", "psychosis", "eating-disorders"}
	var recs []record.Record
	for i := range 600 {
		r := rec(fmt.Sprintf("c%03d", i), "fr", kinds[rng.IntN(len(kinds))], "Groupe", "", "")
		r.Topics = []string{topics[rng.IntN(len(topics))], topics[rng.IntN(len(topics))]}
		r.Location.Postcode = fmt.Sprint(1000 + rng.IntN(40)*10)
		recs = append(recs, r)
	}
	ix := newTestIndex(t, changesOf(recs, 1))
	tb := ix.table
	tb.mu.RLock()
	defer tb.mu.RUnlock()
	walked := 0
	for trial := range 200 {
		q := Query{Kinds: []string{kinds[rng.IntN(len(kinds))]}, Now: engineNow}
		if rng.IntN(2) == 0 {
			q.Topics = []string{topics[rng.IntN(len(topics))], topics[rng.IntN(len(topics))]}
		}
		if rng.IntN(2) == 0 {
			q.Postcodes = []string{fmt.Sprint(1000 + rng.IntN(40)*10)}
		}
		p, err := tb.compile(q)
		if err != nil {
			t.Fatal(err)
		}
		for _, facets := range []bool{false, true} {
			rows := tb.candidates(p, facets)
			if rows == nil {
				continue
			}
			walked++
			in := map[int32]bool{}
			for i, ord := range rows {
				if in[ord] || i > 0 && ord <= rows[i-1] {
					t.Fatalf("trial %d: candidates not strictly ascending at %d", trial, i)
				}
				in[ord] = true
			}
			for ord := range tb.rows {
				e := p.eval(&tb.rows[ord])
				if (e.ok || facets && e.counted) && !in[int32(ord)] {
					t.Fatalf("trial %d (%+v, facets %v): row %d counts but is not a candidate", trial, q, facets, ord)
				}
			}
		}
	}
	if walked < 50 {
		t.Errorf("only %d of 400 searches narrowed their rows: the test tests little", walked)
	}
}
