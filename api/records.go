package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/sources"
)

// handleHealth serves GET /healthz: 200 when the store answers.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	if _, err := s.store.Sources(r.Context()); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, map[string]string{"status": "ok", "version": s.version})
}

// handleRecord serves GET /api/v1/records/{id}.
func (s *Server) handleRecord(w http.ResponseWriter, r *http.Request) {
	rec, err := s.store.Record(r.Context(), pathParam(r, "id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // as writeJSON
	if err := enc.Encode(rec.Public()); err != nil {
		s.writeError(w, r, err)
		return
	}
	body := buf.Bytes()
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "public, max-age=60")
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(body)
}

// etagMatches tells whether an If-None-Match header names etag (weakly: a W/ prefix
// is ignored) or is "*".
func etagMatches(header, etag string) bool {
	for tag := range strings.SplitSeq(header, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == etag || tag == "*" {
			return true
		}
	}
	return false
}

// SourceView is a source as the API shows it: its definition, its latest run and,
// for one source, how many of its active records carry each quality flag.
type SourceView struct {
	sources.Registered
	LastRun *record.Run    `json:"last_run"`
	Health  sources.Health `json:"health"`
	// NextRun is when the source is next crawled: its schedule, or the end of its
	// back-off if later; absent when it is disabled or paused.
	NextRun *time.Time     `json:"next_run,omitempty"`
	Flags   map[string]int `json:"flags,omitempty"`
}

func (s *Server) sourceView(r *http.Request, reg sources.Registered) (SourceView, error) {
	view := SourceView{Registered: reg}
	runs, err := s.store.Runs(r.Context(), reg.Definition.ID, 1)
	if err != nil {
		return view, err
	}
	if len(runs) > 0 {
		view.LastRun = &runs[0]
	}
	if view.Health, err = s.store.Health(r.Context(), reg.Definition.ID); err != nil {
		return view, err
	}
	if s.nextRun != nil && !reg.Definition.Disabled && !view.Health.Paused {
		if next := s.nextRun(reg.Definition); !next.IsZero() {
			if view.Health.BackoffUntil.After(next) {
				next = view.Health.BackoffUntil
			}
			view.NextRun = &next
		}
	}
	return view, nil
}

// handleSources serves GET /api/v1/sources: every source with its latest run.
func (s *Server) handleSources(w http.ResponseWriter, r *http.Request) {
	list, err := s.store.Sources(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	views := make([]SourceView, 0, len(list))
	for _, reg := range list {
		view, err := s.sourceView(r, reg)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		views = append(views, view)
	}
	writeJSON(w, map[string]any{"sources": views})
}

// handleSource serves GET /api/v1/sources/{id}.
func (s *Server) handleSource(w http.ResponseWriter, r *http.Request) {
	reg, err := s.store.Source(r.Context(), pathParam(r, "id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	view, err := s.sourceView(r, reg)
	if err == nil {
		view.Flags, err = s.store.FlagCounts(r.Context(), reg.Definition.ID)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, view)
}

// handleSourceRuns serves GET /api/v1/sources/{id}/runs?limit=: newest first.
func (s *Server) handleSourceRuns(w http.ResponseWriter, r *http.Request) {
	id := pathParam(r, "id")
	if _, err := s.store.Source(r.Context(), id); err != nil {
		s.writeError(w, r, err)
		return
	}
	limit, err := intParam(r.URL.Query(), "limit", 20, 1, 1000)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	runs, err := s.store.Runs(r.Context(), id, limit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, map[string]any{"source": id, "runs": runs})
}

// handleTaxonomy serves GET /api/v1/taxonomy: every term of the vocabularies (kind,
// audience, topic, facilitation, attendance) with its parent, labels in fr, nl, de
// and en, synonyms and classifier rules; ?facet= keeps one vocabulary.
func (s *Server) handleTaxonomy(w http.ResponseWriter, r *http.Request) {
	tax := record.DefaultTaxonomy()
	terms := tax.Terms()
	if f := r.URL.Query().Get("facet"); f != "" {
		terms = tax.Facet(record.Facet(f))
		if len(terms) == 0 {
			s.writeError(w, r, badParam("facet", "%q is not one of kind, audience, topic, facilitation, attendance", f))
			return
		}
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	writeJSON(w, map[string]any{"terms": terms})
}
