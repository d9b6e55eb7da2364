package api

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/gorilla/mux"
)

// routes is the API's table of contents. gorilla/mux is used in this file only.
func (s *Server) routes() http.Handler {
	r := mux.NewRouter()
	r.NotFoundHandler = http.HandlerFunc(s.handleNotFound)
	r.MethodNotAllowedHandler = http.HandlerFunc(s.handleMethodNotAllowed)

	r.Use(recordRoute)

	r.HandleFunc("/healthz", s.handleHealth).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/readyz", s.handleReady).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/metrics", s.handleMetrics).Methods(http.MethodGet)

	// Full paths on the root router: in a mux subrouter a wrong method answers 404.
	const v1 = "/api/v1"
	r.HandleFunc(v1+"/openapi.json", s.handleOpenAPI).Methods(http.MethodGet)
	r.HandleFunc(v1+"/search", s.handleSearch).Methods(http.MethodGet)
	r.HandleFunc(v1+"/suggest", s.handleSuggest).Methods(http.MethodGet)
	r.HandleFunc(v1+"/search.atom", s.handleSearchAtom).Methods(http.MethodGet)
	r.HandleFunc(v1+"/search.ics", s.handleSearchICS).Methods(http.MethodGet)
	r.HandleFunc(v1+"/taxonomy", s.handleTaxonomy).Methods(http.MethodGet)
	r.HandleFunc(v1+"/records/{id}", s.handleRecord).Methods(http.MethodGet)
	r.HandleFunc(v1+"/sources", s.handleSources).Methods(http.MethodGet)
	r.HandleFunc(v1+"/sources/{id}", s.handleSource).Methods(http.MethodGet)
	r.HandleFunc(v1+"/sources/{id}/runs", s.handleSourceRuns).Methods(http.MethodGet)
	r.HandleFunc(v1+"/changes", s.handleChanges).Methods(http.MethodGet)
	r.HandleFunc(v1+"/export", s.handleExport).Methods(http.MethodGet)
	r.HandleFunc(v1+"/catalog.jsonld", s.handleCatalog).Methods(http.MethodGet)
	r.HandleFunc(v1+"/dumps", s.handleDumps).Methods(http.MethodGet)
	r.HandleFunc(v1+"/dumps/{date}/{file:.+}", s.handleDumpFile).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc(v1+"/dump.jsonl", s.handleDumpJSONL).Methods(http.MethodGet)
	r.HandleFunc(v1+"/dump.csv", s.handleDumpCSV).Methods(http.MethodGet)

	// The Open Referral HSDS 3.0 API (hsds.go).
	const hsds = "/hsds"
	r.HandleFunc(hsds+"/", s.handleHSDSRoot).Methods(http.MethodGet)
	r.HandleFunc(hsds+"/services", s.handleHSDSServices).Methods(http.MethodGet)
	r.HandleFunc(hsds+"/services/{id}", s.handleHSDSService).Methods(http.MethodGet)
	r.HandleFunc(hsds+"/organizations", s.handleHSDSOrganizations).Methods(http.MethodGet)
	r.HandleFunc(hsds+"/organizations/{id}", s.handleHSDSOrganization).Methods(http.MethodGet)
	r.HandleFunc(hsds+"/taxonomies", s.handleHSDSTaxonomies).Methods(http.MethodGet)
	r.HandleFunc(hsds+"/taxonomies/{id}", s.handleHSDSTaxonomy).Methods(http.MethodGet)
	r.HandleFunc(hsds+"/taxonomy_terms", s.handleHSDSTaxonomyTerms).Methods(http.MethodGet)
	r.HandleFunc(hsds+"/taxonomy_terms/{id}", s.handleHSDSTaxonomyTerm).Methods(http.MethodGet)

	// The partner API: bearer tokens, own sources and records only.
	if s.partners != nil && s.crawls != nil {
		const p = v1 + "/partner"
		partner, admin := func(h http.HandlerFunc) http.HandlerFunc { return s.authenticate(false, h) },
			func(h http.HandlerFunc) http.HandlerFunc { return s.authenticate(true, h) }
		r.HandleFunc(p+"/validate", partner(s.handleValidate)).Methods(http.MethodPost)
		r.HandleFunc(p+"/sources", partner(s.handlePartnerSources)).Methods(http.MethodGet)
		r.HandleFunc(p+"/sources", partner(s.handleCreatePartnerSource)).Methods(http.MethodPost)
		r.HandleFunc(p+"/sources/{id}", partner(s.handlePartnerSource)).Methods(http.MethodGet)
		r.HandleFunc(p+"/sources/{id}", partner(s.handleUpdatePartnerSource)).Methods(http.MethodPut)
		r.HandleFunc(p+"/sources/{id}", partner(s.handleDeletePartnerSource)).Methods(http.MethodDelete)
		r.HandleFunc(p+"/sources/{id}/crawl", partner(s.handleCrawlPartnerSource)).Methods(http.MethodPost)
		r.HandleFunc(p+"/sources/{id}/runs", partner(s.handlePartnerSourceRuns)).Methods(http.MethodGet)
		r.HandleFunc(p+"/sources/{id}/flags", partner(s.handlePartnerSourceFlags)).Methods(http.MethodGet)
		r.HandleFunc(p+"/sources/{id}/reports", s.authenticateAny(s.handleSourceReports)).Methods(http.MethodGet)
		r.HandleFunc(p+"/sources/{id}/records", partner(s.handlePush)).Methods(http.MethodPut)
		r.HandleFunc(p+"/sources/{id}/webhook", partner(s.handleWebhook)).Methods(http.MethodGet)
		r.HandleFunc(p+"/sources/{id}/webhook", partner(s.handleSetWebhook)).Methods(http.MethodPut)
		r.HandleFunc(p+"/sources/{id}/webhook", partner(s.handleDeleteWebhook)).Methods(http.MethodDelete)
		r.HandleFunc(p+"/template.csv", s.handleTemplate).Methods(http.MethodGet, http.MethodHead)
		r.HandleFunc(p+"/records/{id}", partner(s.handleTakedown)).Methods(http.MethodDelete)
		r.HandleFunc(p+"/records/{id}/restore", partner(s.handleRestore)).Methods(http.MethodPost)
		r.HandleFunc(p+"/audit", s.authenticateAny(s.handleAudit)).Methods(http.MethodGet)
		r.HandleFunc(p+"/admin/sources", admin(s.handleAdminSources)).Methods(http.MethodGet)
		r.HandleFunc(p+"/admin/reports", admin(s.handleAdminReports)).Methods(http.MethodGet)
		r.HandleFunc(p+"/admin/sources/{id}/approve", admin(s.handleApproveSource)).Methods(http.MethodPost)
		r.HandleFunc(p+"/admin/sources/{id}/reject", admin(s.handleRejectSource)).Methods(http.MethodPost)
	}

	// The human pages (package web) get every other path; the API's own 404s and 405s
	// stay problem+json.
	if s.site != nil {
		r.PathPrefix("/").MatcherFunc(isSitePath).Handler(s.site).Methods(http.MethodGet, http.MethodHead, http.MethodPost)
	}
	return r
}

