package crawler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gocolly/colly/v2"
	"github.com/temoto/robotstxt"

	"github.com/ensemble-be/ensemble/sources"
)

// MaxCrawlDelay caps the Crawl-delay a robots.txt may ask for.
const MaxCrawlDelay = time.Minute

// maxRobotsSize is how much of a robots.txt is read (Google reads 500 KiB); colly
// reads it without a bound.
const maxRobotsSize = 512 << 10

// document is one fetched document.
type document struct {
	url          string // after redirects; relative links resolve against it
	status       int    // HTTP status; 0 when no response came
	contentType  string // as the server sent it
	etag         string // validators, as the server sent them
	lastModified string
	body         []byte // as the server sent it
	fetched      time.Time
}

// text returns the body for the parser of kind: HTML and JSON-LD decoded to UTF-8,
// CSV as sent (its definition declares its encoding).
func (d document) text(kind sources.Kind) []byte {
	if kind == sources.KindCSV {
		return d.body
	}
	return decodeText(d.body, d.contentType)
}

// fetcher fetches the documents of one crawl, one at a time, with a fresh colly
// collector (a collector remembers what it visited and caches robots.txt).
type fetcher struct {
	col     *colly.Collector
	ctx     context.Context // the run's: cancelled at its deadline
	tr      *transport
	clock   *hostClock
	maxBody int
	timeout time.Duration
	delay   time.Duration
	now     func() time.Time

	// The request in flight: requests are sequential, so callbacks write here.
	resp        *colly.Response
	contentType string
	etag        string
	lastMod     string
	declared    int64  // Content-Length over maxBody, when the request was aborted for it
	redirected  string // the latest redirect's target
}

func (c *Crawler) newFetcher(ctx context.Context, def sources.Definition) *fetcher {
	delay := c.opts.Delay
	if d, ok := def.Delay(); ok {
		delay = d // the source's own setting wins over the crawler's default
	}
	f := &fetcher{
		ctx: ctx,
		tr: &transport{base: c.opts.Transport, ctx: ctx, agent: c.opts.UserAgent,
			clock: c.clock, robots: map[string]int{}},
		clock:   c.clock,
		maxBody: c.opts.MaxBodySize,
		timeout: c.opts.Timeout,
		delay:   delay,
		now:     c.opts.Now,
	}
	col := colly.NewCollector()
	// NewCollector applies COLLY_* environment variables last, over its options: set
	// every field that matters after it so the environment cannot change them.
	col.UserAgent = c.opts.UserAgent
	col.Headers = nil
	col.IgnoreRobotsTxt = false // colly's default is true
	col.Async = false
	col.MaxDepth = 0
	col.MaxRequests = 0
	col.AllowedDomains = nil
	col.DisallowedDomains = nil
	col.CacheDir = ""
	col.TraceHTTP = false
	col.CheckHead = false
	// The crawl tracks the pages it fetched itself; colly would also refuse a
	// redirect to a page fetched before (two listings sharing a detail page).
	col.AllowURLRevisit = true
	// Every status reaches OnResponse and is judged here; colly sends >= 203 to
	// OnError with only the status text.
	col.ParseHTTPErrorResponse = true
	// colly truncates a body at MaxBodySize without a word: read one byte more to
	// tell a body over the limit from one exactly at it. The limit applies to the
	// bytes after net/http's transparent gzip decoding, so a small compressed body
	// cannot expand past it; colly's own gunzip (which would expand after the limit)
	// is refused by transport.
	col.MaxBodySize = c.opts.MaxBodySize + 1
	// The crawler decodes text itself (see decodeText); colly's guess is off.
	col.DetectCharset = false
	col.Context = ctx
	col.SetRequestTimeout(c.opts.Timeout)
	col.WithTransport(f.tr)
	col.SetRedirectHandler(func(req *http.Request, via []*http.Request) error {
		if len(via) > maxRedirects {
			return fmt.Errorf("more than %d redirects", maxRedirects)
		}
		f.redirected = req.URL.String()
		return nil
	})
	col.OnResponseHeaders(func(r *colly.Response) {
		// A declared length over the limit is refused before reading the body.
		if n, err := strconv.ParseInt(r.Headers.Get("Content-Length"), 10, 64); err == nil && n > int64(f.maxBody) {
			f.declared = n
			r.Request.Abort()
			return
		}
		f.etag = r.Headers.Get("ETag")
		f.lastMod = r.Headers.Get("Last-Modified")
		// colly converts a body whose Content-Type names a charset, replacing bytes
		// it cannot read, and would decode a CSV its parser decodes again. Keep the
		// header for decodeText and hide the charset from colly.
		f.contentType = r.Headers.Get("Content-Type")
		if mt, _, err := mime.ParseMediaType(f.contentType); err == nil {
			r.Headers.Set("Content-Type", mt)
		} else {
			r.Headers.Del("Content-Type")
		}
	})
	col.OnResponse(func(r *colly.Response) { f.resp = r })
	f.col = col
	return f
}

