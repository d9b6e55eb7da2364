package api

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ensemble-be/ensemble/record"
)

// Paging limits. Deeper access is what the cursor, the exports and the dumps are for.
const (
	defaultPerPage = 20
	maxPerPage     = 100
	maxDepth       = 10000 // page × per_page
	maxQueryBytes  = 500
	maxRadiusKm    = 300
	// defaultNearKm is the radius of near= when radius= is not given.
	defaultNearKm = 25
)

// SearchResponse is the body of GET /api/v1/search.
type SearchResponse struct {
	Total   uint64         `json:"total"`
	Page    int            `json:"page"`
	PerPage int            `json:"per_page"`
	Pages   uint64         `json:"pages"`
	Results []ResultRecord `json:"results"`
	// Facets is present with facets=true: per dimension, the values with their label
	// in the request language and their count.
	Facets map[string][]FacetValue `json:"facets,omitempty"`
	// Understood, when the text named a time ("ce week-end"), says how the search
	// read it: the words searched (q) and the time window (when).
	Understood map[string]string `json:"understood,omitempty"`
	// NextCursor continues after this page (cursor=), without a depth limit.
	NextCursor string            `json:"next_cursor,omitempty"`
	Links      map[string]string `json:"links"`
	Crisis     Crisis            `json:"crisis"`
}

// ResultRecord is a record with how it matched.
type ResultRecord struct {
	record.Record
	Match Match `json:"match"`
}

// Match says how a record matched a search.
type Match struct {
	Score      float64    `json:"score"`
	DistanceKm *float64   `json:"distance_km,omitempty"`
	NextDate   *time.Time `json:"next_date,omitempty"`
	// Highlights are the title and description, HTML-escaped, with the words that
	// matched inside <mark> elements; empty when nothing matched as typed.
	Highlights  map[string]string `json:"highlights,omitempty"`
	Explanation string            `json:"explanation,omitempty"`
}

