package sources

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ensemble-be/ensemble/record"
	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	ext "github.com/mmcdole/gofeed/extensions"
	gojson "github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// The feed parser reads RSS (0.9x, 1.0 and 2.0), Atom and JSON Feed documents with
// gofeed. Its rules:
//
//   - Each item (entry) is a listing: title; content (content:encoded, Atom content,
//     content_html) preferred over description (summary), HTML kept for normalization
//     to clean; link → Listing.URL, absolute; guid (Atom id, JSON Feed id) → LocalID;
//     the item's image → image; the feed's language → language.
//   - The publication date is when a post was written, not when a group meets: it is
//     not mapped. Neither are categories (free tags: classification is the
//     normalizer's, from the text) nor authors (usually the person who typed the post).
//   - Event extensions, where a feed has them, give the structured dates and place:
//     RSS 1.0 mod_event (ev:startdate, ev:enddate, ev:location, ev:organizer), xCal
//     (xCal:dtstart, xCal:dtend, xCal:location, x-calconnect-venue), Google's
//     gd:when/gd:where, and the like under a prefix naming events or calendars
//     ("event:", "calendar:"). iCalendar basic dates (20250312T180000Z) and RFC 822
//     dates are rewritten as ISO 8601.
//   - A document of another feed kind than declared is still read, with a Problem. A
//     paging link (Atom or atom:link rel="next", JSON Feed next_url) is Page.Next.
//   - The text is decoded to UTF-8 first: an XML feed by its BOM or its <?xml
//     encoding?> declaration (a body already valid UTF-8 is UTF-8 whatever it declares,
//     as the crawler may have decoded it), else as windows-1252 with a Problem.

// feedTypeKinds maps gofeed's feed types onto kinds.
var feedTypeKinds = map[string]Kind{"rss": KindRSS, "atom": KindAtom, "json": KindJSONFeed}

// kindNames are the names of feed kinds in messages.
var kindNames = map[Kind]string{KindRSS: "an RSS feed", KindAtom: "an Atom feed", KindJSONFeed: "a JSON Feed"}

// parseFeed reads an RSS, Atom or JSON Feed document into one listing per item. A
// feed without items gives no listings and no error; a document that is no feed at
// all is an error.
func parseFeed(kind Kind, body []byte, pageURL string) (Page, error) {
	page := Page{Listings: []record.Listing{}}
	text, problems := decodeFeedText(body)
	page.Problems = append(page.Problems, problems...)

	feed, err := readFeed(text)
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return Page{}, notAFeed(text, pageURL)
		}
		return Page{}, fmt.Errorf("read feed: %w", err)
	}
	got := feedTypeKinds[feed.FeedType]
	if got == KindJSONFeed && !strings.Contains(feed.FeedVersion, "jsonfeed.org") {
		if len(feed.Items) == 0 {
			return Page{}, errors.New("not a feed: JSON without a jsonfeed.org version or items")
		}
		page.Problems = append(page.Problems, Problem{Where: "feed", Message: "no jsonfeed.org version: read as a JSON Feed"})
	}
	if got != kind && got != "" {
		page.Problems = append(page.Problems, Problem{
			Where:   "feed",
			Message: fmt.Sprintf("declared %s but the document is %s: read as %s", kind, kindNames[got], got),
		})
	}

	base := parseBase(pageURL)
	self, _ := httpURL(base, pageURL)
	if next := feedNext(feed); next != "" {
		if abs, ok := httpURL(base, next); !ok {
			page.Problems = append(page.Problems, Problem{Where: "feed, next page link", Message: fmt.Sprintf("%q is not an http(s) URL", next)})
		} else if abs != self {
			page.Next = abs
		}
	}
	for i, item := range feed.Items {
		if item == nil {
			continue
		}
		page.Listings = append(page.Listings, feedListing(item, feed.Language, fmt.Sprintf("item %d", i+1), base, &page))
	}
	return page, nil
}

