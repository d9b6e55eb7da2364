package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/ensemble-be/ensemble/crawler"
	"github.com/ensemble-be/ensemble/index"
	"github.com/ensemble-be/ensemble/opendata"
	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/sources"
	"github.com/ensemble-be/ensemble/sources/catalog"
)

// crawl crawls every registered source (or --source) once, prints a summary, and
// brings the index up to date unless a running server holds it (it then catches up
// by itself).
func (m *Main) crawl(ctx context.Context) error {
	a, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	if _, err := m.loadCatalog(ctx, a.store); err != nil {
		return err
	}
	registered, err := a.store.Sources(ctx)
	if err != nil {
		return err
	}
	var defs []sources.Definition
	for _, reg := range registered {
		approved, err := a.store.SourceApproved(ctx, reg.Definition.ID)
		if err != nil {
			return err
		}
		switch {
		case m.Config.Source != "" && reg.Definition.ID != m.Config.Source:
		case !approved:
			fmt.Fprintf(m.Stdout, "%s: a partner's source waiting for review, not crawled\n", reg.Definition.ID)
		case reg.Definition.Disabled && m.Config.Source == "":
			fmt.Fprintf(m.Stdout, "%s: disabled, not crawled (crawl it alone with --source %s)\n", reg.Definition.ID, reg.Definition.ID)
		default:
			defs = append(defs, reg.Definition)
		}
	}
	if m.Config.Source != "" && len(defs) == 0 {
		return fmt.Errorf("crawl: no source %q (see 'ensemble sources list')", m.Config.Source)
	}
	if len(defs) == 0 {
		fmt.Fprintf(m.Stdout, "no sources: add definitions to %s\n", m.Config.CatalogDir)
		return nil
	}
	c, err := m.newCrawler(a)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tSTATUS\tFOUND\tNEW\tUPDATED\tUNCHANGED\tWITHDRAWN\tREJECTED\tTIME\tERROR")
	failed, pages, records := 0, 0, 0
	bar := m.progress(len(defs), "crawling")
	for _, def := range defs {
		bar.Describe("crawling " + def.ID)
		run, err := c.Crawl(ctx, def)
		if err != nil {
			return err
		}
		pages, records = pages+run.Pages, records+run.Found
		bar.Describe(fmt.Sprintf("%d pages, %d records", pages, records))
		bar.Add(1)
		if run.Status == record.RunFailed {
			failed++
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%s\n", def.ID, run.Status, run.Found, run.Inserted,
			run.Updated, run.Unchanged, run.Withdrawn, run.Rejected,
			run.FinishedAt.Sub(run.StartedAt).Round(time.Millisecond), run.Error)
	}
	bar.Finish()
	tw.Flush()

	if err := m.catchUpIfFree(ctx, a); err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("crawl: %d of %d sources failed", failed, len(defs))
	}
	return nil
}

// reindex rebuilds the index from one consistent snapshot of the store, beside the
// old one, and swaps it in. The server must be stopped (it holds the index).
func (m *Main) reindex(ctx context.Context) error {
	a, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	count, seq, err := m.rebuildIndex(ctx, a)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "reindexed %d records up to change %d in %s\n", count, seq, time.Since(start).Round(time.Millisecond))
	return nil
}

