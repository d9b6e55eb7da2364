package api

import (
	"bytes"
	"context"
	"encoding/json"
	"iter"
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ensemble-be/ensemble/opendata"
	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/sources"
)

// hsdsSchemaBase is where the HSDS schemas live; openapi.json refers to them by it.
const hsdsSchemaBase = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"

// hsdsSchemas compiles the HSDS 3.0 schemas from testdata/hsds-3.0/schema (copied with
// their licence), served at their public URLs so that openapi.json's references and the
// schemas' relative ones resolve offline. openapi.json's compiled/X.json and
// compiled/X_list.json are the fully nested forms of X.json: they are served from X.json,
// whose references the validator resolves itself. Formats (uuid, uri, email,
// date-time) are asserted.
type hsdsSchemas struct {
	c     *jsonschema.Compiler
	cache map[string]*jsonschema.Schema
}

func newHSDSSchemas(t *testing.T) *hsdsSchemas {
	t.Helper()
	dir := filepath.Join("testdata", "hsds-3.0", "schema")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	add := func(u, file string) {
		f, err := os.Open(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if err := c.AddResource(u, doc); err != nil {
			t.Fatalf("%s: %v", u, err)
		}
	}
	for _, e := range entries {
		name := e.Name()
		add(hsdsSchemaBase+name, name)
		if name != "openapi.json" {
			add(hsdsSchemaBase+"compiled/"+name, name)
		}
	}
	for _, name := range []string{"service", "organization", "service_at_location"} {
		add(hsdsSchemaBase+"compiled/"+name+"_list.json", name+".json")
	}
	return &hsdsSchemas{c: c, cache: map[string]*jsonschema.Schema{}}
}

// schema compiles the schema at loc, relative to hsdsSchemaBase.
func (h *hsdsSchemas) schema(t *testing.T, loc string) *jsonschema.Schema {
	t.Helper()
	if s, ok := h.cache[loc]; ok {
		return s
	}
	s, err := h.c.Compile(hsdsSchemaBase + loc)
	if err != nil {
		t.Fatalf("compile %s: %v", loc, err)
	}
	h.cache[loc] = s
	return s
}

// response is the location of the 200 response schema of an HSDS API path.
func response(path string) string {
	ptr := strings.ReplaceAll(strings.ReplaceAll(path, "~", "~0"), "/", "~1")
	ptr = strings.NewReplacer("{", "%7B", "}", "%7D").Replace(ptr)
	return "openapi.json#/paths/" + ptr + "/get/responses/200/content/application~1json/schema"
}

func (h *hsdsSchemas) validate(t *testing.T, loc string, body []byte) error {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s: not JSON: %v", loc, err)
	}
	return h.schema(t, loc).Validate(doc)
}

// hsdsSearcher is a fake index that honours the filters the HSDS API sets: Text
// (in the title), the taxonomy facets, Postcodes, Statuses (empty: active),
// Sources, UpdatedAfter, and Near with RadiusKm (records without coordinates are
// left out). It remembers the last query.
type hsdsSearcher struct {
	store *memStore
	last  SearchQuery
}

func (s *hsdsSearcher) match(q SearchQuery, r record.Record) bool {
	anyOf := func(want []string, have ...string) bool {
		if len(want) == 0 {
			return true
		}
		for _, h := range have {
			if slices.Contains(want, h) {
				return true
			}
		}
		return false
	}
	statuses := q.Statuses
	if len(statuses) == 0 {
		statuses = []string{string(record.StatusActive)}
	}
	if !strings.Contains(strings.ToLower(r.Title), strings.ToLower(q.Text)) || !slices.Contains(statuses, string(r.Status)) ||
		!anyOf(q.Sources, r.Source) || !anyOf(q.Kinds, r.Kind) || !anyOf(q.Audiences, r.Audiences...) ||
		!anyOf(q.Topics, r.Topics...) || !anyOf(q.Facilitation, r.Facilitation) || !anyOf(q.Attendance, r.Attendance) ||
		!anyOf(q.Postcodes, r.Location.Postcode) {
		return false
	}
	if !q.UpdatedAfter.IsZero() && !r.UpdatedAt.After(q.UpdatedAfter) {
		return false
	}
	if q.Near != nil {
		if r.Location.Lat == 0 && r.Location.Lon == 0 {
			return false
		}
		if km := haversineKm(*q.Near, GeoPoint{r.Location.Lat, r.Location.Lon}); km > q.RadiusKm {
			return false
		}
	}
	return true
}

