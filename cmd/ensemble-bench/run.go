package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ensemble-be/ensemble/index"
	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/store"
)

// report collects the figures of one run.
type report struct {
	c         config
	started   time.Time
	ingest    ingestResult
	ftsBuild  time.Duration
	ftsBytes  int64
	samples   []sample
	serveRSS  []rssReading
	dumps     []dumpResult
	notes     []string
	totalTime time.Duration
}

// rssReading is the server's VmRSS and VmHWM (MiB) at a moment.
type rssReading struct {
	moment    string
	now, peak float64
}

type dumpResult struct {
	format string
	took   time.Duration
	peak   float64
	err    string
}

func runAll(ctx context.Context, c config, stdout io.Writer) error {
	rep := &report{c: c, started: time.Now()}
	say := func(format string, args ...any) {
		fmt.Fprintf(stdout, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
	}
	work := c.dir
	if work == "" {
		d, err := os.MkdirTemp("", "ensemble-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		work = d
	}
	data := filepath.Join(work, "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		return err
	}
	if entries, _ := os.ReadDir(data); len(entries) > 0 {
		return fmt.Errorf("%s is not empty: give run a new --dir", data)
	}

	// Ingest: store, then index from the change log.
	say("ingesting %d records (seed %d) into %s", c.n, c.seed, data)
	st, err := store.Open(ctx, filepath.Join(data, "ensemble.db"))
	if err != nil {
		return err
	}
	defer st.Close()
	indexDir := filepath.Join(data, "index")
	ix, err := index.Open(indexDir)
	if err != nil {
		return err
	}
	rep.ingest, err = ingest(ctx, st, ix, c.seed, c.n, func(s string) { say("%s", s) })
	if err != nil {
		ix.Close()
		return fmt.Errorf("ingest: %w", err)
	}
	rep.ingest.indexBytes = dirSize(indexDir)
	rep.ingest.storeBytes = dirSize(data) - rep.ingest.indexBytes
	say("ingest: store %s, index %s", rep.ingest.storeTime.Round(time.Millisecond), rep.ingest.indexTime.Round(time.Millisecond))

	// In process.
	if !c.skipped("inproc") {
		for _, conc := range ints(c.inConc) {
			say("in-process query mix, concurrency %d", conc)
			rep.samples = append(rep.samples, runMix(ctx, "inproc", conc, c.reps, c.rounds, func(ctx context.Context, q benchQuery) (time.Duration, error) {
				iq, follow, err := inProcess(q)
				if err != nil {
					return 0, err
				}
				if follow {
					first, err := ix.Search(ctx, iq)
					if err != nil {
						return 0, err
					}
					iq.After = first.Next
				}
				start := time.Now()
				_, err = ix.Search(ctx, iq)
				return time.Since(start), err
			})...)
		}
	}
	if err := ix.Close(); err != nil {
		return err
	}

	// FTS5 baseline, from the same store snapshot.
	if !c.skipped("fts5") {
		say("building the FTS5 baseline")
		ftsPath := filepath.Join(work, "fts5.db")
		var f *fts
		err := st.Snapshot(ctx, func(_ int64, recs iter.Seq2[record.Record, error]) error {
			var err error
			f, rep.ftsBuild, err = buildFTS(ctx, ftsPath, recs)
			return err
		})
		if err != nil {
			return err
		}
		rep.ftsBytes = dirSize(work) - dirSize(data) // fts5.db and its WAL
		translated := map[string]ftsQuery{}
		for _, q := range mix {
			tq, err := translate(q.Params)
			if err != nil {
				return fmt.Errorf("translate %s: %w", q.Params, err)
			}
			translated[q.Params] = tq
		}
		for _, conc := range ints(c.inConc) {
			say("FTS5 query mix, concurrency %d", conc)
			f.db.SetMaxOpenConns(conc)
			f.db.SetMaxIdleConns(conc)
			rep.samples = append(rep.samples, runMix(ctx, "fts5", conc, c.reps, c.rounds, func(ctx context.Context, q benchQuery) (time.Duration, error) {
				start := time.Now()
				_, _, _, err := f.search(ctx, translated[q.Params])
				return time.Since(start), err
			})...)
		}
		f.close()
	}

	// HTTP against the real server; then the server is stopped (reindex needs the index).
	var bin string
	if !c.skipped("http") || !c.skipped("dump") {
		say("building ./cmd/ensemble")
		if bin, err = buildEnsemble(ctx, c.repo, work); err != nil {
			return err
		}
	}
	if !c.skipped("http") {
		say("starting ensemble serve")
		srv, err := startServe(ctx, bin, data, work)
		if err != nil {
			return err
		}
		pid := srv.cmd.Process.Pid
		time.Sleep(2 * time.Second)
		runtime.GC()
		now, peak := rss(pid)
		rep.serveRSS = append(rep.serveRSS, rssReading{"idle, after start", now, peak})
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}, Timeout: time.Minute}
		for _, conc := range ints(c.conc) {
			say("HTTP query mix, concurrency %d", conc)
			rep.samples = append(rep.samples, runMix(ctx, "http", conc, c.reps, c.rounds, func(ctx context.Context, q benchQuery) (time.Duration, error) {
				return httpSearch(ctx, client, srv.base, q)
			})...)
			now, peak := rss(pid)
			rep.serveRSS = append(rep.serveRSS, rssReading{fmt.Sprintf("after the HTTP mix at concurrency %d", conc), now, peak})
		}
		if err := srv.stop(); err != nil {
			rep.notes = append(rep.notes, "ensemble serve exited with "+err.Error())
		}
	}

	// Full rebuild, as `ensemble reindex`.
	if !c.skipped("reindex") {
		say("rebuilding the index from a store snapshot")
		rep.ingest.rebuildCount, rep.ingest.rebuildTime, err = rebuild(ctx, st, indexDir)
		if err != nil {
			return fmt.Errorf("rebuild: %w", err)
		}
		rep.ingest.rebuildIndexSize = dirSize(indexDir)
	}
	st.Close()

	// Dumps, one process each, as `ensemble dump --format F`.
	if !c.skipped("dump") {
		for _, format := range []string{"jsonl", "csv", "excel-csv", "hsds"} {
			say("ensemble dump --format %s", format)
			out := filepath.Join(work, "dump."+format)
			took, peak, err := timeCommand(ctx, bin, "dump", "--data", data, "--format", format, "--out", out, "--log-level", "warn")
			d := dumpResult{format: format, took: took, peak: peak}
			if err != nil {
				d.err = err.Error()
			}
			rep.dumps = append(rep.dumps, d)
			os.RemoveAll(out)
		}
	}
	rep.totalTime = time.Since(rep.started)
	if err := os.MkdirAll(filepath.Dir(c.out), 0o755); err != nil {
		return err
	}
	f, err := os.Create(c.out)
	if err != nil {
		return err
	}
	rep.write(f)
	if err := f.Close(); err != nil {
		return err
	}
	samples := strings.TrimSuffix(c.out, filepath.Ext(c.out)) + ".samples.csv"
	if err := writeSamples(samples, rep.samples); err != nil {
		return err
	}
	say("report written to %s, every timed query to %s", c.out, samples)
	return nil
}

