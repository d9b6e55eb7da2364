package sources

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDetect: each rule of Detect on the bodies of testdata/detect and small ones.
func TestDetect(t *testing.T) {
	const pageURL = "https://entraide-namur.example/groupes/"
	tests := []struct {
		file        string // in testdata/detect, or "" for body
		body        string
		contentType string
		kind        Kind
		reason      string
	}{
		{file: "tec-events.ics", contentType: "text/calendar; charset=utf-8", kind: KindICal, reason: "starts with BEGIN:VCALENDAR"},
		{file: "tec-events.ics", contentType: "text/plain", kind: KindICal, reason: "starts with BEGIN:VCALENDAR"},
		{file: "wordpress-feed.xml", contentType: "application/rss+xml; charset=UTF-8", kind: KindRSS, reason: "RSS <rss> root"},
		{file: "wordpress-feed.xml", contentType: "text/html", kind: KindRSS, reason: "RSS <rss> root"},
		{file: "atom.xml", contentType: "application/xml", kind: KindAtom, reason: "Atom <feed> root"},
		{file: "rdf.xml", kind: KindRSS, reason: "RSS 1.0 <rdf:RDF> root"},
		{file: "jsonfeed.json", contentType: "application/json", kind: KindJSONFeed, reason: "JSON Feed version https://jsonfeed.org/version/1.1"},
		{file: "hsds-services.json", contentType: "application/json", kind: KindHSDS, reason: "HSDS /services paging envelope"},
		{file: "events-api.json", contentType: "application/json", kind: KindJSON, reason: "JSON (needs json options; lists of objects at: data.events)"},
		{file: "schema-org.json", contentType: "application/json", kind: KindJSONLD, reason: "schema.org JSON-LD document"},
		{file: "tec-list.html", contentType: "text/html; charset=UTF-8", kind: KindJSONLD, reason: "schema.org JSON-LD in page (1 offerings)"},
		{file: "wordpress-page.html", contentType: "text/html", kind: KindHTML, reason: "HTML page with no offering in its JSON-LD (needs html options); it announces ical https://entraide-namur.example/agenda/?ical=1, atom https://entraide-namur.example/atom.xml, rss https://entraide-namur.example/feed/"},
		{file: "spip-page.html", contentType: "text/html; charset=iso-8859-1", kind: KindHTML, reason: "HTML page (needs html options); it announces rss https://entraide-namur.example/groupes/spip.php?page=backend"},
		{file: "export-semicolon.csv", contentType: "application/octet-stream", kind: KindCSV, reason: "CSV with a header row (; delimited; needs csv options)"},
		{file: "export-comma.csv", contentType: "text/csv", kind: KindCSV, reason: "CSV with a header row (, delimited; needs csv options)"},
		{file: "export-tab.tsv", kind: KindCSV, reason: "CSV with a header row (tab delimited; needs csv options)"},
		{file: "sitemap.xml", contentType: "application/xml", reason: "not recognized: XML with a <urlset> root, Content-Type application/xml"},
		{file: "message.txt", contentType: "text/plain; charset=utf-8", reason: `not recognized: a document starting with "Bonjour,\nle service est ", Content-Type text/plain`},
		{body: "", reason: "not recognized: an empty document"},
		{body: "\xef\xbb\xbf \r\n begin:vcalendar\r\n", kind: KindICal, reason: "starts with BEGIN:VCALENDAR"},
		{body: "\xff\xfe<\x00r\x00s\x00s\x00>\x00", kind: KindRSS, reason: "RSS <rss> root"},
		{body: `<feed><title>x</title></feed>`, kind: KindAtom, reason: "<feed> root (Atom)"},
		{body: `<div class="agenda">x</div>`, contentType: "text/html", kind: KindHTML, reason: "Content-Type text/html (needs html options)"},
		{body: `<div class="agenda">x</div>`, reason: "not recognized: XML with a <div> root"},
		{body: `{"broken": `, contentType: "application/json", kind: KindJSON, reason: "Content-Type application/json (needs json options)"},
		{body: `{"broken": `, reason: "not recognized: invalid JSON"},
		{body: `{"version": "1.1", "items": []}`, contentType: "application/feed+json", kind: KindJSONFeed, reason: "Content-Type application/feed+json"},
		{body: `{"version": "1.1", "items": []}`, contentType: "application/json", kind: KindJSON, reason: "JSON (needs json options)"},
		{body: "DTSTART:2025\n", contentType: "text/calendar", kind: KindICal, reason: "Content-Type text/calendar"},
		{body: "%PDF-1.4\n\x00\x01", contentType: "application/pdf", reason: `not recognized: a document starting with "%PDF-1.4\n\x00\x01", Content-Type application/pdf`},
		{body: "a;b\n1;2\n", contentType: "INVALID;;", kind: KindCSV, reason: "CSV with a header row (; delimited; needs csv options)"},
		{body: "1;2\n3;4\n", contentType: "text/csv", kind: KindCSV, reason: "Content-Type text/csv (needs csv options)"},
	}
	for _, tt := range tests {
		name := tt.file
		body := []byte(tt.body)
		if tt.file != "" {
			var err error
			if body, err = os.ReadFile(filepath.Join("testdata", "detect", tt.file)); err != nil {
				t.Fatal(err)
			}
		} else {
			name = tt.body
		}
		kind, reason := Detect(tt.contentType, body, pageURL)
		if kind != tt.kind || reason != tt.reason {
			t.Errorf("Detect(%q, %q) = %q, %q; want %q, %q", tt.contentType, name, kind, reason, tt.kind, tt.reason)
		}
	}
}

// TestKindNeedsOptions: html, csv and json need options; the others do not.
func TestKindNeedsOptions(t *testing.T) {
	for k, want := range map[Kind]bool{KindHTML: true, KindCSV: true, KindJSON: true, KindJSONLD: false, KindRSS: false, KindICal: false, KindHSDS: false, KindAuto: false} {
		if got := k.NeedsOptions(); got != want {
			t.Errorf("%s.NeedsOptions() = %v, want %v", k, got, want)
		}
	}
}

// FuzzDetect: Detect reads whatever a server sends; it must never panic, and it
// returns a known kind or none, always with a reason.
func FuzzDetect(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "detect", "*"))
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add("", b)
		}
	}
	f.Add("text/html; charset=", []byte(`<!DOCTYPE html><link rel="alternate" type="text/calendar" href="webcal://"><script type="application/ld+json">[`))
	f.Add("application/json", []byte(`{"contents": [], "total_items": null, "version": 1}`))
	f.Add("", []byte("<?xml <!-- <!DOCTYPE <"))
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		const pageURL = "https://t.example/page"
		kind, reason := Detect(contentType, body, pageURL)
		if reason == "" {
			t.Errorf("Detect(%q, %q) gave no reason", contentType, body)
		}
		switch kind {
		case "", KindHTML, KindJSONLD, KindCSV, KindRSS, KindAtom, KindJSONFeed, KindICal, KindJSON, KindHSDS:
		default:
			t.Errorf("Detect(%q, %q) = unknown kind %q", contentType, body, kind)
		}
		for _, fl := range DiscoverFeeds(body, pageURL) {
			if !isHTTPURL(fl.URL) {
				t.Errorf("DiscoverFeeds(%q) gave %q, not an absolute http(s) URL", body, fl.URL)
			}
		}
	})
}