func haversineKm(a, b GeoPoint) float64 {
	rad := math.Pi / 180
	dLat, dLon := (b.Lat-a.Lat)*rad, (b.Lon-a.Lon)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * 6371 * math.Asin(math.Sqrt(h))
}

func (s *hsdsSearcher) Search(_ context.Context, q SearchQuery) (SearchResult, error) {
	s.last = q
	var ids []string
	for _, r := range s.store.recs {
		if s.match(q, r) {
			ids = append(ids, r.ID)
		}
	}
	from := min((q.Page-1)*q.PerPage, len(ids))
	return SearchResult{Total: uint64(len(ids)), IDs: ids[from:min(from+q.PerPage, len(ids))]}, nil
}

func (s *hsdsSearcher) EachID(_ context.Context, q SearchQuery) iter.Seq2[string, error] {
	s.last = q
	return func(yield func(string, error) bool) {
		for _, r := range s.store.recs {
			if s.match(q, r) && !yield(r.ID, nil) {
				return
			}
		}
	}
}

// The HSDS test records: an open source with five records of three organizations, and a
// source under a non-commercial licence whose record must never show.
var (
	hsdsUpdated = time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC)
	hsdsRecent  = time.Date(2026, 3, 15, 8, 0, 0, 0, time.UTC)
)

func hsdsTestRecords() []record.Record {
	cet := time.FixedZone("CET", 3600)
	start := time.Date(2026, 3, 3, 19, 0, 0, 0, cet)
	summer := time.Date(2026, 6, 10, 14, 30, 0, 0, time.FixedZone("CEST", 7200))
	recs := []record.Record{
		{
			Source: "open", LocalID: "1", Status: record.StatusActive, License: "CC-BY-4.0",
			URL: "https://similes.example/groupes/1", Title: "Groupe de parole pour proches",
			Description: "Un groupe pour les proches de personnes vivant avec un trouble psychique.",
			Kind:        "discussion-group", Facilitation: "peer", Audiences: []string{"relatives"}, Topics: []string{"psychosis", "grief"},
			Attendance:   "in-person",
			Organization: record.Organization{Name: "Similes Bruxelles", URL: "https://similes.example"},
			Location: record.Location{Name: "Maison des Associations", Address: "Rue de l'Été 1", Postcode: "1050",
				City: "Ixelles", Region: "Brussels", Country: "BE", Lat: 50.83, Lon: 4.37},
			Schedule: record.Schedule{Start: &start, DurationMinutes: 120,
				RRule: "FREQ=MONTHLY;BYDAY=1TU;UNTIL=20261231T000000Z", Text: "Le premier mardi du mois, 19h–21h"},
			Contact:      record.Contact{Email: "info@similes.example", Phone: "+3225110606", Person: "Marie Dupont"},
			Registration: record.Registration{Phone: "02 511 06 06"},
			Cost:         record.Cost{Free: true, Text: "gratuit"},
			UpdatedAt:    hsdsUpdated,
		},
		{
			// Same organization, other spelling; withdrawn.
			Source: "open", LocalID: "2", Status: record.StatusWithdrawn, License: "CC-BY-4.0",
			Title: "Atelier psycho-éducatif", Organization: record.Organization{Name: "similes  bruxelles"},
			Kind:      "psychoeducation",
			Location:  record.Location{Postcode: "4000", City: "Liège", Lat: 50.63, Lon: 5.57},
			Schedule:  record.Schedule{Start: &summer, RRule: "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=WE;COUNT=6"},
			Contact:   record.Contact{Phone: "0498/46 24 02", Person: "Jan Peeters"},
			Cost:      record.Cost{Min: 5, Max: 10, Currency: "EUR", Unit: "session", Text: "5 à 10 € par séance"},
			UpdatedAt: hsdsRecent,
		},
		{
			// Online, organization from the attribution, a daily rule HSDS cannot express.
			Source: "open", LocalID: "3", Status: record.StatusActive, License: "CC-BY-4.0",
			Title: "Online lotgenotengroep", Attribution: "Te Gek!?", Attendance: "online", Kind: "peer-circle",
			Audiences: []string{"lived-experience"}, OnlineURL: "https://meet.example/x",
			Schedule: record.Schedule{RRule: "FREQ=DAILY"}, UpdatedAt: hsdsRecent,
		},
		{
			Source: "open", LocalID: "4", Status: record.StatusActive, License: "CC-BY-4.0",
			Title: "Gespreksgroep rouw", Organization: record.Organization{Name: "CGG Vagga"}, Kind: "discussion-group",
			Audiences: []string{"bereaved"}, Topics: []string{"grief"},
			Location: record.Location{Address: "Lange Gasthuisstraat 9", Postcode: "2000", City: "Antwerpen",
				Province: "Antwerpen", Region: "Flanders", Lat: 51.2199, Lon: 4.4035},
			Schedule: record.Schedule{Text: "op afspraak"}, Cost: record.Cost{Min: 20, Currency: "EUR"},
			UpdatedAt: hsdsUpdated,
		},
		{
			Source: "open", LocalID: "5", Status: record.StatusActive, License: "CC-BY-4.0",
			Title: "Groupe de parole deuil", Organization: record.Organization{Name: "Similes Bruxelles"}, Kind: "discussion-group",
			Location:  record.Location{Postcode: "1050", City: "Ixelles", Lat: 50.8333, Lon: 4.3667},
			UpdatedAt: hsdsUpdated,
		},
		{
			// Under a non-commercial licence: searchable elsewhere, never in the HSDS API.
			Source: "closed", LocalID: "1", Status: record.StatusActive, License: "CC-BY-NC-4.0",
			Title: "Groupe de parole fermé", Organization: record.Organization{Name: "Réseau Fermé"}, Kind: "discussion-group",
			Location:  record.Location{Postcode: "1050", City: "Ixelles", Lat: 50.83, Lon: 4.37},
			UpdatedAt: hsdsRecent,
		},
	}
	for i := range recs {
		recs[i].ID = record.NewID(recs[i].Source, recs[i].LocalID)
	}
	return recs
}

