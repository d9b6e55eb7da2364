package sources

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// feedCases loads every testdata/feed/*.yaml definition and the feed beside it
// (.xml or .json).
func feedCases(tb testing.TB) []goldenCase {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "feed", "*.yaml"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no definitions in testdata/feed: %v", err)
	}
	var cases []goldenCase
	for _, path := range paths {
		def, err := LoadFile(path)
		if err != nil {
			tb.Fatalf("LoadFile(%q) = %v", path, err)
		}
		stem := strings.TrimSuffix(path, ".yaml")
		var input []byte
		for _, ext := range []string{".xml", ".json"} {
			if input, err = os.ReadFile(stem + ext); err == nil {
				break
			}
		}
		if input == nil {
			tb.Fatalf("no input beside %s", path)
		}
		name := filepath.ToSlash(strings.TrimPrefix(stem, "testdata"+string(filepath.Separator)))
		cases = append(cases, goldenCase{name: name, def: def, input: input})
	}
	return cases
}

// TestParseFeedGolden parses each testdata/feed definition's feed and compares it with
// its golden file (go test ./sources -run TestParseFeedGolden -update rewrites them).
func TestParseFeedGolden(t *testing.T) {
	for _, c := range feedCases(t) {
		t.Run(c.name, func(t *testing.T) {
			page, err := Parse(c.def, c.input, c.def.URL)
			if err != nil {
				t.Fatalf("Parse(%s) error = %v", c.name, err)
			}
			checkPageInvariants(t, c.def.URL, page)
			checkGolden(t, filepath.Join("testdata", c.name+".golden.json"), goldenPage(page))
		})
	}
}

// TestParseFeedDecoded reads the ISO-8859-1 SPIP feed as the crawler may hand it,
// already decoded to UTF-8 under its unchanged declaration: the same listings.
func TestParseFeedDecoded(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "feed", "spip-backend-latin1.xml"))
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := charmap.ISO8859_1.NewDecoder().Bytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	def := Definition{Kind: KindRSS}
	const pageURL = "https://reseau-sme.example/spip.php?page=backend"
	fromRaw, err := Parse(def, raw, pageURL)
	if err != nil {
		t.Fatal(err)
	}
	fromDecoded, err := Parse(def, decoded, pageURL)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromRaw, fromDecoded) {
		t.Errorf("Parse(decoded) = %+v, want %+v", fromDecoded, fromRaw)
	}
	if got := fromRaw.Listings[1].Fields["title"]; got != "Table d'échanges « Logement et santé mentale »" {
		t.Errorf("title = %q", got)
	}
}

// TestParseFeed: empty feeds, another kind than declared, charsets, and what is not a feed.
func TestParseFeed(t *testing.T) {
	const pageURL = "https://t.example/feed/"
	rss := func(items string) string {
		return `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>` + items + `</channel></rss>`
	}
	tests := []struct {
		name     string
		kind     Kind
		body     string
		titles   []string
		problems []string // Where of each problem
		wantErr  string
	}{
		{name: "no items", kind: KindRSS, body: rss("")},
		{name: "empty atom", kind: KindAtom, body: `<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title></feed>`},
		{name: "empty json feed", kind: KindJSONFeed, body: `{"version": "https://jsonfeed.org/version/1", "items": []}`},
		{name: "atom declared rss", kind: KindRSS, body: `<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>A</title></entry></feed>`, titles: []string{"A"}, problems: []string{"feed"}},
		{name: "rss declared jsonfeed", kind: KindJSONFeed, body: rss(`<item><title>A</title></item>`), titles: []string{"A"}, problems: []string{"feed"}},
		{name: "rdf", kind: KindRSS, body: `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><item rdf:about="x"><title>A</title><link>https://t.example/a</link></item></rdf:RDF>`, titles: []string{"A"}},
		{name: "no title", kind: KindRSS, body: rss(`<item><description>x</description></item>`), titles: []string{""}, problems: []string{"item 1"}},
		{name: "bad link", kind: KindRSS, body: rss(`<item><title>A</title><link>javascript:x()</link></item>`), titles: []string{"A"}, problems: []string{"item 1, link"}},
		{name: "latin-1 undeclared", kind: KindRSS, body: rss("<item><title>Caf\xe9</title></item>"), titles: []string{"Café"}, problems: []string{"feed"}},
		{name: "windows-1252 declared", kind: KindRSS, body: `<?xml version="1.0" encoding="windows-1252"?><rss><channel><item><title>L` + "\x92" + `atelier</title></item></channel></rss>`, titles: []string{"L’atelier"}},
		{name: "utf-16", kind: KindRSS, body: "\xff\xfe<\x00r\x00s\x00s\x00>\x00<\x00c\x00h\x00a\x00n\x00n\x00e\x00l\x00>\x00<\x00i\x00t\x00e\x00m\x00>\x00<\x00t\x00i\x00t\x00l\x00e\x00>\x00A\x00<\x00/\x00t\x00i\x00t\x00l\x00e\x00>\x00<\x00/\x00i\x00t\x00e\x00m\x00>\x00<\x00/\x00c\x00h\x00a\x00n\x00n\x00e\x00l\x00>\x00<\x00/\x00r\x00s\x00s\x00>\x00", titles: []string{"A"}},
		{name: "html page", kind: KindRSS, body: `<!DOCTYPE html><html><head><link rel="alternate" type="application/rss+xml" href="/feed/"></head></html>`, wantErr: "HTML page; it announces https://t.example/feed/"},
		{name: "not a feed", kind: KindRSS, body: "titre;lieu\n", wantErr: "not an RSS, Atom or JSON feed"},
		{name: "json not a feed", kind: KindJSONFeed, body: `{"data": []}`, wantErr: "not a feed"},
		{name: "empty", kind: KindAtom, body: "", wantErr: "not an RSS, Atom or JSON feed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := Parse(Definition{Kind: tt.kind}, []byte(tt.body), pageURL)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse(%q) = %+v, %v; want error containing %q", tt.body, page, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q) error = %v", tt.body, err)
			}
			checkPageInvariants(t, pageURL, page)
			titles := []string{}
			for _, l := range page.Listings {
				titles = append(titles, l.Fields["title"])
			}
			if !reflect.DeepEqual(titles, append([]string{}, tt.titles...)) {
				t.Errorf("Parse(%q) titles = %q, want %q", tt.body, titles, tt.titles)
			}
			var wheres []string
			for _, p := range page.Problems {
				wheres = append(wheres, p.Where)
			}
			if !reflect.DeepEqual(wheres, tt.problems) {
				t.Errorf("Parse(%q) problems = %v, want at %q", tt.body, page.Problems, tt.problems)
			}
		})
	}
}

