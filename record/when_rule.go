package record

// This file reads recurrences: "tous les mardis", "le premier mardi du mois",
// "une fois par mois", "de novembre à juin", "sauf en juillet et août".

import (
	"slices"
	"time"
)

// freq reads a frequency phrase: "une fois par mois", "tweewekelijks", "monatlich",
// "every two weeks", "tous les quinze jours".
func (sc *whenScanner) freq(i int) (whenItem, bool) {
	w := sc.w(i)
	if w == "" {
		if _, d := sc.num(i); d == 0 {
			return whenItem{}, false
		}
	}
	candidates := whenFreqIndex[w]
	if _, isNum := sc.number(i); isNum {
		candidates = append(slices.Clip(candidates), whenFreqIndex["#"]...)
	}
	for _, f := range candidates {
		j, n, ok := sc.phrase(i, f.pat)
		if !ok {
			continue
		}
		it := whenItem{kind: whenItemRule, i: i, j: j, freq: f.freq, interval: f.interval, count: f.count}
		switch f.num {
		case "count":
			if n != 1 && n != 2 {
				continue
			}
			it.interval, it.count = 1, n
		case "interval":
			if n < 1 || n > 4 {
				continue
			}
			it.interval, it.count = n, 1
		case "days":
			switch n {
			case 7, 8:
				it.interval = 1
			case 14, 15:
				it.interval = 2
			case 21:
				it.interval = 3
			case 28:
				it.interval = 4
			default:
				continue
			}
			it.count = 1
		}
		return it, true
	}
	return whenItem{}, false
}

// ordinals reads "premier", "1er", "2e", "first", "ersten", "1.", and lists of them
// ("1er et 3e").
func (sc *whenScanner) ordinals(i int) (ords []int, j int) {
	j = i
	for {
		k := j
		if len(ords) > 0 {
			s, k2, ok := sc.listSep(k)
			if !ok || s == 0 {
				break
			}
			k = k2
			if whenArticles[sc.w(k)] {
				k++ // "le 1er et le 3e jeudi"
			}
		}
		if o, ok := whenOrdinalWords[sc.w(k)]; ok {
			ords, j = append(ords, o), k+1
			continue
		}
		v, d := sc.num(k)
		if d != 1 || v < 1 || v > 4 || !sc.adj(k+1) || !whenOrdinalSuffixes[sc.w(k+1)] && sc.p(k+1) != "." {
			break
		}
		ords, j = append(ords, v), k+2
	}
	return ords, j
}

// listSep reads what joins items of a list: ",", "et", "en", "und", "and", "&", "ou".
func (sc *whenScanner) listSep(k int) (byte, int, bool) {
	if whenListSeps[sc.w(k)] {
		return 'l', k + 1, true
	}
	if p := sc.p(k); p == "," || p == "&" || p == "/" {
		if whenListSeps[sc.w(k+1)] {
			return 'l', k + 2, true
		}
		return 'l', k + 1, true
	}
	return 0, k, false
}

// weekdays reads one day name or a list of them ("lundis et jeudis"); plural is
// set when one is a plural or an adverb ("dinsdags").
func (sc *whenScanner) weekdays(i int) (days []time.Weekday, j int, plural bool) {
	j = i
	for {
		k := j
		if len(days) > 0 {
			_, k2, ok := sc.listSep(k)
			if !ok {
				break
			}
			k = k2
			if whenArticles[sc.w(k)] {
				k++
			}
		}
		ww, ok := whenWeekdayOf(sc.w(k))
		if !ok || ww.form == 'a' {
			break
		}
		days, j, plural = append(days, ww.day), k+1, plural || ww.form == 'p'
	}
	return days, j, plural
}

