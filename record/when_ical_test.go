package record

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/teambition/rrule-go"
)

// bxl is a wall-clock time in Brussels.
func bxl(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, Brussels)
}

// rfc formats times for failure messages and comparisons.
func rfc(ts []time.Time) string {
	var s []string
	for _, t := range ts {
		s = append(s, t.Format(time.RFC3339))
	}
	return strings.Join(s, " ")
}

// TestExpandICal checks occurrences: DST, EXDATE, RDATE, UNTIL, COUNT, monthly rules,
// UTC and all-day starts, the window.
func TestExpandICal(t *testing.T) {
	end := func(t time.Time) *time.Time { return &t }
	tests := []struct {
		name    string
		start   time.Time
		end     *time.Time
		rule    string
		ex, r   []time.Time
		ref     time.Time
		want    string // RFC 3339, space-separated
		wantErr bool
	}{
		{
			name:  "weekly Tuesday 19:00 across the DST change stays 19:00",
			start: bxl(2027, 3, 9, 19, 0), rule: "FREQ=WEEKLY;BYDAY=TU;COUNT=5",
			ref:  bxl(2027, 3, 15, 12, 0),
			want: "2027-03-16T19:00:00+01:00 2027-03-23T19:00:00+01:00 2027-03-30T19:00:00+02:00 2027-04-06T19:00:00+02:00",
		},
		{
			name:  "EXDATE removes one",
			start: bxl(2027, 3, 9, 19, 0), rule: "FREQ=WEEKLY;BYDAY=TU;COUNT=4",
			ex:   []time.Time{bxl(2027, 3, 23, 19, 0)},
			ref:  bxl(2027, 3, 1, 0, 0),
			want: "2027-03-09T19:00:00+01:00 2027-03-16T19:00:00+01:00 2027-03-30T19:00:00+02:00",
		},
		{
			name:  "EXDATE in UTC matches the same instant",
			start: bxl(2027, 3, 9, 19, 0), rule: "FREQ=WEEKLY;COUNT=3",
			ex:   []time.Time{time.Date(2027, 3, 16, 18, 0, 0, 0, time.UTC)},
			ref:  bxl(2027, 3, 1, 0, 0),
			want: "2027-03-09T19:00:00+01:00 2027-03-23T19:00:00+01:00",
		},
		{
			name:  "RDATE adds one, in order",
			start: bxl(2027, 3, 9, 19, 0), rule: "FREQ=WEEKLY;BYDAY=TU;COUNT=3",
			r:    []time.Time{bxl(2027, 3, 18, 18, 30)},
			ref:  bxl(2027, 3, 1, 0, 0),
			want: "2027-03-09T19:00:00+01:00 2027-03-16T19:00:00+01:00 2027-03-18T18:30:00+01:00 2027-03-23T19:00:00+01:00",
		},
		{
			name:  "UNTIL in the past gives none",
			start: bxl(2026, 1, 6, 19, 0), rule: "FREQ=WEEKLY;BYDAY=TU;UNTIL=20260630T170000Z",
			ref:  bxl(2027, 1, 1, 0, 0),
			want: "",
		},
		{
			name:  "UNTIL is inclusive",
			start: bxl(2027, 6, 1, 19, 0), rule: "FREQ=WEEKLY;UNTIL=20270615T170000Z",
			ref:  bxl(2027, 5, 1, 0, 0),
			want: "2027-06-01T19:00:00+02:00 2027-06-08T19:00:00+02:00 2027-06-15T19:00:00+02:00",
		},
		{
			name:  "COUNT counts from the start, not from the reference day",
			start: bxl(2027, 1, 5, 19, 0), rule: "FREQ=WEEKLY;COUNT=4",
			ref:  bxl(2027, 1, 15, 0, 0),
			want: "2027-01-19T19:00:00+01:00 2027-01-26T19:00:00+01:00",
		},
		{
			name:  "monthly on the first Tuesday",
			start: bxl(2027, 1, 5, 18, 30), rule: "RRULE:FREQ=MONTHLY;BYDAY=1TU;COUNT=4",
			ref:  bxl(2027, 1, 1, 0, 0),
			want: "2027-01-05T18:30:00+01:00 2027-02-02T18:30:00+01:00 2027-03-02T18:30:00+01:00 2027-04-06T18:30:00+02:00",
		},
		{
			name:  "monthly on the last Friday, a start years ago",
			start: bxl(2019, 11, 29, 14, 0), rule: "FREQ=MONTHLY;BYDAY=-1FR",
			ref:  bxl(2027, 1, 10, 9, 0),
			want: "2027-01-29T14:00:00+01:00 2027-02-26T14:00:00+01:00 2027-03-26T14:00:00+01:00 2027-04-30T14:00:00+02:00 2027-05-28T14:00:00+02:00 2027-06-25T14:00:00+02:00 2027-07-30T14:00:00+02:00 2027-08-27T14:00:00+02:00 2027-09-24T14:00:00+02:00 2027-10-29T14:00:00+02:00",
		},
		{
			name:  "monthly on the 31st skips short months",
			start: bxl(2026, 12, 31, 10, 0), rule: "FREQ=MONTHLY;COUNT=4",
			ref:  bxl(2026, 12, 1, 0, 0),
			want: "2026-12-31T10:00:00+01:00 2027-01-31T10:00:00+01:00 2027-03-31T10:00:00+02:00 2027-05-31T10:00:00+02:00",
		},
		{
			name:  "every other week keeps its phase from a start long ago",
			start: bxl(2020, 1, 7, 20, 0), rule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
			ref: bxl(2027, 3, 1, 0, 0),
			// 2027-03-09 is 2020-01-07 + 187 fortnights.
			want: "2027-03-09T20:00:00+01:00 2027-03-23T20:00:00+01:00 2027-04-06T20:00:00+02:00 2027-04-20T20:00:00+02:00 2027-05-04T20:00:00+02:00 2027-05-18T20:00:00+02:00 2027-06-01T20:00:00+02:00 2027-06-15T20:00:00+02:00 2027-06-29T20:00:00+02:00 2027-07-13T20:00:00+02:00",
		},
		{
			name:  "a UTC start stays in UTC across the DST change",
			start: time.Date(2027, 3, 23, 18, 0, 0, 0, time.UTC), rule: "FREQ=WEEKLY;COUNT=2",
			ref:  bxl(2027, 3, 1, 0, 0),
			want: "2027-03-23T18:00:00Z 2027-03-30T18:00:00Z",
		},
		{
			name:  "a fixed offset is read in Brussels",
			start: time.Date(2027, 3, 23, 19, 0, 0, 0, time.FixedZone("", 3600)), rule: "FREQ=WEEKLY;COUNT=2",
			ref:  bxl(2027, 3, 1, 0, 0),
			want: "2027-03-23T19:00:00+01:00 2027-03-30T19:00:00+02:00",
		},
		{
			name:  "all-day weekly dates stay at midnight",
			start: bxl(2027, 3, 20, 0, 0), rule: "FREQ=WEEKLY;COUNT=3",
			ref:  bxl(2027, 3, 1, 0, 0),
			want: "2027-03-20T00:00:00+01:00 2027-03-27T00:00:00+01:00 2027-04-03T00:00:00+02:00",
		},
		{
			name:  "no rule: the start and the rdates",
			start: bxl(2027, 5, 4, 19, 0),
			r:     []time.Time{bxl(2027, 5, 18, 19, 0), bxl(2026, 5, 18, 19, 0)},
			ref:   bxl(2027, 5, 1, 0, 0),
			want:  "2027-05-04T19:00:00+02:00 2027-05-18T19:00:00+02:00",
		},
		{
			name:  "an occurrence still going on counts",
			start: bxl(2027, 3, 5, 9, 0), end: end(bxl(2027, 3, 7, 17, 0)), rule: "FREQ=MONTHLY;COUNT=2",
			ref:  bxl(2027, 3, 6, 12, 0),
			want: "2027-03-05T09:00:00+01:00 2027-04-05T09:00:00+02:00",
		},
		{
			name:  "a year after the reference day at most",
			start: bxl(2027, 1, 1, 10, 0), rule: "FREQ=YEARLY",
			ref:  bxl(2027, 1, 1, 0, 0),
			want: "2027-01-01T10:00:00+01:00",
		},
		{
			name:  "zero ref: the first occurrences",
			start: bxl(2001, 1, 2, 10, 0), rule: "FREQ=DAILY;COUNT=3",
			want: "2001-01-02T10:00:00+01:00 2001-01-03T10:00:00+01:00 2001-01-04T10:00:00+01:00",
		},
		{
			name:  "a rule that never occurs: the start alone",
			start: bxl(2027, 1, 4, 10, 0), rule: "FREQ=MONTHLY;BYDAY=1MO;BYMONTHDAY=15",
			ref:  bxl(2027, 1, 1, 0, 0),
			want: "2027-01-04T10:00:00+01:00",
		},
		{
			name:  "BYSETPOS: the last weekday of the month",
			start: bxl(2027, 1, 29, 12, 0), rule: "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3",
			ref:  bxl(2027, 1, 1, 0, 0),
			want: "2027-01-29T12:00:00+01:00 2027-02-26T12:00:00+01:00 2027-03-31T12:00:00+02:00",
		},
		{name: "a week of the month beyond the fifth", start: bxl(2027, 1, 1, 10, 0), rule: "FREQ=MONTHLY;BYDAY=8TU", wantErr: true},
		{name: "a week with WEEKLY", start: bxl(2027, 1, 1, 10, 0), rule: "FREQ=WEEKLY;BYDAY=1TU", wantErr: true},
		{name: "BYWEEKNO is not supported", start: bxl(2027, 1, 1, 10, 0), rule: "FREQ=YEARLY;BYWEEKNO=20", wantErr: true},
		{name: "unparseable rule", start: bxl(2027, 1, 1, 10, 0), rule: "FREQ=FORTNIGHTLY", wantErr: true},
		{name: "rule without FREQ", start: bxl(2027, 1, 1, 10, 0), rule: "BYDAY=TU", wantErr: true},
		{name: "more often than daily", start: bxl(2027, 1, 1, 10, 0), rule: "FREQ=HOURLY", wantErr: true},
		{name: "BYDAY week out of range", start: bxl(2027, 1, 1, 10, 0), rule: "FREQ=MONTHLY;BYDAY=99TU", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ExpandICal(tt.start, tt.end, tt.rule, tt.ex, tt.r, tt.ref)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ExpandICal(%s, %q) error = %v, want error %v", tt.start, tt.rule, err, tt.wantErr)
			}
			if got == nil {
				t.Fatalf("ExpandICal(%s, %q) = nil, want a non-nil slice", tt.start, tt.rule)
			}
			if rfc(got) != tt.want {
				t.Errorf("ExpandICal(%s, %q) =\n %s\nwant\n %s", tt.start, tt.rule, rfc(got), tt.want)
			}
		})
	}
}

