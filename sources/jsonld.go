package sources

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/ensemble-be/ensemble/record"
)

// The JSON-LD parser reads schema.org data (https://schema.org) embedded in a page in
// <script type="application/ld+json"> blocks, or a body that is itself JSON. Its rules:
//
//   - Listings come from top-level nodes (a block's object, the items of an array or of
//     @graph, the items of an ItemList, a page's mainEntity) typed Event or a subtype
//     (any type ending in "Event", EventSeries, Festival, Hackathon, CourseInstance),
//     Course, Service (any type ending in "Service") or Organization (Organization, NGO
//     and any type ending in "Organization", MedicalClinic, LocalBusiness).
//   - A Course with hasCourseInstance gives one listing per instance: the course's
//     fields, then the instance's over them. An instance without an id of its own gets
//     the course's id (identifier, @id or url) + "#" + its startDate (or its position).
//     A Course without instances is one listing.
//   - An Organization is a listing only when it has a description and no other node
//     of the page names it (by @id or by name) as organizer, provider, publisher,
//     author, creator, sponsor, funder, performer, memberOf or parentOrganization: the
//     organizer of an event or the publisher of a page is not an offering.
//   - A node that is only {"@id": ...} is looked up among the page's nodes.
//   - LocalID is the identifier (text, number or PropertyValue), else the @id resolved
//     against the page, unless it is a blank node ("_:b0"); url is the listing's URL.
//   - An event whose eventStatus is EventCancelled is skipped, with a Problem;
//     EventMovedOnline makes it online.
//   - keywords, about and audience are not mapped: they are free text, not the
//     taxonomy's ids; classification is the normalizer's.

// jsonldNode is a JSON-LD object as decoded.
type jsonldNode = map[string]any

// referencingKeys name nodes that are not offerings themselves.
var referencingKeys = []string{
	"organizer", "provider", "publisher", "author", "creator", "sponsor", "funder",
	"performer", "memberOf", "parentOrganization",
}

type jsonldParser struct {
	base       *url.URL
	page       Page
	byID       map[string]jsonldNode
	referenced map[string]bool // @id and folded names of referenced organizations
	instances  map[string]bool // @id of course instances reached through a course
	done       map[string]bool // @id of nodes already read
}

// parseJSONLD reads every JSON-LD block of an HTML page, or a JSON body.
func parseJSONLD(body []byte, pageURL string) (Page, error) {
	p := &jsonldParser{
		base:       parseBase(pageURL),
		page:       Page{Listings: []record.Listing{}},
		byID:       map[string]jsonldNode{},
		referenced: map[string]bool{},
		instances:  map[string]bool{},
		done:       map[string]bool{},
	}
	blocks, err := jsonldBlocks(body)
	if err != nil {
		return Page{}, err
	}
	for _, f := range DiscoverFeeds(body, pageURL) {
		p.page.Feeds = append(p.page.Feeds, f.URL)
	}
	if len(blocks) == 0 {
		p.page.Problems = append(p.page.Problems, Problem{Where: "page", Message: "no JSON-LD found"})
		return p.page, nil
	}
	type top struct {
		block int
		node  jsonldNode
	}
	var tops []top
	for i, b := range blocks {
		values, err := decodeJSONLD(b)
		if err != nil {
			p.page.Problems = append(p.page.Problems, Problem{Where: fmt.Sprintf("json-ld block %d", i+1), Message: "invalid JSON: " + err.Error()})
			continue
		}
		for _, v := range values {
			for _, n := range flattenJSONLD(v, 0) {
				tops = append(tops, top{i + 1, n})
			}
			p.index(v, 0)
		}
	}
	for _, t := range tops {
		p.noteReferences(t.node, 0)
	}
	before := len(p.page.Problems)
	for _, t := range tops {
		p.node(t.block, t.node, 0)
	}
	if len(p.page.Listings) == 0 && len(p.page.Problems) == before && len(tops) > 0 {
		p.page.Problems = append(p.page.Problems, Problem{Where: "page", Message: "no Event, Course, Service or Organization offering in the JSON-LD"})
	}
	return p.page, nil
}

// jsonldBlocks returns the JSON text of each JSON-LD block of an HTML page, or the
// body itself when it is JSON.
func jsonldBlocks(body []byte) ([]string, error) {
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(body, utf8BOM))
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		return []string{string(trimmed)}, nil
	}
	doc, err := parseDocument(body)
	if err != nil {
		return nil, err
	}
	var blocks []string
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		typ, _, _ := strings.Cut(s.AttrOr("type", ""), ";")
		if strings.EqualFold(strings.TrimSpace(typ), "application/ld+json") {
			blocks = append(blocks, s.Text())
		}
	})
	return blocks, nil
}

