package record

// This file expands the recurrence of an iCalendar event (a source's own RRULE, EXDATE
// and RDATE, as the ical and hsds parsers pass them in the rrule, exdates and rdates
// fields) with rrule-go.

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/teambition/rrule-go"
)

// icalMaxSteps bounds how many occurrences of a rule ExpandICal walks through, before
// and in the window: a guard against rules that repeat many times a day or that start
// centuries ago with a COUNT.
const icalMaxSteps = 100000

// ExpandICal returns the next occurrences of an iCalendar event that starts at start:
// the occurrences of rrule (an RFC 5545 RRULE value, "FREQ=WEEKLY;BYDAY=TU", with or
// without its "RRULE:" name; "" for none) anchored at start, plus start itself (RFC
// 5545 counts DTSTART as the first occurrence) and rdates, minus exdates (matched to
// the instant). They are sorted, without duplicates, at most WhenMaxNext.
//
// Occurrences count from the start of ref's day in Brussels to the same day a year
// later; an occurrence that started before that day and is still going on (end gives
// the duration of each occurrence, when it is after start) counts too. With a zero ref
// the first occurrences from start are returned.
//
// The rule is expanded in start's location: wall-clock times in Europe/Brussels, a
// meeting at 19:00 staying at 19:00 across DST changes; a start in UTC stays in UTC, as
// RFC 5545 says of DTSTART with "Z". A start with only a fixed offset (as time.Parse
// reads "+01:00") is read in Europe/Brussels; ParseICalDates reads the fields so.
// A floating UNTIL is read in the same location.
//
// err is for a rule CheckICalRule refuses; next is then empty. A rule that can never
// occur (BYMONTH=2;BYMONTHDAY=30) gives no occurrences, and no error.
func ExpandICal(start time.Time, end *time.Time, rrule string, exdates, rdates []time.Time, ref time.Time) (next []time.Time, err error) {
	defer func() {
		// rrule-go indexes its tables with the rule's values: a rule it was not
		// written for must not stop a crawl.
		if r := recover(); r != nil {
			next, err = []time.Time{}, fmt.Errorf("rrule %q: %v", rrule, r)
		}
	}()
	next = []time.Time{}
	loc := icalLocation(start)
	start = start.In(loc)
	var dur time.Duration
	if end != nil && end.After(start) && end.Sub(start) <= 366*24*time.Hour {
		dur = end.Sub(start)
	}
	w := icalWindow{dur: dur}
	if !ref.IsZero() {
		r := ref.In(Brussels)
		w.from = time.Date(r.Year(), r.Month(), r.Day(), 0, 0, 0, 0, Brussels)
		w.limit = w.from.AddDate(1, 0, 0)
	}
	excluded := map[icalInstant]bool{}
	for _, t := range exdates {
		excluded[icalKey(t)] = true
	}
	keep := func(t time.Time) bool { return w.contains(t) && !excluded[icalKey(t)] }

	var occ []time.Time
	if keep(start) {
		occ = append(occ, start)
	}
	for _, t := range rdates {
		if keep(t) {
			occ = append(occ, t.In(loc))
		}
	}
	if rule := strings.TrimSpace(rrule); rule != "" {
		fromRule, err := icalOccurrences(rule, start, w, keep)
		if err != nil {
			return next, err
		}
		occ = append(occ, fromRule...)
	}
	slices.SortFunc(occ, func(a, b time.Time) int { return a.Compare(b) })
	occ = slices.CompactFunc(occ, func(a, b time.Time) bool { return a.Equal(b) })
	if len(occ) > WhenMaxNext {
		occ = occ[:WhenMaxNext]
	}
	return append(next, occ...), nil
}

// icalWindow is the span ExpandICal keeps occurrences in: [from, limit), or every
// occurrence when from is zero; dur lets an occurrence that started before from count
// while it is still going on.
type icalWindow struct {
	from, limit time.Time
	dur         time.Duration
}

// contains reports whether an occurrence starting at t counts.
func (w icalWindow) contains(t time.Time) bool {
	if w.from.IsZero() {
		return true
	}
	return t.Before(w.limit) && (!t.Before(w.from) || w.dur > 0 && t.Add(w.dur).After(w.from))
}

// icalInstant identifies an instant whatever its location (time.Time's == compares
// locations too, and UnixNano overflows outside the years 1678-2262).
type icalInstant struct {
	sec  int64
	nsec int
}

// icalKey is the key of t in a set of instants.
func icalKey(t time.Time) icalInstant { return icalInstant{t.Unix(), t.Nanosecond()} }

// icalLocation is the location a rule anchored at start is expanded in: UTC for a UTC
// start, a named location (Europe/Brussels, America/New_York) as it is, Brussels
// otherwise (fixed offsets and the process's Local).
func icalLocation(start time.Time) *time.Location {
	loc := start.Location()
	switch {
	case loc == time.UTC:
		return time.UTC
	case loc.String() == "" || loc.String() == "Local":
		return Brussels
	}
	return loc
}

