package api

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/sources"
)

// maxPartnerBody bounds the body of a partner request.
const maxPartnerBody = 1 << 20

// PartnerStore is what the partner API reads and writes. Every method taking a
// partner id answers record.ErrNotFound for what another partner owns.
type PartnerStore interface {
	PartnerByToken(ctx context.Context, token string) (record.Partner, error)
	CreatePartnerSource(ctx context.Context, partner int64, def sources.Definition) (sources.Owned, error)
	UpdatePartnerSource(ctx context.Context, partner int64, def sources.Definition) (sources.Owned, error)
	PartnerSource(ctx context.Context, partner int64, id string) (sources.Owned, error)
	PartnerSources(ctx context.Context, partner int64) ([]sources.Owned, error)
	DeletePartnerSource(ctx context.Context, partner int64, id string) error
	SetSourceState(ctx context.Context, id, state string) error
	Takedown(ctx context.Context, partner int64, id string) error
	Restore(ctx context.Context, partner int64, id string) error
	PartnerWebhook(ctx context.Context, partner int64, source string) (record.Webhook, error)
	SetWebhook(ctx context.Context, partner int64, source, url string, rotate bool) (record.Webhook, error)
	DeleteWebhook(ctx context.Context, partner int64, source string) error
	AddAudit(ctx context.Context, e record.AuditEntry) error
	Audit(ctx context.Context, partner int64, limit int) ([]record.AuditEntry, error)
	// Reports are the problems reported on the records of source ("": every
	// source), newest first; ReportCounts counts them per record.
	Reports(ctx context.Context, source string, limit int) ([]record.Report, error)
	ReportCounts(ctx context.Context, source string) (map[string]int, error)
}

// Crawls is what the partner API asks of the crawler; cmd implements it with the
// same crawler and scheduler that real crawls use.
type Crawls interface {
	// Check reports what Validate cannot see (the schedule's syntax), as
	// *sources.FieldError.
	Check(def sources.Definition) error
	// DryRun fetches and parses def as a crawl would, and saves nothing.
	DryRun(ctx context.Context, def sources.Definition) (record.Crawl, error)
	// CrawlNow crawls source id now and returns when the crawl is saved.
	CrawlNow(ctx context.Context, id string) error
	// Push saves a pushed crawl as a crawl is saved (and told of: webhooks).
	Push(ctx context.Context, c record.Crawl) (record.Run, error)
	// Reschedule schedules source id, or stops scheduling it, after its review state
	// or definition changed.
	Reschedule(ctx context.Context, id string)
}

// actor is who a partner request comes from: a partner, or the admin.
type actor struct {
	partner record.Partner
	admin   bool
}

func (a actor) name() string {
	if a.admin {
		return "admin"
	}
	return a.partner.Name
}

type actorKey struct{}

func actorOf(r *http.Request) actor { a, _ := r.Context().Value(actorKey{}).(actor); return a }

// authError is a request without a valid bearer token (401) or with one that may not
// do this (403).
type authError struct {
	status int
	reason string
}

func (e *authError) Error() string { return e.reason }

// authenticate wraps a partner route: it reads the bearer token, lets through a
// partner (or, when admin is true, only the admin token) and limits the body size.
func (s *Server) authenticate(admin bool, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxPartnerBody)
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		token = strings.TrimSpace(token)
		if !ok || token == "" {
			s.writeError(w, r, &authError{http.StatusUnauthorized, "a bearer token is required"})
			return
		}
		var who actor
		if s.isAdmin(token) {
			who.admin = true
		} else {
			p, err := s.partners.PartnerByToken(r.Context(), token)
			if errors.Is(err, record.ErrNotFound) {
				s.writeError(w, r, &authError{http.StatusUnauthorized, "the bearer token is not valid"})
				return
			}
			if err != nil {
				s.writeError(w, r, err)
				return
			}
			who.partner = p
		}
		if admin != who.admin {
			s.writeError(w, r, &authError{http.StatusForbidden, "this token may not do that"})
			return
		}
		if ok, wait := s.perToken.allow("partner:"+strconv.FormatInt(who.partner.ID, 10), time.Now()); !ok {
			s.writeError(w, r, &rateError{what: "this token", retryAfter: wait})
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), actorKey{}, who)))
	}
}

