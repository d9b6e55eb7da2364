// Package crawler fetches sources politely and safely and schedules their crawls.
//
// A Crawler fetches a source's documents with colly: politely (robots.txt and its
// Crawl-delay honoured, one request at a time and one connection per host, a pause
// between requests to the same host, a User-Agent naming Ensemble, conditional GET)
// and safely (connections to loopback, private, link-local and metadata addresses
// refused when dialed unless allowed, bodies bounded after decompression, redirects
// capped, a deadline on every request and on the whole run). It hands the bytes to
// the pure parsers of package sources, normalizes the listings with package record
// and gives the result to a Sink (the store) in one call. A crawl that could not
// read its source fails as a whole and carries no records, so it changes none; it is
// still handed to the Sink so the run is recorded.
//
// A Scheduler runs each source's crawl on its cron schedule (in UTC), and on demand,
// through a bounded pool of workers: sources on different hosts in parallel, sources
// on one host one after the other.
package crawler

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/sources"
)

// Sink receives what a crawl found. The store implements it: one call = one transaction.
// A crawl whose Run.Status is record.RunNotModified carries no records and must
// change nothing but the list of runs.
type Sink interface {
	SaveCrawl(ctx context.Context, c record.Crawl) (record.Run, error)
}

// ValidatorStore keeps each source's HTTP validators between crawls, for
// conditional GET. A Sink that also implements it gets them read before each Crawl
// and saved after a crawl that changed them and was saved with status ok or
// not_modified.
type ValidatorStore interface {
	// Validators returns what SetValidators saved for source, or the zero
	// Validators (and no error) if nothing was.
	Validators(ctx context.Context, source string) (Validators, error)
	// SetValidators saves v for source, replacing what was saved.
	SetValidators(ctx context.Context, source string, v Validators) error
}

// Validators are what a server said identifies the version of a source's document,
// sent back to ask for it only if it changed (If-None-Match, If-Modified-Since).
// They are kept only for a source that is one document (no pagination, no detail
// pages): other pages can change while the first does not.
type Validators struct {
	ETag         string `json:"etag,omitempty"`          // ETag header
	LastModified string `json:"last_modified,omitempty"` // Last-Modified header, as sent
	// Definition is a fingerprint of the definition the document was read with:
	// validators of another definition are not used, so that a source whose
	// selectors changed is read again even if its document did not change.
	Definition string `json:"definition,omitempty"`
}

// IsZero reports whether v holds no validator.
func (v Validators) IsZero() bool { return v.ETag == "" && v.LastModified == "" }

// header returns the conditional request headers of v, or nil.
func (v Validators) header() http.Header {
	if v.IsZero() {
		return nil
	}
	h := http.Header{}
	if v.ETag != "" {
		h.Set("If-None-Match", v.ETag)
	}
	if v.LastModified != "" {
		h.Set("If-Modified-Since", v.LastModified)
	}
	return h
}

