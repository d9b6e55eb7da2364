package api

import (
	"net/http"
	"slices"
	"time"

	"github.com/ensemble-be/ensemble/record"
)

// handleCatalog serves GET /api/v1/catalog.jsonld: a DCAT-AP description of the
// dataset and its distributions (the dumps, the export, the change feed), so that
// open-data portals can harvest it.
func (s *Server) handleCatalog(w http.ResponseWriter, r *http.Request) {
	list, err := s.store.Sources(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var licences []map[string]string
	var sourcePages []map[string]string
	seen := map[string]bool{}
	for _, reg := range list {
		d := reg.Definition
		if d.Disabled || !record.IsOpenLicense(d.License) {
			continue // not in the open files
		}
		sourcePages = append(sourcePages, map[string]string{"@id": d.URL})
		if !seen[d.License] {
			seen[d.License] = true
			licences = append(licences, map[string]string{"@id": "https://spdx.org/licenses/" + d.License})
		}
	}
	slices.SortFunc(licences, func(a, b map[string]string) int { return compareStrings(a["@id"], b["@id"]) })

	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	base := scheme + "://" + r.Host + "/api/v1"
	distribution := func(path, title, mediaType, format string) map[string]any {
		return map[string]any{
			"@type": "dcat:Distribution", "dct:title": title,
			"dcat:accessURL": map[string]string{"@id": base + path}, "dcat:downloadURL": map[string]string{"@id": base + path},
			"dcat:mediaType": map[string]string{"@id": "https://www.iana.org/assignments/media-types/" + mediaType},
			"dct:format":     map[string]string{"@id": "http://publications.europa.eu/resource/authority/file-type/" + format},
			"dct:license":    licences,
		}
	}
	doc := map[string]any{
		"@context": map[string]string{
			"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/", "foaf": "http://xmlns.com/foaf/0.1/",
		},
		"@type":         "dcat:Catalog",
		"@id":           base + "/catalog.jsonld",
		"dct:title":     "Ensemble",
		"dct:publisher": map[string]any{"@type": "foaf:Agent", "foaf:name": "Ensemble"},
		"dcat:dataset": map[string]any{
			"@type": "dcat:Dataset",
			"@id":   base + "/catalog.jsonld#dataset",
			"dct:title": []map[string]string{
				{"@value": "Groupes en santé mentale en Belgique", "@language": "fr"},
				{"@value": "Groepen in de geestelijke gezondheidszorg in België", "@language": "nl"},
				{"@value": "Mental-health group offerings in Belgium", "@language": "en"},
			},
			"dct:description": []map[string]string{
				{"@value": "Groupes de parole, groupes thérapeutiques, cercles de pairs, intervisions, ateliers et webinaires en santé mentale, rassemblés depuis les réseaux partenaires.", "@language": "fr"},
				{"@value": "Mental-health support groups, therapy groups, peer circles, intervision groups, workshops and webinars, gathered from partner networks.", "@language": "en"},
			},
			"dcat:keyword": []string{"santé mentale", "groupe de parole", "geestelijke gezondheid", "praatgroep", "mental health", "support group"},
			"dcat:theme":   map[string]string{"@id": "http://publications.europa.eu/resource/authority/data-theme/HEAL"},
			"dct:spatial":  map[string]string{"@id": "http://publications.europa.eu/resource/authority/country/BEL"},
			"dct:modified": time.Now().UTC().Format(time.DateOnly),
			"dct:source":   sourcePages,
			"dcat:distribution": []map[string]any{
				distribution("/dump.jsonl", "All records (JSON Lines)", "application/x-ndjson", "JSON"),
				distribution("/dump.csv", "All records (CSV)", "text/csv", "CSV"),
				distribution("/export?format=csv", "Every match of a search (CSV)", "text/csv", "CSV"),
				distribution("/changes?after=0", "Change feed for mirrors (RPDE-style JSON)", "application/json", "JSON"),
			},
		},
	}
	w.Header().Set("Content-Type", "application/ld+json")
	writeJSON(w, doc)
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
