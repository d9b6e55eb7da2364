package sources

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
	"github.com/ensemble-be/ensemble/record"
	"golang.org/x/text/encoding/charmap"
)

// The iCalendar parser reads an RFC 5545 calendar (.ics) with arran4/golang-ical. Its
// rules:
//
//   - Each VEVENT without RECURRENCE-ID is a listing: SUMMARY is its title,
//     DESCRIPTION (else X-ALT-DESC) its description, LOCATION its place, URL its
//     Listing.URL (absolute http(s) only), IMAGE (or an image ATTACH) its image, UID
//     its LocalID (a UID seen before gets "#" and the start after it). ORGANIZER,
//     ATTENDEE and CONTACT are not read: they name persons. CATEGORIES and the
//     calendar's X-WR-CALNAME are not read either: free words, not the taxonomy's.
//   - DTSTART and DTEND (or DURATION) are start and end in RFC 3339, with the offset of
//     their zone: a TZID is an IANA name (Europe/Brussels), else the calendar's
//     VTIMEZONE of that name (its X-LIC-LOCATION, else its STANDARD and DAYLIGHT
//     rules: "Romance Standard Time" from Outlook); a TZID neither names is read as
//     Brussels time, with a Problem. Floating times are Brussels time; UTC stays "Z".
//     An all-day event (VALUE=DATE) has dates only ("2027-01-14"); its DTEND is
//     exclusive, so its end is the day before DTEND, and a one-day event has no end.
//   - RRULE is kept as written (the first, if several); EXDATE and RDATE, every value of
//     every property, are comma-separated RFC 3339 values in exdates and rdates, in
//     order. For an event at a time of day, a date-only EXDATE or RDATE is that day at
//     the event's time.
//   - STATUS:CANCELLED sets status "cancelled": the normalizer withdraws the listing.
//   - An override (a VEVENT with RECURRENCE-ID) changes its series: a cancelled one adds
//     its RECURRENCE-ID to the series' exdates; a moved one also adds its new DTSTART
//     to rdates. Other changes to one occurrence (its title, place, description) are
//     not kept, with a Problem. An override whose series is not in the calendar is a
//     listing of its own, LocalID UID "#" RECURRENCE-ID.
//   - A private event (CLASS:PRIVATE or CONFIDENTIAL) is skipped, with a Problem.
//   - A VEVENT that cannot be read (no DTSTART, a date that does not parse, an RRULE
//     that cannot be expanded, a broken content line) is skipped with a Problem
//     "event N (UID …)": N counts VEVENTs from 1 in the file. A calendar that does not
//     parse outside its VEVENTs is an error. A body that is not valid UTF-8 is read as
//     windows-1252, with a Problem.

// icalEvent is one VEVENT of a calendar: its place among them, and the event parsed
// or why it could not be.
type icalEvent struct {
	n   int // from 1, in the file's order
	ev  *ics.VEvent
	uid string // read from the raw text when ev is nil
	err error
}

// where names the event in Problems: "event 3 (UID abc@x)".
func (e icalEvent) where() string {
	uid := e.uid
	if e.ev != nil {
		uid = icalValue(&e.ev.ComponentBase, "UID")
	}
	if uid == "" {
		return fmt.Sprintf("event %d", e.n)
	}
	return fmt.Sprintf("event %d (UID %s)", e.n, uid)
}

// icalTime is a DATE or DATE-TIME value.
type icalTime struct {
	t      time.Time
	allDay bool
}

// String formats t as the fields hold it: "2027-01-14" for a date, RFC 3339 otherwise.
func (t icalTime) String() string {
	if t.allDay {
		return t.t.Format(time.DateOnly)
	}
	return t.t.Format(time.RFC3339)
}

// icalSeries is a listing being built, with the recurrence its overrides change.
type icalSeries struct {
	listing int // index in Page.Listings
	event   icalEvent
	start   icalTime
	ex, r   []icalTime
}

