package sources

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ensemble-be/ensemble/record"
)

// icalGoldenCases loads every testdata/ical/*.yaml definition with the .ics file of the
// same name (goldenCases reads .html, .json and .csv inputs only).
func icalGoldenCases(tb testing.TB) []goldenCase {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "ical", "*.yaml"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no definitions in testdata/ical: %v", err)
	}
	var cases []goldenCase
	for _, path := range paths {
		def, err := LoadFile(path)
		if err != nil {
			tb.Fatalf("LoadFile(%q) = %v", path, err)
		}
		stem := strings.TrimSuffix(path, ".yaml")
		input, err := os.ReadFile(stem + ".ics")
		if err != nil {
			tb.Fatalf("no input beside %s: %v", path, err)
		}
		cases = append(cases, goldenCase{name: "ical/" + filepath.Base(stem), def: def, input: input})
	}
	return cases
}

// TestParseICalGolden parses each testdata/ical calendar and compares the page with
// its golden file.
func TestParseICalGolden(t *testing.T) {
	for _, c := range icalGoldenCases(t) {
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

// icalDoc wraps VEVENT lines (and whatever else) in a calendar.
func icalDoc(lines ...string) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + strings.Join(lines, "\r\n") + "\r\nEND:VCALENDAR\r\n"
}

// TestParseICal checks the fields of single events: zones, all-day ends, durations,
// recurrences, overrides without a series.
func TestParseICal(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		want     map[string]string // fields of the only listing
		problems []string          // substrings of the problems, in order
	}{
		{
			name: "timed event in Brussels, summer",
			body: icalDoc("BEGIN:VEVENT", "UID:a", "SUMMARY:Groupe", "DTSTART;TZID=Europe/Brussels:20270706T190000",
				"DTEND;TZID=Europe/Brussels:20270706T210000", "END:VEVENT"),
			want: map[string]string{"title": "Groupe", "start": "2027-07-06T19:00:00+02:00", "end": "2027-07-06T21:00:00+02:00"},
		},
		{
			name: "lower-case names and an old Mozilla TZID",
			body: icalDoc("BEGIN:VEVENT", "uid:b", "summary:Groupe", "dtstart;tzid=/mozilla.org/20050126_1/Europe/Brussels:20270106T190000", "END:VEVENT"),
			want: map[string]string{"title": "Groupe", "start": "2027-01-06T19:00:00+01:00"},
		},
		{
			name: "all-day event with a DURATION of two days",
			body: icalDoc("BEGIN:VEVENT", "UID:c", "SUMMARY:Stage", "DTSTART;VALUE=DATE:20270301", "DURATION:P2D", "END:VEVENT"),
			want: map[string]string{"title": "Stage", "start": "2027-03-01", "end": "2027-03-02"},
		},
		{
			name: "one-day all-day event without DTEND",
			body: icalDoc("BEGIN:VEVENT", "UID:d", "SUMMARY:Journée", "DTSTART:20270301", "END:VEVENT"),
			want: map[string]string{"title": "Journée", "start": "2027-03-01"},
		},
		{
			name: "all-day series: exdates and rdates are dates",
			body: icalDoc("BEGIN:VEVENT", "UID:e", "SUMMARY:Permanence", "DTSTART;VALUE=DATE:20270301", "RRULE:FREQ=WEEKLY",
				"EXDATE:20270308T000000Z", "RDATE;VALUE=DATE:20270304", "END:VEVENT"),
			want: map[string]string{"title": "Permanence", "start": "2027-03-01", "rrule": "FREQ=WEEKLY",
				"exdates": "2027-03-08", "rdates": "2027-03-04"},
		},
		{
			name: "a DURATION over the DST change is nominal days and exact hours",
			body: icalDoc("BEGIN:VEVENT", "UID:f", "SUMMARY:Retraite", "DTSTART;TZID=Europe/Brussels:20270327T100000", "DURATION:P1DT2H", "END:VEVENT"),
			want: map[string]string{"title": "Retraite", "start": "2027-03-27T10:00:00+01:00", "end": "2027-03-28T12:00:00+02:00"},
		},
		{
			name: "a cancelled override without a series is a cancelled listing",
			body: icalDoc("BEGIN:VEVENT", "UID:g", "RECURRENCE-ID:20270301T180000Z", "STATUS:CANCELLED", "SUMMARY:Groupe",
				"DTSTART:20270301T180000Z", "END:VEVENT"),
			want: map[string]string{"title": "Groupe", "start": "2027-03-01T18:00:00Z", "status": "cancelled"},
		},
		{
			name: "a bad EXDATE value is a Problem, the good ones are kept",
			body: icalDoc("BEGIN:VEVENT", "UID:h", "SUMMARY:Groupe", "DTSTART:20270301T180000Z", "RRULE:FREQ=DAILY",
				"EXDATE:20270302T180000Z,demain", "END:VEVENT"),
			want:     map[string]string{"title": "Groupe", "start": "2027-03-01T18:00:00Z", "rrule": "FREQ=DAILY", "exdates": "2027-03-02T18:00:00Z"},
			problems: []string{`event 1 (UID h): EXDATE: "DEMAIN" is not a date-time`},
		},
		{
			name: "a VTIMEZONE without an IANA name: its rules",
			body: icalDoc("BEGIN:VTIMEZONE", "TZID:Heure de Bruxelles", "BEGIN:STANDARD", "DTSTART:19961027T030000",
				"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "END:STANDARD",
				"BEGIN:DAYLIGHT", "DTSTART:19810329T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "TZOFFSETFROM:+0100",
				"TZOFFSETTO:+0200", "END:DAYLIGHT", "END:VTIMEZONE",
				"BEGIN:VEVENT", "UID:i", "SUMMARY:Groupe", "DTSTART;TZID=Heure de Bruxelles:20270328T030000",
				"DTEND;TZID=Heure de Bruxelles:20271031T020000", "END:VEVENT"),
			want: map[string]string{"title": "Groupe", "start": "2027-03-28T03:00:00+02:00", "end": "2027-10-31T02:00:00+02:00"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := parseICal([]byte(tt.body), "https://t.example/agenda.ics")
			if err != nil {
				t.Fatalf("parseICal error = %v", err)
			}
			checkPageInvariants(t, "https://t.example/agenda.ics", page)
			if len(page.Listings) != 1 {
				t.Fatalf("parseICal = %d listings (%+v), want 1", len(page.Listings), page.Problems)
			}
			got := page.Listings[0].Fields
			if len(got) != len(tt.want) {
				t.Errorf("parseICal fields = %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("parseICal field %s = %q, want %q", k, got[k], v)
				}
			}
			if len(page.Problems) != len(tt.problems) {
				t.Fatalf("parseICal problems = %v, want %q", page.Problems, tt.problems)
			}
			for i, p := range page.Problems {
				if !strings.Contains(p.String(), tt.problems[i]) {
					t.Errorf("parseICal problem %d = %q, want it to contain %q", i+1, p, tt.problems[i])
				}
			}
		})
	}
}

