package sources

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ensemble-be/ensemble/record"
)

// TestParseHSDSGolden parses each testdata/hsds document and compares the page with
// its golden file.
func TestParseHSDSGolden(t *testing.T) {
	for _, c := range goldenCases(t, "hsds") {
		t.Run(c.name, func(t *testing.T) {
			page, err := Parse(c.def, c.input, c.def.URL)
			if err != nil {
				t.Fatalf("Parse(%s) error = %v", c.name, err)
			}
			checkPageInvariants(t, c.def.URL, page)
			checkGolden(t, filepath.Join("testdata", c.name+".golden.json"), goldenPage(page))
		})
	}
}

// TestParseHSDSNext checks the next page read from the paging envelope.
func TestParseHSDSNext(t *testing.T) {
	tests := []struct {
		name, body, url, want string
	}{
		{"first of two", `{"total_pages": 2, "page_number": 1, "contents": []}`, "https://t.example/services?per_page=10", "https://t.example/services?page=2&per_page=10"},
		{"page replaced", `{"total_pages": 5, "page_number": 3, "contents": []}`, "https://t.example/services?page=3", "https://t.example/services?page=4"},
		{"numbers as strings", `{"total_pages": "5", "page_number": "4", "contents": []}`, "https://t.example/services", "https://t.example/services?page=5"},
		{"last page", `{"total_pages": 2, "page_number": 2, "contents": []}`, "https://t.example/services?page=2", ""},
		{"last_page true", `{"total_pages": 9, "page_number": 2, "last_page": true, "contents": []}`, "https://t.example/services", ""},
		{"no total", `{"page_number": 1, "contents": []}`, "https://t.example/services", ""},
		{"relative page URL", `{"total_pages": 2, "page_number": 1, "contents": []}`, "/services", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := parseHSDS([]byte(tt.body), tt.url)
			if err != nil {
				t.Fatal(err)
			}
			if page.Next != tt.want {
				t.Errorf("parseHSDS(%s) Next = %q, want %q", tt.body, page.Next, tt.want)
			}
		})
	}
}

// TestParseHSDSDocuments checks the kinds of documents an HSDS source may serve.
func TestParseHSDSDocuments(t *testing.T) {
	const base = "https://t.example/api/services/"
	tests := []struct {
		name     string
		body     string
		listings int
		problem  string // a substring of the only problem, or ""
		wantErr  bool
	}{
		{name: "one service (/services/{id})", body: `{"id": "s1", "name": "Groupe"}`, listings: 1},
		{name: "a service_at_location page", body: `{"contents": [{"id": "sal", "service": {"id": "s1", "name": "Groupe"}, "location": {"name": "Salle", "addresses": [{"address_1": "Rue X 1", "postal_code": "1000", "city": "Bruxelles"}]}}]}`, listings: 1},
		{name: "null contents", body: `{"total_items": 0, "contents": null}`},
		{name: "empty page", body: `{"total_items": 0, "total_pages": 0, "page_number": 1, "empty": true, "contents": []}`},
		{name: "datapackage", body: `{"name": "hsds", "resources": [{"name": "services", "path": "services.csv"}, {"name": "locations", "path": "https://cdn.example/locations.csv"}]}`,
			problem: "https://t.example/api/services/services.csv, https://cdn.example/locations.csv"},
		{name: "tabular JSON", body: `{"services.csv": [{"id": "s1"}]}`, problem: "tabular"},
		{name: "service without name", body: `[{"id": "s1"}]`, listings: 1, problem: "no name"},
		{name: "contents not a list", body: `{"contents": {"id": "s1"}}`, wantErr: true},
		{name: "not HSDS", body: `{"data": [{"title": "x"}]}`, wantErr: true},
		{name: "a string", body: `"services"`, wantErr: true},
		{name: "not JSON", body: `<html></html>`, wantErr: true},
		{name: "empty", body: ``, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := parseHSDS([]byte(tt.body), base)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseHSDS(%s) error = %v, want error %v", tt.body, err, tt.wantErr)
			}
			if err != nil {
				return
			}
			checkPageInvariants(t, base, page)
			if len(page.Listings) != tt.listings {
				t.Errorf("parseHSDS(%s) = %d listings, want %d", tt.body, len(page.Listings), tt.listings)
			}
			switch {
			case tt.problem == "" && len(page.Problems) > 0:
				t.Errorf("parseHSDS(%s) problems = %v, want none", tt.body, page.Problems)
			case tt.problem != "" && (len(page.Problems) != 1 || !strings.Contains(page.Problems[0].Message, tt.problem)):
				t.Errorf("parseHSDS(%s) problems = %v, want one containing %q", tt.body, page.Problems, tt.problem)
			}
		})
	}
}

