package record

import (
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"
)

// This file turns a free text into the items ParseWhen combines: dates, times of day,
// durations, pieces of recurrences and ranges of months. Text is cut into tokens
// (words folded, numbers, single punctuation marks) and then into sentences; small
// matchers read the tokens of one sentence at a time.

// whenTokKind is the kind of a token.
type whenTokKind uint8

const (
	whenWord whenTokKind = iota + 1
	whenNum
	whenPunct
)

// whenTok is one token of a text.
type whenTok struct {
	kind whenTokKind
	// s is the folded word, the digits of a number or the punctuation mark (dashes
	// are "-", apostrophes "'").
	s          string
	n          int // value of a number; -1 when longer than 6 digits
	start, end int // byte offsets in the text
	space      bool
	nl         bool // a line break precedes the token
	upper      bool // a word that begins with a capital
}

// whenTokenize cuts s into tokens.
func whenTokenize(s string) []whenTok {
	var toks []whenTok
	space, nl := true, false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			space, nl = true, true
			i += size
		case unicode.IsSpace(r) || r == '\u00a0' || r == '\u202f' || unicode.Is(unicode.Cf, r):
			space = true
			i += size
		case r >= '0' && r <= '9':
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			t := whenTok{kind: whenNum, s: s[i:j], n: -1, start: i, end: j, space: space, nl: nl}
			if j-i <= 6 {
				t.n, _ = strconv.Atoi(s[i:j])
			}
			toks = append(toks, t)
			space, nl = false, false
			i = j
		case unicode.IsLetter(r):
			j := i + size
			for j < len(s) {
				r2, size2 := utf8.DecodeRuneInString(s[j:])
				if !unicode.IsLetter(r2) && !unicode.Is(unicode.Mn, r2) {
					break
				}
				j += size2
			}
			toks = append(toks, whenTok{kind: whenWord, s: whenFold(s[i:j]), start: i, end: j,
				space: space, nl: nl, upper: unicode.IsUpper(r)})
			space, nl = false, false
			i = j
		default:
			p := string(r)
			switch r {
			case '–', '—', '‑', '‐', '−', '~':
				p = "-"
			case '’', '‘', '`', '´':
				p = "'"
			}
			toks = append(toks, whenTok{kind: whenPunct, s: p, start: i, end: i + size, space: space, nl: nl})
			space, nl = false, false
			i += size
		}
	}
	return toks
}

// whenFold lower-cases a word and removes its diacritics.
func whenFold(w string) string { return foldText(w) }

// whenSentences cuts tokens into sentences: at line breaks, at "!", "?", ";" and at
// a full stop that ends a sentence (not the one of "12. März", "janv. 2027", "p.m.").
func whenSentences(toks []whenTok) [][]whenTok {
	var out [][]whenTok
	start := 0
	for i := range toks {
		if toks[i].nl && i > start {
			out = append(out, toks[start:i])
			start = i
		}
		if toks[i].kind == whenPunct && whenSentenceEnd(toks, i) {
			out = append(out, toks[start:i+1])
			start = i + 1
		}
	}
	if start < len(toks) {
		out = append(out, toks[start:])
	}
	return out
}

func whenSentenceEnd(toks []whenTok, i int) bool {
	next := i + 1
	switch toks[i].s {
	case "!", "?", ";", "•":
		return true
	case ".":
	default:
		return false
	}
	if next < len(toks) && !toks[next].space {
		return false // "19.30", "p.m", "www.site"
	}
	if i == 0 || next >= len(toks) {
		return true
	}
	prev := toks[i-1]
	_, prevMonth := whenMonths[prev.s]
	prevDay, prevWeekday := whenWeekdays[prev.s]
	abbrev := prev.kind == whenNum || prev.kind == whenWord && (prevMonth || prevWeekday && prevDay.form == 'a' || len(prev.s) == 1)
	if !abbrev {
		return true
	}
	// After "12." or "janv." the sentence goes on unless a capitalized word that is
	// not a month or a day follows.
	n := toks[next]
	_, month := whenMonths[n.s]
	_, weekday := whenWeekdays[n.s]
	return n.kind == whenWord && n.upper && !month && !weekday
}

// whenItemKind is the kind of thing a matcher read.
type whenItemKind uint8

const (
	whenItemDate     whenItemKind = iota + 1 // one date, a list of dates or a span of days
	whenItemBadDate                          // the shape of a date with an impossible day: "31 novembre"
	whenItemTime                             // a time of day or a range of times
	whenItemDuration                         // how long a session lasts
	whenItemRule                             // a piece of a recurrence: "tous les mardis", "une fois par mois"
	whenItemDay                              // a day named alone ("le mardi"): a recurrence only beside a rule
	whenItemMonths                           // the months a recurrence runs: "de novembre à juin"
	whenItemExcept                           // months a recurrence skips: "sauf en juillet et août"
)

// whenDate is a calendar date as written; y is 0 when the text gives no year.
type whenDate struct {
	y, m, d int
	wd      time.Weekday
	hasWD   bool
}

