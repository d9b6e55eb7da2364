package api

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ensemble-be/ensemble/opendata"
	"github.com/ensemble-be/ensemble/record"
)

// The Open Referral HSDS 3.0 API under /hsds/: the records as HSDS services (mapped by
// opendata.HSDSServiceOf, as the HSDS tabular package in the dumps), the organizations
// they name, and the taxonomy as HSDS taxonomies and terms. Like the dumps, it carries
// only records under an open licence: an HSDS API is made to be mirrored.

// hsdsDefaultRadiusKm is the radius of a proximity search that gives none.
const hsdsDefaultRadiusKm = 10

// HSDSPage is the HSDS paging envelope of every list.
type HSDSPage[T any] struct {
	TotalItems uint64 `json:"total_items"`
	TotalPages uint64 `json:"total_pages"`
	PageNumber int    `json:"page_number"`
	Size       int    `json:"size"`
	FirstPage  bool   `json:"first_page"`
	LastPage   bool   `json:"last_page"`
	Empty      bool   `json:"empty"`
	Contents   []T    `json:"contents"`
}

func newHSDSPage[T any](contents []T, total uint64, page, perPage int) HSDSPage[T] {
	if contents == nil {
		contents = []T{}
	}
	pages := (total + uint64(perPage) - 1) / uint64(perPage)
	return HSDSPage[T]{
		TotalItems: total, TotalPages: pages, PageNumber: page, Size: len(contents),
		FirstPage: page == 1, LastPage: uint64(page) >= pages, Empty: len(contents) == 0, Contents: contents,
	}
}

// pageOf pages a list held in memory.
func pageOf[T any](all []T, page, perPage int) HSDSPage[T] {
	from := min((page-1)*perPage, len(all))
	return newHSDSPage(all[from:min(from+perPage, len(all))], uint64(len(all)), page, perPage)
}

// handleHSDSRoot serves GET /hsds/: the HSDS API information object.
func (s *Server) handleHSDSRoot(w http.ResponseWriter, r *http.Request) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	writeJSON(w, map[string]string{
		"version":     "3.0",
		"profile":     opendata.HSDSProfile,
		"openapi_url": scheme + "://" + r.Host + "/api/v1/openapi.json",
	})
}

// hsdsListParams are the parameters every HSDS list takes.
var hsdsListParams = []string{"search", "page", "per_page"}

// parseHSDSList checks the parameter names against known (plus the list parameters)
// and reads search, page and per_page.
func parseHSDSList(v url.Values, known ...string) (text string, page, perPage int, err error) {
	known = append(slices.Clone(hsdsListParams), known...)
	for name := range v {
		if !slices.Contains(known, name) {
			return "", 0, 0, badParam(name, "unknown parameter (known: %s)", strings.Join(known, ", "))
		}
	}
	text = strings.TrimSpace(v.Get("search"))
	if len(text) > maxQueryBytes {
		return "", 0, 0, badParam("search", "longer than %d bytes", maxQueryBytes)
	}
	if page, err = intParam(v, "page", 1, 1, maxDepth); err != nil {
		return "", 0, 0, err
	}
	if perPage, err = intParam(v, "per_page", defaultPerPage, 1, maxPerPage); err != nil {
		return "", 0, 0, err
	}
	if page*perPage > maxDepth {
		return "", 0, 0, badParam("page", "deeper than %d results: use the dumps (hsds/ in /api/v1/dumps)", maxDepth)
	}
	return text, page, perPage, nil
}

