package index

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ensemble-be/ensemble/record"
)

// The filter table. bleve answers the text part of a search; everything else —
// filters, facet counts, sorting — runs over this table: one compact row per record,
// in memory. bleve's own filters and facets read doc values decompressed per hit and
// cost in proportion to the whole index (see docs/search.md and ../shared/LIBRARIES.md);
// the table costs in proportion to the hits, a few nanoseconds each.
//
// The table is derived like the rest of the index: each document stores its row's
// values as JSON in the stored-only field "facts", Apply updates the rows, and Open
// reads them back from the segments.

// Dimensions of the table's terms: each term is one value of one dimension.
const (
	dimKind = iota
	dimStatus
	dimLanguage
	dimAttendance
	dimFacilitation
	dimAudience
	dimTopic
	dimRegion
	dimProvince
	dimPostcode
	dimSource
	dimFlag
	dimCost
	numTermDims
	// dimWeekday is computed per search from the occurrences, not stored as terms.
	dimWeekday = numTermDims
	numDims    = numTermDims + 1
)

// dimNames name the dimensions in facts, facets and errors.
var dimNames = [numDims]string{"kind", "status", "language", "attendance", "facilitation", "audience",
	"topic", "region", "province", "postcode", "source", "flag", "cost", "weekday"}

// Cost buckets, the values of the cost dimension.
const (
	costFree    = "free"
	costPaid    = "paid"
	costUnknown = "unknown"
)

// weekdayNames are the values of the weekday dimension, Sunday first like time.Weekday.
var weekdayNames = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// facts is what a document stores of its record for the table, as JSON.
type facts struct {
	Terms     []string `json:"t"` // "dimension:value"
	Lat       float64  `json:"la,omitempty"`
	Lon       float64  `json:"lo,omitempty"`
	Free      bool     `json:"f,omitempty"`
	CostMin   *float64 `json:"c,omitempty"` // nil: no price known
	Updated   int64    `json:"u,omitempty"` // unix seconds
	Occ       []int64  `json:"o,omitempty"` // occurrence starts, unix seconds, ascending
	TitleSort string   `json:"s,omitempty"`
}

// brussels is where dates, weekdays and times of day are reckoned.
var brussels = record.Brussels

// newFacts extracts the table's values from r.
func newFacts(r record.Record) facts {
	f := facts{TitleSort: record.Fold(r.Title)}
	add := func(dim int, values ...string) {
		for _, v := range values {
			if v != "" {
				f.Terms = append(f.Terms, dimNames[dim]+":"+v)
			}
		}
	}
	add(dimKind, r.Kind)
	add(dimStatus, string(r.Status))
	add(dimLanguage, r.Language)
	add(dimAttendance, r.Attendance)
	add(dimFacilitation, r.Facilitation)
	add(dimAudience, r.Audiences...)
	add(dimTopic, r.Topics...)
	add(dimRegion, r.Location.Region)
	add(dimProvince, r.Location.Province)
	add(dimPostcode, r.Location.Postcode)
	add(dimSource, r.Source)
	add(dimFlag, flagCodes(r.Flags)...)
	switch {
	case r.Cost.Free:
		add(dimCost, costFree)
	case r.Cost.Min > 0 || r.Cost.Max > 0:
		add(dimCost, costPaid)
	default:
		add(dimCost, costUnknown)
	}
	if r.Location.Lat != 0 || r.Location.Lon != 0 {
		f.Lat, f.Lon = r.Location.Lat, r.Location.Lon
	}
	f.Free = r.Cost.Free
	if !r.Cost.Free && (r.Cost.Min > 0 || r.Cost.Max > 0) {
		m := r.Cost.Min
		if m == 0 {
			m = r.Cost.Max
		}
		f.CostMin = &m
	}
	if !r.UpdatedAt.IsZero() {
		f.Updated = r.UpdatedAt.Unix()
	}
	if r.Schedule.Start != nil {
		f.Occ = append(f.Occ, r.Schedule.Start.Unix())
	}
	for _, t := range r.Schedule.Next {
		f.Occ = append(f.Occ, t.Unix())
	}
	slices.Sort(f.Occ)
	f.Occ = slices.Compact(f.Occ)
	return f
}

// row is one record in the table.
type row struct {
	id    string
	terms []uint32 // term ids, ascending
	// lat and lon are NaN when the record has no coordinates.
	lat, lon float32
	free     bool
	cost     float32 // minimum price; NaN when none is known
	updated  int64
	occ      []occurrence
	title    string // folded title, the empty query's sort key
	titlePre uint64 // prefix(title)
}

// occurrence packs one occurrence: unix minutes, then the weekday (3 bits) and the
// minute of the day (11 bits) in Brussels, worked out once when the row is built.
type occurrence uint64

func newOccurrence(unix int64) occurrence {
	t := time.Unix(unix, 0).In(brussels)
	return occurrence(uint64(unix/60)<<14 | uint64(t.Weekday())<<11 | uint64(t.Hour()*60+t.Minute()))
}

