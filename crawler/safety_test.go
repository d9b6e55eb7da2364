package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/sources"
)

// Adversarial sites, all on 127.0.0.1: each must give a failed run with a clear
// error (or an ok run), promptly, without records from a failed run, and without
// taking the process down.

// serve starts handler on 127.0.0.1.
func serve(t testing.TB, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

// pages answers robots.txt with robots (404 if ""), and every other path with page.
func pages(robots string, page http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			if robots == "" {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/plain")
			w.Write([]byte(robots))
			return
		}
		page(w, r)
	}
}

// stream writes n bytes of filler, in chunks, until n or a write error.
func stream(w http.ResponseWriter, n int) {
	chunk := bytes.Repeat([]byte("<p>filler</p>\n"), 4096)
	for n > 0 {
		c := chunk[:min(n, len(chunk))]
		if _, err := w.Write(c); err != nil {
			return
		}
		n -= len(c)
	}
}

// drip writes one byte a second until the client goes away.
func drip(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusOK)
	for {
		w.Write([]byte("<"))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
			return
		case <-time.After(time.Second):
		}
	}
}

// gzipped returns a gzip stream of b repeated n times: n gzip members of b, one
// after the other, which a gzip reader reads as one stream (compressing the whole
// is slow under the race detector).
func gzipped(t testing.TB, b []byte, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.Repeat(buf.Bytes(), n)
}

const fiftyMB = 50 << 20

