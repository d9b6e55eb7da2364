package index

import (
	"slices"
	"sync"
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
}

// get returns the lists for the table's current version. The caller holds t.mu for
// reading, so the table does not change under it.
func (t *table) postingLists() [][]int32 {
	p := &t.posts
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.built && p.version == t.version {
		return p.lists
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
	p.lists, p.version, p.built = lists, t.version, true
	return lists
}

// candidatesWithout is candidates for a search without facets, nil with them.
func (t *table) candidatesWithout(facets bool, p *plan) []int32 {
	if facets {
		return nil
	}
	return t.candidates(p)
}

// candidates returns the rows a search without text needs to look at: those of the
// filter (of one dimension, any of its values) with the fewest rows, when that is
// under half the table; nil means every row. Only for searches without facets: a
// facet counts rows that fail one filter too.
func (t *table) candidates(p *plan) []int32 {
	if len(p.facetFilters) == 0 {
		return nil
	}
	lists := t.postingLists()
	var best []int32
	bestSize := len(t.rows) / 2
	for _, f := range p.facetFilters {
		size := 0
		for _, id := range f.allowed {
			size += len(lists[id])
		}
		if size >= bestSize {
			continue
		}
		bestSize = size
		if len(f.allowed) == 1 {
			best = lists[f.allowed[0]]
			continue
		}
		// Several values: a row holding two of them (topics, audiences) once.
		best = make([]int32, 0, size)
		for _, id := range f.allowed {
			best = append(best, lists[id]...)
		}
		slices.Sort(best)
		best = slices.Compact(best)
	}
	if best == nil && bestSize < len(t.rows)/2 {
		return []int32{} // a filter no row passes
	}
	return best
}