// TestEventDate: iCalendar basic and RFC 822 dates become ISO 8601; other text stays.
func TestEventDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"20250304T193000", "2025-03-04T19:30:00"},
		{"20250304T1930Z", "2025-03-04T19:30:00Z"},
		{"20250304T193000Z", "2025-03-04T19:30:00Z"},
		{"20250312", "2025-03-12"},
		{" 2025-03-13T18:00:00+01:00 ", "2025-03-13T18:00:00+01:00"},
		{"Tue, 11 Mar 2025 19:00:00 +0100", "2025-03-11T19:00:00+01:00"},
		{"Tue, 11 Mar 2025 19:00:00 GMT", "2025-03-11T19:00:00Z"},
		{"jeudi 13 mars à 18h", "jeudi 13 mars à 18h"},
	}
	for _, tt := range tests {
		if got := eventDate(tt.in); got != tt.want {
			t.Errorf("eventDate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestEventExtensions: gd:when/gd:where and a structured event:location; geo: is not an event.
func TestEventExtensions(t *testing.T) {
	body := `<rss version="2.0" xmlns:gd="http://schemas.google.com/g/2005" xmlns:event="https://events.example/ns" xmlns:geo="http://www.w3.org/2003/01/geo/wgs84_pos#"><channel>
<item><title>A</title><gd:when startTime="2025-04-01T18:00:00+02:00" endTime="2025-04-01T20:00:00+02:00"/><gd:where valueString="Salle B"/></item>
<item><title>B</title><event:start_date>2025-04-02 18:00</event:start_date><event:location><event:name>Centre culturel</event:name><event:address>Place 1</event:address><event:city>Liège</event:city><event:postal_code>4000</event:postal_code></event:location><geo:location>not an event</geo:location></item>
</channel></rss>`
	page, err := Parse(Definition{Kind: KindRSS}, []byte(body), "https://t.example/feed")
	if err != nil {
		t.Fatal(err)
	}
	want := []map[string]string{
		{"title": "A", "start": "2025-04-01T18:00:00+02:00", "end": "2025-04-01T20:00:00+02:00", "place": "Salle B"},
		{"title": "B", "start": "2025-04-02 18:00", "place": "Centre culturel", "address": "Place 1", "city": "Liège", "postcode": "4000"},
	}
	for i, l := range page.Listings {
		if !reflect.DeepEqual(l.Fields, want[i]) {
			t.Errorf("listing %d fields = %v, want %v", i+1, l.Fields, want[i])
		}
	}
}

// FuzzParseFeed: feeds come from partners' servers; reading one as any feed kind must
// never panic, and keeps the invariants of every parser.
func FuzzParseFeed(f *testing.F) {
	cases := feedCases(f)
	for _, c := range cases {
		f.Add(c.input)
	}
	for _, s := range []string{
		`<rss><channel><item><title>&amp;#</title><link>http://[::1</link><ev:startdate xmlns:ev="http://purl.org/rss/1.0/modules/event/">20251301T999999Z</ev:startdate></item></channel></rss>`,
		`<?xml version="1.0" encoding="bogus"?><feed xmlns="http://www.w3.org/2005/Atom"><link rel="next" href="%zz"/><entry><title>` + "\xe9" + `</title></entry></feed>`,
		`{"version": "https://jsonfeed.org/version/1.1", "next_url": "javascript:x", "items": [null, {"url": "//"}]}`,
		"\xfe\xff\x00<\x00r",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, kind := range []Kind{KindRSS, KindAtom, KindJSONFeed} {
			const pageURL = "https://t.example/feed/"
			page, err := Parse(Definition{Kind: kind}, body, pageURL)
			if err != nil {
				if len(page.Listings) != 0 || len(page.Problems) != 0 {
					t.Fatalf("Parse(%s) returned a page with its error %v", kind, err)
				}
				continue
			}
			checkPageInvariants(t, pageURL, page)
			for i, l := range page.Listings {
				for name, v := range l.Fields {
					if !utf8.ValidString(v) {
						t.Errorf("Parse(%s) listing %d field %s = %q, not UTF-8", kind, i+1, name, v)
					}
				}
			}
		}
	})
}
