// Command ensemble-bench measures Ensemble end to end on a synthetic corpus
// (record/synthetic) and against a SQLite FTS5 baseline over the same records, in one
// run, and writes the figures as a Markdown report.
//
//	ensemble-bench gen  [--seed 1] [--n 100000] [--out FILE.jsonl[.gz]|-]
//	ensemble-bench run  [--seed 1] [--n 100000] [--dir DIR] [--out FILE.md]
//	                    [--reps 3] [--rounds 5] [--conc 1,8,32] [--skip http,fts5,dump,reindex]
//
// run: ingests the corpus into a store (store.SaveCrawl, one crawl per source per
// chunk) and the index (index.Apply, as the server's follower does); times a full
// rebuild (index.Rebuild from a store snapshot); runs the query mix in process
// (index.Search) and over HTTP against the real `ensemble serve` (built with go build
// and started on 127.0.0.1), and the same mix on SQLite FTS5; times `ensemble dump`
// per format with its peak RSS; and reads the server's RSS idle and under load.
// docs/performance.md explains the method and the figures.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/ensemble-be/ensemble/opendata"
	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/record/synthetic"
)

const usage = `usage: ensemble-bench gen|run [flags]

  gen   write the synthetic corpus as JSONL
  run   ingest, query (in process, HTTP, FTS5), reindex, dump; write a report

Run 'ensemble-bench <command> -h' for the flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "ensemble-bench:", err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	fs := flag.NewFlagSet("ensemble-bench "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	seed := fs.Uint64("seed", 1, "corpus seed")
	n := fs.Int("n", 100_000, "records in the corpus")
	switch args[0] {
	case "gen":
		out := fs.String("out", "-", "file to write (gzipped if it ends in .gz), or - for stdout")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return generate(*seed, *n, *out, stdout)
	case "run":
		var c config
		fs.StringVar(&c.dir, "dir", "", "working directory (store, index, FTS5 database, binaries); default a new one under $TMPDIR, removed at the end")
		fs.StringVar(&c.out, "out", "", "report file (Markdown); default bench-results/results-N.md")
		fs.IntVar(&c.reps, "reps", 3, "repetitions of the query mix; the report gives medians")
		fs.IntVar(&c.rounds, "rounds", 5, "passes over the query mix per repetition and concurrency")
		fs.StringVar(&c.conc, "conc", "1,8,32", "HTTP client concurrencies")
		fs.StringVar(&c.inConc, "in-conc", "1,8", "in-process concurrencies (index.Search and FTS5)")
		fs.StringVar(&c.skip, "skip", "", "comma-separated parts to skip: http, fts5, dump, reindex, inproc")
		fs.StringVar(&c.repo, "repo", ".", "the repository root, where ./cmd/ensemble is built from")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		c.seed, c.n = *seed, *n
		if c.out == "" {
			c.out = filepath.Join("bench-results", fmt.Sprintf("results-%s.md", sizeName(c.n)))
		}
		return runAll(ctx, c, stdout)
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// generate writes the corpus as JSONL.
func generate(seed uint64, n int, out string, stdout io.Writer) error {
	records := synthetic.WithErrors(synthetic.Generate(seed, n))
	if out == "-" {
		return record.WriteJSONL(stdout, records)
	}
	f, err := opendata.Open(out)
	if err != nil {
		return err
	}
	return errors.Join(record.WriteJSONL(f, records), f.Close())
}

// sizeName is 10k, 100k, 1M...
func sizeName(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

// config is what run was asked.
type config struct {
	seed                 uint64
	n                    int
	dir, out, repo, skip string
	reps, rounds         int
	conc, inConc         string
}

func (c config) skipped(part string) bool {
	for _, s := range strings.Split(c.skip, ",") {
		if strings.TrimSpace(s) == part {
			return true
		}
	}
	return false
}
