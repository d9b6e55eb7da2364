package record

import (
	"fmt"
	"sort"
	"strings"
)

// Match is one rule of the taxonomy that fired on a listing's text.
type Match struct {
	Facet Facet
	ID    string // the term's id
	// Rule names the rule: "rule:<lang>:<term id>:<phrase as written in the file>",
	// e.g. "rule:fr:discussion-group:groupe de parole". Records list it in ClassifiedBy.
	Rule string
	// Field is where it fired: "title" or "description".
	Field string
}

// taxPhrase is a compiled rule or exclusion phrase.
type taxPhrase struct {
	words  []string // folded
	prefix bool     // the last word matches as a prefix ("endeuill*")
	suffix bool     // the first word matches as a suffix ("*praatgroep")
	length int      // folded letters, wildcards excluded: longer phrases are more specific
}

// parseTaxPhrase compiles a phrase of the taxonomy file.
func parseTaxPhrase(p string) (taxPhrase, error) {
	var ph taxPhrase
	s := strings.TrimSpace(p)
	if strings.HasPrefix(s, "*") {
		ph.suffix, s = true, s[1:]
	}
	if strings.HasSuffix(s, "*") {
		ph.prefix, s = true, s[:len(s)-1]
	}
	if strings.Contains(s, "*") {
		return ph, fmt.Errorf("%q: \"*\" may only start or end a phrase", p)
	}
	ph.words = taxWords(s)
	if len(ph.words) == 0 {
		return ph, fmt.Errorf("%q folds to nothing", p)
	}
	if ph.suffix && len(ph.words[0]) < 3 || ph.prefix && len(ph.words[len(ph.words)-1]) < 3 {
		return ph, fmt.Errorf("%q: a wildcard word needs at least three letters", p)
	}
	for _, w := range ph.words {
		ph.length += len(w)
	}
	return ph, nil
}

// key identifies what the phrase matches: its folded words and wildcards.
func (p *taxPhrase) key() string {
	k := strings.Join(p.words, " ")
	if p.suffix {
		k = "*" + k
	}
	if p.prefix {
		k += "*"
	}
	return k
}

// wordMatches reports whether text word w matches the phrase's word i.
func (p *taxPhrase) wordMatches(i int, w string) bool {
	want := p.words[i]
	pre := p.prefix && i == len(p.words)-1
	suf := p.suffix && i == 0
	switch {
	case pre && suf:
		return strings.Contains(w, want)
	case pre:
		return strings.HasPrefix(w, want)
	case suf:
		return strings.HasSuffix(w, want)
	}
	return w == want
}

// matchAt reports whether the phrase matches words from position i.
func (p *taxPhrase) matchAt(words []string, i int) bool {
	if i+len(p.words) > len(words) {
		return false
	}
	for j := range p.words {
		if !p.wordMatches(j, words[i+j]) {
			return false
		}
	}
	return true
}

// taxRule is a phrase of a term: a rule, or an exclusion.
type taxRule struct {
	term    int // position of the term in the taxonomy
	lang    string
	phrase  taxPhrase
	exclude bool
	name    string // "rule:fr:id:phrase"
}

// taxMatcher finds every rule and exclusion of a taxonomy in a text. Rules are indexed
// by their first word (exact), by the first three letters of a prefix-matched first
// word, or, for suffix-matched first words, scanned at every position.
type taxMatcher struct {
	rules   []taxRule
	exact   map[string][]int
	prefix  map[string][]int
	scan    []int
	longest int // words in the longest phrase
}