// TestParseICalErrors: what is not a calendar, or does not parse outside its events,
// is an error.
func TestParseICalErrors(t *testing.T) {
	for _, body := range []string{
		"",
		"<!DOCTYPE html><html><body>Agenda</body></html>",
		"BEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\n",
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nthis is not a property\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		"BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nnot a property\r\nEND:VTODO\r\nEND:VCALENDAR\r\n",
	} {
		page, err := parseICal([]byte(body), "https://t.example/agenda.ics")
		if err == nil {
			t.Errorf("parseICal(%q) = %+v, want an error", body, page)
		}
	}
}

// TestParseICalEmpty: a calendar without events is a Problem, not an error.
func TestParseICalEmpty(t *testing.T) {
	page, err := parseICal([]byte(icalDoc("X-WR-CALNAME:Vide")), "https://t.example/agenda.ics")
	if err != nil || len(page.Listings) != 0 || len(page.Problems) != 1 || page.Problems[0].Message != "no VEVENT" {
		t.Errorf("parseICal(empty calendar) = %+v, %v; want no listing and the problem \"no VEVENT\"", page, err)
	}
}

// TestParseICalExpand reads the golden series with ExpandICal, as the normalizer does:
// overrides and exdates are applied, the time stays 19:00 across the DST change.
func TestParseICalExpand(t *testing.T) {
	var c goldenCase
	for _, gc := range icalGoldenCases(t) {
		if gc.name == "ical/groupes" {
			c = gc
		}
	}
	page, err := Parse(c.def, c.input, c.def.URL)
	if err != nil || len(page.Listings) == 0 {
		t.Fatalf("Parse(%s) = %d listings, %v", c.name, len(page.Listings), err)
	}
	f := page.Listings[0].Fields
	start := record.ParseICalDates(f["start"])
	end := record.ParseICalDates(f["end"])
	if len(start) != 1 || len(end) != 1 {
		t.Fatalf("start %q, end %q: want one date each", f["start"], f["end"])
	}
	next, err := record.ExpandICal(start[0], &end[0], f["rrule"], record.ParseICalDates(f["exdates"]), record.ParseICalDates(f["rdates"]),
		time.Date(2027, 2, 10, 12, 0, 0, 0, record.Brussels))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, t := range next {
		got = append(got, t.Format(time.RFC3339))
	}
	want := "2027-02-23T19:00:00+01:00 2027-03-04T19:00:00+01:00 2027-03-09T19:00:00+01:00 2027-03-16T19:00:00+01:00 2027-03-23T19:00:00+01:00 " +
		"2027-04-13T19:00:00+02:00 2027-04-20T19:00:00+02:00 2027-04-27T19:00:00+02:00 2027-05-04T19:00:00+02:00 2027-05-11T19:00:00+02:00"
	if strings.Join(got, " ") != want {
		t.Errorf("next = %s\nwant %s", strings.Join(got, " "), want)
	}
}

