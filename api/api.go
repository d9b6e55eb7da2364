// Package api is Ensemble's HTTP surface: search, records, sources and their runs,
// and the open dumps, as JSON with RFC 9457 problem+json errors. It knows the index
// and the store only through the small interfaces declared here; cmd/ensemble wires
// the real ones in.
package api

import (
	"context"
	"golang.org/x/time/rate"
	"iter"
	"log/slog"
	"net/http"
	"time"

	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/sources"
)

// SearchQuery is a parsed and validated search request.
type SearchQuery struct {
	Text     string
	Kinds    []string // taxonomy ids, parents already expanded to their descendants
	Statuses []string // empty means active only
	Sources  []string
	Language string
	// Audiences, Topics and Facilitation are taxonomy ids, expanded like Kinds.
	Audiences, Topics, Facilitation []string
	Attendance                      []string
	Regions                         []string // Brussels, Flanders, Wallonia
	Provinces                       []string // as record.Location.Province
	Postcodes                       []string
	Flags, NoFlags                  []string // flag codes a record must carry (any) / must not carry
	// Near, if set, keeps records within RadiusKm of it (records without coordinates
	// are left out) and allows Sort "distance".
	Near     *GeoPoint
	RadiusKm float64
	// From and To keep records with an occurrence (schedule start or next dates) in
	// [From, To); a zero bound is open.
	From, To time.Time
	// Weekdays keeps records with an occurrence on one of these days (Europe/Brussels).
	Weekdays []time.Weekday
	// TimeFrom and TimeTo, minutes after midnight in Europe/Brussels, keep records with
	// an occurrence starting in [TimeFrom, TimeTo); both 0 means no window.
	TimeFrom, TimeTo int
	// Free keeps records that say they are free; MaxCost (≥ 0, nil for none) keeps
	// those free or whose minimum price is at most MaxCost.
	Free    bool
	MaxCost *float64
	// UpdatedAfter keeps records whose content changed after it (zero: all).
	UpdatedAfter time.Time
	// Sort is "" or "relevance" (the empty query sorts by title), "date" (next
	// occurrence first, none last), "distance" (needs Near), "updated" (newest first).
	Sort string
	// After is the cursor of the previous page (SearchResult.Next): it pages without
	// a depth limit and overrides Page.
	After   string
	Page    int // 1-based
	PerPage int
	// Facets asks for the counts of every filter dimension over the matches.
	Facets bool
	// Explain asks for each hit's score breakdown.
	Explain bool
	// Understood is set when the text named a time, taken out of Text into From and
	// To: {"q": the words left, "when": today, tomorrow, weekend, week or month}.
	Understood map[string]string
}

// GeoPoint is a WGS84 position in degrees.
type GeoPoint struct{ Lat, Lon float64 }

// SearchResult is a page of matching records, best first, and how many match.
type SearchResult struct {
	Total uint64
	IDs   []string
	// Hits has one entry per id, in the same order.
	Hits []SearchHit
	// Facets counts the matches per value of each dimension (kind, audience, topic,
	// facilitation, attendance, language, region, province, source, flag, weekday,
	// cost): value ids, most frequent first. A dimension's counts ignore the
	// dimension's own filter, so a person can widen a choice.
	Facets map[string][]FacetCount
	// Next is the cursor of the following page; empty on the last page.
	Next string
}

// SearchHit is one match: its score, its distance from Near (km, -1 when unknown or
// no Near), its next occurrence (zero when none) and, with Explain, the score's
// breakdown as text.
type SearchHit struct {
	ID          string
	Score       float64
	DistanceKm  float64
	NextDate    time.Time
	Explanation string
}

// FacetCount is how many matches have one value of a dimension.
type FacetCount struct {
	Value string
	Count int
}

// Searcher answers searches; the index implements it (through cmd).
type Searcher interface {
	Search(ctx context.Context, q SearchQuery) (SearchResult, error)
	// EachID yields the id of every match of q, without paging, for exports.
	EachID(ctx context.Context, q SearchQuery) iter.Seq2[string, error]
}

// Highlighter marks the words of a query in a text: it returns the text
// HTML-escaped with <mark> around the matches, and whether anything matched.
type Highlighter interface {
	Highlight(text, query, lang string) (string, bool)
}

// Suggester completes what a person is typing.
type Suggester interface {
	Suggest(ctx context.Context, prefix, lang string, n int) ([]Suggestion, error)
}

// Suggestion is one completion: the text to search and what it is (a word of the
// index, or a taxonomy term with its id).
type Suggestion struct {
	Text  string `json:"text"`
	Kind  string `json:"kind"` // "word" or a taxonomy facet: kind, audience, topic...
	Term  string `json:"term,omitempty"`
	Count int    `json:"count,omitempty"` // records with the word, for words
}

