package api

import (
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ensemble-be/ensemble/record"
)

// maxSuggestions is how many completions /api/v1/suggest returns at most.
const maxSuggestions = 10

// SuggestResponse is the body of GET /api/v1/suggest.
type SuggestResponse struct {
	Query       string       `json:"query"`
	Suggestions []Suggestion `json:"suggestions"`
}

// handleSuggest serves GET /api/v1/suggest?q=&lang=: taxonomy terms whose label (in
// the request language) or synonyms start like the last word typed, then the
// index's words that complete it, most frequent first.
func (s *Server) handleSuggest(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	for name := range v {
		if name != "q" && name != "lang" && name != "n" {
			s.writeError(w, r, badParam(name, "unknown parameter (known: q, lang, n)"))
			return
		}
	}
	q := v.Get("q")
	if len(q) > maxQueryBytes {
		s.writeError(w, r, badParam("q", "longer than %d bytes", maxQueryBytes))
		return
	}
	n, err := intParam(v, "n", maxSuggestions, 1, maxSuggestions)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	resp := SuggestResponse{Query: q, Suggestions: taxonomySuggestions(q, requestLanguage(r), n)}
	if s.suggester != nil && len(resp.Suggestions) < n {
		words, err := s.suggester.Suggest(r.Context(), q, requestLanguage(r), n-len(resp.Suggestions))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		resp.Suggestions = append(resp.Suggestions, words...)
	}
	if resp.Suggestions == nil {
		resp.Suggestions = []Suggestion{}
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeJSON(w, resp)
}

// taxonomySuggestions are the terms with a label or synonym in lang of which a word
// starts with the last word of q (folded, at least 2 letters), labelled in lang. The
// term takes the place of the words it continues: "groupe de par" becomes "Groupe de
// parole", "groupe anxi" becomes "groupe anxiété".
func taxonomySuggestions(q, lang string, n int) []Suggestion {
	original := strings.Fields(q)
	words := strings.Fields(record.Fold(q))
	if len(words) == 0 || len(words) != len(original) || len([]rune(words[len(words)-1])) < 2 {
		return nil
	}
	last := words[len(words)-1]
	tax := record.DefaultTaxonomy()
	var out []Suggestion
	for _, f := range record.Facets {
		for _, term := range tax.Facet(f) {
			label := tax.Label(term.ID, lang)
			names := append([]string{label}, term.Synonyms[lang]...)
			if !slices.ContainsFunc(names, func(name string) bool { return startsWord(record.Fold(name), last) }) {
				continue
			}
			// The most words typed that the label continues, at least the last one.
			keep := len(words) - 1
			folded := record.Fold(label)
			for k := len(words); k >= 1; k-- {
				if strings.HasPrefix(folded, strings.Join(words[len(words)-k:], " ")) {
					keep = len(words) - k
					break
				}
			}
			text := label
			if keep > 0 {
				text = strings.Join(original[:keep], " ") + " " + lowerFirst(label)
			}
			out = append(out, Suggestion{Text: text, Kind: string(f), Term: term.ID})
			if len(out) == n {
				return out
			}
		}
	}
	return out
}

// lowerFirst lower-cases the first letter of a label that goes after other words.
func lowerFirst(s string) string {
	for i, r := range s {
		return string(unicode.ToLower(r)) + s[i+utf8.RuneLen(r):]
	}
	return s
}

// startsWord reports whether a word of s starts with prefix.
func startsWord(s, prefix string) bool {
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '-' || r == '\'' }) {
		if strings.HasPrefix(w, prefix) {
			return true
		}
	}
	return false
}
