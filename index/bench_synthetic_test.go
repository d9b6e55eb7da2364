package index

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/record/synthetic"
)

// benchRecords is ENSEMBLE_BENCH_RECORDS, default 10,000.
func benchRecords() int {
	if v, err := strconv.Atoi(os.Getenv("ENSEMBLE_BENCH_RECORDS")); err == nil && v > 0 {
		return v
	}
	return 10_000
}

// BenchmarkApplySynthetic indexes a synthetic corpus through Apply, in the pages of
// 1,000 changes the server's follower uses, and reports records/s and the index size.
//
//	ENSEMBLE_BENCH_RECORDS=100000 go test ./index -run '^$' -bench ApplySynthetic -benchtime 1x
func BenchmarkApplySynthetic(b *testing.B) {
	n := benchRecords()
	for b.Loop() {
		dir := filepath.Join(b.TempDir(), "index")
		ix, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		seq := int64(0)
		page := make([]Change, 0, 1000)
		for r := range synthetic.Generate(1, n) {
			seq++
			page = append(page, Change{Seq: seq, Record: r})
			if len(page) == cap(page) {
				if err := ix.Apply(context.Background(), page); err != nil {
					b.Fatal(err)
				}
				page = page[:0]
			}
		}
		if err := ix.Apply(context.Background(), page); err != nil {
			b.Fatal(err)
		}
		ix.Close()
		b.ReportMetric(float64(dirBytes(dir))/(1<<20), "index-MiB")
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkRebuildSynthetic rebuilds an index of a synthetic corpus (index.Rebuild,
// what `ensemble reindex` does after reading the store).
func BenchmarkRebuildSynthetic(b *testing.B) {
	n := benchRecords()
	dir := filepath.Join(b.TempDir(), "index")
	for b.Loop() {
		if _, err := Rebuild(context.Background(), dir, int64(n), synthetic.WithErrors(synthetic.Generate(1, n))); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func dirBytes(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n
}

// mixQuery is the Query of a synthetic.Queries entry, as the API would build it with
// the fields the index has; false when it needs fields still to come (the filter
// engine: geo, dates, prices, facets, sorts, cursors).
func mixQuery(q synthetic.Query) (Query, bool) {
	v, _ := url.ParseQuery(q.Params)
	for name := range v {
		if !slices.Contains([]string{"q", "kind", "audience", "topic", "attendance", "region", "postcode", "language", "page", "per_page"}, name) {
			return Query{}, false
		}
	}
	tax := record.DefaultTaxonomy()
	expand := func(name string) []string {
		var out []string
		for _, s := range v[name] {
			for _, id := range strings.Split(s, ",") {
				out = append(out, tax.Descendants(id)...)
			}
		}
		return out
	}
	split := func(name string) []string {
		if s := v.Get(name); s != "" {
			return strings.Split(s, ",")
		}
		return nil
	}
	out := Query{Text: v.Get("q"), Kinds: expand("kind"), Audiences: expand("audience"), Topics: expand("topic"),
		Attendance: split("attendance"), Regions: split("region"), Postcodes: split("postcode"), Language: v.Get("language"),
		Expand: true}
	out.Page, _ = strconv.Atoi(v.Get("page"))
	out.PerPage, _ = strconv.Atoi(v.Get("per_page"))
	return out, true
}

// BenchmarkSearchMix runs each query of synthetic.Queries the index can answer today
// over a synthetic corpus of ENSEMBLE_BENCH_RECORDS (default 10,000), one
// sub-benchmark per query, with the p50 and p99 of its runs.
//
//	ENSEMBLE_BENCH_RECORDS=100000 go test ./index -run '^$' -bench SearchMix -cpuprofile cpu.out
func BenchmarkSearchMix(b *testing.B) {
	n := benchRecords()
	dir, err := os.MkdirTemp("", "ensemble-searchmix-")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ix, err := Open(filepath.Join(dir, "index"))
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	seq := int64(0)
	var page []Change
	for r := range synthetic.Generate(1, n) {
		seq++
		if page = append(page, Change{Seq: seq, Record: r}); len(page) == 1000 {
			if err := ix.Apply(context.Background(), page); err != nil {
				b.Fatal(err)
			}
			page = page[:0]
		}
	}
	if err := ix.Apply(context.Background(), page); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, mq := range synthetic.Queries {
		q, ok := mixQuery(mq)
		if !ok {
			continue
		}
		variants := []Query{q}
		if q.Text != "" {
			plain := q
			plain.Expand = false // what synonyms and typo tolerance cost
			variants = append(variants, plain)
		}
		for _, q := range variants {
			b.Run(fmt.Sprintf("%s/%s/expand=%t/%s", mq.Half, mq.Class, q.Expand, mq.Params), func(b *testing.B) {
				var took []time.Duration
				for b.Loop() {
					start := time.Now()
					if _, err := ix.Search(ctx, q); err != nil {
						b.Fatal(err)
					}
					took = append(took, time.Since(start))
				}
				slices.Sort(took)
				b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(took[min(len(took)-1, len(took)*99/100)].Microseconds())/1000, "p99-ms")
			})
		}
	}
}