func TestFetchAdversarial(t *testing.T) {
	bomb := gzipped(t, make([]byte, 1<<20), 50) // 50 MB of zeros
	robotsBomb := gzipped(t, bytes.Repeat([]byte("# padding\n"), 1<<16), 80)
	if len(bomb) > 100<<10 {
		t.Fatalf("gzip bomb is %d bytes, want a small one", len(bomb))
	}
	tests := []struct {
		name    string
		handler http.HandlerFunc
		opts    func(*Options)
		wantErr string // "" for an ok run
		within  time.Duration
	}{{
		name: "50 MB body streamed",
		handler: pages("", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			stream(w, fiftyMB)
		}),
		wantErr: "body over 10485760 bytes",
		within:  10 * time.Second,
	}, {
		name: "50 MB body declared",
		handler: pages("", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Length", fmt.Sprint(fiftyMB))
			stream(w, fiftyMB)
		}),
		wantErr: "body over 10485760 bytes (Content-Length 52428800)",
		within:  5 * time.Second,
	}, {
		name: "over a smaller cap",
		handler: pages("", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			stream(w, 1<<20)
		}),
		opts:    func(o *Options) { o.MaxBodySize = 64 << 10 },
		wantErr: "body over 65536 bytes",
		within:  5 * time.Second,
	}, {
		name: "gzip bomb",
		handler: pages("", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(bomb)
		}),
		wantErr: "body over 10485760 bytes",
		within:  10 * time.Second,
	}, {
		name: "gzip bomb under its own Content-Type",
		handler: pages("", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/gzip")
			w.Write(bomb)
		}),
		wantErr: "compressed (gzip) documents are not supported",
		within:  5 * time.Second,
	}, {
		name: "gzip twice",
		handler: pages("", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Encoding", "gzip, gzip")
			w.Write(gzipped(t, bomb, 1))
		}),
		wantErr: "compressed (gzip) documents are not supported",
		within:  5 * time.Second,
	}, {
		name: "gzip bomb as robots.txt is read up to its limit",
		handler: func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/robots.txt" {
				w.Header().Set("Content-Type", "text/plain")
				w.Header().Set("Content-Encoding", "gzip")
				w.Write(robotsBomb)
				return
			}
			w.Write(listPage("Groupe de parole"))
		},
		wantErr: "",
		within:  10 * time.Second,
	}, {
		name:    "drip one byte a second",
		handler: pages("", drip),
		opts:    func(o *Options) { o.RunTimeout = time.Second },
		wantErr: "run deadline of 1s exceeded",
		within:  3 * time.Second,
	}, {
		name: "no headers ever",
		handler: pages("", func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		}),
		opts:    func(o *Options) { o.RunTimeout = time.Second },
		wantErr: "run deadline of 1s exceeded",
		within:  3 * time.Second,
	}, {
		name: "robots.txt drips",
		handler: func(w http.ResponseWriter, r *http.Request) {
			drip(w, r)
		},
		opts:    func(o *Options) { o.RunTimeout = time.Second },
		wantErr: "run deadline of 1s exceeded",
		within:  3 * time.Second,
	}, {
		name:    "request timeout before the run's",
		handler: pages("", drip),
		opts:    func(o *Options) { o.Timeout = 500 * time.Millisecond; o.RunTimeout = time.Minute },
		wantErr: "timed out (request timeout 500ms)",
		within:  3 * time.Second,
	}, {
		name: "5xx storm",
		handler: func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "overloaded", http.StatusServiceUnavailable)
		},
		wantErr: "robots.txt answered 503 Service Unavailable, which disallows the whole site for now",
		within:  5 * time.Second,
	}, {
		name: "5xx storm without robots.txt",
		handler: pages("", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "oops", http.StatusInternalServerError)
		}),
		wantErr: ": 500 Internal Server Error",
		within:  5 * time.Second,
	}, {
		name:    "robots.txt disallows",
		handler: pages("User-agent: *\nDisallow: /\n", func(w http.ResponseWriter, r *http.Request) { t.Error("disallowed page requested") }),
		wantErr: "disallowed by robots.txt",
		within:  5 * time.Second,
	}, {
		name:    "robots.txt unreadable",
		handler: pages("User-agent: *\nCrawl-delay: soon\n", func(w http.ResponseWriter, r *http.Request) { t.Error("page requested") }),
		wantErr: "robots.txt unreadable",
		within:  5 * time.Second,
	}, {
		name: "redirect loop",
		handler: pages("", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.Path+"x", http.StatusFound)
		}),
		wantErr: "more than 5 redirects",
		within:  5 * time.Second,
	}, {
		name: "huge headers",
		handler: pages("", func(w http.ResponseWriter, r *http.Request) {
			for i := range 400 {
				w.Header().Set(fmt.Sprintf("X-Filler-%d", i), strings.Repeat("x", 1000))
			}
			w.Write(listPage("Groupe"))
		}),
		wantErr: "server response headers exceeded",
		within:  5 * time.Second,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := serve(t, tt.handler)
			opts := testOptions()
			if tt.opts != nil {
				tt.opts(&opts)
			}
			sink := &memSink{}
			start := time.Now()
			run, err := New(sink, opts).Crawl(context.Background(), simpleDef("adversarial", s.URL+"/groupes"))
			elapsed := time.Since(start)
			if err != nil {
				t.Fatalf("Crawl(%s) error = %v, want the run saved", tt.name, err)
			}
			if elapsed > tt.within {
				t.Errorf("Crawl(%s) took %v, want under %v", tt.name, elapsed, tt.within)
			}
			saved := sink.saved()
			if len(saved) != 1 {
				t.Fatalf("Crawl(%s): sink got %d crawls, want 1", tt.name, len(saved))
			}
			got := saved[0]
			if tt.wantErr == "" {
				if run.Status != record.RunOK || len(got.Records) != 1 {
					t.Errorf("Crawl(%s): status %q, %d records, error %q; want ok, 1 record", tt.name, run.Status, len(got.Records), run.Error)
				}
				return
			}
			if run.Status != record.RunFailed || !strings.Contains(run.Error, tt.wantErr) {
				t.Errorf("Crawl(%s): status %q, error %q; want failed, %q", tt.name, run.Status, run.Error, tt.wantErr)
			}
			if !strings.HasPrefix(run.Error, "GET "+s.URL) {
				t.Errorf("Crawl(%s): error %q, want it to start with GET and the URL", tt.name, run.Error)
			}
			if len(got.Records) != 0 || got.Complete {
				t.Errorf("Crawl(%s): failed run saved with %d records, complete %v; want none, false (the store keeps what it had)", tt.name, len(got.Records), got.Complete)
			}
		})
	}
}

