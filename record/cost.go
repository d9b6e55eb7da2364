package record

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// costFold lower-cases s and removes its diacritics rune by rune, turning blanks into
// spaces. pos[i] is the offset in s of the rune folded byte i came from, and
// pos[len(folded)] is len(s), so a match in the folded text maps back to s.
func costFold(s string) (folded string, pos []int) {
	var b strings.Builder
	pos = make([]int, 0, len(s)+1)
	for i, r := range s {
		f := " "
		switch {
		case r < utf8.RuneSelf && !unicode.IsSpace(r):
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
			pos = append(pos, i)
			continue
		case r == '’':
			f = "'"
		case !unicode.IsSpace(r):
			f = placeFold(string(r))
		}
		b.WriteString(f)
		for range len(f) {
			pos = append(pos, i)
		}
	}
	return b.String(), append(pos, len(s))
}

// costNumber is an amount as written: "120", "120,00", "1.200,50", "1,200.50", "15,-".
const costNumber = `(\d{1,3}(?:[.']\d{3})+(?:,\d{1,2})?|\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:[.,]\d{1,2})?)(?:,-)?`

const (
	costCurrency = `(?:€|\beuros?\b|\beur\b)`
	costRangeSep = `(?:\s*[-–—]\s*|\s+(?:a|et|tot|bis|to|and|ou|of|or|en)\s+)`
)

var (
	// costAmounts finds amounts tied to a currency: "5 à 10 €", "5 € - 10 €", "€ 5-10",
	// "15€", "EUR 15". The first form lists its two numbers in groups 1 and 2, the
	// second in 3 and 4, the single form in 5.
	costAmounts = regexp.MustCompile(costNumber + `\s*(?:` + costCurrency + `\s*)?` + costRangeSep + `(?:` + costCurrency + `\s*)?` + costNumber + `\s*` + costCurrency +
		`|` + costCurrency + `\s*` + costNumber + `(?:` + costRangeSep + `(?:` + costCurrency + `\s*)?` + costNumber + `)?` +
		`|` + costNumber + `\s*` + costCurrency)
	// costBareAmount is a price field holding only a number: "15", "15,00".
	costBareAmount = regexp.MustCompile(`^\s*` + costNumber + `\s*$`)

	costFree        = regexp.MustCompile(`\b(?:gratuit(?:e|s|es)?|gratis|free|kostenlos|kosteloos|umsonst|sans\s+frais|geen\s+kosten|pas\s+de\s+frais|aucun\s+frais)\b`)
	costNotFree     = regexp.MustCompile(`\b(?:non|pas|niet|nicht|not|feel)\s+(?:gratuit(?:e|s|es)?|gratis|free|kostenlos)\b`)
	costFreeEntry   = regexp.MustCompile(`\b(?:entree\s+libre|acces\s+libre|vrije?\s+toegang|toegang\s+vrij|eintritt\s+frei|free\s+(?:entrance|entry|admission))\b`)
	costFreeWill    = regexp.MustCompile(`\b(?:prix\s+libre|participation\s+libre|libre\s+participation|contribution\s+libre|participation\s+consciente|prix\s+conscient|au\s+chapeau|don\s+libre|vrije\s+bijdrage|vrijwillige\s+bijdrage|vrije\s+gift|pay\s+what\s+you\s+(?:can|want)|free\s+will|freiwillige\s+spende|auf\s+spendenbasis|spende|donation)\b`)
	costOnRequest   = regexp.MustCompile(`\b(?:sur\s+demande|op\s+aanvraag|on\s+request|upon\s+request|auf\s+anfrage|nach\s+vereinbarung|a\s+convenir|a\s+discuter|in\s+overleg|te\s+bespreken|nous\s+contacter|contactez[\s-]nous|neem\s+contact)\b`)
	costUnitPhrases = []struct {
		unit string
		re   *regexp.Regexp
	}{
		{"cycle", regexp.MustCompile(`\b(?:(?:le|au|du|par|pour\s+le|pour\s+tout\s+le)\s+cycle|(?:per|voor\s+de|de|voor\s+een)\s+(?:reeks|cyclus)|pour\s+l'ensemble|pour\s+(?:les\s+|des\s+)?\d+\s+(?:seances|sessions|rencontres|ateliers)|voor\s+(?:de\s+)?\d+\s+(?:sessies|bijeenkomsten|sessions)|for\s+(?:the\s+)?(?:whole\s+)?(?:course|series|cycle)|(?:pro|fur\s+den)\s+kurs|(?:le|par|per)\s+module|cycle\s+(?:de\s+)?\d+\s+(?:seances|sessions|rencontres|ateliers)|reeks\s+(?:van\s+)?\d+\s+(?:sessies|bijeenkomsten))\b|/\s*cycle\b`)},
		{"session", regexp.MustCompile(`\b(?:(?:par|la|a\s+la|chaque|per|pro|each)\s+(?:seance|session|sessie|rencontre|atelier|workshop|bijeenkomst|sitzung|termin)|per\s+(?:keer|les))\b|/\s*(?:seance|session|sessie|sitzung|keer)\b`)},
		{"month", regexp.MustCompile(`\b(?:(?:par|per|pro|a)\s+(?:mois|maand|monat|month)|mensuel(?:le)?|maandelijks|monatlich|monthly)\b|/\s*(?:mois|maand|monat|month)\b`)},
		{"year", regexp.MustCompile(`\b(?:par\s+an|par\s+annee|l'annee|(?:per|pro|a)\s+(?:jaar|jahr|year)|annuel(?:le)?|jaarlijks|jahrlich|yearly|annual)\b|/\s*(?:an|jaar|jahr|year)\b`)},
		{"day", regexp.MustCompile(`\b(?:la\s+journee|par\s+jour|par\s+journee|(?:per|pro|a)\s+(?:dag|tag|day)|dagprijs)\b|/\s*(?:jour|dag|tag|day)\b`)},
	}
)