// authenticateAny is authenticate letting through a partner or the admin.
func (s *Server) authenticateAny(h http.HandlerFunc) http.HandlerFunc {
	partner, admin := s.authenticate(false, h), s.authenticate(true, h)
	return func(w http.ResponseWriter, r *http.Request) {
		token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if s.isAdmin(strings.TrimSpace(token)) {
			admin(w, r)
			return
		}
		partner(w, r)
	}
}

// isAdmin compares token with the admin token in constant time.
func (s *Server) isAdmin(token string) bool {
	if s.adminToken == "" || token == "" {
		return false
	}
	a, b := sha256.Sum256([]byte(token)), sha256.Sum256([]byte(s.adminToken))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// audit records an action of the request's actor; a failure is logged, not answered.
func (s *Server) audit(r *http.Request, action, target string) {
	who := actorOf(r)
	e := record.AuditEntry{Partner: who.partner.ID, Actor: who.name(), Action: action, Target: target, Remote: r.RemoteAddr}
	if err := s.partners.AddAudit(r.Context(), e); err != nil {
		s.log.Error("audit not saved", "action", action, "target", target, "error", err)
	}
}

// definitionError is a source definition with problems, each naming its field.
type definitionError struct{ params []InvalidParam }

func (e *definitionError) Error() string {
	parts := make([]string, len(e.params))
	for i, p := range e.params {
		parts[i] = p.Name + ": " + p.Reason
	}
	return strings.Join(parts, "; ")
}

// readDefinition reads a source definition from the body, JSON or YAML by its
// Content-Type, and checks it.
func (s *Server) readDefinition(r *http.Request) (sources.Definition, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	format := ""
	switch {
	case err != nil:
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		format = "json"
	case mt == "application/yaml" || mt == "application/x-yaml" || mt == "text/yaml" || mt == "text/x-yaml":
		format = "yaml"
	}
	if format == "" {
		return sources.Definition{}, badParam("Content-Type", "want application/json or application/yaml")
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return sources.Definition{}, fmt.Errorf("read definition: %w", err)
	}
	def, err := sources.DecodeDefinition(body, format)
	if err == nil {
		err = s.crawls.Check(def)
	}
	if err != nil {
		return sources.Definition{}, definitionProblems(err)
	}
	return def, nil
}

// definitionProblems turns the (joined) errors of a definition into a definitionError.
func definitionProblems(err error) error {
	errs := []error{err}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		errs = joined.Unwrap()
	}
	de := &definitionError{}
	for _, e := range errs {
		var fe *sources.FieldError
		if errors.As(e, &fe) {
			de.params = append(de.params, InvalidParam{Name: fe.Field, Reason: fe.Problem})
		} else {
			de.params = append(de.params, InvalidParam{Name: "body", Reason: e.Error()})
		}
	}
	return de
}

// ValidationReport is what a dry run of a definition found.
type ValidationReport struct {
	Source       string            `json:"source"`
	Status       record.RunStatus  `json:"status"`
	Error        string            `json:"error,omitempty"`
	HTTPStatus   int               `json:"http_status,omitempty"`
	DetectedKind string            `json:"detected_kind,omitempty"`
	Pages        int               `json:"pages"`
	Found        int               `json:"found"`    // listings parsed
	Rejected     int               `json:"rejected"` // listings that failed validation
	Complete     bool              `json:"complete"`
	Problems     []string          `json:"problems"`
	Records      []ValidatedRecord `json:"records"`
	FlagCounts   map[string]int    `json:"flag_counts"`
}

// ValidatedRecord is one normalized record of a dry run, with its flags' codes.
type ValidatedRecord struct {
	Flags  []string      `json:"flags"`
	Record record.Record `json:"record"`
}

