package index

import (
	"context"
	"fmt"
	"iter"
	"slices"
)

// EachID yields the id of every record matching q (Page, PerPage, After, Sort and
// Facets are ignored), in id order, with no depth limit: for exports of a whole
// search. The matches are those of one moment; the ids are collected before the
// first is yielded.
func (ix *Index) EachID(ctx context.Context, q Query) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		ids, err := ix.matchingIDs(ctx, q)
		if err != nil {
			yield("", fmt.Errorf("export search: %w", err))
			return
		}
		for _, id := range ids {
			if !yield(id, nil) {
				return
			}
		}
	}
}

// matchingIDs returns the ids of every match of q's text and filters, sorted.
func (ix *Index) matchingIDs(ctx context.Context, q Query) ([]string, error) {
	t := ix.table
	t.mu.RLock()
	defer t.mu.RUnlock()
	q.Sort, q.After, q.Facets, q.Explain = "", "", false, false
	p, err := t.compile(q)
	if err != nil {
		return nil, err
	}
	var ids []string
	keep := func(ord int32, _ float64, _ string) {
		if r := &t.rows[ord]; p.eval(r).ok {
			ids = append(ids, r.id)
		}
	}
	if err := ix.eachCandidate(ctx, p, ix.textQuery(q.Text, q.Expand), false, false, keep); err != nil {
		return nil, err
	}
	slices.Sort(ids)
	return ids, nil
}