func newTaxMatcher(terms []Term) *taxMatcher {
	m := &taxMatcher{exact: map[string][]int{}, prefix: map[string][]int{}}
	for ti, term := range terms {
		for _, part := range []struct {
			phrases map[string][]string
			exclude bool
		}{{term.Rules, false}, {term.Exclude, true}} {
			for _, lang := range TaxonomyLanguages {
				for _, p := range part.phrases[lang] {
					ph, err := parseTaxPhrase(p)
					if err != nil {
						continue // ParseTaxonomy has reported it
					}
					r := taxRule{term: ti, lang: lang, phrase: ph, exclude: part.exclude,
						name: "rule:" + lang + ":" + term.ID + ":" + p}
					n := len(m.rules)
					m.rules = append(m.rules, r)
					m.longest = max(m.longest, len(ph.words))
					first := ph.words[0]
					switch {
					case ph.suffix:
						m.scan = append(m.scan, n)
					case ph.prefix && len(ph.words) == 1:
						m.prefix[first[:3]] = append(m.prefix[first[:3]], n)
					default:
						m.exact[first] = append(m.exact[first], n)
					}
				}
			}
		}
	}
	return m
}

// taxHit is a rule found in a field, over words [start, end).
type taxHit struct {
	rule       int
	field      string
	start, end int
}

// find returns the rule hits in text (exclusions applied) for field.
func (m *taxMatcher) find(text, field string) []taxHit {
	words := taxWords(text)
	var hits, excl []taxHit
	try := func(n, i int) {
		r := &m.rules[n]
		if r.phrase.matchAt(words, i) {
			h := taxHit{rule: n, field: field, start: i, end: i + len(r.phrase.words)}
			if r.exclude {
				excl = append(excl, h)
			} else {
				hits = append(hits, h)
			}
		}
	}
	for i, w := range words {
		for _, n := range m.exact[w] {
			try(n, i)
		}
		if len(w) >= 3 {
			for _, n := range m.prefix[w[:3]] {
				try(n, i)
			}
		}
		for _, n := range m.scan {
			try(n, i)
		}
	}
	if len(excl) == 0 {
		return hits
	}
	// Exclusion spans by term, in text order (as found).
	spans := map[int][]taxHit{}
	for _, x := range excl {
		t := m.rules[x.rule].term
		spans[t] = append(spans[t], x)
	}
	kept := hits[:0]
	for _, h := range hits {
		xs := spans[m.rules[h.rule].term]
		// Spans are at most m.longest words long: skip those that end before h.
		i := sort.Search(len(xs), func(i int) bool { return xs[i].start > h.start-m.longest })
		masked := false
		for ; i < len(xs) && xs[i].start < h.end; i++ {
			if h.start < xs[i].end {
				masked = true
				break
			}
		}
		if !masked {
			kept = append(kept, h)
		}
	}
	return kept
}

// hits returns the rule hits in a listing's title and description, title first, each
// in text order, one per rule and field.
func (t *Taxonomy) hits(title, description string) []taxHit {
	var out []taxHit
	for _, f := range []struct{ field, text string }{{"title", title}, {"description", description}} {
		seen := map[int]bool{}
		for _, h := range t.matcher.find(f.text, f.field) {
			if !seen[h.rule] {
				seen[h.rule] = true
				out = append(out, h)
			}
		}
	}
	return out
}

// Classify returns the rules of every facet and language that fire on a listing's
// title and description, after exclusions: title matches first, then description
// matches, each in text order, one per rule and field. It only reports; choosing a
// record's values from the matches is the job of normalization.
func (t *Taxonomy) Classify(title, description string) []Match {
	hits := t.hits(title, description)
	out := make([]Match, len(hits))
	for i, h := range hits {
		r := t.matcher.rules[h.rule]
		out[i] = Match{Facet: t.terms[r.term].Facet, ID: t.terms[r.term].ID, Rule: r.name, Field: h.field}
	}
	return out
}

// kindCandidate is a kind found by rules in one field, with its strongest phrase.
type kindCandidate struct {
	term   int
	length int // longest phrase that found it
}

