package main

import (
	"fmt"
	"github.com/ensemble-be/ensemble/api"
	"github.com/ensemble-be/ensemble/cmd/internal/wire"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/ensemble-be/ensemble/index"
	"github.com/ensemble-be/ensemble/record/synthetic"
)

// benchQuery is one query of the mix: synthetic.Query, the one table that the HTTP
// runner sends as is, the FTS5 baseline translates into SQL, and the in-process runner
// into an index.Query where the index has the fields.
type benchQuery = synthetic.Query

// Halves of the mix.
const (
	halfText     = synthetic.HalfText
	halfFiltered = synthetic.HalfFiltered
)

// mix is the fixed query mix.
var mix = synthetic.Queries

// inProcess translates q into an index.Query exactly as the API does: the API's own
// parser (validation, taxonomy expansion, places, dates) and the serving command's
// adapter (cmd/internal/wire). follow reports a "cursor=FOLLOW" query: the timed
// search is the page after the first.
func inProcess(q benchQuery) (iq index.Query, follow bool, err error) {
	params := q.Params
	if strings.Contains(params, "cursor=FOLLOW") {
		params, follow = strings.Replace(params, "&cursor=FOLLOW", "", 1), true
	}
	v, err := url.ParseQuery(params)
	if err != nil {
		return index.Query{}, false, err
	}
	aq, err := api.ParseSearch(v)
	if err != nil {
		return index.Query{}, false, err
	}
	return wire.IndexQuery(aq), follow, nil
}

func list(v url.Values, name string) []string {
	var out []string
	for _, s := range v[name] {
		for _, part := range strings.Split(s, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// sample is one timed query.
type sample struct {
	engine string // inproc, http, fts5
	conc   int
	rep    int
	q      benchQuery
	took   time.Duration
	err    string // "" when it succeeded
}

// percentile is the nearest-rank p-th percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p/100*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// latency are the median over repetitions of each repetition's p50, p95 and p99.
type latency struct {
	p50, p95, p99 time.Duration
	ok, errs      int
	errSample     string
}

// summarize groups samples by key and returns each group's latency.
func summarize(samples []sample, key func(sample) string) map[string]latency {
	type group struct {
		byRep map[int][]time.Duration
		ok    int
		errs  int
		err   string
	}
	groups := map[string]*group{}
	for _, s := range samples {
		k := key(s)
		g := groups[k]
		if g == nil {
			g = &group{byRep: map[int][]time.Duration{}}
			groups[k] = g
		}
		if s.err != "" {
			g.errs++
			if g.err == "" {
				g.err = s.err
			}
			continue
		}
		g.ok++
		g.byRep[s.rep] = append(g.byRep[s.rep], s.took)
	}
	out := map[string]latency{}
	for k, g := range groups {
		var p50, p95, p99 []time.Duration
		for _, ds := range g.byRep {
			slices.Sort(ds)
			p50, p95, p99 = append(p50, percentile(ds, 50)), append(p95, percentile(ds, 95)), append(p99, percentile(ds, 99))
		}
		out[k] = latency{p50: median(p50), p95: median(p95), p99: median(p99), ok: g.ok, errs: g.errs, errSample: g.err}
	}
	return out
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// ms formats a duration in milliseconds.
func ms(d time.Duration) string {
	if d == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000)
}
