package record

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// WhenInput is everything a listing says about when it meets.
type WhenInput struct {
	// Start and End are structured values when the feed has them: ISO 8601 or
	// dd/mm/yyyy [hh:mm], as ParseDate reads them; naive times are Brussels time.
	Start, End string
	// Texts are free texts in priority order: the listing's date or schedule field,
	// then its title, then its description. They may hold HTML.
	Texts []string
	// Ref is the page's date or the fetch time. A date without a year is the next one
	// on or after Ref's day in Brussels; the next occurrences are counted from that day.
	Ref time.Time
}

// Limits of what ParseWhen returns.
const (
	// WhenMaxNext is how many occurrences Schedule.Next holds at most.
	WhenMaxNext = 10
	// WhenMaxTextRunes is the longest Schedule.Text.
	WhenMaxTextRunes = 300
)

// Codes of the flags ParseWhen raises.
const (
	// FlagDateUnparsed: a date was given (a Start or End field, or a date with an
	// impossible day such as "31 novembre") that could not be read. Warning.
	FlagDateUnparsed = "date_unparsed"
	// FlagDateYearInferred: the text gave no year; the next such date on or after
	// the reference day was taken. Info.
	FlagDateYearInferred = "date_year_inferred"
	// FlagEndBeforeStart: the end given is before the start; End is left empty. Warning.
	FlagEndBeforeStart = "end_before_start"
	// FlagScheduleIncomplete: a recurrence was read but says too little to compute its
	// occurrences (no day of the week, no week of the month, "twice a month", every
	// other week with no start date) or their time of day. The message says what is
	// missing. Info.
	FlagScheduleIncomplete = "schedule_incomplete"
)

// ParseWhen reads when a listing meets, from its structured start and end if it has
// them and from its free texts: dates and times in French, Dutch, German and English
// ("le 30 novembre de 14h15 à 16h15", "op dinsdag 3 december om 19u30",
// "am 12.03.2027 um 18:30 Uhr", "Tuesday 3 December at 7pm"), recurrences
// ("tous les premiers mardis du mois", "elke dinsdag van 19u tot 21u",
// "une fois par mois (de novembre à juin)") and durations ("une séance dure 3 heures").
//
// A structured Start wins over dates in the texts; the texts still give its time of
// day, its recurrence and its duration. Among the texts, the first that has a date
// or a recurrence wins; a date in the description does not override a recurrence in
// the schedule field. Deadlines ("inscriptions avant le 15 novembre") are skipped.
//
// Times are Europe/Brussels and DST-correct. A date without a time is at midnight, and
// a span of days ("du 3 au 5 mars") ends at the midnight that begins its last day. A
// date without a year is the next one on or after Ref's day (flag date_year_inferred).
//
// A recurrence becomes Schedule.RRule (RFC 5545, without DTSTART: Start is its first
// occurrence). A range of months ("de novembre à juin") becomes BYMONTH rather than
// UNTIL: it repeats every season and needs no year, where UNTIL would end the rule.
// UNTIL is set only from an explicit end ("jusqu'au 30 juin 2027", "jusqu'en juin 2027").
// When the rule does not say enough to place its sessions (no day: "une fois par mois";
// no week of the month: "une fois par mois le samedi"; no phase: "un jeudi sur deux"
// without a start date; "deux fois par mois" without the weeks), RRule is kept, Start
// and Next are left empty and schedule_incomplete says what is missing. A rule with
// days but no time of day is expanded to dates at midnight, also flagged.
//
// Next holds the occurrences (of the rule, or the dates read) on or after the start of
// Ref's day and before the same day a year later, at most WhenMaxNext. With a zero Ref
// no year is inferred and no rule is expanded without a start date.
//
// The flags are date_unparsed, date_year_inferred, end_before_start and
// schedule_incomplete (see the Flag* constants), with JSON paths as fields. Texts
// without any date raise no flag: the caller flags missing dates by kind.
func ParseWhen(in WhenInput) (Schedule, []Flag) {
	p := &whenParser{flags: []Flag{}}
	if !in.Ref.IsZero() {
		r := in.Ref.In(Brussels)
		p.ref = time.Date(r.Year(), r.Month(), r.Day(), 0, 0, 0, 0, Brussels)
	}
	return p.parse(in), p.flags
}

