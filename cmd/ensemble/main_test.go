package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/store"
)

// partnerSite serves the files under testdata/site from memory on 127.0.0.1, so a
// test can change, remove or break them between crawls.
type partnerSite struct {
	*httptest.Server
	mu    sync.Mutex
	files map[string][]byte
	fail  bool // answer 503 to everything
}

func newPartnerSite(t *testing.T) *partnerSite {
	t.Helper()
	p := &partnerSite{files: map[string][]byte{}}
	root := filepath.Join("testdata", "site")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(root, path)
		p.files["/"+filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	p.Server = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.Close)
	return p
}

func (p *partnerSite) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fail {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
		return
	}
	path := r.URL.Path
	if strings.HasSuffix(path, "/") {
		path += "index.html"
	}
	body, ok := p.files[path]
	if path == "/robots.txt" {
		body, ok = []byte("User-agent: *\nAllow: /\n"), true
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	switch {
	case strings.HasSuffix(path, ".csv"):
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	case strings.HasSuffix(path, ".html"):
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	w.Write(body)
}

// edit replaces old by new in the file at path.
func (p *partnerSite) edit(t *testing.T, path, old, new string) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if !bytes.Contains(p.files[path], []byte(old)) {
		t.Fatalf("fixture %s does not contain %q", path, old)
	}
	p.files[path] = bytes.Replace(p.files[path], []byte(old), []byte(new), 1)
}

func (p *partnerSite) setFail(fail bool) {
	p.mu.Lock()
	p.fail = fail
	p.mu.Unlock()
}

// writeCatalog copies testdata/catalog into dir with ${BASE} set to the site's URL.
func writeCatalog(t *testing.T, dir, base string) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join("testdata", "catalog"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("testdata", "catalog", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		b = bytes.ReplaceAll(b, []byte("${BASE}"), []byte(base))
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// testMain runs one command of the binary's Main with the given flags, in dir.
func runMain(t *testing.T, args ...string) (*Main, string) {
	t.Helper()
	var out bytes.Buffer
	m := NewMain(&out, &testWriter{t: t})
	if err := m.ParseFlags(args); err != nil {
		t.Fatalf("ParseFlags(%q): %v", args, err)
	}
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		t.Fatalf("Run(%q): %v\n%s", args, err, out.String())
	}
	if m.Command != "serve" {
		if err := m.Close(); err != nil {
			t.Fatalf("Close(%q): %v", args, err)
		}
	}
	return m, out.String()
}

// testWriter sends the program's log to the test log.
type testWriter struct {
	t  *testing.T
	mu sync.Mutex
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

type searchPage struct {
	Total   int             `json:"total"`
	Results []record.Record `json:"results"`
	Crisis  struct {
		Lines []struct{ Number string } `json:"lines"`
	} `json:"crisis"`
}

func getJSON(t *testing.T, url string, want int, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("GET %s = %d, want %d: %s", url, resp.StatusCode, want, body)
	}
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("GET %s: %v: %s", url, err, body)
		}
	}
}

func search(t *testing.T, base, query string) searchPage {
	t.Helper()
	var p searchPage
	getJSON(t, base+"/api/v1/search?"+query, http.StatusOK, &p)
	return p
}

func ids(p searchPage) []string {
	out := make([]string, len(p.Results))
	for i, r := range p.Results {
		out[i] = r.ID
	}
	return out
}

// recrawl crawls every source now and waits until the index has every change.
func recrawl(t *testing.T, m *Main) {
	t.Helper()
	ctx := context.Background()
	m.app.scheduler.RunNow(ctx, "passerelles", "collines", "verbinding")
	waitIndexed(t, m)
}

func waitIndexed(t *testing.T, m *Main) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		want, err1 := m.app.store.LastSeq(context.Background())
		got, err2 := m.app.index.LastSeq()
		if err1 == nil && err2 == nil && got == want && want > 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("index did not catch up with the store within 10s")
}

