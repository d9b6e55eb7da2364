package crawler

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/sources"
)

// route is what the test site answers at one path (with its query).
type route struct {
	status int    // default 200
	ctype  string // default text/html
	body   []byte
	block  bool // answer nothing until the request is cancelled
	// redirect, when set, answers 302 to it.
	redirect string
}

// hit is one request the test site received.
type hit struct {
	uri       string
	userAgent string
	at        time.Time
}

// site is a test web site on 127.0.0.1 that records its requests.
type site struct {
	*httptest.Server
	mu      sync.Mutex
	hits    []hit
	hitCh   chan string // the URI of every request, if anyone listens
	blocked sync.WaitGroup
}

func newSite(t *testing.T, routes map[string]route) *site {
	t.Helper()
	s := &site{hitCh: make(chan string, 100)}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		uri := r.URL.RequestURI()
		s.mu.Lock()
		s.hits = append(s.hits, hit{uri: uri, userAgent: r.UserAgent(), at: time.Now()})
		s.mu.Unlock()
		select {
		case s.hitCh <- uri:
		default:
		}
		rt, ok := routes[uri]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if rt.block {
			<-r.Context().Done()
			return
		}
		if rt.redirect != "" {
			http.Redirect(w, r, rt.redirect, http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", cmpOr(rt.ctype, "text/html"))
		w.WriteHeader(cmpOr(rt.status, http.StatusOK))
		w.Write(rt.body)
	}))
	t.Cleanup(s.Close)
	return s
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

func (s *site) got(uri string) []hit {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []hit
	for _, h := range s.hits {
		if h.uri == uri {
			out = append(out, h)
		}
	}
	return out
}

// waitHit waits until the site receives a request for uri.
func (s *site) waitHit(t *testing.T, uri string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case got := <-s.hitCh:
			if got == uri {
				return
			}
		case <-timeout:
			t.Fatalf("site never received %s", uri)
		}
	}
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// agendaRoutes is the fictional network's site: two list pages, three detail pages.
func agendaRoutes(t *testing.T) map[string]route {
	return map[string]route{
		"/agenda/":               {body: fixture(t, "agenda-1.html")},
		"/agenda/?page=2":        {body: fixture(t, "agenda-2.html")},
		"/groupes/deuil.html":    {body: fixture(t, "deuil.html")},
		"/groupes/burn-out.html": {body: fixture(t, "burn-out.html")},
		"/groupes/parents.html":  {body: fixture(t, "parents.html")},
	}
}

// agendaDef is the definition of the fictional network at baseURL.
func agendaDef(baseURL string) sources.Definition {
	return sources.Definition{
		ID:          "entraide-bxl",
		Name:        "Réseau Entraide Bruxelles (fictif)",
		URL:         baseURL + "/agenda/",
		Kind:        sources.KindHTML,
		Schedule:    "@daily",
		License:     "CC-BY-4.0",
		Attribution: "Réseau Entraide Bruxelles",
		Language:    "fr",
		Defaults:    record.Defaults{Kind: "support-group"},
		HTML: &sources.HTMLOptions{
			List: "li.groupe",
			Link: "a.plus@href",
			Next: "a.suivant@href",
			Fields: map[string]string{
				record.FieldTitle: "h2.titre",
				record.FieldPlace: ".lieu",
			},
			Detail: map[string]string{
				record.FieldDescription: ".description",
				record.FieldSchedule:    ".horaire",
				record.FieldPrice:       ".prix",
				record.FieldEmail:       ".contact",
			},
		},
	}
}

// testOptions are the options of tests: no pause between requests, and the test
// sites on 127.0.0.1 allowed past the dial guard.
func testOptions() Options { return Options{Delay: -1, AllowHosts: allowLocal} }

// allowLocal allows 127.0.0.1, where httptest servers listen, and nothing else.
var allowLocal = mustAllowList("127.0.0.1")

func mustAllowList(s string) *AllowList {
	a, err := ParseAllowList(s)
	if err != nil {
		panic(err)
	}
	return a
}