// A storm of failures through the scheduler: every run fails, is saved, and the
// scheduler goes on.
func TestSchedulerFiveHundredStorm(t *testing.T) {
	var mu sync.Mutex
	requests := 0
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests++
		mu.Unlock()
		http.Error(w, "down", http.StatusBadGateway)
	})
	sink := &memSink{}
	sched := NewScheduler(New(sink, testOptions()), nil)
	defer sched.Stop()
	var ids []string
	for i := range 10 {
		def := simpleDef(fmt.Sprintf("storm-%d", i), fmt.Sprintf("%s/%d", s.URL, i))
		if err := sched.Set(def); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, def.ID)
	}
	for range 3 {
		sched.RunNow(context.Background(), ids...)
	}
	saved := sink.saved()
	if len(saved) != 30 {
		t.Fatalf("5xx storm: sink got %d crawls, want 30", len(saved))
	}
	for _, c := range saved {
		if c.Run.Status != record.RunFailed || !strings.Contains(c.Run.Error, "502 Bad Gateway") || len(c.Records) != 0 || c.Run.HTTPStatus != 0 {
			t.Errorf("5xx storm: run of %s: status %q, error %q, http status %d, %d records; want failed by robots.txt 502, none",
				c.Run.Source, c.Run.Status, c.Run.Error, c.Run.HTTPStatus, len(c.Records))
		}
	}
}