// icalParser holds the state of one parseICal.
type icalParser struct {
	base  *url.URL
	page  Page
	zones map[string]*ics.VTimezone // the calendar's VTIMEZONEs, by TZID
	known map[string]icalZone       // TZIDs resolved so far
	// series are the listings made, with their recurrences, in order.
	series []*icalSeries
	// noted are the Problems given, so that one is not repeated.
	noted map[Problem]bool
}

// parseICal reads an iCalendar file: one listing per VEVENT that is not an override.
func parseICal(body []byte, pageURL string) (Page, error) {
	p := &icalParser{
		base:  parseBase(pageURL),
		page:  Page{Listings: []record.Listing{}},
		zones: map[string]*ics.VTimezone{},
		known: map[string]icalZone{},
		noted: map[Problem]bool{},
	}
	text := bytes.TrimPrefix(body, utf8BOM)
	if !utf8.Valid(text) {
		out, err := charmap.Windows1252.NewDecoder().Bytes(text)
		if err != nil || !utf8.Valid(out) {
			out = bytes.ToValidUTF8(text, []byte("\uFFFD"))
		}
		text = out
		p.page.Problems = append(p.page.Problems, Problem{Where: "calendar", Message: "not valid UTF-8: read as windows-1252"})
	}
	events, err := p.decode(text)
	if err != nil {
		return Page{}, err
	}
	if len(events) == 0 {
		p.page.Problems = append(p.page.Problems, Problem{Where: "calendar", Message: "no VEVENT"})
		return p.page, nil
	}

	byUID := map[string]*icalSeries{}
	seen := map[string]bool{} // LocalIDs given
	var overrides []icalEvent
	for _, e := range events {
		if e.err != nil {
			p.problem(e, "cannot be read ("+e.err.Error()+"): skipped")
			continue
		}
		if icalProp(&e.ev.ComponentBase, "RECURRENCE-ID") != nil {
			overrides = append(overrides, e)
			continue
		}
		s, ok := p.event(e, "")
		if !ok {
			continue
		}
		l := &p.page.Listings[s.listing]
		if seen[l.LocalID] && l.LocalID != "" {
			l.LocalID += "#" + s.start.String()
		}
		seen[l.LocalID] = true
		if uid := icalValue(&e.ev.ComponentBase, "UID"); uid != "" && byUID[uid] == nil {
			byUID[uid] = s
		}
	}
	for _, o := range overrides {
		p.override(o, byUID)
	}
	for _, s := range p.series {
		p.recurrence(s)
	}
	return p.page, nil
}

// problem notes something wrong with event e, once.
func (p *icalParser) problem(e icalEvent, msg string) {
	pr := Problem{Where: e.where(), Message: msg}
	if !p.noted[pr] {
		p.noted[pr] = true
		p.page.Problems = append(p.page.Problems, pr)
	}
}

// icalBegin matches the first line of an iCalendar file.
var icalBegin = regexp.MustCompile(`(?i)^\s*BEGIN:VCALENDAR\s*(\r?\n|$)`)

// decode parses the calendar and returns its VEVENTs in order. When the calendar does
// not parse as a whole, its VEVENTs are parsed one by one, so that one broken event
// does not lose the others; what is outside them must parse.
func (p *icalParser) decode(text []byte) ([]icalEvent, error) {
	if !icalBegin.Match(text) {
		return nil, errors.New("not an iCalendar file: it does not begin with BEGIN:VCALENDAR")
	}
	var events []icalEvent
	cal, err := icalParse(text)
	if err == nil {
		p.timezones(cal)
		for _, ev := range cal.Events() {
			events = append(events, icalEvent{n: len(events) + 1, ev: ev})
		}
		return events, nil
	}
	outside, chunks := icalSplit(text)
	cal, err2 := icalParse(outside)
	if err2 != nil {
		return nil, fmt.Errorf("read calendar: %w", err)
	}
	p.timezones(cal)
	for i, c := range chunks {
		e := icalEvent{n: i + 1}
		one, err := icalParse(slices.Concat([]byte("BEGIN:VCALENDAR\r\n"), c, []byte("END:VCALENDAR\r\n")))
		switch {
		case err != nil:
			e.err = err
		case len(one.Events()) != 1:
			e.err = errors.New("not one VEVENT")
		default:
			e.ev = one.Events()[0]
		}
		if e.ev == nil {
			e.uid = icalRawUID(c)
		}
		events = append(events, e)
	}
	return events, nil
}

