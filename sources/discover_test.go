package sources

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestParseHTMLFeeds: a WordPress page read with selectors also gives the feeds it
// announces, as suggestions of better sources.
func TestParseHTMLFeeds(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "detect", "wordpress-page.html"))
	if err != nil {
		t.Fatal(err)
	}
	def := htmlDef(HTMLOptions{List: "article.groupe", Fields: map[string]string{"title": "h2", "description": "p"}})
	page, err := Parse(def, body, "https://entraide-namur.example/groupes/")
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Listings) != 2 {
		t.Errorf("Parse(wordpress-page.html) = %d listings, want 2", len(page.Listings))
	}
	want := []string{
		"https://entraide-namur.example/agenda/?ical=1",
		"https://entraide-namur.example/atom.xml",
		"https://entraide-namur.example/feed/",
	}
	if !reflect.DeepEqual(page.Feeds, want) {
		t.Errorf("Parse(wordpress-page.html).Feeds = %q, want %q", page.Feeds, want)
	}
}

// TestDiscoverFeeds: announced feeds, absolute, deduplicated, best first, no comment feeds.
func TestDiscoverFeeds(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", "detect", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name    string
		body    []byte
		pageURL string
		want    []FeedLink
	}{
		{"wordpress", read("wordpress-page.html"), "https://entraide-namur.example/groupes/", []FeedLink{
			{URL: "https://entraide-namur.example/agenda/?ical=1", Kind: KindICal, Title: "Entraide fictive de Namur » Flux iCal"},
			{URL: "https://entraide-namur.example/atom.xml", Kind: KindAtom},
			{URL: "https://entraide-namur.example/feed/", Kind: KindRSS, Title: "Entraide fictive de Namur » Flux"},
		}},
		{"spip relative", read("spip-page.html"), "https://reseau-sme.example/spip.php?page=agenda", []FeedLink{
			{URL: "https://reseau-sme.example/spip.php?page=backend", Kind: KindRSS, Title: "Syndiquer tout le site"},
		}},
		{"no base", []byte(`<html><head><link rel="alternate" type="application/rss+xml" href="/feed/"><link rel="alternate" type="application/feed+json" href="https://x.example/feed.json">`), "", []FeedLink{
			{URL: "https://x.example/feed.json", Kind: KindJSONFeed},
		}},
		{"not html", read("wordpress-feed.xml"), "https://entraide-namur.example/feed/", nil},
		{"none", []byte(`<!DOCTYPE html><html><head><link rel="alternate" hreflang="nl" href="/nl/"></head></html>`), "https://x.example/", nil},
	}
	for _, tt := range tests {
		got := DiscoverFeeds(tt.body, tt.pageURL)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("DiscoverFeeds(%s) = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
