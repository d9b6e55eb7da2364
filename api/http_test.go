package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ensemble-be/ensemble/record"
)

// TestOpenAPICoversRoutes walks the router (mux.Router.Walk, partner API on) and checks every route
// and method is in the OpenAPI document.
func TestOpenAPICoversRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	type partners struct{ PartnerStore }
	type crawls struct{ Crawls }
	s := New(Options{Store: &memStore{}, Partners: partners{}, Crawls: crawls{}})
	routes, err := s.routeTable()
	if err != nil || len(routes) < 30 {
		t.Fatalf("routeTable: %v, %d routes", err, len(routes))
	}
	for _, route := range routes {
		method, path, _ := strings.Cut(route, " ")
		if method == http.MethodHead {
			continue // served with GET
		}
		if _, ok := doc.Paths[path][strings.ToLower(method)]; !ok {
			t.Errorf("%s %s is not in openapi.json", method, path)
		}
	}

	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	resp, body := get(t, ts.URL+"/api/v1/openapi.json")
	if resp.StatusCode != http.StatusOK || string(body) != string(openAPI) {
		t.Errorf("GET /api/v1/openapi.json: %d", resp.StatusCode)
	}
}

func TestCORS(t *testing.T) {
	ts, _, _ := newTestServer(t, 1)
	req, _ := http.NewRequest(http.MethodOptions, ts.URL+"/api/v1/search", nil)
	req.Header.Set("Origin", "https://example.org")
	req.Header.Set("Access-Control-Request-Method", "GET")
	req.Header.Set("Access-Control-Request-Headers", "authorization") // lower-case, as browsers send it
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 || resp.Header.Get("Access-Control-Allow-Origin") != "*" ||
		!strings.Contains(resp.Header.Get("Access-Control-Allow-Methods"), "GET") {
		t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
	}

	req.Header.Set("Access-Control-Request-Method", "DELETE")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Access-Control-Allow-Methods") != "" {
		t.Errorf("preflight for DELETE allowed: %v", resp.Header)
	}

	req, _ = http.NewRequest(http.MethodGet, ts.URL+"/api/v1/taxonomy", nil)
	req.Header.Set("Origin", "https://example.org")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("GET with Origin: %d, Access-Control-Allow-Origin %q", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
	}
}

func TestGzip(t *testing.T) {
	ts, _, _ := newTestServer(t, 0)
	for _, enc := range []string{"gzip", ""} {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/taxonomy", nil)
		if enc != "" {
			req.Header.Set("Accept-Encoding", enc)
		}
		// A transport that does not ask for, nor undo, compression by itself.
		resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if got := resp.Header.Get("Content-Encoding"); got != enc {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q", enc, got)
		}
	}
}

func TestRecordETag(t *testing.T) {
	ts, st, _ := newTestServer(t, 1)
	u := ts.URL + "/api/v1/records/" + st.recs[0].ID
	resp, _ := get(t, u)
	etag := resp.Header.Get("ETag")
	if etag == "" || resp.Header.Get("Cache-Control") == "" {
		t.Fatalf("GET record: ETag %q, Cache-Control %q", etag, resp.Header.Get("Cache-Control"))
	}
	for _, tc := range []struct {
		name, inm string
		want      int
	}{
		{"same", etag, http.StatusNotModified},
		{"weak and listed", `"x", W/` + etag, http.StatusNotModified},
		{"other", `"other"`, http.StatusOK},
	} {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("If-None-Match", tc.inm)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: If-None-Match %s = %d, want %d", tc.name, tc.inm, resp.StatusCode, tc.want)
		}
	}
	st.recs[0].Title += " (changed)"
	if resp, _ := get(t, u); resp.Header.Get("ETag") == etag {
		t.Errorf("ETag unchanged after the record changed")
	}
}

func TestClientRateLimit(t *testing.T) {
	s := New(Options{Store: &memStore{}, ClientRate: 1, ClientBurst: 2})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	for i, want := range []int{200, 200, 429} {
		resp, _ := get(t, ts.URL+"/api/v1/taxonomy")
		if resp.StatusCode != want {
			t.Fatalf("request %d: %d, want %d", i, resp.StatusCode, want)
		}
		if want == 429 && (resp.Header.Get("Retry-After") == "" || resp.Header.Get("Content-Type") != "application/problem+json") {
			t.Errorf("429 without Retry-After or problem+json: %v", resp.Header)
		}
	}
	if resp, _ := get(t, ts.URL+"/healthz"); resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz limited: %d", resp.StatusCode)
	}
}

func TestReadyz(t *testing.T) {
	lag := int64(3)
	s := New(Options{Store: &memStore{}, Readiness: func(context.Context) (bool, int64, error) { return lag == 0, lag, nil }})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	resp, body := get(t, ts.URL+"/readyz")
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), `"lag":3`) {
		t.Errorf("lagging: %d %s", resp.StatusCode, body)
	}
	lag = 0
	resp, body = get(t, ts.URL+"/readyz")
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != `{"lag":0,"ready":true}` {
		t.Errorf("caught up: %d %s", resp.StatusCode, body)
	}
}

func TestMetrics(t *testing.T) {
	m := NewMetrics()
	s := New(Options{Store: &memStore{}, Metrics: m, Readiness: func(context.Context) (bool, int64, error) { return false, 7, nil }})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	get(t, ts.URL+"/api/v1/records/nope")
	m.ObserveRun(record.Run{Source: "net", Status: record.RunOK})
	_, body := get(t, ts.URL+"/metrics")
	for _, want := range []string{
		`ensemble_http_request_duration_seconds_bucket{method="GET",route="/api/v1/records/{id}"`,
		`ensemble_http_requests_total{method="GET",route="/api/v1/records/{id}",status="404"} 1`,
		`ensemble_index_lag 7`,
		`ensemble_crawl_runs_total{source="net",status="ok"} 1`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// TestOpenAPISearchParameters checks every parameter the search parser knows is
// described for /api/v1/search and its feeds.
func TestOpenAPISearchParameters(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct{ Name string } `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/api/v1/search", "/api/v1/search.atom", "/api/v1/search.ics"} {
		documented := map[string]bool{}
		for _, p := range doc.Paths[path]["get"].Parameters {
			documented[p.Name] = true
		}
		for _, name := range searchParams {
			feedOnly := path != "/api/v1/search"
			if feedOnly && (name == "page" || name == "per_page" || name == "cursor" || name == "facets" || name == "explain") {
				continue // the feeds take the search, not its paging or extras
			}
			if !documented[name] {
				t.Errorf("%s: parameter %s is not in openapi.json", path, name)
			}
		}
	}
}