func ints(s string) []int {
	var out []int
	for _, part := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(part)); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}

// runMix runs the mix rounds times per repetition, conc queries at a time, after one
// unrecorded warm-up pass, and returns a sample per query run.
func runMix(ctx context.Context, engine string, conc, reps, rounds int, search func(context.Context, benchQuery) (time.Duration, error)) []sample {
	for _, q := range mix { // warm-up: caches, connections, JIT-less but page-cache-full
		search(ctx, q)
	}
	var out []sample
	var mu sync.Mutex
	for rep := range reps {
		jobs := make(chan benchQuery)
		var wg sync.WaitGroup
		for range conc {
			wg.Go(func() {
				for q := range jobs {
					took, err := search(ctx, q)
					s := sample{engine: engine, conc: conc, rep: rep, q: q, took: took}
					if err != nil {
						s.err = err.Error()
					}
					mu.Lock()
					out = append(out, s)
					mu.Unlock()
				}
			})
		}
		for range rounds {
			for _, q := range mix {
				jobs <- q
			}
		}
		close(jobs)
		wg.Wait()
	}
	return out
}

// machine describes where the figures were measured.
func machine() string {
	cpu := "unknown"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	mem := "unknown"
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if f := strings.Fields(strings.SplitN(string(b), "\n", 2)[0]); len(f) >= 2 {
			kb, _ := strconv.ParseFloat(f[1], 64)
			mem = fmt.Sprintf("%.1f GiB", kb/1024/1024)
		}
	}
	commit := "unknown"
	if out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		commit = strings.TrimSpace(string(out))
	}
	return fmt.Sprintf("%d CPUs (%s), %s RAM, %s %s/%s, commit %s", runtime.NumCPU(), cpu, mem, runtime.Version(),
		runtime.GOOS, runtime.GOARCH, commit)
}

