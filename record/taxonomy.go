package record

import (
	"bytes"
	_ "embed" // the default taxonomy is embedded
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// Facet is one dimension of the taxonomy: what a record's Kind, Audiences, Topics,
// Facilitation and Attendance take their ids from.
type Facet string

// The facets of the taxonomy, named as in taxonomy.json.
const (
	// FacetKind is the kind of group (therapy group, groupe de parole, intervision…).
	FacetKind Facet = "kind"
	// FacetAudience is who a group is for (relatives, professionals, young people…).
	FacetAudience Facet = "audience"
	// FacetTopic is what a group is about (grief, anxiety, addiction…).
	FacetTopic Facet = "topic"
	// FacetFacilitation is who leads a group: professionals, peers, or both.
	FacetFacilitation Facet = "facilitation"
	// FacetAttendance is how a group meets: in person, online or hybrid.
	FacetAttendance Facet = "attendance"
)

// Facets lists the facets in the order the taxonomy file groups them.
var Facets = []Facet{FacetKind, FacetAudience, FacetTopic, FacetFacilitation, FacetAttendance}

// TaxonomyLanguages are the languages every term is labelled in; rules, exclusions
// and synonyms are keyed by them too.
var TaxonomyLanguages = []string{"fr", "nl", "de", "en"}

// Term is one entry of the taxonomy. Its JSON is the format of taxonomy.json and of
// the API's GET /api/v1/taxonomy.
//
// Rules and Exclude hold phrases matched on folded text (lower case, accents removed,
// ligatures expanded) word by word, so "art-thérapie", "Art thérapie" and "art
// therapie" are the same phrase and hyphens and apostrophes separate words. A phrase
// may start or end with "*": "endeuill*" matches any word that starts with
// "endeuill", "*praatgroep" any word that ends with "praatgroep" (a Dutch compound
// such as "rouwpraatgroep"), "*zelfhulp*" any word that contains "zelfhulp". In a
// phrase of several words the wildcard applies to its first or last word. Rules of
// every language apply to every text: listings mix languages.
type Term struct {
	// ID is lowercase English words joined by hyphens, unique across facets.
	ID    string `json:"id"`
	Facet Facet  `json:"facet"`
	// Parent is the id of the broader term of the same facet, or "" for a root.
	// Searching or filtering by a term includes its descendants.
	Parent string `json:"parent,omitempty"`
	// Labels name the term in fr, nl, de and en (all four are required).
	Labels map[string]string `json:"labels"`
	// Synonyms are other names, by language, that Lookup resolves to this term
	// (what partners write in their own "kind" or "audience" fields).
	Synonyms map[string][]string `json:"synonyms,omitempty"`
	// Rules are phrases, by language, whose presence in a listing's title or
	// description assigns the term.
	Rules map[string][]string `json:"rules,omitempty"`
	// Exclude are phrases, by language, that mask this term's rule matches they
	// overlap: "jeunes adultes" keeps "adultes" from meaning adults.
	Exclude map[string][]string `json:"exclude,omitempty"`
	// Dated marks kinds whose listings normally carry a date (events, trainings,
	// retreats), as opposed to ongoing groups.
	Dated bool `json:"dated,omitempty"`
	// Priority ranks kinds found in the same field: a higher priority wins. Formats
	// that are about something else (a webinar ON groupes de parole) have 1.
	Priority int `json:"priority,omitempty"`
}

// TermError says which term of a taxonomy file is wrong, in which field and how.
type TermError struct {
	ID      string // the term's id, or "#n" (its position) when it has none
	Field   string // e.g. "parent", "labels.nl", "rules.fr[2]"
	Problem string
}

// Error says `term "id": field: problem`.
func (e *TermError) Error() string {
	return fmt.Sprintf("term %s: %s: %s", e.ID, e.Field, e.Problem)
}

// Taxonomy is a parsed, validated taxonomy with its indexes. It is immutable and safe
// for concurrent use.
type Taxonomy struct {
	terms    []Term
	index    map[string]int              // id → position in terms
	children map[string][]string         // id → child ids in file order
	depth    []int                       // by position: 0 for roots
	names    map[Facet]map[string]string // facet → lookup key → id
	plurals  map[Facet]map[string]string // facet → de-pluralized key → id ("" when ambiguous)
	matcher  *taxMatcher
}

//go:embed taxonomy.json
var taxonomyJSON []byte

var defaultTaxonomy = mustParseTaxonomy(taxonomyJSON)

func mustParseTaxonomy(data []byte) *Taxonomy {
	t, err := ParseTaxonomy(data)
	if err != nil { // the embedded file is checked by TestDefaultTaxonomyValid
		panic("record: taxonomy.json: " + err.Error())
	}
	return t
}

// DefaultTaxonomy returns the taxonomy embedded in the binary (record/taxonomy.json),
// parsed once when the package is initialized.
func DefaultTaxonomy() *Taxonomy { return defaultTaxonomy }

var termIDPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ParseTaxonomy reads a taxonomy file: a JSON array of Terms. It checks that ids are
// unique and well formed, facets known, parents existing and of the same facet,
// without cycles, that every term is labelled in fr, nl, de and en, that every rule,
// exclusion and synonym folds to words, and that no name means two terms of one
// facet. The error joins a *TermError per problem.
func ParseTaxonomy(data []byte) (*Taxonomy, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var terms []Term
	if err := dec.Decode(&terms); err != nil {
		return nil, fmt.Errorf("parse taxonomy: %w", err)
	}
	if len(terms) == 0 {
		return nil, errors.New("parse taxonomy: no terms")
	}
	t := &Taxonomy{
		terms:    terms,
		index:    make(map[string]int, len(terms)),
		children: map[string][]string{},
		depth:    make([]int, len(terms)),
		names:    map[Facet]map[string]string{},
		plurals:  map[Facet]map[string]string{},
	}
	var errs []error
	bad := func(i int, field, format string, args ...any) {
		id := terms[i].ID
		if id == "" {
			id = fmt.Sprintf("#%d", i)
		} else {
			id = fmt.Sprintf("%q", id)
		}
		errs = append(errs, &TermError{ID: id, Field: field, Problem: fmt.Sprintf(format, args...)})
	}
	facets := map[Facet]bool{}
	for _, f := range Facets {
		facets[f] = true
	}
	for i, term := range terms {
		switch {
		case term.ID == "":
			bad(i, "id", "empty")
		case !termIDPattern.MatchString(term.ID):
			bad(i, "id", "%q is not lowercase words joined by hyphens", term.ID)
		default:
			if j, dup := t.index[term.ID]; dup {
				bad(i, "id", "duplicate (also term #%d)", j)
			} else {
				t.index[term.ID] = i
			}
		}
		if !facets[term.Facet] {
			bad(i, "facet", "%q is not one of kind, audience, topic, facilitation, attendance", term.Facet)
		}
		for _, lang := range TaxonomyLanguages {
			if strings.TrimSpace(term.Labels[lang]) == "" {
				bad(i, "labels."+lang, "missing")
			}
		}
		for lang := range term.Labels {
			if !isTaxonomyLanguage(lang) {
				bad(i, "labels."+lang, "unknown language (want fr, nl, de, en)")
			}
		}
		if term.Facet != FacetKind && (term.Dated || term.Priority != 0) {
			bad(i, "dated", "dated and priority are for kinds only")
		}
		if term.Priority < 0 {
			bad(i, "priority", "negative")
		}
		for _, part := range []struct {
			name    string
			phrases map[string][]string
			rule    bool
		}{{"synonyms", term.Synonyms, false}, {"rules", term.Rules, true}, {"exclude", term.Exclude, true}} {
			seen := map[string]string{} // folded phrase → where it first is
			for _, lang := range sortedKeysOf(part.phrases) {
				if !isTaxonomyLanguage(lang) {
					bad(i, part.name+"."+lang, "unknown language (want fr, nl, de, en)")
				}
				for k, p := range part.phrases[lang] {
					field := fmt.Sprintf("%s.%s[%d]", part.name, lang, k)
					if !part.rule {
						if taxKey(p) == "" {
							bad(i, field, "%q folds to nothing", p)
						}
						continue
					}
					ph, err := parseTaxPhrase(p)
					if err != nil {
						bad(i, field, "%v", err)
						continue
					}
					// Rules of every language apply to every text: a phrase twice would
					// fire twice.
					if first, dup := seen[ph.key()]; dup {
						bad(i, field, "%q repeats %s", p, first)
					} else {
						seen[ph.key()] = field
					}
				}
			}
		}
	}
	// Parents, cycles and depth.
	for i, term := range terms {
		if term.Parent == "" {
			continue
		}
		j, ok := t.index[term.Parent]
		switch {
		case !ok:
			bad(i, "parent", "unknown term %q", term.Parent)
		case terms[j].Facet != term.Facet:
			bad(i, "parent", "%q is a %s, not a %s", term.Parent, terms[j].Facet, term.Facet)
		case term.Parent == term.ID:
			bad(i, "parent", "is the term itself")
		}
	}
	if len(errs) == 0 {
		for i := range terms {
			seen := map[int]bool{i: true}
			for j := i; terms[j].Parent != ""; {
				j = t.index[terms[j].Parent]
				if seen[j] {
					bad(i, "parent", "cycle through %q", terms[j].ID)
					break
				}
				seen[j] = true
				t.depth[i]++
			}
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("parse taxonomy: %w", errors.Join(errs...))
	}
	for _, term := range terms {
		if term.Parent != "" {
			t.children[term.Parent] = append(t.children[term.Parent], term.ID)
		}
	}
	// Lookup names: ids, labels and synonyms, unambiguous within a facet.
	for i, term := range terms {
		names := t.names[term.Facet]
		if names == nil {
			names = map[string]string{}
			t.names[term.Facet] = names
			t.plurals[term.Facet] = map[string]string{}
		}
		all := []string{term.ID}
		for _, lang := range TaxonomyLanguages {
			all = append(all, term.Labels[lang])
			all = append(all, term.Synonyms[lang]...)
		}
		for _, name := range all {
			key := taxKey(name)
			if other, ok := names[key]; ok && other != term.ID {
				bad(i, "synonyms", "%q also names %q", name, other)
				continue
			}
			names[key] = term.ID
		}
	}
	for f, names := range t.names {
		for key, id := range names {
			sing := taxSingular(key)
			if other, ok := t.plurals[f][sing]; ok && other != id {
				t.plurals[f][sing] = ""
			} else {
				t.plurals[f][sing] = id
			}
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("parse taxonomy: %w", errors.Join(errs...))
	}
	t.matcher = newTaxMatcher(terms)
	return t, nil
}

func isTaxonomyLanguage(lang string) bool {
	for _, l := range TaxonomyLanguages {
		if l == lang {
			return true
		}
	}
	return false
}

func sortedKeysOf(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Terms returns every term in file order (copies: changing them changes nothing).
func (t *Taxonomy) Terms() []Term {
	out := make([]Term, len(t.terms))
	for i, term := range t.terms {
		out[i] = term.clone()
	}
	return out
}

// Term returns the term with this id.
func (t *Taxonomy) Term(id string) (Term, bool) {
	i, ok := t.index[id]
	if !ok {
		return Term{}, false
	}
	return t.terms[i].clone(), true
}

// Facet returns the terms of facet f in file order.
func (t *Taxonomy) Facet(f Facet) []Term {
	var out []Term
	for _, term := range t.terms {
		if term.Facet == f {
			out = append(out, term.clone())
		}
	}
	return out
}

// IDs returns the ids of the terms of facet f in file order.
func (t *Taxonomy) IDs(f Facet) []string {
	var out []string
	for _, term := range t.terms {
		if term.Facet == f {
			out = append(out, term.ID)
		}
	}
	return out
}

// Descendants returns id itself followed by all the terms below it (depth first, in
// file order): the ids a filter on id must accept. It is nil for an unknown id.
func (t *Taxonomy) Descendants(id string) []string {
	if _, ok := t.index[id]; !ok {
		return nil
	}
	out := []string{id}
	for _, child := range t.children[id] {
		out = append(out, t.Descendants(child)...)
	}
	return out
}

// Ancestors returns the parent of id, its parent's parent and so on up to the root
// (id itself excluded); nil for a root or an unknown id.
func (t *Taxonomy) Ancestors(id string) []string {
	var out []string
	for i, ok := t.index[id]; ok && t.terms[i].Parent != ""; i, ok = t.index[t.terms[i].Parent] {
		out = append(out, t.terms[i].Parent)
	}
	return out
}

// isAncestor reports whether a is a strict ancestor of b.
func (t *Taxonomy) isAncestor(a, b string) bool {
	for _, id := range t.Ancestors(b) {
		if id == a {
			return true
		}
	}
	return false
}

// Label returns the label of id in lang ("fr", "nl-BE"…), else its English label,
// else id itself.
func (t *Taxonomy) Label(id, lang string) string {
	i, ok := t.index[id]
	if !ok {
		return id
	}
	lang = strings.ToLower(lang)
	if len(lang) > 2 {
		lang = lang[:2]
	}
	if l := t.terms[i].Labels[lang]; l != "" {
		return l
	}
	if l := t.terms[i].Labels["en"]; l != "" {
		return l
	}
	return id
}

// Lookup returns the id of facet f that name denotes: an id, a label or a synonym in
// any language, compared folded ("Groupe de Parole", "groupes de parole" and
// "discussion-group" all give "discussion-group"). A plural is tried as its singular.
func (t *Taxonomy) Lookup(f Facet, name string) (string, bool) {
	key := taxKey(name)
	if key == "" {
		return "", false
	}
	if id, ok := t.names[f][key]; ok {
		return id, true
	}
	if id := t.plurals[f][taxSingular(key)]; id != "" {
		return id, true
	}
	return "", false
}

// mostSpecific drops from ids every id that is an ancestor of another, and orders
// the rest as the taxonomy file does.
func (t *Taxonomy) mostSpecific(ids []string) []string {
	keep := map[string]bool{}
	for _, id := range ids {
		keep[id] = true
	}
	for _, id := range ids {
		for _, a := range t.Ancestors(id) {
			delete(keep, a)
		}
	}
	out := make([]string, 0, len(keep))
	for id := range keep {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return t.index[out[i]] < t.index[out[j]] })
	return out
}

func (term Term) clone() Term {
	c := term
	c.Labels = make(map[string]string, len(term.Labels))
	for k, v := range term.Labels {
		c.Labels[k] = v
	}
	c.Synonyms = cloneLists(term.Synonyms)
	c.Rules = cloneLists(term.Rules)
	c.Exclude = cloneLists(term.Exclude)
	return c
}

func cloneLists(m map[string][]string) map[string][]string {
	if m == nil {
		return nil
	}
	c := make(map[string][]string, len(m))
	for k, v := range m {
		c[k] = append([]string(nil), v...)
	}
	return c
}

// taxWords folds s for matching and splits it into words: lower case, diacritics
// removed, ligatures expanded (œ → oe, ß → ss), anything but letters and digits a
// separator (so hyphens, apostrophes of any kind and "·" split words).
func taxWords(s string) []string {
	return strings.FieldsFunc(foldText(s), func(c rune) bool { return !unicode.IsLetter(c) && !unicode.IsDigit(c) })
}

// taxKey is the lookup key of a name: its folded words joined by single spaces.
func taxKey(s string) string { return strings.Join(taxWords(s), " ") }

// taxSingular strips a plural "s" or "x" from each word of a key longer than three
// letters ("groupes de parole" → "groupe de parole").
func taxSingular(key string) string {
	words := strings.Fields(key)
	for i, w := range words {
		if len(w) > 3 && (strings.HasSuffix(w, "s") || strings.HasSuffix(w, "x")) {
			words[i] = w[:len(w)-1]
		}
	}
	return strings.Join(words, " ")
}
