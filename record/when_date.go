package record

// This file reads dates: "le 30 novembre 2026", "30/11", "12.03.2027", "Dec 3",
// "du 3 au 5 mars", "les 3, 10 et 17 mars".

import (
	"strings"
	"time"
)

// dayAt reads a day of the month: "3", "1er", "3rd", "12." (German).
func (sc *whenScanner) dayAt(i int) (d, j int, ok bool) {
	v, digits := sc.num(i)
	if digits == 0 || digits > 2 || v < 1 || v > 31 {
		return 0, 0, false
	}
	if sc.adj(i) && strings.Contains("/.:,", sc.p(i-1)) && sc.p(i-1) != "" {
		if _, d := sc.num(i - 2); d > 0 {
			return 0, 0, false // the end of "0498/12", "19.30"
		}
	}
	// "14h", "19 uur", "14:15", "19.30" are times.
	switch w := sc.w(i + 1); {
	case w == "h" || w == "u" || w == "uur" || w == "uhr" || w == "heure" || w == "heures" || w == "am" || w == "pm",
		sc.adj(i+1) && sc.p(i+1) == ":",
		sc.adj(i+1) && sc.p(i+1) == "." && sc.adj(i+2) && len(sc.t[i+2].s) == 2 && sc.t[i+2].kind == whenNum:
		return 0, 0, false
	}
	j = i + 1
	switch {
	case sc.adj(j) && whenOrdinalSuffixes[sc.w(j)]:
		j++
	case sc.adj(j) && sc.p(j) == ".":
		if _, d := sc.num(j + 1); d == 0 || !sc.adj(j+1) {
			j++
		}
	}
	return v, j, true
}

// monthAt reads a month name, with the dot of an abbreviation.
func (sc *whenScanner) monthAt(i int) (m, j int, ok bool) {
	m, ok = whenMonths[sc.w(i)]
	if !ok {
		return 0, 0, false
	}
	j = i + 1
	if sc.adj(j) && sc.p(j) == "." {
		j++
	}
	return m, j, true
}

// yearAt reads a four-digit year, after an optional comma.
func (sc *whenScanner) yearAt(i int) (y, j int, ok bool) {
	j = i
	if sc.p(j) == "," {
		j++
	}
	v, digits := sc.num(j)
	if digits != 4 || v < 1900 || v > 2100 {
		return 0, i, false
	}
	if sc.adj(j+1) && (sc.p(j+1) == ":" || sc.w(j+1) == "h") {
		return 0, i, false
	}
	return v, j + 1, true
}