func TestFetchHTML(t *testing.T) {
	bigPage := append(fixture(t, "agenda-1.html"), bytes.Repeat([]byte("<!-- padding -->\n"), 200)...)
	tests := []struct {
		name   string
		routes func(map[string]route) // changes to agendaRoutes
		def    func(*sources.Definition)
		opts   Options

		wantStatus   record.RunStatus
		wantError    string // substring; "" for none
		wantPages    int
		wantFound    int
		wantRecords  int
		wantComplete bool
		wantProblem  string   // substring of one problem; "" for no problems
		wantNoHit    []string // URIs the site must not have received
	}{{
		name:       "pagination and detail pages",
		wantStatus: record.RunOK, wantPages: 5, wantFound: 3, wantRecords: 3, wantComplete: true,
	}, {
		name:       "max_pages cuts pagination",
		def:        func(d *sources.Definition) { d.HTML.MaxPages = 1 },
		wantStatus: record.RunOK, wantPages: 3, wantFound: 2, wantRecords: 2, wantComplete: false,
		wantProblem: "max_pages (1)", wantNoHit: []string{"/agenda/?page=2"},
	}, {
		name: "pagination loop ends",
		routes: func(r map[string]route) {
			r["/agenda/?page=2"] = route{body: bytes.ReplaceAll(fixture(t, "agenda-2.html"),
				[]byte(`class="precedent"`), []byte(`class="suivant"`))}
		},
		wantStatus: record.RunOK, wantPages: 5, wantFound: 3, wantRecords: 3, wantComplete: true,
		wantProblem: "already fetched",
	}, {
		name:       "detail page 404 keeps the listing",
		routes:     func(r map[string]route) { delete(r, "/groupes/burn-out.html") },
		wantStatus: record.RunOK, wantPages: 4, wantFound: 3, wantRecords: 3, wantComplete: false,
		wantProblem: "/groupes/burn-out.html: 404 Not Found",
	}, {
		name:       "first page 503",
		routes:     func(r map[string]route) { r["/agenda/"] = route{status: 503, body: []byte("maintenance")} },
		wantStatus: record.RunFailed, wantError: "/agenda/: 503 Service Unavailable",
	}, {
		name:       "next page 503",
		routes:     func(r map[string]route) { r["/agenda/?page=2"] = route{status: 503} },
		wantStatus: record.RunFailed, wantError: "/agenda/?page=2: 503 Service Unavailable", wantPages: 1, wantFound: 2,
		wantNoHit: []string{"/groupes/deuil.html"},
	}, {
		name: "robots.txt disallows the list",
		routes: func(r map[string]route) {
			r["/robots.txt"] = route{ctype: "text/plain", body: []byte("User-agent: *\nDisallow: /agenda/\n")}
		},
		wantStatus: record.RunFailed, wantError: "/agenda/: disallowed by robots.txt",
		wantNoHit: []string{"/agenda/"},
	}, {
		name: "robots.txt disallows our agent only",
		routes: func(r map[string]route) {
			r["/robots.txt"] = route{ctype: "text/plain", body: []byte("User-agent: Googlebot\nAllow: /\n\nUser-agent: Ensemble\nDisallow: /\n")}
		},
		wantStatus: record.RunFailed, wantError: "disallowed by robots.txt",
		wantNoHit: []string{"/agenda/"},
	}, {
		name: "robots.txt disallows detail pages",
		routes: func(r map[string]route) {
			r["/robots.txt"] = route{ctype: "text/plain", body: []byte("User-agent: *\nDisallow: /groupes/\n")}
		},
		wantStatus: record.RunOK, wantPages: 2, wantFound: 3, wantRecords: 3, wantComplete: false,
		wantProblem: "/groupes/deuil.html: disallowed by robots.txt",
		wantNoHit:   []string{"/groupes/deuil.html", "/groupes/burn-out.html", "/groupes/parents.html"},
	}, {
		name:       "robots.txt 503 disallows all",
		routes:     func(r map[string]route) { r["/robots.txt"] = route{status: 503} },
		wantStatus: record.RunFailed, wantError: "robots.txt answered 503 Service Unavailable",
		wantNoHit: []string{"/agenda/"},
	}, {
		name:       "robots.txt 429 disallows all",
		routes:     func(r map[string]route) { r["/robots.txt"] = route{status: 429} },
		wantStatus: record.RunFailed, wantError: "robots.txt answered 429 Too Many Requests",
		wantNoHit: []string{"/agenda/"},
	}, {
		name:       "body over MaxBodySize",
		routes:     func(r map[string]route) { r["/agenda/"] = route{body: bigPage} },
		opts:       Options{MaxBodySize: 2048},
		wantStatus: record.RunFailed, wantError: "/agenda/: body over 2048 bytes",
	}, {
		name: "detail page over MaxBodySize",
		routes: func(r map[string]route) {
			r["/agenda/"] = route{body: bytes.ReplaceAll(fixture(t, "agenda-1.html"), []byte(`<nav>`), []byte(`<nav hidden>`))}
			r["/groupes/deuil.html"] = route{body: append(fixture(t, "deuil.html"), bytes.Repeat([]byte(" "), 4096)...)}
		},
		opts:       Options{MaxBodySize: 4096},
		wantStatus: record.RunOK, wantPages: 4, wantFound: 3, wantRecords: 3, wantComplete: false,
		wantProblem: "/groupes/deuil.html: body over 4096 bytes",
	}, {
		name: "too many redirects",
		routes: func(r map[string]route) {
			for i := range 7 {
				r[fmt.Sprintf("/r%d", i)] = route{redirect: fmt.Sprintf("/r%d", i+1)}
			}
		},
		def:        func(d *sources.Definition) { d.URL = strings.Replace(d.URL, "/agenda/", "/r0", 1) },
		wantStatus: record.RunFailed, wantError: "/r0: more than 5 redirects",
	}, {
		name: "redirects followed",
		routes: func(r map[string]route) {
			r["/agenda"] = route{redirect: "/agenda/"}
		},
		def:        func(d *sources.Definition) { d.URL = strings.TrimSuffix(d.URL, "/") },
		wantStatus: record.RunOK, wantPages: 5, wantFound: 3, wantRecords: 3, wantComplete: true,
	}, {
		name:       "gzip document refused",
		routes:     func(r map[string]route) { r["/agenda/"] = route{ctype: "application/gzip", body: []byte("\x1f\x8b")} },
		wantStatus: record.RunFailed, wantError: "/agenda/: compressed (gzip) documents are not supported",
	}, {
		name:       "invalid definition",
		def:        func(d *sources.Definition) { d.HTML.List = "" },
		wantStatus: record.RunFailed, wantError: "html.list: empty selector",
		wantNoHit: []string{"/agenda/"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			routes := agendaRoutes(t)
			if tt.routes != nil {
				tt.routes(routes)
			}
			s := newSite(t, routes)
			def := agendaDef(s.URL)
			if tt.def != nil {
				tt.def(&def)
			}
			opts := tt.opts
			opts.Delay = -1
			opts.AllowHosts = allowLocal
			got := New(nil, opts).Fetch(context.Background(), def)
			run := got.Run

			if run.Status != tt.wantStatus {
				t.Errorf("Fetch(%s).Run.Status = %q, want %q (error %q)", tt.name, run.Status, tt.wantStatus, run.Error)
			}
			switch {
			case tt.wantError == "" && run.Error != "":
				t.Errorf("Fetch(%s).Run.Error = %q, want none", tt.name, run.Error)
			case !strings.Contains(run.Error, tt.wantError):
				t.Errorf("Fetch(%s).Run.Error = %q, want it to contain %q", tt.name, run.Error, tt.wantError)
			}
			if tt.wantError != "" && !strings.HasPrefix(run.Error, "GET "+s.URL) && !strings.HasPrefix(run.Error, "definition") {
				t.Errorf("Fetch(%s).Run.Error = %q, want it to start with GET and the URL", tt.name, run.Error)
			}
			if run.Pages != tt.wantPages {
				t.Errorf("Fetch(%s).Run.Pages = %d, want %d", tt.name, run.Pages, tt.wantPages)
			}
			if run.Found != tt.wantFound {
				t.Errorf("Fetch(%s).Run.Found = %d, want %d", tt.name, run.Found, tt.wantFound)
			}
			if len(got.Records) != tt.wantRecords || len(got.Verbatim) != len(got.Records) {
				t.Errorf("Fetch(%s): %d records and %d verbatim, want %d of each", tt.name, len(got.Records), len(got.Verbatim), tt.wantRecords)
			}
			if got.Complete != tt.wantComplete {
				t.Errorf("Fetch(%s).Complete = %v, want %v", tt.name, got.Complete, tt.wantComplete)
			}
			if run.Source != def.ID || run.StartedAt.IsZero() || run.FinishedAt.Before(run.StartedAt) {
				t.Errorf("Fetch(%s).Run: source %q, started %v, finished %v", tt.name, run.Source, run.StartedAt, run.FinishedAt)
			}
			if tt.wantProblem == "" && len(run.Problems) > 0 {
				t.Errorf("Fetch(%s).Run.Problems = %q, want none", tt.name, run.Problems)
			}
			if tt.wantProblem != "" && !containsAny(run.Problems, tt.wantProblem) {
				t.Errorf("Fetch(%s).Run.Problems = %q, want one containing %q", tt.name, run.Problems, tt.wantProblem)
			}
			for _, uri := range tt.wantNoHit {
				if h := s.got(uri); len(h) > 0 {
					t.Errorf("Fetch(%s): site received %s, want no request", tt.name, uri)
				}
			}
		})
	}
}

