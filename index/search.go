package index

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/ensemble-be/ensemble/record"
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

// Query is one search, as the person asked it.
type Query struct {
	// Text is what the person typed. Every word must match (in any language field);
	// "quoted phrases" rank higher when found as phrases but are not required to be.
	// Empty Text matches every record, sorted by title.
	Text string
	// Kinds keeps records of any of these kinds (record.Kind ids); empty keeps all.
	Kinds []string
	// Statuses keeps records of any of these statuses; empty means ["active"].
	Statuses []string
	// Sources keeps records of any of these sources; empty keeps all.
	Sources []string
	// Language keeps records in this language (record.Language); "" keeps all.
	Language string
	// Audiences, Topics, Attendance, Regions and Postcodes keep records with any of
	// the values (ids as stored: the caller expands a parent term to its descendants).
	Audiences, Topics, Attendance, Regions, Postcodes []string
	// Flags keeps records carrying any of these flag codes; NoFlags drops records
	// carrying any of them.
	Flags, NoFlags []string
	// Expand also matches each word by the other names of the taxonomy terms it
	// names, by the records classified with those terms, and by near spellings (see
	// docs/search.md). Off, every word must be found as typed (stemmed, folded).
	Expand bool
	// Page is 1-based; 0 means 1. PerPage is 1 to MaxPerPage; 0 means DefaultPerPage.
	// Page × PerPage may not exceed MaxDepth.
	Page, PerPage int
}

// Hit is one matching record.
type Hit struct {
	ID    string
	Score float64 // relevance, comparable within one result only; 0 for the empty query
}

// Result is one page of hits.
type Result struct {
	Total uint64 // matching records, all pages
	Hits  []Hit  // best first; ties in id order
	Took  time.Duration
}

// QueryError is a query the index refuses; Param names the faulty query parameter
// (page, per_page) so the API can say which.
type QueryError struct {
	Param   string
	Problem string
}

func (e *QueryError) Error() string { return "invalid " + e.Param + ": " + e.Problem }

// paging returns the validated page and per-page values.
func (q Query) paging() (page, perPage int, err error) {
	page, perPage = q.Page, q.PerPage
	if page == 0 {
		page = 1
	}
	if perPage == 0 {
		perPage = DefaultPerPage
	}
	switch {
	case perPage < 1 || perPage > MaxPerPage:
		return 0, 0, &QueryError{Param: "per_page", Problem: fmt.Sprintf("must be between 1 and %d", MaxPerPage)}
	case page < 1:
		return 0, 0, &QueryError{Param: "page", Problem: "must be 1 or more"}
	case page > MaxDepth/perPage:
		return 0, 0, &QueryError{Param: "page", Problem: fmt.Sprintf(
			"page × per_page may not exceed %d; the dumps and exports serve deep access", MaxDepth)}
	}
	return page, perPage, nil
}

// Search returns one page of the records matching q: by relevance, then id, for a
// text query; by title, then id, for the empty one. A bad page or per_page is a
// *QueryError.
func (ix *Index) Search(ctx context.Context, q Query) (Result, error) {
	page, perPage, err := q.paging()
	if err != nil {
		return Result{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, searchTimeout)
	defer cancel()

	filter := filterQuery(q)
	var req *bleve.SearchRequest
	if text := ix.textQuery(q.Text, q.Expand); text != nil {
		text.AddFilter(filter)
		req = bleve.NewSearchRequestOptions(text, perPage, (page-1)*perPage, false)
		req.SortBy([]string{"-_score", "_id"})
	} else {
		req = bleve.NewSearchRequestOptions(filter, perPage, (page-1)*perPage, false)
		req.Score = "none"
		req.SortBy([]string{fieldTitleSort, "_id"})
	}
	sr, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		return Result{}, fmt.Errorf("search: %w", err)
	}
	res := Result{Total: sr.Total, Took: sr.Took, Hits: make([]Hit, len(sr.Hits))}
	for i, h := range sr.Hits {
		res.Hits[i] = Hit{ID: h.ID, Score: h.Score}
	}
	return res, nil
}

// filterQuery is the conjunction of q's filters; it always has one on status.
func filterQuery(q Query) query.Query {
	statuses := q.Statuses
	if len(statuses) == 0 {
		statuses = []string{string(record.StatusActive)}
	}
	var language []string
	if q.Language != "" {
		language = []string{q.Language}
	}
	var all []query.Query
	for _, f := range []struct {
		field  string
		values []string
	}{
		{fieldStatus, statuses},
		{fieldKind, q.Kinds},
		{fieldSource, q.Sources},
		{fieldLanguage, language},
		{fieldAudiences, q.Audiences},
		{fieldTopics, q.Topics},
		{fieldAttendance, q.Attendance},
		{fieldRegion, q.Regions},
		{fieldPostcode, q.Postcodes},
		{fieldFlags, q.Flags},
	} {
		if t := anyTerm(f.field, f.values); t != nil {
			all = append(all, t)
		}
	}
	var must query.Query = query.NewConjunctionQuery(all)
	if len(all) == 1 {
		must = all[0]
	}
	if not := anyTerm(fieldFlags, q.NoFlags); not != nil {
		return query.NewBooleanQuery([]query.Query{must}, nil, []query.Query{not})
	}
	return must
}

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
// not outweigh the other words. Stop words of any language (de, la, het, the) are
// optional, as are phrases; both only add to the score.
func (ix *Index) textQuery(text string, expand bool) *query.BooleanQuery {
	words, phrases := parseText(text)
	if len(words) == 0 {
		return nil
	}
	var concepts map[string][]concept
	if expand {
		concepts = taxonomyConcepts(text)
	}
	var must, should []query.Query
	for _, w := range words {
		if ix.isStopWord(w) {
			should = append(should, wordQuery(w, nil))
		} else {
			var alts []query.Query
			if expand {
				alts = alternatives(w, concepts)
			}
			must = append(must, wordQuery(w, alts))
		}
	}
	for _, p := range phrases {
		pq := query.NewMatchPhraseQuery(p)
		pq.SetField(fieldAll)
		should = append(should, pq)
	}
	bq := query.NewBooleanQuery(nil, nil, nil)
	if len(must) > 0 {
		bq.Must = query.NewConjunctionQuery(must)
	}
	if len(should) > 0 {
		bq.Should = query.NewDisjunctionQuery(should)
	}
	return bq
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
// scores it by its best field or alternative.
//
// bleve has no dis-max query: its disjunction sums the fields' scores and multiplies
// by the share of fields that matched. With the score breakdown on (meant for kNN,
// but plain public API), the disjunction keeps each field's score in the hit, and a
// custom score takes the best of them.
func wordQuery(w string, alternatives []query.Query) query.Query {
	fields := make([]query.Query, len(textFields), len(textFields)+len(alternatives))
	for i, f := range textFields {
		m := query.NewMatchQuery(w)
		m.SetField(f.name)
		m.SetBoost(f.boost)
		m.SetOperator(query.MatchQueryOperatorAnd) // "18h30" → 18h30 and not 18h or 30
		fields[i] = m
	}
	d := query.NewDisjunctionQuery(append(fields, alternatives...))
	d.RetrieveScoreBreakdown(true)
	return query.NewCustomScoreQueryWithScorer(d, bestField, nil, nil)
}

// bestField is the score of a word: that of the field it matched best.
func bestField(_ context.Context, d *search.DocumentMatch) (float64, error) {
	best := 0.0
	for _, s := range d.ScoreBreakdown {
		best = max(best, s)
	}
	clear(d.ScoreBreakdown) // the breakdown is per word; the next level must not see it
	return best, nil
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