func newHSDSServer(t *testing.T) (*httptest.Server, *memStore, *hsdsSearcher) {
	t.Helper()
	st := &memStore{recs: hsdsTestRecords(), sources: []sources.Registered{
		{Definition: sources.Definition{ID: "open", Name: "Open", License: "CC-BY-4.0"}},
		{Definition: sources.Definition{ID: "closed", Name: "Closed", License: "CC-BY-NC-4.0"}},
	}}
	se := &hsdsSearcher{store: st}
	ts := httptest.NewServer(New(Options{Store: st, Searcher: se}).Handler())
	t.Cleanup(ts.Close)
	return ts, st, se
}

// hsdsGet fetches an HSDS API path, wants a 200 JSON response without personal data and
// returns its body.
func hsdsGet(t *testing.T, ts *httptest.Server, path string) []byte {
	t.Helper()
	resp, body := get(t, ts.URL+path)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET %s = %d %s: %s", path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	for _, secret := range []string{"Marie Dupont", "Jan Peeters", "fermé", "Fermé"} {
		if bytes.Contains(body, []byte(secret)) {
			t.Errorf("GET %s shows %q (a contact person or a record not openly licensed)", path, secret)
		}
	}
	return body
}

// TestHSDSResponsesValidate fetches every HSDS endpoint and validates each response
// against the HSDS 3.0 schemas: lists against openapi.json's response schema (the Page
// envelope and its contents), objects against their schema, and each service nested in
// an organization against service.json.
func TestHSDSResponsesValidate(t *testing.T) {
	ts, st, _ := newHSDSServer(t)
	h := newHSDSSchemas(t)
	svcID := st.recs[0].ID
	orgID := opendata.OrganizationID("Similes Bruxelles")
	kindID := opendata.TaxonomyID(record.FacetKind)
	termID := opendata.TaxonomyTermID("discussion-group")
	tests := []struct {
		path   string
		schema string // relative to hsdsSchemaBase
	}{
		{"/hsds/", response("/")},
		{"/hsds/services", response("/services")},
		{"/hsds/services?per_page=2&page=2", response("/services")},
		{"/hsds/services?search=nothing-matches", response("/services")},
		{"/hsds/services?taxonomy_term_id=" + termID + "&postcode=1050", response("/services")},
		{"/hsds/services?modified_after=2026-03-01T00:00:00Z", response("/services")},
		{"/hsds/services?proximity=50.85,4.35,5", response("/services")},
		{"/hsds/services/" + svcID, response("/services/{id}")},
		{"/hsds/services/" + st.recs[1].ID, response("/services/{id}")},
		{"/hsds/services/" + st.recs[2].ID, response("/services/{id}")},
		{"/hsds/services/" + st.recs[3].ID, response("/services/{id}")},
		{"/hsds/services/" + st.recs[4].ID, response("/services/{id}")},
		{"/hsds/organizations", response("/organizations")},
		{"/hsds/organizations?full_service=true&search=similes", response("/organizations")},
		{"/hsds/organizations/" + orgID, response("/organizations/{id}")},
		{"/hsds/organizations/" + orgID + "?full_service=true", response("/organizations/{id}")},
		{"/hsds/taxonomies", response("/taxonomies")},
		{"/hsds/taxonomies/" + kindID, response("/taxonomies/{id}")},
		{"/hsds/taxonomy_terms", response("/taxonomy_terms")},
		{"/hsds/taxonomy_terms?per_page=100&taxonomy_id=" + kindID, response("/taxonomy_terms")},
		{"/hsds/taxonomy_terms/" + termID, response("/taxonomy_terms/{id}")},
	}
	validated := 0
	for _, tt := range tests {
		body := hsdsGet(t, ts, tt.path)
		if err := h.validate(t, tt.schema, body); err != nil {
			t.Errorf("GET %s does not validate against %s:\n%v\n%s", tt.path, tt.schema, err, body)
			continue
		}
		validated++
		// organization.json has no services: check them against service.json.
		var org struct {
			Contents []struct{ Services []json.RawMessage }
			Services []json.RawMessage
		}
		json.Unmarshal(body, &org)
		services := org.Services
		for _, c := range org.Contents {
			services = append(services, c.Services...)
		}
		for _, svc := range services {
			if err := h.validate(t, "service.json", svc); err != nil {
				t.Errorf("GET %s: a service of an organization does not validate: %v\n%s", tt.path, err, svc)
			}
			validated++
		}
	}
	t.Logf("%d HSDS responses and nested services validated against the HSDS 3.0 schemas", validated)
	if validated < len(tests)+5 {
		t.Errorf("only %d validations", validated)
	}
}