// whenValidDay reports whether d is a day of month m (of year y, or of a leap year
// when y is 0).
func whenValidDay(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 {
		return false
	}
	if y == 0 {
		y = 2024
	}
	return d <= time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// numericDate reads "30/11/2026", "30/11/26", "12.03.2027", "30-11-2026", "2026-11-30"
// and "30/11". needsContext is set for a date without a year, which is read only
// next to words that make it one ("le 30/11", "30/11 à 14h15").
func (sc *whenScanner) numericDate(i int) (d whenDate, j int, needsContext, ok bool) {
	a, da := sc.num(i)
	if da == 0 {
		return d, 0, false, false
	}
	if sc.adj(i) && sc.p(i-1) != "" && strings.Contains("/.-:,", sc.p(i-1)) {
		if _, digits := sc.num(i - 2); digits > 0 {
			return d, 0, false, false
		}
	}
	sep := sc.p(i + 1)
	if !sc.adj(i+1) || sep != "/" && sep != "." && sep != "-" {
		return d, 0, false, false
	}
	b, db := sc.num(i + 2)
	if db == 0 || db > 2 || !sc.adj(i+2) {
		return d, 0, false, false
	}
	// tail reports whether more digits are glued on: "1.2.3.4", "30/11/2026/7".
	tail := func(k int) bool {
		if !sc.adj(k) {
			return false
		}
		if _, digits := sc.num(k); digits > 0 {
			return true
		}
		_, digits := sc.num(k + 1)
		return sc.p(k) != "" && strings.Contains("/.-:", sc.p(k)) && digits > 0 && sc.adj(k+1)
	}
	if da == 4 && sep == "-" {
		c, dc := sc.num(i + 4)
		if sc.p(i+3) != "-" || !sc.adj(i+3) || dc == 0 || dc > 2 || !sc.adj(i+4) || tail(i+5) {
			return d, 0, false, false
		}
		d = whenDate{y: a, m: b, d: c}
		return d, i + 5, false, a >= 1900 && a <= 2100
	}
	if da > 2 {
		return d, 0, false, false
	}
	d = whenDate{m: b, d: a}
	if sc.p(i+3) == sep && sc.adj(i+3) && sc.adj(i+4) {
		y, dy := sc.num(i + 4)
		if (dy == 2 || dy == 4) && !tail(i+5) {
			if dy == 2 {
				y += 2000
			}
			d.y, j = y, i+5
			return d, j, false, y >= 1900 && y <= 2100
		}
		return d, 0, false, false
	}
	if sep != "/" || tail(i+3) {
		return d, 0, false, false
	}
	return d, i + 3, true, true
}

// dateCore reads a date without its day of the week. bad is set when the shape is a
// date's but the day does not exist.
func (sc *whenScanner) dateCore(i int) (d whenDate, j int, needsContext, bad, ok bool) {
	if d, j, nc, ok := sc.numericDate(i); ok {
		if d.m < 1 || d.m > 12 || d.d < 1 || d.d > 31 {
			return d, 0, false, false, false
		}
		return d, j, nc, !whenValidDay(d.y, d.m, d.d), true
	}
	if day, k, ok := sc.dayAt(i); ok {
		if sc.w(k) == "of" {
			k++
		}
		if m, k2, ok := sc.monthAt(k); ok {
			d = whenDate{m: m, d: day}
			d.y, k2, _ = sc.yearAt(k2)
			return d, k2, false, !whenValidDay(d.y, m, day), true
		}
	}
	if m, k, ok := sc.monthAt(i); ok {
		if sc.w(k) == "the" {
			k++
		}
		if day, k2, ok := sc.dayAt(k); ok {
			d = whenDate{m: m, d: day}
			y, k3, hasYear := sc.yearAt(k2)
			if !hasYear && !sc.monthDayEnds(k2) {
				return d, 0, false, false, false
			}
			d.y = y
			return d, k3, false, !whenValidDay(y, m, day), true
		}
	}
	return d, 0, false, false, false
}

// monthDayEnds reports whether "Dec 3" ends at k: what follows may not be a noun
// ("mars 12 personnes") or more digits.
func (sc *whenScanner) monthDayEnds(k int) bool {
	if k >= len(sc.t) {
		return true
	}
	if p := sc.p(k); p != "" {
		if p == "-" {
			_, d := sc.num(k + 1)
			return d > 0 || sc.t[k].space // "December 3–5", "Dec 3 - 19h"
		}
		if p == ":" || p == "/" || p == "." && sc.adj(k+1) {
			return false
		}
		return true
	}
	w := sc.w(k)
	_, weekday := whenWeekdays[w]
	return whenTimeCues[w] || whenRangeLeads[w] || whenListSeps[w] || weekday
}

// dateAt reads a date with an optional day of the week before it: "mardi 3 décembre",
// "Tuesday, December 3", "am Dienstag, 12. März".
func (sc *whenScanner) dateAt(i int) (d whenDate, j int, needsContext, bad, ok bool) {
	k := i
	ww, isDay := whenWeekdayOf(sc.w(i))
	if isDay && ww.form != 'p' {
		k++
		if sc.p(k) == "," || sc.p(k) == "." && ww.form == 'a' {
			k++
		}
		if w := sc.w(k); w == "le" || w == "den" || w == "the" {
			k++
		}
	}
	d, j, needsContext, bad, ok = sc.dateCore(k)
	if !ok {
		return d, 0, false, false, false
	}
	if isDay && ww.form != 'p' {
		d.wd, d.hasWD, needsContext = ww.day, true, false
	}
	return d, j, needsContext, bad, true
}

// date reads a single date.
func (sc *whenScanner) date(i int) (whenItem, bool) {
	d, j, needsContext, bad, ok := sc.dateAt(i)
	if !ok || needsContext && !sc.dateContext(i, j) {
		return whenItem{}, false
	}
	it := whenItem{kind: whenItemDate, i: i, j: j, dates: []whenDate{d}, role: sc.dateRole(i)}
	if bad {
		it.kind = whenItemBadDate
	}
	return it, true
}

// dateContext reports whether the words around a date without a year ("30/11") make
// it one: an article or preposition before it, or a time after it.
func (sc *whenScanner) dateContext(i, j int) bool {
	switch sc.w(i - 1) {
	case "le", "du", "au", "op", "am", "on", "vanaf", "vom", "van", "tot", "bis", "ab", "des", "the", "den", "date", "datum", "dates":
		return true
	}
	if _, ok := whenWeekdayOf(sc.w(i - 1)); ok {
		return true
	}
	if sc.p(i-1) == ":" {
		if w := sc.w(i - 2); w == "date" || w == "datum" || w == "quand" || w == "wanneer" || w == "when" || w == "wann" {
			return true
		}
	}
	k := j
	if sc.p(k) == "," {
		k++
	}
	if whenTimeCues[sc.w(k)] {
		k++
	}
	_, ok := sc.strongClock(k)
	return ok
}

// dateRole says what a date at i is for from the words just before it.
func (sc *whenScanner) dateRole(i int) byte {
	// "Inscriptions jusqu'au 15 novembre", but not "…, séance le 30 novembre".
	for k := i - 1; k >= 0 && k >= i-6 && sc.p(k) != "," && sc.p(k) != ";"; k-- {
		if whenRegistrationWords[sc.w(k)] {
			return 'd'
		}
	}
	k := i - 1
	for n := 0; n < 3 && k >= 0; n++ {
		switch w := sc.w(k); {
		case sc.p(k) == "'", w == "au", w == "aux", w == "le", w == "la", w == "l", w == "de", w == "den",
			w == "dem", w == "zum", w == "zur", w == "the", w == "en", w == "met", w == "einschliesslich", w == "inclus":
			k--
			continue
		}
		break
	}
	w := sc.w(k)
	switch {
	case whenDeadlineCues[w]:
		return 'd'
	case whenUntilCues[w], w == "m" && sc.p(k-1) == "/" && sc.w(k-2) == "t":
		return 'u'
	case whenExceptCues[w] && w != "pas" && w != "no" && w != "not":
		return 'x'
	}
	return 0
}

// dateList reads several dates or a span of days: "du 3 au 5 mars 2027", "3-5 mars",
// "van 3 tot 5 december", "vom 3. bis 5. März", "December 3–5, 2026",
// "les 3, 10 et 17 mars", "le 30 novembre et le 7 décembre".
func (sc *whenScanner) dateList(i int) (whenItem, bool) {
	j := i
	lead := false
	switch sc.w(j) {
	case "du", "van", "vom", "from", "les", "le", "on", "op", "am", "entre", "tussen", "zwischen", "between":
		j++
		lead = true
	}
	type elem struct {
		d          whenDate
		full       bool // has a month
		monthFirst bool // "December 3"
		bad        bool
		end        int
	}
	var els []elem
	var seps []byte // 'r' for a span, 'l' for a list
	end := j
	needsContext := false
	for k := j; ; {
		var e elem
		if d, k2, nc, bad, ok := sc.dateAt(k); ok {
			e = elem{d: d, full: true, bad: bad, monthFirst: sc.startsWithMonth(k), end: k2}
			needsContext = needsContext || nc
		} else if day, k2, ok := sc.dayAt(k); ok {
			e = elem{d: whenDate{d: day}, end: k2}
		} else {
			break
		}
		k = e.end
		els = append(els, e)
		sep, k2, ok := sc.dateSep(k)
		if !ok {
			break
		}
		seps = append(seps, sep)
		k = k2
		if w := sc.w(k); w == "le" || w == "de" || w == "den" || w == "the" || w == "am" || w == "op" {
			if _, d := sc.num(k + 1); d > 0 {
				k++
			}
		}
	}
	// Days after the last month are dates only in "December 3–5" or "Dec 3, 10 and
	// 17", not in "le 30 novembre, 14 personnes".
	monthFirst := false
	for _, e := range els {
		monthFirst = monthFirst || e.monthFirst
	}
	for len(els) > 0 && !els[len(els)-1].full {
		last := els[len(els)-1].end
		if monthFirst && (last >= len(sc.t) || sc.t[last].kind != whenWord) {
			break
		}
		els = els[:len(els)-1]
	}
	if len(els) < 2 || needsContext && !lead {
		return whenItem{}, false
	}
	end = els[len(els)-1].end
	seps = seps[:len(els)-1]
	span := seps[0] == 'r'
	for _, s := range seps {
		if s != seps[0] {
			return whenItem{}, false
		}
	}
	if span && len(els) != 2 {
		return whenItem{}, false
	}
	// "December 3–5, 2026": the year follows the last day.
	if !els[len(els)-1].full {
		if y, k, ok := sc.yearAt(end); ok {
			els[len(els)-1].d.y = y
			end = k
		}
	}
	// Days without a month take the month of the next date that has one, else of
	// the one before ("December 3–5").
	anyFull := false
	for _, e := range els {
		anyFull = anyFull || e.full
	}
	if !anyFull {
		return whenItem{}, false
	}
	for x := range els {
		if els[x].full {
			continue
		}
		for k := x + 1; k < len(els) && els[x].d.m == 0; k++ {
			if els[k].full {
				els[x].d.m, els[x].d.y = els[k].d.m, els[k].d.y
			}
		}
		for k := x - 1; k >= 0 && els[x].d.m == 0; k-- {
			if els[k].full {
				els[x].d.m = els[k].d.m
			}
		}
	}
	// One year for all, from the last date that has one; a date after the next
	// one in the calendar belongs to the year before ("du 28 décembre au 3 janvier 2027").
	year := 0
	for x := len(els) - 1; x >= 0 && year == 0; x-- {
		year = els[x].d.y
	}
	if year != 0 {
		for x := len(els) - 1; x >= 0; x-- {
			if els[x].d.y == 0 {
				els[x].d.y = year
				if x+1 < len(els) && whenDateKey(els[x].d) > whenDateKey(els[x+1].d) {
					els[x].d.y = els[x+1].d.y - 1
				}
			}
		}
	}
	it := whenItem{kind: whenItemDate, i: i, j: end, span: span, role: sc.dateRole(i)}
	for _, e := range els {
		if e.bad || !whenValidDay(e.d.y, e.d.m, e.d.d) {
			it.kind = whenItemBadDate
		}
		it.dates = append(it.dates, e.d)
	}
	return it, true
}

// startsWithMonth reports whether the date at k names its month first, after an
// optional day of the week: "December 3", "Tuesday, December 3".
func (sc *whenScanner) startsWithMonth(k int) bool {
	if ww, ok := whenWeekdayOf(sc.w(k)); ok && ww.form != 'p' {
		k++
		if sc.p(k) == "," || sc.p(k) == "." {
			k++
		}
	}
	_, ok := whenMonths[sc.w(k)]
	return ok
}

// whenDateKey orders dates of a known year, or days of the year when no year is known.
func whenDateKey(d whenDate) int { return d.y*10000 + d.m*100 + d.d }

// dateSep reads what joins two dates: 'r' for a span ("au", "tot", "bis", "to", "-",
// "tot en met", "t/m", "jusqu'au"), 'l' for a list (",", "et", "en", "und", "and", "&").
func (sc *whenScanner) dateSep(k int) (byte, int, bool) {
	switch w := sc.w(k); w {
	case "au", "a", "to", "until", "till", "through":
		return 'r', k + 1, true
	case "tot":
		if sc.w(k+1) == "en" && sc.w(k+2) == "met" {
			return 'r', k + 3, true
		}
		return 'r', k + 1, true
	case "bis":
		if w := sc.w(k + 1); w == "zum" || w == "einschliesslich" {
			return 'r', k + 2, true
		}
		return 'r', k + 1, true
	case "jusqu":
		if sc.p(k+1) == "'" && (sc.w(k+2) == "au" || sc.w(k+2) == "a") {
			return 'r', k + 3, true
		}
	case "t":
		if sc.p(k+1) == "/" && sc.w(k+2) == "m" {
			return 'r', k + 3, true
		}
	case "et", "en", "und", "and":
		return 'l', k + 1, true
	}
	switch sc.p(k) {
	case "-":
		return 'r', k + 1, true
	case ",", "&":
		if sc.w(k+1) == "et" || sc.w(k+1) == "en" || sc.w(k+1) == "und" || sc.w(k+1) == "and" {
			return 'l', k + 2, true
		}
		return 'l', k + 1, true
	}
	return 0, 0, false
}