// readFeed parses a feed with gofeed, keeping the original feed for its paging link.
// gofeed panics on some malformed documents (a null JSON Feed item): a panic is an
// error about the document, not the crawler's end.
func readFeed(text []byte) (feed *gofeed.Feed, err error) {
	defer func() {
		if r := recover(); r != nil {
			feed, err = nil, fmt.Errorf("malformed feed (the feed library failed: %v)", r)
		}
	}()
	fp := gofeed.NewParser()
	fp.KeepOriginalFeed = true
	return fp.Parse(bytes.NewReader(text))
}

// feedListing maps one item; what it cannot read goes to page.Problems under where.
func feedListing(item *gofeed.Item, language, where string, base *url.URL, page *Page) record.Listing {
	l := record.Listing{Fields: map[string]string{}}
	if !setField(&l, record.FieldTitle, feedTitle(item.Title), base) {
		page.Problems = append(page.Problems, Problem{Where: where, Message: "no title"})
	}
	if !setField(&l, record.FieldDescription, item.Content, base) {
		setField(&l, record.FieldDescription, item.Description, base)
	}
	if item.Image != nil && !strings.Contains(item.Image.URL, "/emoji/") { // WordPress's emoji images
		setField(&l, record.FieldImage, item.Image.URL, base)
	}
	setField(&l, record.FieldLanguage, language, base)
	l.LocalID = strings.TrimSpace(item.GUID)
	link := strings.TrimSpace(item.Link)
	if link == "" && len(item.Links) > 0 {
		link = strings.TrimSpace(item.Links[0])
	}
	if link != "" {
		if abs, ok := httpURL(base, link); ok {
			l.URL = abs
		} else {
			page.Problems = append(page.Problems, Problem{Where: where + ", link", Message: fmt.Sprintf("%q is not an http(s) URL", link)})
		}
	}
	eventExtensions(&l, item.Extensions, base)
	return l
}

// feedTitle returns an item title as text: titles are plain text, but feeds often
// escape their HTML twice ("A &amp;amp; B", "L&#8217;atelier" inside CDATA).
func feedTitle(s string) string {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "&") && strings.Contains(s, ";") {
		s = html.UnescapeString(s)
	}
	return strings.Join(strings.Fields(s), " ")
}

// feedNext returns the next page's link of a paged feed (RFC 5005 rel="next" in Atom
// or as atom:link in RSS, next_url in JSON Feed), or "".
func feedNext(feed *gofeed.Feed) string {
	switch orig := feed.OriginalFeed().(type) {
	case *atom.Feed:
		for _, l := range orig.Links {
			if l != nil && strings.EqualFold(strings.TrimSpace(l.Rel), "next") {
				return strings.TrimSpace(l.Href)
			}
		}
	case *rss.Feed:
		for _, l := range orig.Extensions["atom"]["link"] {
			if strings.EqualFold(strings.TrimSpace(l.Attrs["rel"]), "next") {
				return strings.TrimSpace(l.Attrs["href"])
			}
		}
	case *gojson.Feed:
		return strings.TrimSpace(orig.NextURL)
	}
	return ""
}

// notAFeed explains why a document is not a feed: an HTML page says which feeds it
// announces, if any.
func notAFeed(text []byte, pageURL string) error {
	if looksLikeHTML(text) {
		doc, err := parseDocument(text)
		if err == nil {
			if feeds := discoverFeeds(doc, pageURL); len(feeds) > 0 {
				return fmt.Errorf("not a feed but an HTML page; it announces %s", strings.Join(feeds, ", "))
			}
		}
		return errors.New("not a feed but an HTML page")
	}
	return errors.New("not an RSS, Atom or JSON feed")
}

// eventField is what an event extension element gives: a listing field, and whether
// its value is a date to rewrite as ISO 8601.
type eventField struct {
	field string
	date  bool
}

