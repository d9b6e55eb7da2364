package index

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2/search/query"
)

// Limits of one search.
const (
	DefaultPerPage = 20
	MaxPerPage     = 100
	// MaxDepth caps page × per_page: deep paging costs in proportion to the depth;
	// the open dumps serve whole-index access.
	MaxDepth = 10000
	// maxWords and maxPhrases cap the text query; words past them are ignored.
	maxWords   = 32
	maxPhrases = 4
	// maxWordRunes drops longer "words": nothing real is that long.
	maxWordRunes = 64
	// maxTextBytes is how much of the text is read at all.
	maxTextBytes = 2000
	// searchTimeout bounds one search whatever the caller's context says.
	searchTimeout = 5 * time.Second
)

// anyTerm matches documents whose field holds any of values; nil for no values.
func anyTerm(field string, values []string) query.Query {
	var terms []query.Query
	for _, v := range values {
		if v == "" {
			continue
		}
		t := query.NewTermQuery(v)
		t.SetField(field)
		terms = append(terms, t)
	}
	switch len(terms) {
	case 0:
		return nil
	case 1:
		return terms[0]
	}
	return query.NewDisjunctionQuery(terms)
}

// searchField is a text field a word is looked for in, with its weight.
type searchField struct {
	name  string
	boost float64
}

// textFields are where every word is looked for: the title and text fields of every
// language (the title counting double) and the folded field.
var textFields = func() []searchField {
	var fs []searchField
	for _, lang := range languages {
		fs = append(fs, searchField{titleField(lang), 2}, searchField{textField(lang), 1})
	}
	return append(fs, searchField{fieldAll, 1})
}()

// textQuery turns text into a query, or returns nil when text has no words. Each
// word must match in at least one text field, and scores once: by the field it
// matches best in (a dis-max), so a word found in title, text and folded field does
// not outweigh the other words. Phrases are optional and only add to the score; stop
// words of any language (de, la, het, the) count only in a query of nothing else.
func (ix *Index) textQuery(text string, expand bool) *query.BooleanQuery {
	words, phrases := parseText(text)
	ops := parseOperators(text)
	if len(words) == 0 {
		return nil
	}
	var concepts map[string][]concept
	var spans []conceptSpan
	if expand {
		concepts, spans = taxonomyConcepts(text)
	}
	var must, should, mustNot, stops []query.Query
	groups := map[int][]query.Query{} // OR groups, by group number
	var groupOrder []int
	spanWords := make([][]query.Query, len(spans)) // the required words of each span
	for _, w := range words {
		key := strings.ToLower(w)
		switch {
		case ops.excluded[key]:
			mustNot = append(mustNot, wordQuery(w, nil))
		case w == "OR" && ops.hasOr:
		case ix.isStopWord(w):
			stops = append(stops, wordQuery(w, nil))
		default:
			_, inGroup := ops.group[key]
			span := -1
			if !inGroup {
				span = spanOf(spans, w)
			}
			var alts []query.Query
			if expand {
				wordConcepts := concepts
				if span >= 0 {
					wordConcepts = nil // the span's concepts apply to the span as a whole
				}
				alts = alternatives(w, wordConcepts, ix.knownWord)
			}
			wq := wordQuery(w, alts)
			switch {
			case inGroup:
				g := ops.group[key]
				if _, seen := groups[g]; !seen {
					groupOrder = append(groupOrder, g)
				}
				groups[g] = append(groups[g], wq)
			case span >= 0:
				spanWords[span] = append(spanWords[span], wq)
			default:
				must = append(must, wq)
			}
		}
	}
	for _, g := range groupOrder {
		must = append(must, query.NewDisjunctionQuery(groups[g]))
	}
	for i, sp := range spans {
		if len(spanWords[i]) == 0 {
			continue
		}
		var all query.Query = spanWords[i][0]
		if len(spanWords[i]) > 1 {
			all = query.NewConjunctionQuery(spanWords[i])
		}
		name := strings.Join(sp.words, " ")
		clause := &disMaxQuery{word: name, children: []query.Query{all}, labels: []string{"its words"}}
		for _, a := range conceptAlternatives(sp.concepts, name) {
			clause.children, clause.labels = append(clause.children, a), append(clause.labels, describe(a))
		}
		must = append(must, clause)
	}
	// Stop words (de, het, the) count only in a query made of nothing else: beside
	// other words they hold nearly every record of their language, and walking them
	// cost a fifth of "groupe de parole" for no change on the judged set.
	if len(must) == 0 && len(groups) == 0 {
		should = append(should, stops...)
	}
	for _, p := range phrases {
		pq := query.NewMatchPhraseQuery(p)
		pq.SetField(fieldAll)
		should = append(should, pq)
	}
	if len(must) == 0 && len(should) == 0 && len(mustNot) == 0 {
		return nil
	}
	bq := query.NewBooleanQuery(nil, nil, nil)
	switch {
	case len(must) > 0:
		bq.Must = query.NewConjunctionQuery(must)
	case len(should) == 0:
		bq.Must = query.NewMatchAllQuery() // only exclusions: everything else
	}
	if len(should) > 0 {
		bq.Should = query.NewDisjunctionQuery(should)
	}
	if len(mustNot) > 0 {
		bq.MustNot = query.NewDisjunctionQuery(mustNot)
	}
	return bq
}