// fingerprint identifies def's content (Validators.Definition).
func fingerprint(def sources.Definition) string {
	b, err := json.Marshal(def)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// Defaults of Options.
const (
	DefaultUserAgent   = "Ensemble/0.1 (+https://github.com/ensemble-be/ensemble)"
	DefaultTimeout     = 30 * time.Second
	DefaultMaxBodySize = 10 << 20
	DefaultDelay       = time.Second
	DefaultRunTimeout  = 5 * time.Minute
	DefaultWorkers     = 4
)

const (
	// maxRedirects is how many redirects one request follows.
	maxRedirects = 5
	// maxProblems bounds the problems one run keeps; the rest are counted.
	maxProblems = 200
	// saveTimeout bounds saving a crawl, which goes on after the crawl's ctx is
	// cancelled so that a cancelled run is still recorded.
	saveTimeout = 30 * time.Second
)

// Options configure a Crawler. The zero value of each field means its default.
type Options struct {
	// UserAgent is sent with every request, robots.txt included, and is the agent
	// robots.txt rules are matched against. It should name Ensemble and a contact
	// URL. Default DefaultUserAgent.
	UserAgent string
	// Timeout bounds one request, body included. Default DefaultTimeout.
	Timeout time.Duration
	// RunTimeout bounds one crawl of a source, all its requests and pauses
	// included: a slow or hanging server fails the run ("run deadline of 5m0s
	// exceeded") and frees its worker. Default DefaultRunTimeout; negative means
	// none.
	RunTimeout time.Duration
	// MaxBodySize is the largest body accepted, in bytes, after decompression. A
	// list page over it fails the run ("body over N bytes"); a detail page over it
	// is skipped with a problem. Default DefaultMaxBodySize.
	MaxBodySize int
	// Delay is the pause between two requests to the same host (a source's
	// CrawlDelay overrides it, and a longer robots.txt Crawl-delay, up to
	// MaxCrawlDelay, wins over both). Default DefaultDelay; negative means no pause
	// (tests).
	Delay time.Duration
	// AllowHosts are the hosts and addresses the crawler may connect to although
	// Classify refuses them (--allow-hosts, ENSEMBLE_ALLOW_HOSTS): nil allows no
	// loopback, private, link-local or metadata address. See ParseAllowList.
	// Unused when Transport is set.
	AllowHosts *AllowList
	// Transport makes the HTTP requests (tests). Default: a transport whose dialer
	// refuses the addresses Classify refuses, except those AllowHosts allows, with
	// one connection per host and timeouts on dialing, TLS and response headers.
	// A Transport set here is used as it is, without that guard.
	Transport http.RoundTripper
	// Logger receives crawl summaries. Default: discard.
	Logger *slog.Logger
	// Now tells the time of runs and fetches. Default time.Now.
	Now func() time.Time
	// Workers is how many crawls a Scheduler of this Crawler runs at once, each
	// on a different host. Default DefaultWorkers.
	Workers int
	// Gate, if set, is asked before a Scheduler crawls a source (on schedule or
	// RunNow): a paused source, or one backing off after failures, answers false
	// with the reason, and the crawl is skipped.
	Gate func(ctx context.Context, source string) (ok bool, reason string)
}

// Crawler fetches sources and saves what it found to a Sink. It is safe for
// concurrent use: each Fetch builds its own collector.
type Crawler struct {
	sink  Sink
	opts  Options
	log   *slog.Logger
	clock *hostClock // when each host was last asked, across crawls
}

// New returns a Crawler that saves to sink (which may be nil if only Fetch is used).
func New(sink Sink, opts Options) *Crawler {
	if opts.UserAgent == "" {
		opts.UserAgent = DefaultUserAgent
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxBodySize <= 0 {
		opts.MaxBodySize = DefaultMaxBodySize
	}
	switch {
	case opts.Delay == 0:
		opts.Delay = DefaultDelay
	case opts.Delay < 0:
		opts.Delay = 0
	}
	switch {
	case opts.RunTimeout == 0:
		opts.RunTimeout = DefaultRunTimeout
	case opts.RunTimeout < 0:
		opts.RunTimeout = 0
	}
	if opts.Transport == nil {
		opts.Transport = newGuardedTransport(opts.AllowHosts)
	}
	if opts.Workers <= 0 {
		opts.Workers = DefaultWorkers
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Crawler{sink: sink, opts: opts, log: opts.Logger, clock: newHostClock()}
}

// Crawl fetches def (see FetchSince), saves the result to the Sink and logs a
// summary. A crawl that failed is saved too, and is reported in the returned Run's
// Status and Error, not as an error: the error is for a crawl that could not be
// saved. Saving goes on when ctx is cancelled (bounded by its own timeout) so that a
// cancelled crawl is recorded. If the Sink is a ValidatorStore, the source's
// validators are read before the fetch and saved after it.
func (c *Crawler) Crawl(ctx context.Context, def sources.Definition) (record.Run, error) {
	start := time.Now()
	if c.sink == nil {
		return record.Run{Source: def.ID, Status: record.RunFailed, Error: "no sink to save to"},
			fmt.Errorf("crawl %s: no sink to save to", def.ID)
	}
	vs, _ := c.sink.(ValidatorStore)
	var prev Validators
	if vs != nil {
		v, err := vs.Validators(ctx, def.ID)
		if err != nil {
			c.log.WarnContext(ctx, "crawl: validators not read: fetching unconditionally", "source", def.ID, "error", err)
		} else {
			prev = v
		}
	}
	cr, next := c.FetchSince(ctx, def, prev)
	saveCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), saveTimeout)
	defer cancel()
	run, err := c.sink.SaveCrawl(saveCtx, cr)
	if err == nil && vs != nil && next != prev &&
		(run.Status == record.RunOK || run.Status == record.RunNotModified) {
		if verr := vs.SetValidators(saveCtx, def.ID, next); verr != nil {
			c.log.WarnContext(ctx, "crawl: validators not saved", "source", def.ID, "error", verr)
		}
	}
	attrs := []any{
		"source", def.ID,
		"status", cr.Run.Status,
		"records", len(cr.Records),
		"pages", cr.Run.Pages,
		"rejected", cr.Run.Rejected,
		"problems", len(cr.Run.Problems),
		"complete", cr.Complete,
		"http_status", cr.Run.HTTPStatus,
	}
	if cr.Run.DetectedKind != "" {
		attrs = append(attrs, "detected_kind", cr.Run.DetectedKind)
	}
	if err != nil {
		attrs = append(attrs, "duration_ms", time.Since(start).Milliseconds(), "error", err)
		c.log.ErrorContext(ctx, "crawl not saved", attrs...)
		return cr.Run, fmt.Errorf("crawl %s: save: %w", def.ID, err)
	}
	attrs = append(attrs,
		"inserted", run.Inserted, "updated", run.Updated, "withdrawn", run.Withdrawn,
		"duration_ms", time.Since(start).Milliseconds())
	level := slog.LevelInfo
	if cr.Run.Status == record.RunFailed {
		level = slog.LevelWarn
		attrs = append(attrs, "error", cr.Run.Error)
	}
	c.log.Log(ctx, level, "crawl", attrs...)
	return run, nil
}

// Fetch crawls def without saving: FetchSince without validators.
func (c *Crawler) Fetch(ctx context.Context, def sources.Definition) record.Crawl {
	cr, _ := c.FetchSince(ctx, def, Validators{})
	return cr
}

// FetchSince crawls def without saving. It fetches def.URL, follows pagination
// (the parser's next page, at most def.HTML.MaxPages pages, never a page twice) and
// html detail pages (def.HTML.Link), parses each document with package sources and
// normalizes each listing with record.Normalize. A source of kind auto is read as
// the kind sources.Detect finds in its first document (Run.DetectedKind).
//
// prev are the validators of the source's previous crawl: the first request is
// then conditional, and if the server answers 304 Not Modified the run's Status is
// record.RunNotModified, without records and not Complete. Run.HTTPStatus is the
// status of the first document. FetchSince returns the validators to keep for the
// next crawl: the new ones after a complete crawl of a one-document source, prev
// otherwise (the zero Validators for a source of several documents).
//
// The run fails, with an Error and no Records, when a list page cannot be fetched
// (network error, refused address, status other than 2xx, body over MaxBodySize,
// robots.txt, the run's deadline), when a document cannot be parsed at all, or
// when ctx is cancelled. A detail page that cannot be fetched leaves its listing
// with the list page's fields and a problem. Listings that cannot be normalized are
// counted in Run.Rejected; of listings with the same record id only the first is
// kept. Complete is true only when every page and detail page was fetched and
// pagination ended by itself.
//
// A panic in a parser or in normalization fails the run instead of the process.
func (c *Crawler) FetchSince(ctx context.Context, def sources.Definition, prev Validators) (out record.Crawl, next Validators) {
	cr := &crawl{
		def:  def,
		run:  record.Run{Source: def.ID, Status: record.RunRunning, StartedAt: c.opts.Now().UTC()},
		prev: prev,
		next: prev,
	}
	if prev.Definition != fingerprint(def) {
		cr.prev, cr.next = Validators{}, Validators{}
	}
	if c.opts.RunTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, c.opts.RunTimeout,
			fmt.Errorf("run deadline of %v exceeded", c.opts.RunTimeout))
		defer cancel()
	}
	defer func() {
		if r := recover(); r != nil {
			c.log.ErrorContext(ctx, "crawl panicked", "source", def.ID, "error", fmt.Sprint(r), "stack", string(debug.Stack()))
			out, next = cr.finish(fmt.Errorf("crawl panicked: %v", r), c.opts.Now().UTC()), cr.prev
		}
	}()
	err := c.fetch(ctx, cr)
	out = cr.finish(err, c.opts.Now().UTC())
	return out, cr.validators(out)
}