// whenSentence is a sentence of one of the texts and what it says.
type whenSentence struct {
	text       int // index in whenParser.texts
	start, end int // bytes of the text
	items      []whenItem
}

// whenParser holds the state of one ParseWhen.
type whenParser struct {
	ref   time.Time // start of Ref's day in Brussels; zero when Ref is
	texts []string
	sents []whenSentence
	used  []int // sentences read, for Schedule.Text
	flags []Flag
}

// whenMoment is a time read, and whether it has a time of day.
type whenMoment struct {
	t       time.Time
	hasTime bool
}

func (p *whenParser) flag(code string, sev Severity, field, msg string) {
	p.flags = append(p.flags, Flag{Code: code, Severity: sev, Field: field, Message: msg})
}

// addText cleans a text and reads its sentences; it returns the text's index.
func (p *whenParser) addText(s string) int {
	s = CleanText(s)
	idx := len(p.texts)
	p.texts = append(p.texts, s)
	for _, toks := range whenSentences(whenTokenize(s)) {
		p.sents = append(p.sents, whenSentence{
			text: idx, start: toks[0].start, end: toks[len(toks)-1].end, items: whenScanSentence(toks),
		})
	}
	return idx
}

func (p *whenParser) use(si int) {
	if si >= 0 && !slices.Contains(p.used, si) {
		p.used = append(p.used, si)
	}
}

// whenPlan is what parse has read so far of when the listing meets.
type whenPlan struct {
	start *whenMoment
	end   *time.Time
	occ   []time.Time // dated occurrences, before the window is applied
	clock *whenItem   // the time of day, or range of times, of a session
	// dated is set when the start comes from a date in the texts.
	dated bool
}