// icalParse parses a calendar, accepting properties between components as real
// calendars have them.
func icalParse(text []byte) (*ics.Calendar, error) {
	return ics.ParseCalendarWithOptions(bytes.NewReader(text), ics.WithUnknownPropertyHandler(ics.AcceptUnknownPropertyHandler))
}

// icalSplit cuts a calendar into the text outside its VEVENTs and the text of each
// VEVENT (BEGIN:VEVENT to END:VEVENT, or to the end of a truncated file).
func icalSplit(text []byte) (outside []byte, events [][]byte) {
	var cur []byte
	in := false
	for line := range bytes.Lines(text) {
		name := bytes.TrimSpace(line)
		switch {
		case !in && bytes.EqualFold(name, []byte("BEGIN:VEVENT")):
			in, cur = true, slices.Clone(line)
		case in && bytes.EqualFold(name, []byte("END:VEVENT")):
			events = append(events, append(cur, line...))
			in = false
		case in:
			cur = append(cur, line...)
		default:
			outside = append(outside, line...)
		}
	}
	if in {
		events = append(events, cur)
	}
	return outside, events
}

// icalRawUID finds the UID line of an event's text that did not parse.
func icalRawUID(text []byte) string {
	for line := range bytes.Lines(text) {
		if len(line) > 4 && bytes.EqualFold(line[:4], []byte("UID:")) {
			return strings.TrimSpace(string(line[4:]))
		}
	}
	return ""
}

// event makes the listing of VEVENT e; localID, when given, replaces its UID. It
// returns the series the listing starts, and false when e was skipped (a Problem says
// why).
func (p *icalParser) event(e icalEvent, localID string) (*icalSeries, bool) {
	cb := &e.ev.ComponentBase
	if class := strings.ToUpper(icalValue(cb, "CLASS")); class == "PRIVATE" || class == "CONFIDENTIAL" {
		p.problem(e, "private event (CLASS:"+class+") skipped")
		return nil, false
	}
	dtstart := icalProp(cb, "DTSTART")
	if dtstart == nil {
		p.problem(e, "no DTSTART: skipped")
		return nil, false
	}
	starts, err := p.times(e, dtstart, nil)
	if err != nil {
		p.problem(e, "DTSTART: "+err.Error()+": skipped")
		return nil, false
	}
	start := starts[0]
	s := &icalSeries{event: e, start: start}
	l := record.Listing{LocalID: firstNonEmpty(localID, icalValue(cb, "UID")), Fields: map[string]string{}}
	set := func(name, value string) { setField(&l, name, value, p.base) }

	rrules := icalProps(cb, "RRULE")
	if len(rrules) > 0 {
		rule := strings.TrimSpace(rrules[0].Value)
		if err := record.CheckICalRule(rule); err != nil {
			p.problem(e, "RRULE: "+err.Error()+": skipped")
			return nil, false
		}
		set(record.FieldRRule, rule)
		if len(rrules) > 1 {
			p.problem(e, fmt.Sprintf("%d RRULEs: only the first is kept", len(rrules)))
		}
	}
	if icalProp(cb, "EXRULE") != nil {
		p.problem(e, "EXRULE not supported: ignored")
	}
	set(record.FieldStart, start.String())
	if end, ok := p.end(e, start); ok {
		set(record.FieldEnd, end.String())
	}
	for _, name := range []string{"EXDATE", "RDATE"} {
		for _, prop := range icalProps(cb, name) {
			ts, err := p.times(e, prop, &start)
			if err != nil {
				p.problem(e, name+": "+err.Error()+": ignored")
			}
			if name == "EXDATE" {
				s.ex = append(s.ex, ts...)
			} else {
				s.r = append(s.r, ts...)
			}
		}
	}

	set(record.FieldTitle, icalValue(cb, "SUMMARY"))
	set(record.FieldDescription, firstNonEmpty(icalValue(cb, "DESCRIPTION"), icalValue(cb, "X-ALT-DESC")))
	set(record.FieldPlace, icalValue(cb, "LOCATION"))
	if strings.EqualFold(icalValue(cb, "STATUS"), "CANCELLED") {
		set(record.FieldStatus, "cancelled")
	}
	if ref := icalValue(cb, "URL"); ref != "" {
		if abs, ok := httpURL(p.base, ref); ok {
			l.URL = abs
		} else {
			p.problem(e, fmt.Sprintf("URL %q is not an http(s) URL", ref))
		}
	}
	if img := icalValue(cb, "IMAGE"); img != "" {
		set(record.FieldImage, img)
	} else {
		for _, a := range icalProps(cb, "ATTACH") {
			if strings.HasPrefix(strings.ToLower(icalParam(a, "FMTTYPE")), "image/") && icalParam(a, "ENCODING") == "" {
				set(record.FieldImage, a.Value)
				break
			}
		}
	}
	s.listing = len(p.page.Listings)
	p.page.Listings = append(p.page.Listings, l)
	p.series = append(p.series, s)
	return s, true
}

