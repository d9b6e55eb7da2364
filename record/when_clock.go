package record

// This file reads times of day ("14h15", "19u30", "18:30 Uhr", "7pm"), ranges of them
// ("de 14h à 16h", "von 18 bis 20 Uhr", "2–4 pm") and durations ("3 heures", "2h30").

import (
	"strings"
)

// whenClockRead is a time of day as read, with how it was written.
type whenClockRead struct {
	c whenClock
	j int
	// form is 'h' (14h, 14h15, 19u30), 'c' (14:15), 'd' (19.30 alone), 'w' (a number
	// and a unit word: 19 uur, 18 Uhr, 7 pm, 19.30 uur), 'e' (19 heures: a time only
	// after "à" or in a range, else a duration), 'n' (a bare number) or 'x' (midi).
	form byte
	unit string // "h", "u", "uur", "uhr", "heures", "am", "pm" or ""
	mer  byte   // 'a' or 'p' for am and pm
}

// clock reads a time of day at i.
func (sc *whenScanner) clock(i int) (whenClockRead, bool) {
	switch sc.w(i) {
	case "midi", "noon":
		return whenClockRead{c: whenClock{12, 0}, j: i + 1, form: 'x'}, true
	case "minuit", "midnight", "middernacht", "mitternacht":
		return whenClockRead{c: whenClock{0, 0}, j: i + 1, form: 'x'}, true
	}
	h, digits := sc.num(i)
	if digits == 0 || digits > 2 || h > 24 {
		return whenClockRead{}, false
	}
	if sc.adj(i) && sc.p(i-1) != "" && strings.Contains("/.:,", sc.p(i-1)) {
		if _, d := sc.num(i - 2); d > 0 {
			return whenClockRead{}, false
		}
	}
	r := whenClockRead{c: whenClock{h: h}, j: i + 1, form: 'n'}
	minutes := func(k int) (int, bool) {
		m, d := sc.num(k)
		return m, d == 2 && m <= 59
	}
	j := i + 1
	switch w := sc.w(j); {
	case w == "h" || w == "u":
		r.form, r.unit, r.j = 'h', w, j+1
		if m, ok := minutes(j + 1); ok && (sc.adj(j+1) || sc.t[j].space) {
			r.c.m, r.j = m, j+2
		}
	case w == "uur" || w == "uhr":
		r.form, r.unit, r.j = 'w', w, j+1
	case w == "heure" || w == "heures":
		r.form, r.unit, r.j = 'e', w, j+1
	case sc.p(j) == ":" && sc.adj(j) && sc.adj(j+1):
		m, ok := minutes(j + 1)
		if !ok {
			return whenClockRead{}, false
		}
		r.form, r.c.m, r.j = 'c', m, j+2
		if u := sc.w(r.j); u == "h" || u == "u" || u == "uur" || u == "uhr" {
			r.unit, r.j = u, r.j+1
		}
	case sc.p(j) == "." && sc.adj(j) && sc.adj(j+1):
		m, ok := minutes(j + 1)
		if !ok || sc.p(j+2) == "." && sc.adj(j+2) && sc.adj(j+3) && sc.t[j+3].kind == whenNum {
			return whenClockRead{}, false // a date: "12.03.2027"
		}
		r.form, r.c.m, r.j = 'd', m, j+2
		if u := sc.w(r.j); u == "h" || u == "u" || u == "uur" || u == "uhr" {
			r.form, r.unit, r.j = 'w', u, r.j+1
		}
	}
	// am / pm, "p.m."
	k := r.j
	mer := byte(0)
	switch w := sc.w(k); {
	case w == "am" || w == "pm":
		mer, k = w[0], k+1
	case (w == "a" || w == "p") && sc.p(k+1) == "." && sc.w(k+2) == "m":
		mer, k = w[0], k+3
		if sc.p(k) == "." && sc.adj(k) {
			k++
		}
	}
	if mer != 0 && r.unit == "" {
		if h < 1 || h > 12 {
			return whenClockRead{}, false
		}
		r.c.h = h % 12
		if mer == 'p' {
			r.c.h += 12
		}
		r.mer, r.unit, r.j = mer, "pm", k
		if mer == 'a' {
			r.unit = "am"
		}
		if r.form == 'n' || r.form == 'd' {
			r.form = 'w'
		}
	}
	if r.c.h > 23 {
		return whenClockRead{}, false
	}
	return r, true
}

