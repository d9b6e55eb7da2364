package index

import (
	"container/heap"
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/ensemble-be/ensemble/record"
)

// Query is one search, as the person asked it.
type Query struct {
	// Text is what the person typed. Every word must match (in any language field);
	// "quoted phrases" rank higher when found as phrases but are not required to be.
	// Empty Text matches every record.
	Text string
	// Kinds keeps records of any of these kinds (record.Kind ids); empty keeps all.
	Kinds []string
	// Statuses keeps records of any of these statuses; empty means ["active"].
	Statuses []string
	// Sources keeps records of any of these sources; empty keeps all.
	Sources []string
	// Language keeps records in this language (record.Language); "" keeps all.
	Language string
	// Audiences, Topics, Facilitation, Attendance, Regions, Provinces and Postcodes
	// keep records with any of the values (ids as stored: the caller expands a parent
	// term to its descendants).
	Audiences, Topics, Facilitation, Attendance, Regions, Provinces, Postcodes []string
	// Flags keeps records carrying any of these flag codes; NoFlags drops records
	// carrying any of them.
	Flags, NoFlags []string
	// Near keeps records within RadiusKm of it (DefaultRadiusKm when 0); records
	// without coordinates are left out.
	Near     *Point
	RadiusKm float64
	// From and To keep records with an occurrence in [From, To); zero is open. The
	// occurrences are the schedule's start and next dates.
	From, To time.Time
	// Weekdays keeps records with an upcoming occurrence (in [From, To) if given) on
	// one of these days, in Europe/Brussels.
	Weekdays []time.Weekday
	// TimeFrom and TimeTo (minutes after midnight, Europe/Brussels) keep records with
	// an upcoming occurrence starting in [TimeFrom, TimeTo). Both 0 means no window.
	TimeFrom, TimeTo int
	// Free keeps records that say they are free. MaxCost, if set, keeps records that
	// are free or whose lowest price is at most *MaxCost.
	Free    bool
	MaxCost *float64
	// UpdatedAfter keeps records whose content changed after it.
	UpdatedAfter time.Time
	// Sort is SortRelevance (""), SortDate, SortDistance (needs Near) or SortUpdated.
	Sort string
	// After is the Next cursor of the previous page; it overrides Page and has no
	// depth limit.
	After string
	// Facets asks for counts per value of every dimension (Result.Facets).
	Facets bool
	// Explain asks for each hit's score breakdown (Hit.Explanation).
	Explain bool
	// Expand also matches each word by the other names of the taxonomy terms it
	// names, by the records classified with those terms, and by near spellings (see
	// docs/search.md). Off, every word must be found as typed (stemmed, folded).
	Expand bool
	// Page is 1-based; 0 means 1. PerPage is 1 to MaxPerPage; 0 means DefaultPerPage.
	// Page × PerPage may not exceed MaxDepth.
	Page, PerPage int
	// Now is the time "upcoming" is measured from; zero means time.Now().
	Now time.Time
}

// Point is a WGS84 position in degrees.
type Point struct{ Lat, Lon float64 }

// Sorts.
const (
	SortRelevance = "relevance"
	SortDate      = "date"
	SortDistance  = "distance"
	SortUpdated   = "updated"
)

// DefaultRadiusKm is the radius of Near when none is given.
const DefaultRadiusKm = 25

// Hit is one matching record.
type Hit struct {
	ID    string
	Score float64 // relevance, comparable within one result only; 0 for the empty query
	// DistanceKm is the distance from Query.Near; -1 without Near.
	DistanceKm float64
	// Next is the record's next occurrence (at or after Now and From); zero if none.
	Next time.Time
	// Explanation is the score's breakdown, with Query.Explain.
	Explanation string
}

// Result is one page of hits.
type Result struct {
	Total uint64 // matching records, all pages
	Hits  []Hit
	// Facets counts the matches per value of each dimension, most frequent first;
	// each dimension's counts ignore that dimension's own filter.
	Facets map[string][]FacetCount
	// Next is the cursor of the page after this one; "" on the last page.
	Next string
	Took time.Duration
}

// FacetCount is how many matches have one value of a dimension.
type FacetCount struct {
	Value string
	Count int
}

// QueryError is a query the index refuses; Param names the faulty query parameter
// so the API can say which.
type QueryError struct {
	Param   string
	Problem string
}