func containsAny(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func TestFetchMergesDetailPages(t *testing.T) {
	s := newSite(t, agendaRoutes(t))
	got := New(nil, testOptions()).Fetch(context.Background(), agendaDef(s.URL))
	if got.Run.Status != record.RunOK {
		t.Fatalf("Fetch.Run.Status = %q, want ok (error %q)", got.Run.Status, got.Run.Error)
	}
	byURL := map[string]record.Record{}
	for _, r := range got.Records {
		byURL[r.URL] = r
	}
	deuil, ok := byURL[s.URL+"/groupes/deuil.html"]
	if !ok {
		t.Fatalf("Fetch: no record for /groupes/deuil.html in %v", slicesKeys(byURL))
	}
	checks := []struct{ field, got, want string }{
		{"title", deuil.Title, "Groupe de parole : traverser le deuil"}, // list page
		{"location.postcode", deuil.Location.Postcode, "1050"},          // list page
		{"description", deuil.Description, "Un espace pour parler de la perte d'un proche, à son rythme.\nAnimé par une psychologue et une bénévole formée."}, // detail page
		{"schedule.text", deuil.Schedule.Text, "Un jeudi sur deux, de 18h à 20h"},                                                                             // detail page
		{"contact.email", deuil.Contact.Email, "deuil@entraide-exemple.be"},                                                                                   // detail page
		{"kind", deuil.Kind, "support-group"},                                                                                                                 // default
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("record deuil: %s = %q, want %q", c.field, c.got, c.want)
		}
	}
	if deuil.Cost.Min != 5 {
		t.Errorf("record deuil: cost.min = %v, want 5", deuil.Cost.Min)
	}
	if parents := byURL[s.URL+"/groupes/parents.html"]; parents.Location.City != "Liège" {
		t.Errorf("record parents (page 2): location.city = %q, want Liège", parents.Location.City)
	}
	for i, r := range got.Records {
		if v := got.Verbatim[i]; v.URL != r.URL {
			t.Errorf("Verbatim[%d].URL = %q, want Records[%d].URL %q", i, v.URL, i, r.URL)
		}
	}
	for _, uri := range []string{"/agenda/", "/agenda/?page=2", "/groupes/deuil.html"} {
		if n := len(s.got(uri)); n != 1 {
			t.Errorf("site received %s %d times, want once", uri, n)
		}
	}
}