// crawl is the state of one Fetch.
type crawl struct {
	def         sources.Definition // with the detected kind, for an auto source
	run         record.Run
	listings    []found
	complete    bool
	notModified bool // the first document answered 304
	dropped     int  // problems over maxProblems
	prev, next  Validators
	detailPages int // detail pages fetched
}

// found is a listing and where and when it was fetched.
type found struct {
	listing record.Listing
	page    string    // URL of the list page it was found on
	fetched time.Time // when its latest document (list or detail page) was fetched
}

func (cr *crawl) problem(format string, args ...any) {
	if len(cr.run.Problems) >= maxProblems {
		cr.dropped++
		return
	}
	cr.run.Problems = append(cr.run.Problems, oneLine(fmt.Sprintf(format, args...)))
}

func (cr *crawl) count(doc document) {
	cr.run.Pages++
	cr.run.Bytes += int64(len(doc.body))
}

func (c *Crawler) fetch(ctx context.Context, cr *crawl) error {
	def := cr.def
	if err := def.Validate(); err != nil {
		return fmt.Errorf("definition %q: %w", def.ID, err)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("crawl not started: %w", context.Cause(ctx))
	}
	f := c.newFetcher(ctx, def)
	maxPages := sources.DefaultMaxPages
	if def.HTML != nil && def.HTML.MaxPages > 0 {
		maxPages = def.HTML.MaxPages
	}

	cr.complete = true
	seen := map[string]bool{}
	next := def.URL
	for n := 1; next != ""; n++ {
		first := n == 1
		if n > maxPages {
			cr.complete = false
			cr.problem("pagination stopped after max_pages (%d) pages: %s not fetched", maxPages, next)
			break
		}
		if seen[next] {
			cr.problem("page %d: next page %s was already fetched: pagination stopped", n-1, next)
			break
		}
		seen[next] = true
		var hdr http.Header
		if first {
			hdr = cr.prev.header()
		}
		doc, err := f.get(next, hdr)
		if first {
			cr.run.HTTPStatus = doc.status
		}
		if err != nil {
			return err
		}
		if doc.status == http.StatusNotModified {
			cr.notModified = true
			cr.next = Validators{
				ETag:         cmp.Or(doc.etag, cr.prev.ETag),
				LastModified: cmp.Or(doc.lastModified, cr.prev.LastModified),
				Definition:   cr.prev.Definition,
			}
			return nil
		}
		if first {
			cr.next = Validators{ETag: doc.etag, LastModified: doc.lastModified, Definition: fingerprint(cr.def)}
			if def.Kind == sources.KindAuto {
				var detected string
				def, detected, err = detect(def, doc)
				cr.run.DetectedKind = detected
				if err != nil {
					return err
				}
				cr.def = def
			}
		}
		seen[doc.url] = true
		cr.count(doc)
		page, err := sources.Parse(def, doc.text(def.Kind), doc.url)
		if err != nil {
			return fmt.Errorf("parse %s: %w", doc.url, err)
		}
		for _, p := range page.Problems {
			cr.problem("%s: %s", doc.url, p)
		}
		for _, l := range page.Listings {
			cr.listings = append(cr.listings, found{listing: l, page: doc.url, fetched: doc.fetched})
		}
		next = page.Next
	}

	if def.Kind == sources.KindHTML && def.HTML != nil && def.HTML.Link != "" && len(cr.listings) > 0 {
		if err := cr.fetchDetails(f); err != nil {
			return err
		}
	}
	if ctx.Err() != nil {
		return fmt.Errorf("crawl cancelled: %w", context.Cause(ctx))
	}
	return nil
}

