package index

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/ensemble-be/ensemble/record"
)

func TestFilters(t *testing.T) {
	recs := slices.Clone(testRecords)
	recs[0].Audiences, recs[0].Topics = []string{"relatives"}, []string{"grief"}
	recs[0].Location.Region, recs[0].Location.Postcode, recs[0].Attendance = "Brussels", "1000", "in-person"
	recs[1].Audiences, recs[1].Topics = []string{"professionals"}, []string{"burnout", "depression"}
	recs[1].Location.Region, recs[1].Location.Postcode, recs[1].Attendance = "Wallonia", "5000", "in-person"
	recs[4].Attendance = "online"
	recs[0].Flags = []record.Flag{{Code: "date_year_inferred", Severity: record.SeverityInfo}}
	recs[1].Flags = []record.Flag{{Code: "date_year_inferred"}, {Code: "phone_unparsed"}}
	ix := newTestIndex(t, changesOf(recs, 1))
	tests := []struct {
		name string
		q    Query
		want []string
	}{
		{"audience", Query{Audiences: []string{"relatives"}}, []string{"a"}},
		{"any of audiences", Query{Audiences: []string{"relatives", "professionals"}}, []string{"a", "b"}},
		{"topic and text", Query{Text: "intervision", Topics: []string{"depression"}}, []string{"b"}},
		{"topic excludes", Query{Text: "intervision", Topics: []string{"grief"}}, []string{}},
		{"attendance", Query{Attendance: []string{"online"}}, []string{"e"}},
		{"region", Query{Regions: []string{"Wallonia"}}, []string{"b"}},
		{"postcode", Query{Postcodes: []string{"1000"}}, []string{"a"}},
		{"flag", Query{Flags: []string{"date_year_inferred"}}, []string{"a", "b"}},
		{"no_flag", Query{NoFlags: []string{"phone_unparsed"}, Flags: []string{"date_year_inferred"}}, []string{"a"}},
		{"no_flag alone", Query{NoFlags: []string{"date_year_inferred"}}, []string{"c", "d", "e", "f", "g", "h"}},
		{"no_flag with text", Query{Text: "intervision", NoFlags: []string{"phone_unparsed"}}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := slices.Sorted(slices.Values(searchIDs(t, ix, tt.q)))
			if !slices.Equal(got, tt.want) {
				t.Errorf("Search(%+v) = %v, want %v", tt.q, got, tt.want)
			}
		})
	}
}

func TestEachID(t *testing.T) {
	var recs []record.Record
	for i := range 2500 { // more than two batches
		recs = append(recs, rec(fmt.Sprintf("r%05d", i), "fr", "discussion-group", fmt.Sprintf("Groupe de parole %d", i), "", "Namur"))
	}
	recs[7].Kind = "intervision"
	ix := newTestIndex(t, changesOf(recs, 1))
	n, last := 0, ""
	for id, err := range ix.EachID(context.Background(), Query{Text: "groupe", Kinds: []string{"discussion-group"}}) {
		if err != nil {
			t.Fatal(err)
		}
		if id <= last {
			t.Fatalf("EachID: %s after %s, want id order", id, last)
		}
		last = id
		n++
	}
	if n != 2499 {
		t.Errorf("EachID yielded %d ids, want 2499 (every match, past any paging limit)", n)
	}
}
