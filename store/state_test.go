package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/sources"
)

func failedCrawl(src, msg string) record.Crawl {
	return record.Crawl{Run: record.Run{Source: src, Status: record.RunFailed, Error: msg, StartedAt: time.Now(), FinishedAt: time.Now()}}
}

func TestBackoffAndPause(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }

	save(t, s, failedCrawl("net", "GET …: 503 Service Unavailable"))
	h, _ := s.Health(ctx, "net")
	if h.ConsecutiveFailures != 1 || h.BackoffUntil.Sub(now) < 4*time.Minute || h.BackoffUntil.Sub(now) > 6*time.Minute {
		t.Fatalf("after one failure: %+v, want 1 failure and ~5 min back-off", h)
	}
	if ok, why, _ := s.ShouldCrawl(ctx, "net", now.Add(time.Minute)); ok || !strings.Contains(why, "backing off") {
		t.Errorf("ShouldCrawl during back-off = %v %q", ok, why)
	}
	if ok, _, _ := s.ShouldCrawl(ctx, "net", now.Add(10*time.Minute)); !ok {
		t.Errorf("ShouldCrawl after the back-off = false")
	}
	for i := 2; i <= PauseAfter; i++ {
		save(t, s, failedCrawl("net", fmt.Sprintf("failure %d", i)))
	}
	h, _ = s.Health(ctx, "net")
	if !h.Paused || !strings.Contains(h.PausedReason, "10 consecutive failures") || h.LastError != "failure 10" {
		t.Fatalf("after %d failures: %+v, want paused with the reason", PauseAfter, h)
	}
	if ok, why, _ := s.ShouldCrawl(ctx, "net", now.Add(48*time.Hour)); ok || !strings.HasPrefix(why, "paused") {
		t.Errorf("ShouldCrawl of a paused source = %v %q", ok, why)
	}
	save(t, s, crawl(t, "net", map[string]string{"a": "A"})) // a manual crawl that works
	if h, _ = s.Health(ctx, "net"); !h.Paused || h.ConsecutiveFailures != 0 || h.LastSuccess.IsZero() {
		t.Errorf("a success does not unpause by itself: %+v", h)
	}
	if err := s.PutSource(ctx, testSource("net"), "catalog"); err != nil {
		t.Fatal(err)
	}
	if err := s.Resume(ctx, "net"); err != nil {
		t.Fatal(err)
	}
	if ok, _, _ := s.ShouldCrawl(ctx, "net", now); !ok {
		t.Errorf("resumed source may not be crawled")
	}
}

func TestBackoffGrowsAndCaps(t *testing.T) {
	prev := time.Duration(0)
	for n := 1; n <= 12; n++ {
		d := Backoff(n)
		if d > BackoffMax*12/10 || d < BackoffBase*8/10 {
			t.Errorf("Backoff(%d) = %v, outside [%v, %v]", n, d, BackoffBase*8/10, BackoffMax*12/10)
		}
		if n <= 6 && d < prev/2 {
			t.Errorf("Backoff(%d) = %v, not growing from %v", n, d, prev)
		}
		prev = d
	}
}

func TestQuarantineWithdrawalsAndApprove(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	ten := map[string]string{}
	for i := range 10 {
		ten[fmt.Sprint(i)] = fmt.Sprintf("Groupe %d", i)
	}
	save(t, s, crawl(t, "net", ten))

	// Losing 2 of 10 is normal life; losing 4 of 10 looks like a broken page.
	eight := map[string]string{}
	for i := range 8 {
		eight[fmt.Sprint(i)] = ten[fmt.Sprint(i)]
	}
	if run := save(t, s, crawl(t, "net", eight)); run.Status != record.RunOK || run.Withdrawn != 2 {
		t.Fatalf("2 of 10 gone: %q, %d withdrawn; want ok, 2", run.Status, run.Withdrawn)
	}
	four := map[string]string{"0": "Groupe 0", "1": "Groupe 1", "2": "Groupe 2", "3": "Groupe 3"}
	run := save(t, s, crawl(t, "net", four))
	if run.Status != record.RunQuarantined || !strings.Contains(run.Error, "withdraw 4 of 8") {
		t.Fatalf("4 of 8 gone: %q %q; want quarantined", run.Status, run.Error)
	}
	if status(t, s, "net", "7") != record.StatusActive {
		t.Fatalf("a quarantined crawl withdrew a record")
	}
	approved, err := s.ApproveRun(ctx, run.ID)
	if err != nil || approved.Withdrawn != 4 || approved.Status != record.RunOK {
		t.Fatalf("ApproveRun = %+v, %v; want ok with 4 withdrawn", approved, err)
	}
	if status(t, s, "net", "7") != record.StatusWithdrawn {
		t.Errorf("approved crawl did not withdraw")
	}
	if _, err := s.ApproveRun(ctx, run.ID); err == nil {
		t.Errorf("approving the same run twice succeeded")
	}
}

func TestValidatorsAndRunColumns(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	if err := s.SetValidators(ctx, "net", `"abc"`, "Mon, 23 Nov 2026 10:00:00 GMT", "def1"); err != nil {
		t.Fatal(err)
	}
	h, _ := s.Health(ctx, "net")
	if h.ETag != `"abc"` || h.LastModified == "" || h.ValidatorsFor != "def1" {
		t.Errorf("validators = %q %q", h.ETag, h.LastModified)
	}
	c := crawl(t, "net", map[string]string{"a": "A"})
	c.Run.HTTPStatus, c.Run.DetectedKind = 200, "rss (RSS <rss> root)"
	save(t, s, c)
	runs, _ := s.Runs(ctx, "net", 1)
	if runs[0].HTTPStatus != 200 || runs[0].DetectedKind != "rss (RSS <rss> root)" {
		t.Errorf("run = %+v", runs[0])
	}
}

func testSource(id string) sources.Definition {
	return sources.Definition{ID: id, Name: id, URL: "http://127.0.0.1/", Kind: sources.KindJSONLD}
}
