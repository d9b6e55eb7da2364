package demo

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/sources"
	"github.com/robfig/cron/v3"
	"golang.org/x/text/encoding/charmap"
)

var (
	hrefPattern    = regexp.MustCompile(`(?:href|src)="([^"]*)"`)
	articlePattern = regexp.MustCompile(`<article class="event">`)
	nextPattern    = regexp.MustCompile(`<a class="next" href="([^"]+)"`)
	morePattern    = regexp.MustCompile(`<a class="more" href="([^"]+)"`)
	typePattern    = regexp.MustCompile(`<p class="type">([^<]+)</p>`)
	timePattern    = regexp.MustCompile(`datetime="([^"]+)"`)
	jsonldPattern  = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)
	// fictionalPhone: every number on the site is in an unallocated "000" block, or
	// the "0470 00 00 1x" form.
	fictionalPhone = regexp.MustCompile(`^0\d{1,2} 000? \d{2} \d{2}$|^0470 00 00 \d{2}$`)
)

func get(t *testing.T, client *http.Client, u string) (*http.Response, []byte) {
	t.Helper()
	resp, err := client.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", u, err)
	}
	return resp, body
}

// TestHandlerServesEveryPage crawls the demo site from / and from each definition's
// URL, following every local link, and checks each answers 200 with a plausible
// Content-Type.
func TestHandlerServesEveryPage(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	client := srv.Client()
	base, _ := url.Parse(srv.URL)

	queue := []string{srv.URL + "/", srv.URL + "/robots.txt"}
	for _, def := range Definitions(srv.URL) {
		queue = append(queue, def.URL)
	}
	seen := map[string]bool{}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		if seen[u] {
			continue
		}
		seen[u] = true
		resp, body := get(t, client, u)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200", u, resp.StatusCode)
			continue
		}
		if len(body) == 0 {
			t.Errorf("GET %s: empty body", u)
		}
		ct := resp.Header.Get("Content-Type")
		path := resp.Request.URL.Path
		switch {
		case strings.HasSuffix(path, ".csv"):
			if ct != "text/csv; charset=windows-1252" {
				t.Errorf("GET %s: Content-Type %q, want text/csv; charset=windows-1252", u, ct)
			}
		case strings.HasSuffix(path, ".txt"):
			if !strings.HasPrefix(ct, "text/plain") {
				t.Errorf("GET %s: Content-Type %q, want text/plain", u, ct)
			}
		case strings.HasSuffix(path, ".css"):
			if !strings.HasPrefix(ct, "text/css") {
				t.Errorf("GET %s: Content-Type %q, want text/css", u, ct)
			}
		case strings.HasSuffix(path, ".html"), strings.HasSuffix(path, "/"):
			if ct != "text/html; charset=utf-8" {
				t.Errorf("GET %s: Content-Type %q, want text/html; charset=utf-8", u, ct)
			}
			if !bytes.Contains(body, []byte(`<meta charset="utf-8">`)) || !bytes.Contains(body, []byte("fictif")) {
				t.Errorf("GET %s: page lacks the charset or the fictional-demo banner", u)
			}
			if !utf8Valid(body) {
				t.Errorf("GET %s: not valid UTF-8", u)
			}
			for _, m := range hrefPattern.FindAllSubmatch(body, -1) {
				ref, err := url.Parse(string(m[1]))
				if err != nil {
					t.Errorf("%s: bad link %q: %v", u, m[1], err)
					continue
				}
				abs := resp.Request.URL.ResolveReference(ref)
				if abs.Host != base.Host || ref.Fragment != "" && ref.Path == "" {
					continue // mailto:, tel:, example.org, in-page anchors
				}
				abs.RawQuery, abs.Fragment = "", ""
				abs.Path = strings.TrimSuffix(abs.Path, "index.html") // served at "dir/"
				queue = append(queue, abs.String())
			}
		default:
			t.Errorf("GET %s: unexpected kind of file", u)
		}
		if resp.Header.Get("ETag") == "" {
			t.Errorf("GET %s: no ETag", u)
		}
	}
	// Every file of the site is reachable (no orphans, so nothing untested).
	_ = fs.WalkDir(Site(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		u := srv.URL + "/" + name
		if name == "index.html" || strings.HasSuffix(name, "/index.html") {
			u = strings.TrimSuffix(u, "index.html")
		}
		if !seen[u] {
			t.Errorf("%s is not linked from the site", name)
		}
		return nil
	})

	resp, body := get(t, client, srv.URL+"/robots.txt")
	if !bytes.Contains(body, []byte("User-agent: *")) || !bytes.Contains(body, []byte("Allow: /")) || bytes.Contains(body, []byte("Disallow: /")) {
		t.Errorf("robots.txt does not allow everything: %q", body)
	}

	// Conditional requests revalidate.
	resp, _ = get(t, client, srv.URL+"/verbinding/groepen.csv")
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/verbinding/groepen.csv", nil)
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	resp2, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d, want 304", resp2.StatusCode)
	}

	resp, _ = get(t, client, srv.URL+"/entrelacs/agenda/page-9.html")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("missing page: status %d, want 404", resp.StatusCode)
	}
	resp3, err := client.Post(srv.URL+"/", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp3.Body.Close()
	if resp3.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", resp3.StatusCode)
	}
}