func (e *QueryError) Error() string { return "invalid " + e.Param + ": " + e.Problem }

// BadParam names the parameter and the problem, for the API's errors.
func (e *QueryError) BadParam() (param, reason string) { return e.Param, e.Problem }

// paging returns the validated page and per-page values.
func (q Query) paging() (page, perPage int, err error) {
	page, perPage = q.Page, q.PerPage
	if page == 0 {
		page = 1
	}
	if perPage == 0 {
		perPage = DefaultPerPage
	}
	switch {
	case perPage < 1 || perPage > MaxPerPage:
		return 0, 0, &QueryError{Param: "per_page", Problem: fmt.Sprintf("must be between 1 and %d", MaxPerPage)}
	case page < 1:
		return 0, 0, &QueryError{Param: "page", Problem: "must be 1 or more"}
	case q.After == "" && page > MaxDepth/perPage:
		return 0, 0, &QueryError{Param: "page", Problem: fmt.Sprintf(
			"page × per_page may not exceed %d; use the cursor, the export or the dumps to go deeper", MaxDepth)}
	}
	return page, perPage, nil
}

// plan is a Query compiled against the table.
type plan struct {
	statuses, noFlags []uint32 // hard filters on terms
	// facetFilters are the filters on facet dimensions: a row failing exactly one of
	// them still counts in that dimension's facet.
	facetFilters []termFilter
	weekdays     [7]bool
	hasWeekdays  bool
	near         *Point
	radiusKm     float64
	// box bounds near's circle in degrees: rows outside it skip the trigonometry.
	minLat, maxLat, minLon, maxLon float32
	from, to                       int64 // unix; to 0: open
	timeFrom                       int
	timeTo                         int
	free                           bool
	maxCost                        float64 // NaN: none
	updatedAfter                   int64
	now                            int64
	needOcc                        bool // some filter looks at the occurrences
}

// termFilter keeps rows holding any of a dimension's allowed terms.
type termFilter struct {
	dim     int
	allowed []uint32 // ascending
}

func (f *termFilter) match(r *row) bool {
	// Both sides are short and sorted: a merge.
	i, j := 0, 0
	for i < len(r.terms) && j < len(f.allowed) {
		switch a, b := r.terms[i], f.allowed[j]; {
		case a == b:
			return true
		case a < b:
			i++
		default:
			j++
		}
	}
	return false
}

