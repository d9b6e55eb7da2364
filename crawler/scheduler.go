package crawler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"runtime/debug"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/ensemble-be/ensemble/sources"
)

// Scheduler crawls each source on its schedule, in UTC, and on demand, through a
// pool of at most Options.Workers crawls at once: sources on different hosts in
// parallel, sources on one host (the host and port of their URL) one after the
// other. A source is never crawled twice at once, and disabled sources never. Stop
// cancels the crawls under way and waits for them.
type Scheduler struct {
	crawler *Crawler
	log     *slog.Logger
	cron    *cron.Cron
	workers int

	quit       context.Context // done once Stop is called
	cancelQuit context.CancelFunc

	mu       sync.Mutex
	defs     map[string]sources.Definition
	entries  map[string]cron.EntryID
	pending  map[string]bool // source ids queued or being crawled
	busy     map[string]bool // hosts being crawled
	active   int             // crawls under way
	queue    []*job          // crawls waiting for a worker or their host, in order
	started  bool
	stopped  bool
	jobCtx   context.Context // Start's ctx, also done on Stop
	crawling sync.WaitGroup  // crawls under way and RunNow calls
}

// job is one crawl asked for, queued until a worker and its host are free.
type job struct {
	def     sources.Definition
	host    string // hostKey of def.URL
	trigger string // "scheduled", "on demand"
	ctx     context.Context
	done    chan struct{} // closed when the crawl ended or was dropped from the queue
}

// NewScheduler returns a Scheduler of c's crawls, running at most c's
// Options.Workers at once. It runs nothing until Start or RunNow.
func NewScheduler(c *Crawler, logger *slog.Logger) *Scheduler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Scheduler{
		crawler: c,
		log:     logger,
		workers: c.opts.Workers,
		defs:    map[string]sources.Definition{},
		entries: map[string]cron.EntryID{},
		pending: map[string]bool{},
		busy:    map[string]bool{},
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
// crawls. It refuses an invalid definition or schedule (see ParseSchedule). A
// disabled definition is accepted as it is and never crawled: Set returns nil and
// unschedules the source.
func (s *Scheduler) Set(def sources.Definition) error {
	if def.Disabled {
		s.set(def, nil)
		return nil
	}
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

// set adds or replaces def, crawled on sched (never if nil).
func (s *Scheduler) set(def sources.Definition, sched cron.Schedule) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.entries[def.ID]; ok {
		s.cron.Remove(id)
		delete(s.entries, def.ID)
	}
	s.defs[def.ID] = def
	if sched == nil {
		return
	}
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

// Stop stops scheduling, drops the crawls waiting for a worker, cancels the crawls
// under way (scheduled or from RunNow) and returns when they have ended (each
// still saves its run).
func (s *Scheduler) Stop() {
	s.mu.Lock()
	s.stopped = true
	for _, j := range s.queue {
		s.dropLocked(j)
	}
	s.queue = nil
	s.mu.Unlock()
	s.cancelQuit()
	<-s.cron.Stop().Done()
	s.crawling.Wait()
}

// RunNow crawls the sources ids at once, through the worker pool, and returns when
// they are done. A source already being crawled or waiting to be is skipped, as are
// disabled sources and unknown ids. The crawls end early if ctx is cancelled or
// Stop is called.
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

	var jobs []*job
	for _, id := range ids {
		if j := s.enqueue(ctx, id, "on demand"); j != nil {
			jobs = append(jobs, j)
		}
	}
	for _, j := range jobs {
		s.wait(j)
	}
}

// scheduled is the cron job of source id. It returns when the crawl has ended, so
// that cron's SkipIfStillRunning skips the next firings meanwhile.
func (s *Scheduler) scheduled(id string) {
	s.mu.Lock()
	ctx := s.jobCtx
	s.mu.Unlock()
	if ctx == nil || ctx.Err() != nil {
		return
	}
	if j := s.enqueue(ctx, id, "scheduled"); j != nil {
		s.wait(j)
	}
}

// enqueue queues a crawl of source id, unless it is unknown, disabled, already
// queued or being crawled, or the scheduler has stopped (nil then).
func (s *Scheduler) enqueue(ctx context.Context, id, trigger string) *job {
	s.mu.Lock()
	defer s.mu.Unlock()
	def, known := s.defs[id]
	switch {
	case s.stopped || ctx.Err() != nil:
		return nil
	case !known:
		s.log.Warn("crawl skipped: unknown source", "source", id, "trigger", trigger)
		return nil
	case def.Disabled:
		s.log.Info("crawl skipped: source disabled", "source", id, "trigger", trigger)
		return nil
	case s.pending[id]:
		s.log.Info("crawl skipped: already queued or running", "source", id, "trigger", trigger)
		return nil
	}
	host := def.URL
	if u, err := url.Parse(def.URL); err == nil {
		host = hostKey(u)
	}
	j := &job{def: def, host: host, trigger: trigger, ctx: ctx, done: make(chan struct{})}
	s.pending[id] = true
	s.queue = append(s.queue, j)
	s.dispatchLocked()
	return j
}

// dispatchLocked starts the queued crawls it can, in order: while a worker is free,
// the first whose host is not being crawled. Crawls whose ctx is done are dropped.
func (s *Scheduler) dispatchLocked() {
	kept := s.queue[:0]
	for _, j := range s.queue {
		switch {
		case j.ctx.Err() != nil:
			s.dropLocked(j)
		case s.active < s.workers && !s.busy[j.host]:
			s.busy[j.host] = true
			s.active++
			s.crawling.Add(1)
			go s.run(j)
		default:
			kept = append(kept, j)
		}
	}
	clear(s.queue[len(kept):])
	s.queue = kept
}

// dropLocked ends j without crawling it.
func (s *Scheduler) dropLocked(j *job) {
	delete(s.pending, j.def.ID)
	close(j.done)
}

// wait returns when j has ended. If j's ctx is done first, j leaves the queue (if
// it is still waiting there).
func (s *Scheduler) wait(j *job) {
	select {
	case <-j.done:
		return
	case <-j.ctx.Done():
	}
	s.mu.Lock()
	for i, q := range s.queue {
		if q == j {
			s.queue = append(s.queue[:i], s.queue[i+1:]...)
			s.dropLocked(j)
			break
		}
	}
	s.mu.Unlock()
	<-j.done
}

// run crawls j on a worker, then frees the worker and its host for the next.
func (s *Scheduler) run(j *job) {
	defer func() {
		s.mu.Lock()
		delete(s.pending, j.def.ID)
		delete(s.busy, j.host)
		s.active--
		close(j.done)
		s.dispatchLocked()
		s.mu.Unlock()
		s.crawling.Done()
	}()
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("crawl panicked", "source", j.def.ID, "trigger", j.trigger,
				"error", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	if gate := s.crawler.opts.Gate; gate != nil {
		if ok, reason := gate(j.ctx, j.def.ID); !ok {
			s.log.Info("crawl skipped", "source", j.def.ID, "trigger", j.trigger, "reason", reason)
			return
		}
	}
	if _, err := s.crawler.Crawl(j.ctx, j.def); err != nil {
		s.log.Error("crawl failed", "source", j.def.ID, "trigger", j.trigger, "error", err)
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