// TestAgendaPagination follows a.next from the first agenda page: three pages, the
// last without a next link, and a detail page for every listing.
func TestAgendaPagination(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	client := srv.Client()

	u := Definitions(srv.URL)[0].URL
	var pages, listings int
	for u != "" {
		pages++
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		resp, body := get(t, client, u)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d", u, resp.StatusCode)
		}
		n := len(articlePattern.FindAll(body, -1))
		more := morePattern.FindAllSubmatch(body, -1)
		if n != len(more) || n < 4 || n > 6 {
			t.Errorf("%s: %d listings and %d detail links, want the same, about 5", u, n, len(more))
		}
		listings += n
		for _, m := range more {
			ref, _ := url.Parse(string(m[1]))
			d := resp.Request.URL.ResolveReference(ref).String()
			dresp, dbody := get(t, client, d)
			if dresp.StatusCode != http.StatusOK {
				t.Errorf("detail %s: status %d", d, dresp.StatusCode)
				continue
			}
			for _, want := range []string{`class="description"`, `class="fin"`, `class="contact-email"`, `class="contact-tel"`, `class="inscription"`} {
				if !bytes.Contains(dbody, []byte(want)) {
					t.Errorf("detail %s: no %s", d, want)
				}
			}
			if c := bytes.Count(dbody, []byte("<p>")); c < 3 {
				t.Errorf("detail %s: description has %d paragraphs, want several", d, c)
			}
		}
		u = ""
		if m := nextPattern.FindSubmatch(body); m != nil {
			ref, _ := url.Parse(string(m[1]))
			u = resp.Request.URL.ResolveReference(ref).String()
		}
	}
	if pages != 3 {
		t.Errorf("agenda has %d pages, want 3", pages)
	}
	if listings < 14 {
		t.Errorf("agenda has %d listings, want 14 or more", listings)
	}
}