// waitFirstCrawl waits until every source has a run and the index has caught up.
func waitFirstCrawl(t *testing.T, m *Main, base string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		var list struct {
			Sources []struct {
				LastRun *record.Run `json:"last_run"`
			} `json:"sources"`
		}
		getJSON(t, base+"/api/v1/sources", http.StatusOK, &list)
		done := len(list.Sources) == 3
		for _, s := range list.Sources {
			done = done && s.LastRun != nil
		}
		if done {
			waitIndexed(t, m)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("first crawl not done within 15s")
}

// TestEndToEnd runs the whole program against fixture partner sites: crawl, search,
// change, withdraw, fail, reindex, dump.
func TestEndToEnd(t *testing.T) {
	site := newPartnerSite(t)
	data := t.TempDir()
	catalog := filepath.Join(data, "catalog")
	writeCatalog(t, catalog, site.URL)
	serveArgs := []string{"serve", "--data", data, "--catalog", catalog, "--addr", "127.0.0.1:0", "--crawl-delay", "0", "--allow-hosts", "127.0.0.1", "--log-level", "warn", "--rate-limit", "0"}

	m, _ := runMain(t, serveArgs...)
	defer m.Close()
	api := "http://" + m.Config.Addr
	waitFirstCrawl(t, m, api)

	// Search: the three formats were crawled, normalized and indexed.
	all := search(t, api, "per_page=100")
	if all.Total != 10 {
		t.Fatalf("records after the first crawl = %d, want 10 (4 html + 3 jsonld + 3 csv)", all.Total)
	}
	if len(all.Crisis.Lines) == 0 {
		t.Errorf("search response has no crisis lines")
	}
	p := search(t, api, "q=groupe+de+parole")
	if p.Total < 2 || !strings.Contains(p.Results[0].Title, "Groupe de parole") {
		t.Fatalf("search(groupe de parole) = %d results, first %q", p.Total, firstTitle(p))
	}
	// The Dutch words find the Dutch group first, then, through the taxonomy's
	// synonyms, the French groupe de parole on grief (deuil).
	if got := search(t, api, "q=praatgroep+rouw"); got.Total != 2 || got.Results[0].Location.City != "Gent" ||
		got.Results[1].Title != "Groupe de parole deuil" {
		t.Errorf("search(praatgroep rouw) = %d results, first %q", got.Total, firstTitle(got))
	}
	if got := search(t, api, "kind=intervision"); got.Total != 1 {
		t.Errorf("search(kind=intervision) = %d results, want 1", got.Total)
	}
	// A parent kind finds its children: intervision and the Balint group.
	if got := search(t, api, "kind=professional-group"); got.Total != 2 {
		t.Errorf("search(kind=professional-group) = %d results (%v), want 2", got.Total, ids(got))
	}
	if got := search(t, api, "flag=date_year_inferred"); got.Total != 0 {
		t.Errorf("search(flag=date_year_inferred) = %d, want 0: every fixture date has a year", got.Total)
	}
	if got := search(t, api, "flag=place_from_postcode&no_flag=personal_data_removed"); got.Total == 0 {
		t.Errorf("search(flag=place_from_postcode) found nothing")
	}

	// A record, with what the detail page added.
	id := record.NewID("passerelles", site.URL+"/agenda/ev/parole-proches.html")
	var rec record.Record
	getJSON(t, api+"/api/v1/records/"+id, http.StatusOK, &rec)
	if rec.Contact.Email != "info@passerelles.example.org" || rec.Schedule.End == nil || rec.Location.Postcode != "1060" {
		t.Errorf("record %s: email %q, end %v, postcode %q", id, rec.Contact.Email, rec.Schedule.End, rec.Location.Postcode)
	}
	getJSON(t, api+"/api/v1/records/00000000-0000-0000-0000-000000000000", http.StatusNotFound, nil)

	// Bad parameters are problem+json naming the parameter.
	var problem struct {
		Status        int
		InvalidParams []struct{ Name string } `json:"invalid_params"`
	}
	getJSON(t, api+"/api/v1/search?per_page=500", http.StatusBadRequest, &problem)
	if len(problem.InvalidParams) != 1 || problem.InvalidParams[0].Name != "per_page" {
		t.Errorf("per_page=500: problem %+v, want invalid param per_page", problem)
	}

	// Change a listing: same id, new title, found by its new words.
	site.edit(t, "/agenda/index.html", "Intervision pour travailleurs sociaux", "Intervision mensuelle pour travailleurs sociaux")
	recrawl(t, m)
	getJSON(t, api+"/api/v1/records/"+record.NewID("passerelles", site.URL+"/agenda/ev/intervision.html"), http.StatusOK, &rec)
	if rec.Title != "Intervision mensuelle pour travailleurs sociaux de première ligne" {
		t.Errorf("after the change the title is %q", rec.Title)
	}
	if got := search(t, api, "q=intervision+mensuelle"); got.Total != 1 || got.Results[0].ID != rec.ID {
		t.Errorf("search(intervision mensuelle) = %d results", got.Total)
	}
	if got := search(t, api, "per_page=100"); got.Total != 10 {
		t.Errorf("records after the change = %d, want still 10", got.Total)
	}

	// Remove a listing: withdrawn, hidden from default search, kept.
	site.edit(t, "/groepen.csv", "vb-3;Zelfhulpgroep angst en paniek;Samen sterker tegen angst.;Zelfhulpgroep;2027-03-01 18:00;Wijkcentrum;3000;Leuven;gratis\n", "")
	recrawl(t, m)
	gone := record.NewID("verbinding", "vb-3")
	getJSON(t, api+"/api/v1/records/"+gone, http.StatusOK, &rec)
	if rec.Status != record.StatusWithdrawn {
		t.Errorf("removed listing has status %q, want withdrawn", rec.Status)
	}
	// "angst" (anxiety) still finds the French anxiety workshop through the taxonomy's
	// synonyms, but never the withdrawn listing.
	if got := search(t, api, "q=angst"); slices.Contains(ids(got), gone) {
		t.Errorf("withdrawn listing still found by default search")
	}
	if got := search(t, api, "q=angst&status=withdrawn"); got.Total != 1 {
		t.Errorf("search(status=withdrawn) = %d, want 1", got.Total)
	}

	// The site fails: runs say so, nothing is lost.
	before := search(t, api, "per_page=100")
	site.setFail(true)
	m.app.scheduler.RunNow(context.Background(), "passerelles", "collines", "verbinding")
	var runs struct{ Runs []record.Run }
	getJSON(t, api+"/api/v1/sources/passerelles/runs", http.StatusOK, &runs)
	if runs.Runs[0].Status != record.RunFailed || !strings.Contains(runs.Runs[0].Error, "503") {
		t.Errorf("run on a failing site: %q %q, want failed with the 503", runs.Runs[0].Status, runs.Runs[0].Error)
	}
	if after := search(t, api, "per_page=100"); !slices.Equal(ids(after), ids(before)) {
		t.Errorf("a failed crawl changed search results: %d → %d", before.Total, after.Total)
	}

	// Dumps over HTTP parse back, with every record (withdrawn too).
	dumpJSONL := get(t, api+"/api/v1/dump.jsonl")
	checkReplay(t, api, dumpJSONL)
	// An export of a search streams every match, in the dump's formats.
	exported := get(t, api+"/api/v1/export?kind=professional-group&format=csv")
	if rows, err := csv.NewReader(bytes.NewReader(exported)).ReadAll(); err != nil || len(rows) != 3 {
		t.Errorf("export of kind=professional-group: %d rows (%v), want a header and 2", len(rows), err)
	}
	dumpCSV := get(t, api+"/api/v1/dump.csv")
	checkJSONL(t, dumpJSONL, 10)
	checkCSV(t, dumpCSV, 10)

	queries := []string{"q=groupe+de+parole", "q=anxiete", "q=deuil", "kind=intervision", "per_page=100", "q=praatgroep", "q=angst&status=withdrawn"}
	want := map[string][]string{}
	for _, q := range queries {
		want[q] = ids(search(t, api, q))
	}
	if err := m.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	// Delete the index, rebuild it from the store: same answers.
	if err := os.RemoveAll(filepath.Join(data, "index")); err != nil {
		t.Fatal(err)
	}
	_, out := runMain(t, "reindex", "--data", data, "--catalog", catalog)
	if !strings.Contains(out, "reindexed 10 records") {
		t.Errorf("reindex printed %q", out)
	}
	m2, _ := runMain(t, serveArgs...) // the site still fails: the store stays as it was
	defer m2.Close()
	api2 := "http://" + m2.Config.Addr
	for _, q := range queries {
		if got := ids(search(t, api2, q)); !slices.Equal(got, want[q]) {
			t.Errorf("after reindex search(%s) = %v, want %v", q, got, want[q])
		}
	}
	m2.Close()

	// The dump command writes the same as the API.
	outFile := filepath.Join(t.TempDir(), "dump.jsonl")
	runMain(t, "dump", "--data", data, "--catalog", catalog, "--format", "jsonl", "--out", outFile)
	fileDump, _ := os.ReadFile(outFile)
	if !bytes.Equal(fileDump, dumpJSONL) {
		t.Errorf("ensemble dump --format jsonl differs from GET /api/v1/dump.jsonl")
	}
	_, csvOut := runMain(t, "dump", "--data", data, "--catalog", catalog, "--format", "csv")
	checkCSV(t, []byte(csvOut), 10)

	// The other open formats: gzipped JSONL, Excel CSV, an HSDS package.
	gz := filepath.Join(t.TempDir(), "dump.jsonl.gz")
	runMain(t, "dump", "--data", data, "--catalog", catalog, "--format", "jsonl", "--out", gz)
	f, err := os.Open(gz)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("dump.jsonl.gz is not gzip: %v", err)
	}
	unzipped, _ := io.ReadAll(zr)
	f.Close()
	if !bytes.Equal(unzipped, dumpJSONL) {
		t.Errorf("gzipped dump differs from the JSONL dump")
	}
	_, excel := runMain(t, "dump", "--data", data, "--catalog", catalog, "--format", "excel-csv")
	if !strings.HasPrefix(excel, "\ufeffid;source;") {
		t.Errorf("excel-csv starts %q", excel[:min(30, len(excel))])
	}
	hsds := filepath.Join(t.TempDir(), "hsds")
	runMain(t, "dump", "--data", data, "--catalog", catalog, "--format", "hsds", "--out", hsds)
	services, err := os.ReadFile(filepath.Join(hsds, "services.csv"))
	rows, _ := csv.NewReader(bytes.NewReader(services)).ReadAll()
	if err != nil || len(rows) != 11 {
		t.Errorf("HSDS services.csv: %d rows, %v; want a header and 10 services", len(rows), err)
	}
	if _, err := os.Stat(filepath.Join(hsds, "datapackage.json")); err != nil {
		t.Errorf("HSDS package has no datapackage.json: %v", err)
	}
}