// strongClock reads a time of day that is one by itself: "14h", "14:15", "19.30 uur", "7pm".
func (sc *whenScanner) strongClock(i int) (whenClockRead, bool) {
	r, ok := sc.clock(i)
	if !ok || r.form != 'h' && r.form != 'c' && r.form != 'w' {
		return whenClockRead{}, false
	}
	return r, true
}

// timeRange reads "de 14h15 à 16h15", "14h-16h", "van 19u tot 21u", "von 18 bis 20 Uhr",
// "18–20 Uhr", "2–4 pm", "2:15–4:15 pm", "entre 14h et 16h".
func (sc *whenScanner) timeRange(i int) (whenItem, bool) {
	j := i
	lead, between := "", false
	if w := sc.w(j); whenRangeLeads[w] {
		lead = w
		between = w == "entre" || w == "tussen" || w == "zwischen" || w == "between"
		j++
	}
	a, ok := sc.clock(j)
	if !ok {
		return whenItem{}, false
	}
	k := a.j
	switch w := sc.w(k); {
	case sc.p(k) == "-", w == "a", w == "tot", w == "bis", w == "to", w == "till", w == "until":
		k++
	case w == "jusqu" && sc.p(k+1) == "'" && sc.w(k+2) == "a":
		k += 3
	case between && (w == "et" || w == "en" || w == "und" || w == "and"):
		k++
	default:
		return whenItem{}, false
	}
	b, ok := sc.clock(k)
	if !ok {
		return whenItem{}, false
	}
	strong := func(r whenClockRead) bool { return strings.IndexByte("hcwex", r.form) >= 0 }
	switch {
	case !strong(a) && !strong(b):
		// "van 19.30 tot 21.30" but not "18-25 ans" nor "10.50-12.50"
		if lead == "" || a.form != 'd' || b.form != 'd' {
			return whenItem{}, false
		}
	case b.form == 'n':
		if lead == "" || a.form != 'h' && a.form != 'e' {
			return whenItem{}, false // "de 14h à 16" is a range; "14h-16 personnes" is not
		}
	case a.form == 'd' || b.form == 'd':
		if lead == "" && b.form == 'd' {
			return whenItem{}, false
		}
	}
	if c := sc.w(b.j); c == "eur" || c == "euro" || c == "euros" || sc.p(b.j) == "€" {
		return whenItem{}, false // "de 15.00 à 20.00 €"
	}
	from, to := a.c, b.c
	// "von 18 bis 20 Uhr", "2–4 pm": the unit of the end applies to a bare start.
	if a.mer == 0 && b.mer == 'p' && from.h < 12 && from.h+12 <= to.h {
		from.h += 12
	}
	return whenItem{kind: whenItemTime, i: i, j: b.j, from: from, to: to, hasTo: true}, true
}

// time reads a single time of day: "à 19h", "om 19u30", "um 18:30 Uhr", "at 7pm", "14h15".
func (sc *whenScanner) time(i int) (whenItem, bool) {
	j := i
	cue := whenTimeCues[sc.w(j)]
	switch {
	case cue:
		j++
	case sc.w(j) == "partir" && sc.w(j+1) == "de":
		cue, j = true, j+2
	}
	r, ok := sc.clock(j)
	if !ok {
		return whenItem{}, false
	}
	switch r.form {
	case 'n':
		return whenItem{}, false
	case 'd', 'x', 'e':
		if !cue {
			return whenItem{}, false
		}
	case 'h', 'w':
		// "2h30", "3h", "2 uur" are durations unless a cue says they are times.
		if !cue && r.c.h < 6 && r.mer == 0 && r.unit != "uhr" {
			return whenItem{}, false
		}
		// "10h de formation", "24h/24"
		if r.form == 'h' && r.c.m == 0 && !cue && (sc.w(r.j) == "de" || sc.w(r.j) == "d" || sc.p(r.j) == "/") {
			return whenItem{}, false
		}
	}
	return whenItem{kind: whenItemTime, i: i, j: r.j, from: r.c}, true
}

