package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ensemble-be/ensemble/api"
	"github.com/ensemble-be/ensemble/crawler"
	"github.com/ensemble-be/ensemble/index"
	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/sources"
	"github.com/ensemble-be/ensemble/store"
)

// app holds what a command opened, so Close can release it in order.
type app struct {
	log       *slog.Logger
	store     *store.Store
	index     *index.Index
	scheduler *crawler.Scheduler
	http      *http.Server
	demo      *http.Server
	changed   chan struct{} // a crawl saved changes: the follower catches up now
	cancel    context.CancelFunc
	wg        sync.WaitGroup // background loops
	hooks     *webhooks      // nil: run summaries are not sent (only serve sends them)
	metrics   *api.Metrics   // nil: runs are not counted (only serve serves /metrics)
}

func (m *Main) storePath() string { return filepath.Join(m.Config.DataDir, "ensemble.db") }
func (m *Main) indexPath() string { return filepath.Join(m.Config.DataDir, "index") }

// openStore creates the data directory if needed and opens the store in it.
func (m *Main) openStore(ctx context.Context) (*app, error) {
	if err := os.MkdirAll(m.Config.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	st, err := store.Open(ctx, m.storePath())
	if err != nil {
		return nil, err
	}
	m.app = &app{log: m.Logger, store: st, changed: make(chan struct{}, 1)}
	return m.app, nil
}

func (a *app) close() error {
	var errs []error
	if a.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		errs = append(errs, a.http.Shutdown(ctx))
		cancel()
	}
	if a.scheduler != nil {
		a.scheduler.Stop() // cancels crawls under way and waits for them
	}
	if a.cancel != nil {
		a.cancel()
	}
	a.wg.Wait()
	if a.demo != nil {
		errs = append(errs, a.demo.Close())
	}
	if a.index != nil {
		errs = append(errs, a.index.Close())
	}
	if a.store != nil {
		errs = append(errs, a.store.Close())
	}
	return errors.Join(errs...)
}

// SaveCrawl saves to the store, then wakes the index follower: the app is the
// crawler's Sink.
func (a *app) SaveCrawl(ctx context.Context, c record.Crawl) (record.Run, error) {
	run, err := a.store.SaveCrawl(ctx, c)
	if err == nil {
		a.wake()
		a.notify(run)
		a.metrics.ObserveRun(run)
	}
	return run, err
}

// readiness tells whether the index has applied every change the store logged, and
// how many it lags behind: /readyz and the index lag metric.
func (a *app) readiness(ctx context.Context) (bool, int64, error) {
	storeSeq, err := a.store.LastSeq(ctx)
	if err != nil {
		return false, 0, err
	}
	indexSeq, err := a.index.LastSeq()
	if err != nil {
		return false, 0, err
	}
	lag := max(storeSeq-indexSeq, 0)
	return lag == 0, lag, nil
}

// catchUp applies to the index every change the store logged after the index's
// last seq, in pages.
func (a *app) catchUp(ctx context.Context) (applied int, err error) {
	for {
		seq, err := a.index.LastSeq()
		if err != nil {
			return applied, err
		}
		changes, err := a.store.ChangesAfter(ctx, seq, 1000)
		if err != nil || len(changes) == 0 {
			return applied, err
		}
		batch := make([]index.Change, len(changes))
		for i, c := range changes {
			batch[i] = index.Change{Seq: c.Seq, Record: c.Record}
		}
		if err := a.index.Apply(ctx, batch); err != nil {
			return applied, err
		}
		applied += len(batch)
	}
}

// followChanges keeps the index in step with the store until ctx ends: at once when
// a crawl in this process saved, and every few seconds for writers in other
// processes (`ensemble crawl`). Failures back off, doubling up to a minute.
func (a *app) followChanges(ctx context.Context) {
	const every = 2 * time.Second
	wait := every
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-a.changed:
		case <-timer.C:
		}
		n, err := a.catchUp(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			a.log.Error("index catch-up failed", "error", err, "retry_in_ms", wait.Milliseconds())
			wait = min(2*wait, time.Minute)
		case n > 0:
			a.log.Info("index caught up", "changes", n)
			wait = every
		default:
			wait = every
		}
		timer.Reset(wait)
	}
}

