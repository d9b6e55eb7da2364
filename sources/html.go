package sources

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"github.com/ensemble-be/ensemble/record"
	"golang.org/x/net/html"
)

// selector is a definition selector compiled: CSS, and the attribute to read or ""
// for the element's text. A nil css selects the context element itself ("@data-id").
type selector struct {
	raw  string
	css  cascadia.Selector
	attr string
}

var attrName = regexp.MustCompile(`^[A-Za-z_:][-A-Za-z0-9_:.]*$`)

// compileSelector reads "css", "css@attr" or "@attr". An "@" inside brackets or
// followed by something that is not an attribute name belongs to the CSS.
func compileSelector(s string) (selector, error) {
	sel := selector{raw: s}
	cssPart := strings.TrimSpace(s)
	if i := strings.LastIndex(cssPart, "@"); i >= 0 {
		before, attr := cssPart[:i], strings.TrimSpace(cssPart[i+1:])
		if attrName.MatchString(attr) && strings.Count(before, "[") == strings.Count(before, "]") {
			cssPart, sel.attr = strings.TrimSpace(before), strings.ToLower(attr)
		}
	}
	if cssPart == "" {
		if sel.attr == "" {
			return sel, errors.New("empty selector")
		}
		return sel, nil
	}
	css, err := cascadia.Compile(cssPart)
	if err != nil {
		return sel, fmt.Errorf("invalid selector %q: %w", s, err)
	}
	sel.css = css
	return sel, nil
}

// matches returns the elements s selects within ctx (ctx itself for "@attr").
func (s selector) matches(ctx *goquery.Selection) *goquery.Selection {
	if s.css == nil {
		return ctx
	}
	return ctx.FindMatcher(s.css)
}

// value returns the first non-empty value s selects within ctx: the attribute, or
// the text. With all set, texts of every match are joined by newlines (description
// bodies spread over several elements). found is false when nothing matched.
func (s selector) value(ctx *goquery.Selection, all, multiline bool) (v string, found bool) {
	m := s.matches(ctx)
	if m.Length() == 0 {
		return "", false
	}
	var parts []string
	for _, n := range m.Nodes {
		var part string
		if s.attr != "" {
			for _, a := range n.Attr {
				if strings.ToLower(a.Key) == s.attr {
					part = strings.TrimSpace(a.Val)
					break
				}
			}
		} else {
			part = nodeText(n, multiline)
		}
		if part == "" {
			continue
		}
		if !all {
			return part, true
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, "\n"), true
}

// blockElements end a line of text.
var blockElements = map[string]bool{
	"address": true, "article": true, "aside": true, "blockquote": true, "br": true, "dd": true,
	"div": true, "dl": true, "dt": true, "figcaption": true, "footer": true, "h1": true, "h2": true,
	"h3": true, "h4": true, "h5": true, "h6": true, "header": true, "hr": true, "li": true,
	"main": true, "ol": true, "p": true, "pre": true, "section": true, "table": true, "tr": true, "ul": true,
}

// nodeText is the text of n: with multiline, one line per paragraph or other block
// element; otherwise one line. Blanks are collapsed; scripts and styles are left out.
func nodeText(n *html.Node, multiline bool) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			// line breaks in the source are blanks; only block elements break lines
			b.WriteString(strings.Map(func(r rune) rune {
				if r == '\n' || r == '\r' {
					return ' '
				}
				return r
			}, n.Data))
			return
		case html.ElementNode:
			switch n.Data {
			case "script", "style", "template", "noscript":
				return
			}
		}
		block := n.Type == html.ElementNode && blockElements[n.Data]
		if block {
			b.WriteByte('\n')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if block {
			b.WriteByte('\n')
		}
	}
	walk(n)
	if !multiline {
		return strings.Join(strings.Fields(b.String()), " ")
	}
	var lines []string
	for _, line := range strings.Split(b.String(), "\n") {
		if line = strings.Join(strings.Fields(line), " "); line != "" {
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, "\n")
}

// htmlSelectors are the compiled selectors of HTMLOptions.
type htmlSelectors struct {
	list, link, next, id selector
	fields, detail       []namedSelector // sorted by field name
}

type namedSelector struct {
	field string
	selector
}

// compile compiles every selector of o, or returns a *FieldError naming the first bad one.
func (o HTMLOptions) compile() (htmlSelectors, error) {
	var hs htmlSelectors
	var err error
	one := func(path, s string, optional bool) selector {
		if err != nil || (optional && s == "") {
			return selector{}
		}
		sel, e := compileSelector(s)
		if e != nil {
			err = &FieldError{Field: path, Problem: e.Error()}
		}
		return sel
	}
	many := func(path string, m map[string]string) []namedSelector {
		var out []namedSelector
		for _, name := range sortedKeys(m) {
			out = append(out, namedSelector{name, one(path+"."+name, m[name], false)})
		}
		return out
	}
	hs.list = one("html.list", o.List, false)
	if err == nil && (hs.list.attr != "" || hs.list.css == nil) {
		err = &FieldError{Field: "html.list", Problem: "selects elements: it takes no @attribute"}
	}
	hs.link = one("html.link", o.Link, true)
	hs.next = one("html.next", o.Next, true)
	hs.id = one("html.id", o.ID, true)
	hs.fields = many("html.fields", o.Fields)
	hs.detail = many("html.detail", o.Detail)
	return hs, err
}