// get fetches rawURL with the extra request headers hdr (may be nil), waiting first
// for the pause due to its host. Its errors read "GET <url>: <why>". The document
// holds the status of the response even with an error; a 304 Not Modified is
// returned without error when hdr asked for it (a conditional request).
func (f *fetcher) get(rawURL string, hdr http.Header) (document, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return document{}, fmt.Errorf("GET %s: not an absolute http(s) URL", rawURL)
	}
	host := hostKey(u)
	if err := f.wait(host); err != nil {
		return document{}, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	f.resp, f.contentType, f.etag, f.lastMod, f.declared, f.redirected = nil, "", "", "", 0, ""
	err = f.col.Request(http.MethodGet, rawURL, nil, nil, hdr.Clone())
	f.clock.set(host, time.Now())
	if f.ctx.Err() != nil {
		return document{}, fmt.Errorf("GET %s: %w", rawURL, context.Cause(f.ctx))
	}
	if f.declared > 0 {
		return document{}, fmt.Errorf("GET %s: body over %d bytes (Content-Length %d)", rawURL, f.maxBody, f.declared)
	}
	if err != nil {
		return document{}, fmt.Errorf("GET %s: %w", rawURL, f.explain(rawURL, err))
	}
	r := f.resp
	if r == nil {
		return document{}, fmt.Errorf("GET %s: no response", rawURL)
	}
	doc := document{
		url:          r.Request.URL.String(),
		status:       r.StatusCode,
		contentType:  f.contentType,
		etag:         f.etag,
		lastModified: f.lastMod,
		fetched:      f.now().UTC(),
	}
	conditional := hdr.Get("If-None-Match") != "" || hdr.Get("If-Modified-Since") != ""
	if r.StatusCode == http.StatusNotModified && conditional {
		return doc, nil
	}
	if r.StatusCode < 200 || r.StatusCode > 299 {
		return doc, fmt.Errorf("GET %s: %s", rawURL, statusText(r.StatusCode))
	}
	if len(r.Body) > f.maxBody {
		return doc, fmt.Errorf("GET %s: body over %d bytes", rawURL, f.maxBody)
	}
	doc.body = r.Body
	return doc, nil
}

// delayFor is the pause between two requests to host: the source's or crawler's
// delay, or the host's robots.txt Crawl-delay for our agent if longer (at most
// MaxCrawlDelay).
func (f *fetcher) delayFor(host string) time.Duration {
	return max(f.delay, min(f.clock.crawlDelay(host), MaxCrawlDelay))
}

// wait pauses until the delay since the latest request to host (by this crawler,
// in this crawl or another) has passed, or the run's ctx is done. (colly's
// LimitRule sleeps after every response, the last one included, and cannot be
// interrupted.)
func (f *fetcher) wait(host string) error {
	if f.ctx.Err() != nil {
		return context.Cause(f.ctx)
	}
	last := f.clock.get(host)
	delay := f.delayFor(host)
	if last.IsZero() || delay <= 0 {
		return nil
	}
	d := delay - time.Since(last)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-f.ctx.Done():
		return context.Cause(f.ctx)
	}
}

// explain rewords colly's and net/http's errors for a run's Error.
func (f *fetcher) explain(rawURL string, err error) error {
	if errors.Is(err, colly.ErrRobotsTxtBlocked) {
		return errors.New("disallowed by robots.txt")
	}
	var robotsErr *robotstxt.ParseError
	if errors.As(err, &robotsErr) {
		return fmt.Errorf("robots.txt unreadable: %w", robotsErr)
	}
	var refused *RefusedError
	var ne net.Error
	var ue *url.Error
	errors.As(err, &ue)
	switch {
	case errors.As(err, &refused):
		if ue != nil && f.redirected != "" && ue.URL == f.redirected {
			return fmt.Errorf("redirected to %s: %w", ue.URL, refused)
		}
		return refused
	case errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("timed out (request timeout %v)", f.timeout)
	case ue != nil:
		return ue.Err
	}
	return err
}

func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return strconv.Itoa(code) + " " + t
	}
	return strconv.Itoa(code)
}

// resolve returns ref resolved against base, or "" when it is not an http(s) URL.
func resolve(base, ref string) string {
	if ref == "" {
		return ""
	}
	r, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if b, err := url.Parse(base); err == nil {
		r = b.ResolveReference(r)
	}
	if r.Scheme != "http" && r.Scheme != "https" || r.Host == "" {
		return ""
	}
	r.Fragment = ""
	return r.String()
}