// FuzzParseICal: calendars come from partners; parsing one must never panic and must
// keep the invariants of every parser.
func FuzzParseICal(f *testing.F) {
	cases := icalGoldenCases(f)
	for _, c := range cases {
		f.Add(c.input)
	}
	for _, s := range []string{
		icalDoc("BEGIN:VEVENT", "DTSTART;TZID=X:20270101T100000", "RRULE:FREQ=SECONDLY", "END:VEVENT"),
		icalDoc("BEGIN:VEVENT", "DTSTART;VALUE=PERIOD:/", "DURATION:P99999999W", "EXDATE;VALUE=DATE:,,", "END:VEVENT"),
		icalDoc("BEGIN:VTIMEZONE", "TZID:Z", "BEGIN:DAYLIGHT", "DTSTART:00010101T000000", "RRULE:FREQ=YEARLY;BYMONTH=2;BYDAY=5SU", "TZOFFSETTO:+2400", "TZOFFSETFROM:-0000", "END:DAYLIGHT", "END:VTIMEZONE",
			"BEGIN:VEVENT", "UID:", "DTSTART;TZID=Z:99991231T235959", "RECURRENCE-ID:x", "END:VEVENT"),
		"BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;TZID=\"a\\",
		"BEGIN:VCALENDAR\r\n\xff\xfe",
	} {
		f.Add([]byte(s))
	}
	def := cases[0].def
	f.Fuzz(func(t *testing.T, body []byte) {
		page, err := Parse(def, body, def.URL)
		if err != nil {
			if len(page.Listings) != 0 || len(page.Problems) != 0 {
				t.Fatalf("Parse returned a page with its error %v", err)
			}
			return
		}
		checkPageInvariants(t, def.URL, page)
		for i, l := range page.Listings {
			for name, v := range l.Fields {
				if !utf8.ValidString(v) {
					t.Errorf("listing %d field %s = %q, not UTF-8", i+1, name, v)
				}
			}
			if s := l.Fields[record.FieldStart]; s != "" && len(record.ParseICalDates(s)) != 1 {
				t.Errorf("listing %d start %q does not parse", i+1, s)
			}
		}
	})
}
