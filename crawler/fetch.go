package crawler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/ensemble-be/ensemble/sources"
)

// maxRobotsSize is how much of a robots.txt is read (Google reads 500 KiB); colly
// reads it without a bound.
const maxRobotsSize = 512 << 10

// document is one fetched document.
type document struct {
	url         string // after redirects; relative links resolve against it
	contentType string // as the server sent it
	body        []byte // as the server sent it
	fetched     time.Time
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
	ctx     context.Context
	tr      *transport
	maxBody int
	delay   time.Duration
	now     func() time.Time
	last    map[string]time.Time // host → when its latest request ended

	// The request in flight: requests are sequential, so callbacks write here.
	resp        *colly.Response
	contentType string
}

func (c *Crawler) newFetcher(ctx context.Context, def sources.Definition) *fetcher {
	delay := c.opts.Delay
	if d, ok := def.Delay(); ok {
		delay = d // the source's own setting wins over the crawler's default
	}
	f := &fetcher{
		ctx:     ctx,
		tr:      &transport{base: c.opts.Transport, ctx: ctx, robots: map[string]int{}},
		maxBody: c.opts.MaxBodySize,
		delay:   delay,
		now:     c.opts.Now,
		last:    map[string]time.Time{},
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
	// tell a body over the limit from one exactly at it.
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
		return nil
	})
	col.OnResponseHeaders(func(r *colly.Response) {
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

// get fetches rawURL, waiting first for the pause due to its host. Its errors read
// "GET <url>: <why>".
func (f *fetcher) get(rawURL string) (document, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return document{}, fmt.Errorf("GET %s: not an absolute http(s) URL", rawURL)
	}
	if err := f.wait(u.Host); err != nil {
		return document{}, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	f.resp, f.contentType = nil, ""
	err = f.col.Visit(rawURL)
	f.last[u.Host] = time.Now()
	if ctxErr := f.ctx.Err(); ctxErr != nil {
		return document{}, fmt.Errorf("GET %s: %w", rawURL, ctxErr)
	}
	if err != nil {
		return document{}, fmt.Errorf("GET %s: %w", rawURL, f.explain(err))
	}
	r := f.resp
	if r == nil {
		return document{}, fmt.Errorf("GET %s: no response", rawURL)
	}
	if r.StatusCode < 200 || r.StatusCode > 299 {
		return document{}, fmt.Errorf("GET %s: %s", rawURL, statusText(r.StatusCode))
	}
	if len(r.Body) > f.maxBody {
		return document{}, fmt.Errorf("GET %s: body over %d bytes", rawURL, f.maxBody)
	}
	return document{
		url:         r.Request.URL.String(),
		contentType: f.contentType,
		body:        r.Body,
		fetched:     f.now().UTC(),
	}, nil
}

// wait pauses until the delay since the latest request to host has passed, or ctx
// is done. (colly's LimitRule sleeps after every response, the last one included,
// and cannot be interrupted.)
func (f *fetcher) wait(host string) error {
	last, ok := f.last[host]
	if !ok || f.delay <= 0 {
		return f.ctx.Err()
	}
	d := f.delay - time.Since(last)
	if d <= 0 {
		return f.ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-f.ctx.Done():
		return f.ctx.Err()
	}
}

// explain rewords colly's and net/http's errors for a run's Error.
func (f *fetcher) explain(err error) error {
	if errors.Is(err, colly.ErrRobotsTxtBlocked) {
		return errors.New("disallowed by robots.txt")
	}
	var ue *url.Error
	if errors.As(err, &ue) {
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

// transport ties every request to the crawl's ctx (colly fetches robots.txt without
// one), bounds robots.txt, and refuses requests to a host whose robots.txt answered
// 5xx or 429: that means "disallow everything for now" (RFC 9309), which colly's
// robots check ignores (it consults only the rule groups, which such an answer
// leaves empty, so it allows everything).
type transport struct {
	base http.RoundTripper
	ctx  context.Context

	mu     sync.Mutex
	robots map[string]int // host → status of its robots.txt
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Path != "/robots.txt" {
		if status := t.robotsStatus(req.URL.Host); status >= 500 || status == http.StatusTooManyRequests {
			if req.Body != nil {
				req.Body.Close() // a RoundTripper closes the body, even on error
			}
			return nil, fmt.Errorf("robots.txt answered %s, which disallows the whole site for now", statusText(status))
		}
	}
	ctx, cancel := context.WithCancel(req.Context())
	stop := context.AfterFunc(t.ctx, cancel)
	release := func() { stop(); cancel() }
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		release()
		return nil, err
	}
	if req.URL.Path != "/robots.txt" && collyWouldGunzip(req, resp) {
		resp.Body.Close()
		release()
		return nil, errors.New("compressed (gzip) documents are not supported")
	}
	var body io.Reader = resp.Body
	if req.URL.Path == "/robots.txt" {
		t.mu.Lock()
		t.robots[req.URL.Host] = resp.StatusCode
		t.mu.Unlock()
		body = io.LimitReader(resp.Body, maxRobotsSize)
	}
	resp.Body = &releasingBody{Reader: body, closer: resp.Body, release: release}
	return resp, nil
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
