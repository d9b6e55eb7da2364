package api

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/sources"
	"golang.org/x/time/rate"
)

// pushError is a push with lines that cannot be read, each named.
type pushError struct{ params []InvalidParam }

func (e *pushError) Error() string {
	parts := make([]string, len(e.params))
	for i, p := range e.params {
		parts[i] = p.Name + ": " + p.Reason
	}
	return strings.Join(parts, "; ")
}

// pushFormat is the push format of a Content-Type, or "".
func pushFormat(contentType string) string {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	switch mt {
	case "application/x-ndjson", "application/jsonl", "application/x-jsonlines":
		return sources.PushJSONL
	case "text/csv":
		return sources.PushCSV
	case "application/json":
		return sources.PushHSDS
	}
	return ""
}

// PushCrawl turns a push of source def (body in format, read at now) into a crawl:
// parsed, then normalized with the definition's origin exactly as a crawled listing.
// A push replaces the whole source: the crawl is complete. Lines that cannot be read
// are a *pushError naming them, and nothing is saved.
func PushCrawl(def sources.Definition, format string, body []byte, now time.Time) (record.Crawl, error) {
	page, err := sources.ParsePush(format, body, def.URL)
	if err != nil {
		return record.Crawl{}, badParam("body", "%v", err)
	}
	if len(page.Problems) > 0 {
		pe := &pushError{}
		for _, p := range page.Problems {
			pe.params = append(pe.params, InvalidParam{Name: p.Where, Reason: p.Message})
		}
		return record.Crawl{}, pe
	}
	c := record.Crawl{Complete: true, Run: record.Run{Source: def.ID, Status: record.RunOK, StartedAt: now.UTC(),
		FinishedAt: now.UTC(), Pages: 1, Bytes: int64(len(body)), Found: len(page.Listings)}}
	ids := map[string]string{}
	for i, l := range page.Listings {
		where := fmt.Sprintf("listing %d", i+1)
		if i < len(page.Lines) {
			where = fmt.Sprintf("line %d", page.Lines[i])
		}
		l.Page = def.URL
		r, err := record.Normalize(def.Origin(cmp.Or(l.URL, def.URL)), l, now)
		if err != nil {
			c.Run.Rejected++
			c.Run.Problems = append(c.Run.Problems, fmt.Sprintf("%s: %v", where, err))
			continue
		}
		if first, dup := ids[r.ID]; dup {
			c.Run.Problems = append(c.Run.Problems, fmt.Sprintf("%s: same id as %s (local id %q): kept the first", where, first, r.LocalID))
			continue
		}
		ids[r.ID] = where
		c.Records = append(c.Records, r)
		c.Verbatim = append(c.Verbatim, l)
	}
	return c, nil
}

// handlePush serves PUT /api/v1/partner/sources/{id}/records: the partner sends the
// source's listings itself (JSONL, CSV or HSDS by Content-Type), and they replace
// what the source had, through the same checks and store lifecycle as a crawl.
func (s *Server) handlePush(w http.ResponseWriter, r *http.Request) {
	owned, err := s.ownSource(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if owned.State != sources.StateApproved {
		s.writeError(w, r, fmt.Errorf("source %s is %s, not approved: %w", owned.Definition.ID, owned.State, record.ErrConflict))
		return
	}
	format := pushFormat(r.Header.Get("Content-Type"))
	if format == "" {
		s.writeError(w, r, badParam("Content-Type", "want application/x-ndjson, text/csv or application/json (HSDS)"))
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("read push: %w", err))
		return
	}
	c, err := PushCrawl(owned.Definition, format, body, time.Now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audit(r, "source.push", owned.Definition.ID)
	run, err := s.crawls.Push(r.Context(), c)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, run)
}

// handleTemplate serves GET /api/v1/partner/template.csv: the CSV template a push
// reads, with one fictional example row.
func (s *Server) handleTemplate(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="ensemble-template.csv"`)
	if err := sources.WriteTemplate(w); err != nil {
		s.log.Warn("template not sent", "error", err)
	}
}

// webhookRequest is the body of PUT /api/v1/partner/sources/{id}/webhook.
type webhookRequest struct {
	URL          string `json:"url"`
	RotateSecret bool   `json:"rotate_secret"`
}

// handleWebhook serves GET /api/v1/partner/sources/{id}/webhook: the URL and secret.
func (s *Server) handleWebhook(w http.ResponseWriter, r *http.Request) {
	hook, err := s.partners.PartnerWebhook(r.Context(), actorOf(r).partner.ID, pathParam(r, "id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, hook)
}

// handleSetWebhook serves PUT /api/v1/partner/sources/{id}/webhook: sets the URL run
// summaries are POSTed to, and answers it with the signing secret.
func (s *Server) handleSetWebhook(w http.ResponseWriter, r *http.Request) {
	owned, err := s.ownSource(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req webhookRequest
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		s.writeError(w, r, badParam("body", "want {\"url\": \"https://…\", \"rotate_secret\": false}: %v", err))
		return
	}
	u, err := url.Parse(req.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		s.writeError(w, r, badParam("url", "want an absolute http(s) URL without credentials"))
		return
	}
	hook, err := s.partners.SetWebhook(r.Context(), actorOf(r).partner.ID, owned.Definition.ID, u.String(), req.RotateSecret)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audit(r, "webhook.set", owned.Definition.ID)
	writeJSON(w, hook)
}

// handleDeleteWebhook serves DELETE /api/v1/partner/sources/{id}/webhook.
func (s *Server) handleDeleteWebhook(w http.ResponseWriter, r *http.Request) {
	id := pathParam(r, "id")
	if err := s.partners.DeleteWebhook(r.Context(), actorOf(r).partner.ID, id); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audit(r, "webhook.delete", id)
	w.WriteHeader(http.StatusNoContent)
}

// rateError is a request over its rate limit: 429, try again after retryAfter.
type rateError struct {
	what       string
	retryAfter time.Duration
}

func (e *rateError) Error() string {
	return fmt.Sprintf("%s: rate limit exceeded, retry in %s", e.what, e.retryAfter.Round(time.Second))
}

// retryAfterSeconds is d as a Retry-After value: whole seconds, at least 1.
func retryAfterSeconds(d time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(d.Seconds()))))
}

// limiters holds one token bucket per key (a token, a source). The keys are bounded:
// partners and their sources, never what a client sends unauthenticated.
type limiters struct {
	limit rate.Limit
	burst int
	mu    sync.Mutex
	m     map[string]*rate.Limiter
}

// maxLimiters is how many keys a limiters holds before it forgets idle ones.
const maxLimiters = 10000

func newLimiters(limit rate.Limit, burst int) *limiters {
	return &limiters{limit: limit, burst: max(burst, 1), m: map[string]*rate.Limiter{}}
}

// allow takes one event for key; when there is none left it answers how long
// until there is. A nil *limiters allows everything.
func (l *limiters) allow(key string, now time.Time) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	l.mu.Lock()
	lim, ok := l.m[key]
	if !ok && len(l.m) >= maxLimiters {
		// Keys (client IPs) come and go: forget those whose bucket is full again,
		// which is the state a new limiter starts in.
		for k, old := range l.m {
			if old.TokensAt(now) >= float64(l.burst) {
				delete(l.m, k)
			}
		}
	}
	if !ok {
		lim = rate.NewLimiter(l.limit, l.burst)
		l.m[key] = lim
	}
	l.mu.Unlock()
	res := lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}