// TestExpandICalShift checks that moving the anchor of a rule that starts long before
// the window gives the same occurrences as walking from its start.
func TestExpandICalShift(t *testing.T) {
	ref := bxl(2027, 2, 17, 15, 0)
	from := bxl(2027, 2, 17, 0, 0)
	for _, rule := range []string{
		"FREQ=DAILY;INTERVAL=3",
		"FREQ=DAILY;BYDAY=MO,WE",
		"FREQ=WEEKLY;INTERVAL=2",
		"FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,TH;WKST=SU",
		"FREQ=WEEKLY;BYDAY=SA;BYSETPOS=1",
		"FREQ=MONTHLY;INTERVAL=2;BYDAY=2WE",
		"FREQ=MONTHLY;INTERVAL=5",
		"FREQ=MONTHLY;BYMONTHDAY=-1",
		"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
		"FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
	} {
		for _, start := range []time.Time{bxl(2003, 8, 31, 19, 30), bxl(2026, 10, 25, 2, 30), bxl(2027, 2, 16, 23, 0)} {
			got, err := ExpandICal(start, nil, rule, nil, nil, ref)
			if err != nil {
				t.Fatalf("ExpandICal(%s, %q) error = %v", start, rule, err)
			}
			opt, err := rrule.StrToROptionInLocation(rule, Brussels)
			if err != nil {
				t.Fatal(err)
			}
			opt.Dtstart = start
			r, err := rrule.NewRRule(*opt)
			if err != nil {
				t.Fatal(err)
			}
			want := r.Between(from, from.AddDate(1, 0, 0), true)
			if !start.Before(from) {
				want = append([]time.Time{start}, want...)
				want = slices.CompactFunc(want, func(a, b time.Time) bool { return a.Equal(b) })
			}
			if len(want) > WhenMaxNext {
				want = want[:WhenMaxNext]
			}
			if rfc(got) != rfc(want) {
				t.Errorf("ExpandICal(%s, %q) =\n %s\nwant\n %s", start, rule, rfc(got), rfc(want))
			}
		}
	}
}

