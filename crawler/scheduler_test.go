package crawler

import (
	"context"
	"strings"
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
	select {
	case <-done:
	default:
		t.Error("Stop returned before the RunNow crawl ended")
		<-done
	}
	if saved := sink.saved(); len(saved) != 1 || saved[0].Run.Status != record.RunFailed {
		t.Errorf("RunNow stopped: sink got %v, want 1 failed crawl", len(saved))
	}
	s.RunNow(context.Background(), "entraide-bxl") // after Stop: nothing
	if n := len(sink.saved()); n != 1 {
		t.Errorf("RunNow after Stop: sink got %d crawls, want still 1", n)
	}
}