// checkReplay follows the change feed from the start into an empty set, as a mirror
// would, and checks it ends with exactly the dataset of the dump.
func checkReplay(t *testing.T, api string, dump []byte) {
	t.Helper()
	mirror := map[string]record.Record{}
	next := "/api/v1/changes?after=0&limit=3"
	for range 100 {
		var page struct {
			Items []struct {
				Seq   int64
				ID    string
				State string
				Data  record.Record
			}
			Next string
		}
		getJSON(t, api+next, http.StatusOK, &page)
		if len(page.Items) == 0 {
			break
		}
		for _, it := range page.Items {
			mirror[it.ID] = it.Data
		}
		next = page.Next
	}
	want := map[string]record.Record{}
	for _, line := range bytes.Split(bytes.TrimSpace(dump), []byte("\n")) {
		var r record.Record
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatal(err)
		}
		want[r.ID] = r
	}
	if len(mirror) != len(want) {
		t.Fatalf("replayed feed has %d records, the dataset %d", len(mirror), len(want))
	}
	for id, w := range want {
		got := mirror[id]
		if got.Fingerprint() != w.Fingerprint() || got.Status != w.Status {
			t.Errorf("replayed %s: %q (%s), dataset has %q (%s)", id, got.Title, got.Status, w.Title, w.Status)
		}
	}
}

