package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/ensemble-be/ensemble/record/synthetic"
)

// TestFTSBaselineAnswersTheMix builds the baseline over 500 records and runs every
// query of the mix on it: each translates into SQL that SQLite accepts.
func TestFTSBaselineAnswersTheMix(t *testing.T) {
	ctx := context.Background()
	f, _, err := buildFTS(ctx, filepath.Join(t.TempDir(), "fts5.db"), synthetic.WithErrors(synthetic.Generate(1, 500)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.close()
	hits := 0
	for _, q := range mix {
		tq, err := translate(q.Params)
		if err != nil {
			t.Fatalf("translate(%q): %v", q.Params, err)
		}
		ids, total, facets, err := f.search(ctx, tq)
		if err != nil {
			t.Fatalf("search(%q): %v", q.Params, err)
		}
		if len(ids) > total || (tq.facets && total > 0 && facets == 0) {
			t.Errorf("search(%q) = %d ids, total %d, %d facet rows", q.Params, len(ids), total, facets)
		}
		hits += total
	}
	if hits == 0 {
		t.Error("no query of the mix matched anything")
	}
}

func TestMatchExpr(t *testing.T) {
	tests := []struct{ in, want string }{
		{"deuil", `"deuil"`},
		{"groupe de parole", `"groupe" AND "de" AND "parole"`},
		{`"groupe de parole" deuil`, `"groupe de parole" AND "deuil"`},
		{"burn-out NEAR(x)", `"burn-out" AND "NEAR" AND "x"`},
		{"espace d'écoute", `"espace" AND "d'écoute"`},
	}
	for _, tt := range tests {
		if got := matchExpr(tt.in); got != tt.want {
			t.Errorf("matchExpr(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestInProcess(t *testing.T) {
	q, follow, err := inProcess(synthetic.Query{Params: "q=deuil&kind=professional-group&page=2"})
	if err != nil || follow || q.Text != "deuil" || len(q.Kinds) < 5 || q.Page != 2 || !q.Expand {
		t.Errorf("inProcess = %+v, %v, %v; want the text, the kind and its descendants, page 2", q, follow, err)
	}
	q, _, err = inProcess(synthetic.Query{Params: "near=5000&radius=10&sort=distance"})
	if err != nil || q.Near == nil || q.RadiusKm != 10 || q.Sort != "distance" {
		t.Errorf("inProcess(near, radius) = %+v, %v", q, err)
	}
	if _, follow, _ := inProcess(synthetic.Query{Params: "q=groupe&cursor=FOLLOW"}); !follow {
		t.Error("cursor=FOLLOW not followed")
	}
	// Every query of the mix is one the API accepts.
	for _, mq := range synthetic.Queries {
		if _, _, err := inProcess(mq); err != nil {
			t.Errorf("%s: %v", mq.Params, err)
		}
	}
}

func TestPercentileAndSummary(t *testing.T) {
	var samples []sample
	for rep := range 3 {
		for i := 1; i <= 100; i++ {
			samples = append(samples, sample{engine: "x", rep: rep, took: time.Duration(i+rep) * time.Millisecond})
		}
	}
	samples = append(samples, sample{engine: "x", err: "boom"})
	l := summarize(samples, func(sample) string { return "k" })["k"]
	if l.p50 != 51*time.Millisecond || l.p99 != 100*time.Millisecond || l.errs != 1 || l.ok != 300 {
		t.Errorf("summary = %+v, want p50 51ms (median of 50, 51, 52), p99 100ms, 1 error, 300 ok", l)
	}
}
