package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ensemble-be/ensemble/record"
)

// callAs is call with a Content-Type of one's choice.
func callAs(t *testing.T, method, url, token, contentType, body string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// push PUTs body to source id's records and decodes the run, failing unless want.
func push(t *testing.T, api, token, id, contentType, body string, want int) record.Run {
	t.Helper()
	status, _, b := callAs(t, "PUT", api+"/sources/"+id+"/records", token, contentType, body)
	if status != want {
		t.Fatalf("push %s = %d, want %d: %s", contentType, status, want, b)
	}
	var run record.Run
	if want == http.StatusOK {
		if err := json.Unmarshal(b, &run); err != nil {
			t.Fatalf("push: %v: %s", err, b)
		}
	}
	return run
}

// approvedSource submits source id for partner token and has the admin approve it.
func approvedSource(t *testing.T, api, token, id, base string) {
	t.Helper()
	mustCall(t, "POST", api+"/sources", token, partnerDef(id, base, "time@datetime"), http.StatusCreated, nil)
	mustCall(t, "POST", api+"/admin/sources/"+id+"/approve", testAdminToken, "", http.StatusOK, nil)
}

// TestPartnerPush: the template pushed back gives one record; a JSONL push replaces
// it (the template's listing is withdrawn); bad lines are named and change nothing;
// a pending source cannot be pushed to.
func TestPartnerPush(t *testing.T) {
	site := newPartnerSite(t)
	data := t.TempDir()
	token := addPartner(t, data, "Sans site", "a@example.org")
	m, api := startPartnerServer(t, data)

	mustCall(t, "POST", api+"/sources", token, partnerDef("pushed", site.URL, "time@datetime"), http.StatusCreated, nil)
	push(t, api, token, "pushed", "application/x-ndjson", `{"title": "x"}`, http.StatusConflict)
	mustCall(t, "POST", api+"/admin/sources/pushed/approve", testAdminToken, "", http.StatusOK, nil)

	resp, err := http.Get(api + "/template.csv")
	if err != nil {
		t.Fatal(err)
	}
	template, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") || !strings.HasPrefix(string(template), "id,title,") {
		t.Fatalf("template = %d %v:\n%s", resp.StatusCode, resp.Header, template)
	}
	run := push(t, api, token, "pushed", "text/csv", string(template), http.StatusOK)
	if run.Status != record.RunOK || run.Inserted != 1 || run.Found != 1 {
		t.Fatalf("template pushed back: %+v", run)
	}
	templateID := record.NewID("pushed", "groupe-jeudi")

	jsonl := `{"id": "a1", "title": "Atelier d'écriture", "date": "2031-04-02T14:00", "place": "1000 Bruxelles", "price": 0, "kind": "atelier"}

{"id": "a2", "title": "Permanence sociale", "schedule": "tous les mardis de 9h à 12h", "place": "Rue Haute 1, 1000 Bruxelles", "email": "info@exemple.example"}
`
	run = push(t, api, token, "pushed", "application/x-ndjson", jsonl, http.StatusOK)
	if run.Status != record.RunOK || run.Inserted != 2 || run.Withdrawn != 1 {
		t.Fatalf("jsonl push: %+v", run)
	}
	waitFor(t, func() bool { return recordStatus(t, m, templateID) == record.StatusWithdrawn })
	if got := recordStatus(t, m, record.NewID("pushed", "a1")); got != record.StatusActive {
		t.Fatalf("pushed record a1 is %s", got)
	}

	// Bad lines are named, and nothing is saved.
	for _, c := range []struct{ name, contentType, body, want string }{
		{"jsonl syntax", "application/x-ndjson", `{"id": "a1", "title": "ok"}` + "\n{not json\n", `"name":"line 2"`},
		{"jsonl unknown field", "application/x-ndjson", `{"id": "a1", "titre": "x"}`, `"name":"line 1, field titre"`},
		{"csv unknown column", "text/csv", "id,title,quand\n1,x,y\n", `"name":"line 1, column 3"`},
		{"csv short row", "text/csv", "id,title,date\n1,x\n", `"name":"line 2"`},
		{"content type", "text/plain", "x", `"name":"Content-Type"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, _, b := callAs(t, "PUT", api+"/sources/pushed/records", token, c.contentType, c.body)
			if status != http.StatusBadRequest || !strings.Contains(string(b), c.want) {
				t.Errorf("push = %d %s, want 400 with %s", status, b, c.want)
			}
		})
	}
	if got := recordStatus(t, m, record.NewID("pushed", "a2")); got != record.StatusActive {
		t.Fatalf("a refused push changed record a2: %s", got)
	}

	// HSDS: an array of services; replacing both records by one is quarantined, as a crawl would be.
	hsds := `[{"id": "svc-1", "name": "Aide alimentaire", "description": "Colis alimentaires le vendredi.", "email": "aide@exemple.example"}]`
	run = push(t, api, token, "pushed", "application/json", hsds, http.StatusOK)
	if run.Status != record.RunQuarantined || run.Found != 1 {
		t.Fatalf("hsds push: %+v", run)
	}
}

// waitFor polls cond for up to five seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 5s")
		}
		time.Sleep(200 * time.Millisecond) // under the partner rate limit
	}
}

// TestPartnerWebhook: after a push, the run summary reaches the partner's receiver,
// signed; a URL the guard refuses (127.0.0.2 is not allowed) is audited, and the run
// still succeeds.
func TestPartnerWebhook(t *testing.T) {
	site := newPartnerSite(t)
	type delivery struct {
		sig  string
		body []byte
	}
	got := make(chan delivery, 4)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- delivery{r.Header.Get("X-Ensemble-Signature"), b}
	}))
	defer receiver.Close()
	data := t.TempDir()
	token := addPartner(t, data, "A", "a@example.org")
	_, api := startPartnerServer(t, data)
	approvedSource(t, api, token, "hooked", site.URL)

	var hook record.Webhook
	mustCall(t, "PUT", api+"/sources/hooked/webhook", token, `{"url": "`+receiver.URL+`/hook"}`, http.StatusOK, &hook)
	if hook.Secret == "" || hook.URL != receiver.URL+"/hook" {
		t.Fatalf("webhook: %+v", hook)
	}
	mustCall(t, "PUT", api+"/sources/hooked/webhook", token, `{"url": "ftp://x/"}`, http.StatusBadRequest, nil)

	run := push(t, api, token, "hooked", "application/x-ndjson", `{"id": "1", "title": "Atelier", "date": "2031-04-02T14:00"}`, http.StatusOK)
	select {
	case d := <-got:
		if want := sign(hook.Secret, d.body); d.sig != want {
			t.Errorf("signature %q, want %q", d.sig, want)
		}
		var summary struct {
			Event string
			Run   record.Run
		}
		if err := json.Unmarshal(d.body, &summary); err != nil || summary.Run.ID != run.ID || summary.Run.Inserted != 1 {
			t.Errorf("summary %s (%v), want run %d", d.body, err, run.ID)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no webhook delivery in 5s")
	}

	// A loopback address not allowed: refused by the guard, audited, the run is fine.
	refused := strings.Replace(receiver.URL, "127.0.0.1", "127.0.0.2", 1)
	mustCall(t, "PUT", api+"/sources/hooked/webhook", token, `{"url": "`+refused+`/hook"}`, http.StatusOK, nil)
	run = push(t, api, token, "hooked", "application/x-ndjson", `{"id": "1", "title": "Atelier", "date": "2031-04-02T14:00"}`, http.StatusOK)
	if run.Status != record.RunOK {
		t.Fatalf("run with a refused webhook: %+v", run)
	}
	waitFor(t, func() bool {
		var audit struct{ Entries []record.AuditEntry }
		mustCall(t, "GET", api+"/audit", token, "", http.StatusOK, &audit)
		for _, e := range audit.Entries {
			if e.Action == "webhook.failed" && e.Target == "hooked" && strings.Contains(e.Remote, "127.0.0.2") {
				return true
			}
		}
		return false
	})
	select {
	case d := <-got:
		t.Fatalf("the refused webhook reached the receiver: %s", d.body)
	default:
	}
}

// TestPartnerRateLimits: a token over its rate and a second crawl of a source within
// the minute answer 429 with Retry-After.
func TestPartnerRateLimits(t *testing.T) {
	site := newPartnerSite(t)
	data := t.TempDir()
	tokenA := addPartner(t, data, "A", "a@example.org")
	tokenB := addPartner(t, data, "B", "b@example.org")
	_, api := startPartnerServer(t, data, "--partner-rate", "1", "--partner-burst", "5", "--partner-crawl-every", "1m")

	limited := false
	for i := 0; i < 10 && !limited; i++ {
		status, h, b := call(t, "GET", api+"/sources", tokenA, "")
		switch {
		case status == http.StatusTooManyRequests:
			limited = true
			if h.Get("Retry-After") == "" || !strings.Contains(h.Get("Content-Type"), "problem+json") {
				t.Errorf("429 without Retry-After or problem+json: %v %s", h, b)
			}
			if i < 5 {
				t.Errorf("limited after %d requests, burst is 5", i)
			}
		case status != http.StatusOK:
			t.Fatalf("GET /sources = %d %s", status, b)
		}
	}
	if !limited {
		t.Fatal("10 requests at once were not limited")
	}

	approvedSource(t, api, tokenB, "crawled", site.URL)
	mustCall(t, "POST", api+"/sources/crawled/crawl", tokenB, "", http.StatusOK, nil)
	status, h, b := call(t, "POST", api+"/sources/crawled/crawl", tokenB, "")
	if status != http.StatusTooManyRequests || !strings.Contains(string(b), "crawls of source crawled") {
		t.Fatalf("second crawl = %d %s, want 429", status, b)
	}
	if ra := h.Get("Retry-After"); ra == "" || ra == "1" {
		t.Errorf("Retry-After %q, want about a minute", ra)
	}
}
