package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ensemble-be/ensemble/api"
	"github.com/ensemble-be/ensemble/record"
)

const perPage = 20

// formFields are the search form's parameters, in the order URLs carry them.
var formFields = []string{"q", "kind", "audience", "topic", "where", "km", "from", "to", "attendance", "free", "sort", "page"}

var distances = []int{5, 10, 25, 50}

var sorts = []string{"relevance", "date", "distance", "updated"}

// searchPage is the search page's data.
type searchPage struct {
	Form       map[string]string // what was asked, to fill the form again
	Errors     []fieldError
	Total      uint64
	Results    []result
	Page       int
	Pages      uint64
	PrevURL    string
	NextURL    string
	Kinds      []option
	Audiences  []option
	Topics     []option
	Attendance []option
	Distances  []option
	Sorts      []option
	AtomURL    string
	ICSURL     string
}

// fieldError is a problem with one field; Field is the id of its input.
type fieldError struct{ Field, Label, Message string }

// option is one choice of a filter, with how many matches it has when the
// searcher counted (HasCount).
type option struct {
	Value, Label string
	Count        int
	HasCount     bool
	Selected     bool
}

// result is one match as the results list shows it.
type result struct {
	URL, Title, Organizer, NextDate, Place, Price, Distance string
	Badges                                                  []badge
}

type badge struct{ Class, Text string }

// handleSearch serves GET /: the form, the facets and a page of results.
func (s *Site) handleSearch(w http.ResponseWriter, r *http.Request) {
	lang := pickLanguage(r)
	v := r.URL.Query()
	form := map[string]string{}
	for _, f := range formFields {
		form[f] = strings.TrimSpace(v.Get(f))
	}
	data := &searchPage{Form: form, Page: 1}
	q, apiValues, errs := s.parseForm(lang, form)
	status := http.StatusOK
	var res api.SearchResult
	if len(errs) > 0 {
		data.Errors, status = errs, http.StatusBadRequest
	} else {
		var err error
		res, err = s.opts.Searcher.Search(r.Context(), q)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		data.Page, data.Total = q.Page, res.Total
		data.Pages = (res.Total + perPage - 1) / perPage
		recs, err := s.opts.Store.Records(r.Context(), res.IDs)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		hits := map[string]api.SearchHit{}
		for _, h := range res.Hits {
			hits[h.ID] = h
		}
		for _, rec := range recs {
			data.Results = append(data.Results, s.result(lang, rec.Public(), hits[rec.ID]))
		}
		if data.Page > 1 {
			data.PrevURL = formURL(form, lang, data.Page-1)
		}
		if uint64(data.Page) < data.Pages && (data.Page+1)*perPage <= 10000 {
			data.NextURL = formURL(form, lang, data.Page+1)
		}
	}
	s.fillOptions(lang, data, res.Facets)

	title := translate(lang, "search_button")
	if form["q"] != "" {
		title = form["q"]
	}
	p := s.newPage(r, lang, title)
	if len(errs) == 0 {
		apiValues.Del("page")
		apiValues.Del("per_page")
		apiValues.Set("lang", lang)
		data.AtomURL = "/api/v1/search.atom?" + apiValues.Encode()
		data.ICSURL = "/api/v1/search.ics?" + apiValues.Encode()
		p.Alternates = []alternate{{"application/atom+xml", translate(lang, "atom"), data.AtomURL},
			{"text/calendar", translate(lang, "ics"), data.ICSURL}}
	}
	s.render(w, r, status, "search", p, data)
}

