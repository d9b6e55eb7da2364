package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ensemble-be/ensemble/api"
	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/sources"
)

// fakeStore holds records in memory; the real store and index are exercised by
// cmd/ensemble's browser test.
type fakeStore struct {
	api.Store // the methods the pages never call
	recs      []record.Record
	mu        sync.Mutex
	reports   []record.Report
}

func (f *fakeStore) Record(_ context.Context, id string) (record.Record, error) {
	for _, r := range f.recs {
		if r.ID == id {
			return r, nil
		}
	}
	return record.Record{}, fmt.Errorf("record %s: %w", id, record.ErrNotFound)
}

func (f *fakeStore) Records(ctx context.Context, ids []string) ([]record.Record, error) {
	var out []record.Record
	for _, id := range ids {
		if r, err := f.Record(ctx, id); err == nil {
			out = append(out, r)
		}
	}
	return out, nil
}

func (f *fakeStore) Source(_ context.Context, id string) (sources.Registered, error) {
	return sources.Registered{Definition: sources.Definition{ID: id, Name: "Réseau Passerelles", URL: "https://agenda.example.org/"}}, nil
}

func (f *fakeStore) AddReport(ctx context.Context, r record.Report) (record.Report, error) {
	if _, err := f.Record(ctx, r.Record); err != nil {
		return r, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	r.ID = int64(len(f.reports) + 1)
	f.reports = append(f.reports, r)
	return r, nil
}

// fakeSearcher matches titles containing the text, and counts kinds as facets.
type fakeSearcher struct {
	st   *fakeStore
	mu   sync.Mutex
	last api.SearchQuery
}

func (s *fakeSearcher) Search(_ context.Context, q api.SearchQuery) (api.SearchResult, error) {
	s.mu.Lock()
	s.last = q
	s.mu.Unlock()
	var ids []string
	kinds := map[string]int{}
	for _, r := range s.st.recs {
		if strings.Contains(strings.ToLower(r.Title), strings.ToLower(q.Text)) {
			ids = append(ids, r.ID)
			kinds[r.Kind]++
		}
	}
	res := api.SearchResult{Total: uint64(len(ids))}
	from := min((q.Page-1)*q.PerPage, len(ids))
	res.IDs = ids[from:min(from+q.PerPage, len(ids))]
	if q.Facets {
		res.Facets = map[string][]api.FacetCount{}
		for k, n := range kinds {
			res.Facets["kind"] = append(res.Facets["kind"], api.FacetCount{Value: k, Count: n})
		}
	}
	return res, nil
}

func (s *fakeSearcher) EachID(context.Context, api.SearchQuery) iter.Seq2[string, error] {
	return func(func(string, error) bool) {}
}

const evil = `Groupe <script>alert("x")</script></script> & "co"`

func newTestSite(t *testing.T, n int) (*httptest.Server, *fakeStore, *fakeSearcher, *time.Time) {
	t.Helper()
	st := &fakeStore{}
	for i := range n {
		fields := map[string]string{record.FieldTitle: fmt.Sprintf("Groupe de parole %02d", i), record.FieldKind: "groupe de parole"}
		if i == 0 {
			fields[record.FieldTitle] = evil
			fields[record.FieldDate] = "2030-03-02 18:00"
			fields[record.FieldPlace] = "Maison des Associations, 1060 Saint-Gilles"
		}
		r, err := record.Normalize(record.Origin{Source: "net", Language: "fr", License: "CC-BY-4.0"},
			record.Listing{LocalID: fmt.Sprint(i), Fields: fields}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		st.recs = append(st.recs, r)
	}
	st.recs[0].Title = evil // as if a source's markup got through
	for i := range st.recs {
		st.recs[i].FirstSeen, st.recs[i].LastSeen = time.Now().Add(-time.Hour), time.Now()
	}
	last := &st.recs[min(1, n-1)]
	last.Flags = append(last.Flags, record.Flag{Code: "stale", Severity: record.SeverityWarning, Field: "last_seen"})
	now := time.Now()
	se := &fakeSearcher{st: st}
	site := New(Options{Store: st, Searcher: se, Reports: st, Now: func() time.Time { return now }, ReportBurst: 10})
	ts := httptest.NewServer(site)
	t.Cleanup(ts.Close)
	return ts, st, se, &now
}

func getPage(t *testing.T, u string, header ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// checkLayout checks what every page carries: lang, the crisis numbers, the skip link.
func checkLayout(t *testing.T, what, body, lang string) {
	t.Helper()
	if !strings.Contains(body, `<html lang="`+lang+`">`) {
		t.Errorf("%s: no <html lang=%q>", what, lang)
	}
	c := api.CrisisFor(lang)
	for _, l := range c.Lines {
		if !strings.Contains(body, `href="tel:`+telNumber(l.Number)+`"`) || !strings.Contains(body, l.Number) {
			t.Errorf("%s: crisis line %s missing", what, l.Number)
		}
	}
	if !strings.Contains(body, `class="skip" href="#main"`) || !strings.Contains(body, `id="main"`) {
		t.Errorf("%s: no skip link to #main", what)
	}
	if strings.Contains(body, "%!") {
		t.Errorf("%s: a message was formatted wrongly", what)
	}
}

func TestEveryPageHasLayout(t *testing.T) {
	ts, st, _, _ := newTestSite(t, 3)
	for _, lang := range languages {
		for _, path := range []string{"/", "/?q=parole", "/groups/" + st.recs[0].ID, "/nowhere", "/groups/unknown", "/?where=nowhere-at-all"} {
			_, body := getPage(t, ts.URL+path, "Accept-Language", lang+";q=0.9, de;q=0.5")
			checkLayout(t, lang+" "+path, body, lang)
		}
	}
}

func TestLanguage(t *testing.T) {
	ts, _, _, _ := newTestSite(t, 1)
	for _, c := range []struct{ query, accept, want, text string }{
		{"", "", "fr", "Que cherchez-vous"},
		{"", "nl-BE,nl;q=0.9", "nl", "Wat zoekt u"},
		{"", "de-DE, en;q=0.5", "en", "What are you looking for"},
		{"?lang=nl", "en", "nl", "Wat zoekt u"},
		{"?lang=xx", "en", "en", "What are you looking for"},
	} {
		_, body := getPage(t, ts.URL+"/"+c.query, "Accept-Language", c.accept)
		if !strings.Contains(body, `<html lang="`+c.want+`">`) || !strings.Contains(body, c.text) {
			t.Errorf("lang %q, Accept-Language %q: want %s", c.query, c.accept, c.want)
		}
	}
	// Every message exists in every language.
	for key, m := range messages {
		for _, l := range languages {
			if m[l] == "" {
				t.Errorf("message %s has no %s", key, l)
			}
		}
	}
	// The language links keep the search.
	_, body := getPage(t, ts.URL+"/?q=parole&lang=fr")
	if !strings.Contains(body, `href="/?lang=nl&amp;q=parole"`) {
		t.Errorf("no Dutch link keeping the search")
	}
}

func TestSearchPageEscapesAndFilters(t *testing.T) {
	ts, _, se, _ := newTestSite(t, 25)
	code, body := getPage(t, ts.URL+"/?q="+url.QueryEscape(`<script>alert("x")`)+"&lang=en")
	if code != http.StatusOK {
		t.Fatalf("search: %d", code)
	}
	if strings.Contains(body, `<script>alert`) {
		t.Errorf("user input or a title is not escaped")
	}
	if !strings.Contains(body, `value="&lt;script&gt;alert(&#34;x&#34;)"`) {
		t.Errorf("the query is not kept, escaped, in the search box")
	}
	if !strings.Contains(body, "&lt;script&gt;alert") {
		t.Errorf("the evil title is not shown escaped")
	}

	_, body = getPage(t, ts.URL+"/?q=parole&kind=discussion-group&where=1060&free=1&sort=date&from=2030-01-01&to=2030-12-31&lang=en")
	se.mu.Lock()
	q := se.last
	se.mu.Unlock()
	if q.Text != "parole" || len(q.Kinds) == 0 || len(q.Postcodes) != 1 || q.Postcodes[0] != "1060" || !q.Free ||
		q.Sort != "date" || q.From.IsZero() || q.To.IsZero() || !q.Facets || q.PerPage != perPage {
		t.Errorf("the form became %+v", q)
	}
	if !regexp.MustCompile(`Discussion group \(\d+\)`).MatchString(body) {
		t.Errorf("no facet count beside the kind")
	}
	if !strings.Contains(body, `<option value="discussion-group" selected>`) {
		t.Errorf("the chosen kind is not selected again")
	}
	for _, want := range []string{`<link rel="alternate" type="application/atom&#43;xml"`, `/api/v1/search.atom?`, `/api/v1/search.ics?`,
		"Not updated for 90 days", `rel="next"`, "Page 1 of 2"} {
		if !strings.Contains(body, want) {
			t.Errorf("search page lacks %q", want)
		}
	}
	_, body = getPage(t, ts.URL+"/?q=parole&where=1060&km=10&sort=distance")
	se.mu.Lock()
	q = se.last
	se.mu.Unlock()
	if q.Near == nil || q.RadiusKm != 10 || len(q.Postcodes) != 0 || q.Sort != "distance" {
		t.Errorf("where + km became %+v", q)
	}
	// The feeds' links carry the same search, in parameters the API accepts.
	m := regexp.MustCompile(`href="(/api/v1/search\.atom\?[^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no Atom link")
	}
	u, _ := url.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
	fq, err := api.ParseSearch(u.Query())
	if err != nil {
		t.Errorf("the Atom link %s is not a valid API search: %v", u, err)
	}
	if fq.Near == nil || fq.RadiusKm != 10 || fq.Text != "parole" {
		t.Errorf("the Atom link %s lost the search: %+v", u, fq)
	}
}

func TestSearchErrorsNameTheField(t *testing.T) {
	ts, _, _, _ := newTestSite(t, 1)
	for _, c := range []struct{ query, field string }{
		{"kind=astrology", "kind"},
		{"where=Atlantis", "where"},
		{"km=10", "where"},
		{"km=7&where=1000", "km"},
		{"from=tomorrow", "from"},
		{"from=2030-02-01&to=2030-01-01", "to"},
		{"sort=distance", "sort"},
		{"page=0", "page"},
	} {
		code, body := getPage(t, ts.URL+"/?lang=en&"+c.query)
		if code != http.StatusBadRequest || !strings.Contains(body, `<a href="#`+c.field+`">`) {
			t.Errorf("%s: %d, want 400 naming #%s", c.query, code, c.field)
		}
	}
}

func TestRecordPage(t *testing.T) {
	ts, st, _, _ := newTestSite(t, 2)
	code, body := getPage(t, ts.URL+"/groups/"+st.recs[0].ID+"?lang=en")
	if code != http.StatusOK {
		t.Fatalf("record page: %d", code)
	}
	if strings.Contains(body, `<script>alert`) {
		t.Fatalf("the title is not escaped")
	}
	m := regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no JSON-LD")
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
		t.Fatalf("JSON-LD does not parse: %v\n%s", err, m[1])
	}
	if ld["@type"] != "Event" || ld["name"] != evil || ld["startDate"] == nil || ld["@context"] != "https://schema.org" {
		t.Errorf("JSON-LD of a dated record = %v", ld)
	}
	for _, want := range []string{"Réseau Passerelles", "CC-BY-4.0", "Last seen", "Report a problem", `name="website"`, `name="t"`, "1060 Saint-Gilles"} {
		if !strings.Contains(body, want) {
			t.Errorf("record page lacks %q", want)
		}
	}
	_, body = getPage(t, ts.URL+"/groups/"+st.recs[1].ID)
	m = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(body)
	if err := json.Unmarshal([]byte(m[1]), &ld); err != nil || ld["@type"] != "Service" {
		t.Errorf("JSON-LD of an undated record: %v, %v", ld["@type"], err)
	}
	if code, body := getPage(t, ts.URL+"/groups/nope?lang=nl"); code != http.StatusNotFound || !strings.Contains(body, "Pagina niet gevonden") {
		t.Errorf("unknown record: %d", code)
	}
	if code, body := getPage(t, ts.URL+"/no/such/page"); code != http.StatusNotFound || !strings.Contains(body, "Page introuvable") {
		t.Errorf("unknown page: %d", code)
	}
}

func TestJSONLDEscapes(t *testing.T) {
	rec := record.Record{ID: "x", Title: "</script><script>alert(1)</script>\u2028"}
	js := string(jsonLD(rec, "http://h/groups/x", time.Now()))
	if strings.Contains(js, "<") || strings.Contains(js, "\u2028") {
		t.Errorf("JSON-LD not HTML-safe: %s", js)
	}
}

func postReport(t *testing.T, u string, form url.Values) (int, string, string) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

func TestReport(t *testing.T) {
	ts, st, _, now := newTestSite(t, 1)
	id := st.recs[0].ID
	_, body := getPage(t, ts.URL+"/groups/"+id)
	tok := regexp.MustCompile(`name="t" value="([^"]+)"`).FindStringSubmatch(body)[1]
	u := ts.URL + "/groups/" + id + "/report?lang=en"

	// Too fast: a robot posts as soon as it reads the form.
	code, _, body := postReport(t, u, url.Values{"t": {tok}, "reason": {"outdated"}})
	if code != http.StatusBadRequest || !strings.Contains(body, "sent too fast") {
		t.Errorf("instant post: %d", code)
	}
	*now = now.Add(5 * time.Second)
	for _, c := range []struct {
		form  url.Values
		field string
	}{
		{url.Values{"t": {tok}, "reason": {"because"}}, "report-reason"},
		{url.Values{"t": {tok}}, "report-reason"},
		{url.Values{"t": {tok}, "reason": {"other"}, "text": {strings.Repeat("x", 1001)}}, "report-text"},
		{url.Values{"t": {"123.forged"}, "reason": {"other"}}, "report-reason"},
	} {
		code, _, body := postReport(t, u, c.form)
		if code != http.StatusBadRequest || !strings.Contains(body, `<a href="#`+c.field+`">`) {
			t.Errorf("%v: %d, want 400 naming %s", c.form, code, c.field)
		}
	}
	if code, _, _ := postReport(t, ts.URL+"/groups/"+id+"/report", url.Values{"t": {tok}, "reason": {"other"}, "website": {"http://spam"}}); code != http.StatusSeeOther {
		t.Errorf("honeypot: %d, want a quiet 303", code)
	}
	if len(st.reports) != 0 {
		t.Fatalf("invalid or robot reports were saved: %+v", st.reports)
	}
	code, loc, _ := postReport(t, u, url.Values{"t": {tok}, "reason": {"wrong-details"}, "text": {"La salle a changé"}})
	if code != http.StatusSeeOther || !strings.Contains(loc, "reported=1") {
		t.Fatalf("valid report: %d %s", code, loc)
	}
	if len(st.reports) != 1 || st.reports[0].Reason != "wrong-details" || st.reports[0].Text != "La salle a changé" {
		t.Errorf("saved %+v", st.reports)
	}
	if _, body := getPage(t, ts.URL+loc); !strings.Contains(body, "your report was passed on") && !strings.Contains(body, "votre signalement") {
		t.Errorf("no thanks after the report")
	}
	// The limit per address: the burst (5, the invalid posts counted) runs out.
	var limited bool
	for range 6 {
		if code, _, _ := postReport(t, u, url.Values{"t": {tok}, "reason": {"other"}}); code == http.StatusTooManyRequests {
			limited = true
		}
	}
	if !limited {
		t.Errorf("no 429 after many reports from one address")
	}
}
