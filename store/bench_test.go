package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/record/synthetic"
)

// BenchmarkSaveCrawlSynthetic saves 10,000 synthetic records as crawls of their
// sources (every 5,000 records, one crawl per source, as partial crawls: nothing
// withdrawn) into a new store, and reports records/s: the store half of ingest.
//
//	go test ./store -run '^$' -bench SaveCrawlSynthetic -benchtime 3x
func BenchmarkSaveCrawlSynthetic(b *testing.B) {
	const n, chunk = 10_000, 5_000
	ctx := context.Background()
	for b.Loop() {
		s, err := Open(ctx, filepath.Join(b.TempDir(), "ensemble.db"))
		if err != nil {
			b.Fatal(err)
		}
		bySource := map[string]*record.Crawl{}
		flush := func() {
			for _, c := range bySource {
				if _, err := s.SaveCrawl(ctx, *c); err != nil {
					b.Fatal(err)
				}
			}
			clear(bySource)
		}
		i := 0
		for r := range synthetic.Generate(1, n) {
			c := bySource[r.Source]
			if c == nil {
				c = &record.Crawl{Run: record.Run{Source: r.Source, Status: record.RunOK, StartedAt: time.Now(), FinishedAt: time.Now()}}
				bySource[r.Source] = c
			}
			c.Records = append(c.Records, r)
			c.Verbatim = append(c.Verbatim, record.Listing{LocalID: r.LocalID, URL: r.URL,
				Fields: map[string]string{record.FieldTitle: r.Title, record.FieldDescription: r.Description}})
			if i++; i%chunk == 0 {
				flush()
			}
		}
		flush()
		s.Close()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