// fetchDetails fetches each listing's detail page once (listings may share one) and
// merges it into the listings. Only cancellation fails the crawl.
func (cr *crawl) fetchDetails(f *fetcher) error {
	var order []string
	byURL := map[string][]int{}
	for i, fl := range cr.listings {
		u := resolve(fl.page, fl.listing.URL)
		if u == "" {
			continue
		}
		if _, ok := byURL[u]; !ok {
			order = append(order, u)
		}
		byURL[u] = append(byURL[u], i)
	}
	for _, u := range order {
		doc, err := f.get(u, nil)
		if err != nil {
			if ctxErr := f.ctx.Err(); ctxErr != nil {
				return err
			}
			cr.complete = false
			cr.problem("detail page %v (listing kept with its list page's fields)", err)
			continue
		}
		cr.count(doc)
		cr.detailPages++
		text := doc.text(sources.KindHTML)
		for _, i := range byURL[u] {
			for _, p := range sources.ParseDetail(cr.def, text, doc.url, &cr.listings[i].listing) {
				cr.problem("%s: %s", doc.url, p)
			}
			cr.listings[i].fetched = doc.fetched
		}
	}
	return nil
}

// finish turns the state into a record.Crawl: a failed one without records if err is
// set, else the normalized records.
func (cr *crawl) finish(err error, now time.Time) record.Crawl {
	cr.run.FinishedAt = now
	cr.run.Found = len(cr.listings)
	if err != nil {
		cr.run.Status = record.RunFailed
		cr.run.Error = oneLine(err.Error())
		cr.addDropped()
		return record.Crawl{Run: cr.run}
	}
	if cr.notModified {
		cr.run.Status = record.RunNotModified
		cr.addDropped()
		return record.Crawl{Run: cr.run}
	}
	out := record.Crawl{Complete: cr.complete}
	ids := map[string]int{} // record id → number of the listing kept
	for i, fl := range cr.listings {
		where := fmt.Sprintf("listing %d (%s)", i+1, cmp.Or(fl.listing.URL, fl.page))
		fl.listing.Page = fl.page
		r, err := record.Normalize(cr.def.Origin(fl.page), fl.listing, fl.fetched)
		if err != nil {
			cr.run.Rejected++
			cr.problem("%s: %v", where, err)
			continue
		}
		if j, dup := ids[r.ID]; dup {
			cr.problem("%s: same id as listing %d (local id %q): kept the first", where, j, r.LocalID)
			continue
		}
		ids[r.ID] = i + 1
		out.Records = append(out.Records, r)
		out.Verbatim = append(out.Verbatim, fl.listing)
	}
	cr.run.Status = record.RunOK
	cr.addDropped()
	out.Run = cr.run
	return out
}

// validators returns the validators to keep after out: the new ones of a complete
// crawl of one document, those of a 304 answer, prev otherwise.
func (cr *crawl) validators(out record.Crawl) Validators {
	switch out.Run.Status {
	case record.RunNotModified:
		return cr.next
	case record.RunOK:
		if out.Complete && out.Run.Pages == 1 && cr.detailPages == 0 {
			if cr.next.IsZero() {
				return Validators{}
			}
			return cr.next
		}
		return Validators{}
	}
	return cr.prev
}

func (cr *crawl) addDropped() {
	if cr.dropped > 0 {
		cr.run.Problems = append(cr.run.Problems, fmt.Sprintf("%d more problems not kept", cr.dropped))
		cr.dropped = 0
	}
}

// oneLine joins the lines of s (errors.Join separates errors with newlines).
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}