// compile resolves q's values against the table's dictionary. The caller holds
// t.mu for reading. A value the dictionary lacks matches nothing.
func (t *table) compile(q Query) (*plan, error) {
	p := &plan{maxCost: math.NaN(), timeFrom: q.TimeFrom, timeTo: q.TimeTo, free: q.Free}
	now := q.Now
	if now.IsZero() {
		now = time.Now()
	}
	p.now = now.Unix()
	ids := func(dim int, values []string) []uint32 {
		var out []uint32
		for _, v := range values {
			if id, ok := t.termIDs[dimNames[dim]+":"+v]; ok {
				out = append(out, id)
			}
		}
		slices.Sort(out)
		return out
	}
	statuses := q.Statuses
	if len(statuses) == 0 {
		statuses = []string{string(record.StatusActive)}
	}
	p.statuses = ids(dimStatus, statuses)
	p.noFlags = ids(dimFlag, q.NoFlags)
	var language []string
	if q.Language != "" {
		language = []string{q.Language}
	}
	for _, f := range []struct {
		dim    int
		values []string
	}{
		{dimKind, q.Kinds}, {dimSource, q.Sources}, {dimLanguage, language},
		{dimAudience, q.Audiences}, {dimTopic, q.Topics}, {dimFacilitation, q.Facilitation},
		{dimAttendance, q.Attendance}, {dimRegion, q.Regions}, {dimProvince, q.Provinces},
		{dimPostcode, q.Postcodes}, {dimFlag, q.Flags},
	} {
		if len(f.values) > 0 {
			p.facetFilters = append(p.facetFilters, termFilter{dim: f.dim, allowed: ids(f.dim, f.values)})
		}
	}
	for _, d := range q.Weekdays {
		if d < time.Sunday || d > time.Saturday {
			return nil, &QueryError{Param: "weekday", Problem: fmt.Sprintf("no weekday %d", d)}
		}
		p.weekdays[d], p.hasWeekdays = true, true
	}
	if q.Near != nil {
		if math.Abs(q.Near.Lat) > 90 || math.Abs(q.Near.Lon) > 180 {
			return nil, &QueryError{Param: "near", Problem: "latitude must be within ±90 and longitude within ±180"}
		}
		p.near, p.radiusKm = q.Near, q.RadiusKm
		if p.radiusKm == 0 {
			p.radiusKm = DefaultRadiusKm
		}
		if p.radiusKm < 0 {
			return nil, &QueryError{Param: "radius", Problem: "must be positive"}
		}
		dLat := p.radiusKm/111.0 + 0.01
		dLon := dLat / max(0.01, math.Cos(math.Min(89, math.Abs(q.Near.Lat)+dLat)*math.Pi/180))
		p.minLat, p.maxLat = float32(q.Near.Lat-dLat), float32(q.Near.Lat+dLat)
		p.minLon, p.maxLon = float32(q.Near.Lon-dLon), float32(q.Near.Lon+dLon)
	} else if q.Sort == SortDistance {
		return nil, &QueryError{Param: "sort", Problem: "sorting by distance needs near"}
	}
	if !q.From.IsZero() {
		p.from = q.From.Unix()
	}
	if !q.To.IsZero() {
		p.to = q.To.Unix()
		if p.to <= p.from {
			return nil, &QueryError{Param: "to", Problem: "must be after from"}
		}
	}
	if q.TimeFrom < 0 || q.TimeTo > 24*60 || q.TimeTo != 0 && q.TimeTo <= q.TimeFrom {
		return nil, &QueryError{Param: "time", Problem: "the window must lie within one day, its start before its end"}
	}
	if q.MaxCost != nil {
		if *q.MaxCost < 0 || math.IsNaN(*q.MaxCost) {
			return nil, &QueryError{Param: "max_cost", Problem: "must be 0 or more"}
		}
		p.maxCost = *q.MaxCost
	}
	if !q.UpdatedAfter.IsZero() {
		p.updatedAfter = q.UpdatedAfter.Unix()
	}
	p.needOcc = p.from != 0 || p.to != 0 || p.hasWeekdays || p.timeTo != 0 || q.Sort == SortDate
	switch q.Sort {
	case "", SortRelevance, SortDate, SortDistance, SortUpdated:
	default:
		return nil, &QueryError{Param: "sort", Problem: fmt.Sprintf("%q is not one of relevance, date, distance, updated", q.Sort)}
	}
	return p, nil
}

// unfiltered reports whether the plan keeps every active row.
func (p *plan) unfiltered(q Query) bool {
	return len(p.facetFilters) == 0 && len(p.noFlags) == 0 && !p.hasWeekdays && p.near == nil &&
		p.from == 0 && p.to == 0 && p.timeTo == 0 && !p.free && math.IsNaN(p.maxCost) && p.updatedAfter == 0 &&
		(len(q.Statuses) == 0 || len(q.Statuses) == 1 && q.Statuses[0] == string(record.StatusActive))
}

// eval is what the plan makes of one row.
type eval struct {
	ok        bool // passes every filter
	failedDim int  // with !ok and counted: the one facet dimension it fails
	counted   bool // counts in facets (passes all, or fails one facet dimension)
	next      occurrence
	hasNext   bool
	distKm    float64
	weekdays  uint8 // bit per weekday of the occurrences in the window
}