// chooseKind picks the kind rules say, or "". Title matches beat description
// matches; among one field's kinds an ancestor gives way to its descendant, then the
// higher priority wins, then the longer phrase, then file order. A description kind
// that refines the title's (a descendant of it) is taken. It returns the names of
// the rules that found the chosen kind or its ancestors.
func (t *Taxonomy) chooseKind(hits []taxHit) (string, []string) {
	byField := map[string][]kindCandidate{}
	for _, h := range hits {
		r := t.matcher.rules[h.rule]
		if t.terms[r.term].Facet != FacetKind {
			continue
		}
		cands := byField[h.field]
		found := false
		for i := range cands {
			if cands[i].term == r.term {
				cands[i].length = max(cands[i].length, r.phrase.length)
				found = true
			}
		}
		if !found {
			cands = append(cands, kindCandidate{term: r.term, length: r.phrase.length})
		}
		byField[h.field] = cands
	}
	best := -1
	if c := byField["title"]; len(c) > 0 {
		best = t.pickKind(c)
		var finer []kindCandidate
		for _, d := range byField["description"] {
			if t.isAncestor(t.terms[best].ID, t.terms[d.term].ID) {
				finer = append(finer, d)
			}
		}
		if len(finer) > 0 {
			best = t.pickKind(finer)
		}
	} else if c := byField["description"]; len(c) > 0 {
		best = t.pickKind(c)
	}
	if best < 0 {
		return "", nil
	}
	id := t.terms[best].ID
	var rules []string
	for _, h := range hits {
		r := t.matcher.rules[h.rule]
		if tid := t.terms[r.term].ID; tid == id || t.isAncestor(tid, id) {
			rules = append(rules, r.name)
		}
	}
	return id, rules
}

func (t *Taxonomy) pickKind(cands []kindCandidate) int {
	var top []kindCandidate
	for _, c := range cands {
		general := false
		for _, d := range cands {
			if t.isAncestor(t.terms[c.term].ID, t.terms[d.term].ID) {
				general = true
				break
			}
		}
		if !general {
			top = append(top, c)
		}
	}
	sort.SliceStable(top, func(i, j int) bool {
		a, b := top[i], top[j]
		if pa, pb := t.terms[a.term].Priority, t.terms[b.term].Priority; pa != pb {
			return pa > pb
		}
		if a.length != b.length {
			return a.length > b.length
		}
		return a.term < b.term
	})
	return top[0].term
}

// ruleIDs returns the ids of facet f that rules found, with the names of their rules.
func (t *Taxonomy) ruleIDs(hits []taxHit, f Facet) (ids []string, rules map[string][]string) {
	rules = map[string][]string{}
	for _, h := range hits {
		r := t.matcher.rules[h.rule]
		if term := t.terms[r.term]; term.Facet == f {
			if _, ok := rules[term.ID]; !ok {
				ids = append(ids, term.ID)
			}
			rules[term.ID] = append(rules[term.ID], r.name)
		}
	}
	return ids, rules
}

