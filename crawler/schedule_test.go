package crawler

import (
	"strings"
	"testing"
	"time"
)

func TestParseSchedule(t *testing.T) {
	tests := []struct {
		spec    string
		wantErr string // substring; "" for a valid spec
	}{
		{"* * * * *", ""},
		{"0 3 * * *", ""},
		{"30 2 * * 1-5", ""},
		{"*/15 6-22 * * *", ""},
		{"@hourly", ""},
		{"@daily", ""},
		{"@weekly", ""},
		{"@every 6h", ""},
		{"@every 1m", ""},
		{"  @daily  ", ""},
		{"CRON_TZ=Europe/Brussels 0 3 * * *", ""},
		{"TZ=UTC 0 3 * * *", ""},
		{"CRON_TZ=Europe/Brussels\t0  3 * * *", ""},

		{"", `schedule "": empty`},
		{"61 * * * *", `schedule "61 * * * *": end of range (61) above maximum (59): 61`},
		{"* * * *", `schedule "* * * *": expected exactly 5 fields, found 4: [* * * *]`},
		{"0 0 * * * *", "expected exactly 5 fields"},
		{"*/0 * * * *", "step of range should be a positive number"},
		{"0 0 30 2 *", "never fires"},
		{"@every 0s", "interval 1s is under the minimum of 1m0s"},
		{"@every 5s", "interval 5s is under the minimum of 1m0s"},
		{"@every 59s", "under the minimum"},
		{"@every -1h", "under the minimum"},
		{"@every soon", "failed to parse duration"},
		{"@reboot", "unrecognized descriptor"},
		{"daily", "expected exactly 5 fields"},
		// These crash the cron parser.
		{"TZ=0", `schedule "TZ=0": a time zone without a schedule`},
		{"CRON_TZ=Europe/Brussels", "a time zone without a schedule"},
		{"CRON_TZ=Mars/Olympus 0 3 * * *", "provided bad location Mars/Olympus"},
		// Garbage.
		{"💥 * * * *", "schedule \"💥 * * * *\""},
		{"* * * * * * * * * *", "expected exactly 5 fields"},
		{"@every 1h30x", "failed to parse duration"},
		{"0 0 * * 9", "above maximum"},
		{"-1 * * * *", "schedule"},
		{"0-59/0 * * * *", "step of range should be a positive number"},
		{"\x00", "schedule"},
		{"CRON_TZ=../../etc/passwd 0 3 * * *", "bad location"},
		{strings.Repeat("1,", 10000) + "1 * * * *", "longer than 200 characters"},
	}
	for _, tt := range tests {
		s, err := ParseSchedule(tt.spec)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("ParseSchedule(%q) error = %v, want none", tt.spec, err)
		case tt.wantErr != "" && err == nil:
			t.Errorf("ParseSchedule(%q) = %v, want error containing %q", tt.spec, s, tt.wantErr)
		case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
			t.Errorf("ParseSchedule(%q) error = %q, want it to contain %q", tt.spec, err, tt.wantErr)
		case tt.wantErr == "" && s.Next(time.Now()).IsZero():
			t.Errorf("ParseSchedule(%q).Next(now) is zero, want a time", tt.spec)
		}
	}
}

func TestScheduleNextUTC(t *testing.T) {
	s, err := ParseSchedule("30 2 * * *")
	if err != nil {
		t.Fatal(err)
	}
	// The night Brussels moves to summer time, 02:30 local does not exist; in UTC it does.
	from := time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC)
	if got, want := s.Next(from), time.Date(2026, 3, 29, 2, 30, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("ParseSchedule(%q).Next(%v) = %v, want %v", s, from, got, want)
	}
}

func FuzzParseSchedule(f *testing.F) {
	for _, seed := range []string{"TZ=0", "CRON_TZ=Europe/Brussels", "@every 0s", "0 3 * * *", "*/0 * * * *", "CRON_TZ= ", "TZ=UTC @every 1h"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		s, err := ParseSchedule(spec) // must not panic
		if err == nil {
			if next := s.Next(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); next.IsZero() {
				t.Errorf("ParseSchedule(%q) accepted a schedule that never fires", spec)
			}
		}
	})
}