// eval applies the plan to r.
func (p *plan) eval(r *row) eval {
	e := eval{distKm: -1, failedDim: -1}
	if !holdsAny(r, p.statuses) || len(p.noFlags) > 0 && holdsAny(r, p.noFlags) {
		return e
	}
	if p.updatedAfter != 0 && r.updated <= p.updatedAfter {
		return e
	}
	if p.free && !r.free {
		return e
	}
	if !math.IsNaN(p.maxCost) && !r.free && !(r.cost <= float32(p.maxCost)) {
		return e
	}
	if p.near != nil {
		// NaN (no coordinates) fails these comparisons too.
		if !(r.lat >= p.minLat && r.lat <= p.maxLat && r.lon >= p.minLon && r.lon <= p.maxLon) {
			return e
		}
		e.distKm = distanceKm(p.near.Lat, p.near.Lon, float64(r.lat), float64(r.lon))
		if e.distKm > p.radiusKm {
			return e
		}
	}
	if p.needOcc {
		// Upcoming occurrences inside the date window and the time-of-day window.
		start := max(p.now, p.from)
		inWindow := false
		for _, o := range r.occ {
			u := o.unix()
			if u < start {
				continue
			}
			if p.to != 0 && u >= p.to {
				break
			}
			if p.timeTo != 0 && (o.minuteOfDay() < p.timeFrom || o.minuteOfDay() >= p.timeTo) {
				continue
			}
			if !inWindow {
				e.next, e.hasNext, inWindow = o, true, true
			}
			e.weekdays |= 1 << o.weekday()
		}
		windowed := p.from != 0 || p.to != 0 || p.timeTo != 0
		if windowed && !inWindow {
			return e
		}
	}
	fails := 0
	for i := range p.facetFilters {
		if !p.facetFilters[i].match(r) {
			if fails++; fails > 1 {
				return e
			}
			e.failedDim = p.facetFilters[i].dim
		}
	}
	if p.hasWeekdays && !p.weekdayMatch(e.weekdays) {
		if fails++; fails > 1 {
			return e
		}
		e.failedDim = dimWeekday
	}
	e.counted = true
	e.ok = fails == 0
	return e
}

func (p *plan) weekdayMatch(days uint8) bool {
	for d, want := range p.weekdays {
		if want && days&(1<<d) != 0 {
			return true
		}
	}
	return false
}

// holdsAny reports whether r holds any of ids (ascending).
func holdsAny(r *row, ids []uint32) bool {
	f := termFilter{allowed: ids}
	return f.match(r)
}

// facetCounter counts terms and weekdays of the rows it is shown.
type facetCounter struct {
	terms    []int
	weekdays [7]int
}

// candidate is a matching row with its sort key.
type candidate struct {
	ord   int32
	key   sortKey
	score float64
	eval  eval
	expl  string
}

// sortKey orders hits: num ascending, then str ascending (pre holds its first 8
// bytes, which settle most comparisons without reading the strings), then id.
type sortKey struct {
	num float64
	pre uint64
	str string
	id  string
}

// prefix is the first 8 bytes of s as a big-endian number: it orders like s.
func prefix(s string) uint64 {
	var b [8]byte
	copy(b[:], s)
	return binary.BigEndian.Uint64(b[:])
}

func (a sortKey) less(b sortKey) bool {
	if a.num != b.num {
		return a.num < b.num
	}
	if a.pre != b.pre {
		return a.pre < b.pre
	}
	if a.str != b.str {
		return a.str < b.str
	}
	return a.id < b.id
}

// cursor encodes a key for Result.Next.
func (k sortKey) cursor(sort string) string {
	s := sort + "\x00" + strconv.FormatFloat(k.num, 'g', -1, 64) + "\x00" + k.str + "\x00" + k.id
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

// parseCursor decodes a cursor made for the same sort.
func parseCursor(c, sort string) (sortKey, error) {
	bad := &QueryError{Param: "cursor", Problem: "not a cursor of this search (take it from the previous page's next link)"}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return sortKey{}, bad
	}
	parts := strings.Split(string(b), "\x00")
	if len(parts) != 4 || parts[0] != sort {
		return sortKey{}, bad
	}
	num, err := strconv.ParseFloat(parts[1], 64)
	if err != nil {
		return sortKey{}, bad
	}
	return sortKey{num: num, pre: prefix(parts[2]), str: parts[2], id: parts[3]}, nil
}

// topK keeps the k least candidates (a max-heap on the key).
type topK struct {
	k     int
	items []candidate
}

func (h *topK) Len() int           { return len(h.items) }
func (h *topK) Less(i, j int) bool { return h.items[j].key.less(h.items[i].key) }
func (h *topK) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *topK) Push(x any)         { h.items = append(h.items, x.(candidate)) }
func (h *topK) Pop() any {
	last := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return last
}

// offer adds c if it is among the k least so far.
func (h *topK) offer(c candidate) {
	if len(h.items) < h.k {
		heap.Push(h, c)
	} else if c.key.less(h.items[0].key) {
		h.items[0] = c
		heap.Fix(h, 0)
	}
}

