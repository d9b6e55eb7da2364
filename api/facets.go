package api

import (
	"net/http"

	"github.com/ensemble-be/ensemble/record"
)

// facetLabels gives each facet value its label in lang: taxonomy terms by the
// taxonomy's labels, places, languages, weekdays and cost buckets by the tables
// below, sources by their names; flag codes are their own label (docs/flags.md).
func (s *Server) facetLabels(r *http.Request, facets map[string][]FacetCount, lang string) map[string][]FacetValue {
	tax := record.DefaultTaxonomy()
	var sourceNames map[string]string
	if len(facets["source"]) > 0 {
		sourceNames = map[string]string{}
		if regs, err := s.store.Sources(r.Context()); err == nil {
			for _, reg := range regs {
				sourceNames[reg.Definition.ID] = reg.Definition.Name
			}
		}
	}
	out := make(map[string][]FacetValue, len(facets))
	for dim, counts := range facets {
		values := make([]FacetValue, 0, len(counts))
		for _, c := range counts {
			label := ""
			switch dim {
			case "kind", "audience", "topic", "facilitation", "attendance":
				label = tax.Label(c.Value, lang)
			case "source":
				label = sourceNames[c.Value]
			case "province":
				label = provinceLabel(c.Value, lang)
			default:
				label = fixedLabels[dim+":"+c.Value][langIndex(lang)]
			}
			if label == "" {
				label = c.Value
			}
			values = append(values, FacetValue{Value: c.Value, Label: label, Count: c.Count})
		}
		out[dim] = values
	}
	return out
}

// langIndex is the column of lang in fixedLabels.
func langIndex(lang string) int {
	switch lang {
	case "nl":
		return 1
	case "de":
		return 2
	case "en":
		return 3
	}
	return 0
}

func provinceLabel(id, lang string) string {
	for _, p := range provinces {
		if p.id == id {
			return [4]string{p.fr, p.nl, p.de, p.en}[langIndex(lang)]
		}
	}
	return id
}

// fixedLabels are the labels of the small fixed vocabularies, in fr, nl, de, en.
var fixedLabels = map[string][4]string{
	"language:fr":     {"français", "Frans", "Französisch", "French"},
	"language:nl":     {"néerlandais", "Nederlands", "Niederländisch", "Dutch"},
	"language:de":     {"allemand", "Duits", "Deutsch", "German"},
	"language:en":     {"anglais", "Engels", "Englisch", "English"},
	"region:Brussels": {"Bruxelles", "Brussel", "Brüssel", "Brussels"},
	"region:Flanders": {"Flandre", "Vlaanderen", "Flandern", "Flanders"},
	"region:Wallonia": {"Wallonie", "Wallonië", "Wallonien", "Wallonia"},
	"cost:free":       {"gratuit", "gratis", "kostenlos", "free"},
	"cost:paid":       {"payant", "betalend", "kostenpflichtig", "paid"},
	"cost:unknown":    {"prix non précisé", "prijs niet vermeld", "Preis nicht angegeben", "price not given"},
	"weekday:mon":     {"lundi", "maandag", "Montag", "Monday"},
	"weekday:tue":     {"mardi", "dinsdag", "Dienstag", "Tuesday"},
	"weekday:wed":     {"mercredi", "woensdag", "Mittwoch", "Wednesday"},
	"weekday:thu":     {"jeudi", "donderdag", "Donnerstag", "Thursday"},
	"weekday:fri":     {"vendredi", "vrijdag", "Freitag", "Friday"},
	"weekday:sat":     {"samedi", "zaterdag", "Samstag", "Saturday"},
	"weekday:sun":     {"dimanche", "zondag", "Sonntag", "Sunday"},
}
