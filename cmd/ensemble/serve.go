package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/ensemble-be/ensemble/cmd/internal/wire"
	"net"
	"net/http"
	"time"

	"github.com/ensemble-be/ensemble/api"
	"github.com/ensemble-be/ensemble/crawler"
	"github.com/ensemble-be/ensemble/opendata"
	"github.com/ensemble-be/ensemble/sources"
	"github.com/ensemble-be/ensemble/sources/demo"
	"github.com/ensemble-be/ensemble/web"
)

// serve opens the store and the index, catches the index up, registers the catalog
// (and the demo) sources, starts their schedules, crawls them once and serves the API.
// It returns once everything is started; Close stops it.
func (m *Main) serve(ctx context.Context) error {
	a, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	if a.index, err = m.openIndex(ctx, a); err != nil {
		return err
	}
	if n, err := a.catchUp(ctx); err != nil {
		return fmt.Errorf("index catch-up: %w", err)
	} else if n > 0 {
		m.Logger.Info("index caught up with the store", "changes", n)
	}

	defs, err := m.loadCatalog(ctx, a.store)
	if err != nil {
		return err
	}
	partnerDefs, err := a.approvedPartnerSources(ctx)
	if err != nil {
		return err
	}
	defs = append(defs, partnerDefs...)
	var ownHosts []string // what Ensemble serves itself, which the crawler may reach
	if m.Config.Demo {
		demoDefs, demoAddr, err := m.startDemo(ctx)
		if err != nil {
			return err
		}
		defs = append(defs, demoDefs...)
		ownHosts = append(ownHosts, demoAddr)
	}

	bg, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	c, err := m.newCrawler(a, ownHosts...)
	if err != nil {
		return err
	}
	allow, err := crawler.ParseAllowList(m.Config.AllowHosts)
	if err != nil {
		return fmt.Errorf("--allow-hosts: %w", err)
	}
	a.hooks = newWebhooks(bg, allow)
	a.metrics = api.NewMetrics()
	a.scheduler = crawler.NewScheduler(c, m.Logger)
	ids := make([]string, 0, len(defs))
	for _, def := range defs {
		if err := a.scheduler.Set(def); err != nil {
			return err
		}
		ids = append(ids, def.ID)
	}
	a.scheduler.Start(bg)
	a.wg.Go(func() { a.followChanges(bg) })
	a.wg.Go(func() { every(bg, 0, time.Hour, a.markStale) })
	a.wg.Go(func() { every(bg, time.Minute, time.Hour, func(ctx context.Context) { m.snapshotDaily(ctx, a) }) })
	a.wg.Go(func() { every(bg, 30*time.Second, 30*time.Second, a.syncPartnerSources) })
	a.wg.Go(func() { a.scheduler.RunNow(bg, ids...) }) // a first crawl at once

	search := wire.Searcher{Index: a.index}
	site := web.New(web.Options{Store: a.store, Searcher: search, Reports: a.store, Logger: m.Logger})
	srv := api.New(api.Options{Store: a.store, Searcher: search, Highlighter: search, Suggester: search, Logger: m.Logger, Version: version, Site: site, PageURL: web.RecordPath,
		NextRun: func(def sources.Definition) time.Time {
			sched, err := crawler.ParseSchedule(def.Schedule)
			if err != nil {
				return time.Time{}
			}
			return sched.Next(time.Now())
		}, DumpsDir: m.Config.DumpsDir,
		Partners: a.store, Crawls: partnerCrawls{a: a, c: c}, AdminToken: m.Config.AdminToken,
		PartnerRate: float64(m.Config.PartnerRate), PartnerBurst: m.Config.PartnerBurst, CrawlEvery: m.Config.CrawlEvery,
		ClientRate: m.Config.RateLimit, ClientBurst: m.Config.RateBurst, Metrics: a.metrics, Readiness: a.readiness})
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	a.http = srv.HTTPServer(ln.Addr().String())
	go func() {
		if err := a.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Logger.Error("http server stopped", "error", err)
		}
	}()
	m.Config.Addr = ln.Addr().String()
	m.Logger.Info("serving", "addr", "http://"+m.Config.Addr, "sources", len(defs), "data", m.Config.DataDir,
		"try", "curl 'http://"+m.Config.Addr+"/api/v1/search?q=groupe+de+parole'")
	return nil
}

// startDemo serves the bundled fictional partner site on a loopback port and
// registers its sources.
func (m *Main) startDemo(ctx context.Context) ([]sources.Definition, string, error) {
	ln, err := listenLoopback(m.Config.DemoAddr)
	if err != nil {
		return nil, "", fmt.Errorf("demo site: %w", err)
	}
	a := m.app
	a.demo = &http.Server{Handler: demo.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go a.demo.Serve(ln)
	base := "http://" + ln.Addr().String()
	defs := demo.Definitions(base)
	for _, def := range defs {
		if err := a.store.PutSource(ctx, def, "demo"); err != nil {
			return nil, "", err
		}
	}
	m.Logger.Info("demo partner site", "url", base+"/", "sources", len(defs))
	return defs, ln.Addr().String(), nil
}

// snapshotDaily writes the day's snapshot if it has none yet (run hourly, the first
// time a minute after start so that the first crawls land first).
func (m *Main) snapshotDaily(ctx context.Context, a *app) {
	dir, err := m.snapshot(ctx, a, time.Now())
	switch {
	case errors.Is(err, opendata.ErrSnapshotExists):
	case err != nil && ctx.Err() == nil:
		m.Logger.Error("daily snapshot failed", "error", err)
	case err == nil:
		m.Logger.Info("daily snapshot written", "dir", dir)
	}
}