// rule reads recurrences on named days: "tous les mardis", "chaque mardi",
// "le premier mardi du mois", "tous les premiers mardis du mois", "un jeudi sur deux",
// "elke dinsdag", "iedere eerste dinsdag van de maand", "jeden ersten Dienstag im Monat",
// "every other Thursday", "first Tuesday of the month", "dienstags". A day named
// alone ("le mardi", "op dinsdag") is returned as a whenItemDay.
func (sc *whenScanner) rule(i int) (whenItem, bool) {
	j := i
	it := whenItem{kind: whenItemRule}
	cue := false
	if k, ok := sc.phraseAny(j, whenEveryCues); ok {
		cue, j = true, k
	} else if k, _, ok := sc.phrase(j, []string{"om", "de", "andere"}); ok {
		cue, j, it.interval = true, k, 2
	}
	if cue && sc.w(j) == "other" {
		it.interval, j = 2, j+1
	}
	un, habit := false, false
	switch {
	case !cue && (sc.w(j) == "un" || sc.w(j) == "une"):
		un, j = true, j+1
	case !cue && sc.w(j) == "le" && whenFrenchDays[sc.w(j+1)]:
		// "le mardi de 19h à 21h": in French the article alone makes a habit,
		// unless a date follows ("le mardi 3 décembre").
		if _, _, _, _, ok := sc.dateAt(j + 1); ok {
			return whenItem{}, false
		}
		habit, j = true, j+1
	}
	plural := false
	for {
		ords, k := sc.ordinals(j)
		days, k2, pl := sc.weekdays(k)
		if len(days) == 0 {
			break
		}
		plural = plural || pl
		for _, d := range days {
			if len(ords) == 0 {
				it.days = append(it.days, whenByDay{day: d})
			}
			for _, o := range ords {
				it.days = append(it.days, whenByDay{day: d, ord: o})
			}
		}
		j = k2
		// "le premier mardi et le troisième jeudi du mois"
		_, k3, ok := sc.listSep(j)
		if !ok {
			break
		}
		if whenArticles[sc.w(k3)] {
			k3++
		}
		if o, _ := sc.ordinals(k3); len(o) == 0 {
			break
		}
		j = k3
	}
	if len(it.days) == 0 {
		return whenItem{}, false
	}
	if k, ok := sc.phraseAny(j, whenMonthScopes); ok {
		it.monthly, j = true, k
	}
	// "un jeudi sur deux"
	if w := sc.w(j); w == "sur" {
		if n, ok := sc.number(j + 1); ok && n >= 2 && n <= 4 {
			it.interval, j = n, j+2
		}
	}
	if un && it.interval == 0 {
		return whenItem{}, false
	}
	// "every second Thursday", "jeden zweiten Donnerstag": every other week, unless
	// counted in the month.
	if cue && !it.monthly && it.interval == 0 && len(it.days) == 1 && (it.days[0].ord == 2 || it.days[0].ord == 3) {
		it.interval, it.days[0].ord = it.days[0].ord, 0
	}
	if !cue && !it.monthly && !plural && !habit && it.interval == 0 {
		it.kind = whenItemDay
	}
	it.i, it.j = i, j
	return it, true
}

// monthRange reads the months a recurrence runs: "de novembre à juin", "d'octobre à juin",
// "van september tot juni", "von September bis Juni", "September to June",
// "septembre-juin", "de septembre 2026 à juin 2027".
func (sc *whenScanner) monthRange(i int) (whenItem, bool) {
	j := i
	switch sc.w(j) {
	case "de", "du", "van", "von", "vom", "from", "vanaf", "des":
		j++
	case "d":
		if sc.p(j+1) == "'" {
			j += 2
		}
	}
	if w := sc.w(j); (w == "mois" || w == "maand" || w == "month") && (sc.w(j+1) == "de" || sc.w(j+1) == "d" && sc.p(j+2) == "'") {
		j += 2
		if sc.p(j) == "'" {
			j++
		}
	}
	m1, k, ok := sc.monthAt(j)
	if !ok {
		return whenItem{}, false
	}
	_, k, _ = sc.yearAt(k)
	switch w := sc.w(k); {
	case sc.p(k) == "-", w == "a", w == "au", w == "to", w == "till", w == "until", w == "through", w == "bis", w == "tot":
		k++
		if w == "tot" && sc.w(k) == "en" && sc.w(k+1) == "met" {
			k += 2
		}
	case w == "jusqu" && sc.p(k+1) == "'":
		k += 3 // "jusqu'à", "jusqu'en", "jusqu'au"
	case w == "t" && sc.p(k+1) == "/" && sc.w(k+2) == "m":
		k += 3
	default:
		return whenItem{}, false
	}
	if w := sc.w(k); (w == "mois" || w == "maand") && (sc.w(k+1) == "de" || sc.w(k+1) == "d") {
		k += 2
		if sc.p(k) == "'" {
			k++
		}
	}
	m2, k2, ok := sc.monthAt(k)
	if !ok || m1 == m2 {
		return whenItem{}, false
	}
	if _, d := sc.num(k2); d > 0 && d <= 2 {
		return whenItem{}, false // "to June 5" is a date
	}
	it := whenItem{kind: whenItemMonths, i: i, months: whenMonthSpan(m1, m2)}
	if y, k3, ok := sc.yearAt(k2); ok {
		it.untilY, it.untilM, k2 = y, m2, k3
	}
	it.j = k2
	return it, true
}