func (p *whenParser) parse(in WhenInput) Schedule {
	s := Schedule{Timezone: "Europe/Brussels", Next: []time.Time{}}
	var pl whenPlan
	startRaw := strings.TrimSpace(in.Start)
	startText := -1
	var startErr error
	if startRaw != "" {
		if t, allDay, err := ParseDate(startRaw); err == nil {
			pl.start = &whenMoment{t: t, hasTime: !allDay}
		} else {
			// "30 novembre 14h", "mardi 3 décembre": read it as the first free text.
			startErr = err
			startText = p.addText(startRaw)
		}
	}
	for _, t := range in.Texts {
		p.addText(t)
	}

	dateS, dateK := p.find(func(it whenItem) bool { return it.kind == whenItemDate && it.role == 0 })
	ruleS, ruleK := p.find(func(it whenItem) bool { return it.kind == whenItemRule })
	if pl.start != nil {
		dateS = -1 // a structured start wins over dates in the texts
	}
	var rule whenRule
	if ruleS >= 0 {
		rule = p.rule(ruleS)
		switch {
		case dateS < 0 || dateS == ruleS:
		case p.sents[dateS].text > p.sents[ruleS].text:
			dateS = -1 // a recurrence in the schedule field wins over a date in the description
		case len(rule.days) > 0 && !p.dateOfRule(dateS, dateK, rule):
			// "Journée mondiale le 10 octobre. Le groupe se réunit chaque jeudi.": a date
			// in another sentence starts the recurrence only if it is one of its days.
			dateS = -1
		}
	}
	if startText >= 0 && (dateS < 0 || p.sents[dateS].text != startText) && (ruleS < 0 || p.sents[ruleS].text != startText) {
		p.flag(FlagDateUnparsed, SeverityWarning, "schedule.start", startErr.Error())
	}

	// The time of day: in the sentence of the date or recurrence, else in a sentence
	// that gives only a time.
	anchorS, anchorK := dateS, dateK
	if anchorS < 0 {
		anchorS, anchorK = ruleS, ruleK
	}
	if anchorS >= 0 {
		pl.clock = p.timeNear(anchorS, anchorK)
	}
	if pl.clock == nil && ruleS >= 0 && (anchorS != ruleS || anchorK != ruleK) {
		pl.clock = p.timeNear(ruleS, ruleK) // "à partir du 3 décembre, tous les jeudis de 19h à 21h"
	}
	if pl.clock == nil {
		maxText := startText + 1 // the first free text, when there is no anchor
		if anchorS >= 0 {
			maxText = p.sents[anchorS].text
		}
		pl.clock = p.loneTime(maxText)
	}

	switch {
	case pl.start != nil:
		if c := pl.clock; !pl.start.hasTime && c != nil {
			y, m, d := pl.start.t.Date()
			pl.start = &whenMoment{t: whenAt(y, int(m), d, c.from), hasTime: true}
			if c.hasTo {
				e := whenEnd(pl.start.t, c.from, c.to)
				pl.end = &e
			}
		}
		pl.occ = []time.Time{pl.start.t}
	case dateS >= 0:
		pl.start, pl.end, pl.occ = p.dated(dateS, dateK, pl.clock)
		pl.dated = pl.start != nil
	}
	if ruleS >= 0 {
		p.use(ruleS)
		s.RRule = p.recur(rule, &pl)
	}

	// Duration: from a range of times, else from a duration in the texts.
	if c := pl.clock; c != nil && c.hasTo {
		s.DurationMinutes = (c.to.minutes() - c.from.minutes() + 24*60) % (24 * 60)
	}
	if s.DurationMinutes == 0 {
		if dur, si := p.duration(anchorS); dur > 0 {
			p.use(si)
			s.DurationMinutes = dur
		}
	}

	if start := pl.start; start != nil {
		t := start.t
		s.Start = &t
		end := p.structuredEnd(in.End, start, pl.end)
		if end == nil && start.hasTime && s.DurationMinutes > 0 {
			e := t.Add(time.Duration(s.DurationMinutes) * time.Minute)
			end = &e
		}
		if end != nil && !end.Before(t) { // an end before the start is a DST gap: "de 2h30 à 3h"
			s.End = end
			if start.hasTime && s.DurationMinutes == 0 && end.Sub(t) < 24*time.Hour {
				s.DurationMinutes = int(end.Sub(t).Minutes())
			}
		}
	} else if raw := strings.TrimSpace(in.End); raw != "" {
		// An end without a start is not kept; say so only when it is unreadable.
		if _, _, err := ParseDate(raw); err != nil {
			p.flag(FlagDateUnparsed, SeverityWarning, "schedule.end", err.Error())
		}
	}
	if s.Start == nil && dateS < 0 {
		if bs, bk := p.find(func(it whenItem) bool { return it.kind == whenItemBadDate && it.role == 0 }); bs >= 0 {
			it := p.sents[bs].items[bk]
			p.flag(FlagDateUnparsed, SeverityWarning, "schedule.start", fmt.Sprintf("no such day: %q", p.itemText(bs, it)))
			p.use(bs)
		}
	}

	s.Next = p.window(pl.occ)
	unreadStart := ""
	if startText >= 0 {
		unreadStart = startRaw
	}
	s.Text = p.text(in, unreadStart)
	return s
}

