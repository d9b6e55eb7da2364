package record

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestDefaultTaxonomyValid parses the embedded file (ParseTaxonomy checks ids,
// parents, cycles, labels and every phrase) and checks what other code relies on.
func TestDefaultTaxonomyValid(t *testing.T) {
	tax, err := ParseTaxonomy(taxonomyJSON)
	if err != nil {
		t.Fatalf("ParseTaxonomy(taxonomy.json): %v", err)
	}
	counts := map[Facet]int{}
	for _, term := range tax.Terms() {
		counts[term.Facet]++
		for _, lang := range TaxonomyLanguages {
			if term.Labels[lang] == "" {
				t.Errorf("%s: no %s label", term.ID, lang)
			}
		}
		if term.Parent == "" && len(term.Rules) == 0 && len(tax.Descendants(term.ID)) == 1 && term.ID != "mixed" && term.ID != "lived-experience" {
			t.Errorf("%s: a leaf without rules is never assigned from text", term.ID)
		}
	}
	t.Logf("terms per facet: %v", counts)
	for _, f := range Facets {
		if counts[f] == 0 {
			t.Errorf("facet %s has no terms", f)
		}
	}
	// Ids that code, docs and source definitions use.
	required := map[Facet][]string{
		FacetKind: {"therapy-group", "support-group", "discussion-group", "peer-circle", "psychoeducation",
			"workshop", "art-therapy", "psychodrama", "retreat", "personal-development",
			"intervision", "clinical-supervision", "practice-analysis", "balint-group",
			"webinar", "conference", "training"},
		FacetAudience: {"adults", "young-people", "children", "relatives", "professionals", "older-people",
			"precarity", "exiles", "lgbtqia", "parents", "women", "men"},
		FacetTopic: {"anxiety", "depression", "grief", "addiction", "psychosis", "bipolar-disorder", "trauma",
			"burnout", "eating-disorders", "suicide-prevention", "loneliness", "chronic-illness",
			"social-exclusion", "exile", "perinatal"},
		FacetFacilitation: {"professional", "peer", "mixed"},
		FacetAttendance:   {"in-person", "online", "hybrid"},
	}
	for f, ids := range required {
		for _, id := range ids {
			if term, ok := tax.Term(id); !ok || term.Facet != f {
				t.Errorf("%s %q missing", f, id)
			}
		}
	}
	if !slices.Equal(Kinds, tax.IDs(FacetKind)) || !slices.Equal(Topics, tax.IDs(FacetTopic)) {
		t.Error("Kinds or Topics are not the taxonomy's")
	}
	for _, id := range []string{"webinar", "conference", "training"} {
		if term, _ := tax.Term(id); !term.Dated || term.Priority == 0 {
			t.Errorf("%s: want dated, with a priority", id)
		}
	}
}

func TestParseTaxonomyErrors(t *testing.T) {
	labels := `"labels":{"fr":"a","nl":"a","de":"a","en":"a"}`
	tests := []struct {
		name, data string
		want       []string // substrings of the error
	}{
		{"not json", `{`, []string{"parse taxonomy"}},
		{"empty", `[]`, []string{"no terms"}},
		{"unknown field", `[{"id":"a","facet":"kind",` + labels + `,"colour":"red"}]`, []string{"unknown field"}},
		{"duplicate id", `[{"id":"a","facet":"kind",` + labels + `},{"id":"a","facet":"kind",` + labels + `}]`,
			[]string{`term "a": id: duplicate`}},
		{"bad id", `[{"id":"Groupe de parole","facet":"kind",` + labels + `}]`, []string{`term "Groupe de parole": id:`}},
		{"no id", `[{"facet":"kind",` + labels + `}]`, []string{`term #0: id: empty`}},
		{"unknown facet", `[{"id":"a","facet":"colour",` + labels + `}]`, []string{`term "a": facet:`}},
		{"unknown parent", `[{"id":"a","facet":"kind","parent":"b",` + labels + `}]`, []string{`term "a": parent: unknown term "b"`}},
		{"parent of another facet", `[{"id":"a","facet":"kind",` + labels + `},{"id":"b","facet":"topic","parent":"a",` + labels + `}]`,
			[]string{`term "b": parent: "a" is a kind, not a topic`}},
		{"own parent", `[{"id":"a","facet":"kind","parent":"a",` + labels + `}]`, []string{`term "a": parent: is the term itself`}},
		{"cycle", `[{"id":"a","facet":"kind","parent":"c",` + labels + `},{"id":"b","facet":"kind","parent":"a",` + labels + `},{"id":"c","facet":"kind","parent":"b",` + labels + `}]`,
			[]string{`term "a": parent: cycle`, `term "b": parent: cycle`}},
		{"missing label", `[{"id":"a","facet":"kind","labels":{"fr":"a","nl":"a","en":"a"}}]`, []string{`term "a": labels.de: missing`}},
		{"blank label", `[{"id":"a","facet":"kind","labels":{"fr":"a","nl":" ","de":"a","en":"a"}}]`, []string{`term "a": labels.nl: missing`}},
		{"unknown language", `[{"id":"a","facet":"kind",` + labels + `,"rules":{"es":["grupo"]}}]`, []string{`term "a": rules.es: unknown language`}},
		{"rule folds to nothing", `[{"id":"a","facet":"kind",` + labels + `,"rules":{"fr":["groupe","« — »"]}}]`, []string{`term "a": rules.fr[1]:`, "folds to nothing"}},
		{"wildcard inside", `[{"id":"a","facet":"kind",` + labels + `,"rules":{"fr":["groupe*de parole"]}}]`, []string{`term "a": rules.fr[0]:`, "may only start or end"}},
		{"short wildcard", `[{"id":"a","facet":"kind",` + labels + `,"exclude":{"nl":["ab*"]}}]`, []string{`term "a": exclude.nl[0]:`, "three letters"}},
		{"phrase twice", `[{"id":"a","facet":"kind",` + labels + `,"rules":{"fr":["Balint*"],"en":["balint*"]}}]`, []string{`term "a": rules.fr[0]:`, "repeats rules.en[0]"}},
		{"synonym folds to nothing", `[{"id":"a","facet":"kind",` + labels + `,"synonyms":{"fr":["…"]}}]`, []string{`term "a": synonyms.fr[0]:`}},
		{"name of two terms", `[{"id":"a","facet":"kind",` + labels + `},{"id":"b","facet":"kind","labels":{"fr":"b","nl":"b","de":"b","en":"b"},"synonyms":{"fr":["A"]}}]`,
			[]string{`term "b": synonyms: "A" also names "a"`}},
		{"dated topic", `[{"id":"a","facet":"topic",` + labels + `,"dated":true}]`, []string{`term "a": dated:`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseTaxonomy([]byte(tt.data))
			if err == nil {
				t.Fatalf("ParseTaxonomy(%s) = nil error, want %q", tt.data, tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("ParseTaxonomy(%s) = %v, want it to contain %q", tt.data, err, w)
				}
			}
		})
	}
	_, err := ParseTaxonomy([]byte(`[{"id":"a","facet":"kind","parent":"b",` + labels + `}]`))
	var te *TermError
	if !errors.As(err, &te) || te.ID != `"a"` || te.Field != "parent" {
		t.Errorf("ParseTaxonomy: error %v is not a *TermError naming term a and field parent", err)
	}
	if tax, err := ParseTaxonomy([]byte(`[{"id":"a","facet":"kind",` + labels + `,"rules":{"fr":["groupe"]}}]`)); err != nil || len(tax.Terms()) != 1 {
		t.Errorf("ParseTaxonomy(one term) = %v, %v", tax, err)
	}
}

func TestDescendantsAndAncestors(t *testing.T) {
	tax := DefaultTaxonomy()
	tests := []struct {
		id          string
		descendants []string
		ancestors   []string
	}{
		{"professional-group", []string{"professional-group", "intervision", "clinical-supervision", "practice-analysis", "balint-group"}, nil},
		{"therapy-group", []string{"therapy-group", "creative-therapy", "art-therapy", "psychodrama"}, nil},
		{"art-therapy", []string{"art-therapy"}, []string{"creative-therapy", "therapy-group"}},
		{"support-group", []string{"support-group", "discussion-group", "peer-circle"}, nil},
		{"event", []string{"event", "webinar", "conference"}, nil},
		{"writing-workshop", []string{"writing-workshop"}, []string{"workshop"}},
		{"relatives", []string{"relatives", "bereaved"}, nil},
		{"adults", []string{"adults", "older-people"}, nil},
		{"mood-disorders", []string{"mood-disorders", "depression", "bipolar-disorder"}, nil},
		{"addiction", []string{"addiction", "alcohol", "gambling"}, nil},
		{"social-exclusion", []string{"social-exclusion", "homelessness"}, nil},
		{"burnout", []string{"burnout"}, []string{"stress"}},
		{"no-such-term", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			if got := tax.Descendants(tt.id); !slices.Equal(got, tt.descendants) {
				t.Errorf("Descendants(%q) = %v, want %v", tt.id, got, tt.descendants)
			}
			if got := tax.Ancestors(tt.id); !slices.Equal(got, tt.ancestors) {
				t.Errorf("Ancestors(%q) = %v, want %v", tt.id, got, tt.ancestors)
			}
		})
	}
	// Filtering by a parent includes its children: every term is among the
	// descendants of each of its ancestors.
	for _, term := range tax.Terms() {
		for _, a := range tax.Ancestors(term.ID) {
			if !slices.Contains(tax.Descendants(a), term.ID) {
				t.Errorf("%s is not among the descendants of its ancestor %s", term.ID, a)
			}
		}
	}
}