func (o occurrence) unix() int64      { return int64(o>>14) * 60 }
func (o occurrence) weekday() int     { return int(o>>11) & 7 }
func (o occurrence) minuteOfDay() int { return int(o) & 0x7ff }

// table holds the rows, their term dictionary and the map from bleve's segment
// document numbers to rows.
type table struct {
	mu   sync.RWMutex
	rows []row
	ords map[string]int32 // record id → index in rows
	// termIDs and terms are the dictionary: "dimension:value" ↔ id; termDim is each
	// term's dimension and termValue its value.
	termIDs   map[string]uint32
	termDim   []uint8
	termValue []string
	// version counts changes, for caches of whole-table results.
	version uint64
	segs    segmentCache
	posts   postings
	// termChunk and occChunk are where new rows' terms and occurrences go: rows
	// built one after another sit side by side in memory, and a scan of the table
	// reads memory in order instead of chasing a pointer per row.
	termChunk []uint32
	occChunk  []occurrence
}

// chunkSize is how many values one allocation of termChunk or occChunk holds.
const chunkSize = 1 << 16

// pack copies values into the end of *chunk (a new chunk when full) and returns the
// copy, capped so that appending to it can never write over a neighbour.
func pack[T any](chunk *[]T, values []T) []T {
	if len(values) == 0 {
		return nil
	}
	if len(*chunk)+len(values) > cap(*chunk) {
		*chunk = make([]T, 0, max(chunkSize, len(values)))
	}
	start := len(*chunk)
	*chunk = append(*chunk, values...)
	return (*chunk)[start : start+len(values) : start+len(values)]
}

func newTable() *table {
	return &table{ords: map[string]int32{}, termIDs: map[string]uint32{}}
}

// termID returns the id of term "dimension:value", adding it to the dictionary.
// The caller holds mu for writing.
func (t *table) termID(term string) (uint32, error) {
	if id, ok := t.termIDs[term]; ok {
		return id, nil
	}
	name, value, ok := strings.Cut(term, ":")
	dim := slices.Index(dimNames[:numTermDims], name)
	if !ok || dim < 0 {
		return 0, fmt.Errorf("bad term %q", term)
	}
	id := uint32(len(t.termDim))
	t.termIDs[term] = id
	t.termDim = append(t.termDim, uint8(dim))
	t.termValue = append(t.termValue, value)
	return id, nil
}

// set puts the row of record id, built from f, in the table. The caller holds mu.
func (t *table) set(id string, f facts) error {
	r := row{id: id, title: f.TitleSort, titlePre: prefix(f.TitleSort), updated: f.Updated,
		lat: float32(math.NaN()), lon: float32(math.NaN()), cost: float32(math.NaN()), free: f.Free}
	for _, term := range f.Terms {
		tid, err := t.termID(term)
		if err != nil {
			return fmt.Errorf("record %s: %w", id, err)
		}
		r.terms = append(r.terms, tid)
	}
	slices.Sort(r.terms)
	r.terms = slices.Compact(r.terms)
	if f.Lat != 0 || f.Lon != 0 {
		r.lat, r.lon = float32(f.Lat), float32(f.Lon)
	}
	if f.CostMin != nil {
		r.cost = float32(*f.CostMin)
	}
	for _, u := range f.Occ {
		r.occ = append(r.occ, newOccurrence(u))
	}
	r.terms, r.occ = pack(&t.termChunk, r.terms), pack(&t.occChunk, r.occ)
	if ord, ok := t.ords[id]; ok {
		t.rows[ord] = r
	} else {
		t.ords[id] = int32(len(t.rows))
		t.rows = append(t.rows, r)
	}
	t.version++
	return nil
}

// setJSON is set with the facts as stored in the index.
func (t *table) setJSON(id string, stored []byte) error {
	var f facts
	if err := json.Unmarshal(stored, &f); err != nil {
		return fmt.Errorf("record %s: stored facts: %w", id, err)
	}
	return t.set(id, f)
}

// nextAfter is the first occurrence at or after unix, and whether there is one.
func (r *row) nextAfter(unix int64) (occurrence, bool) {
	i, _ := slices.BinarySearchFunc(r.occ, unix, func(o occurrence, u int64) int { return cmp.Compare(o.unix(), u) })
	if i == len(r.occ) {
		return 0, false
	}
	return r.occ[i], true
}

// distanceKm is the great-circle distance between two points, in kilometres.
func distanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	const earthRadiusKm = 6371.0088
	φ1, φ2 := lat1*math.Pi/180, lat2*math.Pi/180
	dφ, dλ := φ2-φ1, (lon2-lon1)*math.Pi/180
	a := math.Sin(dφ/2)*math.Sin(dφ/2) + math.Cos(φ1)*math.Cos(φ2)*math.Sin(dλ/2)*math.Sin(dλ/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(a)))
}