// handleValidate serves POST /api/v1/partner/validate: a dry run of a definition
// through the crawler, saving nothing.
func (s *Server) handleValidate(w http.ResponseWriter, r *http.Request) {
	def, err := s.readDefinition(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audit(r, "source.validate", def.ID)
	c, err := s.crawls.DryRun(r.Context(), def)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rep := ValidationReport{Source: def.ID, Status: c.Run.Status, Error: c.Run.Error, HTTPStatus: c.Run.HTTPStatus,
		DetectedKind: c.Run.DetectedKind, Pages: c.Run.Pages, Found: c.Run.Found, Rejected: c.Run.Rejected,
		Complete: c.Complete, Problems: c.Run.Problems, Records: []ValidatedRecord{}, FlagCounts: map[string]int{}}
	if rep.Problems == nil {
		rep.Problems = []string{}
	}
	for _, rec := range c.Records {
		v := ValidatedRecord{Flags: []string{}, Record: rec.Public()}
		for _, f := range rec.Flags {
			v.Flags = append(v.Flags, f.Code)
			rep.FlagCounts[f.Code]++
		}
		rep.Records = append(rep.Records, v)
	}
	writeJSON(w, rep)
}

// handlePartnerSources serves GET /api/v1/partner/sources: the partner's own sources.
func (s *Server) handlePartnerSources(w http.ResponseWriter, r *http.Request) {
	list, err := s.partners.PartnerSources(r.Context(), actorOf(r).partner.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, map[string]any{"sources": list})
}

// handleCreatePartnerSource serves POST /api/v1/partner/sources: a new source,
// pending review.
func (s *Server) handleCreatePartnerSource(w http.ResponseWriter, r *http.Request) {
	def, err := s.readDefinition(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	owned, err := s.partners.CreatePartnerSource(r.Context(), actorOf(r).partner.ID, def)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audit(r, "source.create", def.ID)
	writeJSONStatus(w, http.StatusCreated, owned)
}

// ownSource returns the request's source if the partner owns it, else ErrNotFound.
func (s *Server) ownSource(r *http.Request) (sources.Owned, error) {
	return s.partners.PartnerSource(r.Context(), actorOf(r).partner.ID, pathParam(r, "id"))
}

// handlePartnerSource serves GET /api/v1/partner/sources/{id}.
func (s *Server) handlePartnerSource(w http.ResponseWriter, r *http.Request) {
	owned, err := s.ownSource(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, owned)
}

// handleUpdatePartnerSource serves PUT /api/v1/partner/sources/{id}: a new
// definition; a changed URL needs review again.
func (s *Server) handleUpdatePartnerSource(w http.ResponseWriter, r *http.Request) {
	if _, err := s.ownSource(r); err != nil {
		s.writeError(w, r, err)
		return
	}
	def, err := s.readDefinition(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if def.ID != pathParam(r, "id") {
		s.writeError(w, r, badParam("id", "%q differs from the id in the path", def.ID))
		return
	}
	owned, err := s.partners.UpdatePartnerSource(r.Context(), actorOf(r).partner.ID, def)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audit(r, "source.update", def.ID)
	s.crawls.Reschedule(r.Context(), def.ID)
	writeJSON(w, owned)
}

// handleDeletePartnerSource serves DELETE /api/v1/partner/sources/{id}: the source
// is removed and its records withdrawn.
func (s *Server) handleDeletePartnerSource(w http.ResponseWriter, r *http.Request) {
	id := pathParam(r, "id")
	if err := s.partners.DeletePartnerSource(r.Context(), actorOf(r).partner.ID, id); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audit(r, "source.delete", id)
	s.crawls.Reschedule(r.Context(), id)
	w.WriteHeader(http.StatusNoContent)
}

// handleCrawlPartnerSource serves POST /api/v1/partner/sources/{id}/crawl: crawl an
// approved source now, and answer its run.
func (s *Server) handleCrawlPartnerSource(w http.ResponseWriter, r *http.Request) {
	owned, err := s.ownSource(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if owned.State != sources.StateApproved {
		s.writeError(w, r, fmt.Errorf("source %s is %s, not approved: %w", owned.Definition.ID, owned.State, record.ErrConflict))
		return
	}
	if ok, wait := s.perCrawl.allow(owned.Definition.ID, time.Now()); !ok {
		s.writeError(w, r, &rateError{what: "crawls of source " + owned.Definition.ID, retryAfter: wait})
		return
	}
	s.audit(r, "source.crawl", owned.Definition.ID)
	if err := s.crawls.CrawlNow(r.Context(), owned.Definition.ID); err != nil {
		s.writeError(w, r, err)
		return
	}
	runs, err := s.store.Runs(r.Context(), owned.Definition.ID, 1)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if len(runs) == 0 {
		s.writeError(w, r, fmt.Errorf("source %s was not crawled (already crawling, paused or backing off): %w",
			owned.Definition.ID, record.ErrConflict))
		return
	}
	writeJSON(w, runs[0])
}

// handlePartnerSourceRuns serves GET /api/v1/partner/sources/{id}/runs: the latest
// runs of the partner's source.
func (s *Server) handlePartnerSourceRuns(w http.ResponseWriter, r *http.Request) {
	owned, err := s.ownSource(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	runs, err := s.store.Runs(r.Context(), owned.Definition.ID, 50)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, map[string]any{"runs": runs})
}

// handlePartnerSourceFlags serves GET /api/v1/partner/sources/{id}/flags: how many
// active records carry each quality flag, what to fix first.
func (s *Server) handlePartnerSourceFlags(w http.ResponseWriter, r *http.Request) {
	owned, err := s.ownSource(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	flags, err := s.store.FlagCounts(r.Context(), owned.Definition.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, map[string]any{"source": owned.Definition.ID, "flags": flags})
}

// handleTakedown serves DELETE /api/v1/partner/records/{id}: the record is withdrawn
// at once and kept out of later crawls until restored.
func (s *Server) handleTakedown(w http.ResponseWriter, r *http.Request) {
	id := pathParam(r, "id")
	if err := s.partners.Takedown(r.Context(), actorOf(r).partner.ID, id); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audit(r, "record.takedown", id)
	w.WriteHeader(http.StatusNoContent)
}

// handleRestore serves POST /api/v1/partner/records/{id}/restore: lifts a takedown.
func (s *Server) handleRestore(w http.ResponseWriter, r *http.Request) {
	id := pathParam(r, "id")
	if err := s.partners.Restore(r.Context(), actorOf(r).partner.ID, id); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audit(r, "record.restore", id)
	w.WriteHeader(http.StatusNoContent)
}

// handleAudit serves GET /api/v1/partner/audit: the partner's own actions, or
// everyone's for the admin.
func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) {
	entries, err := s.partners.Audit(r.Context(), actorOf(r).partner.ID, 200)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, map[string]any{"entries": entries})
}

// handleAdminSources serves GET /api/v1/partner/admin/sources: every partner's
// sources, for review.
func (s *Server) handleAdminSources(w http.ResponseWriter, r *http.Request) {
	list, err := s.partners.PartnerSources(r.Context(), 0)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, map[string]any{"sources": list})
}

// handleApproveSource serves POST /api/v1/partner/admin/sources/{id}/approve.
func (s *Server) handleApproveSource(w http.ResponseWriter, r *http.Request) {
	s.setSourceState(w, r, sources.StateApproved)
}

// handleRejectSource serves POST /api/v1/partner/admin/sources/{id}/reject.
func (s *Server) handleRejectSource(w http.ResponseWriter, r *http.Request) {
	s.setSourceState(w, r, sources.StateRejected)
}

func (s *Server) setSourceState(w http.ResponseWriter, r *http.Request, state string) {
	id := pathParam(r, "id")
	if err := s.partners.SetSourceState(r.Context(), id, state); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audit(r, "source."+map[string]string{sources.StateApproved: "approve", sources.StateRejected: "reject"}[state], id)
	s.crawls.Reschedule(r.Context(), id)
	writeJSON(w, map[string]string{"source": id, "state": state})
}