// eventElements maps the local names of event extension elements, folded (lower
// case, without "-" and "_", without xCal's "x-calconnect-"), onto listing fields.
var eventElements = map[string]eventField{
	"startdate": {record.FieldStart, true}, "dtstart": {record.FieldStart, true}, "start": {record.FieldStart, true},
	"starttime": {record.FieldStart, true}, "startdatetime": {record.FieldStart, true}, "begin": {record.FieldStart, true},
	"eventstart": {record.FieldStart, true}, "eventstartdate": {record.FieldStart, true},
	"enddate": {record.FieldEnd, true}, "dtend": {record.FieldEnd, true}, "end": {record.FieldEnd, true},
	"endtime": {record.FieldEnd, true}, "enddatetime": {record.FieldEnd, true},
	"eventend": {record.FieldEnd, true}, "eventenddate": {record.FieldEnd, true},
	"location": {field: record.FieldPlace}, "venue": {field: record.FieldPlace}, "place": {field: record.FieldPlace},
	"where": {field: record.FieldPlace}, "venuename": {field: record.FieldPlace}, "locationname": {field: record.FieldPlace},
	"address": {field: record.FieldAddress}, "streetaddress": {field: record.FieldAddress}, "street": {field: record.FieldAddress},
	"city": {field: record.FieldCity}, "locality": {field: record.FieldCity},
	"postcode": {field: record.FieldPostcode}, "postalcode": {field: record.FieldPostcode}, "zip": {field: record.FieldPostcode},
	"zipcode":   {field: record.FieldPostcode},
	"organizer": {field: record.FieldOrganizer}, "organiser": {field: record.FieldOrganizer},
	"cost": {field: record.FieldPrice}, "price": {field: record.FieldPrice},
}

// eventPrefixes are extension prefixes (gofeed's canonical prefix, else the feed's
// own) whose elements describe events.
var eventPrefixes = map[string]bool{
	"ev": true, "xcal": true, "ical": true, "cal": true, "gd": true, "gcal": true,
	"tribe": true, "tec": true, "em": true,
}

// isEventPrefix reports whether the elements under an extension prefix (or, for a
// default namespace, its URI) describe events.
func isEventPrefix(prefix string) bool {
	p := strings.ToLower(prefix)
	return eventPrefixes[p] || strings.Contains(p, "event") || strings.Contains(p, "calendar") || strings.Contains(p, "xcal")
}

// foldElement folds an extension element's name for eventElements.
func foldElement(name string) string {
	name = strings.ToLower(name)
	name = strings.TrimPrefix(name, "x-calconnect-")
	return strings.NewReplacer("-", "", "_", "").Replace(name)
}

// eventExtensions fills the start, end, place and address fields of l from the event
// extension elements of an item, without overwriting what is set.
func eventExtensions(l *record.Listing, exts ext.Extensions, base *url.URL) {
	prefixes := make([]string, 0, len(exts))
	for p := range exts {
		if isEventPrefix(p) {
			prefixes = append(prefixes, p)
		}
	}
	sort.Strings(prefixes)
	for _, p := range prefixes {
		names := make([]string, 0, len(exts[p]))
		for n := range exts[p] {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			for _, e := range exts[p][n] {
				eventElement(l, e, "", base, 0)
			}
		}
	}
}

// eventElement maps one extension element and, for a structured one (an xCal venue,
// a location with a name and an address), its children. in is the field of the
// enclosing element ("place" inside a location), for names such as "name".
func eventElement(l *record.Listing, e ext.Extension, in string, base *url.URL, depth int) {
	if depth > 4 {
		return
	}
	name := foldElement(e.Name)
	ef, known := eventElements[name]
	if !known && name == "name" && in == record.FieldPlace {
		ef, known = eventField{field: record.FieldPlace}, true
	}
	switch name {
	case "when": // gd:when startTime="…" endTime="…"
		setFirst(l, record.FieldStart, eventDate(e.Attrs["startTime"]), base)
		setFirst(l, record.FieldEnd, eventDate(e.Attrs["endTime"]), base)
	case "where": // gd:where valueString="…"
		setFirst(l, record.FieldPlace, e.Attrs["valueString"], base)
	}
	if known && e.Value != "" && len(e.Children) == 0 {
		v := e.Value
		if ef.date {
			v = eventDate(v)
		}
		setFirst(l, ef.field, v, base)
	}
	if len(e.Children) == 0 {
		return
	}
	children := make([]string, 0, len(e.Children))
	for n := range e.Children {
		children = append(children, n)
	}
	sort.Strings(children)
	for _, n := range children {
		for _, c := range e.Children[n] {
			eventElement(l, c, firstNonEmpty(ef.field, in), base, depth+1)
		}
	}
}