// classify sets the record's kind, audiences, topics and facilitation from the
// listing's own fields, the source's defaults and the taxonomy's rules (matched on the
// cleaned title and description), and lists in ClassifiedBy what set each:
// "field:kind", "default:kind", "rule:fr:discussion-group:groupe de parole"…
//
// Kind (one value): the listing's kind field, else the source's default, else rules
// (see chooseKind); none gives the info flag "unclassified". Audiences and topics
// (lists): the union of the listing's field (names split on , ; |, resolved by
// Lookup; unknown names are dropped with an info flag "unknown_term"), the defaults
// and the rules, keeping only the most specific terms (a filter on a parent expands
// to its children). Facilitation: the default, else rules: peer rules, professional
// rules, or both ("mixed"). Attendance is left to the caller. Nothing is guessed: no
// rule, no value.
func (r *Record) classify(l Listing, d Defaults) {
	t := DefaultTaxonomy()
	// A date or schedule line ("Webinaire le 30 novembre de 14h15 à 16h15") is
	// heading-level evidence, like the title.
	heading := strings.TrimSpace(r.Title + "\n" + CleanText(l.Fields[FieldSchedule]) + "\n" + CleanText(l.Fields[FieldDate]))
	hits := t.hits(heading, r.Description)
	var byKind, byFacilitation, byAudience, byTopic []string

	r.Kind = ""
	if v := strings.TrimSpace(l.Fields[FieldKind]); v != "" {
		if id, ok := t.Lookup(FacetKind, v); ok {
			r.Kind = id
			byKind = append(byKind, "field:kind")
		} else {
			r.addFlag("unknown_term", SeverityInfo, "kind", fmt.Sprintf("kind %q is not in the taxonomy", v))
		}
	}
	if r.Kind == "" && d.Kind != "" {
		if id, ok := t.Lookup(FacetKind, d.Kind); ok {
			r.Kind = id
			byKind = append(byKind, "default:kind")
		}
	}
	if r.Kind == "" {
		var rules []string
		r.Kind, rules = t.chooseKind(hits)
		byKind = append(byKind, rules...)
	}
	if r.Kind == "" {
		r.addFlag("unclassified", SeverityInfo, "kind", "no kind could be determined")
	}

	r.Facilitation = ""
	if d.Facilitation != "" {
		if id, ok := t.Lookup(FacetFacilitation, d.Facilitation); ok {
			r.Facilitation = id
			byFacilitation = append(byFacilitation, "default:facilitation")
		}
	}
	if r.Facilitation == "" {
		ids, rules := t.ruleIDs(hits, FacetFacilitation)
		peer, pro := rules["peer"] != nil, rules["professional"] != nil
		switch {
		case rules["mixed"] != nil || peer && pro:
			r.Facilitation = "mixed"
		case peer:
			r.Facilitation = "peer"
		case pro:
			r.Facilitation = "professional"
		}
		for _, id := range ids {
			byFacilitation = append(byFacilitation, rules[id]...)
		}
	}

	r.Audiences, byAudience = r.classifyList(t, FacetAudience, hits, l.Fields[FieldAudience], "field:audience", d.Audiences, "default:audiences")
	r.Topics, byTopic = r.classifyList(t, FacetTopic, hits, l.Fields[FieldTopic], "field:topic", d.Topics, "default:topics")

	r.ClassifiedBy = []string{}
	for _, group := range [][]string{byKind, byFacilitation, byAudience, byTopic} {
		group = uniqueSorted(group)
		r.ClassifiedBy = append(r.ClassifiedBy, group...)
	}
}

// classifyList resolves a list facet (audiences, topics): the listing's field, the
// defaults and the rules, most specific terms only, and what set them.
func (r *Record) classifyList(t *Taxonomy, f Facet, hits []taxHit, field, fieldMark string, defaults []string, defaultMark string) ([]string, []string) {
	path := map[Facet]string{FacetAudience: "audiences", FacetTopic: "topics"}[f]
	var ids, from []string
	fromID := map[string][]string{}
	add := func(id, mark string) {
		if _, ok := fromID[id]; !ok {
			ids = append(ids, id)
		}
		fromID[id] = append(fromID[id], mark)
	}
	for _, name := range strings.FieldsFunc(field, func(c rune) bool { return c == ',' || c == ';' || c == '|' }) {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		if id, ok := t.Lookup(f, name); ok {
			add(id, fieldMark)
		} else {
			r.addFlag("unknown_term", SeverityInfo, path, fmt.Sprintf("%s %q is not in the taxonomy", f, name))
		}
	}
	for _, name := range defaults {
		if id, ok := t.Lookup(f, name); ok {
			add(id, defaultMark)
		}
	}
	ruleIDs, rules := t.ruleIDs(hits, f)
	for _, id := range ruleIDs {
		for _, name := range rules[id] {
			add(id, name)
		}
	}
	kept := t.mostSpecific(ids)
	for _, id := range kept {
		from = append(from, fromID[id]...)
	}
	if kept == nil {
		kept = []string{}
	}
	return kept, from
}

func uniqueSorted(list []string) []string {
	sort.Strings(list)
	out := list[:0]
	for i, s := range list {
		if i == 0 || s != list[i-1] {
			out = append(out, s)
		}
	}
	return out
}
