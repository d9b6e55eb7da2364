package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"
)

// BenchmarkEngine runs a mix of text and filtered/faceted queries over synthetic
// records (ENSEMBLE_BENCH_N, default 20,000; the figures in docs/performance.md come
// from the corpus generator's harness).
func BenchmarkEngine(b *testing.B) {
	n := 20000
	if s := os.Getenv("ENSEMBLE_BENCH_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	recs := syntheticRecords(n)
	rng := rand.New(rand.NewPCG(3, 4))
	provinces := []string{"Namur", "Hainaut", "Liège", "Anvers", "Limbourg"}
	for i := range recs {
		r := &recs[i]
		r.Location.Lat, r.Location.Lon = 49.6+rng.Float64()*1.8, 2.6+rng.Float64()*3.3
		r.Location.Province = provinces[i%len(provinces)]
		s := engineNow.Add(time.Duration(rng.IntN(60*24)) * time.Hour)
		r.Schedule.Start = &s
		if i%3 == 0 {
			r.Cost.Free = true
		}
	}
	ix := newTestIndex(b, changesOf(recs, 1))
	near := &Point{Lat: 50.41, Lon: 4.44}
	queries := []Query{
		{Text: "groupe parole", Expand: true},
		{Text: "anxiete", Expand: true},
		{Text: "groupe parole", Kinds: []string{"discussion-group"}, Facets: true, Expand: true},
		{Facets: true},
		{Near: near, RadiusKm: 20, Sort: SortDistance, Facets: true},
		{From: engineNow, To: engineNow.AddDate(0, 0, 7), Weekdays: []time.Weekday{time.Tuesday}, Facets: true},
		{Provinces: []string{"Namur"}, Free: true, Sort: SortDate},
	}
	ctx := context.Background()
	for i, q := range queries {
		q.Now = engineNow
		b.Run(fmt.Sprintf("%d/%s", i, q.Text), func(b *testing.B) {
			for b.Loop() {
				if _, err := ix.Search(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
