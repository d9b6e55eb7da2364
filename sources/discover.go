package sources

import (
	"bytes"
	"net/url"
	"sort"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// FeedLink is a feed an HTML page announces with <link rel="alternate" type="…">.
type FeedLink struct {
	URL   string `json:"url"`   // absolute http(s)
	Kind  Kind   `json:"kind"`  // rss, atom, jsonfeed or ical
	Title string `json:"title"` // the link's title, if any ("Agenda » Flux iCal")
}

// feedLinkTypes maps the media types of announced feeds onto kinds.
var feedLinkTypes = map[string]Kind{
	"application/rss+xml":   KindRSS,
	"application/rdf+xml":   KindRSS,
	"application/atom+xml":  KindAtom,
	"application/feed+json": KindJSONFeed,
	"text/calendar":         KindICal,
}

// feedPreference orders announced feeds, most useful first: an iCalendar feed has
// the structured dates of events, a blog's feed has posts.
var feedPreference = map[Kind]int{KindICal: 0, KindJSONFeed: 1, KindAtom: 2, KindRSS: 3}

// DiscoverFeeds returns the feeds an HTML page fetched from pageURL announces, most
// useful first (iCalendar, JSON Feed, Atom, RSS; then in page order), without
// duplicates and without comment feeds. A body that is not HTML announces nothing.
func DiscoverFeeds(body []byte, pageURL string) []FeedLink {
	if !looksLikeHTML(body) {
		return nil
	}
	doc, err := parseDocument(body)
	if err != nil {
		return nil
	}
	return feedLinks(doc, parseBase(pageURL))
}

// discoverFeeds returns the absolute URLs of the feeds a parsed page announces, in
// DiscoverFeeds' order, for Page.Feeds.
func discoverFeeds(doc *goquery.Document, pageURL string) []string {
	var out []string
	for _, f := range feedLinks(doc, parseBase(pageURL)) {
		out = append(out, f.URL)
	}
	return out
}

// feedLinks reads the <link rel="alternate"> elements of doc that announce feeds.
func feedLinks(doc *goquery.Document, base *url.URL) []FeedLink {
	var links []FeedLink
	seen := map[string]bool{}
	doc.Find("link[href]").Each(func(_ int, s *goquery.Selection) {
		alternate := false
		for _, rel := range strings.Fields(strings.ToLower(s.AttrOr("rel", ""))) {
			alternate = alternate || rel == "alternate"
		}
		typ, _, _ := strings.Cut(s.AttrOr("type", ""), ";")
		kind, ok := feedLinkTypes[strings.ToLower(strings.TrimSpace(typ))]
		if !alternate || !ok {
			return
		}
		href := strings.TrimSpace(s.AttrOr("href", ""))
		title := strings.Join(strings.Fields(s.AttrOr("title", "")), " ")
		if isCommentFeed(href, title) {
			return
		}
		if rest, ok := cutPrefixFold(href, "webcal://"); ok {
			href = "https://" + rest
		}
		abs, ok := httpURL(base, href)
		if !ok || seen[abs] {
			return
		}
		seen[abs] = true
		links = append(links, FeedLink{URL: abs, Kind: kind, Title: title})
	})
	sort.SliceStable(links, func(i, j int) bool { return feedPreference[links[i].Kind] < feedPreference[links[j].Kind] })
	return links
}

// isCommentFeed reports whether an announced feed is of comments (WordPress
// announces one per site and one per post): never a source of offerings.
func isCommentFeed(href, title string) bool {
	h, t := strings.ToLower(href), strings.ToLower(title)
	return strings.Contains(h, "/comments/feed") || strings.Contains(h, "comments-rss") ||
		strings.Contains(t, "comment") || strings.Contains(t, "reactie") || strings.Contains(t, "kommentar")
}

// cutPrefixFold is strings.CutPrefix ignoring ASCII case.
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// looksLikeHTML reports whether a document is an HTML page: a doctype or an html,
// head or body tag near its start.
func looksLikeHTML(body []byte) bool {
	head := bytes.TrimSpace(bytes.TrimPrefix(body, utf8BOM))
	if len(head) > 2048 {
		head = head[:2048]
	}
	head = bytes.ToLower(head)
	if !bytes.HasPrefix(head, []byte("<")) {
		return false
	}
	for _, tag := range []string{"<!doctype html", "<html", "<head", "<body"} {
		if bytes.Contains(head, []byte(tag)) {
			return true
		}
	}
	return false
}