// recur applies the recurrence r to the plan and returns its RRULE: it computes the
// occurrences when r says enough, the start when no date gave one, and flags
// schedule_incomplete when it cannot.
func (p *whenParser) recur(r whenRule, pl *whenPlan) string {
	if r.freq == "WEEKLY" && len(r.days) == 0 && r.reason == whenNoWeekday && pl.start != nil {
		// "le 4 décembre, puis tous les 15 jours": the day of the start, as RFC 5545 has it.
		r.days, r.reason = []whenByDay{{day: pl.start.t.Weekday()}}, ""
	}
	reason := r.reason
	if reason == "" && r.interval > 1 && pl.start == nil {
		unit := "weeks"
		if r.freq == "MONTHLY" {
			unit = "months"
		}
		reason = fmt.Sprintf("every %d %s, but no start date says which", r.interval, unit)
	}
	if reason == "" && pl.start == nil && p.ref.IsZero() {
		reason = "no reference date to count occurrences from"
	}
	if reason != "" {
		p.flag(FlagScheduleIncomplete, SeverityInfo, "schedule", reason+"; occurrences not computed")
		return r.String()
	}
	c := pl.clock
	hasTime := c != nil || pl.start != nil && pl.start.hasTime
	if !hasTime {
		p.flag(FlagScheduleIncomplete, SeverityInfo, "schedule", "no time of day; occurrences are dates")
	}
	var dtstart time.Time
	switch {
	case pl.start != nil:
		dtstart = pl.start.t
	case c != nil:
		dtstart = whenAt(p.ref.Year(), int(p.ref.Month()), p.ref.Day(), c.from)
	default:
		dtstart = p.ref
	}
	pl.occ = p.expand(r, dtstart)
	first := pl.occ
	if pl.dated {
		// "dès le 1er décembre, tous les jeudis": the first Thursday from then.
		first = whenOccurrences(r, dtstart, dtstart, dtstart.AddDate(1, 0, 0), 1)
	}
	if len(first) > 0 && (pl.start == nil || pl.dated && !first[0].Equal(dtstart)) {
		pl.start, pl.end = &whenMoment{t: first[0], hasTime: hasTime}, nil
		if c != nil && c.hasTo {
			e := whenEnd(first[0], c.from, c.to)
			pl.end = &e
		}
	}
	return r.String()
}

// find returns the first item, in priority order, that ok accepts: its sentence
// and its index there, or -1, -1.
func (p *whenParser) find(ok func(whenItem) bool) (int, int) {
	for si, sent := range p.sents {
		for k, it := range sent.items {
			if ok(it) {
				return si, k
			}
		}
	}
	return -1, -1
}

// timeNear returns the time of day said with item k of sentence si: the first one
// after it (before the next date), else the nearest one before it. The pieces of a
// recurrence in a sentence make one rule, so they share the time.
func (p *whenParser) timeNear(si, k int) *whenItem {
	items := p.sents[si].items
	boundary := func(it whenItem) bool { return it.kind == whenItemDate }
	for x := k + 1; x < len(items) && !boundary(items[x]); x++ {
		if items[x].kind == whenItemTime {
			p.use(si)
			return &items[x]
		}
	}
	for x := k - 1; x >= 0 && !boundary(items[x]); x-- {
		if items[x].kind == whenItemTime {
			p.use(si)
			return &items[x]
		}
	}
	return nil
}

// loneTime returns a time of day given in a sentence of its own ("De 14h à 16h."),
// in a text up to maxText.
func (p *whenParser) loneTime(maxText int) *whenItem {
	for si, sent := range p.sents {
		if sent.text > maxText {
			break
		}
		var t *whenItem
		alone := true
		for k, it := range sent.items {
			switch it.kind {
			case whenItemTime:
				if t == nil {
					t = &sent.items[k]
				}
			case whenItemDate, whenItemRule, whenItemDay, whenItemBadDate:
				alone = false
			}
		}
		if t != nil && alone {
			p.use(si)
			return t
		}
	}
	return nil
}

// duration returns the first duration in the texts, preferring the anchor's text,
// with its sentence.
func (p *whenParser) duration(anchor int) (int, int) {
	first, firstS := 0, -1
	for si, sent := range p.sents {
		for _, it := range sent.items {
			if it.kind != whenItemDuration {
				continue
			}
			if anchor >= 0 && sent.text == p.sents[anchor].text {
				return it.minutes, si
			}
			if firstS < 0 {
				first, firstS = it.minutes, si
			}
		}
	}
	return first, firstS
}

// whenAt is the day y-m-d at clock c in Brussels.
func whenAt(y, m, d int, c whenClock) time.Time {
	return time.Date(y, time.Month(m), d, c.h, c.m, 0, 0, Brussels)
}

// whenEnd is the end of a session that starts at start (at clock from) and ends at
// clock to: the same day, or the next when to is not after from ("de 22h à 1h").
func whenEnd(start time.Time, from, to whenClock) time.Time {
	y, m, d := start.Date()
	if to.minutes() <= from.minutes() {
		d++
	}
	return whenAt(y, int(m), d, to)
}