// TestHSDSSchemasReject checks that the validation can fail: broken objects are refused.
func TestHSDSSchemasReject(t *testing.T) {
	h := newHSDSSchemas(t)
	svc, err := json.Marshal(opendata.HSDSServiceOf(hsdsTestRecords()[0]))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.validate(t, response("/services/{id}"), svc); err != nil {
		t.Fatalf("the mapped service does not validate: %v", err)
	}
	page := `{"total_items":1,"total_pages":1,"page_number":1,"size":1,"first_page":true,"last_page":true,"empty":false,"contents":[` + string(svc) + `]}`
	if err := h.validate(t, response("/services"), []byte(page)); err != nil {
		t.Fatalf("a page of the mapped service does not validate: %v", err)
	}
	broken := []struct {
		name, schema, body string
	}{
		{"service status not in the enum", response("/services/{id}"), strings.Replace(string(svc), `"status":"active"`, `"status":"open"`, 1)},
		{"service without a name", response("/services/{id}"), strings.Replace(string(svc), `"name":"Groupe de parole pour proches",`, ``, 1)},
		{"service id not a uuid", response("/services/{id}"), strings.Replace(string(svc), `"id":"`+hsdsTestRecords()[0].ID+`"`, `"id":"similes-1"`, 1)},
		{"schedule freq DAILY", response("/services/{id}"), strings.Replace(string(svc), `"freq":"MONTHLY"`, `"freq":"DAILY"`, 1)},
		{"latitude as a string", response("/services/{id}"), strings.Replace(string(svc), `"latitude":50.83`, `"latitude":"50.83"`, 1)},
		{"page total_items as a string", response("/services"), strings.Replace(page, `"total_items":1`, `"total_items":"1"`, 1)},
		{"page with a broken service", response("/services"), strings.Replace(page, `"status":"active"`, `"status":null`, 1)},
		{"organization without a description", response("/organizations/{id}"), `{"id":"` + opendata.OrganizationID("x") + `","name":"x"}`},
		{"taxonomy term without a name", response("/taxonomy_terms/{id}"), `{"id":"` + opendata.TaxonomyTermID("grief") + `","description":"d"}`},
		{"root with a relative openapi_url", response("/"), `{"version":"3.0","profile":"https://docs.openreferral.org/","openapi_url":"/api/v1/openapi.json"}`},
	}
	for _, b := range broken {
		if b.body == string(svc) || b.body == page {
			t.Errorf("%s: the replacement did not apply", b.name)
			continue
		}
		if err := h.validate(t, b.schema, []byte(b.body)); err == nil {
			t.Errorf("%s: validates against %s, want an error", b.name, b.schema)
		}
	}
}

