// Package web is Ensemble's human face: a server-rendered search page, a page per
// record with its provenance and a "report a problem" form, in French, Dutch and
// English, with the crisis numbers on every page. It works without JavaScript (a
// small script only adds suggestions as you type) and uses the standard library's
// ServeMux: gorilla/mux stays in api/routes.go, which mounts this handler.
//
// It reads through the api package's Searcher and Store interfaces, so it searches
// exactly as the API does.
package web

import (
	"context"
	"crypto/rand"
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/ensemble-be/ensemble/api"
	"github.com/ensemble-be/ensemble/record"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// ReportSink saves a problem reported on a record; the store implements it. An
// unknown record is record.ErrNotFound.
type ReportSink interface {
	AddReport(ctx context.Context, r record.Report) (record.Report, error)
}

// Options configure a Site.
type Options struct {
	Searcher api.Searcher
	Store    api.Store
	// Reports, if set, receives the "report a problem" forms; nil hides the form.
	Reports ReportSink
	Logger  *slog.Logger
	// Secret signs the report form's timestamp; empty: a random one per process
	// (forms rendered before a restart then ask to be sent again).
	Secret []byte
	// MinFormTime is the least time between rendering the report form and sending it
	// (robots are faster); 0: 3 seconds. MaxFormAge is how long a form stays valid;
	// 0: 2 hours.
	MinFormTime, MaxFormAge time.Duration
	// ReportEvery and ReportBurst limit the reports of one client IP address: one
	// every ReportEvery, in bursts of ReportBurst. 0: one a minute, bursts of 5.
	ReportEvery time.Duration
	ReportBurst int
	// Now is the clock; nil: time.Now.
	Now func() time.Time
}

// Site serves the pages. It is an http.Handler.
type Site struct {
	opts    Options
	log     *slog.Logger
	pages   *pages
	mux     *http.ServeMux
	limiter *ipLimiter
}

// New returns the site.
func New(opts Options) *Site {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if len(opts.Secret) == 0 {
		opts.Secret = make([]byte, 32)
		rand.Read(opts.Secret) // never fails (crypto/rand)
	}
	if opts.MinFormTime == 0 {
		opts.MinFormTime = 3 * time.Second
	}
	if opts.MaxFormAge == 0 {
		opts.MaxFormAge = 2 * time.Hour
	}
	if opts.ReportEvery == 0 {
		opts.ReportEvery = time.Minute
	}
	if opts.ReportBurst == 0 {
		opts.ReportBurst = 5
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Site{opts: opts, log: opts.Logger, pages: parsePages(), mux: http.NewServeMux(),
		limiter: newIPLimiter(opts.ReportEvery, opts.ReportBurst)}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embedded directory exists
	}
	files := http.StripPrefix("/static/", http.FileServerFS(static))
	s.mux.Handle("GET /static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	}))
	s.mux.HandleFunc("GET /{$}", s.handleSearch)
	s.mux.HandleFunc("GET /groups/{id}", s.handleRecord)
	s.mux.HandleFunc("POST /groups/{id}/report", s.handleReport)
	s.mux.HandleFunc("/", s.handleNotFound)
	return s
}

// RecordPath is the path of a record's page.
func RecordPath(id string) string { return "/groups/" + url.PathEscape(id) }

// ServeHTTP serves the pages with the security headers every page carries.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	s.mux.ServeHTTP(w, r)
}

func (s *Site) handleNotFound(w http.ResponseWriter, r *http.Request) {
	lang := pickLanguage(r)
	s.render(w, r, http.StatusNotFound, "message", s.newPage(r, lang, translate(lang, "notfound_title")), messagePage{
		Title: translate(lang, "notfound_title"), Text: translate(lang, "notfound_text")})
}

// serverError logs err and answers a plain page (the details stay in the log).
func (s *Site) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() == nil {
		s.log.Error("page failed", "path", r.URL.Path, "error", err)
	}
	lang := pickLanguage(r)
	s.render(w, r, http.StatusInternalServerError, "message", s.newPage(r, lang, translate(lang, "error_title")), messagePage{
		Title: translate(lang, "error_title"), Text: translate(lang, "error_text")})
}

// brussels is where dates, weekdays and times of day are reckoned.
var brussels = record.Brussels
