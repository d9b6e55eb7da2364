package index

import (
	"context"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// disMaxQuery matches what any of its children match and scores a document by its
// best child: one query word, looked for in every text field and alternative, scores
// once, by the field it matched best.
//
// bleve has no dis-max query. Its disjunction sums the children's scores (times the
// share that matched); a custom score over the disjunction's score breakdown gives
// the maximum, but resolves every hit's external id and fills a map per hit on the
// way, which was a fifth of a text search's time. This searcher merges the children
// itself and keeps only the best score.
type disMaxQuery struct {
	word     string
	children []query.Query
	labels   []string // each child's name, for explanations
}

func (q *disMaxQuery) Searcher(ctx context.Context, r bleveindex.IndexReader, m mapping.IndexMapping,
	options search.SearcherOptions) (search.Searcher, error) {
	s := &disMaxSearcher{word: q.word}
	s.sink, _ = ctx.Value(explainKey{}).(explainSink)
	for i, c := range q.children {
		cs, err := c.Searcher(ctx, r, m, options)
		if err != nil {
			_ = s.Close()
			return nil, err
		}
		s.children = append(s.children, cs)
		s.labels = append(s.labels, q.labels[i])
	}
	s.currs = make([]*search.DocumentMatch, len(s.children))
	return s, nil
}

// disMaxSearcher merges its children's matches in document order.
type disMaxSearcher struct {
	word     string
	children []search.Searcher
	labels   []string
	currs    []*search.DocumentMatch // each child's current match; nil when exhausted
	started  bool
	sink     explainSink // set when the search explains
	low      bleveindex.IndexInternalID
}

func (s *disMaxSearcher) start(ctx *search.SearchContext) error {
	if s.started {
		return nil
	}
	s.started = true
	for i, c := range s.children {
		d, err := c.Next(ctx)
		if err != nil {
			return err
		}
		s.currs[i] = d
	}
	return nil
}

// emit returns the lowest document among the children's current matches, scored by
// its best child, and moves those children on.
func (s *disMaxSearcher) emit(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	var low bleveindex.IndexInternalID
	for _, d := range s.currs {
		if d != nil && (low == nil || d.IndexInternalID.Compare(low) < 0) {
			low = d.IndexInternalID
		}
	}
	if low == nil {
		return nil, nil
	}
	s.low = append(s.low[:0], low...) // the match holding it may go back to the pool
	low = s.low
	var out *search.DocumentMatch
	bestAt, matched := -1, 0
	for i, d := range s.currs {
		if d == nil || !d.IndexInternalID.Equals(low) {
			continue
		}
		matched++
		switch {
		case out == nil:
			out, bestAt = d, i
		case d.Score > out.Score:
			out.Score, bestAt = d.Score, i
			ctx.DocumentMatchPool.Put(d)
		default:
			ctx.DocumentMatchPool.Put(d)
		}
		next, err := s.children[i].Next(ctx)
		if err != nil {
			return nil, err
		}
		s.currs[i] = next
	}
	if s.sink != nil {
		key := string(out.IndexInternalID)
		s.sink[key] = append(s.sink[key], wordScore{word: s.word, via: s.labels[bestAt], score: out.Score, matched: matched})
	}
	out.Expl = nil
	return out, nil
}

func (s *disMaxSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if err := s.start(ctx); err != nil {
		return nil, err
	}
	return s.emit(ctx)
}

func (s *disMaxSearcher) Advance(ctx *search.SearchContext, id bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	if err := s.start(ctx); err != nil {
		return nil, err
	}
	for i, d := range s.currs {
		if d == nil || d.IndexInternalID.Compare(id) >= 0 {
			continue
		}
		ctx.DocumentMatchPool.Put(d)
		next, err := s.children[i].Advance(ctx, id)
		if err != nil {
			return nil, err
		}
		s.currs[i] = next
	}
	return s.emit(ctx)
}

func (s *disMaxSearcher) Close() error {
	var first error
	for _, c := range s.children {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (s *disMaxSearcher) Weight() float64 {
	w := 0.0
	for _, c := range s.children {
		w += c.Weight()
	}
	return w
}

func (s *disMaxSearcher) SetQueryNorm(norm float64) {
	for _, c := range s.children {
		c.SetQueryNorm(norm)
	}
}

func (s *disMaxSearcher) Count() uint64 {
	var n uint64
	for _, c := range s.children {
		n += c.Count()
	}
	return n
}

func (s *disMaxSearcher) Min() int { return 0 }

func (s *disMaxSearcher) Size() int {
	n := 64
	for _, c := range s.children {
		n += c.Size()
	}
	return n
}

// DocumentMatchPoolSize: each child holds its current match, plus the one emitted.
func (s *disMaxSearcher) DocumentMatchPoolSize() int {
	n := 1
	for _, c := range s.children {
		n += c.DocumentMatchPoolSize()
	}
	return n + len(s.children)
}
