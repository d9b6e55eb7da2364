package crawler

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/record/synthetic"
	"github.com/ensemble-be/ensemble/sources"
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

// syntheticDef is the definition of a synthetic partner source served by site.
func syntheticDef(base string, site *synthetic.Site, src synthetic.Source) sources.Definition {
	def := sources.Definition{ID: src.ID, Name: src.Name, URL: base + site.Path(src), Schedule: "@daily",
		License: src.License, Attribution: src.Attribution, Language: src.Language}
	switch src.Feed {
	case "ical":
		def.Kind = sources.KindICal
	case "csv":
		def.Kind = sources.KindCSV
		def.CSV = &sources.CSVOptions{Delimiter: ";", ID: "id", Columns: map[string]string{
			record.FieldTitle: "titre", record.FieldDescription: "description", record.FieldDate: "date",
			record.FieldPostcode: "code postal", record.FieldCity: "localité", record.FieldPrice: "prix"}}
	default:
		def.Kind = sources.KindHTML
		def.HTML = &sources.HTMLOptions{List: "article.event", Next: "a.next@href", MaxPages: 1000,
			Fields: map[string]string{record.FieldTitle: "h2.title", record.FieldURL: "h2.title a@href",
				record.FieldDate: "time@datetime", record.FieldPlace: ".place", record.FieldPrice: ".price",
				record.FieldDescription: "p.description"}}
	}
	return def
}

// BenchmarkCrawlSyntheticSites crawls the 48 synthetic partner sources of
// record/synthetic (HTML agendas paged by 25, iCalendar feeds with RRULEs, CSV
// files: ENSEMBLE_BENCH_RECORDS listings in all, default 5,000) on one loopback
// host, through the whole fetch-parse-normalize path, and reports listings/s.
//
//	go test ./crawler -run '^$' -bench CrawlSynthetic -benchtime 3x
func BenchmarkCrawlSyntheticSites(b *testing.B) {
	n := 5_000
	if v, err := strconv.Atoi(os.Getenv("ENSEMBLE_BENCH_RECORDS")); err == nil && v > 0 {
		n = v
	}
	site := synthetic.NewSite(1, n)
	srv := httptest.NewServer(site)
	b.Cleanup(srv.Close)
	{ // one host: the per-host politeness makes the crawls run one after the other
		{
			sink := &countingSink{}
			s := NewScheduler(New(sink, testOptions()), nil)
			defer s.Stop()
			var ids []string
			want := 0
			for _, src := range site.Sources {
				if err := s.Set(syntheticDef(srv.URL, site, src)); err != nil {
					b.Fatal(err)
				}
				ids = append(ids, src.ID)
				want += site.Listings(src.ID)
			}
			start := time.Now()
			for b.Loop() {
				s.RunNow(context.Background(), ids...)
			}
			elapsed := time.Since(start).Seconds()
			if ok, runs := sink.ok.Load(), sink.runs.Load(); ok != runs {
				b.Fatalf("%d runs, %d ok; want every run ok", runs, ok)
			}
			// iCal drops listings without dates, validation may reject a few: most must come through
			if got := sink.records.Load() / int64(b.N); got < int64(want)*8/10 {
				b.Fatalf("%d records a crawl, want most of the %d published", got, want)
			}
			b.ReportMetric(float64(sink.records.Load())/elapsed, "records/s")
			b.ReportMetric(float64(sink.runs.Load())/elapsed, "sources/s")
		}
	}
}