// sorted returns the candidates, least first.
func (h *topK) sorted() []candidate {
	out := slices.Clone(h.items)
	slices.SortFunc(out, func(a, b candidate) int {
		if a.key.less(b.key) {
			return -1
		}
		if b.key.less(a.key) {
			return 1
		}
		return 0
	})
	return out
}

// Search returns one page of the records matching q. Text finds the candidates
// through bleve; the filter table filters, counts and sorts them. Without text every
// row is a candidate. Ties break by id, so pages are stable. A bad parameter is a
// *QueryError.
func (ix *Index) Search(ctx context.Context, q Query) (Result, error) {
	start := time.Now()
	page, perPage, err := q.paging()
	if err != nil {
		return Result{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, searchTimeout)
	defer cancel()
	sortBy := q.Sort
	if sortBy == "" {
		sortBy = SortRelevance
	}
	var after *sortKey
	if q.After != "" {
		k, err := parseCursor(q.After, sortBy)
		if err != nil {
			return Result{}, err
		}
		after = &k
	}

	t := ix.table
	t.mu.RLock()
	defer t.mu.RUnlock()
	p, err := t.compile(q)
	if err != nil {
		return Result{}, err
	}
	k := page * perPage
	if after != nil {
		k = perPage
	}
	top := &topK{k: k + 1} // one more tells whether a next page exists
	var counter *facetCounter
	if q.Facets {
		counter = &facetCounter{terms: make([]int, len(t.termDim))}
	}
	textQ := ix.textQuery(q.Text, q.Expand)
	var total uint64
	consider := func(ord int32, score float64, expl string) {
		r := &t.rows[ord]
		e := p.eval(r)
		if !e.counted {
			return
		}
		if counter != nil {
			counter.addWith(t, p, r, e)
		}
		if !e.ok {
			return
		}
		total++
		c := candidate{ord: ord, score: score, eval: e, expl: expl, key: sortKey{id: r.id}}
		switch sortBy {
		case SortRelevance:
			if textQ == nil {
				c.key = r.titleKey() // the empty query lists by title
			} else {
				c.key.num = -score
			}
		case SortDate:
			c.key.num = math.Inf(1)
			if n, ok := nextOf(r, e, p); ok {
				c.key.num = float64(n.unix())
			}
		case SortDistance:
			c.key.num = e.distKm
		case SortUpdated:
			c.key.num = -float64(r.updated)
		}
		if after != nil && !after.less(c.key) {
			return
		}
		top.offer(c)
	}

	from := (page - 1) * perPage
	if after != nil {
		from = 0
	}
	if textQ == nil && sortBy == SortRelevance && after == nil && p.unfiltered(q) {
		// Neither text nor filters: the counts and the order are kept ready.
		d := t.derived()
		total = uint64(len(d.byTitle))
		for _, ord := range d.byTitle[min(from, len(d.byTitle)):min(from+perPage+1, len(d.byTitle))] {
			top.items = append(top.items, candidate{ord: ord, key: t.rows[ord].titleKey(), eval: eval{distKm: -1}})
		}
		from = 0
		if counter != nil {
			copy(counter.terms, d.activeCounts)
			counter.weekdays = t.activeWeekdays(p.now)
		}
	} else if err := ix.eachCandidate(ctx, p, textQ, q.Explain, q.Facets, consider); err != nil {
		return Result{}, err
	}

	hits := top.sorted()
	res := Result{Total: total}
	more := len(hits) > from+perPage
	if from > len(hits) {
		from = len(hits)
	}
	hits = hits[from:min(len(hits), from+perPage)]
	for _, c := range hits {
		r := &t.rows[c.ord]
		h := Hit{ID: r.id, Score: c.score, DistanceKm: c.eval.distKm}
		if n, ok := nextOf(r, c.eval, p); ok {
			h.Next = time.Unix(n.unix(), 0).In(brussels)
		}
		h.Explanation = c.expl
		res.Hits = append(res.Hits, h)
	}
	if more && len(hits) > 0 {
		res.Next = hits[len(hits)-1].key.cursor(sortBy)
	}
	if counter != nil {
		res.Facets = counter.result(t)
	}
	res.Took = time.Since(start)
	return res, nil
}

// eachCandidate calls fn with every row a search must look at: the text query's
// hits (with score and, when explaining, explanation), else the rows its filters
// narrow it to (see candidates), else every row. The caller holds ix.table.mu for
// reading.
func (ix *Index) eachCandidate(ctx context.Context, p *plan, textQ *query.BooleanQuery, explain, facets bool,
	fn func(ord int32, score float64, explanation string)) error {
	if textQ != nil {
		return ix.eachTextHit(ctx, textQ, explain, fn)
	}
	t := ix.table
	rows := t.candidates(p, facets)
	n := len(rows)
	if rows == nil {
		n = len(t.rows)
	}
	for i := range n {
		if i&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("search: %w", err)
			}
		}
		ord := int32(i)
		if rows != nil {
			ord = rows[i]
		}
		fn(ord, 0, "")
	}
	return nil
}