// TestHSDSScheduleText checks that the normalizer reads the French text written for a
// schedule without dtstart as the same recurrence.
func TestHSDSScheduleText(t *testing.T) {
	ref := time.Date(2027, 1, 4, 12, 0, 0, 0, record.Brussels) // a Monday
	tests := []struct {
		schedule  string
		text      string
		rrule     string // as ParseWhen writes it
		firstNext string
	}{
		{`{"freq": "WEEKLY", "byday": "TU,TH", "opens_at": "19:00", "closes_at": "21:00"}`,
			"tous les mardis et jeudis de 19h00 à 21h00", "FREQ=WEEKLY;BYDAY=TU,TH", "2027-01-05T19:00:00+01:00"},
		{`{"freq": "MONTHLY", "byday": "1TU", "opens_at": "18:30"}`,
			"le premier mardi du mois à 18h30", "FREQ=MONTHLY;BYDAY=1TU", "2027-01-05T18:30:00+01:00"},
		{`{"freq": "MONTHLY", "byday": "-1FR", "opens_at": "14:00", "closes_at": "16:00"}`,
			"le dernier vendredi du mois de 14h00 à 16h00", "FREQ=MONTHLY;BYDAY=-1FR", "2027-01-29T14:00:00+01:00"},
		{`{"freq": "MONTHLY", "byday": "2TH,4TH", "opens_at": "19:00"}`,
			"le deuxième jeudi et le quatrième jeudi du mois à 19h00", "FREQ=MONTHLY;BYDAY=2TH,4TH", "2027-01-14T19:00:00+01:00"},
		{`{"freq": "WEEKLY", "interval": 2, "byday": "WE", "opens_at": "10:00", "until": "2027-06-30"}`,
			"un mercredi sur deux à 10h00, jusqu'au 30 juin 2027", "", ""},
	}
	for _, tt := range tests {
		body := `[{"id": "s", "name": "Groupe", "schedules": [` + tt.schedule + `]}]`
		page, err := parseHSDS([]byte(body), "https://t.example/services")
		if err != nil || len(page.Listings) != 1 {
			t.Fatalf("parseHSDS(%s) = %+v, %v", body, page, err)
		}
		got := page.Listings[0].Fields[record.FieldSchedule]
		if got != tt.text {
			t.Errorf("schedule text of %s = %q, want %q", tt.schedule, got, tt.text)
		}
		if tt.rrule == "" {
			continue // every other week needs a start date: the normalizer flags it
		}
		sched, _ := record.ParseWhen(record.WhenInput{Texts: []string{got}, Ref: ref})
		if sched.RRule != tt.rrule || len(sched.Next) == 0 || sched.Next[0].Format(time.RFC3339) != tt.firstNext {
			t.Errorf("ParseWhen(%q) = %q, next %v; want %q, first %s", got, sched.RRule, sched.Next, tt.rrule, tt.firstNext)
		}
	}
}

// TestHSDSScheduleRule checks the RRULE, start and end built from a schedule with a
// dtstart.
func TestHSDSScheduleRule(t *testing.T) {
	tests := []struct {
		schedule          string
		rrule, start, end string
	}{
		{`{"dtstart": "2027-06-01", "freq": "WEEKLY", "interval": 2, "byday": "TU", "opens_at": "17:00Z", "closes_at": "18:30Z", "wkst": "MO"}`,
			"FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;WKST=MO", "2027-06-01T19:00:00+02:00", "2027-06-01T20:30:00+02:00"},
		{`{"dtstart": "2027-01-09T00:00:00Z", "freq": "monthly", "byday": "+2SA", "bymonthday": "8,9,10,11,12,13,14", "opens_at": "22:00", "closes_at": "01:00", "until": "2027-12-31"}`,
			"FREQ=MONTHLY;BYDAY=2SA;BYMONTHDAY=8,9,10,11,12,13,14;UNTIL=20271231T225959Z", "2027-01-09T22:00:00+01:00", "2027-01-10T01:00:00+01:00"},
		{`{"dtstart": "2027-03-01", "freq": "DAILY", "count": 5}`, "FREQ=DAILY;COUNT=5", "2027-03-01", ""},
		{`{"dtstart": "2027-03-01", "freq": "WEEKLY", "byday": "9MO"}`, "FREQ=WEEKLY", "2027-03-01", ""}, // a week out of range is left out
		{`{"freq": "WEEKLY", "byday": "MO"}`, "", "", ""},                                                // no dtstart: text only
	}
	for _, tt := range tests {
		body := `[{"id": "s", "name": "Groupe", "schedules": [` + tt.schedule + `]}]`
		page, err := parseHSDS([]byte(body), "https://t.example/services")
		if err != nil || len(page.Listings) != 1 {
			t.Fatalf("parseHSDS(%s) = %+v, %v", body, page, err)
		}
		f := page.Listings[0].Fields
		if f["rrule"] != tt.rrule || f["start"] != tt.start || f["end"] != tt.end {
			t.Errorf("schedule %s: rrule %q start %q end %q; want %q %q %q", tt.schedule, f["rrule"], f["start"], f["end"], tt.rrule, tt.start, tt.end)
		}
	}
}

// FuzzParseHSDS: API pages come from partners; parsing one must never panic and must
// keep the invariants of every parser.
func FuzzParseHSDS(f *testing.F) {
	fuzzParse(f, "hsds",
		`{"contents": [{"service": {"name": 1, "schedules": [{"dtstart": "2027-01-01T", "freq": "monthly", "byday": "+5SU,-9MO", "opens_at": "25:00", "count": -1}]}, "location": null}], "page_number": 1e99, "total_pages": "2"}`,
		`[{"name": "x", "cost_options": [{"amount": "0,00"}, {"amount": 1e400}], "languages": [null, {"code": "FRA"}], "service_at_locations": [{"location": {"location_type": "VIRTUAL", "url": "//x"}}]}]`,
		`{"resources": [{"path": ["a.csv", 2]}, "x", {"path": "%zz"}]}`,
		`[{"name": "x", "schedules": [{"dtstart": "2027-02-28", "freq": "YEARLY", "byyearday": "366", "bymonthday": "-31", "byweekno": "53", "opens_at": "23:59+14:00", "closes_at": "00:00-12:00"}]}]`)
}