// end reads DTEND, else DURATION, of an event that starts at start. An all-day event's
// DTEND is exclusive: its end is the day before, and a one-day event has none.
func (p *icalParser) end(e icalEvent, start icalTime) (icalTime, bool) {
	cb := &e.ev.ComponentBase
	var end icalTime
	if prop := icalProp(cb, "DTEND"); prop != nil {
		ts, err := p.times(e, prop, nil)
		if err != nil {
			p.problem(e, "DTEND: "+err.Error()+": ignored")
			return icalTime{}, false
		}
		end = ts[0]
	} else if prop := icalProp(cb, "DURATION"); prop != nil {
		days, secs, err := icalDuration(prop.Value)
		if err != nil {
			p.problem(e, "DURATION: "+err.Error()+": ignored")
			return icalTime{}, false
		}
		end = icalTime{t: start.t.AddDate(0, 0, days).Add(time.Duration(secs) * time.Second), allDay: start.allDay && secs == 0}
	} else {
		return icalTime{}, false
	}
	if start.allDay && end.allDay {
		end.t = end.t.AddDate(0, 0, -1)
		if !end.t.After(start.t) {
			return icalTime{}, false
		}
	}
	if end.t.Equal(start.t) {
		return icalTime{}, false
	}
	return end, true
}

// override applies an override (a VEVENT with RECURRENCE-ID) to its series.
func (p *icalParser) override(e icalEvent, series map[string]*icalSeries) {
	cb := &e.ev.ComponentBase
	rids, err := p.times(e, icalProp(cb, "RECURRENCE-ID"), nil)
	if err != nil {
		p.problem(e, "RECURRENCE-ID: "+err.Error()+": skipped")
		return
	}
	rid := rids[0]
	uid := icalValue(cb, "UID")
	s := series[uid]
	if s == nil {
		// The series is not in this calendar: the occurrence is all there is of it.
		if uid != "" {
			uid += "#" + rid.String()
		}
		p.event(e, uid)
		return
	}
	rid = icalAlign(rid, s.start)
	cancelled := strings.EqualFold(icalValue(cb, "STATUS"), "CANCELLED")
	var moved *icalTime
	if !cancelled {
		if prop := icalProp(cb, "DTSTART"); prop != nil {
			if ts, err := p.times(e, prop, nil); err != nil {
				p.problem(e, "DTSTART: "+err.Error()+": the occurrence is kept as it was")
			} else if t := icalAlign(ts[0], s.start); !t.t.Equal(rid.t) {
				moved = &t
			}
		}
	}
	if cancelled || moved != nil {
		s.ex = append(s.ex, rid)
	}
	if moved != nil {
		s.r = append(s.r, *moved)
	}
	master := &s.event.ev.ComponentBase
	var changed []string
	for _, name := range []string{"SUMMARY", "LOCATION", "DESCRIPTION"} {
		if v := icalValue(cb, name); !cancelled && v != "" && v != icalValue(master, name) {
			changed = append(changed, name)
		}
	}
	if len(changed) > 0 {
		p.problem(e, fmt.Sprintf("the occurrence of %s changes %s: only changes of time are kept", rid, strings.Join(changed, ", ")))
	}
}

