package crawler

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// MinInterval is the shortest time allowed between two crawls of a source.
const MinInterval = time.Minute

// maxSpecLen bounds the length of a cron spec.
const maxSpecLen = 200

// Schedule is a validated crawl schedule. It implements cron.Schedule.
type Schedule struct {
	spec  string
	sched cron.Schedule
}

// Next returns the first time after t the schedule fires, or the zero time if never.
// Specs without CRON_TZ= are read in t's location (the Scheduler's is UTC).
func (s Schedule) Next(t time.Time) time.Time { return s.sched.Next(t) }

// String returns the spec the schedule was parsed from.
func (s Schedule) String() string { return s.spec }

// ParseSchedule parses a cron spec: five fields (minute hour day-of-month month
// day-of-week), or a descriptor (@hourly, @daily, @weekly, @monthly, @yearly,
// "@every 6h"), optionally preceded by CRON_TZ=<zone>. It refuses specs that never
// fire or fire more often than MinInterval, or are longer than 200 characters, and
// never panics (some specs crash the cron parser).
func ParseSchedule(spec string) (s Schedule, err error) {
	spec = strings.Join(strings.Fields(spec), " ") // the parser splits a time zone off at a space only
	defer func() {
		if r := recover(); r != nil {
			s, err = Schedule{}, fmt.Errorf("schedule %q: not a valid cron spec", spec)
		}
	}()
	if spec == "" {
		return Schedule{}, fmt.Errorf("schedule %q: empty", spec)
	}
	if len(spec) > maxSpecLen {
		return Schedule{}, fmt.Errorf("schedule %.40q…: longer than %d characters", spec, maxSpecLen)
	}
	if (strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=")) && !strings.Contains(spec, " ") {
		return Schedule{}, fmt.Errorf("schedule %q: a time zone without a schedule after it", spec)
	}
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return Schedule{}, fmt.Errorf("schedule %q: %w", spec, err)
	}
	if err := checkInterval(sched); err != nil {
		return Schedule{}, fmt.Errorf("schedule %q: %w", spec, err)
	}
	return Schedule{spec: spec, sched: sched}, nil
}

// checkInterval refuses a schedule that never fires or fires more often than
// MinInterval. "@every" is checked exactly; a spec by its next few firings (the
// standard parser has no seconds field, so a spec fires at most once a minute).
func checkInterval(sched cron.Schedule) error {
	if every, ok := sched.(cron.ConstantDelaySchedule); ok {
		if every.Delay < MinInterval {
			return fmt.Errorf("interval %v is under the minimum of %v", every.Delay, MinInterval)
		}
		return nil
	}
	t := sched.Next(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if t.IsZero() {
		return errors.New("never fires")
	}
	for range 10 {
		next := sched.Next(t)
		if next.IsZero() {
			break
		}
		if gap := next.Sub(t); gap < MinInterval {
			return fmt.Errorf("fires %v apart, under the minimum of %v", gap, MinInterval)
		}
		t = next
	}
	return nil
}
