package api

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ensemble-be/ensemble/record"
)

// Paging limits. Deeper access is what the dumps and exports are for.
const (
	defaultPerPage = 20
	maxPerPage     = 100
	maxDepth       = 10000 // page × per_page
	maxQueryBytes  = 500
)

// SearchResponse is the body of GET /api/v1/search.
type SearchResponse struct {
	Total   uint64            `json:"total"`
	Page    int               `json:"page"`
	PerPage int               `json:"per_page"`
	Pages   uint64            `json:"pages"`
	Results []record.Record   `json:"results"`
	Links   map[string]string `json:"links"`
	Crisis  Crisis            `json:"crisis"`
}

// handleSearch serves GET /api/v1/search?q=&kind=&audience=&topic=&attendance=&region=
// &postcode=&flag=&no_flag=&status=&source=&language=&page=&per_page=.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	q, err := parseSearch(r.URL.Query())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.searcher.Search(r.Context(), q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	recs, err := s.store.Records(r.Context(), res.IDs)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	for i := range recs {
		recs[i] = recs[i].Public()
	}
	resp := SearchResponse{
		Total: res.Total, Page: q.Page, PerPage: q.PerPage,
		Pages:   (res.Total + uint64(q.PerPage) - 1) / uint64(q.PerPage),
		Results: recs, Links: map[string]string{}, Crisis: crisisByLang[requestLanguage(r)],
	}
	link := func(page int) string {
		v := r.URL.Query()
		v.Set("page", strconv.Itoa(page))
		return r.URL.Path + "?" + v.Encode()
	}
	if uint64(q.Page) < resp.Pages && (q.Page+1)*q.PerPage <= maxDepth {
		resp.Links["next"] = link(q.Page + 1)
	}
	if q.Page > 1 {
		resp.Links["prev"] = link(q.Page - 1)
	}
	writeJSON(w, resp)
}

// parseSearch reads and checks the search parameters; an error names the parameter.
func parseSearch(v url.Values) (SearchQuery, error) {
	known := []string{"q", "kind", "audience", "topic", "attendance", "region", "postcode", "flag", "no_flag",
		"status", "source", "language", "page", "per_page", "lang"}
	for name := range v {
		if !slices.Contains(known, name) && name != "format" {
			return SearchQuery{}, badParam(name, "unknown parameter (known: %s)", strings.Join(known, ", "))
		}
	}
	q := SearchQuery{Text: strings.TrimSpace(v.Get("q")), Page: 1, PerPage: defaultPerPage, Language: v.Get("language")}
	if len(q.Text) > maxQueryBytes {
		return q, badParam("q", "longer than %d bytes", maxQueryBytes)
	}
	var err error
	if q.Page, err = intParam(v, "page", 1, 1, maxDepth); err != nil {
		return q, err
	}
	if q.PerPage, err = intParam(v, "per_page", defaultPerPage, 1, maxPerPage); err != nil {
		return q, err
	}
	if q.Page*q.PerPage > maxDepth {
		return q, badParam("page", "deeper than %d results: use /api/v1/export (every match) or the dumps", maxDepth)
	}
	tax := record.DefaultTaxonomy()
	for _, f := range []struct {
		param string
		facet record.Facet
		dest  *[]string
	}{
		{"kind", record.FacetKind, &q.Kinds},
		{"audience", record.FacetAudience, &q.Audiences},
		{"topic", record.FacetTopic, &q.Topics},
		{"attendance", record.FacetAttendance, &q.Attendance},
	} {
		for _, name := range listParam(v, f.param) {
			id, ok := tax.Lookup(f.facet, name)
			if !ok {
				return q, badParam(f.param, "%q is not a %s (see /api/v1/taxonomy; known: %s)", name, f.facet,
					strings.Join(tax.IDs(f.facet), ", "))
			}
			// A parent term finds its children too: "professional-group" finds intervisions.
			for _, d := range tax.Descendants(id) {
				if !slices.Contains(*f.dest, d) {
					*f.dest = append(*f.dest, d)
				}
			}
		}
	}
	for _, r := range listParam(v, "region") {
		region, ok := regionNames[record.Fold(r)]
		if !ok {
			return q, badParam("region", "%q is not one of Brussels, Flanders, Wallonia", r)
		}
		q.Regions = append(q.Regions, region)
	}
	for _, pc := range listParam(v, "postcode") {
		if n, err := strconv.Atoi(pc); err != nil || n < 1000 || n > 9999 {
			return q, badParam("postcode", "%q is not a Belgian postcode (4 digits)", pc)
		}
		q.Postcodes = append(q.Postcodes, pc)
	}
	q.Flags, q.NoFlags = listParam(v, "flag"), listParam(v, "no_flag")
	for _, st := range listParam(v, "status") {
		if !record.Status(st).Valid() {
			return q, badParam("status", "%q is not one of active, withdrawn, past, stale", st)
		}
		q.Statuses = append(q.Statuses, st)
	}
	q.Sources = listParam(v, "source")
	return q, nil
}

// regionNames maps the names people use for the regions, folded, to the region ids.
var regionNames = map[string]string{
	"brussels": "Brussels", "bruxelles": "Brussels", "brussel": "Brussels",
	"flanders": "Flanders", "vlaanderen": "Flanders", "flandre": "Flanders", "flandern": "Flanders",
	"wallonia": "Wallonia", "wallonie": "Wallonia", "wallonien": "Wallonia",
}

func intParam(v url.Values, name string, def, lo, hi int) (int, error) {
	s := v.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, badParam(name, "%q is not a whole number", s)
	}
	if n < lo || n > hi {
		return 0, badParam(name, "must be between %d and %d", lo, hi)
	}
	return n, nil
}

// listParam reads a parameter given repeated (kind=a&kind=b) or comma-separated.
func listParam(v url.Values, name string) []string {
	var out []string
	for _, value := range v[name] {
		for _, part := range strings.Split(value, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}
