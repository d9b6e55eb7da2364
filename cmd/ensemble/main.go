// Command ensemble runs Ensemble: it crawls partner sources into the store, keeps the
// search index in step with it, and serves the search API and open dumps.
//
//	ensemble serve [--demo]                 crawl on schedule and serve the API
//	ensemble crawl [--source ID]            crawl once, print a summary
//	ensemble reindex                        rebuild the index from the store
//	ensemble renormalize [--source ID]      normalize the stored listings again
//	ensemble dump --format jsonl|csv|excel-csv|hsds [--out FILE|DIR|-]
//	ensemble sources list | validate FILE... | resume ID | approve-run RUN | approve ID | reject ID | catalog [export DIR]
//	ensemble partners add NAME --email E | list | revoke ID
//
// Every flag has an environment fallback (ENSEMBLE_DATA, ENSEMBLE_ADDR, ...).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ensemble-be/ensemble/crawler"
	"github.com/ensemble-be/ensemble/sources"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := NewMain(os.Stdout, os.Stderr)
	err := m.ParseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err == nil {
		err = m.Run(ctx)
	}
	if err == nil && m.Command == "serve" {
		<-ctx.Done()
		m.Logger.Info("shutting down")
	}
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	if err == nil && m.Command == "serve" {
		m.Logger.Info("stopped: crawls cancelled, index and store closed")
	}
	if err != nil {
		fmt.Fprintln(m.Stderr, "ensemble:", err)
		os.Exit(1)
	}
}

// Config is everything the flags and environment decide.
type Config struct {
	DataDir    string        // --data, ENSEMBLE_DATA: the store and the index live here
	Addr       string        // --addr, ENSEMBLE_ADDR: where serve listens
	CatalogDir string        // --catalog, ENSEMBLE_CATALOG: source definitions read at start
	Demo       bool          // --demo: serve the bundled fictional partner site and crawl it
	DemoAddr   string        // --demo-addr, ENSEMBLE_DEMO_ADDR: where the demo site listens
	CrawlDelay time.Duration // --crawl-delay, ENSEMBLE_CRAWL_DELAY: pause between requests to a host
	UserAgent  string        // --user-agent, ENSEMBLE_USER_AGENT
	AllowHosts string        // --allow-hosts, ENSEMBLE_ALLOW_HOSTS: private/loopback hosts the crawler may reach
	Workers    int           // --workers, ENSEMBLE_WORKERS: crawls at once (different hosts)
	LogLevel   string        // --log-level, ENSEMBLE_LOG_LEVEL: debug, info, warn, error
	Source     string        // crawl and renormalize --source
	Format     string        // dump --format ("" = a dated snapshot of every format)
	Out        string        // dump --out
	DumpsDir   string        // --dumps, ENSEMBLE_DUMPS: where dated snapshots go (default DATA/dumps)
	KeepDumps  int           // --keep-dumps, ENSEMBLE_KEEP_DUMPS: snapshots kept (0 = all)
	Email      string        // partners add --email
	AdminToken string        // ENSEMBLE_ADMIN_TOKEN (no flag: flags show in ps): approves partners' sources over the API
	// PartnerRate and PartnerBurst (--partner-rate, --partner-burst) limit each
	// partner token's requests a second; CrawlEvery (--partner-crawl-every) spaces the
	// crawls a partner asks of one source. 0: no limit.
	PartnerRate  int
	PartnerBurst int
	CrawlEvery   time.Duration
	// RateLimit and RateBurst (--rate-limit, --rate-burst) limit each client IP's
	// requests a second to the public API. 0: no limit.
	RateLimit float64
	RateBurst int
	Args      []string // what follows the subcommand's flags
}

// Main is one run of the program. A test can build one, run `serve` on :0 in a
// temporary directory and talk to it.
type Main struct {
	Config  Config
	Command string
	Stdout  io.Writer
	Stderr  io.Writer
	Logger  *slog.Logger

	app *app // what Run opened; Close releases it
}

// NewMain returns a Main writing to stdout and stderr.
func NewMain(stdout, stderr io.Writer) *Main {
	return &Main{Stdout: stdout, Stderr: stderr}
}

const usage = `usage: ensemble <command> [flags]

commands:
  serve [--demo]                        crawl on schedule and serve the API
  crawl [--source ID]                   crawl once (all sources, or one) and print a summary
  reindex                               rebuild the search index from the store
  renormalize [--source ID]             normalize the stored listings again, without fetching
  dump                                  write today's dated snapshot (every format, SHA256SUMS, CITATION.cff)
  dump --format jsonl|csv|excel-csv|hsds [--out FILE|DIR]
                                        write every openly licensed record in one format (stdout with --out -)
  sources list                          list the sources in the store and the catalog
  sources validate FILE...              check source definition files
  sources resume ID                     crawl a paused source again
  sources approve-run RUN               apply the crawl a quarantined run held back
  sources approve ID | reject ID        review a partner's source (pending ones are not crawled)
  sources catalog [export DIR]          the known Belgian sources (unverified, disabled); export copies them
  partners add NAME --email E           register a partner and print its API token (once)
  partners list | revoke ID             list partners; make a partner's token stop working

Run 'ensemble <command> -h' for the flags of a command.
`