// costAlternatives separate prices that are alternatives rather than one price and
// its reductions.
var costAlternatives = regexp.MustCompile(`/|;|\n|\b(?:ou|or|of|oder|soit|sinon)\b`)

// costParseNumber reads "1.200,50", "1,200.50", "120,00" or "15": a separator followed
// by exactly three digits groups thousands, otherwise it is the decimal mark.
func costParseNumber(s string) (float64, bool) {
	s = strings.TrimSuffix(s, ",-")
	s = strings.ReplaceAll(s, "'", "")
	dec := strings.LastIndexAny(s, ".,")
	if dec >= 0 && len(s)-dec-1 == 3 && !(strings.Contains(s, ".") && strings.Contains(s, ",")) {
		dec = -1 // "1.200", "1,200"
	}
	var b strings.Builder
	for i, c := range s {
		switch {
		case c >= '0' && c <= '9':
			b.WriteRune(c)
		case i == dec:
			b.WriteByte('.')
		}
	}
	v, err := strconv.ParseFloat(b.String(), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) || v < 0 {
		return 0, false
	}
	return v, true
}

// costGroup is one price found: its amounts, span and unit.
type costGroup struct {
	values     []float64
	start, end int
	unit       string
}

// costUnitIn returns the unit of the first unit phrase in s (last if last), or "".
func costUnitIn(s string, last bool) string {
	best, unit := -1, ""
	for _, p := range costUnitPhrases {
		locs := p.re.FindAllStringIndex(s, -1)
		if len(locs) == 0 {
			continue
		}
		at := locs[0][0]
		if last {
			at = locs[len(locs)-1][1]
		}
		if best < 0 || !last && at < best || last && at > best {
			best, unit = at, p.unit
		}
	}
	return unit
}