func slicesKeys[V any](m map[string]V) []string {
	var keys []string
	for k := range maps.Keys(m) {
		keys = append(keys, k)
	}
	return keys
}

func TestFetchSharedDetailPageFetchedOnce(t *testing.T) {
	routes := agendaRoutes(t)
	page := bytes.ReplaceAll(fixture(t, "agenda-1.html"), []byte("/groupes/burn-out.html"), []byte("/groupes/deuil.html"))
	routes["/agenda/"] = route{body: page}
	s := newSite(t, routes)
	got := New(nil, testOptions()).Fetch(context.Background(), agendaDef(s.URL))
	if n := len(s.got("/groupes/deuil.html")); n != 1 {
		t.Errorf("site received /groupes/deuil.html %d times, want once", n)
	}
	// Both listings now have the same URL, hence the same record id: the first is kept.
	if len(got.Records) != 2 || got.Run.Found != 3 {
		t.Errorf("Fetch: %d records of %d found, want 2 of 3", len(got.Records), got.Run.Found)
	}
	if !containsAny(got.Run.Problems, "same id as listing 1") {
		t.Errorf("Fetch.Run.Problems = %q, want a duplicate id problem", got.Run.Problems)
	}
}

func TestFetchUserAgent(t *testing.T) {
	for _, tt := range []struct{ name, agent, want string }{
		{"default", "", DefaultUserAgent},
		{"set", "EnsembleTest/1.0", "EnsembleTest/1.0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("COLLY_USER_AGENT", "colly from the environment") // must not win
			routes := agendaRoutes(t)
			routes["/robots.txt"] = route{ctype: "text/plain", body: []byte("User-agent: *\nAllow: /\n")}
			s := newSite(t, routes)
			opts := testOptions()
			opts.UserAgent = tt.agent
			New(nil, opts).Fetch(context.Background(), agendaDef(s.URL))
			s.mu.Lock()
			defer s.mu.Unlock()
			if len(s.hits) != 6 {
				t.Errorf("site received %d requests, want 6 (robots.txt and 5 pages)", len(s.hits))
			}
			for _, h := range s.hits {
				if h.userAgent != tt.want {
					t.Errorf("site received %s with User-Agent %q, want %q", h.uri, h.userAgent, tt.want)
				}
			}
		})
	}
}