func TestLookup(t *testing.T) {
	tax := DefaultTaxonomy()
	tests := []struct {
		facet Facet
		name  string
		want  string
	}{
		{FacetKind, "discussion-group", "discussion-group"},
		{FacetKind, "Groupe de parole", "discussion-group"},
		{FacetKind, "  GROUPES DE PAROLE ", "discussion-group"},
		{FacetKind, "Praatgroep", "discussion-group"},
		{FacetKind, "Gesprächsgruppe", "discussion-group"},
		{FacetKind, "gesprachsgruppe", "discussion-group"},
		{FacetKind, "Discussion group", "discussion-group"},
		{FacetKind, "Psychoéducation", "psychoeducation"},
		{FacetKind, "psycho-educatie", "psychoeducation"},
		{FacetKind, "Art-thérapie", "art-therapy"},
		{FacetKind, "art therapie", "art-therapy"},
		{FacetKind, "Kunsttherapie", "art-therapy"},
		{FacetKind, "Atelier d’écriture", "writing-workshop"},
		{FacetKind, "Schrijfatelier", "writing-workshop"},
		{FacetKind, "Intervisions", "intervision"},
		{FacetKind, "Intervisie", "intervision"},
		{FacetKind, "Supervisie", "clinical-supervision"},
		{FacetKind, "Analyse des pratiques", "practice-analysis"},
		{FacetKind, "Balintgroep", "balint-group"},
		{FacetKind, "Groupe Balint", "balint-group"},
		{FacetKind, "Lotgenotengroep", "peer-circle"},
		{FacetKind, "Cercle de soutien", "peer-circle"},
		{FacetKind, "Pair-aidance", "peer-circle"},
		{FacetKind, "Zelfhulpgroep", "support-group"},
		{FacetKind, "Selbsthilfegruppe", "support-group"},
		{FacetKind, "Webinaire", "webinar"},
		{FacetKind, "Colloque", "conference"},
		{FacetKind, "Fortbildung", "training"},
		{FacetAudience, "Proches", "relatives"},
		{FacetAudience, "naasten", "relatives"},
		{FacetAudience, "Angehörige", "relatives"},
		{FacetAudience, "nabestaanden", "bereaved"},
		{FacetAudience, "Personnes âgées", "older-people"},
		{FacetAudience, "personnes agees", "older-people"},
		{FacetAudience, "huisartsen", "professionals"},
		{FacetAudience, "personnes concernées", "lived-experience"},
		{FacetAudience, "LGBTQIA+", "lgbtqia"},
		{FacetTopic, "Deuil", "grief"},
		{FacetTopic, "rouw", "grief"},
		{FacetTopic, "Trauer", "grief"},
		{FacetTopic, "Assuétudes", "addiction"},
		{FacetTopic, "Trouble bipolaire", "bipolar-disorder"},
		{FacetFacilitation, "Peer-led", "peer"},
		{FacetAttendance, "En présentiel", "in-person"},
		{FacetKind, "Deuil", ""},     // a topic, not a kind
		{FacetKind, "groupe", ""},    // too vague
		{FacetKind, "", ""},          // nothing
		{FacetTopic, "— · —", ""},    // folds to nothing
		{FacetAudience, "teams", ""}, // a rule phrase, not a name
	}
	for _, tt := range tests {
		got, ok := tax.Lookup(tt.facet, tt.name)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("Lookup(%s, %q) = %q, %v; want %q", tt.facet, tt.name, got, ok, tt.want)
		}
	}
	for _, term := range tax.Terms() { // every id and label finds its term
		names := []string{term.ID}
		for _, l := range term.Labels {
			names = append(names, l)
		}
		for _, n := range names {
			if got, _ := tax.Lookup(term.Facet, n); got != term.ID {
				t.Errorf("Lookup(%s, %q) = %q, want %q", term.Facet, n, got, term.ID)
			}
		}
	}
	if KindID("Groupe de parole") != "discussion-group" || KindID("intervision") != "intervision" || KindID("nope") != "" {
		t.Error("KindID does not resolve through the taxonomy")
	}
}

func TestLabel(t *testing.T) {
	tax := DefaultTaxonomy()
	tests := []struct{ id, lang, want string }{
		{"discussion-group", "fr", "Groupe de parole"},
		{"discussion-group", "nl-BE", "Praatgroep"},
		{"discussion-group", "DE", "Gesprächsgruppe"},
		{"discussion-group", "es", "Discussion group"},
		{"no-such-term", "fr", "no-such-term"},
	}
	for _, tt := range tests {
		if got := tax.Label(tt.id, tt.lang); got != tt.want {
			t.Errorf("Label(%q, %q) = %q, want %q", tt.id, tt.lang, got, tt.want)
		}
	}
}

func TestTermsAreCopies(t *testing.T) {
	tax := DefaultTaxonomy()
	terms := tax.Terms()
	terms[0].Labels["fr"] = "changed"
	terms[0].Rules["fr"][0] = "changed"
	term, _ := tax.Term(terms[0].ID)
	if term.Labels["fr"] == "changed" || term.Rules["fr"][0] == "changed" {
		t.Error("changing a term returned by Terms changed the taxonomy")
	}
}