// TestDefinitions checks each demo definition validates and points into the site.
func TestDefinitions(t *testing.T) {
	const base = "http://127.0.0.1:41234"
	defs := Definitions(base + "/")
	if len(defs) < 3 {
		t.Fatalf("%d definitions, want 3", len(defs))
	}
	ids := map[string]bool{}
	kinds := map[sources.Kind]bool{}
	licenses := map[string]int{}
	site := Site()
	for _, def := range defs {
		if err := def.Validate(); err != nil {
			t.Errorf("%s: %v", def.ID, err)
		}
		if ids[def.ID] {
			t.Errorf("duplicate id %s", def.ID)
		}
		ids[def.ID] = true
		kinds[def.Kind] = true
		licenses[def.License]++
		if _, err := cron.ParseStandard(def.Schedule); err != nil {
			t.Errorf("%s: schedule %q: %v", def.ID, def.Schedule, err)
		}
		if def.Attribution == "" || def.Name == "" {
			t.Errorf("%s: no name or attribution", def.ID)
		}
		if !strings.HasPrefix(def.URL, base+"/") || strings.Contains(def.URL, "//"+"/") {
			t.Errorf("%s: URL %q not under %s", def.ID, def.URL, base)
		}
		name := strings.TrimPrefix(def.URL, base+"/")
		if strings.HasSuffix(name, "/") {
			name += "index.html"
		}
		if _, err := fs.Stat(site, name); err != nil {
			t.Errorf("%s: URL %q is not a file of the site: %v", def.ID, def.URL, err)
		}
		var maps []map[string]string
		if def.HTML != nil {
			maps = append(maps, def.HTML.Fields, def.HTML.Detail)
		}
		if def.CSV != nil {
			maps = append(maps, def.CSV.Columns)
		}
		for _, m := range maps {
			for k := range m {
				if !record.IsKnownField(k) {
					t.Errorf("%s: unknown field %q", def.ID, k)
				}
			}
		}
	}
	for _, k := range []sources.Kind{sources.KindHTML, sources.KindJSONLD, sources.KindCSV} {
		if !kinds[k] {
			t.Errorf("no %s definition", k)
		}
	}
	if licenses["CC-BY-4.0"] != 2 || licenses["CC0-1.0"] != 1 {
		t.Errorf("licenses %v, want two CC-BY-4.0 and one CC0-1.0", licenses)
	}
}