// parseForm turns the form into the parameters of /api/v1/search and parses them
// with api.ParseSearch: the same validation, taxonomy expansion and filters as the
// API, and the same values serve the search's feeds. A place without a distance
// keeps the place's postcodes; with one, it is the centre of a distance filter.
// Errors name the form's fields.
func (s *Site) parseForm(lang string, form map[string]string) (api.SearchQuery, url.Values, []fieldError) {
	var errs []fieldError
	fail := func(field, msg string) {
		errs = append(errs, fieldError{Field: field, Label: fieldLabel(lang, field), Message: msg})
	}
	v := url.Values{}
	for _, f := range []string{"q", "kind", "audience", "topic", "attendance", "page", "from", "to", "sort"} {
		if form[f] != "" {
			v.Set(f, form[f])
		}
	}
	v.Set("per_page", strconv.Itoa(perPage))
	switch form["free"] {
	case "", "0":
	case "1", "on", "true":
		v.Set("free", "true")
	default:
		fail("free", translate(lang, "bad_value"))
	}
	if form["km"] != "" {
		n, err := strconv.Atoi(form["km"])
		switch {
		case err != nil || !slices.Contains(distances, n):
			fail("km", translate(lang, "bad_value"))
		case form["where"] == "":
			fail("where", translate(lang, "where_needed"))
		default:
			v.Set("near", form["where"])
			v.Set("radius", form["km"])
		}
	} else if where := form["where"]; where != "" {
		places := record.PostcodePlaces(where)
		if len(places) == 0 {
			places = record.FindLocality(where)
		}
		if len(places) == 0 {
			fail("where", translate(lang, "where_unknown"))
		}
		var pcs []string
		for _, p := range places {
			if !slices.Contains(pcs, p.Postcode) {
				pcs = append(pcs, p.Postcode)
			}
		}
		if len(pcs) > 0 {
			v.Set("postcode", strings.Join(pcs, ","))
		}
	}
	if form["sort"] == "distance" && v.Get("near") == "" {
		fail("sort", translate(lang, "where_needed"))
		v.Del("sort")
	}
	q, err := api.ParseSearch(v)
	if err != nil {
		param, reason, ok := api.ParamProblem(err)
		if !ok {
			param, reason = "q", err.Error()
		}
		switch param {
		case "postcode", "near":
			param = "where"
		case "radius":
			param = "km"
		case "per_page":
			param = "page"
		}
		fail(param, reason)
	}
	q.Facets = true
	return q, v, errs
}

// fieldLabel names a form field in lang, for error messages.
func fieldLabel(lang, field string) string {
	switch field {
	case "q":
		return translate(lang, "search_label")
	case "page":
		return translate(lang, "pages")
	}
	return translate(lang, field)
}