// CheckICalRule reports why ExpandICal cannot expand rule, an RFC 5545 RRULE value:
// it does not parse, or it uses what a meeting's schedule does not and what could make
// expanding it slow: a frequency above daily (HOURLY, MINUTELY, SECONDLY), BYHOUR,
// BYMINUTE, BYSECOND, BYWEEKNO, BYYEARDAY, BYEASTER. The error names the rule.
func CheckICalRule(rule string) error {
	_, err := icalParseRule(rule, time.UTC)
	return err
}

// icalParseRule reads rule, with a floating UNTIL in loc, as CheckICalRule checks it.
func icalParseRule(rule string, loc *time.Location) (*rrule.ROption, error) {
	opt, err := rrule.StrToROptionInLocation(strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(rule)), "RRULE:"), loc)
	if err != nil {
		return nil, fmt.Errorf("rrule %q: %w", rule, err)
	}
	unsupported := ""
	switch {
	case opt.Freq > rrule.DAILY:
		return nil, fmt.Errorf("rrule %q: FREQ=%s repeats more often than daily", rule, opt.Freq)
	case opt.Interval < 0:
		return nil, fmt.Errorf("rrule %q: negative INTERVAL", rule)
	case opt.Count < 0:
		return nil, fmt.Errorf("rrule %q: negative COUNT", rule)
	case len(opt.Byhour) > 0:
		unsupported = "BYHOUR"
	case len(opt.Byminute) > 0:
		unsupported = "BYMINUTE"
	case len(opt.Bysecond) > 0:
		unsupported = "BYSECOND"
	case len(opt.Byweekno) > 0:
		unsupported = "BYWEEKNO"
	case len(opt.Byyearday) > 0:
		unsupported = "BYYEARDAY"
	case len(opt.Byeaster) > 0:
		unsupported = "BYEASTER"
	}
	if unsupported != "" {
		return nil, fmt.Errorf("rrule %q: %s is not supported", rule, unsupported)
	}
	// A week of the month (1TU, -1FR), or of the year with YEARLY without BYMONTH.
	weeks := 0
	switch {
	case opt.Freq == rrule.MONTHLY, opt.Freq == rrule.YEARLY && len(opt.Bymonth) > 0:
		weeks = 5
	case opt.Freq == rrule.YEARLY:
		weeks = 53
	}
	for _, d := range opt.Byweekday {
		if n := d.N(); n < -weeks || n > weeks {
			return nil, fmt.Errorf("rrule %q: BYDAY %s: week %d out of range", rule, d, n)
		}
	}
	if _, err := rrule.NewRRule(*opt); err != nil {
		return nil, fmt.Errorf("rrule %q: %w", rule, err)
	}
	return opt, nil
}

// icalNever reports whether a rule can never occur, as rrule-go would find only after
// walking to the year 9999: a BYMONTHDAY that none of its months has, a week of the
// month that none of its days of the month is in, a BYSETPOS beyond every set.
func icalNever(opt *rrule.ROption) bool {
	if len(opt.Bymonthday) > 0 {
		months := opt.Bymonth
		if len(months) == 0 {
			months = []int{1, 3, 4} // 31, 29 and 30 days
		}
		possible := false
		for _, m := range months {
			long := []int{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[(m+11)%12]
			for _, md := range opt.Bymonthday {
				possible = possible || md >= -long && md <= long
			}
		}
		if !possible {
			return true
		}
		// A week of the month: days 7(n-1)+1 to 7n from its start, or from its end.
		ordinal, dayOK := false, false
		for _, d := range opt.Byweekday {
			n := d.N()
			if n == 0 || opt.Freq != rrule.MONTHLY && !(opt.Freq == rrule.YEARLY && len(opt.Bymonth) > 0) {
				dayOK = true // a plain day of the week, or a week of the year
				continue
			}
			ordinal = true
			for _, md := range opt.Bymonthday {
				for long := 28; long <= 31; long++ {
					day := md
					if md < 0 {
						day = long + 1 + md
					}
					lo, hi := 7*(n-1)+1, 7*n
					if n < 0 {
						lo, hi = long+1+7*n, long-7*(-n-1)
					}
					dayOK = dayOK || day >= lo && day <= hi && day >= 1 && day <= long
				}
			}
		}
		if ordinal && !dayOK {
			return true
		}
	}
	if len(opt.Bysetpos) > 0 {
		// The most occurrences a period can hold: an upper bound.
		most := 1
		switch opt.Freq {
		case rrule.WEEKLY:
			most = 7
		case rrule.MONTHLY:
			most = 31
		case rrule.YEARLY:
			most = 366
		}
		if len(opt.Byweekday) > 0 && opt.Freq != rrule.DAILY {
			days, weeks := 0, 1
			switch opt.Freq {
			case rrule.MONTHLY:
				weeks = 5
			case rrule.YEARLY:
				weeks = 53
			}
			for _, d := range opt.Byweekday {
				if d.N() != 0 {
					days++
				} else {
					days += weeks
				}
			}
			most = min(most, days)
		}
		if len(opt.Bymonthday) > 0 && opt.Freq != rrule.YEARLY {
			most = min(most, len(opt.Bymonthday))
		}
		if len(opt.Bymonth) > 0 && opt.Freq == rrule.YEARLY {
			most = min(most, 31*len(opt.Bymonth))
		}
		for _, pos := range opt.Bysetpos {
			if pos <= most && pos >= -most {
				return false
			}
		}
		return true
	}
	return false
}

// icalOccurrences returns the occurrences of rule anchored at start that keep accepts,
// in order, stopping at the window's limit or after WhenMaxNext accepted ones.
func icalOccurrences(rule string, start time.Time, w icalWindow, keep func(time.Time) bool) ([]time.Time, error) {
	opt, err := icalParseRule(rule, start.Location())
	if err != nil {
		return nil, err
	}
	if icalNever(opt) {
		return nil, nil
	}
	opt.Dtstart = icalShiftStart(opt, start, w)
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, fmt.Errorf("rrule %q: %w", rule, err)
	}
	next := r.Iterator()
	var out []time.Time
	for n := 0; n < icalMaxSteps && len(out) < WhenMaxNext; n++ {
		t, ok := next()
		if !ok || !w.limit.IsZero() && !t.Before(w.limit) {
			break
		}
		if keep(t) {
			out = append(out, t)
		}
	}
	return out, nil
}

