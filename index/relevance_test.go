package index

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"slices"
	"sort"
	"testing"

	"github.com/ensemble-be/ensemble/record"
)

// Floors of TestRelevance, set a little below the measured figures (docs/search.md).
const (
	minNDCG = 0.93
	minMRR  = 0.97
)

type judgedQuery struct {
	Query      string         `json:"query"`
	Judgements map[string]int `json:"judgements"`
}

func readJSONL[T any](t *testing.T, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, v)
	}
	return out
}

// ndcg is nDCG@k of ranked ids under judgements (gain 2^g - 1).
func ndcg(ranked []string, judged map[string]int, k int) float64 {
	dcg := 0.0
	for i, id := range ranked[:min(k, len(ranked))] {
		dcg += (math.Pow(2, float64(judged[id])) - 1) / math.Log2(float64(i+2))
	}
	var grades []int
	for _, g := range judged {
		grades = append(grades, g)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(grades)))
	ideal := 0.0
	for i, g := range grades[:min(k, len(grades))] {
		ideal += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i+2))
	}
	if ideal == 0 {
		return 0
	}
	return dcg / ideal
}

// TestRelevance measures ranking on the judged set in testdata/relevance:
// go test ./index -run TestRelevance -v
func TestRelevance(t *testing.T) {
	type doc struct {
		ID, Language, Title, Description, Kind, City string
		Topics, Audiences                            []string
	}
	var records []record.Record
	for _, d := range readJSONL[doc](t, "testdata/relevance/corpus.jsonl") {
		r := rec(d.ID, d.Language, d.Kind, d.Title, d.Description, d.City)
		r.Topics, r.Audiences = d.Topics, d.Audiences
		records = append(records, r)
	}
	queries := readJSONL[judgedQuery](t, "testdata/relevance/queries.jsonl")
	ix := newTestIndex(t, changesOf(records, 1))
	for _, expand := range []bool{false, true} {
		type scored struct {
			q         string
			ndcg, mrr float64
			top       []string
		}
		var all []scored
		sumN, sumR := 0.0, 0.0
		for _, jq := range queries {
			got := searchIDs(t, ix, Query{Text: jq.Query, Expand: expand, PerPage: 10})
			n := ndcg(got, jq.Judgements, 10)
			rr := 0.0
			for i, id := range got {
				if jq.Judgements[id] > 0 {
					rr = 1 / float64(i+1)
					break
				}
			}
			sumN, sumR = sumN+n, sumR+rr
			all = append(all, scored{jq.Query, n, rr, got})
		}
		nq := float64(len(queries))
		meanN, meanR := sumN/nq, sumR/nq
		t.Logf("expand=%v: %d queries, %d records: nDCG@10 %.3f, MRR %.3f", expand, len(queries), len(records), meanN, meanR)
		slices.SortStableFunc(all, func(a, b scored) int { return cmpFloat(a.ndcg, b.ndcg) })
		for _, s := range all[:8] {
			t.Logf("  worst: %-28q nDCG %.2f RR %.2f top %v", s.q, s.ndcg, s.mrr, s.top[:min(5, len(s.top))])
		}
		if expand && (meanN < minNDCG || meanR < minMRR) {
			t.Errorf("nDCG@10 %.3f, MRR %.3f: below the floor %.2f, %.2f", meanN, meanR, minNDCG, minMRR)
		}
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
