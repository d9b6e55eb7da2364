package crawler

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/sources"
)

// versionedSite serves one page whose version the test changes, with an ETag and a
// Last-Modified (either may be switched off), and answers conditional requests.
type versionedSite struct {
	mu       sync.Mutex
	version  int
	etag     bool
	lastMod  bool
	requests []http.Header // headers of the page's requests
}

func (v *versionedSite) set(version int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.version = version
}

func (v *versionedSite) last() http.Header {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.requests[len(v.requests)-1]
}

func (v *versionedSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/robots.txt" {
		http.NotFound(w, r)
		return
	}
	v.mu.Lock()
	v.requests = append(v.requests, r.Header.Clone())
	version := v.version
	v.mu.Unlock()
	modified := time.Date(2026, 3, version, 12, 0, 0, 0, time.UTC).Format(http.TimeFormat)
	etag := fmt.Sprintf(`"v%d"`, version)
	if v.etag {
		w.Header().Set("ETag", etag)
	}
	if v.lastMod {
		w.Header().Set("Last-Modified", modified)
	}
	inm, ims := r.Header.Get("If-None-Match"), r.Header.Get("If-Modified-Since")
	if (v.etag && inm == etag) || (inm == "" && v.lastMod && ims == modified) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "text/html")
	w.Write(listPage(fmt.Sprintf("Groupe de parole, version %d", version)))
}

func TestFetchSinceNotModified(t *testing.T) {
	for _, tt := range []struct {
		name          string
		etag, lastMod bool
		wantHeader    string // the conditional header the second request must carry
	}{
		{"etag", true, false, "If-None-Match"},
		{"last-modified", false, true, "If-Modified-Since"},
		{"both", true, true, "If-None-Match"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			site := &versionedSite{version: 1, etag: tt.etag, lastMod: tt.lastMod}
			s := serve(t, site.ServeHTTP)
			c := New(nil, testOptions())
			def := simpleDef("conditional", s.URL+"/groupes")

			first, v1 := c.FetchSince(context.Background(), def, Validators{})
			if first.Run.Status != record.RunOK || first.Run.HTTPStatus != 200 || len(first.Records) != 1 || !first.Complete {
				t.Fatalf("first FetchSince: status %q, http %d, %d records, complete %v, error %q; want ok, 200, 1, true",
					first.Run.Status, first.Run.HTTPStatus, len(first.Records), first.Complete, first.Run.Error)
			}
			if v1.IsZero() || (tt.etag && v1.ETag != `"v1"`) || (tt.lastMod && v1.LastModified == "") || v1.Definition == "" {
				t.Fatalf("first FetchSince validators = %+v, want the server's", v1)
			}
			if h := site.last(); h.Get("If-None-Match") != "" || h.Get("If-Modified-Since") != "" {
				t.Errorf("first request was conditional: %v", h)
			}

			second, v2 := c.FetchSince(context.Background(), def, v1)
			if second.Run.Status != record.RunNotModified || second.Run.HTTPStatus != 304 || len(second.Records) != 0 || second.Complete || second.Run.Error != "" {
				t.Errorf("FetchSince unchanged: status %q, http %d, %d records, complete %v, error %q; want not_modified, 304, none, false, none",
					second.Run.Status, second.Run.HTTPStatus, len(second.Records), second.Complete, second.Run.Error)
			}
			if h := site.last(); h.Get(tt.wantHeader) == "" {
				t.Errorf("second request headers %v, want %s", h, tt.wantHeader)
			}
			if v2 != v1 {
				t.Errorf("FetchSince unchanged: validators %+v, want %+v kept", v2, v1)
			}

			site.set(2)
			third, v3 := c.FetchSince(context.Background(), def, v2)
			if third.Run.Status != record.RunOK || third.Run.HTTPStatus != 200 || len(third.Records) != 1 ||
				third.Records[0].Title != "Groupe de parole, version 2" {
				t.Errorf("FetchSince changed: status %q, http %d, %d records; want ok, 200, version 2", third.Run.Status, third.Run.HTTPStatus, len(third.Records))
			}
			if v3 == v2 || v3.IsZero() {
				t.Errorf("FetchSince changed: validators %+v, want new ones", v3)
			}

			// Another definition (a selector changed): the document must be read again.
			changed := def
			changed.HTML = &sources.HTMLOptions{List: "li", Fields: def.HTML.Fields}
			fourth, _ := c.FetchSince(context.Background(), changed, v3)
			if fourth.Run.Status != record.RunOK {
				t.Errorf("FetchSince with another definition: status %q, want ok", fourth.Run.Status)
			}
			if h := site.last(); h.Get("If-None-Match") != "" || h.Get("If-Modified-Since") != "" {
				t.Errorf("FetchSince with another definition: request was conditional: %v", h)
			}
		})
	}
}