// wake tells the index follower that the store has new changes.
func (a *app) wake() {
	select {
	case a.changed <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// every runs job after first, then every period, until ctx ends. A job that fails
// logs and waits for its next turn: these are housekeeping loops, not crawls.
func every(ctx context.Context, first, period time.Duration, job func(context.Context)) {
	timer := time.NewTimer(first)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		job(ctx)
		timer.Reset(period)
	}
}

// markStale marks records unseen for store.StaleAfter as stale (run at start, then
// hourly).
func (a *app) markStale(ctx context.Context) {
	n, err := a.store.MarkStale(ctx, time.Now())
	switch {
	case err != nil && ctx.Err() == nil:
		a.log.Error("marking stale records failed", "error", err)
	case n > 0:
		a.log.Info("records marked stale", "records", n)
		a.wake()
	}
}

// loadCatalog reads the catalog directory (if it exists), checks every definition's
// schedule and registers them in the store. A bad file stops the start: its error
// names the file and the field.
func (m *Main) loadCatalog(ctx context.Context, st *store.Store) ([]sources.Definition, error) {
	if _, err := os.Stat(m.Config.CatalogDir); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	defs, err := sources.LoadDir(m.Config.CatalogDir)
	if err != nil {
		return nil, err
	}
	for _, def := range defs {
		if _, err := crawler.ParseSchedule(def.Schedule); err != nil {
			return nil, fmt.Errorf("%s: source %s: %w", m.Config.CatalogDir, def.ID, err)
		}
		if err := st.PutSource(ctx, def, "catalog"); err != nil {
			return nil, err
		}
	}
	return defs, nil
}

// newCrawler builds the crawler from the flags. extraAllowed are addresses Ensemble
// itself serves (the demo site), which the dial guard would otherwise refuse.
func (m *Main) newCrawler(a *app, extraAllowed ...string) (*crawler.Crawler, error) {
	delay := m.Config.CrawlDelay
	if delay == 0 {
		delay = -1 // crawler: negative means no pause; zero would mean its default
	}
	allow, err := crawler.ParseAllowList(strings.Join(append([]string{m.Config.AllowHosts}, extraAllowed...), ","))
	if err != nil {
		return nil, fmt.Errorf("--allow-hosts: %w", err)
	}
	return crawler.New(a, crawler.Options{
		UserAgent: m.Config.UserAgent, Delay: delay, Logger: m.Logger,
		AllowHosts: allow, Workers: m.Config.Workers, Gate: a.gate,
	}), nil
}

// gate lets the scheduler skip a paused source, one backing off after failures, or
// a partner's source not (or no longer) approved.
func (a *app) gate(ctx context.Context, source string) (bool, string) {
	if ok, err := a.store.SourceApproved(ctx, source); err == nil && !ok {
		return false, "waiting for review"
	}
	ok, reason, err := a.store.ShouldCrawl(ctx, source, time.Now())
	if err != nil {
		return true, "" // the crawl will meet the same store error and record it
	}
	return ok, reason
}

// Validators and SetValidators make the app the crawler's ValidatorStore, for
// conditional GETs.
func (a *app) Validators(ctx context.Context, source string) (crawler.Validators, error) {
	h, err := a.store.Health(ctx, source)
	return crawler.Validators{ETag: h.ETag, LastModified: h.LastModified, Definition: h.ValidatorsFor}, err
}

// SetValidators keeps the validators of source's latest fetched document.
func (a *app) SetValidators(ctx context.Context, source string, v crawler.Validators) error {
	return a.store.SetValidators(ctx, source, v.ETag, v.LastModified, v.Definition)
}

// listenLoopback listens on addr, which must be a loopback address: the demo site
// is never exposed to the network.
func listenLoopback(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("%s is not a loopback address", addr)
	}
	return net.Listen("tcp", addr)
}