// whenInferYear returns the year of the next m-d on or after ref.
func whenInferYear(m, d int, ref time.Time) int {
	for y := ref.Year(); y < ref.Year()+9; y++ {
		if whenValidDay(y, m, d) && !whenAt(y, m, d, whenClock{}).Before(ref) {
			return y
		}
	}
	return ref.Year()
}

// years fills the missing years of dates, which are in order: the last is the next
// such day on or after the reference day, and each one before it the latest before
// the one that follows. ok is false when a year is missing and there is no Ref.
func (p *whenParser) years(ds []whenDate) (out []whenDate, inferred, ok bool) {
	out = slices.Clone(ds)
	missing := false
	for _, d := range out {
		missing = missing || d.y == 0
	}
	if !missing {
		return out, false, true
	}
	if p.ref.IsZero() {
		return nil, false, false
	}
	last := len(out) - 1
	if out[last].y == 0 {
		out[last].y = whenInferYear(out[last].m, out[last].d, p.ref)
	}
	for x := last - 1; x >= 0; x-- {
		if out[x].y == 0 {
			out[x].y = out[x+1].y
			if whenDateKey(out[x]) > whenDateKey(out[x+1]) {
				out[x].y--
			}
		}
	}
	for x := range out {
		if !whenValidDay(out[x].y, out[x].m, out[x].d) {
			return nil, false, false // 29 February of a year that has none
		}
	}
	return out, true, true
}

// dated reads the date item k of sentence si, and the other dates of that sentence,
// with their times: the start, the end and the dated occurrences.
func (p *whenParser) dated(si, k int, clock *whenItem) (*whenMoment, *time.Time, []time.Time) {
	p.use(si)
	items := p.sents[si].items
	first := items[k]
	var start *whenMoment
	var end *time.Time
	var occ []time.Time
	var inferred []string
	for x := k; x < len(items); x++ {
		it := items[x]
		if it.kind != whenItemDate || it.role != 0 || x > k && (it.span || first.span) {
			continue
		}
		ds, inf, ok := p.years(it.dates)
		if !ok {
			if x == k {
				msg := fmt.Sprintf("no year in %q and no reference date", p.itemText(si, it))
				p.flag(FlagDateUnparsed, SeverityWarning, "schedule.start", msg)
				return nil, nil, nil
			}
			continue
		}
		if inf {
			inferred = append(inferred, p.itemText(si, it))
			if d := ds[0]; d.hasWD && time.Date(d.y, time.Month(d.m), d.d, 0, 0, 0, 0, time.UTC).Weekday() != d.wd {
				inferred[len(inferred)-1] += fmt.Sprintf(" (%d-%02d-%02d is not a %s)", d.y, d.m, d.d, d.wd)
			}
		}
		c := clock
		if x != k {
			c = p.timeNear(si, x)
			if c == nil {
				c = clock
			}
		}
		var from whenClock
		hasTime := c != nil
		if hasTime {
			from = c.from
		}
		if it.span {
			a, b := ds[0], ds[1]
			st := whenAt(a.y, a.m, a.d, from)
			start = &whenMoment{t: st, hasTime: hasTime}
			occ = append(occ, st)
			var e time.Time
			if hasTime && c.hasTo {
				e = whenAt(b.y, b.m, b.d, c.to)
			} else {
				e = whenAt(b.y, b.m, b.d, whenClock{})
			}
			if e.Before(st) {
				p.flag(FlagEndBeforeStart, SeverityWarning, "schedule.end", fmt.Sprintf("%q ends before it starts", p.itemText(si, it)))
			} else if e.After(st) {
				end = &e
			}
			break
		}
		for _, d := range ds {
			t := whenAt(d.y, d.m, d.d, from)
			occ = append(occ, t)
			if start == nil || t.Before(start.t) {
				start = &whenMoment{t: t, hasTime: hasTime}
				end = nil
				if hasTime && c.hasTo {
					e := whenEnd(t, c.from, c.to)
					end = &e
				}
			}
		}
	}
	if len(inferred) > 0 {
		msg := fmt.Sprintf("no year in %s: took the next on or after %s", strings.Join(inferred, ", "), p.ref.Format("2006-01-02"))
		p.flag(FlagDateYearInferred, SeverityInfo, "schedule.start", msg)
	}
	slices.SortFunc(occ, func(a, b time.Time) int { return a.Compare(b) })
	return start, end, slices.Compact(occ)
}