// Store is what the API reads from the source of truth.
type Store interface {
	Record(ctx context.Context, id string) (record.Record, error)
	Records(ctx context.Context, ids []string) ([]record.Record, error)
	Sources(ctx context.Context) ([]sources.Registered, error)
	Source(ctx context.Context, id string) (sources.Registered, error)
	Runs(ctx context.Context, source string, limit int) ([]record.Run, error)
	FlagCounts(ctx context.Context, source string) (map[string]int, error)
	Health(ctx context.Context, source string) (sources.Health, error)
	ChangesAfter(ctx context.Context, after int64, limit int) ([]record.Change, error)
	Snapshot(ctx context.Context, fn func(seq int64, records iter.Seq2[record.Record, error]) error) error
}

// Options configure a Server.
type Options struct {
	Store    Store
	Searcher Searcher
	// Highlighter and Suggester, if set, add highlights to search results and serve
	// /api/v1/suggest.
	Highlighter Highlighter
	Suggester   Suggester
	Logger      *slog.Logger
	Version     string
	// NextRun, if set, tells when a source is next crawled on its schedule (zero: not
	// scheduled).
	NextRun func(def sources.Definition) time.Time
	// DumpsDir is the directory of dated snapshots served at /api/v1/dumps.
	DumpsDir string
	// Partners and Crawls, both set, enable the partner API under /api/v1/partner/.
	Partners PartnerStore
	Crawls   Crawls
	// AdminToken, if set, is the bearer token that approves and rejects sources.
	AdminToken string
	// PartnerRate and PartnerBurst limit the requests of each partner token (and of
	// the admin token): PartnerRate a second, in bursts of PartnerBurst. 0: no limit.
	PartnerRate  float64
	PartnerBurst int
	// CrawlEvery is the least time between two crawls of a source asked through the
	// partner API. 0: no limit.
	CrawlEvery time.Duration
	// ClientRate and ClientBurst limit the public requests of each client IP address:
	// ClientRate a second, in bursts of ClientBurst. 0: no limit.
	ClientRate  float64
	ClientBurst int
	// Readiness, if set, tells /readyz whether the search index has caught up with
	// the store, and how many changes behind it is; /metrics exports the lag.
	Readiness Readiness
	// Metrics, if set, are the series /metrics serves; cmd keeps it to count crawl
	// runs. Nil: the server makes its own.
	Metrics *Metrics
	// Site, if set, serves the human pages: "/" and every path outside /api/, the
	// probes and /metrics. PageURL, if set, is the path of a record's page on it,
	// which the search feeds link to.
	Site    http.Handler
	PageURL func(id string) string
}

// Readiness reports whether the index has caught up with the store (lag: changes
// not applied yet).
type Readiness func(ctx context.Context) (ready bool, lag int64, err error)

// Server serves the API.
type Server struct {
	store       Store
	searcher    Searcher
	highlighter Highlighter
	suggester   Suggester
	log         *slog.Logger
	version     string
	nextRun     func(def sources.Definition) time.Time
	dumpsDir    string
	handler     http.Handler

	partners   PartnerStore
	crawls     Crawls
	adminToken string
	perToken   *limiters // nil: no limit
	perCrawl   *limiters // nil: no limit

	perClient      *limiters // public routes, by IP; nil: no limit
	ready          Readiness
	metrics        *Metrics
	metricsHandler http.Handler

	site    http.Handler
	pageURL func(id string) string
}

// New returns a Server over the given store and searcher.
func New(opts Options) *Server {
	s := &Server{store: opts.Store, searcher: opts.Searcher, highlighter: opts.Highlighter, suggester: opts.Suggester, log: opts.Logger, version: opts.Version, nextRun: opts.NextRun,
		dumpsDir: opts.DumpsDir, partners: opts.Partners, crawls: opts.Crawls, adminToken: opts.AdminToken}
	if opts.PartnerRate > 0 {
		s.perToken = newLimiters(rate.Limit(opts.PartnerRate), opts.PartnerBurst)
	}
	if opts.CrawlEvery > 0 {
		s.perCrawl = newLimiters(rate.Every(opts.CrawlEvery), 1)
	}
	if opts.ClientRate > 0 {
		s.perClient = newLimiters(rate.Limit(opts.ClientRate), opts.ClientBurst)
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.ready, s.metrics = opts.Readiness, opts.Metrics
	s.site, s.pageURL = opts.Site, opts.PageURL
	if s.metrics == nil {
		s.metrics = NewMetrics()
	}
	if s.ready != nil {
		s.metrics.watchReadiness(s.ready)
	}
	s.metricsHandler = s.metrics.handler()
	// Outside in: CORS answers preflights, gzip compresses, instrument times every
	// request (429s and 404s too), then the per-client limit, the log and the routes.
	s.handler = withCORS(withGzip(s.instrument(s.limitClients(s.logRequests(s.routes())))))
	return s
}

// Handler is the whole API as one http.Handler.
func (s *Server) Handler() http.Handler { return s.handler }

// HTTPServer returns an http.Server for the API on addr with timeouts set, so a slow
// or idle client cannot hold a connection forever. Streaming handlers extend their
// own write deadline.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

// statusRecorder remembers the status a handler wrote, for the access log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// logRequests wraps the whole router (not mux.Use), so 404s and 405s are logged too.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"duration_ms", time.Since(start).Milliseconds())
	})
}