// setFirst stores a field only if l does not have it yet.
func setFirst(l *record.Listing, name, value string, base *url.URL) {
	if _, set := l.Fields[name]; !set {
		setField(l, name, value, base)
	}
}

var icalBasicDate = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?(Z)?)?$`)

// eventDates are the RFC 822 forms feeds use in event extensions.
var eventDateLayouts = []string{time.RFC1123Z, time.RFC1123, "Mon, 2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 MST", time.RFC822Z, time.RFC822}

// eventDate rewrites an iCalendar basic date ("20250312", "20250312T180000Z") or an
// RFC 822 date as ISO 8601; other text is returned as found, for normalization.
func eventDate(s string) string {
	s = strings.TrimSpace(s)
	if m := icalBasicDate.FindStringSubmatch(s); m != nil {
		out := m[1] + "-" + m[2] + "-" + m[3]
		if m[4] != "" {
			sec := firstNonEmpty(m[6], "00")
			out += "T" + m[4] + ":" + m[5] + ":" + sec + m[7]
		}
		return out
	}
	for _, layout := range eventDateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(time.RFC3339)
		}
	}
	return s
}

var (
	utf16BEBOM = []byte{0xFE, 0xFF}
	utf16LEBOM = []byte{0xFF, 0xFE}
	// xmlEncodingDecl finds the encoding of an XML declaration at the start of a document.
	xmlEncodingDecl = regexp.MustCompile(`^(\s*<\?xml[^>]*?\bencoding\s*=\s*)(["'])([^"'>]*)(["'])`)
)

// decodeFeedText returns a feed as UTF-8, without byte order mark, and with an XML
// declaration that says so. A UTF-16 byte order mark decides; then a body that is
// valid UTF-8 is UTF-8, whatever it declares; then the declared encoding; then
// windows-1252, with a Problem.
func decodeFeedText(body []byte) ([]byte, []Problem) {
	var problems []Problem
	text := bytes.TrimPrefix(body, utf8BOM)
	switch {
	case bytes.HasPrefix(text, utf16BEBOM), bytes.HasPrefix(text, utf16LEBOM):
		out, err := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder().Bytes(text)
		if err != nil {
			return nil, []Problem{{Where: "feed", Message: "invalid UTF-16: " + err.Error()}}
		}
		text = out
	case utf8.Valid(text):
	default:
		label := ""
		if m := xmlEncodingDecl.FindSubmatch(text); m != nil {
			label = strings.TrimSpace(string(m[3]))
		}
		enc, name := charset.Lookup(label)
		switch {
		case label == "":
			problems = append(problems, Problem{Where: "feed", Message: "not valid UTF-8 and no encoding declared: read as windows-1252"})
			enc = charmap.Windows1252
		case enc == nil:
			problems = append(problems, Problem{Where: "feed", Message: fmt.Sprintf("unknown encoding %q: read as windows-1252", label)})
			enc = charmap.Windows1252
		case name == "utf-8":
			problems = append(problems, Problem{Where: "feed", Message: "invalid UTF-8: invalid bytes replaced"})
		}
		if name == "utf-8" {
			text = bytes.ToValidUTF8(text, []byte("\uFFFD"))
		} else if out, err := enc.NewDecoder().Bytes(text); err == nil && utf8.Valid(out) {
			text = out
		} else {
			problems = append(problems, Problem{Where: "feed", Message: fmt.Sprintf("not readable as %s: invalid bytes replaced", firstNonEmpty(label, "windows-1252"))})
			text = bytes.ToValidUTF8(text, []byte("\uFFFD"))
		}
	}
	text = bytes.TrimPrefix(text, utf8BOM)
	return xmlEncodingDecl.ReplaceAll(text, []byte("${1}${2}UTF-8${4}")), problems
}
