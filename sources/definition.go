// Package sources says what a source is (a definition, read from YAML or JSON), holds
// one pure parser per feed kind (bytes and a base URL in, listings and problems out;
// parsers never fetch) and the built-in demo catalog.
package sources

import (
	"time"

	"github.com/ensemble-be/ensemble/record"
)

// Kind is the format of a source's documents.
type Kind string

const (
	KindHTML     Kind = "html"     // web pages read with CSS selectors (HTMLOptions)
	KindJSONLD   Kind = "jsonld"   // schema.org JSON-LD in web pages, or a JSON document
	KindCSV      Kind = "csv"      // a CSV file with a header row (CSVOptions)
	KindRSS      Kind = "rss"      // an RSS 2.0 feed (items are listings)
	KindAtom     Kind = "atom"     // an Atom feed
	KindJSONFeed Kind = "jsonfeed" // a JSON Feed (jsonfeed.org)
	KindICal     Kind = "ical"     // an iCalendar file (VEVENTs are listings)
	KindJSON     Kind = "json"     // a JSON list of objects, optionally under a path (JSONOptions)
	KindHSDS     Kind = "hsds"     // an Open Referral HSDS 3.0 API (/services pages)
	KindAuto     Kind = "auto"     // detected from Content-Type, file signature and page links
)

// Definition describes one source: where it is, how to read it, when to crawl it, and
// under what licence its data may be shared. Its YAML/JSON keys are what partners write.
type Definition struct {
	ID          string          `json:"id" yaml:"id"`     // [a-z0-9-], unique
	Name        string          `json:"name" yaml:"name"` // human name of the network
	URL         string          `json:"url" yaml:"url"`   // first document to fetch
	Kind        Kind            `json:"kind" yaml:"kind"`
	Schedule    string          `json:"schedule" yaml:"schedule"` // cron expression (UTC unless CRON_TZ=)
	License     string          `json:"license" yaml:"license"`   // SPDX id; "" = unknown
	Attribution string          `json:"attribution" yaml:"attribution"`
	Language    string          `json:"language" yaml:"language"` // fr, nl, de, en
	Defaults    record.Defaults `json:"defaults" yaml:"defaults"`
	// CrawlDelay overrides the crawler's pause between requests to this source's host
	// (a Go duration: "500ms", "2s"); "" keeps the crawler's default.
	CrawlDelay string       `json:"crawl_delay,omitempty" yaml:"crawl_delay,omitempty"`
	HTML       *HTMLOptions `json:"html,omitempty" yaml:"html,omitempty"`
	CSV        *CSVOptions  `json:"csv,omitempty" yaml:"csv,omitempty"`
	JSON       *JSONOptions `json:"json,omitempty" yaml:"json,omitempty"`
	// Disabled sources are registered but never crawled (catalog entries not yet
	// checked with their network, for one).
	Disabled bool `json:"disabled,omitempty" yaml:"disabled,omitempty"`
	// Notes say what is known of the source: unverified guesses, contacts to make.
	Notes string `json:"notes,omitempty" yaml:"notes,omitempty"`
}

// HTMLOptions maps a listing page onto listings with CSS selectors. A selector may end
// in "@attr" to take an attribute instead of the text ("a.more@href", "time@datetime");
// "@attr" alone reads the listing element's own attribute ("@data-id"). Link and Next
// read href when they name no attribute.
type HTMLOptions struct {
	List     string            `json:"list" yaml:"list"`                     // one element per listing
	Link     string            `json:"link,omitempty" yaml:"link,omitempty"` // within a listing: its detail page
	Next     string            `json:"next,omitempty" yaml:"next,omitempty"` // on the page: the next page
	MaxPages int               `json:"max_pages,omitempty" yaml:"max_pages,omitempty"`
	Fields   map[string]string `json:"fields" yaml:"fields"` // record.Field* name → selector within a listing
	// Detail maps record.Field* names to selectors on the detail page; its values
	// override the listing page's.
	Detail map[string]string `json:"detail,omitempty" yaml:"detail,omitempty"`
	// ID is a selector within a listing for the listing's own id, if it has one.
	ID string `json:"id,omitempty" yaml:"id,omitempty"`
}

// CSVOptions maps columns of a CSV file onto listing fields.
type CSVOptions struct {
	Delimiter string            `json:"delimiter,omitempty" yaml:"delimiter,omitempty"` // "," ";" or "tab"; sniffed when empty
	Encoding  string            `json:"encoding,omitempty" yaml:"encoding,omitempty"`   // utf-8 (default), windows-1252, iso-8859-1
	Columns   map[string]string `json:"columns" yaml:"columns"`                         // record.Field* name → header
	ID        string            `json:"id,omitempty" yaml:"id,omitempty"`               // header of the listing's own id
}

// JSONOptions maps a JSON document's objects onto listing fields.
type JSONOptions struct {
	// Path is the dotted path of the list in the document ("data.events"); "" means
	// the document is the list.
	Path string `json:"path,omitempty" yaml:"path,omitempty"`
	// Fields maps record.Field* names to dotted paths within one object ("location.city").
	Fields map[string]string `json:"fields" yaml:"fields"`
	// ID is the dotted path of the object's own id, if it has one.
	ID string `json:"id,omitempty" yaml:"id,omitempty"`
	// Next is the dotted path of the next page's URL in the document, if paged.
	Next string `json:"next,omitempty" yaml:"next,omitempty"`
}

// DefaultMaxPages bounds pagination when a definition sets no MaxPages.
const DefaultMaxPages = 20

// Delay is the parsed CrawlDelay, and false when the definition sets none (or an
// invalid one, which Validate reports).
func (d Definition) Delay() (time.Duration, bool) {
	if d.CrawlDelay == "" {
		return 0, false
	}
	v, err := time.ParseDuration(d.CrawlDelay)
	return v, err == nil && v >= 0
}

// Origin is what normalization needs to know of this source for a listing found at pageURL.
func (d Definition) Origin(pageURL string) record.Origin {
	return record.Origin{
		Source: d.ID, URL: pageURL, Language: d.Language,
		License: d.License, Attribution: d.Attribution, Defaults: d.Defaults,
	}
}