// ParsePrice reads a price as partners write it into a Cost and the flags that
// explain it. Text keeps the price as written (cleaned of HTML).
//
//   - Amounts need a currency: "120,00 €", "€ 15 par séance", "15€/séance", "5 à 10 €",
//     "de 5 à 10 euros", "10-15 EUR", "entre 5 et 10 €", "1.200,50 €"; a field holding
//     only a number ("15") is read as euros. Numbers without a currency ("10 séances")
//     are not prices. Min and Max span the amounts; Currency is "EUR" (the only one).
//   - Unit is the phrase nearest an amount: session ("par séance", "la séance",
//     "/séance", "per sessie", "per session"), cycle ("le cycle", "pour le cycle", "la
//     participation au cycle", "per reeks", "voor de reeks", "pour les 10 séances"),
//     month ("par mois", "per maand"), year ("par an", "per jaar", "annuel"), day ("la
//     journée", "per dag"). An amount without one shares the next amount's unless
//     "/", "ou", "of" or ";" separate them. When amounts have different units ("15 €
//     par séance, 120 € le cycle"), those of the first amount's unit are kept and
//     price_multiple (info, "cost") names the others.
//   - "gratuit", "gratis", "free", "kostenlos", "sans frais", "entrée libre", "vrije
//     toegang", and "0 €", set Free. Free with amounts ("gratuit pour les membres, 10 €
//     sinon") is not Free: Min is 0 and Max the amount.
//   - A free-will price ("prix libre", "participation libre", "vrije bijdrage", "au
//     chapeau", "pay what you can") is not Free (a contribution is expected, and Free is
//     true only when the source says free) and has no amount unless one is suggested; it
//     flags price_free_will (info, "cost"). An explicit "gratuit" beside it still sets
//     Free; "entrée libre" beside it does not.
//   - "sur demande", "op aanvraag", "on request", "auf Anfrage" flag price_on_request
//     (info, "cost") when no amount is given.
//   - Any other non-empty text flags price_unparsed (info, "cost").
func ParsePrice(s string) (Cost, []Flag) {
	c := Cost{Text: CleanText(s)}
	if c.Text == "" {
		return c, nil
	}
	var flags []Flag
	flag := func(code, msg string) {
		flags = append(flags, Flag{Code: code, Severity: SeverityInfo, Field: "cost", Message: msg})
	}
	low, pos := costFold(c.Text)

	var groups []costGroup
	for _, m := range costAmounts.FindAllStringSubmatchIndex(low, -1) {
		g := costGroup{start: m[0], end: m[1]}
		for k := 2; k+1 < len(m); k += 2 {
			if m[k] >= 0 {
				if v, ok := costParseNumber(low[m[k]:m[k+1]]); ok {
					g.values = append(g.values, v)
				}
			}
		}
		if len(g.values) > 0 {
			groups = append(groups, g)
		}
	}
	if len(groups) == 0 {
		if m := costBareAmount.FindStringSubmatch(low); m != nil {
			if v, ok := costParseNumber(m[1]); ok {
				groups = append(groups, costGroup{values: []float64{v}, end: len(low)})
			}
		}
	}

	// Units: the phrase just after an amount (before the next one), else just before.
	for i := range groups {
		next := len(low)
		if i+1 < len(groups) {
			next = groups[i+1].start
		}
		after := low[groups[i].end:min(next, groups[i].end+40)]
		if groups[i].unit = costUnitIn(after, false); groups[i].unit == "" {
			prev := 0
			if i > 0 {
				prev = groups[i-1].end
			}
			groups[i].unit = costUnitIn(low[max(prev, groups[i].start-60):groups[i].start], true)
		}
	}
	// An amount without unit shares the next one's, unless the two are alternatives:
	// "10 € (5 € étudiants) par séance" is per session, "20 € / 10 € par séance" is not.
	for i := len(groups) - 2; i >= 0; i-- {
		if groups[i].unit == "" && !costAlternatives.MatchString(low[groups[i].end:groups[i+1].start]) {
			groups[i].unit = groups[i+1].unit
		}
	}
	unit := ""
	if len(groups) > 0 {
		unit = groups[0].unit
		if !slices.ContainsFunc(groups, func(g costGroup) bool { return g.unit != "" }) {
			unit = costUnitIn(low, false) // "Cycle de 10 séances – 15 € – 120 €" has one anywhere
		}
	}
	var kept []costGroup
	var dropped []string
	for _, g := range groups {
		if g.unit != "" && g.unit != unit {
			dropped = append(dropped, strings.TrimSpace(c.Text[pos[g.start]:pos[g.end]])+" ("+g.unit+")")
			continue
		}
		kept = append(kept, g)
	}
	if len(dropped) > 0 {
		groups = kept
		flag("price_multiple", "other prices: "+strings.Join(dropped, "; "))
	}

	var values []float64
	for _, g := range groups {
		values = append(values, g.values...)
	}
	free := costFree.MatchString(costFreeWill.ReplaceAllString(costNotFree.ReplaceAllString(low, " "), " "))
	freeWill := costFreeWill.MatchString(low)
	freeEntry := costFreeEntry.MatchString(low)

	if len(values) > 0 {
		c.Currency, c.Unit = "EUR", unit
		c.Min, c.Max = slices.Min(values), slices.Max(values)
		switch {
		case c.Max == 0:
			c.Free = true
		case free || freeEntry && !freeWill:
			c.Min = 0 // free for some, paying for others
		}
	} else {
		c.Free = free || freeEntry && !freeWill
	}
	switch {
	case freeWill:
		flag("price_free_will", "free-will contribution")
	case len(values) == 0 && costOnRequest.MatchString(low):
		flag("price_on_request", "")
	case len(values) == 0 && !c.Free:
		flag("price_unparsed", "")
	}
	return c, flags
}