// hostKey names the server of u for politeness: lower-case host and port, the
// scheme's default port made explicit.
func hostKey(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	return net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// hostClock remembers, across crawls, when the crawler's latest request to each
// host ended and the Crawl-delay of the host's latest robots.txt, so that two
// sources on one host crawled one after the other still get the pause between
// their requests.
type hostClock struct {
	mu    sync.Mutex
	hosts map[string]hostTimes
}

type hostTimes struct {
	last       time.Time     // end of the latest request
	crawlDelay time.Duration // of the latest robots.txt, for our agent
}

// hostClockPrune is the size over which the clock forgets hosts not asked for in
// the past hour.
const hostClockPrune = 1024

func newHostClock() *hostClock { return &hostClock{hosts: map[string]hostTimes{}} }

func (h *hostClock) get(host string) time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.hosts[host].last
}

func (h *hostClock) set(host string, t time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.hosts) > hostClockPrune {
		for k, v := range h.hosts {
			if t.Sub(v.last) > time.Hour {
				delete(h.hosts, k)
			}
		}
	}
	ht := h.hosts[host]
	ht.last = t
	h.hosts[host] = ht
}

func (h *hostClock) crawlDelay(host string) time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.hosts[host].crawlDelay
}

func (h *hostClock) setCrawlDelay(host string, d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	ht := h.hosts[host]
	ht.crawlDelay = d
	h.hosts[host] = ht
}

// transport ties every request to the crawl's ctx (colly fetches robots.txt without
// one), bounds robots.txt and reads its Crawl-delay, and refuses requests to a host
// whose robots.txt answered 5xx or 429: that means "disallow everything for now"
// (RFC 9309), which colly's robots check ignores (it consults only the rule groups,
// which such an answer leaves empty, so it allows everything).
type transport struct {
	base  http.RoundTripper
	ctx   context.Context
	agent string
	clock *hostClock // receives the Crawl-delay of each robots.txt

	mu     sync.Mutex
	robots map[string]int // host key → status of its robots.txt
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	isRobots := req.URL.Path == "/robots.txt"
	if !isRobots {
		if status := t.robotsStatus(hostKey(req.URL)); status >= 500 || status == http.StatusTooManyRequests {
			if req.Body != nil {
				req.Body.Close() // a RoundTripper closes the body, even on error
			}
			return nil, fmt.Errorf("robots.txt answered %s, which disallows the whole site for now", statusText(status))
		}
	}
	ctx, cancel := context.WithCancelCause(req.Context())
	stop := context.AfterFunc(t.ctx, func() { cancel(context.Cause(t.ctx)) })
	release := func() { stop(); cancel(nil) }
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		release()
		return nil, err
	}
	if !isRobots && collyWouldGunzip(req, resp) {
		resp.Body.Close()
		release()
		return nil, errors.New("compressed (gzip) documents are not supported")
	}
	var body io.Reader = resp.Body
	if isRobots {
		host := hostKey(req.URL)
		t.mu.Lock()
		t.robots[host] = resp.StatusCode
		t.mu.Unlock()
		rb := &robotsBody{t: t, host: host, status: resp.StatusCode}
		body = io.TeeReader(io.LimitReader(resp.Body, maxRobotsSize), &rb.buf)
		release = func(release func()) func() {
			return func() { rb.done(); release() }
		}(release)
	}
	resp.Body = &releasingBody{Reader: body, closer: resp.Body, release: release}
	return resp, nil
}

// robotsBody keeps the robots.txt colly reads, to find its Crawl-delay once closed.
type robotsBody struct {
	t      *transport
	host   string
	status int
	buf    bytes.Buffer
}

func (b *robotsBody) done() {
	rd, err := robotstxt.FromStatusAndBytes(b.status, b.buf.Bytes())
	if err != nil || rd == nil {
		return // colly reports the error
	}
	var d time.Duration
	if g := rd.FindGroup(b.t.agent); g != nil {
		d = g.CrawlDelay
	}
	b.t.clock.setCrawlDelay(b.host, d)
}

// collyWouldGunzip reports whether colly would gunzip the body (its condition in
// httpBackend.Do): it does so after cutting the body at MaxBodySize, so the expanded
// size would have no bound. (A body net/http decompressed itself is bounded.)
func collyWouldGunzip(req *http.Request, resp *http.Response) bool {
	if resp.Uncompressed {
		return false
	}
	enc := strings.ToLower(resp.Header.Get("Content-Encoding"))
	ct := strings.ToLower(resp.Header.Get("Content-Type"))
	return strings.Contains(enc, "gzip") || (enc == "" && strings.Contains(ct, "gzip")) ||
		strings.HasSuffix(strings.ToLower(req.URL.Path), ".xml.gz")
}

func (t *transport) robotsStatus(host string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.robots[host]
}

// releasingBody releases the request's context when the body is closed.
type releasingBody struct {
	io.Reader
	closer  io.Closer
	release func()
	once    sync.Once
}

func (b *releasingBody) Close() error {
	err := b.closer.Close()
	b.once.Do(b.release)
	return err
}
