package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/ensemble-be/ensemble/record"
)

// Problem is an RFC 9457 problem detail.
type Problem struct {
	Type          string         `json:"type"`
	Title         string         `json:"title"`
	Status        int            `json:"status"`
	Detail        string         `json:"detail,omitempty"`
	Instance      string         `json:"instance,omitempty"`
	InvalidParams []InvalidParam `json:"invalid_params,omitempty"`
}

// InvalidParam names a request parameter and what is wrong with it.
type InvalidParam struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// paramError is a bad request parameter; it becomes a 400 naming the parameter.
type paramError struct {
	Param, Reason string
}

func (e *paramError) Error() string { return e.Param + ": " + e.Reason }

func badParam(param, format string, args ...any) error {
	return &paramError{Param: param, Reason: fmt.Sprintf(format, args...)}
}

// writeError maps err to a status and writes it as problem+json. Errors it does not
// know are logged and answered with a bare 500: internals never leak.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	p := Problem{Type: "about:blank", Instance: r.URL.Path}
	var pe *paramError
	var de *definitionError
	var ae *authError
	var me *http.MaxBytesError
	var pu *pushError
	var re *rateError
	var bp badParamError
	switch {
	case errors.As(err, &re):
		p.Status, p.Detail = http.StatusTooManyRequests, re.Error()
		w.Header().Set("Retry-After", retryAfterSeconds(re.retryAfter))
	case errors.As(err, &pu):
		p.Status, p.Detail, p.InvalidParams = http.StatusBadRequest, "the push has lines that cannot be read", pu.params
	case errors.As(err, &ae):
		p.Status, p.Detail = ae.status, ae.reason
		if ae.status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Bearer realm="ensemble"`)
		}
	case errors.As(err, &me):
		p.Status, p.Detail = http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is over %d bytes", me.Limit)
	case errors.As(err, &de):
		p.Status, p.Detail, p.InvalidParams = http.StatusBadRequest, "the source definition has problems", de.params
	case errors.Is(err, record.ErrConflict):
		p.Status, p.Detail = http.StatusConflict, err.Error()
	case errors.As(err, &pe):
		p.Status, p.Detail = http.StatusBadRequest, pe.Error()
		p.InvalidParams = []InvalidParam{{Name: pe.Param, Reason: pe.Reason}}
	case errors.As(err, &bp):
		param, reason := bp.BadParam()
		p.Status, p.Detail = http.StatusBadRequest, err.Error()
		p.InvalidParams = []InvalidParam{{Name: param, Reason: reason}}
	case errors.Is(err, record.ErrNotFound):
		p.Status, p.Detail = http.StatusNotFound, "no such "+notFoundWhat(r)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		p.Status, p.Detail = http.StatusServiceUnavailable, "the request took too long or was cancelled"
	default:
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "error", err)
		p.Status = http.StatusInternalServerError
	}
	p.Title = http.StatusText(p.Status)
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	writeJSONStatus(w, p.Status, p)
}

// badParamError is an error of another package (the index's query errors) that
// names the request parameter at fault.
type badParamError interface {
	error
	BadParam() (param, reason string)
}

func notFoundWhat(r *http.Request) string {
	if pathParam(r, "id") != "" {
		return "resource with id " + pathParam(r, "id")
	}
	return "resource"
}

// handleNotFound answers any path no route matches.
func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, fmt.Errorf("path %s: %w", r.URL.Path, record.ErrNotFound))
}

// handleMethodNotAllowed answers a known path asked with the wrong method.
func (s *Server) handleMethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	p := Problem{Type: "about:blank", Title: http.StatusText(http.StatusMethodNotAllowed),
		Status: http.StatusMethodNotAllowed, Detail: r.Method + " is not allowed here", Instance: r.URL.Path}
	w.Header().Set("Content-Type", "application/problem+json")
	writeJSONStatus(w, p.Status, p)
}