func firstTitle(p searchPage) string {
	if len(p.Results) == 0 {
		return ""
	}
	return p.Results[0].Title
}

func get(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d, %v", url, resp.StatusCode, err)
	}
	return b
}

func checkJSONL(t *testing.T, b []byte, want int) {
	t.Helper()
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	n, withdrawn := 0, 0
	for sc.Scan() {
		var r record.Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("JSONL line %d: %v", n+1, err)
		}
		if err := r.Validate(); err != nil {
			t.Errorf("JSONL line %d: %v", n+1, err)
		}
		if r.Status == record.StatusWithdrawn {
			withdrawn++
		}
		n++
	}
	if n != want || withdrawn != 1 {
		t.Errorf("JSONL dump: %d records (%d withdrawn), want %d (1 withdrawn)", n, withdrawn, want)
	}
}

func checkCSV(t *testing.T, b []byte, want int) {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("CSV dump: %v", err)
	}
	if !slices.Equal(rows[0], record.CSVColumns) {
		t.Errorf("CSV header = %v", rows[0])
	}
	if len(rows)-1 != want {
		t.Errorf("CSV dump: %d rows, want %d", len(rows)-1, want)
	}
	for i, row := range rows[1:] {
		if row[0] != record.NewID(row[1], row[2]) {
			t.Errorf("CSV row %d: id %s is not the id of (%s, %s)", i+1, row[0], row[1], row[2])
		}
	}
}