// parseHSDSServices reads the parameters of GET /hsds/services into a search.
func parseHSDSServices(v url.Values) (SearchQuery, error) {
	text, page, perPage, err := parseHSDSList(v, "taxonomy_term_id", "taxonomy_id", "modified_after", "postcode", "proximity")
	if err != nil {
		return SearchQuery{}, err
	}
	q := SearchQuery{Text: text, Page: page, PerPage: perPage}
	tax := record.DefaultTaxonomy()
	dest := func(f record.Facet) *[]string {
		switch f {
		case record.FacetKind:
			return &q.Kinds
		case record.FacetAudience:
			return &q.Audiences
		case record.FacetTopic:
			return &q.Topics
		case record.FacetFacilitation:
			return &q.Facilitation
		default:
			return &q.Attendance
		}
	}
	add := func(f record.Facet, ids ...string) {
		d := dest(f)
		for _, id := range ids {
			if !slices.Contains(*d, id) {
				*d = append(*d, id)
			}
		}
	}
	for _, name := range listParam(v, "taxonomy_term_id") {
		term, ok := hsdsTerm(name)
		if !ok {
			return q, badParam("taxonomy_term_id", "%q is no taxonomy term (see /hsds/taxonomy_terms)", name)
		}
		add(term.Facet, tax.Descendants(term.ID)...) // a broader term finds its narrower ones
	}
	for _, name := range listParam(v, "taxonomy_id") {
		f, ok := hsdsFacet(name)
		if !ok {
			return q, badParam("taxonomy_id", "%q is no taxonomy (see /hsds/taxonomies)", name)
		}
		add(f, tax.IDs(f)...)
	}
	if s := v.Get("modified_after"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			if t, err = time.ParseInLocation(time.DateOnly, s, record.Brussels); err != nil {
				return q, badParam("modified_after", "%q is not an RFC 3339 date-time or a date (YYYY-MM-DD)", s)
			}
		}
		q.UpdatedAfter = t
		// A mirror syncing changes must learn of the services that became inactive.
		q.Statuses = []string{string(record.StatusActive), string(record.StatusWithdrawn), string(record.StatusPast), string(record.StatusStale)}
	}
	postcodes := listParam(v, "postcode")
	for _, pc := range postcodes {
		if !isPostcode(pc) {
			return q, badParam("postcode", "%q is not a Belgian postcode (4 digits)", pc)
		}
	}
	if p := strings.TrimSpace(v.Get("proximity")); p != "" {
		near, km, err := parseProximity(p, postcodes)
		if err != nil {
			return q, err
		}
		q.Near, q.RadiusKm = &near, km
	} else {
		q.Postcodes = postcodes
	}
	return q, nil
}

func isPostcode(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && len(s) == 4 && n >= 1000
}

// parseProximity reads proximity: "lat,lon[,km]"; "POSTCODE[,km]" (the postcode's
// centre); or, as HSDS has it, metres around the centre of the postcode parameter.
func parseProximity(p string, postcodes []string) (GeoPoint, float64, error) {
	parts := strings.Split(p, ",")
	nums := make([]float64, len(parts))
	for i, s := range parts {
		n, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return GeoPoint{}, 0, badParam("proximity", "%q is not lat,lon[,km], a postcode[,km] or metres with postcode", p)
		}
		nums[i] = n
	}
	radius := func(km float64) (float64, error) {
		if km <= 0 || km > 500 {
			return 0, badParam("proximity", "the radius must be more than 0 and at most 500 km")
		}
		return km, nil
	}
	var centre string
	km := float64(hsdsDefaultRadiusKm)
	switch {
	case len(parts) == 1 && len(postcodes) == 1: // HSDS: metres around the postcode
		centre, km = postcodes[0], nums[0]/1000
	case len(parts) == 1 && len(postcodes) > 1:
		return GeoPoint{}, 0, badParam("postcode", "proximity around a postcode takes one postcode")
	case len(parts) <= 2 && isPostcode(strings.TrimSpace(parts[0])):
		centre = strings.TrimSpace(parts[0])
		if len(parts) == 2 {
			km = nums[1]
		}
	case len(parts) == 2 || len(parts) == 3:
		if nums[0] < -90 || nums[0] > 90 || nums[1] < -180 || nums[1] > 180 {
			return GeoPoint{}, 0, badParam("proximity", "latitude or longitude out of range")
		}
		if len(parts) == 3 {
			km = nums[2]
		}
		km, err := radius(km)
		return GeoPoint{Lat: nums[0], Lon: nums[1]}, km, err
	default:
		return GeoPoint{}, 0, badParam("proximity", "%q is not lat,lon[,km], a postcode[,km] or metres with postcode", p)
	}
	point, ok := placePoint(centre)
	if !ok {
		return GeoPoint{}, 0, badParam("proximity", "postcode %s is unknown", centre)
	}
	km, err := radius(km)
	return point, km, err
}

// hsdsTerm finds a taxonomy term by its HSDS id or its Ensemble id (code).
func hsdsTerm(name string) (record.Term, bool) {
	tax := record.DefaultTaxonomy()
	if t, ok := tax.Term(name); ok {
		return t, true
	}
	for _, t := range tax.Terms() {
		if opendata.TaxonomyTermID(t.ID) == name {
			return t, true
		}
	}
	return record.Term{}, false
}

// hsdsFacet finds a taxonomy by its HSDS id or its facet name.
func hsdsFacet(name string) (record.Facet, bool) {
	for _, f := range record.Facets {
		if name == string(f) || name == opendata.TaxonomyID(f) {
			return f, true
		}
	}
	return "", false
}

