// Package wire joins the index to the API: it turns the API's parsed searches into
// the index's queries and adapts the index to the API's interfaces. The ensemble
// command serves with it; the benchmark command runs the same queries in process.
package wire

import (
	"context"
	"iter"

	"github.com/ensemble-be/ensemble/api"
	"github.com/ensemble-be/ensemble/index"
)

// IndexQuery is the index's form of an API search.
func IndexQuery(q api.SearchQuery) index.Query {
	iq := index.Query{
		Text: q.Text, Kinds: q.Kinds, Statuses: q.Statuses, Sources: q.Sources, Language: q.Language,
		Audiences: q.Audiences, Topics: q.Topics, Facilitation: q.Facilitation, Attendance: q.Attendance,
		Regions: q.Regions, Provinces: q.Provinces, Postcodes: q.Postcodes, Flags: q.Flags, NoFlags: q.NoFlags,
		RadiusKm: q.RadiusKm, From: q.From, To: q.To, Weekdays: q.Weekdays, TimeFrom: q.TimeFrom, TimeTo: q.TimeTo,
		Free: q.Free, MaxCost: q.MaxCost, UpdatedAfter: q.UpdatedAfter, Sort: q.Sort, After: q.After,
		Facets: q.Facets, Explain: q.Explain, Page: q.Page, PerPage: q.PerPage,
		Expand: true, // taxonomy synonyms and typo tolerance (docs/search.md)
	}
	if q.Near != nil {
		iq.Near = &index.Point{Lat: q.Near.Lat, Lon: q.Near.Lon}
	}
	return iq
}

// Searcher adapts the index to the API's Searcher, Highlighter and Suggester.
type Searcher struct{ Index *index.Index }

func (s Searcher) Search(ctx context.Context, q api.SearchQuery) (api.SearchResult, error) {
	res, err := s.Index.Search(ctx, IndexQuery(q))
	if err != nil {
		return api.SearchResult{}, err
	}
	out := api.SearchResult{Total: res.Total, Next: res.Next, IDs: make([]string, len(res.Hits)),
		Hits: make([]api.SearchHit, len(res.Hits))}
	for i, h := range res.Hits {
		out.IDs[i] = h.ID
		out.Hits[i] = api.SearchHit{ID: h.ID, Score: h.Score, DistanceKm: h.DistanceKm, NextDate: h.Next,
			Explanation: h.Explanation}
	}
	if res.Facets != nil {
		out.Facets = make(map[string][]api.FacetCount, len(res.Facets))
		for dim, counts := range res.Facets {
			for _, c := range counts {
				out.Facets[dim] = append(out.Facets[dim], api.FacetCount{Value: c.Value, Count: c.Count})
			}
		}
	}
	return out, nil
}

// EachID yields every match of q, for exports.
func (s Searcher) EachID(ctx context.Context, q api.SearchQuery) iter.Seq2[string, error] {
	return s.Index.EachID(ctx, IndexQuery(q))
}

func (s Searcher) Highlight(text, query, lang string) (string, bool) {
	return s.Index.Highlight(text, query, lang)
}

func (s Searcher) Suggest(ctx context.Context, prefix, _ string, n int) ([]api.Suggestion, error) {
	words, err := s.Index.Complete(ctx, prefix, n)
	if err != nil {
		return nil, err
	}
	out := make([]api.Suggestion, len(words))
	for i, w := range words {
		out[i] = api.Suggestion{Text: w.Text, Kind: "word", Count: w.Count}
	}
	return out, nil
}