// recurrence writes the exdates and rdates of a series into its listing, sorted and
// without duplicates.
func (p *icalParser) recurrence(s *icalSeries) {
	l := &p.page.Listings[s.listing]
	for _, f := range []struct {
		name string
		ts   []icalTime
	}{{record.FieldExDates, s.ex}, {record.FieldRDates, s.r}} {
		ts := slices.Clone(f.ts)
		slices.SortFunc(ts, func(a, b icalTime) int { return a.t.Compare(b.t) })
		ts = slices.CompactFunc(ts, func(a, b icalTime) bool { return a.t.Equal(b.t) })
		var out []string
		for _, t := range ts {
			out = append(out, t.String())
		}
		delete(l.Fields, f.name)
		setField(l, f.name, strings.Join(out, ","), p.base)
	}
}

// icalAlign makes t, an occurrence of a series starting at start, a date when the
// series is all-day, and that day at the series' time of day when it is not.
func icalAlign(t, start icalTime) icalTime {
	switch {
	case start.allDay && !t.allDay:
		y, m, d := t.t.In(record.Brussels).Date()
		return icalTime{t: time.Date(y, m, d, 0, 0, 0, 0, record.Brussels), allDay: true}
	case !start.allDay && t.allDay:
		y, m, d := t.t.Date()
		st := start.t
		return icalTime{t: time.Date(y, m, d, st.Hour(), st.Minute(), st.Second(), 0, st.Location())}
	}
	return t
}

// times reads the DATE, DATE-TIME or PERIOD values of a property (each PERIOD by its
// start). When of is given, the values are occurrences of an event starting at *of and
// are aligned to it (icalAlign). Values that do not parse make the error; the others
// are returned. An unknown TZID is read as Brussels time, with a Problem.
func (p *icalParser) times(e icalEvent, prop *ics.IANAProperty, of *icalTime) ([]icalTime, error) {
	var out []icalTime
	var errs []string
	valueType := strings.ToUpper(icalParam(prop, "VALUE"))
	tzid := icalParam(prop, "TZID")
	for _, v := range strings.Split(prop.Value, ",") {
		v = strings.ToUpper(strings.TrimSpace(v))
		if valueType == "PERIOD" || strings.Contains(v, "/") {
			v, _, _ = strings.Cut(v, "/")
		}
		if v == "" {
			continue
		}
		t, err := p.dateTime(e, v, valueType, tzid)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if of != nil {
			t = icalAlign(t, *of)
		}
		out = append(out, t)
	}
	switch {
	case len(errs) > 0:
		return out, errors.New(strings.Join(errs, "; "))
	case len(out) == 0:
		return nil, errors.New("no value")
	}
	return out, nil
}

// dateTime reads one DATE or DATE-TIME value, upper-cased, in zone tzid.
func (p *icalParser) dateTime(e icalEvent, v, valueType, tzid string) (icalTime, error) {
	if valueType == "DATE" || valueType == "" && len(v) == 8 {
		t, err := time.ParseInLocation("20060102", v, record.Brussels)
		if err != nil {
			return icalTime{}, fmt.Errorf("%q is not a date (YYYYMMDD)", v)
		}
		return icalTime{t: t, allDay: true}, nil
	}
	if strings.HasSuffix(v, "Z") {
		t, err := time.Parse("20060102T150405Z", v)
		if err != nil {
			return icalTime{}, fmt.Errorf("%q is not a date-time (YYYYMMDDTHHMMSSZ)", v)
		}
		return icalTime{t: t.UTC()}, nil
	}
	wall, err := time.ParseInLocation("20060102T150405", v, time.UTC)
	if err != nil {
		return icalTime{}, fmt.Errorf("%q is not a date-time (YYYYMMDDTHHMMSS)", v)
	}
	if tzid == "" {
		return icalTime{t: icalIn(wall, record.Brussels)}, nil
	}
	z := p.zone(tzid)
	if !z.known {
		p.problem(e, fmt.Sprintf("unknown TZID %q: read as Europe/Brussels time", tzid))
	}
	return icalTime{t: z.at(wall)}, nil
}