// structuredEnd applies the End field, if any, to the end read so far.
func (p *whenParser) structuredEnd(raw string, start *whenMoment, end *time.Time) *time.Time {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return end
	}
	e, allDay, err := ParseDate(raw)
	if err != nil {
		// "16h15", "30 novembre 16h15"
		var ok bool
		e, allDay, ok = p.freeEnd(raw, start)
		if !ok {
			p.flag(FlagDateUnparsed, SeverityWarning, "schedule.end", err.Error())
			return end
		}
	}
	sy, sm, sd := start.t.Date()
	ey, em, ed := e.Date()
	switch {
	case allDay && sy == ey && sm == em && sd == ed:
		return end // ends the day it starts: no more than the start says
	case e.Before(start.t):
		p.flag(FlagEndBeforeStart, SeverityWarning, "schedule.end", fmt.Sprintf("end %s is before start %s",
			e.Format(time.RFC3339), start.t.Format(time.RFC3339)))
		return nil
	}
	return &e
}

// freeEnd reads an End field that ParseDate could not: a date with an optional time,
// or a time alone on the start's day.
func (p *whenParser) freeEnd(raw string, start *whenMoment) (time.Time, bool, bool) {
	sub := &whenParser{ref: p.ref}
	sub.addText(raw)
	if si, k := sub.find(func(it whenItem) bool { return it.kind == whenItemDate && !it.span }); si >= 0 {
		ds, _, ok := sub.years(sub.sents[si].items[k].dates)
		if ok {
			d := ds[0]
			if c := sub.timeNear(si, k); c != nil {
				return whenAt(d.y, d.m, d.d, c.from), false, true
			}
			return whenAt(d.y, d.m, d.d, whenClock{}), true, true
		}
	}
	if si, k := sub.find(func(it whenItem) bool { return it.kind == whenItemTime }); si >= 0 {
		y, m, d := start.t.Date()
		return whenAt(y, int(m), d, sub.sents[si].items[k].from), false, true
	}
	return time.Time{}, false, false
}

// window keeps the occurrences on or after the reference day and before a year
// after it, at most WhenMaxNext, in order. Without a Ref it keeps the first ones.
func (p *whenParser) window(occ []time.Time) []time.Time {
	out := []time.Time{}
	limit := p.ref.AddDate(1, 0, 0)
	for _, t := range occ {
		if len(out) == WhenMaxNext {
			break
		}
		if !p.ref.IsZero() && (t.Before(p.ref) || !t.Before(limit)) {
			continue
		}
		out = append(out, t)
	}
	return out
}

// itemText returns the words of an item as the text has them.
func (p *whenParser) itemText(si int, it whenItem) string {
	return p.texts[p.sents[si].text][it.b0:it.b1]
}

// text returns the sentences the schedule was read from; when none was, the Start
// field that could not be read, else the first free text; cut to WhenMaxTextRunes.
func (p *whenParser) text(in WhenInput, unreadStart string) string {
	slices.Sort(p.used)
	var parts []string
	for _, si := range p.used {
		s := p.sents[si]
		parts = append(parts, strings.Trim(p.texts[s.text][s.start:s.end], " *_#>\t")) // markdown emphasis
	}
	text := strings.Join(parts, " ")
	if text == "" {
		text = CleanText(unreadStart)
	}
	for _, t := range in.Texts {
		if text != "" {
			break
		}
		text = CleanText(t)
	}
	return whenTruncate(strings.ReplaceAll(text, "\n", " "), WhenMaxTextRunes)
}

// whenTruncate cuts s to at most n runes, at a space when it can, marking the cut.
func whenTruncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut, runes := 0, 0
	for i := range s {
		if runes == n-1 {
			cut = i
			break
		}
		runes++
	}
	s = s[:cut]
	if i := strings.LastIndexAny(s, " \n"); i > len(s)/2 {
		s = s[:i]
	}
	return strings.TrimSpace(s) + "…"
}
