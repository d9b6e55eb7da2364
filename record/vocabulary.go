package record

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// The vocabularies of the record fields that take taxonomy ids, in taxonomy file
// order. They come from the embedded taxonomy (taxonomy.json), which also has the
// hierarchy, the labels in four languages and the classifier rules.
var (
	// Kinds are the ids of the kinds of group (Record.Kind).
	Kinds = defaultTaxonomy.IDs(FacetKind)
	// Audiences are the ids of the audiences (Record.Audiences).
	Audiences = defaultTaxonomy.IDs(FacetAudience)
	// Topics are the ids of the topics (Record.Topics).
	Topics = defaultTaxonomy.IDs(FacetTopic)
	// Facilitations are the ids of who leads a group (Record.Facilitation).
	Facilitations = defaultTaxonomy.IDs(FacetFacilitation)
	// Attendances are the ids of how a group meets (Record.Attendance).
	Attendances = defaultTaxonomy.IDs(FacetAttendance)
)

// KindID returns the kind id a name or id denotes in any of the four languages
// ("Groupe de parole" → "discussion-group", "Praatgroep" → "discussion-group"), or ""
// when it denotes none.
func KindID(name string) string {
	id, _ := defaultTaxonomy.Lookup(FacetKind, name)
	return id
}

// Fold lower-cases s, removes diacritics and collapses spaces, for matching names.
func Fold(s string) string {
	var b strings.Builder
	for _, c := range norm.NFD.String(strings.ToLower(strings.TrimSpace(s))) {
		if unicode.Is(unicode.Mn, c) {
			continue
		}
		if c == '’' {
			c = '\''
		}
		b.WriteRune(c)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