// icalIn is the wall-clock time wall (given as UTC) in loc.
func icalIn(wall time.Time, loc *time.Location) time.Time {
	y, m, d := wall.Date()
	return time.Date(y, m, d, wall.Hour(), wall.Minute(), wall.Second(), 0, loc)
}

// icalZone is a TZID resolved: an IANA location, or the rules of a VTIMEZONE.
type icalZone struct {
	loc   *time.Location
	obs   []icalObservance
	known bool // false: neither; read as Brussels time
}

// at is the wall-clock time wall (given as UTC) in the zone.
func (z icalZone) at(wall time.Time) time.Time {
	if z.loc != nil {
		return icalIn(wall, z.loc)
	}
	if len(z.obs) == 0 {
		return icalIn(wall, record.Brussels)
	}
	var best *icalObservance
	var bestOnset time.Time
	for i := range z.obs {
		if onset, ok := z.obs[i].lastOnset(wall); ok && (best == nil || onset.After(bestOnset)) {
			best, bestOnset = &z.obs[i], onset
		}
	}
	offset := 0
	if best != nil {
		offset = best.offset
	} else { // before every onset: the offset the earliest one changes from
		first := slices.MinFunc(z.obs, func(a, b icalObservance) int { return a.start.Compare(b.start) })
		offset = first.before
	}
	return icalIn(wall, time.FixedZone("", offset))
}

// zone resolves a TZID: an IANA name, else the calendar's VTIMEZONE of that name (its
// X-LIC-LOCATION, else its observances).
func (p *icalParser) zone(tzid string) icalZone {
	if z, ok := p.known[tzid]; ok {
		return z
	}
	z := icalZone{}
	if loc := icalLoadLocation(tzid); loc != nil {
		z = icalZone{loc: loc, known: true}
	} else if vtz := p.zones[tzid]; vtz != nil {
		if loc := icalLoadLocation(icalValue(&vtz.ComponentBase, "X-LIC-LOCATION")); loc != nil {
			z = icalZone{loc: loc, known: true}
		} else if obs := icalObservances(vtz); len(obs) > 0 {
			z = icalZone{obs: obs, known: true}
		}
	}
	p.known[tzid] = z
	return z
}

// icalLoadLocation loads an IANA zone, also from the old "/mozilla.org/…/Europe/Brussels"
// form; nil when name is none.
func icalLoadLocation(name string) *time.Location {
	name = strings.Trim(strings.TrimSpace(name), `"`)
	if name == "" || strings.EqualFold(name, "Local") {
		return nil
	}
	candidates := []string{name}
	if parts := strings.Split(strings.Trim(name, "/"), "/"); len(parts) > 2 {
		candidates = append(candidates, strings.Join(parts[len(parts)-2:], "/"))
	}
	for _, c := range candidates {
		if loc, err := time.LoadLocation(c); err == nil {
			return loc
		}
	}
	return nil
}

// timezones indexes the calendar's VTIMEZONEs by TZID.
func (p *icalParser) timezones(cal *ics.Calendar) {
	for _, tz := range cal.Timezones() {
		if id := icalValue(&tz.ComponentBase, "TZID"); id != "" {
			p.zones[id] = tz
		}
	}
}

