package sources

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"mime"
	"strings"
	"unicode"

	xunicode "golang.org/x/text/encoding/unicode"
)

// NeedsOptions reports whether documents of kind k can only be read with options of
// a definition (selectors, columns, paths): html, csv and json. An "auto" source
// detected as one of these cannot be crawled until its definition says how.
func (k Kind) NeedsOptions() bool {
	return k == KindHTML || k == KindCSV || k == KindJSON
}

// Detect returns the kind of a document fetched from pageURL and served with
// contentType, for sources of kind "auto", with a short reason to show in the run
// ("starts with BEGIN:VCALENDAR"). It looks at the document first, then at the
// Content-Type:
//
//  1. BEGIN:VCALENDAR → ical.
//  2. XML by its root element: <rss> or <rdf:RDF> → rss, <feed> → atom; an HTML page
//     → jsonld when its JSON-LD holds offerings, else html (the reason names the feeds
//     the page announces: the crawler may follow one, see DiscoverFeeds).
//  3. JSON: a jsonfeed.org version → jsonfeed; "contents" with "total_items" (the HSDS
//     3.0 paging envelope) → hsds; a schema.org @context → jsonld; any other → json,
//     unless the Content-Type is application/feed+json or application/ld+json.
//  4. Text whose first lines have a consistent number of ";", "," or tabs → csv.
//  5. The Content-Type: text/calendar, application/rss+xml, application/atom+xml,
//     application/feed+json, application/ld+json, text/csv, application/json,
//     text/html.
//
// Kinds that need options (Kind.NeedsOptions) say so in the reason. Nothing
// recognized gives "" and a reason saying what the document looks like. Detect is
// pure: it never fetches.
func Detect(contentType string, body []byte, pageURL string) (Kind, string) {
	text := sniffText(body)
	switch {
	case hasPrefixFold(text, "BEGIN:VCALENDAR"):
		return KindICal, "starts with BEGIN:VCALENDAR"
	case len(text) > 0 && text[0] == '<':
		if kind, reason := detectMarkup(text, body, pageURL); kind != "" {
			return kind, reason
		}
	case len(text) > 0 && (text[0] == '{' || text[0] == '['):
		kind, reason := detectJSON(body, pageURL)
		ct, _ := contentTypeKind(contentType)
		if kind != "" && (kind != KindJSON || (ct != KindJSONFeed && ct != KindJSONLD)) {
			return kind, reason // other JSON yields to a Content-Type naming a JSON kind
		}
	default:
		if kind, reason := detectCSV(text); kind != "" {
			return kind, reason
		}
	}
	if kind, ok := contentTypeKind(contentType); ok {
		reason := "Content-Type " + mediaType(contentType)
		if kind.NeedsOptions() {
			reason += fmt.Sprintf(" (needs %s options)", kind)
		}
		return kind, reason
	}
	return "", notRecognized(contentType, text)
}

// sniffText returns the start of a document as UTF-8 (a UTF-16 byte order mark
// decides), without byte order mark and leading blanks.
func sniffText(body []byte) []byte {
	text := body
	if bytes.HasPrefix(text, utf16BEBOM) || bytes.HasPrefix(text, utf16LEBOM) {
		if len(text) > 64<<10 {
			text = text[:64<<10]
		}
		if out, err := xunicode.UTF16(xunicode.BigEndian, xunicode.UseBOM).NewDecoder().Bytes(text); err == nil {
			text = out
		}
	}
	return bytes.TrimLeftFunc(bytes.TrimPrefix(text, utf8BOM), unicode.IsSpace)
}

// hasPrefixFold is bytes.HasPrefix ignoring ASCII case.
func hasPrefixFold(s []byte, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(string(s[:len(prefix)]), prefix)
}