// Group sizes: a number tied to a word for people.
const (
	costSizeNumber = `(\d{1,3}|dix-sept|dix-huit|dix-neuf|quatorze|vingt|trente|quatre|treize|quinze|douze|seize|trois|deux|cinq|sept|huit|neuf|onze|six|dix|` +
		`achttien|negentien|zeventien|veertien|vijftien|dertien|zestien|twintig|dertig|twaalf|zeven|negen|drie|twee|vier|vijf|tien|acht|zes|elf|` +
		`siebzehn|dreizehn|vierzehn|zwanzig|sechzehn|sechs|sieben|zwolf|zehn|neun|zwei|drei|funf|` +
		`fifteen|twelve|eleven|twenty|thirty|three|seven|eight|four|five|nine|two|ten)`
	costSizePeople = `(?:participant(?:e)?s?|travailleu(?:r|se)s?|personnes?|pers\b\.?|professionnel(?:le)?s?|membres?|patient(?:e)?s?|inscrit(?:e)?s?|adultes?|adolescent(?:e)?s?|jeunes|femmes|hommes|parents|aidant(?:e)?s?|enfants|` +
		`deelnemers?|personen|mensen|leden|clienten|jongeren|vrouwen|mannen|ouders|` +
		`people|persons|participants|attendees|members|teilnehmende|teilnehmer(?:innen)?|menschen|kinder|jugendliche|` +
		`(?:places|plaatsen|plekken|platze|seats|spots))(?:[·.•(](?:e|es|euse|euses|rice|rices|ne|nes)[)·.•]?s?)?`
	costSizeCapacity = `^(?:places|plaatsen|plekken|platze|seats|spots)`
	costSizeMax      = `(?:un\s+maximum\s+de|maximum\s+de|au\s+maximum|au\s+plus|pas\s+plus\s+de|jusqu'a|limitee?s?\s+a|beperkt\s+tot|begrenzt\s+auf|limited\s+to|maximum|maximaal|maximal|max\b\.?|hoogstens|ten\s+hoogste|hochstens|bis\s+zu|up\s+to|at\s+most|no\s+more\s+than)\s*`
	costSizeMin      = `(?:un\s+minimum\s+de|minimum\s+de|au\s+moins|minimum|minimaal|minstens|mindestens|min\b\.?|at\s+least)\s*`
	costSizeApprox   = `(?:\b(?:environ|env\.|approximativement|a\s+peu\s+pres|plus\s+ou\s+moins|ongeveer|ong\.|zo'n|circa|ca\.|ungefahr|etwa|about|around|approximately|approx\.?)|\+/-|±)\s*`
	costSizeRangeSep = `(?:\s*[-–/]\s*|\s+(?:a|et|tot|en|bis|und|to|and|ou|of|or)\s+)`
	costSizeTrailMax = `(?:\s*\(?\s*(?:au\s+maximum|maximum|maximaal|maximal|max\b\.?)\)?)`
)

// costSizePatterns are tried at each position in this order; the earliest match in
// the text wins. kind says how to read the numbers.
var costSizePatterns = []struct {
	kind string // minmax, approxword, approx, range, max, maxend, trailmax, label, min, plain
	re   *regexp.Regexp
}{
	{"minmax", regexp.MustCompile(`\b` + costSizeMin + costSizeNumber + `(?:\s*` + costSizePeople + `)?\s*(?:,|et|en|and|und|/|-|–)?\s*` + costSizeMax + costSizeNumber + `(?:\s*` + costSizePeople + `)?`)},
	{"approxword", regexp.MustCompile(`\b(?:une|een)\s+(dizaine|douzaine|quinzaine|vingtaine|trentaine|tiental|twintigtal|dertigtal)\s+(?:de\s+|d')?` + costSizePeople)},
	{"approx", regexp.MustCompile(costSizeApprox + `(?:de\s+|d')?` + costSizeNumber + `(?:` + costSizeRangeSep + costSizeNumber + `)?\s*` + costSizePeople)},
	{"range", regexp.MustCompile(`\b(?:(?:de|entre|van|tussen|von|zwischen|from|between)\s+)?` + costSizeNumber + costSizeRangeSep + costSizeNumber + `\s*` + costSizePeople + costSizeTrailMax + `?`)},
	{"max", regexp.MustCompile(`\b` + costSizeMax + `(?:de\s+)?` + costSizeNumber + `\s*` + costSizePeople)},
	{"maxend", regexp.MustCompile(`\b(` + costSizeMax + costSizeNumber + `)\s*(?:$|[.,;:)!\n])`)},
	{"trailmax", regexp.MustCompile(`\b` + costSizeNumber + `\s*` + costSizePeople + costSizeTrailMax)},
	{"label", regexp.MustCompile(`\b` + costSizePeople + `\s*:\s*(?:` + costSizeMax + `)?` + costSizeNumber + `(?:` + costSizeRangeSep + costSizeNumber + `)?` + costSizeTrailMax + `?`)},
	{"min", regexp.MustCompile(`\b` + costSizeMin + costSizeNumber + `\s*` + costSizePeople)},
	{"plain", regexp.MustCompile(`\b` + costSizeNumber + `\s*` + costSizePeople)},
}

