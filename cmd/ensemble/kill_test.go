package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ensemble-be/ensemble/store"
)

// TestMain lets a test run the program itself in a child process (to kill it).
func TestMain(m *testing.M) {
	if args := os.Getenv("ENSEMBLE_TEST_CHILD_ARGS"); args != "" {
		var list []string
		if err := json.Unmarshal([]byte(args), &list); err != nil {
			panic(err)
		}
		main := NewMain(os.Stdout, os.Stderr)
		if err := main.ParseFlags(list); err != nil {
			panic(err)
		}
		if err := main.Run(context.Background()); err != nil {
			panic(err)
		}
		select {} // serve until killed
	}
	os.Exit(m.Run())
}

// TestKillDuringCrawl SIGKILLs a serving process while it is in the middle of a
// crawl, then starts the program again on the same data: the store holds no half
// crawl and the index catches up with it.
func TestKillDuringCrawl(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	site := newPartnerSite(t)
	inPage2 := make(chan struct{}, 1)
	release := make(chan struct{})
	var once sync.Once
	releasePage2 := func() { once.Do(func() { close(release) }) }
	defer releasePage2()
	serve := site.Config.Handler
	site.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/agenda/page-2.html" {
			select {
			case inPage2 <- struct{}{}:
			default:
			}
			select { // hold the crawl of "passerelles" half way
			case <-release:
			case <-r.Context().Done():
			}
		}
		serve.ServeHTTP(w, r)
	})
	data := t.TempDir()
	catalog := filepath.Join(data, "catalog")
	writeCatalog(t, catalog, site.URL)
	args := []string{"serve", "--data", data, "--catalog", catalog, "--addr", "127.0.0.1:0", "--crawl-delay", "0", "--allow-hosts", "127.0.0.1", "--log-level", "warn", "--rate-limit", "0"}
	argsJSON, _ := json.Marshal(args)

	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), "ENSEMBLE_TEST_CHILD_ARGS="+string(argsJSON))
	child.Stderr = &testWriter{t: t}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-inPage2:
	case <-time.After(20 * time.Second):
		child.Process.Kill()
		t.Fatal("the child never reached page 2 of the agenda")
	}
	time.Sleep(100 * time.Millisecond) // let the other sources' crawls commit or not: either is fine
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	child.Wait()

	st, err := store.Open(context.Background(), filepath.Join(data, "ensemble.db"))
	if err != nil {
		t.Fatalf("store after kill -9: %v", err)
	}
	runs, _ := st.Runs(context.Background(), "passerelles", 10)
	seqAtKill, _ := st.LastSeq(context.Background())
	counts, _ := st.Counts(context.Background())
	st.Close()
	if len(runs) != 0 {
		t.Fatalf("the killed crawl left %d runs of passerelles, want none", len(runs))
	}
	t.Logf("after kill -9: store at change %d, records by status %v", seqAtKill, counts)

	releasePage2()
	// Start again (the site now answers at once): the index catches up before serving.
	m, _ := runMain(t, args...)
	defer m.Close()
	if got, _ := m.app.index.LastSeq(); got < seqAtKill {
		t.Errorf("index at change %d after start, store was at %d: no catch-up", got, seqAtKill)
	}
	waitFirstCrawl(t, m, "http://"+m.Config.Addr)
	if got := search(t, "http://"+m.Config.Addr, "per_page=100"); got.Total != 10 {
		t.Errorf("after restart and crawl: %d records, want 10", got.Total)
	}
}
