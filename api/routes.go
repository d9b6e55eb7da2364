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

	v1 := r.PathPrefix("/api/v1").Subrouter()
	v1.NotFoundHandler = r.NotFoundHandler
	v1.MethodNotAllowedHandler = r.MethodNotAllowedHandler
	v1.HandleFunc("/search", s.handleSearch).Methods(http.MethodGet)
	v1.HandleFunc("/records/{id}", s.handleRecord).Methods(http.MethodGet)
	v1.HandleFunc("/sources", s.handleSources).Methods(http.MethodGet)
	v1.HandleFunc("/sources/{id}", s.handleSource).Methods(http.MethodGet)
	v1.HandleFunc("/sources/{id}/runs", s.handleSourceRuns).Methods(http.MethodGet)
	v1.HandleFunc("/dump.jsonl", s.handleDumpJSONL).Methods(http.MethodGet)
	v1.HandleFunc("/dump.csv", s.handleDumpCSV).Methods(http.MethodGet)
	return r
}

// pathParam is the one place that reads mux's route variables.
func pathParam(r *http.Request, name string) string { return mux.Vars(r)[name] }
