// Package crawler fetches sources politely and safely and schedules their crawls.
//
// A Crawler fetches a source's documents with colly (robots.txt honoured, one request
// at a time, a pause between requests to the same host, bounded bodies, redirects and
// pagination), hands the bytes to the pure parsers of package sources, normalizes the
// listings with package record and gives the result to a Sink (the store) in one
// call. A crawl that could not read its source fails as a whole and carries no
// records, so it changes none; it is still handed to the Sink so the run is recorded.
//
// A Scheduler runs each source's crawl on its cron schedule (in UTC), and on demand.
package crawler

import (
	"cmp"
	"context"
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
type Sink interface {
	SaveCrawl(ctx context.Context, c record.Crawl) (record.Run, error)
}

// Defaults of Options.
const (
	DefaultUserAgent   = "Ensemble/0.1 (+https://github.com/ensemble-be/ensemble)"
	DefaultTimeout     = 30 * time.Second
	DefaultMaxBodySize = 10 << 20
	DefaultDelay       = time.Second
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
	// robots.txt rules are matched against. Default DefaultUserAgent.
	UserAgent string
	// Timeout bounds one request, body included. Default DefaultTimeout.
	Timeout time.Duration
	// MaxBodySize is the largest body accepted, in bytes. A list page over it fails
	// the run ("body over N bytes"); a detail page over it is skipped with a problem.
	// Default DefaultMaxBodySize.
	MaxBodySize int
	// Delay is the pause between two requests to the same host. Default
	// DefaultDelay; negative means no pause (tests).
	Delay time.Duration
	// Transport makes the HTTP requests (tests, an SSRF guard). Default
	// http.DefaultTransport.
	Transport http.RoundTripper
	// Logger receives crawl summaries. Default: discard.
	Logger *slog.Logger
	// Now tells the time of runs and fetches. Default time.Now.
	Now func() time.Time
}

// Crawler fetches sources and saves what it found to a Sink. It is safe for
// concurrent use: each Fetch builds its own collector.
type Crawler struct {
	sink Sink
	opts Options
	log  *slog.Logger
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
	if opts.Transport == nil {
		opts.Transport = http.DefaultTransport
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Crawler{sink: sink, opts: opts, log: opts.Logger}
}

// Crawl fetches def (see Fetch), saves the result to the Sink and logs a summary. A
// crawl that failed is saved too, and is reported in the returned Run's Status and
// Error, not as an error: the error is for a crawl that could not be saved. Saving
// goes on when ctx is cancelled (bounded by its own timeout) so that a cancelled
// crawl is recorded.
func (c *Crawler) Crawl(ctx context.Context, def sources.Definition) (record.Run, error) {
	start := time.Now()
	cr := c.Fetch(ctx, def)
	if c.sink == nil {
		return cr.Run, fmt.Errorf("crawl %s: no sink to save to", def.ID)
	}
	saveCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), saveTimeout)
	defer cancel()
	run, err := c.sink.SaveCrawl(saveCtx, cr)
	attrs := []any{
		"source", def.ID,
		"status", cr.Run.Status,
		"records", len(cr.Records),
		"pages", cr.Run.Pages,
		"rejected", cr.Run.Rejected,
		"problems", len(cr.Run.Problems),
		"complete", cr.Complete,
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

// Fetch crawls def without saving. It fetches def.URL, follows html pagination
// (def.HTML.Next, at most def.HTML.MaxPages pages, never a page twice) and detail
// pages (def.HTML.Link), parses each document with package sources and normalizes
// each listing with record.Normalize.
//
// The run fails, with an Error and no Records, when a list page cannot be fetched
// (network error, status other than 2xx, body over MaxBodySize, robots.txt), when a
// document cannot be parsed at all, or when ctx is cancelled. A detail page that
// cannot be fetched leaves its listing with the list page's fields and a problem.
// Listings that cannot be normalized are counted in Run.Rejected; of listings with
// the same record id only the first is kept. Complete is true only when every page
// and detail page was fetched and pagination ended by itself.
//
// A panic in a parser or in normalization fails the run instead of the process.
func (c *Crawler) Fetch(ctx context.Context, def sources.Definition) (out record.Crawl) {
	cr := &crawl{
		def: def,
		run: record.Run{Source: def.ID, Status: record.RunRunning, StartedAt: c.opts.Now().UTC()},
	}
	defer func() {
		if r := recover(); r != nil {
			c.log.ErrorContext(ctx, "crawl panicked", "source", def.ID, "error", fmt.Sprint(r), "stack", string(debug.Stack()))
			out = cr.finish(fmt.Errorf("crawl panicked: %v", r), c.opts.Now().UTC())
		}
	}()
	err := c.fetch(ctx, cr)
	return cr.finish(err, c.opts.Now().UTC())
}

// crawl is the state of one Fetch.
type crawl struct {
	def      sources.Definition
	run      record.Run
	listings []found
	complete bool
	dropped  int // problems over maxProblems
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
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("crawl not started: %w", err)
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
		doc, err := f.get(next)
		if err != nil {
			return err
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

	if def.Kind == sources.KindHTML && def.HTML != nil && def.HTML.Link != "" {
		if err := cr.fetchDetails(f); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("crawl cancelled: %w", err)
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
		doc, err := f.get(u)
		if err != nil {
			if ctxErr := f.ctx.Err(); ctxErr != nil {
				return err
			}
			cr.complete = false
			cr.problem("detail page %v (listing kept with its list page's fields)", err)
			continue
		}
		cr.count(doc)
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
