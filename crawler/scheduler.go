package crawler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/ensemble-be/ensemble/sources"
)

// runNowWorkers is how many sources RunNow crawls at once.
const runNowWorkers = 2

// Scheduler crawls each source on its schedule, in UTC, and on demand. A source is
// never crawled twice at once. Stop cancels the crawls under way and waits for them.
type Scheduler struct {
	crawler *Crawler
	log     *slog.Logger
	cron    *cron.Cron

	quit       context.Context // done once Stop is called
	cancelQuit context.CancelFunc

	mu       sync.Mutex
	defs     map[string]sources.Definition
	entries  map[string]cron.EntryID
	running  map[string]bool // source ids being crawled
	started  bool
	stopped  bool
	jobCtx   context.Context // Start's ctx, also done on Stop
	crawling sync.WaitGroup  // scheduled crawls and RunNow calls under way
}

// NewScheduler returns a Scheduler of c's crawls. It runs nothing until Start.
func NewScheduler(c *Crawler, logger *slog.Logger) *Scheduler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Scheduler{
		crawler: c,
		log:     logger,
		defs:    map[string]sources.Definition{},
		entries: map[string]cron.EntryID{},
		running: map[string]bool{},
	}
	s.quit, s.cancelQuit = context.WithCancel(context.Background())
	cl := cronLogger{logger}
	s.cron = cron.New(
		cron.WithLocation(time.UTC), // local time skips or repeats jobs around DST
		cron.WithLogger(cl),
		// SkipIfStillRunning first: with Recover first, a job that panicked once
		// would hold SkipIfStillRunning's token and never run again.
		cron.WithChain(cron.SkipIfStillRunning(cl), cron.Recover(cl)),
	)
	return s
}

// Set adds the source def, or replaces the one with its id, and schedules its
// crawls. It refuses an invalid definition or schedule (see ParseSchedule).
func (s *Scheduler) Set(def sources.Definition) error {
	if err := def.Validate(); err != nil {
		return fmt.Errorf("schedule source %q: %w", def.ID, err)
	}
	sched, err := ParseSchedule(def.Schedule)
	if err != nil {
		return fmt.Errorf("schedule source %q: %w", def.ID, err)
	}
	s.set(def, sched)
	return nil
}

// set adds or replaces def, crawled on sched.
func (s *Scheduler) set(def sources.Definition, sched cron.Schedule) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.entries[def.ID]; ok {
		s.cron.Remove(id)
		delete(s.entries, def.ID)
	}
	s.defs[def.ID] = def
	id := def.ID
	s.entries[id] = s.cron.Schedule(sched, cron.FuncJob(func() { s.scheduled(id) }))
}

// Remove forgets the source id; a crawl of it under way goes on.
func (s *Scheduler) Remove(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if entry, ok := s.entries[id]; ok {
		s.cron.Remove(entry)
		delete(s.entries, id)
	}
	delete(s.defs, id)
}

// Start starts crawling on schedule. Scheduled crawls run with ctx (and end when it
// is cancelled or Stop is called). Start after Start or Stop does nothing.
func (s *Scheduler) Start(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started || s.stopped {
		return
	}
	s.started = true
	jobCtx, cancel := context.WithCancel(ctx)
	context.AfterFunc(s.quit, cancel)
	s.jobCtx = jobCtx
	s.cron.Start()
}

// Stop stops scheduling, cancels the crawls under way (scheduled or from RunNow)
// and returns when they have ended (each still saves its run).
func (s *Scheduler) Stop() {
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
	s.cancelQuit()
	<-s.cron.Stop().Done()
	s.crawling.Wait()
}

// RunNow crawls the sources ids at once, two at a time, and returns when they are
// done. A source already being crawled is skipped, as are unknown ids. The crawls
// end early if ctx is cancelled or Stop is called.
func (s *Scheduler) RunNow(ctx context.Context, ids ...string) {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return
	}
	s.crawling.Add(1) // Stop waits for RunNow to return
	s.mu.Unlock()
	defer s.crawling.Done()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(s.quit, cancel)()

	queue := make(chan string)
	var workers sync.WaitGroup
	for range min(runNowWorkers, len(ids)) {
		workers.Go(func() {
			for id := range queue {
				s.crawl(ctx, id, "on demand")
			}
		})
	}
feed:
	for _, id := range ids {
		select {
		case queue <- id:
		case <-ctx.Done():
			break feed
		}
	}
	close(queue)
	workers.Wait()
}

// scheduled is the cron job of source id.
func (s *Scheduler) scheduled(id string) {
	s.mu.Lock()
	ctx := s.jobCtx
	s.mu.Unlock()
	if ctx == nil || ctx.Err() != nil {
		return
	}
	s.crawl(ctx, id, "scheduled")
}

// crawl crawls source id unless it is unknown, already being crawled, or the
// scheduler has stopped.
func (s *Scheduler) crawl(ctx context.Context, id, trigger string) {
	s.mu.Lock()
	def, known := s.defs[id]
	switch {
	case s.stopped || ctx.Err() != nil:
		s.mu.Unlock()
		return
	case !known:
		s.mu.Unlock()
		s.log.Warn("crawl skipped: unknown source", "source", id, "trigger", trigger)
		return
	case s.running[id]:
		s.mu.Unlock()
		s.log.Info("crawl skipped: already running", "source", id, "trigger", trigger)
		return
	}
	s.running[id] = true
	s.crawling.Add(1)
	s.mu.Unlock()

	defer func() {
		s.mu.Lock()
		delete(s.running, id)
		s.mu.Unlock()
		s.crawling.Done()
	}()
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("crawl panicked", "source", id, "trigger", trigger,
				"error", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	if _, err := s.crawler.Crawl(ctx, def); err != nil {
		s.log.Error("crawl failed", "source", id, "trigger", trigger, "error", err)
	}
}

// cronLogger writes cron's messages to slog: routine ones at debug level.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, keysAndValues ...any) {
	l.log.Debug("cron "+msg, keysAndValues...)
}

func (l cronLogger) Error(err error, msg string, keysAndValues ...any) {
	if err == nil {
		err = errors.New("unknown")
	}
	l.log.Error("cron "+msg, append([]any{"error", err}, keysAndValues...)...)
}