// duration reads how long a session lasts: "3 heures", "2h30", "1h30", "90 minutes",
// "2 uur", "anderhalf uur", "2 Stunden", "2 hours", "une heure et demie". With cued,
// it reads only after a word that announces a duration ("dure", "durée :", "pendant").
func (sc *whenScanner) duration(i int, cued bool) (whenItem, bool) {
	j := i
	if cued {
		if !whenDurationCues[sc.w(j)] {
			return whenItem{}, false
		}
		j++
		for n := 0; n < 4; n++ {
			switch w := sc.w(j); {
			case whenDurationCues[w], sc.p(j) == ":", sc.p(j) == "'", w == "de", w == "d", w == "van", w == "of", w == "von",
				w == "environ", w == "ongeveer", w == "ca", w == "about", w == "etwa", w == "approximately", w == "around":
				j++
				continue
			}
			break
		}
	}
	min, k, unit, ok := sc.durationAt(j)
	if !ok {
		return whenItem{}, false
	}
	if !cued {
		if w := sc.w(i - 1); whenTimeCues[w] && w != "from" || sc.p(i-1) == "-" || w == "tot" || w == "bis" || w == "to" {
			return whenItem{}, false // "à 3 heures", "2-3 heures"
		}
		if _, d := sc.num(i - 2); d > 0 && (sc.p(i-1) == "-" || sc.w(i-1) == "a" || sc.w(i-1) == "tot") {
			return whenItem{}, false
		}
		if unit == 'm' && (min < 30 || whenTravelWords[sc.w(k)]) {
			return whenItem{}, false // "5 minutes à pied", "30 minutes de Bruxelles"
		}
	}
	if min < 10 || min > 720 {
		return whenItem{}, false
	}
	return whenItem{kind: whenItemDuration, i: i, j: k, minutes: min}, true
}

// durationAt reads a duration at i; unit is 'h' or 'm' for the unit it ended with.
func (sc *whenScanner) durationAt(i int) (minutes, j int, unit byte, ok bool) {
	// Phrases of their own.
	for _, p := range []struct {
		pat string
		min int
	}{
		{"anderhalf uur", 90}, {"anderhalve uur", 90}, {"anderhalb stunden", 90}, {"anderthalb stunden", 90},
		{"eineinhalb stunden", 90}, {"une demi - heure", 30}, {"une demi heure", 30}, {"een half uur", 30},
		{"half an hour", 30}, {"eine halbe stunde", 30}, {"an hour and a half", 90}, {"one and a half hours", 90},
		{"an hour", 60}, {"a half hour", 30},
	} {
		if k, _, ok := sc.phrase(i, strings.Fields(p.pat)); ok {
			return p.min, k, 'h', true
		}
	}
	n, ok := sc.number(i)
	if !ok || n > 720 {
		return 0, 0, 0, false
	}
	if _, d := sc.num(i); d > 0 && sc.adj(i) && sc.p(i-1) != "" && strings.Contains("/.:,", sc.p(i-1)) {
		return 0, 0, 0, false
	}
	k := i + 1
	half := 0
	// "1,5 uur", "1.5 hours"
	if (sc.p(k) == "," || sc.p(k) == ".") && sc.adj(k) && sc.adj(k+1) {
		if v, d := sc.num(k + 1); d == 1 && v == 5 {
			half, k = 30, k+2
		}
	}
	u, isUnit := whenDurationUnits[sc.w(k)]
	if !isUnit {
		return 0, 0, 0, false
	}
	if w := sc.w(k); (w == "h" || w == "u") && half > 0 {
		return 0, 0, 0, false
	}
	k++
	if u == 'm' {
		return n, k, 'm', half == 0
	}
	minutes = n*60 + half
	// "2h30", "2 heures 30", "1 uur 30 min", "une heure et demie", "two and a half hours"
	if m, d := sc.num(k); d == 2 && m < 60 && half == 0 {
		minutes, k = minutes+m, k+1
		if _, isMin := whenDurationUnits[sc.w(k)]; isMin && whenDurationUnits[sc.w(k)] == 'm' {
			k++
		}
	} else if (sc.w(k) == "et" || sc.w(k) == "and") && (sc.w(k+1) == "demie" || sc.w(k+1) == "demi" || sc.w(k+1) == "half") && half == 0 {
		minutes, k = minutes+30, k+2
	}
	return minutes, k, 'h', true
}