// openSources restricts q to the sources under an open licence; ok is false when
// there is none (q would then match every source).
func (s *Server) openSources(r *http.Request, q *SearchQuery) (ok bool, err error) {
	regs, err := s.store.Sources(r.Context())
	if err != nil {
		return false, err
	}
	q.Sources = nil
	for _, reg := range regs {
		if record.IsOpenLicense(reg.Definition.License) {
			q.Sources = append(q.Sources, reg.Definition.ID)
		}
	}
	return len(q.Sources) > 0, nil
}

// handleHSDSServices serves GET /hsds/services?search=&taxonomy_term_id=&taxonomy_id=
// &modified_after=&postcode=&proximity=&page=&per_page=: the matching services under an
// open licence, fully nested, in the HSDS paging envelope.
func (s *Server) handleHSDSServices(w http.ResponseWriter, r *http.Request) {
	q, err := parseHSDSServices(r.URL.Query())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ok, err := s.openSources(r, &q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if !ok {
		writeJSON(w, newHSDSPage([]opendata.HSDSService{}, 0, q.Page, q.PerPage))
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
	services := make([]opendata.HSDSService, 0, len(recs))
	for _, rec := range recs {
		// The sources' licences already filtered the search; a record crawled under an
		// older licence of its source is left out here.
		if record.IsOpenLicense(rec.License) {
			services = append(services, opendata.HSDSServiceOf(rec))
		}
	}
	writeJSON(w, newHSDSPage(services, res.Total, q.Page, q.PerPage))
}

// handleHSDSService serves GET /hsds/services/{id}: one service, fully nested; 404 for
// an unknown id or a record not under an open licence.
func (s *Server) handleHSDSService(w http.ResponseWriter, r *http.Request) {
	rec, err := s.store.Record(r.Context(), pathParam(r, "id"))
	if err == nil && !record.IsOpenLicense(rec.License) {
		err = fmt.Errorf("service %s: not openly licensed: %w", rec.ID, record.ErrNotFound)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, opendata.HSDSServiceOf(rec))
}

// hsdsOrganizations gathers the organizations of the active, openly licensed records,
// each with its services (without their nested organization), sorted by name.
func (s *Server) hsdsOrganizations(r *http.Request) ([]opendata.HSDSOrganization, error) {
	q := SearchQuery{Page: 1, PerPage: maxPerPage}
	if ok, err := s.openSources(r, &q); err != nil || !ok {
		return nil, err
	}
	byID := map[string]*opendata.HSDSOrganization{}
	var orgs []*opendata.HSDSOrganization
	for rec, err := range record.OpenRecords(s.matches(r, q)) {
		if err != nil {
			return nil, err
		}
		svc := opendata.HSDSServiceOf(rec)
		org := byID[svc.OrganizationID]
		if org == nil {
			org = svc.Organization
			byID[org.ID] = org
			orgs = append(orgs, org)
		}
		if org.Website == "" {
			org.Website = svc.Organization.Website
		}
		svc.Organization = nil
		org.Services = append(org.Services, svc)
	}
	out := make([]opendata.HSDSOrganization, len(orgs))
	for i, o := range orgs {
		out[i] = *o
	}
	slices.SortFunc(out, func(a, b opendata.HSDSOrganization) int {
		return cmp.Or(strings.Compare(record.Fold(a.Name), record.Fold(b.Name)), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

// briefServices keeps the scalar fields of each service of org (HSDS: "a service array
// that contains simple information"), unless full is set.
func briefServices(org opendata.HSDSOrganization, full bool) opendata.HSDSOrganization {
	if full {
		return org
	}
	brief := make([]opendata.HSDSService, len(org.Services))
	for i, svc := range org.Services {
		brief[i] = opendata.HSDSService{ID: svc.ID, OrganizationID: svc.OrganizationID, Name: svc.Name,
			Description: svc.Description, URL: svc.URL, Email: svc.Email, Status: svc.Status,
			FeesDescription: svc.FeesDescription, Licenses: svc.Licenses, LastModified: svc.LastModified}
	}
	org.Services = brief
	return org
}

// handleHSDSOrganizations serves GET /hsds/organizations?search=&full_service=&page=
// &per_page=: the organizations of the active, openly licensed records, by name;
// search keeps those whose name contains it. Without full_service=true no services.
func (s *Server) handleHSDSOrganizations(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	text, page, perPage, err := parseHSDSList(v, "full_service")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	full, err := boolParam(v, "full_service")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	orgs, err := s.hsdsOrganizations(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	needle := record.Fold(text)
	kept := orgs[:0]
	for _, o := range orgs {
		if needle != "" && !strings.Contains(record.Fold(o.Name), needle) {
			continue
		}
		if !full {
			o.Services = nil
		}
		kept = append(kept, o)
	}
	writeJSON(w, pageOf(kept, page, perPage))
}

// handleHSDSOrganization serves GET /hsds/organizations/{id}?full_service=: one
// organization with its services, brief (their own fields) or, with
// full_service=true, fully nested.
func (s *Server) handleHSDSOrganization(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	for name := range v {
		if name != "full_service" {
			s.writeError(w, r, badParam(name, "unknown parameter (known: full_service)"))
			return
		}
	}
	full, err := boolParam(v, "full_service")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	orgs, err := s.hsdsOrganizations(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	id := pathParam(r, "id")
	for _, o := range orgs {
		if o.ID == id {
			writeJSON(w, briefServices(o, full))
			return
		}
	}
	s.writeError(w, r, fmt.Errorf("organization %s: %w", id, record.ErrNotFound))
}

// handleHSDSTaxonomies serves GET /hsds/taxonomies?search=&page=&per_page=: one taxonomy
// per facet of Ensemble's taxonomy.
func (s *Server) handleHSDSTaxonomies(w http.ResponseWriter, r *http.Request) {
	text, page, perPage, err := parseHSDSList(r.URL.Query())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	needle := record.Fold(text)
	var out []opendata.HSDSTaxonomy
	for _, f := range record.Facets {
		t := opendata.HSDSTaxonomyOf(f)
		if needle == "" || strings.Contains(record.Fold(t.Name+" "+t.Description), needle) {
			out = append(out, t)
		}
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	writeJSON(w, pageOf(out, page, perPage))
}

// handleHSDSTaxonomy serves GET /hsds/taxonomies/{id} (the HSDS id or the facet name).
func (s *Server) handleHSDSTaxonomy(w http.ResponseWriter, r *http.Request) {
	f, ok := hsdsFacet(pathParam(r, "id"))
	if !ok {
		s.writeError(w, r, fmt.Errorf("taxonomy %s: %w", pathParam(r, "id"), record.ErrNotFound))
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	writeJSON(w, opendata.HSDSTaxonomyOf(f))
}

// handleHSDSTaxonomyTerms serves GET /hsds/taxonomy_terms?search=&taxonomy_id=
// &parent_id=&top_only=&page=&per_page=: the terms in taxonomy file order; search
// matches the labels in every language and the code.
func (s *Server) handleHSDSTaxonomyTerms(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	text, page, perPage, err := parseHSDSList(v, "taxonomy_id", "parent_id", "top_only")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	topOnly, err := boolParam(v, "top_only")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var facet record.Facet
	if name := v.Get("taxonomy_id"); name != "" {
		if facet, _ = hsdsFacet(name); facet == "" {
			s.writeError(w, r, badParam("taxonomy_id", "%q is no taxonomy (see /hsds/taxonomies)", name))
			return
		}
	}
	parent := ""
	if name := v.Get("parent_id"); name != "" {
		term, ok := hsdsTerm(name)
		if !ok {
			s.writeError(w, r, badParam("parent_id", "%q is no taxonomy term", name))
			return
		}
		parent = term.ID
	}
	needle := record.Fold(text)
	var out []opendata.HSDSTaxonomyTerm
	for _, term := range record.DefaultTaxonomy().Terms() {
		t := opendata.HSDSTaxonomyTermOf(term)
		switch {
		case facet != "" && term.Facet != facet,
			parent != "" && term.Parent != parent,
			topOnly && term.Parent != "",
			needle != "" && !strings.Contains(record.Fold(t.Code+" "+t.Description), needle):
			continue
		}
		out = append(out, t)
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	writeJSON(w, pageOf(out, page, perPage))
}

// handleHSDSTaxonomyTerm serves GET /hsds/taxonomy_terms/{id} (the HSDS id or the
// Ensemble term id).
func (s *Server) handleHSDSTaxonomyTerm(w http.ResponseWriter, r *http.Request) {
	term, ok := hsdsTerm(pathParam(r, "id"))
	if !ok {
		s.writeError(w, r, fmt.Errorf("taxonomy term %s: %w", pathParam(r, "id"), record.ErrNotFound))
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	writeJSON(w, opendata.HSDSTaxonomyTermOf(term))
}