func TestHSDSServices(t *testing.T) {
	ts, st, se := newHSDSServer(t)
	list := func(query string) HSDSPage[opendata.HSDSService] {
		t.Helper()
		var p HSDSPage[opendata.HSDSService]
		if err := json.Unmarshal(hsdsGet(t, ts, "/hsds/services?"+query), &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ids := func(p HSDSPage[opendata.HSDSService]) []string {
		var out []string
		for _, s := range p.Contents {
			out = append(out, s.ID)
		}
		return out
	}
	rec := st.recs

	// Default: the active, openly licensed services; the closed source is not asked for.
	p := list("")
	if want := []string{rec[0].ID, rec[2].ID, rec[3].ID, rec[4].ID}; !slices.Equal(ids(p), want) || p.TotalItems != 4 {
		t.Errorf("services = %v (total %d), want %v", ids(p), p.TotalItems, want)
	}
	if !slices.Equal(se.last.Sources, []string{"open"}) || len(se.last.Statuses) != 0 {
		t.Errorf("searcher got sources %v statuses %v, want [open] and the default", se.last.Sources, se.last.Statuses)
	}

	// Paging envelope.
	p = list("per_page=3&page=2")
	if p.TotalItems != 4 || p.TotalPages != 2 || p.PageNumber != 2 || p.Size != 1 || p.FirstPage || !p.LastPage || p.Empty {
		t.Errorf("page 2 of 3 = %+v", p)
	}
	if se.last.Page != 2 || se.last.PerPage != 3 {
		t.Errorf("searcher paged %d/%d", se.last.Page, se.last.PerPage)
	}
	if p = list("search=nothing"); !p.Empty || p.TotalPages != 0 || !p.FirstPage || !p.LastPage || p.Contents == nil || se.last.Text != "nothing" {
		t.Errorf("empty search = %+v (text %q)", p, se.last.Text)
	}

	// taxonomy_term_id by HSDS id or code; the facet decides the filter; broader terms
	// find narrower ones.
	p = list("taxonomy_term_id=" + opendata.TaxonomyTermID("relatives"))
	if !slices.Contains(se.last.Audiences, "bereaved") || !slices.Contains(se.last.Audiences, "relatives") || len(se.last.Kinds) != 0 {
		t.Errorf("taxonomy_term_id=relatives: audiences %v kinds %v", se.last.Audiences, se.last.Kinds)
	}
	if want := []string{rec[0].ID, rec[3].ID}; !slices.Equal(ids(p), want) {
		t.Errorf("relatives = %v, want %v", ids(p), want)
	}
	list("taxonomy_term_id=support-group,grief")
	if !slices.Contains(se.last.Kinds, "discussion-group") || !slices.Equal(se.last.Topics, []string{"grief"}) {
		t.Errorf("taxonomy_term_id=support-group,grief: kinds %v topics %v", se.last.Kinds, se.last.Topics)
	}
	list("taxonomy_id=attendance")
	if !slices.Equal(se.last.Attendance, []string{"in-person", "online", "hybrid"}) {
		t.Errorf("taxonomy_id=attendance: %v", se.last.Attendance)
	}

	// modified_after: UpdatedAfter, and every status so a mirror sees withdrawals.
	p = list("modified_after=2026-03-01T00:00:00Z")
	if !se.last.UpdatedAfter.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) || len(se.last.Statuses) != 4 {
		t.Errorf("modified_after: UpdatedAfter %v statuses %v", se.last.UpdatedAfter, se.last.Statuses)
	}
	if want := []string{rec[1].ID, rec[2].ID}; !slices.Equal(ids(p), want) || p.Contents[0].Status != "inactive" {
		t.Errorf("modified_after = %v, want %v (the first inactive)", ids(p), want)
	}
	list("modified_after=2026-03-01")
	if want := time.Date(2026, 3, 1, 0, 0, 0, 0, record.Brussels); !se.last.UpdatedAfter.Equal(want) {
		t.Errorf("modified_after=2026-03-01: %v, want %v", se.last.UpdatedAfter, want)
	}

	// postcode and proximity.
	p = list("postcode=1050")
	if !slices.Equal(se.last.Postcodes, []string{"1050"}) || se.last.Near != nil || !slices.Equal(ids(p), []string{rec[0].ID, rec[4].ID}) {
		t.Errorf("postcode=1050: postcodes %v near %v, services %v", se.last.Postcodes, se.last.Near, ids(p))
	}
	p = list("proximity=51.2,4.4,10")
	if se.last.Near == nil || *se.last.Near != (GeoPoint{51.2, 4.4}) || se.last.RadiusKm != 10 || !slices.Equal(ids(p), []string{rec[3].ID}) {
		t.Errorf("proximity=51.2,4.4,10: near %v radius %v, services %v", se.last.Near, se.last.RadiusKm, ids(p))
	}
	list("proximity=50.85,4.35")
	if se.last.RadiusKm != hsdsDefaultRadiusKm {
		t.Errorf("proximity without a radius: %v km", se.last.RadiusKm)
	}
	// HSDS's own form: metres around the centre of the postcode.
	p = list("postcode=1050&proximity=200")
	if se.last.Near == nil || math.Abs(se.last.Near.Lat-50.8333) > 1e-6 || se.last.RadiusKm != 0.2 || len(se.last.Postcodes) != 0 ||
		!slices.Equal(ids(p), []string{rec[4].ID}) {
		t.Errorf("postcode=1050&proximity=200: near %v radius %v postcodes %v, services %v", se.last.Near, se.last.RadiusKm, se.last.Postcodes, ids(p))
	}
	list("proximity=2000,3")
	if se.last.Near == nil || math.Abs(se.last.Near.Lon-4.4035) > 1e-6 || se.last.RadiusKm != 3 {
		t.Errorf("proximity=2000,3: near %v radius %v", se.last.Near, se.last.RadiusKm)
	}

	// One service, fully mapped.
	var svc opendata.HSDSService
	if err := json.Unmarshal(hsdsGet(t, ts, "/hsds/services/"+rec[0].ID), &svc); err != nil {
		t.Fatal(err)
	}
	if svc.Organization == nil || svc.Organization.ID != opendata.OrganizationID("similes bruxelles") ||
		len(svc.ServiceAtLocations) != 1 || len(svc.ServiceAtLocations[0].Location.Addresses) != 1 ||
		len(svc.Phones) != 1 || len(svc.CostOptions) != 1 || *svc.CostOptions[0].Amount != 0 || len(svc.Attributes) != 6 {
		t.Errorf("service 0 = %+v", svc)
	}
	if sc := svc.Schedules; len(sc) != 1 || sc[0].Freq != "MONTHLY" || sc[0].ByDay != "1TU" || sc[0].Until != "2026-12-31" ||
		sc[0].DTStart != "2026-03-03" || sc[0].OpensAt != "19:00:00" || sc[0].ClosesAt != "21:00:00" || *sc[0].Timezone != 1 {
		t.Errorf("schedules = %+v", sc)
	}
	if a := svc.Attributes[0]; a.LinkType != "kind" || a.TaxonomyTermID != opendata.TaxonomyTermID("discussion-group") ||
		a.TaxonomyTerm == nil || a.TaxonomyTerm.Code != "discussion-group" {
		t.Errorf("attribute 0 = %+v", a)
	}
	if err := json.Unmarshal(hsdsGet(t, ts, "/hsds/services/"+rec[1].ID), &svc); err != nil {
		t.Fatal(err)
	}
	if sc := svc.Schedules[0]; *sc.Interval != 2 || *sc.Count != 6 || sc.Freq != "WEEKLY" || len(svc.CostOptions) != 2 || svc.CostOptions[1].Option != "per session" {
		t.Errorf("service 1 schedule %+v cost options %+v", sc, svc.CostOptions)
	}
}

func TestHSDSOrganizationsAndTaxonomy(t *testing.T) {
	ts, st, _ := newHSDSServer(t)
	var orgs HSDSPage[opendata.HSDSOrganization]
	json.Unmarshal(hsdsGet(t, ts, "/hsds/organizations"), &orgs)
	var names []string
	for _, o := range orgs.Contents {
		names = append(names, o.Name)
		if o.Services != nil {
			t.Errorf("organization %s lists services without full_service", o.Name)
		}
	}
	// Active records only: the withdrawn one's spelling does not count.
	if want := []string{"CGG Vagga", "Similes Bruxelles", "Te Gek!?"}; !slices.Equal(names, want) || orgs.TotalItems != 3 {
		t.Errorf("organizations = %q, want %q", names, want)
	}
	json.Unmarshal(hsdsGet(t, ts, "/hsds/organizations?search=SIMILES&full_service=true"), &orgs)
	if len(orgs.Contents) != 1 || len(orgs.Contents[0].Services) != 2 || len(orgs.Contents[0].Services[0].Attributes) == 0 {
		t.Errorf("search=SIMILES&full_service=true = %+v", orgs.Contents)
	}

	var org opendata.HSDSOrganization
	json.Unmarshal(hsdsGet(t, ts, "/hsds/organizations/"+opendata.OrganizationID("Similes Bruxelles")), &org)
	if org.Website != "https://similes.example" || len(org.Services) != 2 || org.Services[0].ID != st.recs[0].ID ||
		org.Services[0].Attributes != nil || org.Services[0].Organization != nil {
		t.Errorf("organization = %+v, want its 2 active services, brief", org)
	}

	var terms HSDSPage[opendata.HSDSTaxonomyTerm]
	json.Unmarshal(hsdsGet(t, ts, "/hsds/taxonomy_terms?taxonomy_id=facilitation"), &terms)
	if terms.TotalItems != 3 || terms.Contents[0].Code != "professional" || terms.Contents[0].TaxonomyID != opendata.TaxonomyID(record.FacetFacilitation) {
		t.Errorf("facilitation terms = %+v", terms)
	}
	json.Unmarshal(hsdsGet(t, ts, "/hsds/taxonomy_terms?parent_id=support-group"), &terms)
	if terms.TotalItems != 2 || terms.Contents[1].ParentID != opendata.TaxonomyTermID("support-group") {
		t.Errorf("children of support-group = %+v", terms)
	}
	json.Unmarshal(hsdsGet(t, ts, "/hsds/taxonomy_terms?search=praatgroep&top_only=true"), &terms)
	if terms.TotalItems != 0 {
		t.Errorf("top-level terms named praatgroep = %+v, want none (discussion-group has a parent)", terms.Contents)
	}
	json.Unmarshal(hsdsGet(t, ts, "/hsds/taxonomy_terms?search=rouw"), &terms)
	if !slices.ContainsFunc(terms.Contents, func(t opendata.HSDSTaxonomyTerm) bool { return t.Code == "grief" }) {
		t.Errorf("search=rouw = %+v, want grief (rouw in nl) among them", terms.Contents)
	}
	var term opendata.HSDSTaxonomyTerm
	json.Unmarshal(hsdsGet(t, ts, "/hsds/taxonomy_terms/grief"), &term)
	if term.ID != opendata.TaxonomyTermID("grief") || term.Name == "" {
		t.Errorf("taxonomy term by code = %+v", term)
	}
	var taxes HSDSPage[opendata.HSDSTaxonomy]
	json.Unmarshal(hsdsGet(t, ts, "/hsds/taxonomies"), &taxes)
	if taxes.TotalItems != uint64(len(record.Facets)) {
		t.Errorf("taxonomies = %+v", taxes)
	}
	var root map[string]string
	json.Unmarshal(hsdsGet(t, ts, "/hsds/"), &root)
	if root["version"] != "3.0" || root["openapi_url"] != ts.URL+"/api/v1/openapi.json" {
		t.Errorf("root = %v", root)
	}
}

func TestHSDSProblems(t *testing.T) {
	ts, st, _ := newHSDSServer(t)
	tests := []struct {
		path   string
		status int
		param  string
	}{
		{"/hsds/services?per_page=101", 400, "per_page"},
		{"/hsds/services?page=0", 400, "page"},
		{"/hsds/services?page=200&per_page=100", 400, "page"},
		{"/hsds/services?colour=blue", 400, "colour"},
		{"/hsds/services?taxonomy_term_id=astrology", 400, "taxonomy_term_id"},
		{"/hsds/services?taxonomy_id=colours", 400, "taxonomy_id"},
		{"/hsds/services?modified_after=yesterday", 400, "modified_after"},
		{"/hsds/services?postcode=75001", 400, "postcode"},
		{"/hsds/services?proximity=north", 400, "proximity"},
		{"/hsds/services?proximity=50.8,4.3,0", 400, "proximity"},
		{"/hsds/services?proximity=95,4.3", 400, "proximity"},
		{"/hsds/services?proximity=1001", 400, "proximity"}, // no such postcode
		{"/hsds/services?postcode=1050,2000&proximity=500", 400, "postcode"},
		{"/hsds/organizations?full_service=maybe", 400, "full_service"},
		{"/hsds/organizations/" + opendata.OrganizationID("x") + "?full=true", 400, "full"},
		{"/hsds/taxonomy_terms?top_only=perhaps", 400, "top_only"},
		{"/hsds/taxonomy_terms?parent_id=nothing", 400, "parent_id"},
		{"/hsds/services/nope", 404, ""},
		{"/hsds/services/" + st.recs[5].ID, 404, ""}, // not openly licensed
		{"/hsds/organizations/" + opendata.OrganizationID("Réseau Fermé"), 404, ""},
		{"/hsds/organizations/nope", 404, ""},
		{"/hsds/taxonomies/nope", 404, ""},
		{"/hsds/taxonomy_terms/nope", 404, ""},
	}
	for _, tt := range tests {
		resp, body := get(t, ts.URL+tt.path)
		var p Problem
		json.Unmarshal(body, &p)
		if resp.StatusCode != tt.status || resp.Header.Get("Content-Type") != "application/problem+json" || p.Status != tt.status {
			t.Errorf("GET %s = %d %s, want a %d problem", tt.path, resp.StatusCode, body, tt.status)
			continue
		}
		if tt.param != "" && (len(p.InvalidParams) != 1 || p.InvalidParams[0].Name != tt.param) {
			t.Errorf("GET %s: invalid params %+v, want %s", tt.path, p.InvalidParams, tt.param)
		}
	}
}

// TestHSDSNoOpenSource: with no source under an open licence the lists are empty
// (an empty Sources filter would match every source).
func TestHSDSNoOpenSource(t *testing.T) {
	ts, st, se := newHSDSServer(t)
	st.sources = st.sources[1:]
	se.last = SearchQuery{Text: "untouched"}
	for _, path := range []string{"/hsds/services", "/hsds/organizations"} {
		var p HSDSPage[json.RawMessage]
		json.Unmarshal(hsdsGet(t, ts, path), &p)
		if !p.Empty || p.TotalItems != 0 {
			t.Errorf("%s without open sources = %+v", path, p)
		}
	}
	if se.last.Text != "untouched" {
		t.Errorf("the searcher was asked %+v", se.last)
	}
}