// icalShiftStart moves the anchor of a rule that starts long before the window forward
// by whole periods, so that expanding does not walk through the years between; the
// rule's phase (which week of "every other week") and its defaults (the day of the
// week, of the month) are kept. A rule with COUNT is not moved: its count starts at
// start. The anchor stays at least one period, and the duration of an occurrence,
// before the window.
func icalShiftStart(opt *rrule.ROption, start time.Time, w icalWindow) time.Time {
	if w.from.IsZero() || opt.Count > 0 || !start.Before(w.from) {
		return start
	}
	n := max(1, opt.Interval)
	back := 1 + int(w.dur/(24*time.Hour)) // whole days an occurrence may last, and one
	switch opt.Freq {
	case rrule.DAILY, rrule.WEEKLY:
		period := n
		if opt.Freq == rrule.WEEKLY {
			period = 7 * n
		}
		// Days between the two civil dates; Unix seconds do not overflow as Sub does.
		from := w.from.In(start.Location())
		a := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400
		b := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400
		k := (b-a)/int64(period) - int64(back/period) - 1
		if k <= 0 {
			return start
		}
		return start.AddDate(0, 0, int(k)*period)
	case rrule.MONTHLY:
		if len(opt.Bymonthday) == 0 && len(opt.Byweekday) == 0 && len(opt.Byyearday) == 0 && len(opt.Byweekno) == 0 && len(opt.Byeaster) == 0 {
			opt.Bymonthday = []int{start.Day()} // the default, made explicit before moving to the 1st
		}
		from := w.from.In(start.Location())
		months := (from.Year()*12 + int(from.Month())) - (start.Year()*12 + int(start.Month()))
		k := months/n - back/28 - 2
		if k <= 0 {
			return start
		}
		return time.Date(start.Year(), start.Month()+time.Month(k*n), 1, start.Hour(), start.Minute(), start.Second(), 0, start.Location())
	}
	return start // YEARLY: a few hundred steps at most
}

// ParseICalDates reads a comma-separated list of dates, as the start, end, exdates and
// rdates fields hold them: RFC 3339 date-times ("2027-02-09T19:00:00+01:00"), dates
// ("2027-02-09", midnight in Brussels) and iCalendar's basic forms ("20270209T190000Z",
// "20270209T190000", "20270209"). Times in UTC ("Z", "+00:00") stay in UTC; others are
// read in Brussels. Values that do not parse are left out.
func ParseICalDates(list string) []time.Time {
	var out []time.Time
	for _, v := range strings.Split(list, ",") {
		if t, err := parseICalDate(strings.TrimSpace(v)); err == nil {
			out = append(out, t)
		}
	}
	return out
}

// parseICalDate reads one value of ParseICalDates.
func parseICalDate(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, errors.New("empty date")
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		if _, off := t.Zone(); off == 0 {
			return t.UTC(), nil
		}
		return t.In(Brussels), nil
	}
	for _, layout := range []string{"2006-01-02", "20060102T150405", "20060102"} {
		if t, err := time.ParseInLocation(layout, v, Brussels); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse("20060102T150405Z", strings.ToUpper(v)); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("unrecognized date %q", v)
}