// TestListingCounts counts the listings in the raw files, and checks they look like
// what the definitions expect: kinds the vocabulary knows, dates in the demo window,
// fictional phone numbers, the CSV's encoding and its multi-line field.
func TestListingCounts(t *testing.T) {
	site := Site()
	from := time.Date(2026, 12, 1, 0, 0, 0, 0, record.Brussels)
	to := time.Date(2027, 7, 1, 0, 0, 0, 0, record.Brussels)
	inWindow := func(where, s string) {
		t.Helper()
		d, _, err := record.ParseDate(s)
		if err != nil {
			t.Errorf("%s: date %q: %v", where, s, err)
		} else if d.Before(from) || !d.Before(to) {
			t.Errorf("%s: date %s outside 2026-12 … 2027-06", where, s)
		}
	}
	checkKind := func(where, name string) {
		t.Helper()
		if record.KindID(name) == "" {
			t.Errorf("%s: kind %q is not in the vocabulary", where, name)
		}
	}
	checkPhone := func(where, phone string) {
		t.Helper()
		if !fictionalPhone.MatchString(phone) || !phoneOK(phone) {
			t.Errorf("%s: phone %q is not a fictional Belgian number", where, phone)
		}
	}

	// A: HTML agenda.
	agenda := 0
	for _, name := range []string{"entrelacs/agenda/index.html", "entrelacs/agenda/page-2.html", "entrelacs/agenda/page-3.html"} {
		data, err := fs.ReadFile(site, name)
		if err != nil {
			t.Fatal(err)
		}
		agenda += len(articlePattern.FindAll(data, -1))
		for _, m := range typePattern.FindAllSubmatch(data, -1) {
			checkKind(name, string(m[1]))
		}
		for _, m := range timePattern.FindAllSubmatch(data, -1) {
			inWindow(name, string(m[1]))
		}
	}
	details, _ := fs.Glob(site, "entrelacs/agenda/evenements/*.html")
	if len(details) != agenda {
		t.Errorf("%d detail pages for %d agenda listings", len(details), agenda)
	}
	telPattern := regexp.MustCompile(`class="contact-tel"[^>]*>([^<]+)<`)
	for _, name := range details {
		data, _ := fs.ReadFile(site, name)
		if m := telPattern.FindSubmatch(data); m != nil {
			checkPhone(name, string(m[1]))
		}
	}

	// B: JSON-LD.
	data, err := fs.ReadFile(site, "mosane/activites.html")
	if err != nil {
		t.Fatal(err)
	}
	m := jsonldPattern.FindSubmatch(data)
	if m == nil {
		t.Fatal("mosane/activites.html: no JSON-LD script")
	}
	var doc struct {
		Context string           `json:"@context"`
		Graph   []map[string]any `json:"@graph"`
	}
	if err := json.Unmarshal(m[1], &doc); err != nil {
		t.Fatalf("mosane JSON-LD: %v", err)
	}
	types := map[string]int{}
	online := 0
	for _, item := range doc.Graph {
		typ, _ := item["@type"].(string)
		types[typ]++
		if typ == "Event" {
			inWindow("mosane "+item["name"].(string), item["startDate"].(string))
			inWindow("mosane "+item["name"].(string), item["endDate"].(string))
			if loc, _ := item["location"].(map[string]any); loc["@type"] == "VirtualLocation" {
				online++
			}
		}
		if kw, ok := item["keywords"].(string); ok {
			checkKind("mosane "+typ, kw)
		}
	}
	jsonld := types["Event"] + types["Course"] + types["Service"]
	if types["Event"] < 6 || types["Course"] != 1 || types["Service"] != 1 || types["Organization"] != 1 || online != 1 {
		t.Errorf("mosane @graph types %v (online events %d), want Events (one online), a Course, a Service, the Organization", types, online)
	}

	// C: CSV in Windows-1252.
	raw, err := fs.ReadFile(site, "verbinding/groepen.csv")
	if err != nil {
		t.Fatal(err)
	}
	if utf8Valid(raw) {
		t.Error("groepen.csv is valid UTF-8; it should be Windows-1252")
	}
	text, err := charmap.Windows1252.NewDecoder().Bytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(text))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("groepen.csv: %v", err)
	}
	header := rows[0]
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for _, h := range Definitions("http://x")[2].CSV.Columns {
		if _, ok := col[h]; !ok {
			t.Errorf("groepen.csv: no column %q", h)
		}
	}
	multiline := false
	for _, row := range rows[1:] {
		id := row[col["Id"]]
		checkKind(id, row[col["Soort"]])
		inWindow(id, row[col["Datum"]])
		checkPhone(id, row[col["Telefoon"]])
		if reg := row[col["Inschrijving"]]; reg != "" {
			ref, err := url.Parse(reg)
			if err != nil || !strings.HasPrefix(ref.Path, "/") {
				t.Errorf("%s: Inschrijving %q is not a root-relative link", id, reg)
			} else if _, err := fs.Stat(site, strings.TrimPrefix(ref.Path, "/")); err != nil {
				t.Errorf("%s: Inschrijving %q: %v", id, reg, err)
			}
		}
		if d := row[col["Omschrijving"]]; strings.Contains(d, "\n") && strings.ContainsAny(d, "é") && strings.ContainsAny(d, "ë") {
			multiline = true
		}
	}
	if !multiline {
		t.Error("groepen.csv: no multi-line description with é and ë")
	}
	if !bytes.Contains(text, []byte("€")) {
		t.Error("groepen.csv: no € sign decoded")
	}
	csvRows := len(rows) - 1

	t.Logf("listings: entrelacs %d, mosane %d, verbinding %d", agenda, jsonld, csvRows)
	if agenda < 14 || jsonld < 9 || csvRows < 10 {
		t.Errorf("listings: entrelacs %d (want ≥ 14), mosane %d (want ≥ 9), verbinding %d (want ≥ 10)", agenda, jsonld, csvRows)
	}
	if total := agenda + jsonld + csvRows; total < 32 {
		t.Errorf("%d listings in all, want at least 32", total)
	}
}

// TestNoRealContacts guards against real-looking e-mail domains slipping in.
func TestNoRealContacts(t *testing.T) {
	email := regexp.MustCompile(`[A-Za-z0-9._-]+@([A-Za-z0-9.-]+)`)
	err := fs.WalkDir(Site(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, _ := fs.ReadFile(Site(), name)
		for _, m := range email.FindAllSubmatch(data, -1) {
			if !strings.HasSuffix(string(m[1]), ".example.org") {
				t.Errorf("%s: e-mail %s is not at an example.org domain", name, m[0])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func utf8Valid(b []byte) bool { return utf8.Valid(b) }

func phoneOK(s string) bool { _, ok := record.ParsePhone(s); return ok }
