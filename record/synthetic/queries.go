package synthetic

// Query is one query of the benchmark mix, as the query string of GET /api/v1/search
// (the API contract): the benchmark command sends it over HTTP as is, translates it
// into SQL for the FTS5 baseline, and into an index.Query in process.
type Query struct {
	Half   string // HalfText (words only) or HalfFiltered (filters, geo, dates, facets, depth)
	Class  string // what the query exercises: word, phrase, typo, geo, facets...
	Params string // URL-encoded query parameters
}

// Halves of the mix.
const (
	HalfText     = "text"
	HalfFiltered = "filtered"
)

// Queries is the fixed query mix over a synthetic corpus, half text-only, half
// filtered; its dates fall after Epoch (2026-11-02). "cursor=FOLLOW" means: fetch the
// first page, then time the page its cursor points to.
var Queries = []Query{
	// (a) text only: plain words, phrases, typos; fr, nl, en, de
	{HalfText, "word", "q=deuil"},
	{HalfText, "word", "q=praatgroep"},
	{HalfText, "word", "q=burn-out"},
	{HalfText, "word", "q=intervision"},
	{HalfText, "word", "q=Balint"},
	{HalfText, "word", "q=art-th%C3%A9rapie"},
	{HalfText, "word", "q=psycho%C3%A9ducation"},
	{HalfText, "word", "q=anxiete"},
	{HalfText, "words", "q=groupe+de+parole"},
	{HalfText, "words", "q=proches+Li%C3%A8ge"},
	{HalfText, "words", "q=rouw+naasten"},
	{HalfText, "words", "q=angst+jongeren"},
	{HalfText, "words", "q=grief+support+group"},
	{HalfText, "words", "q=Trauer+Angeh%C3%B6rige"},
	{HalfText, "words", "q=ados+anxi%C3%A9t%C3%A9"},
	{HalfText, "phrase", "q=%22groupe+de+parole%22+deuil"},
	{HalfText, "phrase", "q=%22espace+d%27%C3%A9coute%22"},
	{HalfText, "phrase", "q=%22every+other%22+bereavement"},
	{HalfText, "typo", "q=depresion"},
	{HalfText, "typo", "q=intervison"},
	{HalfText, "typo", "q=praatgroup+rouw"},
	{HalfText, "typo", "q=anxeit%C3%A9"},

	// (b) text + filters, geo, dates, facets, depth
	{HalfFiltered, "filter", "q=groupe+de+parole&kind=discussion-group&region=Brussels"},
	{HalfFiltered, "filter", "q=rouw&language=nl&province=Antwerp"},
	{HalfFiltered, "filter", "kind=professional-group&postcode=1000,1050,1060"},
	{HalfFiltered, "filter", "facilitation=peer&topic=anxiety,depression"},
	{HalfFiltered, "filter", "language=fr&kind=therapy-group&page=3"},
	{HalfFiltered, "filter", "q=groupe&audience=relatives&attendance=in-person"},
	{HalfFiltered, "price", "free=true&audience=relatives"},
	{HalfFiltered, "price", "max_cost=10&attendance=in-person&region=Wallonia"},
	{HalfFiltered, "geo", "near=50.8466,4.3528&radius=10&sort=distance"},
	{HalfFiltered, "geo", "near=5000&radius=25&q=deuil"},
	{HalfFiltered, "dates", "from=2026-12-01&to=2026-12-31&weekday=tue,thu&time=18:00-21:00"},
	{HalfFiltered, "dates", "q=anxi%C3%A9t%C3%A9&region=Brussels&from=2026-11-02&sort=date"},
	{HalfFiltered, "updated", "updated_after=2026-10-01&sort=updated"},
	{HalfFiltered, "facets", "facets=true"},
	{HalfFiltered, "facets", "kind=support-group&topic=grief&facets=true"},
	{HalfFiltered, "facets", "q=burn-out&facets=true&per_page=50"},
	{HalfFiltered, "facets", "audience=young-people&topic=anxiety&facets=true"},
	{HalfFiltered, "deep", "q=groupe&page=90&per_page=100"},
	{HalfFiltered, "deep", "kind=discussion-group&page=50&per_page=100"},
	{HalfFiltered, "cursor", "q=groupe&per_page=100&cursor=FOLLOW"},
}