// ParseFlags reads the subcommand and its flags, with environment fallbacks.
func (m *Main) ParseFlags(args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(m.Stderr, usage)
		if len(args) == 0 {
			return errors.New("no command given")
		}
		return flag.ErrHelp
	}
	m.Command = args[0]
	fs := flag.NewFlagSet("ensemble "+m.Command, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	c := &m.Config
	fs.StringVar(&c.DataDir, "data", env("ENSEMBLE_DATA", "data"), "data directory (store and index) [ENSEMBLE_DATA]")
	fs.StringVar(&c.CatalogDir, "catalog", env("ENSEMBLE_CATALOG", ""), "directory of source definitions (.yaml, .json) [ENSEMBLE_CATALOG] (default DATA/sources)")
	fs.StringVar(&c.DumpsDir, "dumps", env("ENSEMBLE_DUMPS", ""), "directory of dated snapshots [ENSEMBLE_DUMPS] (default DATA/dumps)")
	fs.IntVar(&c.KeepDumps, "keep-dumps", envInt("ENSEMBLE_KEEP_DUMPS", 30), "snapshots kept, newest first; 0 keeps all [ENSEMBLE_KEEP_DUMPS]")
	fs.StringVar(&c.LogLevel, "log-level", env("ENSEMBLE_LOG_LEVEL", "info"), "debug, info, warn or error [ENSEMBLE_LOG_LEVEL]")
	crawlFlags := func() {
		fs.DurationVar(&c.CrawlDelay, "crawl-delay", envDuration("ENSEMBLE_CRAWL_DELAY", time.Second), "pause between requests to one host [ENSEMBLE_CRAWL_DELAY]")
		fs.StringVar(&c.UserAgent, "user-agent", env("ENSEMBLE_USER_AGENT", ""), "User-Agent of the crawler [ENSEMBLE_USER_AGENT]")
		fs.StringVar(&c.AllowHosts, "allow-hosts", env("ENSEMBLE_ALLOW_HOSTS", ""),
			"hosts, IPs or CIDRs the crawler may reach although they are loopback or private, comma-separated [ENSEMBLE_ALLOW_HOSTS]")
		fs.IntVar(&c.Workers, "workers", envInt("ENSEMBLE_WORKERS", crawler.DefaultWorkers), "crawls at once, each on its own host [ENSEMBLE_WORKERS]")
	}
	switch m.Command {
	case "serve":
		fs.StringVar(&c.Addr, "addr", env("ENSEMBLE_ADDR", "127.0.0.1:8080"), "address to serve the API on [ENSEMBLE_ADDR]")
		fs.BoolVar(&c.Demo, "demo", false, "serve the bundled fictional partner site and crawl it")
		fs.StringVar(&c.DemoAddr, "demo-addr", env("ENSEMBLE_DEMO_ADDR", "127.0.0.1:8089"), "loopback address of the demo site [ENSEMBLE_DEMO_ADDR]")
		crawlFlags()
		c.AdminToken = env("ENSEMBLE_ADMIN_TOKEN", "")
		fs.IntVar(&c.PartnerRate, "partner-rate", envInt("ENSEMBLE_PARTNER_RATE", 10), "partner API requests a second per token; 0: no limit [ENSEMBLE_PARTNER_RATE]")
		fs.IntVar(&c.PartnerBurst, "partner-burst", envInt("ENSEMBLE_PARTNER_BURST", 20), "partner API requests at once per token [ENSEMBLE_PARTNER_BURST]")
		fs.Float64Var(&c.RateLimit, "rate-limit", envFloat("ENSEMBLE_RATE_LIMIT", 20), "public API requests a second per client IP; 0: no limit [ENSEMBLE_RATE_LIMIT]")
		fs.IntVar(&c.RateBurst, "rate-burst", envInt("ENSEMBLE_RATE_BURST", 40), "public API requests at once per client IP [ENSEMBLE_RATE_BURST]")
		fs.DurationVar(&c.CrawlEvery, "partner-crawl-every", envDuration("ENSEMBLE_PARTNER_CRAWL_EVERY", time.Minute),
			"least time between crawls of one source asked through the partner API; 0: no limit [ENSEMBLE_PARTNER_CRAWL_EVERY]")
	case "crawl":
		fs.StringVar(&c.Source, "source", "", "crawl only this source id")
		crawlFlags()
	case "reindex":
	case "renormalize":
		fs.StringVar(&c.Source, "source", "", "only this source id")
	case "dump":
		fs.StringVar(&c.Format, "format", "", "jsonl, csv, excel-csv (BOM, ';', formulas neutralized) or hsds (an HSDS 3.0 tabular package; --out is a directory); none: today's dated snapshot of every format in --dumps")
		fs.StringVar(&c.Out, "out", "-", "file to write (gzipped if it ends in .gz), or - for stdout; a directory for hsds")
	case "sources":
	case "partners":
		fs.StringVar(&c.Email, "email", "", "partners add: the partner's contact address")
	default:
		fmt.Fprint(m.Stderr, usage)
		return fmt.Errorf("unknown command %q", m.Command)
	}
	rest := args[1:]
	var action []string // "sources resume ID --data X": the action and its operands come before the flags
	for (m.Command == "sources" || m.Command == "partners") && len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		action, rest = append(action, rest[0]), rest[1:]
	}
	if err := fs.Parse(rest); err != nil {
		return err
	}
	c.Args = append(action, fs.Args()...)
	if c.CatalogDir == "" {
		c.CatalogDir = filepath.Join(c.DataDir, "sources")
	}
	if c.DumpsDir == "" {
		c.DumpsDir = filepath.Join(c.DataDir, "dumps")
	}
	if m.Command == "dump" && c.Format != "" && !slices.Contains([]string{"jsonl", "csv", "excel-csv", "hsds"}, c.Format) {
		return fmt.Errorf("dump: --format %q: want jsonl, csv, excel-csv or hsds", c.Format)
	}
	if m.Command == "dump" && c.Format == "" && c.Out != "-" {
		return errors.New("dump: --out needs a --format; without one, dump writes today's snapshot into --dumps")
	}
	if m.Command == "dump" && c.Format == "hsds" && c.Out == "-" {
		return errors.New("dump: --format hsds writes a directory: give it with --out DIR")
	}
	if m.Command == "sources" {
		if len(c.Args) == 0 || !slices.Contains([]string{"list", "validate", "resume", "approve-run", "approve", "reject", "catalog"}, c.Args[0]) {
			return errors.New("sources: want 'sources list', 'sources validate FILE...', 'sources resume ID', 'sources approve-run RUN', 'sources approve ID', 'sources reject ID' or 'sources catalog [export DIR]'")
		}
		if slices.Contains([]string{"resume", "approve-run", "approve", "reject"}, c.Args[0]) && len(c.Args) != 2 {
			what := map[string]string{"resume": "source id", "approve-run": "run id", "approve": "source id", "reject": "source id"}
			return fmt.Errorf("sources %s: name one %s", c.Args[0], what[c.Args[0]])
		}
	}
	if m.Command == "partners" {
		if len(c.Args) == 0 || !slices.Contains([]string{"add", "list", "revoke"}, c.Args[0]) {
			return errors.New("partners: want 'partners add NAME --email E', 'partners list' or 'partners revoke ID'")
		}
		if c.Args[0] != "list" && len(c.Args) != 2 {
			return fmt.Errorf("partners %s: name one %s", c.Args[0], map[string]string{"add": "partner", "revoke": "partner id"}[c.Args[0]])
		}
		if c.Args[0] == "add" && !strings.Contains(c.Email, "@") {
			return errors.New("partners add: --email is required (the partner's contact address)")
		}
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return fmt.Errorf("--log-level %q: want debug, info, warn or error", c.LogLevel)
	}
	if m.Logger == nil {
		m.Logger = slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: level}))
	}
	return nil
}

