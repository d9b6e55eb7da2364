package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/sources"
)

func openTest(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ensemble.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

// listing builds a normalized record and its verbatim listing for source src.
func listing(t testing.TB, src, localID, title string) (record.Record, record.Listing) {
	t.Helper()
	l := record.Listing{LocalID: localID, Fields: map[string]string{
		record.FieldTitle: title, record.FieldPlace: "Maison de quartier, 1060 Saint-Gilles",
	}}
	rec, err := record.Normalize(record.Origin{Source: src, URL: "http://127.0.0.1/agenda/", Language: "fr"}, l, time.Now())
	if err != nil {
		t.Fatalf("Normalize(%q): %v", title, err)
	}
	return rec, l
}

// crawl builds a successful, complete crawl of src with the given local id → title pairs.
func crawl(t testing.TB, src string, titles map[string]string) record.Crawl {
	t.Helper()
	c := record.Crawl{Run: record.Run{Source: src, Status: record.RunOK, StartedAt: time.Now(), FinishedAt: time.Now()}, Complete: true}
	for id, title := range titles {
		rec, l := listing(t, src, id, title)
		c.Records = append(c.Records, rec)
		c.Verbatim = append(c.Verbatim, l)
	}
	c.Run.Found = len(c.Records)
	return c
}

func save(t *testing.T, s *Store, c record.Crawl) record.Run {
	t.Helper()
	run, err := s.SaveCrawl(context.Background(), c)
	if err != nil {
		t.Fatalf("SaveCrawl: %v", err)
	}
	return run
}

func status(t *testing.T, s *Store, src, localID string) record.Status {
	t.Helper()
	rec, err := s.Record(context.Background(), record.NewID(src, localID))
	if err != nil {
		t.Fatalf("Record(%s): %v", localID, err)
	}
	return rec.Status
}

func TestOpenTwiceMigratesOnce(t *testing.T) {
	s, path := openTest(t)
	s.Close()
	s2, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("second Open: %v", err)
	}
	defer s2.Close()
	files, _ := fs.Glob(migrations, "migrations/*.sql")
	var n int
	if err := s2.read.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(files) {
		t.Fatalf("schema_migrations rows = %d (%v), want %d", n, err, len(files))
	}
}

func TestLifecycle(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()

	run := save(t, s, crawl(t, "net", map[string]string{"a": "Groupe de parole", "b": "Intervision", "c": "Atelier d'écriture"}))
	if run.Inserted != 3 || run.ID == 0 {
		t.Fatalf("first crawl: inserted %d, id %d; want 3 inserted and an id", run.Inserted, run.ID)
	}
	first, _ := s.Record(ctx, record.NewID("net", "a"))
	seq1, _ := s.LastSeq(ctx)

	// Same listings, one changed: b updated, a and c unchanged.
	time.Sleep(5 * time.Millisecond)
	run = save(t, s, crawl(t, "net", map[string]string{"a": "Groupe de parole", "b": "Intervision mensuelle", "c": "Atelier d'écriture"}))
	if run.Updated != 1 || run.Unchanged != 2 || run.Inserted != 0 {
		t.Fatalf("second crawl = %+v, want 1 updated, 2 unchanged", run)
	}
	b, _ := s.Record(ctx, record.NewID("net", "b"))
	if b.Title != "Intervision mensuelle" {
		t.Errorf("updated title = %q", b.Title)
	}
	again, _ := s.Record(ctx, record.NewID("net", "a"))
	if !again.LastSeen.After(first.LastSeen) || !again.UpdatedAt.Equal(first.UpdatedAt) || !again.FirstSeen.Equal(first.FirstSeen) {
		t.Errorf("unchanged record: last_seen %v→%v, updated_at %v→%v; want only last_seen to move",
			first.LastSeen, again.LastSeen, first.UpdatedAt, again.UpdatedAt)
	}
	if seq2, _ := s.LastSeq(ctx); seq2 != seq1+1 {
		t.Errorf("seq after one update = %d, want %d", seq2, seq1+1)
	}

	// c disappears from a complete crawl: withdrawn, still stored.
	run = save(t, s, crawl(t, "net", map[string]string{"a": "Groupe de parole", "b": "Intervision mensuelle"}))
	if run.Withdrawn != 1 || status(t, s, "net", "c") != record.StatusWithdrawn {
		t.Fatalf("withdraw: run %+v, status %q", run, status(t, s, "net", "c"))
	}

	// An incomplete crawl that misses b withdraws nothing.
	partial := crawl(t, "net", map[string]string{"a": "Groupe de parole"})
	partial.Complete = false
	if run = save(t, s, partial); run.Withdrawn != 0 || status(t, s, "net", "b") != record.StatusActive {
		t.Fatalf("partial crawl withdrew: %+v", run)
	}

	// A failed crawl changes nothing but is recorded.
	before, _ := s.LastSeq(ctx)
	failed := crawl(t, "net", map[string]string{"x": "Nouveau"})
	failed.Run.Status, failed.Run.Error = record.RunFailed, "GET …: 503 Service Unavailable"
	run = save(t, s, failed)
	if after, _ := s.LastSeq(ctx); after != before || run.Inserted != 0 {
		t.Fatalf("failed crawl changed the store: seq %d→%d, run %+v", before, after, run)
	}
	if _, err := s.Record(ctx, record.NewID("net", "x")); err == nil {
		t.Errorf("failed crawl inserted a record")
	}

	// Zero listings where records were active: quarantined, nothing withdrawn.
	run = save(t, s, crawl(t, "net", map[string]string{}))
	if run.Status != record.RunQuarantined || status(t, s, "net", "a") != record.StatusActive {
		t.Fatalf("empty crawl: status %q, a is %q; want quarantined and active", run.Status, status(t, s, "net", "a"))
	}

	// c comes back: active again, same id.
	run = save(t, s, crawl(t, "net", map[string]string{"a": "Groupe de parole", "b": "Intervision mensuelle", "c": "Atelier d'écriture"}))
	if run.Updated != 1 || status(t, s, "net", "c") != record.StatusActive {
		t.Fatalf("reappearing listing: run %+v, status %q", run, status(t, s, "net", "c"))
	}

	runs, err := s.Runs(ctx, "net", 100)
	if err != nil || len(runs) != 7 {
		t.Fatalf("Runs = %d (%v), want 7", len(runs), err)
	}
	if runs[0].ID < runs[1].ID || runs[2].Error == "" && runs[2].Status == record.RunFailed {
		t.Errorf("runs not newest first: %d, %d", runs[0].ID, runs[1].ID)
	}
	if runs[2].Status != record.RunFailed || runs[2].Error == "" {
		t.Errorf("failed run stored as %q %q", runs[2].Status, runs[2].Error)
	}
}