// isSitePath tells whether a path belongs to the web pages rather than the API.
func isSitePath(r *http.Request, _ *mux.RouteMatch) bool {
	p := r.URL.Path
	return p != "/api" && !strings.HasPrefix(p, "/api/") && p != "/healthz" && p != "/readyz" && p != "/metrics"
}

// pathParam is the one place that reads mux's route variables.
func pathParam(r *http.Request, name string) string { return mux.Vars(r)[name] }

// recordRoute tells instrument which route template matched. It is router
// middleware (it runs only for matched routes); instrument wraps the whole router.
func recordRoute(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slot := routeTemplate(r); slot != nil {
			if tpl, err := mux.CurrentRoute(r).GetPathTemplate(); err == nil {
				*slot = tpl
			}
		}
		next.ServeHTTP(w, r)
	})
}

// routeTable walks the router (mux.Router.Walk) and returns every route as "METHOD
// path", path templates with their patterns dropped ("{file:.+}" → "{file}"). The
// OpenAPI test checks the document against it.
func (s *Server) routeTable() ([]string, error) {
	router, ok := s.routes().(*mux.Router)
	if !ok {
		return nil, fmt.Errorf("routes: not a mux.Router")
	}
	pattern := regexp.MustCompile(`\{(\w+):[^}]*\}`)
	var out []string
	err := router.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tpl, err := route.GetPathTemplate()
		if err != nil {
			return err
		}
		methods, err := route.GetMethods()
		if err != nil {
			return err
		}
		for _, m := range methods {
			out = append(out, m+" "+pattern.ReplaceAllString(tpl, "{$1}"))
		}
		return nil
	})
	return out, err
}
