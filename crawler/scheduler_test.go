package crawler

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/sources"
)

func TestSchedulerSet(t *testing.T) {
	s := NewScheduler(New(&memSink{}, testOptions()), nil)
	defer s.Stop()
	good := agendaDef("http://127.0.0.1:1")
	tests := []struct {
		name    string
		change  func(*sources.Definition)
		wantErr string
	}{
		{"valid", func(*sources.Definition) {}, ""},
		{"replaced", func(d *sources.Definition) { d.Schedule = "0 4 * * *" }, ""},
		{"bad schedule", func(d *sources.Definition) { d.Schedule = "61 * * * *" },
			`schedule source "entraide-bxl": schedule "61 * * * *": end of range (61) above maximum (59): 61`},
		{"too often", func(d *sources.Definition) { d.Schedule = "@every 5s" }, "under the minimum"},
		{"panicking schedule", func(d *sources.Definition) { d.Schedule = "TZ=0" }, "a time zone without a schedule"},
		{"invalid definition", func(d *sources.Definition) { d.URL = "ftp://example.org/" }, "url: must be absolute http(s)"},
	}
	for _, tt := range tests {
		def := good
		tt.change(&def)
		err := s.Set(def)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("Set(%s) = %v, want nil", tt.name, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("Set(%s) = %v, want an error containing %q", tt.name, err, tt.wantErr)
		}
	}
	if n := len(s.cron.Entries()); n != 1 {
		t.Errorf("after Set and replacements: %d cron entries, want 1", n)
	}
	s.Remove("entraide-bxl")
	if n := len(s.cron.Entries()); n != 0 {
		t.Errorf("after Remove: %d cron entries, want 0", n)
	}
}

func TestSchedulerRunNow(t *testing.T) {
	routes := agendaRoutes(t)
	routes["/groupes.csv"] = route{ctype: "text/csv", body: fixture(t, "groupes.csv")}
	site := newSite(t, routes)
	sink := &memSink{}
	s := NewScheduler(New(sink, testOptions()), nil)
	defer s.Stop()
	for _, def := range []sources.Definition{agendaDef(site.URL), csvDef(site.URL + "/groupes.csv")} {
		if err := s.Set(def); err != nil {
			t.Fatalf("Set(%s) = %v", def.ID, err)
		}
	}
	s.RunNow(context.Background(), "entraide-bxl", "unknown", "entraide-wallonie")
	saved := sink.saved()
	if len(saved) != 2 {
		t.Fatalf("RunNow: sink got %d crawls, want 2", len(saved))
	}
	for _, c := range saved {
		if c.Run.Status != record.RunOK {
			t.Errorf("RunNow: crawl of %s: status %q, want ok (error %q)", c.Run.Source, c.Run.Status, c.Run.Error)
		}
	}
}

func TestSchedulerGate(t *testing.T) {
	site := newSite(t, agendaRoutes(t))
	sink := &memSink{}
	opts := testOptions()
	asked := 0
	opts.Gate = func(_ context.Context, source string) (bool, string) {
		asked++
		return source != "entraide-bxl", "paused: 10 consecutive failures"
	}
	s := NewScheduler(New(sink, opts), nil)
	defer s.Stop()
	if err := s.Set(agendaDef(site.URL)); err != nil {
		t.Fatal(err)
	}
	s.RunNow(context.Background(), "entraide-bxl")
	if asked != 1 || len(sink.saved()) != 0 {
		t.Fatalf("gated source: gate asked %d times, %d crawls saved; want 1 and 0", asked, len(sink.saved()))
	}
}

func TestSchedulerRunNowSkipsRunning(t *testing.T) {
	routes := agendaRoutes(t)
	routes["/agenda/"] = route{block: true}
	site := newSite(t, routes)
	sink := &memSink{}
	s := NewScheduler(New(sink, testOptions()), nil)
	if err := s.Set(agendaDef(site.URL)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.RunNow(ctx, "entraide-bxl")
	}()
	site.waitHit(t, "/agenda/")

	s.RunNow(context.Background(), "entraide-bxl") // already running: returns at once
	if n := len(site.got("/agenda/")); n != 1 {
		t.Errorf("RunNow of a running source: site received /agenda/ %d times, want once", n)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("RunNow did not return after its ctx was cancelled")
	}
	if saved := sink.saved(); len(saved) != 1 || saved[0].Run.Status != record.RunFailed {
		t.Errorf("RunNow cancelled: sink got %d crawls, want 1 failed", len(saved))
	}
	s.Stop()
}