// whenClock is a time of day.
type whenClock struct{ h, m int }

func (c whenClock) minutes() int { return c.h*60 + c.m }

// whenByDay is one BYDAY entry of a rule: a day of the week, and which one in the
// month (1–4, -1 the last) or 0 for every one.
type whenByDay struct {
	day time.Weekday
	ord int
}

// whenItem is one thing read from a sentence, spanning tokens [i, j).
type whenItem struct {
	kind   whenItemKind
	i, j   int
	b0, b1 int // bytes of the text the item was read from

	dates []whenDate // whenItemDate, whenItemBadDate
	span  bool       // dates[0] to dates[1] is one stretch of days
	// role is 'd' for a deadline, 'u' for the end of a recurrence, 'x' for a date
	// excluded, 0 for a meeting.
	role byte

	from, to whenClock // whenItemTime
	hasTo    bool

	minutes int // whenItemDuration

	freq     string      // whenItemRule: "WEEKLY", "MONTHLY" or "" (from the days)
	interval int         // every n weeks or months; 0 when not said
	count    int         // times per period; 0 when not said
	days     []whenByDay // whenItemRule, whenItemDay
	monthly  bool        // the days are counted in the month ("du mois")

	months         []int // whenItemMonths, whenItemExcept
	untilY, untilM int   // whenItemMonths that end with a year: "jusqu'en juin 2027"
}

// whenScanner reads the items of one sentence.
type whenScanner struct {
	t []whenTok
}

// whenScanSentence returns the items of a sentence in their order.
func whenScanSentence(toks []whenTok) []whenItem {
	sc := whenScanner{t: toks}
	var items []whenItem
	for i := 0; i < len(toks); {
		it, ok := sc.item(i)
		if !ok || it.j <= i {
			i++
			continue
		}
		it.b0, it.b1 = toks[it.i].start, toks[it.j-1].end
		items = append(items, it)
		i = it.j
	}
	return items
}

// item tries the matchers at token i, the most specific first.
func (sc *whenScanner) item(i int) (whenItem, bool) {
	if it, ok := sc.dateList(i); ok {
		return it, true
	}
	if it, ok := sc.date(i); ok {
		return it, true
	}
	if it, ok := sc.freq(i); ok {
		return it, true
	}
	if it, ok := sc.rule(i); ok {
		return it, true
	}
	if it, ok := sc.monthRange(i); ok {
		return it, true
	}
	if it, ok := sc.untilMonth(i); ok {
		return it, true
	}
	if it, ok := sc.except(i); ok {
		return it, true
	}
	if it, ok := sc.duration(i, true); ok {
		return it, true
	}
	if it, ok := sc.timeRange(i); ok {
		return it, true
	}
	if it, ok := sc.time(i); ok {
		return it, true
	}
	return sc.duration(i, false)
}

// Token helpers: each returns the zero value out of range.

func (sc *whenScanner) w(i int) string {
	if i >= 0 && i < len(sc.t) && sc.t[i].kind == whenWord {
		return sc.t[i].s
	}
	return ""
}

func (sc *whenScanner) p(i int) string {
	if i >= 0 && i < len(sc.t) && sc.t[i].kind == whenPunct {
		return sc.t[i].s
	}
	return ""
}

// num returns the value and the number of digits of a number token.
func (sc *whenScanner) num(i int) (v, digits int) {
	if i >= 0 && i < len(sc.t) && sc.t[i].kind == whenNum && sc.t[i].n >= 0 {
		return sc.t[i].n, len(sc.t[i].s)
	}
	return -1, 0
}

// adj reports whether token i touches the one before it.
func (sc *whenScanner) adj(i int) bool {
	return i > 0 && i < len(sc.t) && !sc.t[i].space
}

// number reads a small number in digits or in words.
func (sc *whenScanner) number(i int) (int, bool) {
	if v, d := sc.num(i); d > 0 && d <= 3 {
		return v, true
	}
	v, ok := whenNumberWords[sc.w(i)]
	return v, ok
}

// phrase matches the words and punctuation of pat at i; "#" matches a number,
// returned as n.
func (sc *whenScanner) phrase(i int, pat []string) (j, n int, ok bool) {
	n = -1
	for _, p := range pat {
		switch {
		case p == "#":
			v, ok := sc.number(i)
			if !ok {
				return 0, 0, false
			}
			n = v
		case len(p) == 1 && !unicode.IsLetter(rune(p[0])):
			if sc.p(i) != p {
				return 0, 0, false
			}
		default:
			if sc.w(i) != p {
				return 0, 0, false
			}
		}
		i++
	}
	return i, n, true
}

// phraseAny returns the end of the first of pats that matches at i.
func (sc *whenScanner) phraseAny(i int, pats [][]string) (int, bool) {
	for _, p := range pats {
		if j, _, ok := sc.phrase(i, p); ok {
			return j, true
		}
	}
	return i, false
}