// detectMarkup recognizes feeds by their root element, and HTML pages.
func detectMarkup(text, body []byte, pageURL string) (Kind, string) {
	root, tag, doctype := xmlRoot(text)
	switch root {
	case "rss":
		return KindRSS, "RSS <rss> root"
	case "rdf:rdf":
		return KindRSS, "RSS 1.0 <rdf:RDF> root"
	case "feed":
		if bytes.Contains(tag, []byte("http://www.w3.org/2005/Atom")) {
			return KindAtom, "Atom <feed> root"
		}
		return KindAtom, "<feed> root (Atom)"
	}
	if root == "html" || strings.Contains(doctype, "html") || looksLikeHTML(text) {
		return detectHTML(body, pageURL)
	}
	return "", ""
}

// detectHTML tells a page with offerings in JSON-LD from one to read with selectors.
func detectHTML(body []byte, pageURL string) (Kind, string) {
	reason := "HTML page (needs html options)"
	if bytes.Contains(bytes.ToLower(body), []byte("application/ld+json")) {
		if p, err := parseJSONLD(body, pageURL); err == nil && len(p.Listings) > 0 {
			return KindJSONLD, fmt.Sprintf("schema.org JSON-LD in page (%d offerings)", len(p.Listings))
		}
		reason = "HTML page with no offering in its JSON-LD (needs html options)"
	}
	if feeds := DiscoverFeeds(body, pageURL); len(feeds) > 0 {
		var parts []string
		for i, f := range feeds {
			if i == 3 {
				parts = append(parts, fmt.Sprintf("and %d more", len(feeds)-3))
				break
			}
			parts = append(parts, string(f.Kind)+" "+f.URL)
		}
		reason += "; it announces " + strings.Join(parts, ", ")
	}
	return KindHTML, reason
}

// xmlRoot returns the name of the first element of a markup document (lower case,
// with its prefix: "rdf:rdf"), its start tag, and the text of its doctype, lower
// case. Declarations, processing instructions and comments before it are skipped.
func xmlRoot(text []byte) (name string, tag []byte, doctype string) {
	if len(text) > 64<<10 {
		text = text[:64<<10]
	}
	for {
		text = bytes.TrimLeftFunc(text, unicode.IsSpace)
		switch {
		case bytes.HasPrefix(text, []byte("<?")):
			text = skipPast(text, "?>")
		case bytes.HasPrefix(text, []byte("<!--")):
			text = skipPast(text, "-->")
		case bytes.HasPrefix(text, []byte("<!")):
			end := bytes.IndexByte(text, '>')
			if end < 0 {
				return "", nil, doctype
			}
			doctype = strings.ToLower(string(text[:end]))
			text = text[end+1:]
		case bytes.HasPrefix(text, []byte("<")):
			end := bytes.IndexByte(text, '>')
			if end < 0 {
				end = len(text)
			}
			tag = text[:end]
			n := bytes.IndexFunc(tag[1:], func(r rune) bool { return unicode.IsSpace(r) || r == '/' || r == '>' })
			if n < 0 {
				n = len(tag) - 1
			}
			return strings.ToLower(string(tag[1 : 1+n])), tag, doctype
		default:
			return "", nil, doctype
		}
		if len(text) == 0 {
			return "", nil, doctype
		}
	}
}

// skipPast returns what follows the first end in text, or nothing.
func skipPast(text []byte, end string) []byte {
	i := bytes.Index(text, []byte(end))
	if i < 0 {
		return nil
	}
	return text[i+len(end):]
}

// detectJSON recognizes JSON Feed, HSDS and JSON-LD documents; other JSON is json.
func detectJSON(body []byte, pageURL string) (Kind, string) {
	doc, _, err := decodeJSONDocument(body)
	if err != nil {
		return "", ""
	}
	obj, _ := doc.(map[string]any)
	if v, ok := obj["version"].(string); ok && strings.Contains(v, "jsonfeed.org/version/") {
		return KindJSONFeed, "JSON Feed version " + v
	}
	if _, ok := obj["contents"].([]any); ok && obj["total_items"] != nil {
		return KindHSDS, "HSDS /services paging envelope"
	}
	if isSchemaOrg(doc) {
		reason := "schema.org JSON-LD document"
		if p, err := parseJSONLD(body, pageURL); err == nil && len(p.Listings) == 0 {
			reason += " (no offerings found)"
		}
		return KindJSONLD, reason
	}
	reason := "JSON (needs json options"
	if hint := listHint(doc); hint != "" {
		reason += hint
	}
	return KindJSON, reason + ")"
}