// spanOf is the index of the span of several words holding the word w, or -1.
func spanOf(spans []conceptSpan, w string) int {
	for i, sp := range spans {
		for _, fw := range foldWords(w) {
			if sp.has(fw) {
				return i
			}
		}
	}
	return -1
}

// operators are what the query syntax says beyond words and phrases: -word excludes
// a word, and "a OR b" (OR in capitals) asks for either.
type operators struct {
	excluded map[string]bool // lower-cased words
	group    map[string]int  // lower-cased word → its OR group
	hasOr    bool
}

// parseOperators reads the operators of text, outside quoted phrases.
func parseOperators(text string) operators {
	if len(text) > maxTextBytes {
		text = text[:maxTextBytes]
	}
	ops := operators{excluded: map[string]bool{}, group: map[string]int{}}
	var prevLast string // last word of the previous token
	pendingOr := false
	groups := 0
	inQuote := false
	for _, tok := range strings.Fields(text) {
		quoted := inQuote
		for _, r := range tok {
			if isQuote(r) {
				inQuote = !inQuote
			}
		}
		if quoted || strings.ContainsFunc(tok, isQuote) {
			prevLast, pendingOr = "", false
			continue
		}
		if tok == "OR" && prevLast != "" {
			pendingOr = true
			continue
		}
		if strings.HasPrefix(tok, "-") {
			neg, _ := parseText(tok[1:])
			for _, w := range neg {
				ops.excluded[strings.ToLower(w)] = true
			}
			prevLast, pendingOr = "", false
			continue
		}
		words, _ := parseText(tok)
		if len(words) == 0 {
			continue
		}
		first := strings.ToLower(words[0])
		if pendingOr {
			ops.hasOr = true
			g, ok := ops.group[prevLast]
			if !ok {
				g = groups
				groups++
				ops.group[prevLast] = g
			}
			ops.group[first] = g
		}
		prevLast, pendingOr = strings.ToLower(words[len(words)-1]), false
	}
	return ops
}

// knownWord reports whether some record's folded field holds the folded word.
func (ix *Index) knownWord(folded string) bool {
	dict, err := ix.idx.FieldDictRange(fieldAll, []byte(folded), []byte(folded))
	if err != nil {
		return false
	}
	defer dict.Close()
	e, err := dict.Next()
	return err == nil && e != nil && e.Term == folded
}

// isStopWord reports whether a language analyzer drops w entirely.
func (ix *Index) isStopWord(w string) bool {
	for _, a := range ix.stop {
		if len(a.Analyze([]byte(w))) == 0 {
			return true
		}
	}
	return false
}