func (r *report) write(w io.Writer) {
	c := r.c
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("# Ensemble benchmark: %s records (seed %d)", sizeName(c.n), c.seed)
	p("")
	p("%s; %s; %s in all.", r.started.UTC().Format("2006-01-02 15:04 UTC"), machine(), r.totalTime.Round(time.Second))
	p("Query latencies are the median over %d repetitions of each repetition's percentile; each repetition runs the mix of %d queries %d times.", c.reps, len(mix), c.rounds)
	p("")
	in := r.ingest
	rate := func(d time.Duration) string {
		if d == 0 {
			return "–"
		}
		return fmt.Sprintf("%.0f", float64(c.n)/d.Seconds())
	}
	p("## Ingest and reindex")
	p("")
	p("| step | time | records/s | on disk |")
	p("|---|---:|---:|---:|")
	p("| store (store.SaveCrawl, crawls of one source per %d records) | %s | %s | %s |", chunkSize(c.n), in.storeTime.Round(time.Millisecond), rate(in.storeTime), mib(in.storeBytes))
	p("| index (index.Apply of the change log) | %s | %s | %s |", in.indexTime.Round(time.Millisecond), rate(in.indexTime), mib(in.indexBytes))
	p("| **ingest: store + index** | %s | **%s** | |", (in.storeTime + in.indexTime).Round(time.Millisecond), rate(in.storeTime+in.indexTime))
	if in.rebuildTime > 0 {
		p("| full reindex (index.Rebuild from a store snapshot, %d records) | %s | %s | %s |", in.rebuildCount, in.rebuildTime.Round(time.Millisecond), rate(in.rebuildTime), mib(in.rebuildIndexSize))
	}
	if r.ftsBuild > 0 {
		p("| baseline: FTS5 database from the same snapshot | %s | %s | %s |", r.ftsBuild.Round(time.Millisecond), rate(r.ftsBuild), mib(r.ftsBytes))
	}
	p("")
	r.writeLatency(w)
	if len(r.serveRSS) > 0 {
		p("## Memory of `ensemble serve`")
		p("")
		p("| moment | RSS (MiB) | peak RSS so far (MiB) |")
		p("|---|---:|---:|")
		for _, m := range r.serveRSS {
			p("| %s | %.0f | %.0f |", m.moment, m.now, m.peak)
		}
		p("")
	}
	if len(r.dumps) > 0 {
		p("## Dumps (`ensemble dump --format F`, openly licensed records only)")
		p("")
		p("| format | time | records/s (of the corpus) | peak RSS (MiB) | error |")
		p("|---|---:|---:|---:|---|")
		for _, d := range r.dumps {
			p("| %s | %s | %s | %.0f | %s |", d.format, d.took.Round(time.Millisecond), rate(d.took), d.peak, d.err)
		}
		p("")
	}
	for _, n := range r.notes {
		p("Note: %s", n)
	}
}