func TestCrawlCommand(t *testing.T) {
	site := newPartnerSite(t)
	data := t.TempDir()
	catalog := filepath.Join(data, "catalog")
	writeCatalog(t, catalog, site.URL)
	_, out := runMain(t, "crawl", "--data", data, "--catalog", catalog, "--crawl-delay", "0", "--allow-hosts", "127.0.0.1", "--source", "verbinding")
	if !strings.Contains(out, "verbinding") || !strings.Contains(out, "index: 3 changes applied") {
		t.Fatalf("crawl printed:\n%s", out)
	}
	_, out = runMain(t, "sources", "list", "--data", data, "--catalog", catalog)
	for _, want := range []string{"passerelles", "collines", "verbinding", "ok "} {
		if !strings.Contains(out, want) {
			t.Errorf("sources list does not show %q:\n%s", want, out)
		}
	}
}

// TestCrawlGuard: without --allow-hosts the crawler refuses the loopback fixture site
// at dial time, and the run says why.
func TestCrawlGuard(t *testing.T) {
	site := newPartnerSite(t)
	data := t.TempDir()
	catalog := filepath.Join(data, "catalog")
	writeCatalog(t, catalog, site.URL)
	var out bytes.Buffer
	m := NewMain(&out, io.Discard)
	if err := m.ParseFlags([]string{"crawl", "--data", data, "--catalog", catalog, "--crawl-delay", "0", "--source", "collines"}); err != nil {
		t.Fatal(err)
	}
	err := m.Run(context.Background())
	m.Close()
	if err == nil || !strings.Contains(out.String(), "refused to connect to 127.0.0.1") ||
		!strings.Contains(out.String(), "not in --allow-hosts") {
		t.Fatalf("crawl of a loopback site without --allow-hosts = %v:\n%s", err, out.String())
	}
}