func TestOtherSourcesUntouched(t *testing.T) {
	s, _ := openTest(t)
	save(t, s, crawl(t, "one", map[string]string{"a": "Groupe de parole"}))
	save(t, s, crawl(t, "two", map[string]string{"a": "Praatgroep"}))
	if status(t, s, "one", "a") != record.StatusActive {
		t.Fatalf("a crawl of source two withdrew a record of source one")
	}
}

func TestChangesReplayToCurrentState(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	save(t, s, crawl(t, "net", map[string]string{"a": "A", "b": "B", "c": "C"}))
	save(t, s, crawl(t, "net", map[string]string{"a": "A2", "b": "B"}))
	state := map[string]record.Status{}
	var last int64
	for {
		page, err := s.ChangesAfter(ctx, last, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, c := range page {
			if c.Seq <= last {
				t.Fatalf("seq %d after %d: not increasing", c.Seq, last)
			}
			last = c.Seq
			state[c.Record.ID] = c.Record.Status
		}
	}
	err := s.Snapshot(ctx, func(seq int64, recs iter.Seq2[record.Record, error]) error {
		if seq != last {
			t.Errorf("snapshot seq %d, last change %d", seq, last)
		}
		n := 0
		for rec, err := range recs {
			if err != nil {
				return err
			}
			n++
			if state[rec.ID] != rec.Status {
				t.Errorf("replayed %s as %q, store has %q", rec.Title, state[rec.ID], rec.Status)
			}
		}
		if n != len(state) {
			t.Errorf("snapshot has %d records, replay %d", n, len(state))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSources(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	def := sources.Definition{ID: "entrelacs", Name: "Réseau Entrelacs", URL: "http://127.0.0.1/agenda/", Kind: sources.KindHTML}
	if err := s.PutSource(ctx, def, "catalog"); err != nil {
		t.Fatal(err)
	}
	def.Name = "Réseau Entrelacs (Bruxelles)"
	if err := s.PutSource(ctx, def, "catalog"); err != nil {
		t.Fatal(err)
	}
	got, err := s.Source(ctx, "entrelacs")
	if err != nil || got.Definition.Name != def.Name {
		t.Fatalf("Source = %+v, %v; want name %q", got.Definition, err, def.Name)
	}
	if list, _ := s.Sources(ctx); len(list) != 1 {
		t.Errorf("Sources = %d, want 1", len(list))
	}
	if _, err := s.Source(ctx, "nope"); err == nil || !isNotFound(err) {
		t.Errorf("Source(nope) = %v, want ErrNotFound", err)
	}
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// TestKillMidCrawl kills (SIGKILL) a child process that saves large crawls in a loop,
// then checks that every crawl was applied whole or not at all.
func TestKillMidCrawl(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	path := filepath.Join(t.TempDir(), "ensemble.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrawlLoopChild$")
	cmd.Env = append(os.Environ(), "ENSEMBLE_CHILD_DB="+path)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Let it commit a few crawls, then kill it in the middle of one.
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(300 * time.Millisecond)
		if s, err := Open(context.Background(), path); err == nil {
			runs, _ := s.Runs(context.Background(), "big", 10)
			s.Close()
			if len(runs) >= 2 {
				break
			}
		}
	}
	time.Sleep(37 * time.Millisecond)
	cmd.Process.Kill()
	cmd.Wait()

	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer s.Close()
	var check string
	if err := s.read.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	runs, _ := s.Runs(context.Background(), "big", 1000)
	if len(runs) < 2 {
		t.Fatalf("child committed %d crawls before the kill, want ≥ 2", len(runs))
	}
	// Crawl g titles every listing "… g": all records carry the last committed generation.
	gens := map[string]int{}
	err = s.Snapshot(context.Background(), func(_ int64, recs iter.Seq2[record.Record, error]) error {
		for rec, err := range recs {
			if err != nil {
				return err
			}
			gens[rec.Title[len(rec.Title)-4:]]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(gens) != 1 {
		t.Fatalf("records from %d crawl generations %v: a crawl was half applied", len(gens), gens)
	}
	t.Logf("killed after %d committed crawls; records all from one crawl: %v", len(runs), gens)
}

// TestCrawlLoopChild is the child of TestKillMidCrawl; it does nothing otherwise.
func TestCrawlLoopChild(t *testing.T) {
	path := os.Getenv("ENSEMBLE_CHILD_DB")
	if path == "" {
		t.Skip("child process of TestKillMidCrawl")
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	for g := 1000; ; g++ {
		titles := map[string]string{}
		for i := range 3000 {
			titles[strconv.Itoa(i)] = fmt.Sprintf("Groupe de parole n°%d %d", i, g)
		}
		if _, err := s.SaveCrawl(context.Background(), crawl(t, "big", titles)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSnapshotManyAndStopEarly reads a snapshot of more records than one batch of the
// reader, in id order, and stops one early: the reader must let go (no goroutine
// left, the store usable).
func TestSnapshotManyAndStopEarly(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	titles := map[string]string{}
	for i := range 3*snapshotBatch + 7 {
		titles[fmt.Sprintf("l%04d", i)] = fmt.Sprintf("Groupe %d", i)
	}
	save(t, s, crawl(t, "net", titles))
	before := runtime.NumGoroutine()
	for _, stopAt := range []int{-1, 1, snapshotBatch + 3} {
		n, last := 0, ""
		err := s.Snapshot(ctx, func(_ int64, recs iter.Seq2[record.Record, error]) error {
			for rec, err := range recs {
				if err != nil {
					return err
				}
				if rec.ID <= last {
					t.Fatalf("snapshot out of id order: %s after %s", rec.ID, last)
				}
				last = rec.ID
				if n++; n == stopAt {
					break
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := len(titles); stopAt < 0 && n != want {
			t.Errorf("snapshot read %d records, want %d", n, want)
		}
		if stopAt > 0 && n != stopAt {
			t.Errorf("stopped at %d, want %d", n, stopAt)
		}
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after the snapshots, %d before", n, before)
	}
	if _, err := s.Record(ctx, record.NewID("net", "l0001")); err != nil {
		t.Errorf("store after snapshots: %v", err)
	}
}

// TestStoredFingerprint checks the fingerprint the store computes from the content
// it writes is record.Fingerprint: renormalize and status changes compare the two.
func TestStoredFingerprint(t *testing.T) {
	s, _ := openTest(t)
	c := crawl(t, "net", map[string]string{"a": "Groupe de parole", "b": "Atelier"})
	save(t, s, c)
	for _, rec := range c.Records {
		var fp string
		if err := s.read.QueryRow(`SELECT fingerprint FROM records WHERE id = ?`, rec.ID).Scan(&fp); err != nil {
			t.Fatal(err)
		}
		rec.Status = record.StatusActive
		if want := rec.Fingerprint(); fp != want {
			t.Errorf("%s: stored fingerprint %s, record.Fingerprint %s", rec.Title, fp, want)
		}
	}
}
