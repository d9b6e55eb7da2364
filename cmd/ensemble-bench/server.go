package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ensemble-be/ensemble/record"
)

// buildEnsemble builds ./cmd/ensemble of repo into dir and returns the binary's path.
func buildEnsemble(ctx context.Context, repo, dir string) (string, error) {
	bin := filepath.Join(dir, "ensemble")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/ensemble")
	cmd.Dir = repo
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/ensemble: %w", err)
	}
	return bin, nil
}

// server is a running `ensemble serve`.
type server struct {
	cmd  *exec.Cmd
	base string
	log  *os.File
}

// startServe runs `ensemble serve` on data, on a free loopback port, without the
// per-client rate limit, and waits until /readyz says the index has caught up.
// Today's (and tomorrow's) snapshot directories are made beforehand, so the daily
// snapshot the server writes a minute after starting does not run during the figures.
func startServe(ctx context.Context, bin, data, work string) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	dumps := filepath.Join(work, "dumps-placeholder")
	for _, d := range []time.Time{time.Now(), time.Now().Add(24 * time.Hour)} {
		if err := os.MkdirAll(filepath.Join(dumps, d.In(record.Brussels).Format(time.DateOnly)), 0o755); err != nil {
			return nil, err
		}
	}
	empty := filepath.Join(work, "no-sources")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(work, "serve.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", "--data", data, "--addr", addr, "--catalog", empty, "--dumps", dumps,
		"--rate-limit", "0", "--log-level", "warn")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	s := &server{cmd: cmd, base: "http://" + addr, log: logf}
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		resp, err := http.Get(s.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	s.stop()
	return nil, errors.New("ensemble serve not ready after 2 minutes (see serve.log)")
}

// stop sends SIGTERM, as Ctrl-C would, and waits.
func (s *server) stop() error {
	s.cmd.Process.Signal(syscall.SIGTERM)
	err := s.cmd.Wait()
	s.log.Close()
	return err
}

// rss reads a process's resident set (VmRSS) and its peak (VmHWM), in MiB.
func rss(pid int) (now, peak float64) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1, -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(fields[1], 64)
		switch fields[0] {
		case "VmRSS:":
			now = kb / 1024
		case "VmHWM:":
			peak = kb / 1024
		}
	}
	return now, peak
}

// httpSearch runs one query of the mix against the server. A "cursor=FOLLOW" query
// fetches the first page, then times the page its cursor points to.
func httpSearch(ctx context.Context, client *http.Client, base string, q benchQuery) (time.Duration, error) {
	query := q.Params
	if strings.Contains(query, "cursor=FOLLOW") {
		first := strings.Replace(query, "&cursor=FOLLOW", "", 1)
		body, _, err := get(ctx, client, base+"/api/v1/search?"+first)
		if err != nil {
			return 0, err
		}
		// The API's next_cursor (docs/api.md).
		var page struct {
			NextCursor string `json:"next_cursor"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			return 0, err
		}
		if page.NextCursor == "" {
			return 0, errors.New("no next_cursor in the first page")
		}
		query = first + "&cursor=" + url.QueryEscape(page.NextCursor)
	}
	_, took, err := get(ctx, client, base+"/api/v1/search?"+query)
	return took, err
}

// get fetches u and reads the whole body; a status other than 200 is an error
// carrying the start of the body (the problem's detail).
func get(ctx context.Context, client *http.Client, u string) ([]byte, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, 0, err
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if err != nil {
		return nil, 0, err
	}
	if resp.StatusCode != http.StatusOK {
		var problem struct {
			Detail string `json:"detail"`
		}
		json.Unmarshal(body, &problem)
		if problem.Detail == "" {
			problem.Detail = string(body[:min(len(body), 120)])
		}
		return nil, 0, fmt.Errorf("%d %s", resp.StatusCode, problem.Detail)
	}
	return body, took, nil
}

// timeCommand runs bin with args and returns its wall time and peak RSS (MiB). The
// peak is the child's VmHWM read every 20 ms while it runs (the last reading before
// it exits): getrusage's ru_maxrss would count this process too, since Linux keeps
// the parent's high-water mark across fork and exec.
func timeCommand(ctx context.Context, bin string, args ...string) (time.Duration, float64, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, -1, err
	}
	done := make(chan struct{})
	peak := make(chan float64, 1)
	go func() {
		high := -1.0
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			if _, hwm := rss(cmd.Process.Pid); hwm > high {
				high = hwm
			}
			select {
			case <-done:
				peak <- high
				return
			case <-tick.C:
			}
		}
	}()
	err := cmd.Wait()
	took := time.Since(start)
	close(done)
	return took, <-peak, err
}
