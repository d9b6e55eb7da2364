package api

import (
	"net/http"

	"github.com/ensemble-be/ensemble/record"
)

// maxReports is how many reports one answer lists.
const maxReports = 500

// ReportsResponse is the body of the partner's and the admin's report lists.
type ReportsResponse struct {
	Source  string          `json:"source,omitempty"`
	Reports []record.Report `json:"reports"`
	// Counts is the number of reports per record id (all of them, not only those
	// listed).
	Counts map[string]int `json:"counts"`
}

// handleSourceReports serves GET /api/v1/partner/sources/{id}/reports: the problems
// people reported on the source's records, to the partner who owns it or the admin.
func (s *Server) handleSourceReports(w http.ResponseWriter, r *http.Request) {
	id := pathParam(r, "id")
	var err error
	if actorOf(r).admin {
		_, err = s.store.Source(r.Context(), id)
	} else {
		_, err = s.ownSource(r)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeReports(w, r, id)
}

// handleAdminReports serves GET /api/v1/partner/admin/reports: every source's.
func (s *Server) handleAdminReports(w http.ResponseWriter, r *http.Request) {
	s.writeReports(w, r, "")
}

func (s *Server) writeReports(w http.ResponseWriter, r *http.Request, source string) {
	reports, err := s.partners.Reports(r.Context(), source, maxReports)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	counts, err := s.partners.ReportCounts(r.Context(), source)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, ReportsResponse{Source: source, Reports: reports, Counts: counts})
}