func TestRenormalizeCommand(t *testing.T) {
	site := newPartnerSite(t)
	data := t.TempDir()
	catalog := filepath.Join(data, "catalog")
	writeCatalog(t, catalog, site.URL)
	runMain(t, "crawl", "--data", data, "--catalog", catalog, "--crawl-delay", "0", "--allow-hosts", "127.0.0.1")
	_, out := runMain(t, "renormalize", "--data", data, "--catalog", catalog)
	// The same normalizer over the same listings: nothing changes, nothing to reindex.
	for _, want := range []string{"passerelles  4        0", "collines     3        0", "verbinding   3        0", "index: 0 changes applied"} {
		if !strings.Contains(out, want) {
			t.Errorf("renormalize printed:\n%s\nwant a line with %q", out, want)
		}
	}
}

// TestQuarantineAndApprove: a crawl that would withdraw most of a source waits for a
// person; `sources approve-run` applies it; `sources resume` un-pauses a source.
func TestQuarantineAndApprove(t *testing.T) {
	site := newPartnerSite(t)
	data := t.TempDir()
	catalog := filepath.Join(data, "catalog")
	writeCatalog(t, catalog, site.URL)
	args := []string{"--data", data, "--catalog", catalog, "--crawl-delay", "0", "--allow-hosts", "127.0.0.1", "--source", "verbinding"}
	runMain(t, append([]string{"crawl"}, args...)...)
	site.edit(t, "/groepen.csv", "vb-2;", "xx-2;")                           // vb-2 gone, xx-2 new
	site.edit(t, "/groepen.csv", "vb-3;Zelfhulpgroep", "xx-3;Zelfhulpgroep") // vb-3 gone, xx-3 new
	_, out := runMain(t, append([]string{"crawl"}, args...)...)
	if !strings.Contains(out, "quarantined") {
		t.Fatalf("crawl losing 2 of 3 listings printed:\n%s\nwant quarantined", out)
	}
	st := openStoreForTest(t, data)
	runs, _ := st.Runs(context.Background(), "verbinding", 1)
	st.Close()
	_, out = runMain(t, "sources", "approve-run", fmt.Sprint(runs[0].ID), "--data", data, "--catalog", catalog)
	if !strings.Contains(out, "2 new, 0 updated, 2 withdrawn") {
		t.Errorf("approve-run printed %q", out)
	}
	_, out = runMain(t, "sources", "resume", "verbinding", "--data", data, "--catalog", catalog)
	if !strings.Contains(out, "resumed") {
		t.Errorf("resume printed %q", out)
	}
}

func openStoreForTest(t *testing.T, data string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(data, "ensemble.db"))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestSourcesValidate(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	os.WriteFile(good, []byte("id: good\nname: Good\nurl: https://agenda.example.org/\nkind: jsonld\nschedule: \"0 6 * * *\"\nlanguage: fr\n"), 0o644)
	badSchedule := filepath.Join(dir, "bad-schedule.yaml")
	os.WriteFile(badSchedule, []byte("id: bad\nname: Bad\nurl: https://agenda.example.org/\nkind: jsonld\nschedule: \"61 * * * *\"\nlanguage: fr\n"), 0o644)
	badField := filepath.Join(dir, "bad-field.yaml")
	os.WriteFile(badField, []byte("id: bad2\nname: Bad\nurl: https://agenda.example.org/\nkind: html\nschedule: \"0 6 * * *\"\nlanguage: fr\nhtml: {list: article, fields: {title: h2, date: \"\"}}\n"), 0o644)

	tests := []struct {
		file    string
		wantErr []string // substrings; none = valid
	}{
		{good, nil},
		{badSchedule, []string{"bad-schedule.yaml", "61"}},
		{badField, []string{"bad-field.yaml", "html.fields.date"}},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		m := NewMain(&out, io.Discard)
		if err := m.ParseFlags([]string{"sources", "validate", tt.file}); err != nil {
			t.Fatal(err)
		}
		err := m.Run(context.Background())
		if tt.wantErr == nil {
			if err != nil || !strings.Contains(out.String(), "ok") {
				t.Errorf("sources validate %s = %v, %q; want ok", tt.file, err, out.String())
			}
			continue
		}
		for _, want := range tt.wantErr {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("sources validate %s = %v, want an error mentioning %q", filepath.Base(tt.file), err, want)
			}
		}
	}
}

func TestParseFlagsErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"dump", "--format", "xml"}, `--format "xml"`},
		{[]string{"sources"}, "sources list"},
		{[]string{"serve", "--log-level", "loud"}, "--log-level"},
	}
	for _, tt := range tests {
		m := NewMain(io.Discard, io.Discard)
		err := m.ParseFlags(tt.args)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseFlags(%q) = %v, want an error containing %q", tt.args, err, tt.want)
		}
	}
}

func TestSourcesCatalogExport(t *testing.T) {
	dir := t.TempDir()
	_, out := runMain(t, "sources", "catalog")
	if !strings.Contains(out, "smes-b") || !strings.Contains(out, "UNVERIFIED") {
		t.Fatalf("sources catalog printed:\n%s", out)
	}
	_, out = runMain(t, "sources", "catalog", "export", dir)
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if len(files) < 12 || !strings.Contains(out, "all disabled") {
		t.Fatalf("export wrote %d files: %s", len(files), out)
	}
	// Every exported file validates, and a second export overwrites nothing.
	runMain(t, append([]string{"sources", "validate"}, files...)...)
	_, out = runMain(t, "sources", "catalog", "export", dir)
	if !strings.Contains(out, "exists, left as it is") {
		t.Errorf("second export printed %q", out)
	}
}

// TestSnapshotDumps: `ensemble dump` writes today's immutable snapshot, which the
// server lists and serves with ETag and Range.
func TestSnapshotDumps(t *testing.T) {
	site := newPartnerSite(t)
	data := t.TempDir()
	catalog := filepath.Join(data, "catalog")
	writeCatalog(t, catalog, site.URL)
	base := []string{"--data", data, "--catalog", catalog}
	runMain(t, append([]string{"crawl", "--crawl-delay", "0", "--allow-hosts", "127.0.0.1"}, base...)...)
	_, out := runMain(t, append([]string{"dump"}, base...)...)
	if !strings.Contains(out, "snapshot written") {
		t.Fatalf("dump printed %q", out)
	}
	_, out = runMain(t, append([]string{"dump"}, base...)...)
	if !strings.Contains(out, "exists already") {
		t.Errorf("second dump printed %q, want the snapshot left as it was", out)
	}

	m, _ := runMain(t, append([]string{"serve", "--addr", "127.0.0.1:0", "--allow-hosts", "127.0.0.1", "--log-level", "warn"}, base...)...)
	defer m.Close()
	api := "http://" + m.Config.Addr
	var list struct {
		Latest    string
		Snapshots []struct {
			Date    string
			Records int
			URLs    map[string]string
		}
	}
	getJSON(t, api+"/api/v1/dumps", http.StatusOK, &list)
	if len(list.Snapshots) != 1 || list.Latest == "" || list.Snapshots[0].Records != 10 {
		t.Fatalf("dumps = %+v, want one snapshot of 10 records", list)
	}
	req, _ := http.NewRequest("GET", api+"/api/v1/dumps/latest/datapackage.json", nil)
	req.Header.Set("Range", "bytes=0-63")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	part, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent || len(part) != 64 || resp.Header.Get("ETag") == "" {
		t.Errorf("range request = %d, %d bytes, ETag %q; want 206, 64 bytes and an ETag", resp.StatusCode, len(part), resp.Header.Get("ETag"))
	}
	// The same file again with its ETag: not modified (a snapshot never changes).
	req, _ = http.NewRequest("GET", api+list.Snapshots[0].URLs["datapackage.json"], nil)
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNotModified {
		t.Errorf("datapackage.json with If-None-Match = %v %v, want 304", resp.StatusCode, err)
	}
	getJSON(t, api+"/api/v1/dumps/latest/..%2F..%2Fensemble.db", http.StatusNotFound, nil)
}