// A collector remembers the URLs it visited: each Fetch must start afresh.
func TestFetchTwice(t *testing.T) {
	s := newSite(t, agendaRoutes(t))
	c := New(nil, testOptions())
	for i := range 2 {
		got := c.Fetch(context.Background(), agendaDef(s.URL))
		if got.Run.Status != record.RunOK || got.Run.Pages != 5 || len(got.Records) != 3 {
			t.Errorf("Fetch #%d: status %q, pages %d, records %d; want ok, 5, 3 (error %q)", i+1, got.Run.Status, got.Run.Pages, len(got.Records), got.Run.Error)
		}
	}
	if n := len(s.got("/robots.txt")); n != 2 {
		t.Errorf("site received robots.txt %d times, want once per Fetch", n)
	}
}

func TestFetchEnvironmentCannotLiftRobots(t *testing.T) {
	t.Setenv("COLLY_IGNORE_ROBOTSTXT", "yes")
	t.Setenv("COLLY_MAX_BODY_SIZE", "0")
	t.Setenv("COLLY_CACHE_DIR", t.TempDir())
	routes := agendaRoutes(t)
	routes["/robots.txt"] = route{ctype: "text/plain", body: []byte("User-agent: *\nDisallow: /\n")}
	s := newSite(t, routes)
	got := New(nil, testOptions()).Fetch(context.Background(), agendaDef(s.URL))
	if got.Run.Status != record.RunFailed || !strings.Contains(got.Run.Error, "robots.txt") {
		t.Errorf("Fetch with COLLY_IGNORE_ROBOTSTXT=yes: status %q, error %q; want failed by robots.txt", got.Run.Status, got.Run.Error)
	}
}

func TestFetchLatin1(t *testing.T) {
	s := newSite(t, map[string]route{
		// No charset in the header: only the <meta> tag says ISO-8859-1.
		"/agenda/": {ctype: "text/html", body: fixture(t, "latin1.html")},
		// The header says it: colly must not decode before the crawler does.
		"/agenda-header/": {ctype: "text/html; charset=ISO-8859-1", body: fixture(t, "latin1.html")},
	})
	for _, path := range []string{"/agenda/", "/agenda-header/"} {
		def := agendaDef(s.URL)
		def.URL = s.URL + path
		def.HTML.Link, def.HTML.Detail, def.HTML.Next = "", nil, ""
		got := New(nil, testOptions()).Fetch(context.Background(), def)
		if len(got.Records) != 1 {
			t.Fatalf("Fetch(%s): %d records, want 1 (status %q, error %q, problems %q)", path, len(got.Records), got.Run.Status, got.Run.Error, got.Run.Problems)
		}
		r := got.Records[0]
		if want := "Café des émotions à Liège"; r.Title != want {
			t.Errorf("Fetch(%s).Records[0].Title = %q, want %q", path, r.Title, want)
		}
		if r.Location.City != "Liège" {
			t.Errorf("Fetch(%s).Records[0].Location.City = %q, want Liège", path, r.Location.City)
		}
	}
}

// csvDef is a CSV source of the fictional network at url.
func csvDef(url string) sources.Definition {
	return sources.Definition{
		ID: "entraide-wallonie", Name: "Entraide Wallonie (fictif)", URL: url,
		Kind: sources.KindCSV, Schedule: "0 4 * * *", Language: "fr", License: "CC0-1.0",
		Defaults: record.Defaults{Kind: "support-group"},
		CSV: &sources.CSVOptions{
			Delimiter: ";", Encoding: "windows-1252", ID: "id",
			Columns: map[string]string{
				record.FieldTitle: "titre", record.FieldPlace: "lieu",
				record.FieldDate: "date", record.FieldOrganizer: "organisateur",
			},
		},
	}
}

