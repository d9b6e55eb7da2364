package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ensemble-be/ensemble/record"
)

const testAdminToken = "admin-secret-for-tests"

// partnerDef is a definition of the fixture site's agenda as a partner would send it;
// dateSelector lets a test make the classic mistake.
func partnerDef(id, base, dateSelector string) string {
	return `{"id": "` + id + `", "name": "Agenda partenaire", "url": "` + base + `/agenda/", "kind": "html",
  "schedule": "0 6 * * *", "license": "CC-BY-4.0", "attribution": "Réseau Passerelles", "language": "fr",
  "defaults": {"region": "Brussels", "organizer": "Réseau Passerelles"},
  "html": {"list": "article.event", "link": "a.more@href", "next": "a.next@href", "max_pages": 5,
    "fields": {"title": "h2", "date": "` + dateSelector + `", "place": ".lieu", "price": ".prix", "description": ".resume", "kind": ".type"}}}`
}

// addPartner runs `partners add` and returns the token it printed.
func addPartner(t *testing.T, data, name, email string) string {
	t.Helper()
	_, out := runMain(t, "partners", "add", name, "--data", data, "--email", email)
	m := regexp.MustCompile(`token \(shown once[^)]*\): (\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("partners add printed no token:\n%s", out)
	}
	return m[1]
}

// call makes one API request with a bearer token (none if empty) and returns the
// status, the headers and the body.
func call(t *testing.T, method, url, token, body string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// mustCall is call failing the test unless the status is want; it decodes the body
// into v if v is not nil.
func mustCall(t *testing.T, method, url, token, body string, want int, v any) {
	t.Helper()
	status, _, b := call(t, method, url, token, body)
	if status != want {
		t.Fatalf("%s %s = %d, want %d: %s", method, url, status, want, b)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s %s: %v: %s", method, url, err, b)
		}
	}
}

type validation struct {
	Status  record.RunStatus `json:"status"`
	Found   int              `json:"found"`
	Records []struct {
		Flags  []string      `json:"flags"`
		Record record.Record `json:"record"`
	} `json:"records"`
}

type ownedSource struct {
	Definition struct {
		ID  string `json:"id"`
		URL string `json:"url"`
	} `json:"definition"`
	Origin string `json:"origin"`
	State  string `json:"state"`
}

// startPartnerServer serves the API with the admin token set, on an empty catalog,
// without a limit on crawls asked (extra flags may set one).
func startPartnerServer(t *testing.T, data string, extra ...string) (*Main, string) {
	t.Helper()
	t.Setenv("ENSEMBLE_ADMIN_TOKEN", testAdminToken)
	args := append([]string{"serve", "--data", data, "--catalog", filepath.Join(data, "none"), "--addr", "127.0.0.1:0",
		"--crawl-delay", "0", "--allow-hosts", "127.0.0.1", "--log-level", "warn", "--partner-crawl-every", "0"}, extra...)
	m, _ := runMain(t, args...)
	t.Cleanup(func() { m.Close() })
	return m, "http://" + m.Config.Addr + "/api/v1/partner"
}

func recordStatus(t *testing.T, m *Main, id string) record.Status {
	t.Helper()
	var rec record.Record
	getJSON(t, "http://"+m.Config.Addr+"/api/v1/records/"+id, http.StatusOK, &rec)
	return rec.Status
}

// TestPartnerPath walks a partner through the whole API: token, validate (a mistake,
// then fixed), submit, approval, crawl, runs, flags, takedown across a recrawl, restore.
func TestPartnerPath(t *testing.T) {
	site := newPartnerSite(t)
	data := t.TempDir()
	token := addPartner(t, data, "Réseau Passerelles", "contact@passerelles.example")
	_, out := runMain(t, "partners", "list", "--data", data)
	if !strings.Contains(out, "contact@passerelles.example") || strings.Contains(out, token) {
		t.Fatalf("partners list:\n%s", out)
	}
	m, api := startPartnerServer(t, data)

	// A mistake: the answer names the field.
	status, _, body := call(t, "POST", api+"/validate", token, partnerDef("agenda-p", site.URL, ""))
	if status != http.StatusBadRequest || !strings.Contains(string(body), `"name":"html.fields.date"`) ||
		!strings.Contains(string(body), "empty selector") {
		t.Fatalf("validate with an empty selector = %d %s", status, body)
	}
	// YAML works too, and the fixed definition finds records, storing nothing.
	var rep validation
	mustCall(t, "POST", api+"/validate", token, partnerDef("agenda-p", site.URL, "time@datetime"), http.StatusOK, &rep)
	if rep.Status != record.RunOK || len(rep.Records) == 0 || rep.Found == 0 {
		t.Fatalf("validate: %+v", rep)
	}
	getJSON(t, "http://"+m.Config.Addr+"/api/v1/sources/agenda-p", http.StatusNotFound, nil)

	// Submit: pending, not crawled.
	var owned ownedSource
	mustCall(t, "POST", api+"/sources", token, partnerDef("agenda-p", site.URL, "time@datetime"), http.StatusCreated, &owned)
	if owned.State != "pending" || owned.Origin != "partner" {
		t.Fatalf("new source: %+v", owned)
	}
	mustCall(t, "POST", api+"/sources/agenda-p/crawl", token, "", http.StatusConflict, nil)
	// The partner cannot approve its own source; the admin can.
	mustCall(t, "POST", api+"/admin/sources/agenda-p/approve", token, "", http.StatusForbidden, nil)
	mustCall(t, "POST", api+"/admin/sources/agenda-p/approve", testAdminToken, "", http.StatusOK, nil)
	mustCall(t, "GET", api+"/sources/agenda-p", token, "", http.StatusOK, &owned)
	if owned.State != "approved" {
		t.Fatalf("approved source: %+v", owned)
	}

	// Crawl, runs, flags.
	var run record.Run
	mustCall(t, "POST", api+"/sources/agenda-p/crawl", token, "", http.StatusOK, &run)
	if run.Status != record.RunOK || run.Inserted != len(rep.Records) {
		t.Fatalf("crawl run: %+v (dry run found %d)", run, len(rep.Records))
	}
	var runs struct{ Runs []record.Run }
	mustCall(t, "GET", api+"/sources/agenda-p/runs", token, "", http.StatusOK, &runs)
	if len(runs.Runs) != 1 || runs.Runs[0].ID != run.ID {
		t.Fatalf("runs: %+v", runs)
	}
	var flags struct {
		Source string
		Flags  map[string]int
	}
	mustCall(t, "GET", api+"/sources/agenda-p/flags", token, "", http.StatusOK, &flags)
	if flags.Source != "agenda-p" || flags.Flags == nil {
		t.Fatalf("flags: %+v", flags)
	}

	// Takedown: withdrawn at once, and still after a recrawl; restore brings it back.
	id := rep.Records[0].Record.ID
	if got := recordStatus(t, m, id); got != record.StatusActive {
		t.Fatalf("record %s is %s before the takedown", id, got)
	}
	mustCall(t, "DELETE", api+"/records/"+id, token, "", http.StatusNoContent, nil)
	if got := recordStatus(t, m, id); got != record.StatusWithdrawn {
		t.Fatalf("record %s is %s after the takedown", id, got)
	}
	mustCall(t, "POST", api+"/sources/agenda-p/crawl", token, "", http.StatusOK, &run)
	if run.Status != record.RunOK {
		t.Fatalf("recrawl: %+v", run)
	}
	if got := recordStatus(t, m, id); got != record.StatusWithdrawn {
		t.Fatalf("record %s is %s after a recrawl, want withdrawn", id, got)
	}
	mustCall(t, "POST", api+"/records/"+id+"/restore", token, "", http.StatusNoContent, nil)
	if got := recordStatus(t, m, id); got != record.StatusActive {
		t.Fatalf("record %s is %s after restore", id, got)
	}
	mustCall(t, "POST", api+"/records/"+id+"/restore", token, "", http.StatusNotFound, nil)

	// A changed URL goes back to review.
	changed := strings.Replace(partnerDef("agenda-p", site.URL, "time@datetime"), "/agenda/", "/agenda/page-2.html", 1)
	mustCall(t, "PUT", api+"/sources/agenda-p", token, changed, http.StatusOK, &owned)
	if owned.State != "pending" {
		t.Fatalf("source with a new URL: %+v", owned)
	}
	mustCall(t, "POST", api+"/sources/agenda-p/crawl", token, "", http.StatusConflict, nil)

	// The audit log has every action, from where.
	var audit struct{ Entries []record.AuditEntry }
	mustCall(t, "GET", api+"/audit", token, "", http.StatusOK, &audit)
	var actions []string
	for _, e := range audit.Entries {
		actions = append(actions, e.Action)
		if e.Remote == "" {
			t.Errorf("audit entry without remote address: %+v", e)
		}
	}
	for _, want := range []string{"source.validate", "source.create", "source.crawl", "record.takedown", "record.restore", "source.update"} {
		if !strings.Contains(strings.Join(actions, " "), want) {
			t.Errorf("partner audit lacks %s: %v", want, actions)
		}
	}
	mustCall(t, "GET", api+"/audit", testAdminToken, "", http.StatusOK, &audit)
	if len(audit.Entries) == 0 || audit.Entries[0].Actor == "" {
		t.Fatalf("admin audit: %+v", audit)
	}
	found := false
	for _, e := range audit.Entries {
		found = found || (e.Actor == "admin" && e.Action == "source.approve")
	}
	if !found {
		t.Errorf("admin audit lacks the approval: %+v", audit.Entries)
	}
}

// TestPartnerIsolation: partner B's token on partner A's source or record answers
// 404 on every route and changes nothing; a missing or bad token answers 401.
func TestPartnerIsolation(t *testing.T) {
	site := newPartnerSite(t)
	data := t.TempDir()
	tokenA := addPartner(t, data, "A", "a@example.org")
	tokenB := addPartner(t, data, "B", "b@example.org")
	m, api := startPartnerServer(t, data, "--partner-rate", "0") // snapshots make many requests

	def := partnerDef("source-a", site.URL, "time@datetime")
	mustCall(t, "POST", api+"/sources", tokenA, def, http.StatusCreated, nil)
	mustCall(t, "POST", api+"/admin/sources/source-a/approve", testAdminToken, "", http.StatusOK, nil)
	var run record.Run
	mustCall(t, "POST", api+"/sources/source-a/crawl", tokenA, "", http.StatusOK, &run)
	var rep validation
	mustCall(t, "POST", api+"/validate", tokenA, def, http.StatusOK, &rep)
	if len(rep.Records) < 2 {
		t.Fatalf("fixture has %d records, want 2 or more", len(rep.Records))
	}
	active, down := rep.Records[0].Record.ID, rep.Records[1].Record.ID
	mustCall(t, "DELETE", api+"/records/"+down, tokenA, "", http.StatusNoContent, nil)
	mustCall(t, "PUT", api+"/sources/source-a/webhook", tokenA, `{"url": "https://a.example/hook"}`, http.StatusOK, nil)

	snapshot := func() string {
		var b bytes.Buffer
		for _, path := range []string{"/sources/source-a", "/sources/source-a/runs", "/sources/source-a/flags", "/sources/source-a/webhook"} {
			_, _, body := call(t, "GET", api+path, tokenA, "")
			b.Write(body)
		}
		for _, id := range []string{active, down} {
			_, _, body := call(t, "GET", "http://"+m.Config.Addr+"/api/v1/records/"+id, "", "")
			b.Write(body)
		}
		return b.String()
	}
	before := snapshot()

	changed := strings.Replace(def, "Agenda partenaire", "Volé", 1)
	routes := []struct{ method, path, body string }{
		{"GET", "/sources/source-a", ""},
		{"PUT", "/sources/source-a", changed},
		{"DELETE", "/sources/source-a", ""},
		{"POST", "/sources/source-a/crawl", ""},
		{"GET", "/sources/source-a/runs", ""},
		{"GET", "/sources/source-a/flags", ""},
		{"DELETE", "/records/" + active, ""},
		{"POST", "/records/" + down + "/restore", ""},
		{"PUT", "/sources/source-a/records", `[{"id": "x", "name": "Volé"}]`},
		{"GET", "/sources/source-a/webhook", ""},
		{"PUT", "/sources/source-a/webhook", `{"url": "https://b.example/hook", "rotate_secret": true}`},
		{"DELETE", "/sources/source-a/webhook", ""},
	}
	for _, r := range routes {
		t.Run(r.method+" "+r.path, func(t *testing.T) {
			if status, _, body := call(t, r.method, api+r.path, tokenB, r.body); status != http.StatusNotFound {
				t.Errorf("partner B: %d, want 404: %s", status, body)
			}
		})
	}
	if after := snapshot(); after != before {
		t.Errorf("partner B's requests changed partner A's data:\nbefore %s\nafter  %s", before, after)
	}

	// Lists are one's own.
	var list struct{ Sources []ownedSource }
	mustCall(t, "GET", api+"/sources", tokenB, "", http.StatusOK, &list)
	if len(list.Sources) != 0 {
		t.Errorf("partner B lists %+v", list.Sources)
	}
	var audit struct{ Entries []record.AuditEntry }
	mustCall(t, "GET", api+"/audit", tokenB, "", http.StatusOK, &audit)
	for _, e := range audit.Entries {
		if e.Partner != 2 { // B is the second partner added
			t.Errorf("partner B sees another's audit entry %+v", e)
		}
	}
	// A taken id is a conflict, not a takeover.
	mustCall(t, "POST", api+"/sources", tokenB, def, http.StatusConflict, nil)
	// Partners do not review.
	mustCall(t, "POST", api+"/admin/sources/source-a/reject", tokenB, "", http.StatusForbidden, nil)
	mustCall(t, "POST", api+"/admin/sources/source-a/reject", tokenA, "", http.StatusForbidden, nil)
	if after := snapshot(); after != before {
		t.Errorf("partner B's requests changed partner A's data")
	}

	// No token, or a bad one: 401 with a challenge, on every route.
	all := append(routes, []struct{ method, path, body string }{
		{"POST", "/validate", def}, {"GET", "/sources", ""}, {"POST", "/sources", def}, {"GET", "/audit", ""},
		{"GET", "/admin/sources", ""}, {"POST", "/admin/sources/source-a/approve", ""}, {"POST", "/admin/sources/source-a/reject", ""},
	}...)
	for _, r := range all {
		for _, token := range []string{"", "not-a-token", tokenA + "x"} {
			status, h, body := call(t, r.method, api+r.path, token, r.body)
			if status != http.StatusUnauthorized || !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s %s with token %q: %d %q, want 401 with WWW-Authenticate: Bearer: %s",
					r.method, r.path, token, status, h.Get("WWW-Authenticate"), body)
			}
		}
	}

	// A revoked token stops working.
	runMain(t, "partners", "revoke", "2", "--data", data)
	mustCall(t, "GET", api+"/sources", tokenB, "", http.StatusUnauthorized, nil)
	mustCall(t, "GET", api+"/sources", tokenA, "", http.StatusOK, nil)
	if after := snapshot(); after != before {
		t.Errorf("requests without a valid token changed partner A's data")
	}
}

// TestPartnerBodies: YAML definitions are read by Content-Type, bodies over 1 MiB
// are refused, and `ensemble crawl` leaves a pending source alone.
func TestPartnerBodies(t *testing.T) {
	site := newPartnerSite(t)
	data := t.TempDir()
	token := addPartner(t, data, "A", "a@example.org")
	m, api := startPartnerServer(t, data)

	yaml := "id: agenda-y\nname: Agenda\nurl: " + site.URL + "/agenda/\nkind: html\nschedule: \"0 6 * * *\"\nlanguage: fr\n" +
		"html:\n  list: article.event\n  fields: {title: h2, date: \"\"}\n"
	req, _ := http.NewRequest("POST", api+"/validate", strings.NewReader(yaml))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/yaml")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "html.fields.date") {
		t.Fatalf("yaml validate = %d %s", resp.StatusCode, body)
	}

	big := `{"id": "x", "notes": "` + strings.Repeat("a", 2<<20) + `"}`
	if status, _, body := call(t, "POST", api+"/sources", token, big); status != http.StatusRequestEntityTooLarge {
		t.Fatalf("2 MiB body = %d %s", status, body)
	}

	mustCall(t, "POST", api+"/sources", token, partnerDef("agenda-q", site.URL, "time@datetime"), http.StatusCreated, nil)
	m.Close()
	_, out := runMain(t, "crawl", "--data", data, "--catalog", filepath.Join(data, "none"), "--crawl-delay", "0", "--allow-hosts", "127.0.0.1")
	if !strings.Contains(out, "agenda-q: a partner's source waiting for review, not crawled") {
		t.Fatalf("crawl printed:\n%s", out)
	}
}