// sortedKeys returns the keys of m in order, for deterministic output.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// href returns the URL a link or next selector gives: its attribute, href by default.
func (s selector) href(ctx *goquery.Selection) (string, bool) {
	if s.attr == "" {
		s.attr = "href"
	}
	return s.value(ctx, false, false)
}

// parseDocument parses an HTML document, decoding it to UTF-8 first (decodeHTML).
func parseDocument(body []byte) (*goquery.Document, error) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(decodeHTML(body)))
	if err != nil {
		return nil, fmt.Errorf("read html: %w", err)
	}
	return doc, nil
}

// parseHTML reads a listing page: one listing per element of o.List, fields by
// o.Fields, detail links by o.Link, the next page by o.Next. A field selector that
// matches several elements gives the first non-empty one, except for description,
// which joins them all.
func parseHTML(o HTMLOptions, body []byte, pageURL string) (Page, error) {
	hs, err := o.compile()
	if err != nil {
		return Page{}, err
	}
	doc, err := parseDocument(body)
	if err != nil {
		return Page{}, err
	}
	base := parseBase(pageURL)
	page := Page{Listings: []record.Listing{}, Feeds: discoverFeeds(doc, pageURL)}
	self, _ := httpURL(base, pageURL)
	items := hs.list.matches(doc.Selection)
	if items.Length() == 0 {
		page.Problems = append(page.Problems, Problem{Where: "page", Message: fmt.Sprintf("list selector %q matched nothing", o.List)})
	}
	items.Each(func(i int, item *goquery.Selection) {
		where := fmt.Sprintf("listing %d", i+1)
		l := record.Listing{Fields: map[string]string{}}
		for _, f := range hs.fields {
			v, found := f.value(item, f.field == record.FieldDescription, f.field == record.FieldDescription)
			if !found && f.field == record.FieldTitle {
				page.Problems = append(page.Problems, Problem{Where: where, Message: fmt.Sprintf("title selector %q matched nothing", f.raw)})
			}
			setField(&l, f.field, v, base)
		}
		if hs.id.raw != "" {
			l.LocalID, _ = hs.id.value(item, false, false)
		}
		if hs.link.raw != "" {
			if ref, found := hs.link.href(item); found && ref != "" {
				if abs, ok := httpURL(base, ref); ok {
					if abs != self { // "#" and the like: not a page of its own
						l.URL = abs
					}
				} else {
					page.Problems = append(page.Problems, Problem{
						Where:   fmt.Sprintf("%s, link (selector %s)", where, o.Link),
						Message: fmt.Sprintf("%q is not an http(s) URL", ref),
					})
				}
			}
		}
		page.Listings = append(page.Listings, l)
	})
	if hs.next.raw != "" {
		if ref, found := hs.next.href(doc.Selection); found && ref != "" {
			if abs, ok := httpURL(base, ref); ok {
				if abs != self {
					page.Next = abs
				}
			} else {
				page.Problems = append(page.Problems, Problem{
					Where:   fmt.Sprintf("page, next (selector %s)", o.Next),
					Message: fmt.Sprintf("%q is not an http(s) URL", ref),
				})
			}
		}
	}
	return page, nil
}

// ParseDetail reads the detail page of listing l, fetched from pageURL, with the
// html.detail selectors of def: the values it finds override the listing page's. It
// sets l.URL to pageURL when l has none. What it could not read comes back as Problems.
func ParseDetail(def Definition, body []byte, pageURL string, l *record.Listing) []Problem {
	if l.URL == "" {
		if abs, ok := httpURL(nil, pageURL); ok {
			l.URL = abs
		}
	}
	if def.Kind != KindHTML || def.HTML == nil {
		return []Problem{{Where: "detail page", Message: fmt.Sprintf("kind %q has no detail pages", def.Kind)}}
	}
	if len(def.HTML.Detail) == 0 {
		return nil
	}
	hs, err := def.HTML.compile()
	if err != nil {
		return []Problem{{Where: "definition", Message: err.Error()}}
	}
	doc, err := parseDocument(body)
	if err != nil {
		return []Problem{{Where: "detail page", Message: err.Error()}}
	}
	base := parseBase(pageURL)
	var problems []Problem
	for _, f := range hs.detail {
		multi := f.field == record.FieldDescription
		v, found := f.value(doc.Selection, multi, multi)
		if !found && f.field == record.FieldTitle && strings.TrimSpace(l.Fields[record.FieldTitle]) == "" {
			problems = append(problems, Problem{Where: "detail page", Message: fmt.Sprintf("title selector %q matched nothing", f.raw)})
		}
		setField(l, f.field, v, base)
	}
	return problems
}