// Run runs the command. For serve it starts everything and returns; Close stops it.
func (m *Main) Run(ctx context.Context) error {
	switch m.Command {
	case "serve":
		return m.serve(ctx)
	case "crawl":
		return m.crawl(ctx)
	case "reindex":
		return m.reindex(ctx)
	case "renormalize":
		return m.renormalize(ctx)
	case "dump":
		return m.dump(ctx)
	case "sources":
		switch m.Config.Args[0] {
		case "validate":
			return m.validateSources(m.Config.Args[1:])
		case "resume":
			return m.resumeSource(ctx, m.Config.Args[1])
		case "approve-run":
			return m.approveRun(ctx, m.Config.Args[1])
		case "approve":
			return m.reviewSource(ctx, m.Config.Args[1], sources.StateApproved)
		case "reject":
			return m.reviewSource(ctx, m.Config.Args[1], sources.StateRejected)
		case "catalog":
			return m.catalog(m.Config.Args[1:])
		}
		return m.listSources(ctx)
	case "partners":
		return m.partners(ctx, m.Config.Args)
	}
	return fmt.Errorf("unknown command %q", m.Command)
}

// Close stops what Run started, in order: the HTTP server, the crawls, the index
// follower, then the index and the store.
func (m *Main) Close() error {
	if m.app == nil {
		return nil
	}
	err := m.app.close()
	m.app = nil
	return err
}

func env(name, def string) string {
	if v := strings.TrimSpace(os.Getenv(name)); v != "" {
		return v
	}
	return def
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return n
	}
	return def
}

func envFloat(name string, def float64) float64 {
	if f, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil {
		return f
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(name)); err == nil {
		return d
	}
	return def
}