// icalObservance is a STANDARD or DAYLIGHT part of a VTIMEZONE: from each of its
// onsets on, the time is UTC + offset. All times are wall-clock, given as UTC.
type icalObservance struct {
	start          time.Time // DTSTART: the first onset
	offset, before int       // TZOFFSETTO and TZOFFSETFROM, in seconds
	rdates         []time.Time
	// A yearly rule: the ord-th (from 1, or from the end when negative) weekday of
	// month, or the monthday-th day of month when monthday is not 0.
	month    time.Month
	ord      int
	weekday  time.Weekday
	monthday int
	until    time.Time
}

// icalObservances reads the observances of a VTIMEZONE; those that cannot be read are
// left out.
func icalObservances(tz *ics.VTimezone) []icalObservance {
	var out []icalObservance
	for _, c := range tz.Components {
		var cb *ics.ComponentBase
		switch c := c.(type) {
		case *ics.Standard:
			cb = &c.ComponentBase
		case *ics.Daylight:
			cb = &c.ComponentBase
		default:
			continue
		}
		start, err1 := time.Parse("20060102T150405", strings.TrimSpace(icalValue(cb, "DTSTART")))
		to, err2 := icalOffset(icalValue(cb, "TZOFFSETTO"))
		from, err3 := icalOffset(icalValue(cb, "TZOFFSETFROM"))
		if err1 != nil || err2 != nil || err3 != nil {
			continue
		}
		o := icalObservance{start: start, offset: to, before: from}
		for _, prop := range icalProps(cb, "RDATE") {
			for _, v := range strings.Split(prop.Value, ",") {
				if t, err := time.Parse("20060102T150405", strings.TrimSpace(v)); err == nil {
					o.rdates = append(o.rdates, t)
				}
			}
		}
		o.yearlyRule(icalValue(cb, "RRULE"))
		out = append(out, o)
	}
	return out
}

// yearlyRule reads the rules VTIMEZONEs have: FREQ=YEARLY with one BYMONTH and one
// BYDAY with a week ("-1SU") or one BYMONTHDAY, and an optional UNTIL. Others are
// ignored: the observance then has only its DTSTART and RDATEs.
func (o *icalObservance) yearlyRule(rule string) {
	var freq string
	var month, ord, monthday int
	weekday := -1
	var until time.Time
	for _, part := range strings.Split(strings.ToUpper(rule), ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "FREQ":
			freq = v
		case "BYMONTH":
			month, _ = strconv.Atoi(v)
		case "BYMONTHDAY":
			monthday, _ = strconv.Atoi(v)
		case "BYDAY":
			if len(v) >= 3 {
				ord, _ = strconv.Atoi(v[:len(v)-2])
				weekday = slices.Index([]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}, v[len(v)-2:])
			}
		case "UNTIL":
			until, _ = time.Parse("20060102T150405Z", v)
		}
	}
	okDay := weekday >= 0 && ord != 0 && ord >= -5 && ord <= 5 || monthday >= 1 && monthday <= 31 && weekday < 0
	if freq != "YEARLY" || month < 1 || month > 12 || !okDay {
		return
	}
	o.month, o.ord, o.monthday, o.until = time.Month(month), ord, monthday, until
	if weekday >= 0 {
		o.weekday = time.Weekday(weekday)
	}
}

// onset is the onset of o's yearly rule in year y, and false when there is none.
func (o icalObservance) onset(y int) (time.Time, bool) {
	if o.month == 0 {
		return time.Time{}, false
	}
	h, m, s := o.start.Clock()
	var t time.Time
	switch {
	case o.monthday > 0:
		t = time.Date(y, o.month, o.monthday, h, m, s, 0, time.UTC)
	case o.ord > 0:
		t = time.Date(y, o.month, 1, h, m, s, 0, time.UTC)
		t = t.AddDate(0, 0, (int(o.weekday)-int(t.Weekday())+7)%7+7*(o.ord-1))
	default:
		t = time.Date(y, o.month+1, 0, h, m, s, 0, time.UTC) // the last day of the month
		t = t.AddDate(0, 0, -((int(t.Weekday())-int(o.weekday)+7)%7)+7*(o.ord+1))
	}
	if t.Month() != o.month || t.Before(o.start) || !o.until.IsZero() && t.After(o.until) {
		return time.Time{}, false
	}
	return t, true
}

