package record

// This file turns the recurrence read from a sentence into an RFC 5545 RRULE and
// expands it with rrule-go.

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/teambition/rrule-go"
)

// whenNoWeekday is the reason a weekly rule without a day cannot be expanded.
const whenNoWeekday = "no day of the week"

// dateOfRule reports whether the date item k of sentence si falls on a day of r.
func (p *whenParser) dateOfRule(si, k int, r whenRule) bool {
	ds, _, ok := p.years(p.sents[si].items[k].dates)
	if !ok {
		return false
	}
	d := ds[0]
	day := time.Date(d.y, time.Month(d.m), d.d, 0, 0, 0, 0, time.UTC)
	if len(r.months) > 0 && !slices.Contains(r.months, d.m) {
		return false
	}
	last := time.Date(d.y, time.Month(d.m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	for _, b := range r.days {
		switch {
		case b.day != day.Weekday():
		case b.ord == 0, b.ord == (d.d-1)/7+1, b.ord == -1 && d.d+7 > last:
			return true
		}
	}
	return false
}

// whenRule is a recurrence read from a sentence.
type whenRule struct {
	freq     string // WEEKLY or MONTHLY
	interval int    // 0 or 1: every period
	days     []whenByDay
	months   []int
	until    time.Time
	// reason says why occurrences cannot be computed, or is "".
	reason string
}

// String returns the rule as an RFC 5545 RRULE value, without DTSTART.
func (r whenRule) String() string {
	parts := []string{"FREQ=" + r.freq}
	if r.interval > 1 {
		parts = append(parts, "INTERVAL="+strconv.Itoa(r.interval))
	}
	if len(r.days) > 0 {
		days := make([]string, len(r.days))
		for i, d := range r.days {
			days[i] = whenRRuleDays[d.day]
			if d.ord != 0 {
				days[i] = strconv.Itoa(d.ord) + days[i]
			}
		}
		parts = append(parts, "BYDAY="+strings.Join(days, ","))
	}
	if len(r.months) > 0 {
		months := make([]string, len(r.months))
		for i, m := range r.months {
			months[i] = strconv.Itoa(m)
		}
		parts = append(parts, "BYMONTH="+strings.Join(months, ","))
	}
	if !r.until.IsZero() {
		parts = append(parts, "UNTIL="+r.until.UTC().Format("20060102T150405Z"))
	}
	return strings.Join(parts, ";")
}

// rule combines the recurrence items of sentence si, and the months and end date
// said in its text.
func (p *whenParser) rule(si int) whenRule {
	sent := p.sents[si]
	var r whenRule
	count, monthly := 0, false
	var days []whenByDay
	for _, it := range sent.items {
		switch it.kind {
		case whenItemRule:
			if r.freq == "" {
				r.freq = it.freq
			}
			r.interval = max(r.interval, it.interval)
			count = max(count, it.count)
			monthly = monthly || it.monthly
			days = append(days, it.days...)
		case whenItemDay:
			days = append(days, it.days...)
		}
	}
	var uniq []whenByDay
	hasOrd := false
	for _, d := range days {
		if !slices.Contains(uniq, d) {
			uniq = append(uniq, d)
			hasOrd = hasOrd || d.ord != 0
		}
	}
	days = uniq
	switch {
	case hasOrd || monthly && r.freq == "":
		r.freq = "MONTHLY"
	case r.freq == "":
		r.freq = "WEEKLY"
	}
	if r.interval == 1 {
		r.interval = 0
	}
	names := func() string {
		var s []string
		for _, d := range days {
			s = append(s, d.day.String())
		}
		return strings.Join(s, ", ")
	}
	switch {
	case r.freq == "MONTHLY" && count == 2 && len(days) < 2:
		// Twice a month on unknown weeks: the nearest rule is every other week.
		r.freq, r.interval = "WEEKLY", 2
		for _, d := range days {
			r.days = append(r.days, whenByDay{day: d.day})
		}
		r.reason = "twice a month, but not which weeks (read as every other week)"
	case r.freq == "WEEKLY" && count == 2 && len(days) < 2:
		r.days = days
		r.reason = "twice a week, but not on which days"
	case len(days) == 0 && r.freq == "MONTHLY":
		r.reason = "no day of the week or of the month"
	case len(days) == 0:
		r.reason = whenNoWeekday
	case r.freq == "MONTHLY" && !hasOrd:
		r.reason = "no week of the month for " + names()
	default:
		r.days = days
	}

	// Months: from this sentence, else from its text.
	var months, except []int
	monthsS, exceptS := -1, -1
	for _, pass := range []bool{true, false} {
		for x, s := range p.sents {
			if s.text != sent.text || pass != (x == si) {
				continue
			}
			for _, it := range s.items {
				switch {
				case it.kind == whenItemMonths && it.months == nil:
					if r.until.IsZero() { // "jusqu'en juin 2027"
						r.until = time.Date(it.untilY, time.Month(it.untilM)+1, 1, 0, 0, 0, 0, Brussels).Add(-time.Second)
						p.use(x)
					}
				case it.kind == whenItemMonths && monthsS < 0:
					months, monthsS = it.months, x
					if it.untilY != 0 {
						r.until = time.Date(it.untilY, time.Month(it.untilM)+1, 1, 0, 0, 0, 0, Brussels).Add(-time.Second)
					}
				case it.kind == whenItemExcept && exceptS < 0:
					except, exceptS = it.months, x
				case it.kind == whenItemDate && it.role == 'u' && r.until.IsZero() && len(it.dates) == 1:
					if ds, _, ok := p.years(it.dates); ok {
						d := ds[0]
						r.until = time.Date(d.y, time.Month(d.m), d.d+1, 0, 0, 0, 0, Brussels).Add(-time.Second)
						p.use(x)
					}
				}
			}
		}
	}
	if len(except) > 0 {
		if months == nil {
			months = whenMonthSpan(1, 12)
		}
		months = slices.DeleteFunc(slices.Clone(months), func(m int) bool { return slices.Contains(except, m) })
	}
	if len(months) > 0 && len(months) < 12 {
		r.months = months
		p.use(monthsS)
		p.use(exceptS)
	}
	return r
}

// expand returns the occurrences of r from dtstart that fall in the window.
func (p *whenParser) expand(r whenRule, dtstart time.Time) []time.Time {
	return whenOccurrences(r, dtstart, p.ref, p.ref.AddDate(1, 0, 0), WhenMaxNext)
}

// whenOccurrences returns at most max occurrences of r from dtstart that fall in
// [from, limit), expanded with rrule-go in Brussels time: a meeting at 19:00 stays at
// 19:00 across DST changes. BYMONTH is applied here rather than by rrule-go, which
// would search up to the year 9999 for a rule whose phase never meets its months
// ("every other month" in odd months only, from an even month).
func whenOccurrences(r whenRule, dtstart, from, limit time.Time, max int) []time.Time {
	months := r.months
	r.months = nil
	opt, err := rrule.StrToROption(r.String())
	if err != nil {
		return nil
	}
	opt.Dtstart = whenShiftStart(r, dtstart.In(Brussels), from)
	rr, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil
	}
	next := rr.Iterator()
	var out []time.Time
	// Without BYMONTH every period has an occurrence, so a year takes at most 53
	// weeks of up to 7 days: the cap is only a guard.
	for n := 0; n < 1000 && len(out) < max; n++ {
		t, ok := next()
		if !ok || !t.Before(limit) {
			break
		}
		if !t.Before(from) && (len(months) == 0 || slices.Contains(months, int(t.Month()))) {
			out = append(out, t)
		}
	}
	return out
}

// whenShiftStart moves a DTSTART long before ref forward by whole periods of the
// rule, so that expanding does not walk through the years between. The rule's
// phase (which week of "every other week") is kept.
func whenShiftStart(r whenRule, dt, ref time.Time) time.Time {
	if !dt.Before(ref) {
		return dt
	}
	n := max(1, r.interval)
	switch r.freq {
	case "WEEKLY":
		// Days between the two civil dates; Unix seconds do not overflow as Sub does.
		a := time.Date(dt.Year(), dt.Month(), dt.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400
		b := time.Date(ref.Year(), ref.Month(), ref.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400
		days := int((b - a) / int64(7*n) * int64(7*n))
		return dt.AddDate(0, 0, days)
	case "MONTHLY":
		months := (ref.Year()*12 + int(ref.Month())) - (dt.Year()*12 + int(dt.Month()))
		if k := months / n * n; k > 0 {
			return time.Date(dt.Year(), dt.Month()+time.Month(k), 1, dt.Hour(), dt.Minute(), 0, 0, Brussels)
		}
	}
	return dt
}