// untilMonth reads the month a recurrence ends, with its year: "jusqu'en juin 2027",
// "tot juni 2027", "bis Juni 2027", "until June 2027". Without a year it is not read.
func (sc *whenScanner) untilMonth(i int) (whenItem, bool) {
	j := i
	switch w := sc.w(j); {
	case w == "jusqu" && sc.p(j+1) == "'":
		j += 3 // "jusqu'en", "jusqu'à", "jusqu'au"
	case w == "tot" && sc.w(j+1) == "en" && sc.w(j+2) == "met":
		j += 3
	case w == "tot", w == "bis", w == "until", w == "till", w == "through":
		j++
	default:
		return whenItem{}, false
	}
	if w := sc.w(j); w == "mois" || w == "fin" || w == "eind" || w == "ende" || w == "end" {
		j++ // "jusqu'à fin juin 2027", "bis Ende Juni 2027"
		if w := sc.w(j); w == "de" || w == "d" || w == "of" {
			j++
		}
		if sc.p(j) == "'" {
			j++
		}
	}
	m, k, ok := sc.monthAt(j)
	if !ok {
		return whenItem{}, false
	}
	y, k, ok := sc.yearAt(k)
	if !ok {
		return whenItem{}, false
	}
	return whenItem{kind: whenItemMonths, i: i, j: k, untilY: y, untilM: m}, true
}

// whenMonthSpan lists the months from a to b, over the new year if need be.
func whenMonthSpan(a, b int) []int {
	var out []int
	for m := a; ; m = m%12 + 1 {
		out = append(out, m)
		if m == b || len(out) == 12 {
			return out
		}
	}
}

// except reads months a recurrence skips: "sauf en juillet et août", "hors juillet-août",
// "pas de séance en juillet", "behalve in juli en augustus", "außer im August",
// "except July and August".
func (sc *whenScanner) except(i int) (whenItem, bool) {
	if !whenExceptCues[sc.w(i)] {
		return whenItem{}, false
	}
	j := i + 1
	for n := 0; n < 4 && j < len(sc.t); n++ {
		if _, ok := whenMonths[sc.w(j)]; ok {
			break
		}
		if sc.t[j].kind == whenNum {
			return whenItem{}, false
		}
		j++
	}
	var months []int
	for {
		m, k, ok := sc.monthAt(j)
		if !ok {
			break
		}
		if _, d := sc.num(k); d > 0 {
			return whenItem{}, false // a date: "sauf le 3 mars" is read as a date
		}
		if r, ok := sc.monthRange(j); ok {
			months, k = append(months, r.months...), r.j
		} else {
			months = append(months, m)
		}
		j = k
		if sc.p(j) == "-" || sc.p(j) == "/" {
			j++
			continue
		}
		k2 := j
		if _, k3, ok := sc.listSep(j); ok {
			k2 = k3 // "juillet et août", "juillet, août"; "juillet août" needs none
		}
		if _, ok := whenMonths[sc.w(k2)]; !ok {
			break
		}
		j = k2
	}
	if len(months) == 0 {
		return whenItem{}, false
	}
	return whenItem{kind: whenItemExcept, i: i, j: j, months: months}, true
}
