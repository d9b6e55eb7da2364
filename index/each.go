package index

import (
	"context"
	"fmt"
	"iter"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// eachBatch is how many ids one step of EachID reads.
const eachBatch = 1000

// EachID yields the id of every record matching q (Page and PerPage are ignored), in
// id order, with no depth limit: for exports of a whole search. It pages with
// search_after, so each step costs the same however deep it is.
func (ix *Index) EachID(ctx context.Context, q Query) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		var match query.Query = filterQuery(q)
		if text := ix.textQuery(q.Text, q.Expand); text != nil {
			text.AddFilter(match)
			match = text
		}
		after := ""
		for {
			req := bleve.NewSearchRequestOptions(match, eachBatch, 0, false)
			req.Score = "none"
			req.SortBy([]string{"_id"})
			if after != "" {
				req.SearchAfter = []string{after}
			}
			sctx, cancel := context.WithTimeout(ctx, searchTimeout)
			sr, err := ix.idx.SearchInContext(sctx, req)
			cancel()
			if err != nil {
				yield("", fmt.Errorf("export search: %w", err))
				return
			}
			for _, h := range sr.Hits {
				if !yield(h.ID, nil) {
					return
				}
			}
			if len(sr.Hits) < eachBatch {
				return
			}
			after = sr.Hits[len(sr.Hits)-1].ID
		}
	}
}