// decodeJSONLD decodes a block, tolerating what pages often do: an HTML comment or
// CDATA wrapper, raw line breaks and tabs inside strings, several values in a row.
func decodeJSONLD(text string) ([]any, error) {
	text = strings.TrimSpace(text)
	for _, w := range [][2]string{{"<!--", "-->"}, {"//<![CDATA[", "//]]>"}, {"<![CDATA[", "]]>"}} {
		if len(text) >= len(w[0])+len(w[1]) && strings.HasPrefix(text, w[0]) && strings.HasSuffix(text, w[1]) {
			text = strings.TrimSpace(text[len(w[0]) : len(text)-len(w[1])])
		}
	}
	dec := json.NewDecoder(strings.NewReader(escapeControlsInStrings(text)))
	dec.UseNumber()
	var values []any
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		values = append(values, v)
	}
	if len(values) == 0 {
		return nil, errors.New("empty block")
	}
	return values, nil
}

// escapeControlsInStrings escapes raw control characters inside JSON strings, which
// JSON forbids and hand-written JSON-LD often has (line breaks in descriptions).
func escapeControlsInStrings(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	in, escaped := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case !in:
			in = c == '"'
		case escaped:
			escaped = false
		case c == '\\':
			escaped = true
		case c == '"':
			in = false
		case c < 0x20:
			fmt.Fprintf(&b, `\u%04x`, c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// maxDepth bounds recursion into nested JSON.
const maxDepth = 32

// flattenJSONLD returns the top-level nodes of a decoded value: an object, the items
// of an array, or of an object's @graph (with the object itself when it is typed).
func flattenJSONLD(v any, depth int) []jsonldNode {
	if depth > maxDepth {
		return nil
	}
	switch v := v.(type) {
	case []any:
		var out []jsonldNode
		for _, item := range v {
			out = append(out, flattenJSONLD(item, depth+1)...)
		}
		return out
	case jsonldNode:
		g, ok := v["@graph"]
		if !ok {
			return []jsonldNode{v}
		}
		out := flattenJSONLD(g, depth+1)
		if _, typed := v["@type"]; typed {
			out = append([]jsonldNode{v}, out...)
		}
		return out
	}
	return nil
}

// index records every node with an @id and more than an @id, for references.
func (p *jsonldParser) index(v any, depth int) {
	if depth > maxDepth {
		return
	}
	switch v := v.(type) {
	case []any:
		for _, item := range v {
			p.index(item, depth+1)
		}
	case jsonldNode:
		if id := str(v["@id"]); id != "" && len(v) > 1 {
			if _, seen := p.byID[id]; !seen {
				p.byID[id] = v
			}
		}
		for _, item := range v {
			p.index(item, depth+1)
		}
	}
}

// noteReferences records the organizations n refers to, and the course instances it
// holds, so that they are not taken as offerings of their own.
func (p *jsonldParser) noteReferences(n jsonldNode, depth int) {
	if depth > maxDepth {
		return
	}
	for _, key := range referencingKeys {
		for _, ref := range list(n[key]) {
			switch ref := ref.(type) {
			case string:
				p.referenced[record.Fold(ref)] = true
			case jsonldNode:
				if id := str(ref["@id"]); id != "" {
					p.referenced[id] = true
				}
				if name := text(p.resolve(ref)["name"]); name != "" {
					p.referenced[record.Fold(name)] = true
				}
			}
		}
	}
	for _, inst := range list(n["hasCourseInstance"]) {
		if m, ok := inst.(jsonldNode); ok {
			if id := str(m["@id"]); id != "" {
				p.instances[id] = true
			}
		}
	}
	for _, v := range n {
		for _, item := range list(v) {
			if m, ok := item.(jsonldNode); ok {
				p.noteReferences(m, depth+1)
			}
		}
	}
}

// resolve returns the node a reference ({"@id": ...} alone) points to, or v itself.
func (p *jsonldParser) resolve(v any) jsonldNode {
	m, ok := v.(jsonldNode)
	if !ok {
		return nil
	}
	if id := str(m["@id"]); id != "" {
		if _, typed := m["@type"]; len(m) == 1 || (len(m) == 2 && typed) {
			if full, ok := p.byID[id]; ok {
				return full
			}
		}
	}
	return m
}

// category is what a node's @type makes of it.
type category int

const (
	categoryOther category = iota
	categoryEvent
	categoryCourse
	categoryService
	categoryOrganization
	categoryItemList
)

// typeNames returns a node's @type values without prefix ("http://schema.org/SocialEvent"
// and "schema:SocialEvent" → "SocialEvent").
func typeNames(n jsonldNode) []string {
	var out []string
	for _, t := range list(n["@type"]) {
		s, ok := t.(string)
		if !ok {
			continue
		}
		if i := strings.LastIndexAny(s, "/#:"); i >= 0 {
			s = s[i+1:]
		}
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// categorize returns what n is and the @type that says so. With several types, an
// event wins over a course (unless the course has instances), a course over a
// service, a service over an organization.
func categorize(n jsonldNode) (category, string) {
	found := map[category]string{}
	for _, typ := range typeNames(n) {
		c := categoryOther
		switch t := strings.ToLower(typ); {
		case t == "course":
			c = categoryCourse
		case strings.HasSuffix(t, "event"), t == "eventseries", t == "festival", t == "hackathon", t == "courseinstance":
			c = categoryEvent
		case strings.HasSuffix(t, "service"):
			c = categoryService
		case strings.HasSuffix(t, "organization"), t == "ngo", t == "medicalclinic", t == "localbusiness":
			c = categoryOrganization
		case t == "itemlist":
			c = categoryItemList
		}
		if _, seen := found[c]; !seen {
			found[c] = typ
		}
	}
	if t, ok := found[categoryCourse]; ok && n["hasCourseInstance"] != nil {
		return categoryCourse, t
	}
	for _, c := range []category{categoryEvent, categoryCourse, categoryService, categoryOrganization, categoryItemList} {
		if t, ok := found[c]; ok {
			return c, t
		}
	}
	return categoryOther, ""
}

// node turns one top-level node into listings.
func (p *jsonldParser) node(block int, n jsonldNode, depth int) {
	if depth > maxDepth {
		return
	}
	cat, typ := categorize(n)
	if id := str(n["@id"]); id != "" {
		if p.done[id] || p.instances[id] {
			return // already read (references may loop), or read through its course
		}
		p.done[id] = true
	}
	where := fmt.Sprintf("json-ld block %d", block)
	if name := text(n["name"]); name != "" {
		where += fmt.Sprintf(", %s %q", typ, name)
	} else if typ != "" {
		where += ", " + typ
	}
	switch cat {
	case categoryEvent:
		l := record.Listing{Fields: map[string]string{}}
		if p.fill(&l, n, where) {
			p.page.Listings = append(p.page.Listings, l)
		}
	case categoryCourse:
		p.course(n, where)
	case categoryService:
		l := record.Listing{Fields: map[string]string{}}
		if p.fill(&l, n, where) {
			p.page.Listings = append(p.page.Listings, l)
		}
	case categoryOrganization:
		id, name := str(n["@id"]), text(n["name"])
		if text(n["description"]) == "" || (id != "" && p.referenced[id]) || (name != "" && p.referenced[record.Fold(name)]) {
			return
		}
		l := record.Listing{Fields: map[string]string{}}
		if p.fill(&l, n, where) {
			setField(&l, record.FieldOrganizer, name, nil)
			p.page.Listings = append(p.page.Listings, l)
		}
	case categoryItemList:
		for _, item := range list(n["itemListElement"]) {
			m := p.resolve(item)
			if m == nil {
				continue
			}
			if inner := p.resolve(m["item"]); inner != nil {
				m = inner
			}
			p.node(block, m, depth+1)
		}
	default:
		if main := p.resolve(n["mainEntity"]); main != nil {
			p.node(block, main, depth+1)
		}
	}
}

// course adds the listings of a Course: one per instance, or the course alone.
func (p *jsonldParser) course(n jsonldNode, where string) {
	base := record.Listing{Fields: map[string]string{}}
	if !p.fill(&base, n, where) {
		return
	}
	instances := list(n["hasCourseInstance"])
	if len(instances) == 0 {
		p.page.Listings = append(p.page.Listings, base)
		return
	}
	courseID := firstNonEmpty(base.LocalID, base.URL)
	for i, inst := range instances {
		m := p.resolve(inst)
		if m == nil {
			continue
		}
		l := record.Listing{URL: base.URL, Fields: map[string]string{}}
		for k, v := range base.Fields {
			l.Fields[k] = v
		}
		if !p.fill(&l, m, fmt.Sprintf("%s, instance %d", where, i+1)) {
			continue
		}
		if l.LocalID == "" && courseID != "" {
			if start := text(m["startDate"]); start != "" {
				l.LocalID = courseID + "#" + start
			} else {
				l.LocalID = courseID + "#" + strconv.Itoa(i+1)
			}
		}
		p.page.Listings = append(p.page.Listings, l)
	}
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// fill maps the schema.org properties of n onto l, over what l has. It reports false
// for a cancelled event, which is to be skipped.
func (p *jsonldParser) fill(l *record.Listing, n jsonldNode, where string) bool {
	status := strings.ToLower(text(n["eventStatus"]))
	if strings.HasSuffix(status, "eventcancelled") {
		p.page.Problems = append(p.page.Problems, Problem{Where: where, Message: "eventStatus is EventCancelled: skipped"})
		return false
	}
	set := func(field string, v any) { setField(l, field, text(v), p.base) }
	set(record.FieldTitle, n["name"])
	set(record.FieldDescription, n["description"])
	set(record.FieldStart, n["startDate"])
	set(record.FieldEnd, n["endDate"])
	set(record.FieldEmail, n["email"])
	set(record.FieldPhone, n["telephone"])
	if img := p.resolve(first(n["image"])); img != nil {
		set(record.FieldImage, img["url"])
	} else {
		set(record.FieldImage, first(n["image"]))
	}
	id := str(n["@id"])
	switch {
	case strings.HasPrefix(id, "_:"):
		id = "" // a blank node's id is not stable across crawls
	case id != "":
		id = resolveRef(p.base, id) // a relative @id is relative to the document
	}
	if id = firstNonEmpty(identifier(n["identifier"]), id); id != "" {
		l.LocalID = id
	}
	if ref := text(n["url"]); ref != "" {
		if abs, ok := httpURL(p.base, ref); ok {
			l.URL = abs
		} else {
			p.page.Problems = append(p.page.Problems, Problem{Where: where + ", url", Message: fmt.Sprintf("%q is not an http(s) URL", ref)})
		}
	}
	if lang := language(n["inLanguage"]); lang != "" {
		set(record.FieldLanguage, lang)
	} else if lang := language(n["availableLanguage"]); lang != "" {
		set(record.FieldLanguage, lang)
	}
	for _, c := range list(n["contactPoint"]) {
		if c := p.resolve(c); c != nil {
			if l.Fields[record.FieldEmail] == "" {
				set(record.FieldEmail, c["email"])
			}
			if l.Fields[record.FieldPhone] == "" {
				set(record.FieldPhone, c["telephone"])
			}
		}
	}
	p.location(l, n["location"])
	if ch := p.resolve(first(n["availableChannel"])); ch != nil {
		p.location(l, ch["serviceLocation"])
		set(record.FieldURL, ch["serviceUrl"])
		if ph := p.resolve(first(ch["servicePhone"])); ph != nil && l.Fields[record.FieldPhone] == "" {
			set(record.FieldPhone, ph["telephone"])
		}
	}
	if addr := n["address"]; addr != nil {
		p.address(l, addr)
	}
	if a := attendance(text(n["eventAttendanceMode"]), text(n["courseMode"])); a != "" {
		set(record.FieldAttendance, a)
	}
	if strings.HasSuffix(status, "eventmovedonline") {
		set(record.FieldAttendance, "online")
	}
	price, registration := p.offers(n["offers"])
	if price == "" && strings.EqualFold(text(n["isAccessibleForFree"]), "true") {
		price = "gratuit"
	}
	set(record.FieldPrice, price)
	set(record.FieldRegistration, registration)
	for _, key := range []string{"organizer", "provider"} {
		org := first(n[key])
		if s, ok := org.(string); ok {
			set(record.FieldOrganizer, s)
			break
		}
		if m := p.resolve(org); m != nil {
			set(record.FieldOrganizer, m["name"])
			set(record.FieldOrganizerURL, m["url"])
			if l.Fields[record.FieldEmail] == "" {
				set(record.FieldEmail, m["email"])
			}
			if l.Fields[record.FieldPhone] == "" {
				set(record.FieldPhone, m["telephone"])
			}
			break
		}
	}
	return true
}

// location maps a location: a Place (name, address), a VirtualLocation (url), a plain
// string, or an array of these (a hybrid event).
func (p *jsonldParser) location(l *record.Listing, v any) {
	for _, loc := range list(v) {
		if s, ok := loc.(string); ok {
			setField(l, record.FieldPlace, s, p.base)
			continue
		}
		m := p.resolve(loc)
		if m == nil {
			continue
		}
		virtual := false
		for _, t := range typeNames(m) {
			virtual = virtual || t == "virtuallocation"
		}
		if virtual {
			setField(l, record.FieldOnlineURL, text(m["url"]), p.base)
			continue
		}
		setField(l, record.FieldPlace, text(m["name"]), p.base)
		p.address(l, m["address"])
	}
}

// address maps a PostalAddress, or a plain string, onto the address fields.
func (p *jsonldParser) address(l *record.Listing, v any) {
	v = first(v)
	if s, ok := v.(string); ok {
		setField(l, record.FieldAddress, s, nil)
		return
	}
	m := p.resolve(v)
	if m == nil {
		return
	}
	setField(l, record.FieldAddress, text(m["streetAddress"]), nil)
	setField(l, record.FieldPostcode, text(m["postalCode"]), nil)
	setField(l, record.FieldCity, text(m["addressLocality"]), nil)
}

// offers returns the price text of one offer or several ("12 EUR", "gratuit",
// "5 - 10 EUR", joined by " / ") and the first offer's url (its sign-up page).
func (p *jsonldParser) offers(v any) (price, registration string) {
	var prices []string
	for _, o := range list(v) {
		m := p.resolve(o)
		if m == nil {
			continue
		}
		if registration == "" {
			registration = text(m["url"])
		}
		pr := priceText(m)
		if pr == "" {
			for _, spec := range list(m["priceSpecification"]) {
				if s := p.resolve(spec); s != nil {
					if pr = priceText(s); pr != "" {
						break
					}
				}
			}
		}
		if pr != "" && !contains(prices, pr) {
			prices = append(prices, pr)
		}
	}
	return strings.Join(prices, " / "), registration
}

// priceText reads price (or lowPrice/highPrice, minPrice/maxPrice) and priceCurrency.
func priceText(m jsonldNode) string {
	currency := text(m["priceCurrency"])
	withCurrency := func(s string) string {
		if currency == "" || strings.Contains(s, currency) {
			return s
		}
		return s + " " + currency
	}
	if price := text(m["price"]); price != "" {
		if isZero(price) {
			return "gratuit"
		}
		return withCurrency(price)
	}
	for _, pair := range [][2]string{{"lowPrice", "highPrice"}, {"minPrice", "maxPrice"}} {
		low, high := text(m[pair[0]]), text(m[pair[1]])
		switch {
		case low == "" && high == "":
			continue
		case (low == "" || isZero(low)) && (high == "" || isZero(high)):
			return "gratuit"
		case low == "" || low == high:
			return withCurrency(firstNonEmpty(high, low))
		case high == "":
			return withCurrency(low)
		}
		return withCurrency(low + " - " + high)
	}
	return ""
}

func isZero(s string) bool {
	f, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(s), ",", ".", 1), 64)
	return err == nil && f == 0
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// attendance maps eventAttendanceMode or a CourseInstance's courseMode.
func attendance(mode, courseMode string) string {
	switch m := strings.ToLower(mode); {
	case strings.Contains(m, "mixed"):
		return "hybrid"
	case strings.Contains(m, "online"):
		return "online"
	case strings.Contains(m, "offline"):
		return "in-person"
	}
	switch m := strings.ToLower(courseMode); {
	case strings.Contains(m, "blended"), strings.Contains(m, "hybrid"), strings.Contains(m, "mixed"):
		return "hybrid"
	case strings.Contains(m, "online"):
		return "online"
	case strings.Contains(m, "onsite"), strings.Contains(m, "in-person"), strings.Contains(m, "offline"):
		return "in-person"
	}
	return ""
}

// language reads inLanguage: "fr-BE", a Language node, or an array of these.
func language(v any) string {
	v = first(v)
	if m, ok := v.(jsonldNode); ok {
		return firstNonEmpty(text(m["alternateName"]), text(m["name"]))
	}
	return text(v)
}

// identifier reads an identifier: text, a number, or a PropertyValue.
func identifier(v any) string {
	v = first(v)
	if m, ok := v.(jsonldNode); ok {
		return text(m["value"])
	}
	return text(v)
}

// list returns v as a list: an array's items, or v alone.
func list(v any) []any {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		return v
	}
	return []any{v}
}

// first returns v, or the first item of an array.
func first(v any) any {
	if a, ok := v.([]any); ok {
		if len(a) == 0 {
			return nil
		}
		return a[0]
	}
	return v
}

// str returns v if it is a string.
func str(v any) string {
	s, _ := v.(string)
	return strings.TrimSpace(s)
}

// text returns the text of a value: a string, a number, a boolean, a {"@value": ...}
// object, or the first item of an array that has text.
func text(v any) string {
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	case jsonldNode:
		if val, ok := v["@value"]; ok {
			if _, nested := val.(jsonldNode); !nested {
				return text(val)
			}
		}
	case []any:
		for _, item := range v {
			if _, nested := item.([]any); nested {
				continue
			}
			if s := text(item); s != "" {
				return s
			}
		}
	}
	return ""
}