var costSizeCapacityRe = regexp.MustCompile(costSizeCapacity)

// costSizeWords are the numbers written in words, folded.
var costSizeWords = map[string]int{
	"deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
	"onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16, "dix-sept": 17,
	"dix-huit": 18, "dix-neuf": 19, "vingt": 20, "trente": 30,
	"twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9, "tien": 10,
	"elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15, "zestien": 16,
	"zeventien": 17, "achttien": 18, "negentien": 19, "twintig": 20, "dertig": 30,
	"zwei": 2, "drei": 3, "funf": 5, "sechs": 6, "sieben": 7, "neun": 9, "zehn": 10, "zwolf": 12,
	"dreizehn": 13, "vierzehn": 14, "sechzehn": 16, "siebzehn": 17, "zwanzig": 20,
	"two": 2, "three": 3, "four": 4, "five": 5, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
	"eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
	"dizaine": 10, "douzaine": 12, "quinzaine": 15, "vingtaine": 20, "trentaine": 30,
	"tiental": 10, "twintigtal": 20, "dertigtal": 30,
}

func costSizeValue(s string) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return costSizeWords[s]
}

// ParseGroupSize finds how many people a group takes in a text (a description or a
// dedicated field) and returns nil when it says nothing. The first phrase tying a
// number to a word for people (participants, personnes, travailleurs, professionnels,
// deelnemers, personen, people, places, plaatsen, Teilnehmende, Personen…) is read:
// "environ 10 travailleurs" and "une dizaine de participants" are approximate
// (Min = Max = 10); "8 à 12 participants", "entre 6 et 10 personnes", "6-8 deelnemers",
// "huit à douze professionnels" give Min and Max; "max. 15", "maximum 12 personnes",
// "groupe de 8 personnes maximum", "max 10 deelnemers", "up to 12 people" and a
// capacity ("15 places", "12 plaatsen") give Max only; "minimum 6 participants" gives
// Min only; "groupe de 8 personnes" gives Min = Max = 8. "max. 15" needs no word for
// people only when nothing follows the number. Text is the phrase as written.
func ParseGroupSize(text string) *GroupSize {
	low, pos := costFold(text)
	// Every phrase holds a word for people or a "max": only the text around one is
	// searched with the full patterns, which keeps long descriptions cheap.
	var windows [][2]int
	for _, t := range costSizeTriggers(low) {
		from := max(0, t[0]-100)
		for from > 0 && low[from-1] != ' ' && low[from-1] != '\n' {
			from--
		}
		to := min(len(low), t[1]+40)
		for to < len(low) && low[to] != ' ' && low[to] != '\n' {
			to++
		}
		if n := len(windows); n > 0 && from <= windows[n-1][1] {
			windows[n-1][1] = to // overlapping windows are searched as one
			continue
		}
		windows = append(windows, [2]int{from, to})
	}
	for _, w := range windows {
		if !costSizeHasNumber.MatchString(low[w[0]:w[1]]) {
			continue
		}
		if g := costSizeFind(text, low[w[0]:w[1]], pos[w[0]:]); g != nil {
			return g
		}
	}
	return nil
}