// formURL is the search page's URL for form at page.
func formURL(form map[string]string, lang string, page int) string {
	v := url.Values{}
	for _, f := range formFields {
		if form[f] != "" && f != "page" {
			v.Set(f, form[f])
		}
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	v.Set("lang", lang)
	return "/?" + v.Encode()
}

// fillOptions lists the filters' choices, with the facet counts when the searcher
// gave them.
func (s *Site) fillOptions(lang string, data *searchPage, facets map[string][]api.FacetCount) {
	tax := record.DefaultTaxonomy()
	counts := func(dim string) map[string]int {
		fc, ok := facets[dim]
		if !ok {
			return nil
		}
		m := make(map[string]int, len(fc))
		for _, c := range fc {
			m[c.Value] = c.Count
		}
		return m
	}
	terms := func(f record.Facet, field string) []option {
		c := counts(string(f))
		var out []option
		for _, term := range tax.Facet(f) {
			label := tax.Label(term.ID, lang)
			for p := term.Parent; p != ""; p = parentOf(tax, p) {
				label = "\u00a0\u00a0" + label
			}
			o := option{Value: term.ID, Label: label, Selected: data.Form[field] == term.ID}
			if c != nil {
				o.Count, o.HasCount = c[term.ID], true
			}
			out = append(out, o)
		}
		return out
	}
	data.Kinds = terms(record.FacetKind, "kind")
	data.Audiences = terms(record.FacetAudience, "audience")
	data.Topics = terms(record.FacetTopic, "topic")
	ac := counts("attendance")
	for _, a := range []string{"", "in-person", "online", "hybrid"} {
		label := translate(lang, a)
		if a == "" {
			label = translate(lang, "any")
		}
		o := option{Value: a, Label: label, Selected: data.Form["attendance"] == a}
		if ac != nil && a != "" {
			o.Count, o.HasCount = ac[a], true
		}
		data.Attendance = append(data.Attendance, o)
	}
	data.Distances = []option{{Value: "", Label: translate(lang, "km_exact"), Selected: data.Form["km"] == ""}}
	for _, d := range distances {
		data.Distances = append(data.Distances, option{Value: strconv.Itoa(d), Label: translate(lang, "km_within", d),
			Selected: data.Form["km"] == strconv.Itoa(d)})
	}
	for _, so := range sorts {
		data.Sorts = append(data.Sorts, option{Value: so, Label: translate(lang, "sort_"+so),
			Selected: data.Form["sort"] == so || (data.Form["sort"] == "" && so == "relevance")})
	}
}

func parentOf(tax *record.Taxonomy, id string) string {
	t, _ := tax.Term(id)
	return t.Parent
}

// result shapes a record for the results list.
func (s *Site) result(lang string, rec record.Record, hit api.SearchHit) result {
	res := result{URL: RecordPath(rec.ID) + "?lang=" + lang, Title: rec.Title, Organizer: rec.Organization.Name,
		Place: placeText(lang, rec), Price: priceText(lang, rec), Badges: badges(lang, rec)}
	next := hit.NextDate
	if next.IsZero() {
		if occ := rec.Schedule.Upcoming(s.opts.Now(), 1); len(occ) > 0 {
			next = occ[0]
		}
	}
	res.NextDate = formatDate(lang, next)
	if res.NextDate == "" {
		res.NextDate = rec.Schedule.Text
	}
	if res.NextDate == "" {
		res.NextDate = translate(lang, "date_unknown")
	}
	if hit.DistanceKm > 0 {
		res.Distance = translate(lang, "km_away", hit.DistanceKm)
	}
	return res
}

func placeText(lang string, rec record.Record) string {
	if rec.Attendance == "online" {
		return translate(lang, "online")
	}
	var parts []string
	for _, p := range []string{rec.Location.Name, strings.TrimSpace(rec.Location.Postcode + " " + rec.Location.City)} {
		if p != "" && !slices.Contains(parts, p) {
			parts = append(parts, p)
		}
	}
	if rec.Attendance == "hybrid" {
		parts = append(parts, translate(lang, "hybrid"))
	}
	return strings.Join(parts, ", ")
}

func priceText(lang string, rec record.Record) string {
	c := rec.Cost
	switch {
	case c.Free:
		return translate(lang, "price_free")
	case c.Text != "":
		return c.Text
	case c.Min > 0 && c.Max > c.Min:
		return fmt.Sprintf("%g–%g %s", c.Min, c.Max, currency(c.Currency))
	case c.Min > 0:
		return fmt.Sprintf("%g %s", c.Min, currency(c.Currency))
	}
	return translate(lang, "price_unknown")
}

func currency(c string) string {
	if c == "" || c == "EUR" {
		return "€"
	}
	return c
}

// badgeFlags are the flags worth a badge in the results, with their message key;
// warn marks those that should make someone check before going.
var badgeFlags = []struct {
	code, key string
	warn      bool
}{
	{"stale", "flag_stale", true},
	{"cancelled", "flag_cancelled", true},
	{"date_past", "flag_date_past", true},
	{"date_missing", "flag_date_miss", false},
	{"date_year_inferred", "flag_year", false},
	{"place_from_postcode", "flag_place", false},
	{"place_from_city", "flag_place", false},
	{"price_on_request", "flag_on_request", false},
	{"price_free_will", "flag_free_will", false},
}

func badges(lang string, rec record.Record) []badge {
	var out []badge
	seen := map[string]bool{}
	add := func(key string, warn bool) {
		if seen[key] {
			return
		}
		seen[key] = true
		class := "badge"
		if warn {
			class += " warn"
		}
		out = append(out, badge{Class: class, Text: translate(lang, key)})
	}
	for _, bf := range badgeFlags {
		if slices.ContainsFunc(rec.Flags, func(f record.Flag) bool { return f.Code == bf.code }) {
			add(bf.key, bf.warn)
		}
	}
	if rec.Status == record.StatusStale {
		add("flag_stale", true)
	}
	if rec.Cost.Free {
		add("price_free", false)
	}
	return out
}

// Err is the error of field, if any, for the inputs' aria-invalid and messages.
func (d *searchPage) Err(field string) string {
	for _, e := range d.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// Filtered tells whether any filter beyond the words is set: the filters then start
// open.
func (d *searchPage) Filtered() bool {
	for _, f := range formFields {
		if f != "q" && f != "page" && d.Form[f] != "" {
			return true
		}
	}
	return len(d.Errors) > 0
}
