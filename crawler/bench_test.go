package crawler

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ensemble-be/ensemble/record"
)

// countingSink counts what it is given and keeps nothing.
type countingSink struct {
	runs, ok, records atomic.Int64
}

func (s *countingSink) SaveCrawl(ctx context.Context, c record.Crawl) (record.Run, error) {
	s.runs.Add(1)
	if c.Run.Status == record.RunOK {
		s.ok.Add(1)
	}
	s.records.Add(int64(len(c.Records)))
	return c.Run, nil
}

// benchPage is a list page of n listings.
func benchPage(source string, n int) []byte {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Groupes</title></head><body><ul>\n")
	for i := range n {
		fmt.Fprintf(&b, `<li class="groupe"><h2 class="titre">Groupe de parole %s n°%d</h2><p class="lieu">1000 Bruxelles</p></li>`+"\n", source, i+1)
	}
	b.WriteString("</ul></body></html>\n")
	return []byte(b.String())
}

// BenchmarkCrawl100Sources crawls 100 one-page sources of 10 listings, 10 sources on
// each of 10 loopback hosts, through the Scheduler's worker pool, without pauses
// between requests: with servers that answer at once (CPU-bound: client and servers
// share the machine) and with servers that take 5 ms to answer (where the pool's
// parallelism across hosts shows).
func BenchmarkCrawl100Sources(b *testing.B) {
	const hosts, perHost, listings = 10, 10, 10
	for _, latency := range []time.Duration{0, 5 * time.Millisecond} {
		var servers []string
		for range hosts {
			s := serve(b, func(w http.ResponseWriter, r *http.Request) {
				time.Sleep(latency)
				if r.URL.Path == "/robots.txt" {
					http.NotFound(w, r)
					return
				}
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Write(benchPage(r.URL.Path, listings))
			})
			servers = append(servers, s.URL)
		}
		for _, workers := range []int{1, 4, 10} {
			b.Run(fmt.Sprintf("latency=%v/workers=%d", latency, workers), func(b *testing.B) {
				sink := &countingSink{}
				opts := testOptions()
				opts.Workers = workers
				s := NewScheduler(New(sink, opts), nil)
				defer s.Stop()
				var ids []string
				for i := range hosts * perHost {
					def := simpleDef(fmt.Sprintf("bench-%03d", i), fmt.Sprintf("%s/source-%03d", servers[i%hosts], i))
					if err := s.Set(def); err != nil {
						b.Fatal(err)
					}
					ids = append(ids, def.ID)
				}
				start := time.Now()
				for b.Loop() {
					s.RunNow(context.Background(), ids...)
				}
				elapsed := time.Since(start).Seconds()
				if ok, runs := sink.ok.Load(), sink.runs.Load(); ok != runs || runs%int64(len(ids)) != 0 {
					b.Fatalf("%d runs, %d ok; want every one of the %d sources ok each time", runs, ok, len(ids))
				}
				if want := sink.runs.Load() * listings; sink.records.Load() != want {
					b.Fatalf("%d records, want %d", sink.records.Load(), want)
				}
				b.ReportMetric(float64(sink.runs.Load())/elapsed, "sources/s")
				b.ReportMetric(float64(sink.records.Load())/elapsed, "records/s")
			})
		}
	}
}