func TestFetchCSV(t *testing.T) {
	s := newSite(t, map[string]route{
		// The header names the charset; the bytes must still reach the parser raw.
		"/groupes.csv": {ctype: "text/csv; charset=windows-1252", body: fixture(t, "groupes.csv")},
	})
	got := New(nil, testOptions()).Fetch(context.Background(), csvDef(s.URL+"/groupes.csv"))
	run := got.Run
	if run.Status != record.RunOK {
		t.Fatalf("Fetch(csv).Run.Status = %q, want ok (error %q)", run.Status, run.Error)
	}
	if run.Found != 4 || run.Rejected != 1 || len(got.Records) != 2 || !got.Complete {
		t.Errorf("Fetch(csv): found %d, rejected %d, records %d, complete %v; want 4, 1, 2, true", run.Found, run.Rejected, len(got.Records), got.Complete)
	}
	if want := "listing 4 (" + s.URL + "/groupes.csv): title: empty"; !containsAny(run.Problems, want) {
		t.Errorf("Fetch(csv).Run.Problems = %q, want %q", run.Problems, want)
	}
	if !containsAny(run.Problems, `listing 3 (`+s.URL+`/groupes.csv): same id as listing 2 (local id "102")`) {
		t.Errorf("Fetch(csv).Run.Problems = %q, want the duplicate of listing 2", run.Problems)
	}
	if len(got.Records) > 0 {
		if want := "Café-parole pour proches aidants"; got.Records[0].Title != want {
			t.Errorf("Fetch(csv).Records[0].Title = %q, want %q", got.Records[0].Title, want)
		}
		if got.Verbatim[0].LocalID != "101" {
			t.Errorf("Fetch(csv).Verbatim[0].LocalID = %q, want 101", got.Verbatim[0].LocalID)
		}
	}
	if run.Pages != 1 || run.Bytes != int64(len(fixture(t, "groupes.csv"))) {
		t.Errorf("Fetch(csv): pages %d, bytes %d; want 1, %d", run.Pages, run.Bytes, len(fixture(t, "groupes.csv")))
	}
}

func TestFetchCancel(t *testing.T) {
	tests := []struct {
		name    string
		blockAt string
	}{
		{"on robots.txt", "/robots.txt"},
		{"on the first page", "/agenda/"},
		{"on the next page", "/agenda/?page=2"},
		{"on a detail page", "/groupes/burn-out.html"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			routes := agendaRoutes(t)
			routes[tt.blockAt] = route{block: true}
			s := newSite(t, routes)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() {
				s.waitHit(t, tt.blockAt)
				cancel()
			}()
			start := time.Now()
			got := New(nil, testOptions()).Fetch(ctx, agendaDef(s.URL))
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Fetch cancelled %s returned after %v, want at once", tt.name, d)
			}
			if got.Run.Status != record.RunFailed || !strings.Contains(got.Run.Error, "context canceled") {
				t.Errorf("Fetch cancelled %s: status %q, error %q; want failed, context canceled", tt.name, got.Run.Status, got.Run.Error)
			}
			if len(got.Records) != 0 || got.Complete {
				t.Errorf("Fetch cancelled %s: %d records, complete %v; want none, false", tt.name, len(got.Records), got.Complete)
			}
		})
	}
}

func TestFetchDelay(t *testing.T) {
	const delay = 150 * time.Millisecond
	tests := []struct {
		name       string
		optsDelay  time.Duration
		crawlDelay string // the definition's override
	}{
		{"crawler default", delay, ""},
		{"source override", -1, "150ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSite(t, agendaRoutes(t))
			def := agendaDef(s.URL)
			def.CrawlDelay = tt.crawlDelay
			New(nil, Options{Delay: tt.optsDelay, AllowHosts: allowLocal}).Fetch(context.Background(), def)
			s.mu.Lock()
			defer s.mu.Unlock()
			var last time.Time
			n := 0
			for _, h := range s.hits {
				if h.uri == "/robots.txt" {
					continue
				}
				if n > 0 && h.at.Sub(last) < delay-10*time.Millisecond {
					t.Errorf("site received %s %v after the previous request, want at least %v", h.uri, h.at.Sub(last), delay)
				}
				last = h.at
				n++
			}
			if n != 5 {
				t.Errorf("site received %d pages, want 5", n)
			}
		})
	}
}