// FacetValue is one value of a facet.
type FacetValue struct {
	Value string `json:"value"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

// handleSearch serves GET /api/v1/search (parameters: docs/api.md and the OpenAPI
// document).
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	lang := requestLanguage(r)
	q, err := parseSearch(r.URL.Query(), time.Now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.searcher.Search(r.Context(), q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	recs, err := s.store.Records(r.Context(), res.IDs)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	byID := make(map[string]record.Record, len(recs))
	for _, rec := range recs {
		byID[rec.ID] = rec.Public()
	}
	resp := SearchResponse{
		Total: res.Total, Page: q.Page, PerPage: q.PerPage,
		Pages:   (res.Total + uint64(q.PerPage) - 1) / uint64(q.PerPage),
		Results: []ResultRecord{}, Links: map[string]string{}, Crisis: crisisByLang[lang],
		NextCursor: res.Next, Understood: q.Understood,
	}
	for i, id := range res.IDs {
		rec, ok := byID[id]
		if !ok {
			continue // withdrawn from the store between the search and the read
		}
		var h SearchHit
		if i < len(res.Hits) {
			h = res.Hits[i]
		}
		m := Match{Score: h.Score, Explanation: h.Explanation}
		if h.DistanceKm >= 0 && q.Near != nil {
			d := float64(int(h.DistanceKm*10+0.5)) / 10
			m.DistanceKm = &d
		}
		if !h.NextDate.IsZero() {
			next := h.NextDate
			m.NextDate = &next
		}
		if s.highlighter != nil && q.Text != "" {
			m.Highlights = map[string]string{}
			for field, text := range map[string]string{"title": rec.Title, "description": rec.Description} {
				if hl, ok := s.highlighter.Highlight(text, q.Text, rec.Language); ok {
					m.Highlights[field] = hl
				}
			}
			if len(m.Highlights) == 0 {
				m.Highlights = nil
			}
		}
		resp.Results = append(resp.Results, ResultRecord{Record: rec, Match: m})
	}
	if res.Facets != nil {
		resp.Facets = s.facetLabels(r, res.Facets, lang)
	}
	link := func(set, value string) string {
		v := r.URL.Query()
		v.Del("page")
		v.Del("cursor")
		v.Set(set, value)
		return r.URL.Path + "?" + v.Encode()
	}
	if q.After == "" && uint64(q.Page) < resp.Pages && (q.Page+1)*q.PerPage <= maxDepth {
		resp.Links["next"] = link("page", strconv.Itoa(q.Page+1))
	}
	if q.After == "" && q.Page > 1 {
		resp.Links["prev"] = link("page", strconv.Itoa(q.Page-1))
	}
	if res.Next != "" {
		resp.Links["next_cursor"] = link("cursor", res.Next)
	}
	writeJSON(w, resp)
}

// searchParams are the parameters of /api/v1/search (and its feeds and exports).
var searchParams = []string{"q", "kind", "audience", "topic", "facilitation", "attendance", "language",
	"region", "province", "postcode", "near", "radius", "from", "to", "when", "weekday", "time", "free",
	"max_cost", "updated_after", "flag", "no_flag", "status", "source", "sort", "cursor", "page",
	"per_page", "facets", "explain", "lang"}

// parseSearch reads and checks the search parameters; an error names the parameter.
// now anchors relative dates (when=weekend).
func parseSearch(v url.Values, now time.Time) (SearchQuery, error) {
	for name := range v {
		if !slices.Contains(searchParams, name) && name != "format" {
			return SearchQuery{}, badParam(name, "unknown parameter (known: %s)", strings.Join(searchParams, ", "))
		}
	}
	q := SearchQuery{Text: strings.TrimSpace(v.Get("q")), Page: 1, PerPage: defaultPerPage, Language: v.Get("language")}
	if len(q.Text) > maxQueryBytes {
		return q, badParam("q", "longer than %d bytes", maxQueryBytes)
	}
	var err error
	if q.Page, err = intParam(v, "page", 1, 1, maxDepth); err != nil {
		return q, err
	}
	if q.PerPage, err = intParam(v, "per_page", defaultPerPage, 1, maxPerPage); err != nil {
		return q, err
	}
	q.After = v.Get("cursor")
	if q.After != "" && v.Has("page") {
		return q, badParam("cursor", "give either cursor or page, not both")
	}
	if q.After == "" && q.Page*q.PerPage > maxDepth {
		return q, badParam("page", "deeper than %d results: follow next_cursor, or use /api/v1/export (every match) or the dumps", maxDepth)
	}
	tax := record.DefaultTaxonomy()
	for _, f := range []struct {
		param string
		facet record.Facet
		dest  *[]string
	}{
		{"kind", record.FacetKind, &q.Kinds},
		{"audience", record.FacetAudience, &q.Audiences},
		{"topic", record.FacetTopic, &q.Topics},
		{"facilitation", record.FacetFacilitation, &q.Facilitation},
		{"attendance", record.FacetAttendance, &q.Attendance},
	} {
		for _, name := range listParam(v, f.param) {
			id, ok := tax.Lookup(f.facet, name)
			if !ok {
				return q, badParam(f.param, "%q is not a %s (see /api/v1/taxonomy; known: %s)", name, f.facet,
					strings.Join(tax.IDs(f.facet), ", "))
			}
			// A parent term finds its children too: "professional-group" finds intervisions.
			for _, d := range tax.Descendants(id) {
				if !slices.Contains(*f.dest, d) {
					*f.dest = append(*f.dest, d)
				}
			}
		}
	}
	for _, r := range listParam(v, "region") {
		region, ok := regionNames[record.Fold(r)]
		if !ok {
			return q, badParam("region", "%q is not one of Brussels, Flanders, Wallonia", r)
		}
		q.Regions = append(q.Regions, region)
	}
	for _, p := range listParam(v, "province") {
		province, ok := provinceNames[record.Fold(p)]
		if !ok {
			return q, badParam("province", "%q is not a Belgian province (e.g. Hainaut, Namur, Antwerpen, Brabant wallon)", p)
		}
		q.Provinces = append(q.Provinces, province)
	}
	for _, pc := range listParam(v, "postcode") {
		if n, err := strconv.Atoi(pc); err != nil || n < 1000 || n > 9999 {
			return q, badParam("postcode", "%q is not a Belgian postcode (4 digits)", pc)
		}
		q.Postcodes = append(q.Postcodes, pc)
	}
	if err := parsePlace(v, &q); err != nil {
		return q, err
	}
	if err := parseWhen(v, &q, now); err != nil {
		return q, err
	}
	if err := parseCost(v, &q); err != nil {
		return q, err
	}
	if s := v.Get("updated_after"); s != "" {
		t, err := parseDate(s)
		if err != nil {
			return q, badParam("updated_after", "%q is not a date (YYYY-MM-DD) or an RFC 3339 time", s)
		}
		q.UpdatedAfter = t
	}
	q.Flags, q.NoFlags = listParam(v, "flag"), listParam(v, "no_flag")
	for _, st := range listParam(v, "status") {
		if !record.Status(st).Valid() {
			return q, badParam("status", "%q is not one of active, withdrawn, past, stale", st)
		}
		q.Statuses = append(q.Statuses, st)
	}
	q.Sources = listParam(v, "source")
	switch q.Sort = v.Get("sort"); q.Sort {
	case "", "relevance", "date", "updated":
	case "distance":
		if q.Near == nil {
			return q, badParam("sort", "sort=distance needs near= (a postcode, a place or lat,lon)")
		}
	default:
		return q, badParam("sort", "%q is not one of relevance, date, distance, updated", q.Sort)
	}
	if q.Facets, err = boolParam(v, "facets"); err != nil {
		return q, err
	}
	if q.Explain, err = boolParam(v, "explain"); err != nil {
		return q, err
	}
	return q, nil
}

// parsePlace reads near (a postcode, a place name or "lat,lon") and radius (km).
func parsePlace(v url.Values, q *SearchQuery) error {
	near := strings.TrimSpace(v.Get("near"))
	if near == "" {
		if v.Has("radius") {
			return badParam("radius", "radius needs near= (a postcode, a place or lat,lon)")
		}
		return nil
	}
	if lat, lon, ok := strings.Cut(near, ","); ok {
		la, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
		lo, err2 := strconv.ParseFloat(strings.TrimSpace(lon), 64)
		if err1 != nil || err2 != nil || la < -90 || la > 90 || lo < -180 || lo > 180 {
			return badParam("near", "%q is not lat,lon in degrees (e.g. 50.41,4.44)", near)
		}
		q.Near = &GeoPoint{Lat: la, Lon: lo}
	} else {
		centre, ok := placePoint(near)
		if !ok {
			return badParam("near", "%q is neither a Belgian postcode, a locality we know, nor lat,lon", near)
		}
		q.Near = &centre
	}
	q.RadiusKm = defaultNearKm
	if s := v.Get("radius"); s != "" {
		r, err := strconv.ParseFloat(s, 64)
		if err != nil || r <= 0 || r > maxRadiusKm {
			return badParam("radius", "%q is not a distance in km between 0 and %d", s, maxRadiusKm)
		}
		q.RadiusKm = r
	}
	return nil
}

// placePoint is the centre of a Belgian postcode or of a locality (or commune) by
// name: the mean of its places' coordinates in the postcode table.
func placePoint(name string) (GeoPoint, bool) {
	places := record.PostcodePlaces(name)
	if places == nil {
		places = record.FindLocality(name)
	}
	var sum GeoPoint
	n := 0
	for _, p := range places {
		if p.Lat != 0 || p.Lon != 0 {
			sum.Lat, sum.Lon, n = sum.Lat+p.Lat, sum.Lon+p.Lon, n+1
		}
	}
	if n == 0 {
		return GeoPoint{}, false
	}
	return GeoPoint{Lat: sum.Lat / float64(n), Lon: sum.Lon / float64(n)}, true
}

// parseWhen reads from, to (dates, Europe/Brussels; to is inclusive), when (today,
// tomorrow, weekend, week, month), weekday and time (HH:MM-HH:MM).
func parseWhen(v url.Values, q *SearchQuery, now time.Time) error {
	now = now.In(brussels)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, brussels)
	s := v.Get("when")
	if s == "" && !v.Has("from") && !v.Has("to") {
		// "groupe de parole ce week-end": the time is a filter, not words to find.
		if rest, when := extractWhen(q.Text); when != "" {
			q.Understood = map[string]string{"q": rest, "when": when}
			q.Text, s = rest, when
		}
	}
	if s != "" {
		if v.Has("from") || v.Has("to") {
			return badParam("when", "give either when or from/to, not both")
		}
		switch s {
		case "today":
			q.From, q.To = now, today.AddDate(0, 0, 1)
		case "tomorrow":
			q.From, q.To = today.AddDate(0, 0, 1), today.AddDate(0, 0, 2)
		case "weekend":
			// The coming Saturday and Sunday; on a weekend, the rest of this one.
			days := (int(time.Saturday) - int(now.Weekday()) + 7) % 7
			if now.Weekday() == time.Sunday {
				days = -1
			}
			sat := today.AddDate(0, 0, days)
			q.From, q.To = sat, sat.AddDate(0, 0, 2)
			if now.After(sat) {
				q.From = now
			}
		case "week":
			q.From, q.To = now, today.AddDate(0, 0, 7)
		case "month":
			q.From, q.To = now, today.AddDate(0, 1, 0)
		default:
			return badParam("when", "%q is not one of today, tomorrow, weekend, week, month", s)
		}
	}
	for _, p := range []struct {
		name string
		dest *time.Time
		end  bool
	}{{"from", &q.From, false}, {"to", &q.To, true}} {
		s := v.Get(p.name)
		if s == "" {
			continue
		}
		t, err := parseDate(s)
		if err != nil {
			return badParam(p.name, "%q is not a date (YYYY-MM-DD) or an RFC 3339 time", s)
		}
		if p.end && len(s) == len("2006-01-02") {
			t = t.AddDate(0, 0, 1) // to=2026-12-24 includes the 24th
		}
		*p.dest = t
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.To.After(q.From) {
		return badParam("to", "must not be before from")
	}
	for _, d := range listParam(v, "weekday") {
		wd, ok := weekdayNames[record.Fold(d)]
		if !ok {
			return badParam("weekday", "%q is not a weekday (mon, tue, wed, thu, fri, sat, sun)", d)
		}
		q.Weekdays = append(q.Weekdays, wd)
	}
	if s := v.Get("time"); s != "" {
		from, to, ok := strings.Cut(s, "-")
		a, errA := clock(from)
		b, errB := clock(to)
		if !ok || errA != nil || errB != nil || b <= a {
			return badParam("time", "%q is not a window like 18:00-22:00 (start before end, one day)", s)
		}
		q.TimeFrom, q.TimeTo = a, b
	}
	return nil
}

// parseCost reads free and max_cost.
func parseCost(v url.Values, q *SearchQuery) error {
	var err error
	if q.Free, err = boolParam(v, "free"); err != nil {
		return err
	}
	if s := v.Get("max_cost"); s != "" {
		m, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
		if err != nil || m < 0 {
			return badParam("max_cost", "%q is not an amount in euros, 0 or more", s)
		}
		q.MaxCost = &m
	}
	return nil
}

// brussels is where dates, weekdays and times of day are reckoned.
var brussels = record.Brussels

// parseDate reads YYYY-MM-DD (midnight in Brussels) or an RFC 3339 time.
func parseDate(s string) (time.Time, error) {
	if t, err := time.ParseInLocation("2006-01-02", s, brussels); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, s)
}

// clock reads HH:MM (or HHhMM, HH) as minutes after midnight; 24:00 is the end of day.
func clock(s string) (int, error) {
	s = strings.ReplaceAll(strings.TrimSpace(strings.ToLower(s)), "h", ":")
	hh, mm, _ := strings.Cut(s, ":")
	h, err := strconv.Atoi(hh)
	if err != nil {
		return 0, err
	}
	m := 0
	if mm != "" {
		if m, err = strconv.Atoi(mm); err != nil {
			return 0, err
		}
	}
	if h < 0 || m < 0 || m > 59 || h > 24 || h == 24 && m > 0 {
		return 0, strconv.ErrRange
	}
	return h*60 + m, nil
}

// boolParam reads true/false, 1/0, yes/no; absent is false.
func boolParam(v url.Values, name string) (bool, error) {
	switch strings.ToLower(v.Get(name)) {
	case "":
		return false, nil
	case "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off":
		return false, nil
	}
	return false, badParam(name, "%q is not true or false", v.Get(name))
}

// regionNames maps the names people use for the regions, folded, to the region ids.
var regionNames = map[string]string{
	"brussels": "Brussels", "bruxelles": "Brussels", "brussel": "Brussels",
	"flanders": "Flanders", "vlaanderen": "Flanders", "flandre": "Flanders", "flandern": "Flanders",
	"wallonia": "Wallonia", "wallonie": "Wallonia", "wallonien": "Wallonia",
}

// provinces lists each province as stored (the postcode table's French name) with
// its names in fr, nl, de and en.
var provinces = []struct {
	id                 string
	fr, nl, de, en     string
	otherFoldedAliases []string
}{
	{"Anvers", "Anvers", "Antwerpen", "Antwerpen", "Antwerp", nil},
	{"Brabant flamand", "Brabant flamand", "Vlaams-Brabant", "Flämisch-Brabant", "Flemish Brabant", []string{"vlaams brabant"}},
	{"Brabant wallon", "Brabant wallon", "Waals-Brabant", "Wallonisch-Brabant", "Walloon Brabant", []string{"waals brabant"}},
	{"Bruxelles-Capitale", "Bruxelles-Capitale", "Brussel-Hoofdstad", "Brüssel-Hauptstadt", "Brussels-Capital", []string{"bruxelles capitale", "brussel hoofdstad"}},
	{"Flandre occidentale", "Flandre occidentale", "West-Vlaanderen", "Westflandern", "West Flanders", []string{"west vlaanderen"}},
	{"Flandre orientale", "Flandre orientale", "Oost-Vlaanderen", "Ostflandern", "East Flanders", []string{"oost vlaanderen"}},
	{"Hainaut", "Hainaut", "Henegouwen", "Hennegau", "Hainaut", nil},
	{"Limbourg", "Limbourg", "Limburg", "Limburg", "Limburg", nil},
	{"Liège", "Liège", "Luik", "Lüttich", "Liège", []string{"liege"}},
	{"Luxembourg", "Luxembourg", "Luxemburg", "Luxemburg", "Luxembourg", nil},
	{"Namur", "Namur", "Namen", "Namur", "Namur", nil},
}

// provinceNames maps every folded name of a province to its id.
var provinceNames = func() map[string]string {
	m := map[string]string{}
	for _, p := range provinces {
		for _, n := range append([]string{p.id, p.fr, p.nl, p.de, p.en}, p.otherFoldedAliases...) {
			m[record.Fold(n)] = p.id
		}
	}
	return m
}()

// weekdayNames maps weekday names and abbreviations (en, fr, nl, de), folded.
var weekdayNames = func() map[string]time.Weekday {
	m := map[string]time.Weekday{}
	for d, names := range [7][]string{
		{"sun", "sunday", "dim", "dimanche", "zo", "zondag", "so", "sonntag"},
		{"mon", "monday", "lun", "lundi", "ma", "maandag", "mo", "montag"},
		{"tue", "tuesday", "mar", "mardi", "di", "dinsdag", "dienstag"},
		{"wed", "wednesday", "mer", "mercredi", "wo", "woensdag", "mi", "mittwoch"},
		{"thu", "thursday", "jeu", "jeudi", "do", "donderdag", "donnerstag"},
		{"fri", "friday", "ven", "vendredi", "vr", "vrijdag", "fr", "freitag"},
		{"sat", "saturday", "sam", "samedi", "za", "zaterdag", "sa", "samstag"},
	} {
		for _, n := range names {
			m[n] = time.Weekday(d)
		}
	}
	return m
}()

func intParam(v url.Values, name string, def, lo, hi int) (int, error) {
	s := v.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, badParam(name, "%q is not a whole number", s)
	}
	if n < lo || n > hi {
		return 0, badParam(name, "must be between %d and %d", lo, hi)
	}
	return n, nil
}

// listParam reads a parameter given repeated (kind=a&kind=b) or comma-separated.
func listParam(v url.Values, name string) []string {
	var out []string
	for _, value := range v[name] {
		for _, part := range strings.Split(value, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}