func mib(b int64) string {
	if b <= 0 {
		return ""
	}
	return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
}

// writeLatency writes the per-half tables, the ratios against FTS5 and the classes.
func (r *report) writeLatency(w io.Writer) {
	if len(r.samples) == 0 {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	engines := []string{"inproc", "fts5", "http"}
	names := map[string]string{"inproc": "bleve in process (index.Search)", "fts5": "SQLite FTS5 in process",
		"http": "HTTP GET /api/v1/search (ensemble serve)"}
	for _, half := range []string{halfText, halfFiltered} {
		p("## Queries: %s half (ms)", half)
		p("")
		p("| engine | concurrency | p50 | p95 | p99 | answered | errors | first error |")
		p("|---|---:|---:|---:|---:|---:|---:|---|")
		byKey := summarize(r.samples, func(s sample) string {
			return fmt.Sprintf("%s/%d/%s", s.engine, s.conc, s.q.Half)
		})
		for _, e := range engines {
			for _, conc := range concs(r.samples, e) {
				l, ok := byKey[fmt.Sprintf("%s/%d/%s", e, conc, half)]
				if !ok {
					continue
				}
				p("| %s | %d | %s | %s | %s | %d | %d | %s |", names[e], conc, ms(l.p50), ms(l.p95), ms(l.p99), l.ok, l.errs, shorten(l.errSample))
			}
		}
		p("")
		r.writeRatios(w, half)
	}
	p("## Queries by class, concurrency 1 (ms: p50 / p99; errors)")
	p("")
	p("| half | class | queries | bleve in process | FTS5 | HTTP | first error |")
	p("|---|---|---:|---|---|---|---|")
	byClass := summarize(r.samples, func(s sample) string {
		if s.conc != 1 {
			return "skip"
		}
		return s.engine + "/" + s.q.Half + "/" + s.q.Class
	})
	var classes []benchQuery
	for _, q := range mix {
		if !slices.ContainsFunc(classes, func(c benchQuery) bool { return c.Class == q.Class && c.Half == q.Half }) {
			classes = append(classes, q)
		}
	}
	for _, cl := range classes {
		n := 0
		for _, q := range mix {
			if q.Class == cl.Class && q.Half == cl.Half {
				n++
			}
		}
		cell := func(e string) string {
			l, ok := byClass[e+"/"+cl.Half+"/"+cl.Class]
			if !ok {
				return "–"
			}
			s := ms(l.p50) + " / " + ms(l.p99)
			if l.errs > 0 {
				s += fmt.Sprintf("; %d err", l.errs)
			}
			return s
		}
		firstErr := ""
		for _, e := range engines {
			if l, ok := byClass[e+"/"+cl.Half+"/"+cl.Class]; ok && l.errSample != "" {
				firstErr += e + ": " + shorten(l.errSample) + " "
			}
		}
		p("| %s | %s | %d | %s | %s | %s | %s |", cl.Half, cl.Class, n, cell("inproc"), cell("fts5"), cell("http"), firstErr)
	}
	p("")
	p("## Queries one by one, concurrency 1 (ms: p50)")
	p("")
	p("| half | query | bleve in process | FTS5 | HTTP |")
	p("|---|---|---:|---:|---:|")
	byQuery := summarize(r.samples, func(s sample) string {
		if s.conc != 1 {
			return "skip"
		}
		return s.engine + "/" + s.q.Params
	})
	for _, q := range mix {
		cell := func(e string) string {
			l, ok := byQuery[e+"/"+q.Params]
			if !ok || l.ok == 0 {
				return "–"
			}
			return ms(l.p50)
		}
		p("| %s | `%s` | %s | %s | %s |", q.Half, q.Params, cell("inproc"), cell("fts5"), cell("http"))
	}
	p("")
}

// shorten makes an error message fit a table cell.
func shorten(s string) string {
	s = strings.ReplaceAll(s, "|", "/")
	if len(s) > 110 {
		s = s[:110] + "…"
	}
	return s
}

// writeRatios compares each engine with FTS5 at the same concurrency over the
// queries both answered: FTS5's percentile ÷ the engine's (above 1: faster than FTS5).
func (r *report) writeRatios(w io.Writer, half string) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	ftsConcs := concs(r.samples, "fts5")
	if len(ftsConcs) == 0 {
		return
	}
	// a query enters the comparison at a concurrency when neither engine failed it there
	answered := map[string]bool{} // engine/concurrency/query
	failed := map[string]bool{}
	for _, s := range r.samples {
		k := fmt.Sprintf("%s/%d/%s", s.engine, s.conc, s.q.Params)
		if s.err != "" {
			failed[k] = true
		} else {
			answered[k] = true
		}
	}
	ok := func(e string, conc int, q string) bool {
		k := fmt.Sprintf("%s/%d/%s", e, conc, q)
		return answered[k] && !failed[k]
	}
	p("Speed-up over FTS5 on the %s queries both answered (FTS5 latency ÷ engine latency; above 1 is faster than FTS5):", half)
	p("")
	p("| engine | concurrency | queries compared | p50 | p95 | p99 |")
	p("|---|---:|---:|---:|---:|---:|")
	for _, e := range []string{"inproc", "http"} {
		for _, conc := range concs(r.samples, e) {
			fc := conc
			if !slices.Contains(ftsConcs, fc) {
				fc = slices.Max(ftsConcs) // HTTP at 32 against FTS5 at its highest
			}
			var mine, theirs []sample
			queries := map[string]bool{}
			for _, s := range r.samples {
				if s.q.Half != half || !ok(e, conc, s.q.Params) || !ok("fts5", fc, s.q.Params) {
					continue
				}
				switch {
				case s.engine == e && s.conc == conc:
					mine = append(mine, s)
					queries[s.q.Params] = true
				case s.engine == "fts5" && s.conc == fc:
					theirs = append(theirs, s)
				}
			}
			if len(mine) == 0 {
				p("| %s | %d | 0 | – | – | – |", e, conc)
				continue
			}
			key := func(sample) string { return "all" }
			a, b := summarize(mine, key)["all"], summarize(theirs, key)["all"]
			ratio := func(x, y time.Duration) string {
				if x == 0 {
					return "–"
				}
				return fmt.Sprintf("%.2f×", float64(y)/float64(x))
			}
			vs := ""
			if fc != conc {
				vs = fmt.Sprintf(" (FTS5 at %d)", fc)
			}
			p("| %s | %d%s | %d | %s | %s | %s |", e, conc, vs, len(queries), ratio(a.p50, b.p50), ratio(a.p95, b.p95), ratio(a.p99, b.p99))
		}
	}
	p("")
}

func concs(samples []sample, engine string) []int {
	var out []int
	for _, s := range samples {
		if s.engine == engine && !slices.Contains(out, s.conc) {
			out = append(out, s.conc)
		}
	}
	slices.Sort(out)
	return out
}

// writeSamples writes every timed query as CSV, to recompute any figure later.
func writeSamples(path string, samples []sample) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write([]string{"engine", "concurrency", "repetition", "half", "class", "query", "ms", "error"})
	for _, s := range samples {
		w.Write([]string{s.engine, strconv.Itoa(s.conc), strconv.Itoa(s.rep), s.q.Half, s.q.Class, s.q.Params,
			strconv.FormatFloat(float64(s.took.Microseconds())/1000, 'f', 3, 64), s.err})
	}
	w.Flush()
	return errors.Join(w.Error(), f.Close())
}