// costSizeTriggerStems begin the words every group-size phrase holds: a word for
// people or a word of "max.", "au plus", "up to"… A trigger only selects text for the
// full patterns, so it may be loose.
var costSizeTriggerStems = []string{"particip", "travaill", "person", "pers", "profession", "membre",
	"patient", "inscrit", "adulte", "adolesc", "jeune", "femme", "homme", "parent", "aidant", "enfant",
	"deelnemer", "mensen", "leden", "client", "jongere", "vrouwen", "mannen", "ouders", "people",
	"attendee", "member", "teilnehm", "menschen", "kinder", "jugendlich", "place", "plaats", "plek",
	"platze", "seat", "spot", "max", "hoogst", "hochst", "jusqu", "limit", "up", "most", "plus", "zu",
	"than", "beperkt", "begrenzt", "limited", "dizaine", "douzaine", "quinzaine", "vingtaine", "trentaine", "tiental", "twintigtal", "dertigtal"}

// costSizeTriggers returns the spans of the words of low that begin with a trigger stem.
func costSizeTriggers(low string) [][2]int {
	var out [][2]int
	for i := 0; i < len(low); {
		if !costIsWordByte(low[i]) {
			i++
			continue
		}
		j := i
		for j < len(low) && costIsWordByte(low[j]) {
			j++
		}
		for _, stem := range costSizeTriggerStems {
			if strings.HasPrefix(low[i:j], stem) {
				out = append(out, [2]int{i, j})
				break
			}
		}
		i = j
	}
	return out
}

func costIsWordByte(c byte) bool { return 'a' <= c && c <= 'z' || c >= utf8.RuneSelf }

// costSizeHasNumber tells whether a window holds a number at all.
var costSizeHasNumber = regexp.MustCompile(`\d|\b(?:` + costSizeNumber[1:len(costSizeNumber)-1] + `)\b|dizaine|douzaine|quinzaine|vingtaine|trentaine|tiental|twintigtal|dertigtal`)

// costSizeFind returns the earliest group-size phrase in window, a part of the folded
// text; pos maps the window's bytes to offsets in text.
func costSizeFind(text, window string, pos []int) *GroupSize {
	bestStart, bestKind := -1, ""
	var best []int
	for _, p := range costSizePatterns {
		for _, m := range p.re.FindAllStringSubmatchIndex(window, -1) {
			if bestStart >= 0 && m[0] >= bestStart {
				break
			}
			if costSizeRead(p.kind, window, m) != nil {
				bestStart, bestKind, best = m[0], p.kind, m
				break
			}
		}
	}
	if best == nil {
		return nil
	}
	g := costSizeRead(bestKind, window, best)
	start, end := best[0], best[1]
	if bestKind == "maxend" {
		start, end = best[2], best[3]
	}
	g.Text = strings.TrimRight(strings.TrimSpace(text[pos[start]:pos[end]]), ",;:!(")
	return g
}

// costSizeRead turns a match of a pattern of kind into a GroupSize, or nil when its
// numbers make no sense (zero, or over 999).
func costSizeRead(kind, low string, m []int) *GroupSize {
	var nums []int
	for k := 2; k+1 < len(m); k += 2 {
		if m[k] < 0 || kind == "maxend" && k == 2 {
			continue
		}
		if n := costSizeValue(low[m[k]:m[k+1]]); n > 0 {
			nums = append(nums, n)
		}
	}
	if len(nums) == 0 || kind == "plain" && nums[0] < 2 {
		return nil // "1 personne de contact" is not a group
	}
	g := &GroupSize{}
	switch kind {
	case "minmax", "range":
		if len(nums) < 2 {
			return nil
		}
		g.Min, g.Max = min(nums[0], nums[1]), max(nums[0], nums[1])
	case "approxword":
		g.Min, g.Max, g.Approximate = nums[0], nums[0], true
	case "approx":
		g.Min, g.Max, g.Approximate = nums[0], nums[len(nums)-1], true
		if g.Min > g.Max {
			g.Min, g.Max = g.Max, g.Min
		}
	case "max", "maxend", "trailmax":
		g.Max = nums[0]
	case "label":
		// "participants : 12", "places : 10", "deelnemers: max. 12", "personnes : 8 à 12"
		g.Min, g.Max = min(nums[0], nums[len(nums)-1]), max(nums[0], nums[len(nums)-1])
		if len(nums) == 1 && (strings.Contains(low[m[0]:m[1]], "max") || costSizeCapacityRe.MatchString(low[m[0]:m[1]])) {
			g.Min = 0
		}
	case "min":
		g.Min = nums[0]
	case "plain":
		// A capacity ("15 places") is a maximum; a number of people is the size.
		people := low[m[3]:m[1]]
		g.Min, g.Max = nums[0], nums[0]
		if costSizeCapacityRe.MatchString(strings.TrimSpace(people)) {
			g.Min = 0
		}
	}
	return g
}