func TestFetchMalformed(t *testing.T) {
	csvDef := func(url string) sources.Definition {
		return sources.Definition{
			ID: "malformed", Name: "Malformed", URL: url, Kind: sources.KindCSV, Schedule: "@daily", Language: "fr",
			CSV: &sources.CSVOptions{Delimiter: ";", Columns: map[string]string{record.FieldTitle: "titre", record.FieldPlace: "lieu"}},
		}
	}
	jsonDef := func(url string) sources.Definition {
		return sources.Definition{
			ID: "malformed", Name: "Malformed", URL: url, Kind: sources.KindJSON, Schedule: "@daily", Language: "fr",
			JSON: &sources.JSONOptions{Path: "data", Fields: map[string]string{record.FieldTitle: "titre"}},
		}
	}
	kindDef := func(kind sources.Kind) func(string) sources.Definition {
		return func(url string) sources.Definition {
			return sources.Definition{ID: "malformed", Name: "Malformed", URL: url, Kind: kind, Schedule: "@daily", Language: "fr"}
		}
	}
	htmlDef := func(url string) sources.Definition { return simpleDef("malformed", url) }
	billionLaughs := `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
		`<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">` +
		`<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">` +
		`<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">` +
		`<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>` +
		`<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title></item></channel></rss>`
	tests := []struct {
		name  string
		def   func(string) sources.Definition
		ctype string
		body  string
	}{
		{"html unclosed", htmlDef, "text/html", `<ul><li class="groupe"><h2 class="titre">Groupe <b>sans fin<li class="groupe"><h2 class="titre">`},
		{"html binary", htmlDef, "text/html", "\x00\x01\x02\xff\xfe<li class=\"groupe\">\x00"},
		{"html invalid utf-8", htmlDef, "text/html; charset=utf-8", "<li class=\"groupe\"><h2 class=\"titre\">Caf\xe9 \xff\xfe\xc3\x28 groupe</h2><p class=\"lieu\">Li\xe8ge</p></li>"},
		{"html empty", htmlDef, "text/html", ""},
		{"html deeply nested", htmlDef, "text/html", strings.Repeat("<div>", 100000) + `<li class="groupe"><h2 class="titre">Profond</h2></li>`},
		{"rss truncated", kindDef(sources.KindRSS), "application/rss+xml", `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>Groupe</title><link>`},
		{"rss not xml", kindDef(sources.KindRSS), "application/rss+xml", `{"not": "xml"}`},
		{"rss billion laughs", kindDef(sources.KindRSS), "application/rss+xml", billionLaughs},
		{"rss invalid utf-8", kindDef(sources.KindRSS), "application/rss+xml", "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>x</title><item><title>Caf\xe9 \xff groupe</title><guid>a</guid></item></channel></rss>"},
		{"atom garbage", kindDef(sources.KindAtom), "application/atom+xml", "<feed><entry><title>x</entry></feed"},
		{"ical truncated", kindDef(sources.KindICal), "text/calendar", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Groupe\r\nDTSTART:2026XXXX"},
		{"csv unterminated quote", csvDef, "text/csv", "titre;lieu\n\"Groupe;Namur\nAutre;Liège\n"},
		{"csv ragged", csvDef, "text/csv", "titre;lieu\nA\nB;C;D;E\n;;;\n"},
		{"csv invalid utf-8", csvDef, "text/csv", "titre;lieu\nCaf\xe9 \xff;Li\xe8ge\n"},
		{"csv binary", csvDef, "text/csv", "\x00\x00\x00\xff"},
		{"json truncated", jsonDef, "application/json", `{"data": [{"titre": "Groupe"}`},
		{"json wrong shape", jsonDef, "application/json", `{"data": {"titre": "Groupe"}}`},
		{"json deeply nested", jsonDef, "application/json", strings.Repeat("[", 100000) + strings.Repeat("]", 100000)},
		{"json invalid utf-8", jsonDef, "application/json", "{\"data\": [{\"titre\": \"Caf\xe9 \xff\"}]}"},
		{"jsonld garbage", kindDef(sources.KindJSONLD), "text/html", `<script type="application/ld+json">{"@type": "Event", "name": </script>`},
		{"jsonfeed garbage", kindDef(sources.KindJSONFeed), "application/feed+json", `{"version": "https://jsonfeed.org/version/1.1", "items": "no"}`},
		{"hsds garbage", kindDef(sources.KindHSDS), "application/json", `{"contents": [1, 2, {"name": 3}], "total_items": "x"}`},
		{"auto garbage", kindDef(sources.KindAuto), "application/octet-stream", "\x00\x01\x02\x03 not a document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := serve(t, pages("", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.ctype)
				w.Write([]byte(tt.body))
			}))
			start := time.Now()
			got := New(nil, testOptions()).Fetch(context.Background(), tt.def(s.URL+"/doc"))
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("Fetch(%s) took %v", tt.name, d)
			}
			run := got.Run
			switch run.Status {
			case record.RunFailed:
				if run.Error == "" || len(got.Records) != 0 || got.Complete {
					t.Errorf("Fetch(%s): failed with error %q, %d records, complete %v; want an error, none, false", tt.name, run.Error, len(got.Records), got.Complete)
				}
				if strings.Contains(run.Error, "panicked") {
					t.Errorf("Fetch(%s): a parser panicked: %s", tt.name, run.Error)
				}
			case record.RunOK:
				for _, r := range got.Records {
					if !utf8.ValidString(r.Title) || !utf8.ValidString(r.Description) || !utf8.ValidString(r.Location.City) {
						t.Errorf("Fetch(%s): record %q has invalid UTF-8", tt.name, r.Title)
					}
				}
			default:
				t.Errorf("Fetch(%s): status %q, want failed or ok", tt.name, run.Status)
			}
			t.Logf("%s: %s, %d records, error %q, %d problems", tt.name, run.Status, len(got.Records), run.Error, len(run.Problems))
		})
	}
}