// memSink is a Sink that keeps what it is given.
type memSink struct {
	mu     sync.Mutex
	crawls []record.Crawl
	err    error
}

func (m *memSink) SaveCrawl(ctx context.Context, c record.Crawl) (record.Run, error) {
	if err := ctx.Err(); err != nil {
		return record.Run{}, fmt.Errorf("save with a done context: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return record.Run{}, m.err
	}
	m.crawls = append(m.crawls, c)
	run := c.Run
	run.ID = int64(len(m.crawls))
	run.Inserted = len(c.Records)
	return run, nil
}

func (m *memSink) saved() []record.Crawl {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]record.Crawl(nil), m.crawls...)
}

func TestCrawl(t *testing.T) {
	routes := agendaRoutes(t)
	routes["/down/"] = route{status: 503}
	s := newSite(t, routes)
	down := agendaDef(s.URL)
	down.URL = s.URL + "/down/"
	tests := []struct {
		name       string
		def        sources.Definition
		sinkErr    error
		wantStatus record.RunStatus
		wantErr    bool
		wantLog    map[string]any
	}{
		{"ok", agendaDef(s.URL), nil, record.RunOK, false,
			map[string]any{"level": "INFO", "source": "entraide-bxl", "status": "ok", "records": 3.0, "inserted": 3.0}},
		{"failed crawl is saved", down, nil, record.RunFailed, false,
			map[string]any{"level": "WARN", "status": "failed", "records": 0.0, "error": "GET " + s.URL + "/down/: 503 Service Unavailable"}},
		{"save fails", agendaDef(s.URL), errors.New("disk full"), record.RunOK, true,
			map[string]any{"level": "ERROR", "error": "disk full"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			sink := &memSink{err: tt.sinkErr}
			opts := testOptions()
			opts.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
			run, err := New(sink, opts).Crawl(context.Background(), tt.def)
			if (err != nil) != tt.wantErr {
				t.Errorf("Crawl(%s) error = %v, want error %v", tt.name, err, tt.wantErr)
			}
			if run.Status != tt.wantStatus {
				t.Errorf("Crawl(%s).Status = %q, want %q", tt.name, run.Status, tt.wantStatus)
			}
			if !tt.wantErr {
				if saved := sink.saved(); len(saved) != 1 || run.ID != 1 {
					t.Errorf("Crawl(%s): sink got %d crawls, run id %d; want 1, 1", tt.name, len(saved), run.ID)
				}
			}
			var entry map[string]any
			if err := json.Unmarshal(logs.Bytes(), &entry); err != nil {
				t.Fatalf("Crawl(%s) logged %q: %v", tt.name, logs.String(), err)
			}
			for k, want := range tt.wantLog {
				if got := entry[k]; got != want {
					t.Errorf("Crawl(%s) log %s = %v, want %v", tt.name, k, got, want)
				}
			}
			if _, ok := entry["duration_ms"]; !ok {
				t.Errorf("Crawl(%s) log %v has no duration_ms", tt.name, entry)
			}
		})
	}
}

func TestCrawlCancelledIsSaved(t *testing.T) {
	routes := agendaRoutes(t)
	routes["/agenda/"] = route{block: true}
	s := newSite(t, routes)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		s.waitHit(t, "/agenda/")
		cancel()
	}()
	sink := &memSink{}
	run, err := New(sink, testOptions()).Crawl(ctx, agendaDef(s.URL))
	if err != nil {
		t.Fatalf("Crawl cancelled: error %v, want the run saved", err)
	}
	if run.Status != record.RunFailed || len(sink.saved()) != 1 {
		t.Errorf("Crawl cancelled: status %q, %d saved; want failed, 1", run.Status, len(sink.saved()))
	}
}

func TestFetchPanicFailsRun(t *testing.T) {
	s := newSite(t, agendaRoutes(t))
	calls := 0
	opts := testOptions()
	opts.Now = func() time.Time {
		calls++
		if calls == 2 { // the first document's fetch time
			panic("clock broke")
		}
		return time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	}
	got := New(nil, opts).Fetch(context.Background(), agendaDef(s.URL))
	if got.Run.Status != record.RunFailed || got.Run.Error != "crawl panicked: clock broke" || len(got.Records) != 0 {
		t.Errorf("Fetch with a panic: status %q, error %q, %d records; want failed, crawl panicked: clock broke, none", got.Run.Status, got.Run.Error, len(got.Records))
	}
}