// nextOf is r's next occurrence as the search sees it: the first in the date and
// time windows when a filter looked at them, else the first upcoming one.
func nextOf(r *row, e eval, p *plan) (occurrence, bool) {
	if e.hasNext {
		return e.next, true
	}
	return r.nextAfter(max(p.now, p.from))
}

// addWith counts r (evaluated as e) in the facets.
func (c *facetCounter) addWith(t *table, p *plan, r *row, e eval) {
	if e.ok {
		for _, id := range r.terms {
			c.terms[id]++
		}
	} else if e.failedDim != dimWeekday {
		for _, id := range r.terms {
			if int(t.termDim[id]) == e.failedDim {
				c.terms[id]++
			}
		}
	}
	if e.ok || e.failedDim == dimWeekday {
		days := e.weekdays
		if !p.needOcc {
			// No occurrence filter ran: the weekdays of the upcoming occurrences.
			for _, o := range r.occ {
				if o.unix() >= p.now {
					days |= 1 << o.weekday()
				}
			}
		}
		for d := range 7 {
			if days&(1<<d) != 0 {
				c.weekdays[d]++
			}
		}
	}
}

// result turns the counts into facets, most frequent first, then by value.
func (c *facetCounter) result(t *table) map[string][]FacetCount {
	out := map[string][]FacetCount{}
	for id, n := range c.terms {
		if n == 0 {
			continue
		}
		dim := t.termDim[id]
		if dim == dimStatus {
			continue
		}
		name := dimNames[dim]
		out[name] = append(out[name], FacetCount{Value: t.termValue[id], Count: n})
	}
	for d, n := range c.weekdays {
		if n > 0 {
			out[dimNames[dimWeekday]] = append(out[dimNames[dimWeekday]], FacetCount{Value: weekdayNames[d], Count: n})
		}
	}
	for _, counts := range out {
		slices.SortFunc(counts, func(a, b FacetCount) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
	}
	return out
}

// eachTextHit runs the text query against the current bleve snapshot and calls fn
// with the row, score and (with explain) explanation of every match.
func (ix *Index) eachTextHit(ctx context.Context, q query.Query, explain bool,
	fn func(ord int32, score float64, explanation string)) error {
	snap, err := ix.snapshot()
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	defer snap.Close()
	docs, err := ix.table.docMap(snap)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	// What bleve's SearchInContext sets up for its searchers: the scoring model.
	ctx = context.WithValue(ctx, search.GetScoringModelCallbackKey,
		search.GetScoringModelCallbackFn(func() string { return bleveindex.BM25Scoring }))
	ctx = search.ContextWithTermSearchersCounter(ctx)
	var sink explainSink
	if explain {
		sink = explainSink{}
		ctx = context.WithValue(ctx, explainKey{}, sink)
	}
	s, err := q.Searcher(ctx, snap, ix.idx.Mapping(), search.SearcherOptions{})
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	defer s.Close()
	sctx := &search.SearchContext{
		DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0),
		IndexReader:       snap,
	}
	for n := 0; ; n++ {
		if n&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("search: %w", err)
			}
		}
		d, err := s.Next(sctx)
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		if d == nil {
			return nil
		}
		if ord := docs.row(d.IndexInternalID); ord >= 0 {
			var explanation string
			if sink != nil {
				explanation = sink.explain(d.IndexInternalID, d.Score)
				delete(sink, string(d.IndexInternalID))
			}
			fn(ord, d.Score, explanation)
		}
		sctx.DocumentMatchPool.Put(d)
	}
}
