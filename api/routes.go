package api

import (
	"net/http"

	"github.com/gorilla/mux"
)

// routes is the API's table of contents. gorilla/mux is used in this file only.
func (s *Server) routes() http.Handler {
	r := mux.NewRouter()
	r.NotFoundHandler = http.HandlerFunc(s.handleNotFound)
	r.MethodNotAllowedHandler = http.HandlerFunc(s.handleMethodNotAllowed)

	r.HandleFunc("/healthz", s.handleHealth).Methods(http.MethodGet, http.MethodHead)

	// Full paths on the root router: in a mux subrouter a wrong method answers 404.
	const v1 = "/api/v1"
	r.HandleFunc(v1+"/search", s.handleSearch).Methods(http.MethodGet)
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
	return r
}

// pathParam is the one place that reads mux's route variables.
func pathParam(r *http.Request, name string) string { return mux.Vars(r)[name] }