// progress is a progress bar on stderr when it is a terminal; elsewhere (CI, a
// pipe, a log file) it draws nothing and the crawler's log lines tell the progress.
func (m *Main) progress(n int, what string) *progressbar.ProgressBar {
	f, ok := m.Stderr.(*os.File)
	visible := ok && term.IsTerminal(int(f.Fd()))
	return progressbar.NewOptions(n, progressbar.OptionSetWriter(m.Stderr), progressbar.OptionSetVisibility(visible),
		progressbar.OptionSetDescription(what), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
}

// renormalize runs normalization again over the stored verbatim listings of every
// source (or --source): records whose result changed are updated and logged, and the
// index follows (now, or when the running server catches up).
func (m *Main) renormalize(ctx context.Context) error {
	a, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	registered, err := a.store.Sources(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE	RECORDS	CHANGED	REJECTED NOW")
	done := 0
	for _, reg := range registered {
		def := reg.Definition
		if m.Config.Source != "" && def.ID != m.Config.Source {
			continue
		}
		res, err := a.store.Renormalize(ctx, def.ID, func(l record.Listing, fetched time.Time) (record.Record, error) {
			return record.Normalize(def.Origin(cmp.Or(l.Page, def.URL)), l, fetched)
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\n", def.ID, res.Records, res.Changed, res.Failed)
		done++
	}
	tw.Flush()
	if m.Config.Source != "" && done == 0 {
		return fmt.Errorf("renormalize: no source %q (see 'ensemble sources list')", m.Config.Source)
	}
	return m.catchUpIfFree(ctx, a)
}

// catchUpIfFree brings the index up to date, unless a running server holds it (it
// then catches up by itself).
func (m *Main) catchUpIfFree(ctx context.Context, a *app) error {
	var err error
	if a.index, err = m.openIndex(ctx, a); errors.Is(err, index.ErrLocked) {
		fmt.Fprintln(m.Stdout, "index in use by a running server: it will catch up by itself")
		return nil
	} else if err != nil {
		return err
	}
	n, err := a.catchUp(ctx)
	if err != nil {
		return fmt.Errorf("index catch-up: %w", err)
	}
	fmt.Fprintf(m.Stdout, "index: %d changes applied\n", n)
	return nil
}

// rebuildIndex builds the index afresh from one consistent snapshot of the store.
func (m *Main) rebuildIndex(ctx context.Context, a *app) (count int, seq int64, err error) {
	err = a.store.Snapshot(ctx, func(s int64, recs iter.Seq2[record.Record, error]) error {
		seq = s
		count, err = index.Rebuild(ctx, m.indexPath(), s, recs)
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("reindex: %w", err)
	}
	return count, seq, nil
}

// openIndex opens the index, rebuilding it from the store first when it was built by
// another version of the program (its mapping changed): the index is derived data.
func (m *Main) openIndex(ctx context.Context, a *app) (*index.Index, error) {
	ix, err := index.Open(m.indexPath())
	if !errors.Is(err, index.ErrOutdated) {
		return ix, err
	}
	m.Logger.Warn("index built by another version: rebuilding it from the store", "error", err)
	count, seq, err := m.rebuildIndex(ctx, a)
	if err != nil {
		return nil, err
	}
	m.Logger.Info("index rebuilt", "records", count, "seq", seq)
	return index.Open(m.indexPath())
}

// dump writes every record under an open licence, from one consistent snapshot: as
// JSONL, CSV or Excel-friendly CSV to a file (gzipped if it ends in .gz) or stdout, or
// as an HSDS 3.0 tabular package into a directory.
func (m *Main) dump(ctx context.Context) error {
	a, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	if m.Config.Format == "" {
		dir, err := m.snapshot(ctx, a, time.Now())
		if errors.Is(err, opendata.ErrSnapshotExists) {
			fmt.Fprintf(m.Stdout, "today's snapshot exists already: %s (a snapshot never changes)\n", dir)
			return nil
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "snapshot written: %s\n", dir)
		return nil
	}
	if m.Config.Format == "hsds" {
		err = a.store.Snapshot(ctx, func(_ int64, recs iter.Seq2[record.Record, error]) error {
			return opendata.WriteHSDS(m.Config.Out, record.OpenRecords(recs))
		})
		if err != nil {
			return fmt.Errorf("dump: %w", err)
		}
		fmt.Fprintf(m.Stdout, "HSDS 3.0 package written to %s\n", m.Config.Out)
		return nil
	}
	var out io.Writer = m.Stdout
	var file io.WriteCloser
	if m.Config.Out != "-" {
		if file, err = opendata.Open(m.Config.Out); err != nil {
			return fmt.Errorf("dump: %w", err)
		}
		defer file.Close()
		out = file
	}
	buf := bufio.NewWriterSize(out, 64<<10)
	err = a.store.Snapshot(ctx, func(_ int64, recs iter.Seq2[record.Record, error]) error {
		open := record.OpenRecords(recs)
		switch m.Config.Format {
		case "csv":
			return record.WriteCSV(buf, open)
		case "excel-csv":
			return opendata.WriteExcelCSV(buf, open)
		}
		return record.WriteJSONL(buf, open)
	})
	if err == nil {
		err = buf.Flush()
	}
	if err == nil && file != nil {
		err = file.Close()
	}
	if err != nil {
		return fmt.Errorf("dump: %w", err)
	}
	return nil
}

// snapshot writes the dated snapshot of day from one consistent read of the store,
// then prunes old snapshots to --keep-dumps.
func (m *Main) snapshot(ctx context.Context, a *app, day time.Time) (string, error) {
	regs, err := a.store.Sources(ctx)
	if err != nil {
		return "", err
	}
	infos := make([]opendata.SourceInfo, len(regs))
	for i, reg := range regs {
		d := reg.Definition
		infos[i] = opendata.SourceInfo{ID: d.ID, Name: d.Name, URL: d.URL, License: d.License, Attribution: d.Attribution}
	}
	var dir string
	err = a.store.Snapshot(ctx, func(seq int64, recs iter.Seq2[record.Record, error]) error {
		var werr error
		dir, werr = opendata.WriteSnapshot(m.Config.DumpsDir, opendata.Snapshot{
			Date: day, Seq: seq, Sources: infos,
			Records: func() iter.Seq2[record.Record, error] { return recs }, // each pass re-reads the same snapshot
		})
		return werr
	})
	if errors.Is(err, opendata.ErrSnapshotExists) {
		return filepath.Join(m.Config.DumpsDir, day.In(record.Brussels).Format(time.DateOnly)), err
	}
	if err != nil {
		return "", fmt.Errorf("snapshot: %w", err)
	}
	if removed, err := opendata.Prune(m.Config.DumpsDir, m.Config.KeepDumps); err != nil {
		return dir, fmt.Errorf("prune snapshots: %w", err)
	} else if len(removed) > 0 {
		m.Logger.Info("old snapshots removed", "snapshots", len(removed))
	}
	return dir, nil
}

// listSources prints the registered sources with their latest run.
func (m *Main) listSources(ctx context.Context) error {
	a, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	if _, err := m.loadCatalog(ctx, a.store); err != nil {
		return err
	}
	list, err := a.store.Sources(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tORIGIN\tSCHEDULE\tLICENSE\tLAST RUN\tHEALTH\tURL")
	for _, reg := range list {
		d := reg.Definition
		last := "never"
		if runs, err := a.store.Runs(ctx, d.ID, 1); err != nil {
			return err
		} else if len(runs) > 0 {
			last = fmt.Sprintf("%s %s (%d found)", runs[0].Status, runs[0].FinishedAt.Format(time.DateTime), runs[0].Found)
		}
		h, err := a.store.Health(ctx, d.ID)
		if err != nil {
			return err
		}
		health := "ok"
		switch {
		case d.Disabled:
			health = "disabled"
		case h.Paused:
			health = "paused: " + h.PausedReason
		case h.ConsecutiveFailures > 0:
			health = fmt.Sprintf("%d failures, retry after %s", h.ConsecutiveFailures, h.BackoffUntil.Format(time.DateTime))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d.ID, d.Kind, reg.Origin, d.Schedule, orDash(d.License), last, health, d.URL)
	}
	return tw.Flush()
}

// resumeSource un-pauses a source that failed too often.
func (m *Main) resumeSource(ctx context.Context, id string) error {
	a, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	if err := a.store.Resume(ctx, id); err != nil {
		return fmt.Errorf("sources resume: %w", err)
	}
	fmt.Fprintf(m.Stdout, "source %s resumed: it is crawled again on its schedule\n", id)
	return nil
}

// approveRun applies a quarantined run's crawl, then brings the index up to date.
func (m *Main) approveRun(ctx context.Context, arg string) error {
	runID, err := strconv.ParseInt(arg, 10, 64)
	if err != nil {
		return fmt.Errorf("sources approve-run: %q is not a run id", arg)
	}
	a, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	run, err := a.store.ApproveRun(ctx, runID)
	if err != nil {
		return fmt.Errorf("sources approve-run: %w", err)
	}
	fmt.Fprintf(m.Stdout, "run %d applied as run %d: %d new, %d updated, %d withdrawn\n",
		runID, run.ID, run.Inserted, run.Updated, run.Withdrawn)
	return m.catchUpIfFree(ctx, a)
}

// catalog lists the built-in catalog of known Belgian sources or, with "export DIR",
// copies their definition files into DIR (never over an existing file) for an
// operator to check with each network and enable.
func (m *Main) catalog(args []string) error {
	defs, err := catalog.Definitions()
	if err != nil {
		return err
	}
	if len(args) == 0 {
		tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tKIND\tLICENSE\tURL\tNOTES")
		for _, d := range defs {
			note, _, _ := strings.Cut(d.Notes, "\n")
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.80s\n", d.ID, d.Kind, orDash(d.License), d.URL, note)
		}
		return tw.Flush()
	}
	if args[0] != "export" || len(args) != 2 {
		return errors.New("sources catalog: want 'sources catalog' or 'sources catalog export DIR'")
	}
	dir := args[1]
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, d := range defs {
		body, name, err := catalog.DefinitionFile(d.ID)
		if err != nil {
			return err
		}
		f, err := os.OpenFile(filepath.Join(dir, filepath.Base(name)), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, os.ErrExist) {
			fmt.Fprintf(m.Stdout, "%s: exists, left as it is\n", name)
			continue
		}
		if err != nil {
			return err
		}
		_, err = f.Write(body)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	fmt.Fprintf(m.Stdout, "%d definitions in %s, all disabled: check each with its network, set disabled: false, run 'ensemble sources validate'\n", len(defs), dir)
	return nil
}

// validateSources checks definition files: their fields, and their schedules.
func (m *Main) validateSources(files []string) error {
	if len(files) == 0 {
		return errors.New("sources validate: name at least one file")
	}
	var errs []error
	for _, f := range slices.Sorted(slices.Values(files)) {
		def, err := sources.LoadFile(f)
		if err == nil {
			if _, serr := crawler.ParseSchedule(def.Schedule); serr != nil {
				err = fmt.Errorf("%s: %w", f, serr)
			}
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fmt.Fprintf(m.Stdout, "%s: ok (source %s, %s, %s)\n", f, def.ID, def.Kind, def.URL)
	}
	return errors.Join(errs...)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
