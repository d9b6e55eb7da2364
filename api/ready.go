package api

import "net/http"

// handleReady serves GET /readyz: 200 {"ready":true,"lag":0} once the search index
// has applied every change in the store, 503 with the lag until then (or when the
// check fails). Without a Readiness func the server is always ready.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if s.ready == nil {
		writeJSON(w, map[string]any{"ready": true, "lag": 0})
		return
	}
	ready, lag, err := s.ready(r.Context())
	if err != nil {
		s.log.Warn("readiness check failed", "error", err)
		p := Problem{Type: "about:blank", Title: http.StatusText(http.StatusServiceUnavailable),
			Status: http.StatusServiceUnavailable, Detail: "the readiness check failed", Instance: r.URL.Path}
		w.Header().Set("Content-Type", "application/problem+json")
		writeJSONStatus(w, p.Status, p)
		return
	}
	status := http.StatusOK
	if !ready {
		status = http.StatusServiceUnavailable
		w.Header().Set("Retry-After", "5")
	}
	writeJSONStatus(w, status, map[string]any{"ready": ready, "lag": lag})
}