// lastOnset is o's latest onset at or before wall, and false when there is none.
func (o icalObservance) lastOnset(wall time.Time) (time.Time, bool) {
	var best time.Time
	found := false
	consider := func(t time.Time) {
		if !t.After(wall) && (!found || t.After(best)) {
			best, found = t, true
		}
	}
	consider(o.start)
	for _, t := range o.rdates {
		consider(t)
	}
	for _, y := range []int{wall.Year(), wall.Year() - 1} {
		if t, ok := o.onset(y); ok {
			consider(t)
		}
	}
	return best, found
}

// icalOffset reads a UTC offset ("+0100", "-0500", "+013000") in seconds.
func icalOffset(v string) (int, error) {
	v = strings.TrimSpace(v)
	if len(v) != 5 && len(v) != 7 || v[0] != '+' && v[0] != '-' {
		return 0, fmt.Errorf("%q is not a UTC offset", v)
	}
	n, err := strconv.Atoi(v[1:])
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a UTC offset", v)
	}
	if len(v) == 5 {
		n *= 100
	}
	secs := n/10000*3600 + n/100%100*60 + n%100
	if secs >= 24*3600 {
		return 0, fmt.Errorf("%q is not a UTC offset", v)
	}
	if v[0] == '-' {
		secs = -secs
	}
	return secs, nil
}

// icalDuration reads an RFC 5545 duration ("PT1H30M", "P1D", "P2W", "P1DT2H"): whole
// days, which are nominal (a day is 23 hours when DST starts), and seconds.
func icalDuration(v string) (days int, secs int64, err error) {
	s := strings.ToUpper(strings.TrimSpace(v))
	s = strings.TrimPrefix(s, "+")
	if strings.HasPrefix(s, "-") || !strings.HasPrefix(s, "P") || len(s) < 3 {
		return 0, 0, fmt.Errorf("%q is not a positive duration", v)
	}
	s = s[1:]
	inTime := false
	for s != "" {
		if s[0] == 'T' {
			inTime, s = true, s[1:]
			continue
		}
		i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
		if i <= 0 {
			return 0, 0, fmt.Errorf("%q is not a duration", v)
		}
		n, err := strconv.Atoi(s[:i])
		if err != nil || n > 100000 {
			return 0, 0, fmt.Errorf("%q is not a duration", v)
		}
		switch unit := s[i]; {
		case !inTime && unit == 'W':
			days += 7 * n
		case !inTime && unit == 'D':
			days += n
		case inTime && unit == 'H':
			secs += int64(n) * 3600
		case inTime && unit == 'M':
			secs += int64(n) * 60
		case inTime && unit == 'S':
			secs += int64(n)
		default:
			return 0, 0, fmt.Errorf("%q is not a duration", v)
		}
		s = s[i+1:]
	}
	return days, secs, nil
}

// icalProps returns the properties of a component named name, whatever their case.
func icalProps(cb *ics.ComponentBase, name string) []*ics.IANAProperty {
	var out []*ics.IANAProperty
	for i := range cb.Properties {
		if strings.EqualFold(cb.Properties[i].IANAToken, name) {
			out = append(out, &cb.Properties[i])
		}
	}
	return out
}

// icalProp returns the first property named name, or nil.
func icalProp(cb *ics.ComponentBase, name string) *ics.IANAProperty {
	if props := icalProps(cb, name); len(props) > 0 {
		return props[0]
	}
	return nil
}

// icalValue returns the trimmed value of the first property named name (text values
// are unescaped by the parser), or "".
func icalValue(cb *ics.ComponentBase, name string) string {
	if prop := icalProp(cb, name); prop != nil {
		return strings.TrimSpace(prop.Value)
	}
	return ""
}

// icalParam returns the first value of a property's parameter, whatever its case.
func icalParam(prop *ics.IANAProperty, name string) string {
	for k, v := range prop.ICalParameters {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
	}
	return ""
}
