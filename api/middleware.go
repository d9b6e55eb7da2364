package api

import (
	"context"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/klauspost/compress/gzhttp"
	"github.com/rs/cors"
)

// withCORS opens the API to pages on any origin for reads: GET and HEAD, with the
// Authorization header allowed so a page can read partner resources with a token.
// Writes are not offered cross-origin (their preflight fails). It wraps the whole
// handler, so preflights (OPTIONS) are answered before routing.
func withCORS(next http.Handler) http.Handler {
	return cors.New(cors.Options{
		AllowedOrigins: []string{"*"},
		AllowedMethods: []string{http.MethodGet, http.MethodHead},
		AllowedHeaders: []string{"Authorization", "Content-Type", "If-None-Match"},
		ExposedHeaders: []string{"ETag", "Retry-After", "Link"},
		MaxAge:         3600,
	}).Handler(next)
}

// withGzip compresses responses for clients that accept gzip. Responses that are
// already compressed (a dump's .gz file) pass through unchanged.
func withGzip(next http.Handler) http.Handler { return gzhttp.GzipHandler(next) }

// isPublic tells whether a path is under the public rate limit: not the partner API
// (which limits per token) and not the probes and metrics.
func isPublic(path string) bool {
	switch path {
	case "/healthz", "/readyz", "/metrics":
		return false
	}
	return !strings.HasPrefix(path, "/api/v1/partner/")
}

// limitClients limits public requests per client IP address (the connection's peer;
// a proxy in front must do its own limiting). Over the limit: 429 with Retry-After.
func (s *Server) limitClients(next http.Handler) http.Handler {
	if s.perClient == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isPublic(r.URL.Path) {
			if ok, wait := s.perClient.allow(clientIP(r), time.Now()); !ok {
				s.writeError(w, r, &rateError{what: "this client", retryAfter: wait})
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// clientIP is the host part of the request's remote address.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// routeKey carries, from the router back out to instrument, the template of the
// route that matched.
type routeKey struct{}

// routeTemplate returns the slot instrument put in r's context for the route
// template, or nil.
func routeTemplate(r *http.Request) *string {
	p, _ := r.Context().Value(routeKey{}).(*string)
	return p
}

// instrument records each request's latency by route template and its status.
func (s *Server) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		route := "unmatched"
		r = r.WithContext(context.WithValue(r.Context(), routeKey{}, &route))
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		s.metrics.observeRequest(r.Method, route, rec.status, time.Since(start))
	})
}
