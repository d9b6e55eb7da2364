package index

import (
	"math/bits"
	"slices"
	"sync"

	"github.com/ensemble-be/ensemble/record"
)

// postings lists, for each term of the table, the rows holding it, in row order.
// A search without text and without facets walks the rows of its most selective
// filter instead of the whole table: "postcode=1060" looks at a few dozen rows, not
// every row. The lists are rebuilt, in one pass over the table, by the first search
// after the table changed (crawls change it in batches).
type postings struct {
	mu      sync.Mutex
	version uint64 // table version the lists were built at
	built   bool
	lists   [][]int32
	// activeCounts counts each term over the active rows, and byTitle lists the
	// active rows in the empty query's order: together they answer the search with
	// neither text nor filters (the landing page) without a scan of the terms.
	activeCounts []int
	byTitle      []int32
	// weekdays counts the active rows by the weekdays of their upcoming
	// occurrences, as of weekdaysAt (a ten-minute bucket of "now").
	weekdays   [7]int
	weekdaysAt int64
}

// weekdayBucket is how long landing-page weekday counts are reused: an occurrence
// passing within it is still counted.
const weekdayBucket = 600 // seconds

// activeWeekdays returns the weekday counts of the active rows as of now (unix),
// reusing those of the same ten minutes. The caller holds t.mu for reading.
func (t *table) activeWeekdays(now int64) [7]int {
	d := t.derived()
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.weekdaysAt == now/weekdayBucket+1 {
		return d.weekdays
	}
	var counts [7]int
	for _, ord := range d.byTitle {
		var days uint8
		for _, o := range t.rows[ord].occ {
			if o.unix() >= now {
				days |= 1 << o.weekday()
			}
		}
		for wd := range 7 {
			if days&(1<<wd) != 0 {
				counts[wd]++
			}
		}
	}
	d.weekdays, d.weekdaysAt = counts, now/weekdayBucket+1
	return counts
}

// get returns the lists for the table's current version. The caller holds t.mu for
// reading, so the table does not change under it.
func (t *table) postingLists() [][]int32 { return t.derived().lists }

// derived returns the posting lists, active counts and title order for the table's
// current version, building them if the table changed. The caller holds t.mu for
// reading.
func (t *table) derived() *postings {
	p := &t.posts
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.built && p.version == t.version {
		return p
	}
	counts := make([]int, len(t.termDim))
	for i := range t.rows {
		for _, id := range t.rows[i].terms {
			counts[id]++
		}
	}
	lists := make([][]int32, len(t.termDim))
	for id, n := range counts {
		lists[id] = make([]int32, 0, n)
	}
	for i := range t.rows {
		for _, id := range t.rows[i].terms {
			lists[id] = append(lists[id], int32(i))
		}
	}
	active, ok := t.termIDs[dimNames[dimStatus]+":"+string(record.StatusActive)]
	p.activeCounts = make([]int, len(t.termDim))
	p.byTitle = p.byTitle[:0]
	if ok {
		for _, ord := range lists[active] {
			for _, id := range t.rows[ord].terms {
				p.activeCounts[id]++
			}
		}
		p.byTitle = append(p.byTitle, lists[active]...)
		slices.SortFunc(p.byTitle, func(a, b int32) int {
			ka, kb := t.rows[a].titleKey(), t.rows[b].titleKey()
			if ka.less(kb) {
				return -1
			}
			if kb.less(ka) {
				return 1
			}
			return 0
		})
	}
	p.lists, p.version, p.built = lists, t.version, true
	p.weekdaysAt = 0 // stale with the rows
	return p
}

// titleKey is the row's sort key in the empty query's order.
func (r *row) titleKey() sortKey { return sortKey{pre: r.titlePre, str: r.title, id: r.id} }

// candidates returns the rows a search without text needs to look at, in row
// order, or nil for every row.
//
// Without facets, only rows passing every filter matter: those of the filter (one
// dimension, any of its values) with the fewest rows, when under half the table.
// With facets, a row failing one filter still counts in that filter's dimension, so
// with a single filter every row matters; with two or more, a row that counts passes
// all filters but at most one, so it holds a value of at least one of them: the
// union of the filters' rows, when under half the table.
func (t *table) candidates(p *plan, facets bool) []int32 {
	if len(p.facetFilters) == 0 || facets && len(p.facetFilters) < 2 {
		return nil
	}
	lists := t.postingLists()
	size := func(f termFilter) int {
		n := 0
		for _, id := range f.allowed {
			n += len(lists[id])
		}
		return n
	}
	var chosen []termFilter
	if facets {
		total := 0
		for _, f := range p.facetFilters {
			total += size(f)
		}
		if total >= len(t.rows)/2 {
			return nil
		}
		chosen = p.facetFilters
	} else {
		best := -1
		bestSize := len(t.rows) / 2
		for i, f := range p.facetFilters {
			if n := size(f); n < bestSize {
				best, bestSize = i, n
			}
		}
		if best < 0 {
			return nil
		}
		chosen = p.facetFilters[best : best+1]
		if len(chosen[0].allowed) == 1 {
			return lists[chosen[0].allowed[0]]
		}
	}
	// The union, without repeats (a row may hold two of the values), in row order:
	// a bitset of the table's rows.
	set := make([]uint64, (len(t.rows)+63)/64)
	n := 0
	for _, f := range chosen {
		for _, id := range f.allowed {
			for _, ord := range lists[id] {
				if w, b := ord/64, uint64(1)<<(ord%64); set[w]&b == 0 {
					set[w] |= b
					n++
				}
			}
		}
	}
	rows := make([]int32, 0, n)
	for w, word := range set {
		for word != 0 {
			b := bits.TrailingZeros64(word)
			rows = append(rows, int32(w*64+b))
			word &= word - 1
		}
	}
	return rows
}
