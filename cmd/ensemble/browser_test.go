package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/ensemble-be/ensemble/api"
)

// findChromium returns the system Chromium's path. Without one the browser tests
// skip locally and fail in CI (CI=true), where .ci/run installs it.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	const msg = "no Chromium on PATH: install the Debian package chromium (apt-get install chromium) to run the browser tests"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// artifactsDir is where screenshots go: $ENSEMBLE_ARTIFACTS, else
// testdata/screenshots (gitignored).
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("ENSEMBLE_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("testdata", "screenshots")
	}
	dir, err := filepath.Abs(dir)
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// newBrowser starts a headless Chromium that can reach loopback only: every host
// name resolves to nothing but 127.0.0.1, anything else would go through a proxy
// that does not exist, and the background services that phone home are off.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	// Not t.TempDir: Chromium's helper processes can still write to their profile
	// for a moment after the browser has exited, and t.TempDir's removal then fails
	// the test. This one is removed after the browser, with a few tries.
	profile, err := os.MkdirTemp("", "ensemble-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(findChromium(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1366, 900),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"),
		chromedp.ProxyServer("http://127.0.0.1:9"), // loopback bypasses proxies; nothing else gets out
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,CertificateTransparencyComponentUpdater"),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("dns-prefetch-disable", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc() // waits for the browser process
		for try := 0; ; try++ {
			err := os.RemoveAll(profile)
			if err == nil {
				return
			}
			if try == 20 {
				t.Logf("leaving the Chromium profile %s: %v", profile, err)
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	if err := chromedp.Run(ctx); err != nil { // starts the browser
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// TestBrowser drives a real Chromium through the pages served by `serve` over a real
// store and index, with the fixture partner sites crawled on loopback: search (with
// JavaScript off), filter, open a record, switch language, a keyboard-only path,
// report a problem end to end, and screenshots at phone and desktop widths.
//
//	go test ./cmd/ensemble -run TestBrowser -v
func TestBrowser(t *testing.T) {
	ctx := newBrowser(t)
	site := newPartnerSite(t)
	data := t.TempDir()
	catalog := filepath.Join(data, "catalog")
	writeCatalog(t, catalog, site.URL)
	t.Setenv("ENSEMBLE_ADMIN_TOKEN", testAdminToken)
	m, _ := runMain(t, "serve", "--data", data, "--catalog", catalog, "--addr", "127.0.0.1:0", "--crawl-delay", "0",
		"--allow-hosts", "127.0.0.1", "--log-level", "warn", "--rate-limit", "0")
	defer m.Close()
	base := "http://" + m.Config.Addr
	waitFirstCrawl(t, m, base)

	// Every request the browser makes must stay on loopback.
	var mu sync.Mutex
	var outside []string
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			u, err := url.Parse(e.Request.URL)
			if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Hostname() != "127.0.0.1" {
				mu.Lock()
				outside = append(outside, e.Request.URL)
				mu.Unlock()
			}
		}
	})
	run := func(t *testing.T, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			t.Fatal(err)
		}
	}
	text := func(t *testing.T, sel string) string {
		t.Helper()
		var s string
		run(t, chromedp.Text(sel, &s, chromedp.ByQuery))
		return s
	}
	location := func(t *testing.T) string {
		t.Helper()
		var s string
		run(t, chromedp.Location(&s))
		return s
	}

	// waitURL waits for the page at a URL containing want (after a navigation).
	waitURL := func(t *testing.T, want string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(location(t), want) {
			if time.Now().After(deadline) {
				t.Fatalf("the browser did not reach a URL with %q (at %s)", want, location(t))
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	t.Run("search without JavaScript", func(t *testing.T) {
		run(t, emulation.SetScriptExecutionDisabled(true),
			chromedp.Navigate(base+"/?lang=fr"),
			chromedp.WaitVisible("#q", chromedp.ByID),
			chromedp.SendKeys("#q", "groupe de parole", chromedp.ByID),
			chromedp.Submit("#q", chromedp.ByID))
		waitURL(t, "q=groupe")
		run(t, chromedp.WaitVisible(".hits", chromedp.ByQuery))
		if got := text(t, ".hits"); !strings.Contains(got, "Groupe de parole") {
			t.Errorf("results for 'groupe de parole': %q", got)
		}
		if u := location(t); !strings.Contains(u, "q=groupe+de+parole") {
			t.Errorf("the search is not in the URL: %s", u)
		}
		run(t, emulation.SetScriptExecutionDisabled(false))
	})

	t.Run("filter", func(t *testing.T) {
		run(t, chromedp.Navigate(base+"/?lang=en"),
			chromedp.WaitVisible("#q", chromedp.ByID),
			chromedp.Click("details.filters summary", chromedp.ByQuery),
			chromedp.WaitVisible("#kind", chromedp.ByID),
			chromedp.SetValue("#kind", "intervision", chromedp.ByID),
			chromedp.Click(".filters .actions button", chromedp.ByQuery))
		waitURL(t, "kind=intervision")
		run(t, chromedp.WaitVisible(".total", chromedp.ByQuery))
		if got := text(t, ".total"); !strings.HasPrefix(got, "1 ") {
			t.Errorf("kind=intervision: %q, want 1 group", got)
		}
		if got := text(t, ".hits"); !strings.Contains(got, "Intervision") {
			t.Errorf("kind=intervision shows %q", got)
		}
		if u := location(t); !strings.Contains(u, "kind=intervision") {
			t.Errorf("the filter is not in the URL: %s", u)
		}
	})

	t.Run("open a record and switch language", func(t *testing.T) {
		run(t, chromedp.Navigate(base+"/?q=parole&lang=fr"),
			chromedp.WaitVisible(".hits a", chromedp.ByQuery),
			chromedp.Click(".hits a", chromedp.ByQuery))
		waitURL(t, "/groups/")
		run(t, chromedp.WaitVisible("article.record h1", chromedp.ByQuery))
		if got := text(t, ".provenance"); !strings.Contains(got, "Source") || !strings.Contains(got, "Licence") {
			t.Errorf("no provenance on the record page: %q", got)
		}
		var ld string
		run(t, chromedp.Evaluate(`JSON.parse(document.querySelector('script[type="application/ld+json"]').textContent)["@type"]`, &ld))
		if ld != "Event" && ld != "Service" {
			t.Errorf("JSON-LD @type = %q", ld)
		}
		run(t, chromedp.Click(`a[hreflang="nl"]`, chromedp.ByQuery))
		waitURL(t, "lang=nl")
		run(t, chromedp.WaitVisible(`a[hreflang="nl"][aria-current]`, chromedp.ByQuery))
		var lang string
		run(t, chromedp.Evaluate(`document.documentElement.lang`, &lang))
		if u := location(t); lang != "nl" || !strings.Contains(u, "lang=nl") || !strings.Contains(u, "/groups/") {
			t.Errorf("after switching: lang %q at %s", lang, u)
		}
		if got := text(t, "#report-title"); got != "Een probleem melden" {
			t.Errorf("report heading in Dutch = %q", got)
		}
	})

	t.Run("keyboard only", func(t *testing.T) {
		run(t, chromedp.Navigate(base+"/?lang=en"), chromedp.WaitVisible("#q", chromedp.ByID))
		tabTo := func(t *testing.T, js string, max int) {
			t.Helper()
			for range max {
				var ok bool
				run(t, chromedp.KeyEvent(kb.Tab), chromedp.Evaluate(js, &ok))
				if ok {
					var outline string
					run(t, chromedp.Evaluate(`getComputedStyle(document.activeElement).outlineStyle`, &outline))
					if outline == "none" {
						t.Errorf("no visible focus on %s", js)
					}
					return
				}
			}
			t.Fatalf("%d Tabs did not reach %s", max, js)
		}
		tabTo(t, `!!document.activeElement && document.activeElement.id === "q"`, 20)
		run(t, chromedp.KeyEvent("intervision"), chromedp.KeyEvent(kb.Enter))
		waitURL(t, "q=intervision")
		run(t, chromedp.WaitVisible(".hits", chromedp.ByQuery))
		tabTo(t, `!!document.activeElement && document.activeElement.matches(".hits a")`, 40)
		run(t, chromedp.KeyEvent(kb.Enter))
		waitURL(t, "/groups/")
		run(t, chromedp.WaitVisible("article.record h1", chromedp.ByQuery))
		if got := text(t, "article.record h1"); !strings.Contains(got, "Intervision") {
			t.Errorf("Enter on the result opened %q", got)
		}
	})

	t.Run("report a problem", func(t *testing.T) {
		run(t, chromedp.Navigate(base+"/?q=intervision&lang=en"),
			chromedp.WaitVisible(".hits a", chromedp.ByQuery),
			chromedp.Click(".hits a", chromedp.ByQuery))
		waitURL(t, "/groups/")
		run(t, chromedp.WaitVisible("#report-title", chromedp.ByID))
		loaded := time.Now()
		run(t, chromedp.Click(`label[for="reason-wrong-details"]`, chromedp.ByQuery),
			chromedp.SendKeys("#report-text", "The room changed: it is now on the first floor.", chromedp.ByID))
		time.Sleep(time.Until(loaded.Add(3500 * time.Millisecond))) // the form's minimum time
		run(t, chromedp.Click(`#report button[type="submit"]`, chromedp.ByQuery))
		waitURL(t, "reported=1")
		run(t, chromedp.WaitVisible("#report-thanks", chromedp.ByID))
		if u := location(t); !strings.Contains(u, "reported=1") {
			t.Errorf("after the report: %s", u)
		}
		// Stored, counted, and visible to the admin through the partner API.
		var reports api.ReportsResponse
		req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/partner/admin/reports", nil)
		req.Header.Set("Authorization", "Bearer "+testAdminToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if err := decodeJSON(resp, &reports); err != nil || len(reports.Reports) != 1 {
			t.Fatalf("admin reports: %v, %+v", err, reports)
		}
		got := reports.Reports[0]
		if got.Reason != "wrong-details" || !strings.Contains(got.Text, "first floor") || reports.Counts[got.Record] != 1 || got.Source != "passerelles" {
			t.Errorf("stored report %+v, counts %v", got, reports.Counts)
		}
	})

	t.Run("screenshots", func(t *testing.T) {
		dir := artifactsDir(t)
		shots := []struct {
			name          string
			width, height int64
			mobile        bool
			path          string
		}{
			{"search-phone.png", 390, 844, true, "/?q=parole&lang=fr"},
			{"search-desktop.png", 1366, 900, false, "/?q=parole&kind=discussion-group&lang=fr"},
			{"record-phone.png", 390, 844, true, ""},
			{"record-desktop.png", 1366, 900, false, ""},
		}
		for _, s := range shots {
			path := s.path
			if path == "" {
				run(t, chromedp.Navigate(base+"/?q=deuil&lang=fr"), chromedp.WaitVisible(".hits a", chromedp.ByQuery))
				var href string
				run(t, chromedp.AttributeValue(".hits a", "href", &href, nil, chromedp.ByQuery))
				path = href
			}
			var buf []byte
			opts := []chromedp.EmulateViewportOption{}
			if s.mobile {
				opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
			}
			run(t, chromedp.EmulateViewport(s.width, s.height, opts...),
				chromedp.Navigate(base+path), chromedp.WaitVisible("main", chromedp.ByQuery),
				chromedp.FullScreenshot(&buf, 100))
			file := filepath.Join(dir, s.name)
			if err := os.WriteFile(file, buf, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot %dx%d: %s", s.width, s.height, file)
		}
	})

	mu.Lock()
	defer mu.Unlock()
	if len(outside) > 0 {
		t.Errorf("the browser tried to reach outside loopback: %v", outside)
	}
}

func decodeJSON(resp *http.Response, v any) error {
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}
