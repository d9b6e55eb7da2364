package index

import (
	"context"
	"fmt"
	"html"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
)

// Highlight returns text HTML-escaped, with <mark> around each word that matches a
// word of query: compared as the record language's analyzer reduces both (stemmed,
// stop words dropped) or as the folded field does (accents and case ignored). ok is
// false when no word matched. Highlights are computed from the text the caller has
// (the store's record), so the index stores no text for them; the analyzers are
// token filters only, so token offsets point into text as given.
func (ix *Index) Highlight(text, query, lang string) (marked string, ok bool) {
	words, _ := parseText(query)
	if len(words) == 0 || text == "" {
		return html.EscapeString(text), false
	}
	m := ix.idx.Mapping()
	var analyzers []analysis.Analyzer
	if slices.Contains(languages, lang) {
		analyzers = append(analyzers, m.AnalyzerNamed(lang))
	}
	analyzers = append(analyzers, m.AnalyzerNamed(foldAnalyzer))
	type span struct{ start, end int }
	var spans []span
	for _, a := range analyzers {
		if a == nil {
			continue
		}
		want := map[string]bool{}
		for _, w := range words {
			for _, t := range a.Analyze([]byte(w)) {
				want[string(t.Term)] = true
			}
		}
		for _, t := range a.Analyze([]byte(text)) {
			if want[string(t.Term)] {
				spans = append(spans, span{t.Start, t.End})
			}
		}
	}
	if len(spans) == 0 {
		return html.EscapeString(text), false
	}
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	var b strings.Builder
	at := 0
	for _, s := range spans {
		if s.start < at || s.end > len(text) {
			continue // the same word found by both analyzers
		}
		b.WriteString(html.EscapeString(text[at:s.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[s.start:s.end]))
		b.WriteString("</mark>")
		at = s.end
	}
	b.WriteString(html.EscapeString(text[at:]))
	return b.String(), true
}

// Completion is a word of the index that completes a prefix, with the number of
// records holding it.
type Completion struct {
	Text  string
	Count int
}

// maxDictScan caps how many index words one completion looks at.
const maxDictScan = 20000

// Complete completes the last word of prefix from the words of the index (folded:
// "anxi" → "anxiete"), most frequent first, and returns the whole text with the
// completed word. Words shorter than two letters are not completed.
func (ix *Index) Complete(ctx context.Context, prefix string, n int) ([]Completion, error) {
	words, _ := parseText(prefix)
	if len(words) == 0 || n <= 0 {
		return nil, nil
	}
	last := words[len(words)-1]
	head := strings.TrimSpace(prefix[:strings.LastIndex(prefix, last)])
	folded := ix.idx.Mapping().AnalyzerNamed(foldAnalyzer).Analyze([]byte(last))
	if len(folded) != 1 || len(folded[0].Term) < 2 {
		return nil, nil
	}
	dict, err := ix.idx.FieldDictPrefix(fieldAll, folded[0].Term)
	if err != nil {
		return nil, fmt.Errorf("complete: %w", err)
	}
	defer dict.Close()
	var out []Completion
	for scanned := 0; scanned < maxDictScan; scanned++ {
		if scanned%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		e, err := dict.Next()
		if err != nil {
			return nil, fmt.Errorf("complete: %w", err)
		}
		if e == nil {
			break
		}
		if e.Term != string(folded[0].Term) { // the word as typed completes nothing
			out = append(out, Completion{Text: e.Term, Count: int(e.Count)})
		}
	}
	slices.SortStableFunc(out, func(a, b Completion) int { return b.Count - a.Count })
	out = out[:min(n, len(out))]
	for i := range out {
		out[i].Text = strings.TrimSpace(head + " " + out[i].Text)
	}
	return out, nil
}