// wordQuery matches w in any text field, or any of the alternatives (synonyms, the
// records classified with a term w names, near spellings: see alternatives), and
// scores it by its best field or alternative (disMaxQuery).
func wordQuery(w string, alternatives []query.Query) query.Query {
	q := &disMaxQuery{word: w}
	for _, f := range textFields {
		m := query.NewMatchQuery(w)
		m.SetField(f.name)
		m.SetBoost(f.boost)
		m.SetOperator(query.MatchQueryOperatorAnd) // "18h30" → 18h30 and not 18h or 30
		q.children, q.labels = append(q.children, m), append(q.labels, f.name)
	}
	for _, a := range alternatives {
		q.children, q.labels = append(q.children, a), append(q.labels, describe(a))
	}
	return q
}

// explainKey is the context key of the explainSink.
type explainKey struct{}

// explainSink collects, per internal document id, the score of each word.
type explainSink map[string][]wordScore

type wordScore struct {
	word, via string
	score     float64
	matched   int // how many fields or alternatives matched
}

// explain writes the breakdown of a hit's score: each word by its best field, then
// what bleve adds (phrases, stop words, coordination).
func (s explainSink) explain(id []byte, total float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%.4f total, BM25; each word counts once, by its best field\n", total)
	sum := 0.0
	for _, w := range s[string(id)] {
		fmt.Fprintf(&b, "  %.4f %q via %s (matched in %d)\n", w.score, w.word, w.via, w.matched)
		sum += w.score
	}
	if rest := total - sum; rest > 1e-9 || rest < -1e-9 {
		fmt.Fprintf(&b, "  %.4f phrases, stop words and coordination\n", rest)
	}
	return b.String()
}

// describe names an alternative query for explanations.
func describe(q query.Query) string {
	switch q := q.(type) {
	case *query.MatchPhraseQuery:
		return fmt.Sprintf("synonym %q", q.MatchPhrase)
	case *query.MatchQuery:
		return fmt.Sprintf("synonym %q", q.Match)
	case *query.FuzzyQuery:
		return fmt.Sprintf("near spelling of %q", q.Term)
	case *query.TermQuery:
		return fmt.Sprintf("classified %s %s", q.FieldVal, q.Term)
	case *query.DisjunctionQuery:
		var parts []string
		for _, c := range q.Disjuncts {
			if t, ok := c.(*query.TermQuery); ok {
				parts = append(parts, t.Term)
			}
		}
		return "classified " + strings.Join(parts, "|")
	}
	return fmt.Sprintf("%T", q)
}

// parseText splits text into words (letters and digits, with apostrophes inside
// words kept for the analyzers' elision: l'anxiété, aujourd'hui) and quoted phrases.
// Words are deduplicated and capped; a phrase's words are words too.
func parseText(text string) (words, phrases []string) {
	if len(text) > maxTextBytes {
		text = text[:maxTextBytes]
	}
	seen := map[string]bool{}
	var phrase []string
	inQuote := false
	endPhrase := func() {
		if len(phrase) > 1 && len(phrases) < maxPhrases {
			phrases = append(phrases, strings.Join(phrase, " "))
		}
		phrase = phrase[:0]
	}
	rs := []rune(text)
	for i := 0; i < len(rs); {
		r := rs[i]
		if isQuote(r) {
			if inQuote {
				endPhrase()
			}
			inQuote = !inQuote
			i++
			continue
		}
		if !isWordRune(r) {
			i++
			continue
		}
		j := i
		for j < len(rs) && (isWordRune(rs[j]) ||
			isApostrophe(rs[j]) && j+1 < len(rs) && isWordRune(rs[j+1])) {
			j++
		}
		w, long := string(rs[i:j]), j-i > maxWordRunes
		i = j
		if long {
			continue
		}
		if inQuote {
			phrase = append(phrase, w)
		}
		key := strings.ToLower(w)
		if !seen[key] && len(words) < maxWords {
			seen[key] = true
			words = append(words, w)
		}
	}
	endPhrase() // an unclosed quote runs to the end
	return words, phrases
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' }

func isQuote(r rune) bool {
	switch r {
	case '"', '“', '”', '«', '»', '„':
		return true
	}
	return false
}
