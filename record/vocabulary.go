package record

import (
	"strings"
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
	return strings.Join(strings.Fields(strings.ReplaceAll(foldText(s), "’", "'")), " ")
}
