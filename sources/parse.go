package sources

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/ensemble-be/ensemble/record"
	"golang.org/x/net/html/charset"
)

// Page is what a parser found in one document.
type Page struct {
	Listings []record.Listing
	// Next is the absolute URL of the next page of the listing (html pagination), or "".
	Next string
	// Problems are parts of the document that could not be read; the rest still counts.
	Problems []Problem
	// Feeds are the absolute URLs of the feeds an HTML page announces
	// (<link rel="alternate" type="application/rss+xml" …>): better sources to suggest.
	Feeds []string
	// Lines, when set (csv, and pushed JSONL), is the line of the document each
	// listing starts on: Lines[i] is that of Listings[i].
	Lines []int
}

// Problem is one thing a parser could not read, and where.
type Problem struct {
	Where   string `json:"where"`   // "listing 3, field date (selector .date)", "line 4, column 2"
	Message string `json:"message"` // what was wrong
}

// String returns "where: message".
func (p Problem) String() string { return p.Where + ": " + p.Message }

// Parse reads one document of source def fetched from pageURL, with the parser of
// def.Kind. It never fetches. Every URL in the listings it returns is absolute
// (resolved against pageURL). The error is for a document or definition that is
// unusable as a whole; a partly bad document gives listings and Problems.
func Parse(def Definition, body []byte, pageURL string) (Page, error) {
	var (
		p   Page
		err error
	)
	switch def.Kind {
	case KindHTML:
		if def.HTML == nil {
			return Page{}, fmt.Errorf("parse html: %w", &FieldError{Field: "html", Problem: "required when kind is html"})
		}
		p, err = parseHTML(*def.HTML, body, pageURL)
	case KindJSONLD:
		p, err = parseJSONLD(body, pageURL)
	case KindCSV:
		if def.CSV == nil {
			return Page{}, fmt.Errorf("parse csv: %w", &FieldError{Field: "csv", Problem: "required when kind is csv"})
		}
		p, err = parseCSV(*def.CSV, body, pageURL)
	case KindRSS, KindAtom, KindJSONFeed:
		p, err = parseFeed(def.Kind, body, pageURL)
	case KindJSON:
		if def.JSON == nil {
			return Page{}, fmt.Errorf("parse json: %w", &FieldError{Field: "json", Problem: "required when kind is json"})
		}
		p, err = parseJSON(*def.JSON, body, pageURL)
	case KindICal:
		p, err = parseICal(body, pageURL)
	case KindHSDS:
		p, err = parseHSDS(body, pageURL)
	default:
		return Page{}, fmt.Errorf("parse: %w", &FieldError{Field: "kind", Problem: fmt.Sprintf("%q is not one of %s", def.Kind, kindList)})
	}
	if err != nil {
		return Page{}, fmt.Errorf("parse %s: %w", def.Kind, err)
	}
	return p, nil
}

// urlFields are the listing fields that hold URLs; parsers resolve them against the page.
var urlFields = map[string]bool{
	record.FieldURL: true, record.FieldOrganizerURL: true, record.FieldRegistration: true,
	record.FieldOnlineURL: true, record.FieldImage: true,
}

// setField stores a trimmed, non-empty value in l.Fields[name], resolving URL fields
// against base. It reports whether it stored anything.
func setField(l *record.Listing, name, value string, base *url.URL) bool {
	value = strings.TrimSpace(value)
	if value == "" {
		return false
	}
	if urlFields[name] {
		value = resolveRef(base, value)
	}
	if l.Fields == nil {
		l.Fields = map[string]string{}
	}
	l.Fields[name] = value
	return true
}

// parseBase parses the page URL documents are resolved against; nil when it is not an
// absolute URL, in which case references are kept as found.
func parseBase(pageURL string) *url.URL {
	u, err := url.Parse(strings.TrimSpace(pageURL))
	if err != nil || !u.IsAbs() {
		return nil
	}
	return u
}

// resolveRef resolves ref against base. A reference that does not parse, or a relative
// one without a base, is returned as found (trimmed): normalization drops it. A
// reference starting with "www." is taken as a host name, not a relative path.
func resolveRef(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if strings.HasPrefix(strings.ToLower(ref), "www.") {
		ref = "https://" + ref
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	return u.String()
}

// httpURL resolves ref against base and returns it only if it is an absolute http(s)
// URL with a host, without its fragment; ok is false otherwise.
func httpURL(base *url.URL, ref string) (abs string, ok bool) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return "", false
	}
	u, err := url.Parse(resolveRef(base, ref))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", false
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String(), true
}

// decodeHTML returns body as UTF-8. Bodies that already are valid UTF-8 (the crawler
// decodes what the server declared) are returned as they are; others are decoded by
// their <meta> charset, else as windows-1252, the usual case for Belgian pages.
func decodeHTML(body []byte) []byte {
	if utf8.Valid(body) {
		return body
	}
	enc, _, _ := charset.DetermineEncoding(body, "text/html")
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil || !utf8.Valid(out) {
		return bytes.ToValidUTF8(body, []byte("\uFFFD"))
	}
	return out
}