func TestSchedulerStopCancelsScheduledCrawl(t *testing.T) {
	routes := agendaRoutes(t)
	routes["/agenda/"] = route{block: true}
	site := newSite(t, routes)
	sink := &memSink{}
	s := NewScheduler(New(sink, testOptions()), nil)
	// Every second, below MinInterval: set bypasses ParseSchedule so the test is quick.
	s.set(agendaDef(site.URL), cron.Every(time.Second))
	s.Start(context.Background())
	site.waitHit(t, "/agenda/")

	start := time.Now()
	s.Stop()
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Stop returned after %v, want at once", d)
	}
	saved := sink.saved()
	if len(saved) != 1 {
		t.Fatalf("after Stop: sink got %d crawls, want 1", len(saved))
	}
	if run := saved[0].Run; run.Status != record.RunFailed || !strings.Contains(run.Error, "context canceled") {
		t.Errorf("crawl stopped: status %q, error %q; want failed, context canceled", run.Status, run.Error)
	}
	time.Sleep(1500 * time.Millisecond)
	if n := len(site.got("/agenda/")); n != 1 {
		t.Errorf("after Stop: site received /agenda/ %d times, want once", n)
	}
}

func TestSchedulerStopCancelsRunNow(t *testing.T) {
	routes := agendaRoutes(t)
	routes["/agenda/"] = route{block: true}
	site := newSite(t, routes)
	sink := &memSink{}
	s := NewScheduler(New(sink, testOptions()), nil)
	if err := s.Set(agendaDef(site.URL)); err != nil {
		t.Fatal(err)
	}
	s.Start(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.RunNow(context.Background(), "entraide-bxl")
	}()
	site.waitHit(t, "/agenda/")
	s.Stop()
	// When Stop returns, the crawl has ended and been saved (RunNow itself may
	// still be returning to its caller).
	if saved := sink.saved(); len(saved) != 1 || saved[0].Run.Status != record.RunFailed {
		t.Errorf("Stop returned with %d crawls saved, want the RunNow crawl saved, failed", len(saved))
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("RunNow did not return after Stop")
	}
	s.RunNow(context.Background(), "entraide-bxl") // after Stop: nothing
	if n := len(sink.saved()); n != 1 {
		t.Errorf("RunNow after Stop: sink got %d crawls, want still 1", n)
	}
}

// poolSite is a one-page site that records how many requests it serves at once.
type poolSite struct {
	*httptest.Server
	mu       sync.Mutex
	inFlight int
	maxSeen  int
	total    *concurrency // across sites
}

// concurrency counts requests in flight across sites.
type concurrency struct {
	mu      sync.Mutex
	n, peak int
}

func (c *concurrency) add(d int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n += d
	c.peak = max(c.peak, c.n)
}

func newPoolSite(t *testing.T, total *concurrency, pause time.Duration) *poolSite {
	p := &poolSite{total: total}
	p.Server = serve(t, func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.inFlight++
		p.maxSeen = max(p.maxSeen, p.inFlight)
		p.mu.Unlock()
		total.add(1)
		defer func() {
			total.add(-1)
			p.mu.Lock()
			p.inFlight--
			p.mu.Unlock()
		}()
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		time.Sleep(pause)
		w.Write(listPage("Groupe " + r.URL.Path))
	})
	return p
}