// isSchemaOrg reports whether a JSON document is schema.org JSON-LD: an object, or
// a list of objects, with an @context naming schema.org.
func isSchemaOrg(doc any) bool {
	for _, v := range list(doc) {
		if m, ok := v.(map[string]any); ok {
			ctx := fmt.Sprint(m["@context"])
			if strings.Contains(strings.ToLower(ctx), "schema.org") {
				return true
			}
		}
	}
	return false
}

// detectCSV recognizes a CSV file: a header row of short names, and records with
// as many ";", "," or tabs as it over the first lines.
func detectCSV(text []byte) (Kind, string) {
	head := text
	if len(head) > 1024 {
		head = head[:1024]
	}
	if bytes.IndexByte(head, 0) >= 0 { // binary
		return "", ""
	}
	s, ok := sniffCSV(text)
	if !ok || s.records < 2 || s.consistency < 0.8 {
		return "", ""
	}
	r := csv.NewReader(bytes.NewReader(text))
	r.Comma, r.LazyQuotes, r.FieldsPerRecord = s.delim, true, -1
	header, err := r.Read()
	if err != nil || len(header) < 2 {
		return "", ""
	}
	letters := false
	for _, h := range header {
		if len(strings.TrimSpace(h)) > 100 {
			return "", ""
		}
		letters = letters || strings.IndexFunc(h, unicode.IsLetter) >= 0
	}
	if !letters {
		return "", ""
	}
	name := string(s.delim)
	if s.delim == '\t' {
		name = "tab"
	}
	return KindCSV, fmt.Sprintf("CSV with a header row (%s delimited; needs csv options)", name)
}

// contentTypeKinds maps media types onto kinds.
var contentTypeKinds = map[string]Kind{
	"text/calendar":             KindICal,
	"application/rss+xml":       KindRSS,
	"application/rdf+xml":       KindRSS,
	"application/atom+xml":      KindAtom,
	"application/feed+json":     KindJSONFeed,
	"application/ld+json":       KindJSONLD,
	"text/csv":                  KindCSV,
	"application/csv":           KindCSV,
	"text/tab-separated-values": KindCSV,
	"application/json":          KindJSON,
	"text/html":                 KindHTML,
	"application/xhtml+xml":     KindHTML,
}

// contentTypeKind returns the kind a Content-Type header names, if any.
func contentTypeKind(contentType string) (Kind, bool) {
	k, ok := contentTypeKinds[mediaType(contentType)]
	return k, ok
}

// mediaType returns the media type of a Content-Type header, lower case, without
// parameters.
func mediaType(contentType string) string {
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		return mt
	}
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// notRecognized says what an unrecognized document looks like.
func notRecognized(contentType string, text []byte) string {
	start := text
	if len(start) > 24 {
		start = start[:24]
	}
	var what string
	switch {
	case len(text) == 0:
		what = "an empty document"
	case text[0] == '<':
		if root, _, _ := xmlRoot(text); root != "" {
			what = fmt.Sprintf("XML with a <%s> root", root)
		} else {
			what = "markup that is neither a feed nor an HTML page"
		}
	case text[0] == '{' || text[0] == '[':
		what = "invalid JSON"
	default:
		what = fmt.Sprintf("a document starting with %q", strings.ToValidUTF8(string(start), "\uFFFD"))
	}
	if mt := mediaType(contentType); mt != "" {
		return fmt.Sprintf("not recognized: %s, Content-Type %s", what, mt)
	}
	return "not recognized: " + what
}