// TestCheckICalRule checks which rules ExpandICal accepts.
func TestCheckICalRule(t *testing.T) {
	for _, rule := range []string{"FREQ=WEEKLY;BYDAY=TU", "RRULE:FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20270630", "freq=daily;count=3"} {
		if err := CheckICalRule(rule); err != nil {
			t.Errorf("CheckICalRule(%q) = %v, want nil", rule, err)
		}
	}
	for _, rule := range []string{"", "FREQ=MINUTELY", "FREQ=WEEKLY;BYHOUR=19", "FREQ=WEEKLY;BYDAY=XX", "FREQ=MONTHLY;BYMONTHDAY=32", "FREQ=WEEKLY;INTERVAL=-1", "FREQ=WEEKLY;X-NAME=1"} {
		if err := CheckICalRule(rule); err == nil || !strings.Contains(err.Error(), "rrule") {
			t.Errorf("CheckICalRule(%q) = %v, want an error naming the rule", rule, err)
		}
	}
}

// TestParseICalDates checks the forms of dates the iCalendar fields hold.
func TestParseICalDates(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"2027-02-09T19:00:00+01:00", "2027-02-09T19:00:00+01:00"},
		{"2027-07-06T17:00:00Z, 2027-07-13T19:00:00+02:00", "2027-07-06T17:00:00Z 2027-07-13T19:00:00+02:00"},
		{"2027-02-09T19:00:00+00:00", "2027-02-09T19:00:00Z"},
		{"2027-02-09T13:00:00-05:00", "2027-02-09T19:00:00+01:00"},
		{"2027-02-09", "2027-02-09T00:00:00+01:00"},
		{"20270209T190000Z,20270209T190000,20270209", "2027-02-09T19:00:00Z 2027-02-09T19:00:00+01:00 2027-02-09T00:00:00+01:00"},
		{"mardi, 2027-13-01, 2027-08-01", "2027-08-01T00:00:00+02:00"},
	}
	for _, tt := range tests {
		if got := rfc(ParseICalDates(tt.in)); got != tt.want {
			t.Errorf("ParseICalDates(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
	for _, ts := range ParseICalDates("2027-02-09T19:00:00+01:00,2027-02-09T19:00:00Z") {
		if loc := ts.Location(); loc != Brussels && loc != time.UTC {
			t.Errorf("ParseICalDates gave a time in %v, want Brussels or UTC", loc)
		}
	}
}

// FuzzExpandICal: rules come from partners' calendars; expanding one must never panic,
// nor hang, and must keep ExpandICal's promises.
func FuzzExpandICal(f *testing.F) {
	for _, s := range []string{
		"FREQ=WEEKLY;BYDAY=TU", "FREQ=MONTHLY;BYDAY=1TU;COUNT=5", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
		"FREQ=YEARLY;BYWEEKNO=1;BYYEARDAY=200", "FREQ=WEEKLY;INTERVAL=2147483647", "FREQ=MONTHLY;BYDAY=-5MO;BYSETPOS=-1",
		"FREQ=WEEKLY;UNTIL=20270630T170000Z", "FREQ=MINUTELY", "FREQ=DAILY;COUNT=99999999", "FREQ=WEEKLY;BYDAY=53MO",
	} {
		f.Add(s, int64(1736881200), int64(1800000000), int64(7200))
	}
	f.Add("FREQ=DAILY", int64(-62135596800), int64(1800000000), int64(-1))
	f.Fuzz(func(t *testing.T, rule string, start, ref, dur int64) {
		s := time.Unix(start%(1<<40), 0).In(Brussels)
		r := time.Unix(ref%(1<<40), 0)
		e := s.Add(time.Duration(dur) * time.Second)
		next, err := ExpandICal(s, &e, rule, []time.Time{s.AddDate(0, 0, 7)}, []time.Time{s.AddDate(0, 0, 3)}, r)
		if next == nil {
			t.Fatalf("ExpandICal(%q) = nil", rule)
		}
		if err != nil && len(next) > 0 {
			t.Fatalf("ExpandICal(%q) = %v with error %v", rule, next, err)
		}
		if len(next) > WhenMaxNext {
			t.Fatalf("ExpandICal(%q) = %d occurrences, want at most %d", rule, len(next), WhenMaxNext)
		}
		for i := 1; i < len(next); i++ {
			if !next[i-1].Before(next[i]) {
				t.Fatalf("ExpandICal(%q) = %s, not sorted without duplicates", rule, rfc(next))
			}
		}
	})
}