func TestSchedulerWorkerPool(t *testing.T) {
	const pause = 200 * time.Millisecond
	for _, tt := range []struct {
		name    string
		workers int
	}{{"default workers", 0}, {"two workers", 2}} {
		t.Run(tt.name, func(t *testing.T) {
			total := &concurrency{}
			sites := []*poolSite{newPoolSite(t, total, pause), newPoolSite(t, total, pause), newPoolSite(t, total, pause)}
			sink := &memSink{}
			opts := testOptions()
			opts.Workers = tt.workers
			s := NewScheduler(New(sink, opts), nil)
			defer s.Stop()
			var ids []string
			for i := range 6 { // two sources per host
				def := simpleDef(fmt.Sprintf("pool-%d", i), fmt.Sprintf("%s/source-%d", sites[i%3].URL, i))
				if err := s.Set(def); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, def.ID)
			}
			start := time.Now()
			s.RunNow(context.Background(), ids...)
			elapsed := time.Since(start)

			saved := sink.saved()
			if len(saved) != 6 {
				t.Fatalf("RunNow: sink got %d crawls, want 6", len(saved))
			}
			for _, c := range saved {
				if c.Run.Status != record.RunOK || len(c.Records) != 1 {
					t.Errorf("crawl of %s: status %q, %d records, error %q; want ok, 1", c.Run.Source, c.Run.Status, len(c.Records), c.Run.Error)
				}
			}
			for i, site := range sites {
				site.mu.Lock()
				if site.maxSeen != 1 {
					t.Errorf("host %d served %d requests at once, want 1 (one crawl per host at a time)", i, site.maxSeen)
				}
				site.mu.Unlock()
			}
			total.mu.Lock()
			defer total.mu.Unlock()
			t.Logf("6 sources on 3 hosts, %v per page: %v, at most %d requests at once", pause, elapsed, total.peak)
			workers := cmpOr(tt.workers, DefaultWorkers)
			if total.peak > workers {
				t.Errorf("%d requests in flight at once across hosts, want at most %d workers", total.peak, workers)
			}
			// Serially, 6 × pause; per host in parallel, 2 × pause (with 2 workers,
			// 3 × pause): allow for slow machines but not for serial crawling.
			if serial := 6 * pause; elapsed >= serial-pause/2 {
				t.Errorf("RunNow of 6 sources on 3 hosts took %v, want well under %v (hosts in parallel)", elapsed, serial)
			}
			if total.peak < 2 {
				t.Errorf("at most %d request in flight at once, want hosts crawled in parallel", total.peak)
			}
		})
	}
}

func TestSchedulerDisabled(t *testing.T) {
	site := newSite(t, agendaRoutes(t))
	sink := &memSink{}
	s := NewScheduler(New(sink, testOptions()), nil)
	defer s.Stop()
	def := agendaDef(site.URL)
	if err := s.Set(def); err != nil {
		t.Fatal(err)
	}
	def.Disabled = true
	def.Schedule = "garbage" // not checked: a disabled source is never scheduled
	if err := s.Set(def); err != nil {
		t.Errorf("Set(disabled) = %v, want nil", err)
	}
	if n := len(s.cron.Entries()); n != 0 {
		t.Errorf("after Set(disabled): %d cron entries, want 0", n)
	}
	s.RunNow(context.Background(), def.ID)
	if n := len(sink.saved()); n != 0 {
		t.Errorf("RunNow(disabled): sink got %d crawls, want none", n)
	}
	if n := len(site.got("/agenda/")); n != 0 {
		t.Errorf("RunNow(disabled): site received %d requests, want none", n)
	}
}

// A hanging host holds its worker only until the run's deadline; other hosts go on.
func TestSchedulerHangingHost(t *testing.T) {
	hanging := serve(t, pages("", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	total := &concurrency{}
	fine := newPoolSite(t, total, 0)
	sink := &memSink{}
	opts := testOptions()
	opts.Workers = 1
	opts.RunTimeout = 500 * time.Millisecond
	s := NewScheduler(New(sink, opts), nil)
	defer s.Stop()
	for _, def := range []sources.Definition{simpleDef("hanging", hanging.URL+"/"), simpleDef("fine", fine.URL+"/")} {
		if err := s.Set(def); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	s.RunNow(context.Background(), "hanging", "fine")
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("RunNow with a hanging host took %v, want about the run deadline", d)
	}
	byID := map[string]record.Run{}
	for _, c := range sink.saved() {
		byID[c.Run.Source] = c.Run
	}
	if r := byID["hanging"]; r.Status != record.RunFailed || !strings.Contains(r.Error, "run deadline of 500ms exceeded") {
		t.Errorf("hanging host: status %q, error %q; want failed, run deadline", r.Status, r.Error)
	}
	if r := byID["fine"]; r.Status != record.RunOK {
		t.Errorf("host after the hanging one: status %q, error %q; want ok", r.Status, r.Error)
	}
}