func TestFetchSinceValidatorsOnlyForOneDocument(t *testing.T) {
	etagged := func(h http.Handler) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("ETag", `"same"`)
			if r.Header.Get("If-None-Match") == `"same"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			h.ServeHTTP(w, r)
		}
	}
	routes := agendaRoutes(t)
	proxy := serve(t, etagged(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rt, ok := routes[r.URL.RequestURI()]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.Write(rt.body)
	})))
	c := New(nil, testOptions())
	got, v := c.FetchSince(context.Background(), agendaDef(proxy.URL), Validators{})
	if got.Run.Status != record.RunOK || got.Run.Pages != 5 {
		t.Fatalf("FetchSince(agenda): status %q, pages %d, error %q; want ok, 5", got.Run.Status, got.Run.Pages, got.Run.Error)
	}
	if !v.IsZero() {
		t.Errorf("FetchSince(agenda of 5 documents) validators = %+v, want none: the other pages may change alone", v)
	}
}

func TestFetchUnsolicitedNotModified(t *testing.T) {
	s := serve(t, pages("", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotModified)
	}))
	got := New(nil, testOptions()).Fetch(context.Background(), simpleDef("unsolicited", s.URL+"/"))
	if got.Run.Status != record.RunFailed || !strings.Contains(got.Run.Error, "304 Not Modified") || got.Run.HTTPStatus != 304 {
		t.Errorf("Fetch answered 304 unasked: status %q, error %q, http %d; want failed, 304 Not Modified", got.Run.Status, got.Run.Error, got.Run.HTTPStatus)
	}
}

func TestFetchHTTPStatus(t *testing.T) {
	for _, code := range []int{200, 404, 410, 503} {
		s := serve(t, pages("", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(code)
			w.Write(listPage("Groupe"))
		}))
		got := New(nil, testOptions()).Fetch(context.Background(), simpleDef("status", s.URL+"/"))
		if got.Run.HTTPStatus != code {
			t.Errorf("Fetch of a %d page: Run.HTTPStatus = %d", code, got.Run.HTTPStatus)
		}
	}
}

// validatorSink is a Sink and a ValidatorStore in memory.
type validatorSink struct {
	memSink
	vmu sync.Mutex
	v   map[string]Validators
	err error // of Validators
}

func (s *validatorSink) Validators(ctx context.Context, source string) (Validators, error) {
	s.vmu.Lock()
	defer s.vmu.Unlock()
	return s.v[source], s.err
}

func (s *validatorSink) SetValidators(ctx context.Context, source string, v Validators) error {
	s.vmu.Lock()
	defer s.vmu.Unlock()
	if s.v == nil {
		s.v = map[string]Validators{}
	}
	s.v[source] = v
	return nil
}

func TestCrawlUsesValidatorStore(t *testing.T) {
	site := &versionedSite{version: 1, etag: true}
	s := serve(t, site.ServeHTTP)
	sink := &validatorSink{}
	c := New(sink, testOptions())
	def := simpleDef("conditional", s.URL+"/groupes")

	for i, want := range []record.RunStatus{record.RunOK, record.RunNotModified, record.RunNotModified} {
		run, err := c.Crawl(context.Background(), def)
		if err != nil || run.Status != want {
			t.Errorf("Crawl #%d: status %q, error %v; want %q", i+1, run.Status, err, want)
		}
	}
	if v := sink.v[def.ID]; v.ETag != `"v1"` {
		t.Errorf("after Crawl: stored validators %+v, want ETag \"v1\"", v)
	}
	saved := sink.saved()
	if len(saved) != 3 || len(saved[1].Records) != 0 || saved[1].Run.HTTPStatus != 304 {
		t.Fatalf("sink got %d crawls, the second with %d records; want 3, none", len(saved), len(saved[1].Records))
	}

	// A store that cannot read validators: the crawl is unconditional.
	sink.err = fmt.Errorf("database locked")
	if run, err := c.Crawl(context.Background(), def); err != nil || run.Status != record.RunOK {
		t.Errorf("Crawl without validators: status %q, error %v; want ok", run.Status, err)
	}
}

func TestFetchRobotsCrawlDelay(t *testing.T) {
	const want = 300 * time.Millisecond
	routes := agendaRoutes(t)
	// The group of another agent asks for more; ours (*) for 0.3 s.
	routes["/robots.txt"] = route{ctype: "text/plain", body: []byte("User-agent: Googlebot\nCrawl-delay: 30\n\nUser-agent: *\nCrawl-delay: 0.3\nAllow: /\n")}
	s := newSite(t, routes)
	got := New(nil, testOptions()).Fetch(context.Background(), agendaDef(s.URL))
	if got.Run.Status != record.RunOK || got.Run.Pages != 5 {
		t.Fatalf("Fetch: status %q, pages %d, error %q; want ok, 5", got.Run.Status, got.Run.Pages, got.Run.Error)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var last time.Time
	for i, h := range s.hits {
		if h.uri == "/robots.txt" {
			continue
		}
		if !last.IsZero() {
			if gap := h.at.Sub(last); gap < want-10*time.Millisecond || gap > 10*want {
				t.Errorf("request %d (%s) came %v after the previous one, want about %v (robots.txt Crawl-delay)", i, h.uri, gap, want)
			}
		}
		last = h.at
	}
}

func TestDelayFor(t *testing.T) {
	tests := []struct {
		name        string
		delay       time.Duration // the crawler's or the source's
		robotsDelay time.Duration
		want        time.Duration
	}{
		{"none", 0, 0, 0},
		{"ours longer", 2 * time.Second, time.Second, 2 * time.Second},
		{"robots longer", time.Second, 5 * time.Second, 5 * time.Second},
		{"robots capped", time.Second, time.Hour, MaxCrawlDelay},
	}
	for _, tt := range tests {
		f := &fetcher{delay: tt.delay, clock: newHostClock()}
		f.clock.setCrawlDelay("example.org:443", tt.robotsDelay)
		if got := f.delayFor("example.org:443"); got != tt.want {
			t.Errorf("delayFor(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// The pause holds between crawls of sources on one host, not just within one,
// whether it is the crawler's delay or the host's robots.txt Crawl-delay.
func TestDelayAcrossCrawls(t *testing.T) {
	const delay = 200 * time.Millisecond
	for _, tt := range []struct {
		name   string
		delay  time.Duration
		robots string
	}{
		{"crawler delay", delay, ""},
		{"robots.txt Crawl-delay", -1, "User-agent: *\nCrawl-delay: 0.2\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var at []time.Time
			s := serve(t, pages(tt.robots, func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				at = append(at, time.Now())
				mu.Unlock()
				w.Write(listPage("Groupe"))
			}))
			c := New(nil, Options{Delay: tt.delay, AllowHosts: allowLocal})
			for i := range 3 {
				got := c.Fetch(context.Background(), simpleDef(fmt.Sprintf("s%d", i), fmt.Sprintf("%s/%d", s.URL, i)))
				if got.Run.Status != record.RunOK {
					t.Fatalf("Fetch #%d: status %q, error %q", i+1, got.Run.Status, got.Run.Error)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			for i := 1; i < len(at); i++ {
				if gap := at[i].Sub(at[i-1]); gap < delay-10*time.Millisecond {
					t.Errorf("crawl %d came %v after the previous crawl's request, want at least %v", i+1, gap, delay)
				}
			}
		})
	}
}

func TestFetchAuto(t *testing.T) {
	rss := `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Entraide (fictif)</title><link>/</link><description>Groupes</description>
<item><title>Groupe de parole pour proches</title><link>/groupes/proches</link><guid>proches-1</guid>
<description>Un groupe pour les proches de personnes malades, à Namur.</description></item>
</channel></rss>`
	ical := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:g1@test\r\nDTSTART:20260313T180000Z\r\nSUMMARY:Groupe de parole pour proches\r\nLOCATION:Namur\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	tests := []struct {
		name         string
		ctype, body  string
		wantStatus   record.RunStatus
		wantDetected string // prefix
		wantErr      string
	}{
		{"rss", "application/rss+xml", rss, record.RunOK, "rss (", ""},
		{"rss served as text/plain", "text/plain", rss, record.RunOK, "rss (", ""},
		{"ical", "text/calendar", ical, record.RunOK, "ical (", ""},
		{"html needs options", "text/html", `<!DOCTYPE html><html><body><ul><li>Groupe</li></ul></body></html>`, record.RunFailed,
			"html (HTML page", "auto: detected html: add html options with selectors"},
		{"csv needs options", "text/csv", "titre;lieu;date\nGroupe;Namur;2026-03-13\nAutre;Liège;2026-03-20\n", record.RunFailed,
			"csv (", "auto: detected csv: add csv options with columns"},
		{"json needs options", "application/json", `[{"titre": "Groupe"}]`, record.RunFailed,
			"json (", "auto: detected json: add json options with paths"},
		{"nothing recognized", "application/octet-stream", "\x00\x01", record.RunFailed, "", "auto: kind of"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := serve(t, pages("", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.ctype)
				w.Write([]byte(tt.body))
			}))
			def := sources.Definition{ID: "auto", Name: "Auto", URL: s.URL + "/feed", Kind: sources.KindAuto, Schedule: "@daily", Language: "fr"}
			got := New(nil, testOptions()).Fetch(context.Background(), def)
			run := got.Run
			if run.Status != tt.wantStatus || !strings.HasPrefix(run.DetectedKind, tt.wantDetected) || !strings.Contains(run.Error, tt.wantErr) {
				t.Errorf("Fetch(auto %s): status %q, detected %q, error %q; want %q, %q…, %q", tt.name, run.Status, run.DetectedKind, run.Error, tt.wantStatus, tt.wantDetected, tt.wantErr)
			}
			if tt.wantStatus == record.RunOK && len(got.Records) != 1 {
				t.Errorf("Fetch(auto %s): %d records, want 1 (problems %q)", tt.name, len(got.Records), run.Problems)
			}
		})
	}
}
