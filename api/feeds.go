package api

import (
	"cmp"
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/ensemble-be/ensemble/record"
)

// Every search is also a subscription: GET /api/v1/search.atom (the matching groups,
// most recently changed first) and GET /api/v1/search.ics (their upcoming sessions),
// with the parameters of /api/v1/search.
//
// Atom is written with encoding/xml rather than a feed library: the format is small,
// and owning the structs keeps entry ids (urn:uuid of the record id, stable across
// crawls), updated/published times and categories exactly as RFC 4287 wants them,
// with no dependency to follow.

const (
	// feedScan is how many matches a feed reads before sorting them itself.
	feedScan = 1000
	// feedEntries is the default number of Atom entries (per_page changes it).
	feedEntries = 50
	// icsPerRecord and icsEvents bound the sessions of one record and of the calendar.
	icsPerRecord = 20
	icsEvents    = 1000
)

type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID        string      `xml:"id"`
	Title     string      `xml:"title"`
	Subtitle  string      `xml:"subtitle,omitempty"`
	Updated   string      `xml:"updated"`
	Links     []atomLink  `xml:"link"`
	Author    atomPerson  `xml:"author"`
	Generator string      `xml:"generator"`
	Entries   []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published,omitempty"`
	Links      []atomLink     `xml:"link"`
	Author     *atomPerson    `xml:"author,omitempty"`
	Categories []atomCategory `xml:"category"`
	Summary    atomText       `xml:"summary"`
	Rights     string         `xml:"rights,omitempty"`
}

// feedRecords returns the public records matching q (at most feedScan of them).
func (s *Server) feedRecords(ctx context.Context, q SearchQuery) ([]record.Record, error) {
	var ids []string
	for id, err := range s.searcher.EachID(ctx, q) {
		if err != nil {
			return nil, err
		}
		if ids = append(ids, id); len(ids) == feedScan {
			break
		}
	}
	out := make([]record.Record, 0, len(ids))
	for chunk := range slices.Chunk(ids, 200) {
		recs, err := s.store.Records(ctx, chunk)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			out = append(out, r.Public())
		}
	}
	return out, nil
}

// requestBase is the scheme and host the request reached, for absolute links.
func requestBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// pageLink is the absolute URL of a record's page: Ensemble's own when the site is
// served, else the partner's page, else the API record.
func (s *Server) pageLink(base string, rec record.Record) string {
	switch {
	case s.pageURL != nil:
		return base + s.pageURL(rec.ID)
	case rec.URL != "":
		return rec.URL
	}
	return base + "/api/v1/records/" + url.PathEscape(rec.ID)
}

// feedTitle names a search for a feed reader.
func feedTitle(q SearchQuery) string {
	if q.Text != "" {
		return "Ensemble: " + q.Text
	}
	return "Ensemble: groups"
}

// parseFeedSearch is parseSearch for the feeds: the page parameters are ignored.
func parseFeedSearch(r *http.Request) (SearchQuery, url.Values, error) {
	v := r.URL.Query()
	q, err := parseSearch(v, time.Now())
	return q, v, err
}

// handleSearchAtom serves GET /api/v1/search.atom: the groups matching the search,
// most recently changed first, as an Atom feed.
func (s *Server) handleSearchAtom(w http.ResponseWriter, r *http.Request) {
	q, v, err := parseFeedSearch(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if q.Sort == "" {
		q.Sort = "updated"
	}
	recs, err := s.feedRecords(r.Context(), q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	slices.SortStableFunc(recs, func(a, b record.Record) int {
		return cmp.Or(b.UpdatedAt.Compare(a.UpdatedAt), strings.Compare(a.ID, b.ID))
	})
	n := feedEntries
	if v.Get("per_page") != "" {
		n = q.PerPage
	}
	recs = recs[:min(n, len(recs))]

	base := requestBase(r)
	self := base + r.URL.Path + "?" + r.URL.RawQuery
	feed := atomFeed{
		ID: "tag:ensemble," + "2026:search?" + v.Encode(), Title: feedTitle(q),
		Subtitle: "Mental-health groups in Belgium matching this search: new and changed listings.",
		Updated:  time.Unix(0, 0).UTC().Format(time.RFC3339),
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: self},
			{Rel: "alternate", Type: "application/json", Href: base + "/api/v1/search?" + v.Encode()}},
		Author: atomPerson{Name: "Ensemble", URI: base + "/"}, Generator: "Ensemble " + s.version,
		Entries: []atomEntry{},
	}
	for i, rec := range recs {
		updated := rec.UpdatedAt.UTC().Format(time.RFC3339)
		if i == 0 {
			feed.Updated = updated
		}
		e := atomEntry{
			ID: "urn:uuid:" + rec.ID, Title: rec.Title, Updated: updated,
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: s.pageLink(base, rec)}},
			Summary: atomText{Type: "text", Text: summary(rec)}, Rights: rightsOf(rec),
		}
		if rec.URL != "" && s.pageURL != nil {
			e.Links = append(e.Links, atomLink{Rel: "via", Type: "text/html", Href: rec.URL})
		}
		e.Links = append(e.Links, atomLink{Rel: "related", Type: "application/json", Href: base + "/api/v1/records/" + rec.ID})
		if !rec.FirstSeen.IsZero() {
			e.Published = rec.FirstSeen.UTC().Format(time.RFC3339)
		}
		if rec.Organization.Name != "" {
			e.Author = &atomPerson{Name: rec.Organization.Name, URI: rec.Organization.URL}
		}
		tax := record.DefaultTaxonomy()
		for _, id := range append([]string{rec.Kind}, append(rec.Audiences, rec.Topics...)...) {
			if id != "" {
				e.Categories = append(e.Categories, atomCategory{Term: id, Label: tax.Label(id, rec.Language)})
			}
		}
		feed.Entries = append(feed.Entries, e)
	}
	out, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Write([]byte(xml.Header))
	w.Write(out)
}

// summary is a record in a few lines of text: organizer, next date, place, price,
// then the start of its description.
func summary(rec record.Record) string {
	var lines []string
	if rec.Organization.Name != "" {
		lines = append(lines, rec.Organization.Name)
	}
	if next := rec.Schedule.Upcoming(time.Now(), 1); len(next) > 0 {
		lines = append(lines, next[0].In(brussels).Format("2006-01-02 15:04"))
	} else if rec.Schedule.Text != "" {
		lines = append(lines, rec.Schedule.Text)
	}
	if place := placeOf(rec); place != "" {
		lines = append(lines, place)
	}
	if price := priceOf(rec); price != "" {
		lines = append(lines, price)
	}
	if d := []rune(rec.Description); len(d) > 400 {
		lines = append(lines, string(d[:400])+"…")
	} else if len(d) > 0 {
		lines = append(lines, rec.Description)
	}
	return strings.Join(lines, "\n")
}

func rightsOf(rec record.Record) string {
	switch {
	case rec.License != "" && rec.Attribution != "":
		return rec.License + ", " + rec.Attribution
	case rec.License != "":
		return rec.License
	}
	return rec.Attribution
}

func placeOf(rec record.Record) string {
	if rec.Attendance == "online" {
		return "online"
	}
	var parts []string
	for _, p := range []string{rec.Location.Name, rec.Location.Address, strings.TrimSpace(rec.Location.Postcode + " " + rec.Location.City)} {
		if p != "" && !slices.Contains(parts, p) {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

func priceOf(rec record.Record) string {
	switch {
	case rec.Cost.Free:
		return "free"
	case rec.Cost.Text != "":
		return rec.Cost.Text
	case rec.Cost.Min > 0:
		return fmt.Sprintf("%g %s", rec.Cost.Min, rec.Cost.Currency)
	}
	return ""
}

// sessionLength is how long one session lasts, 0 when unknown.
func sessionLength(rec record.Record) time.Duration {
	if rec.Schedule.DurationMinutes > 0 {
		return time.Duration(rec.Schedule.DurationMinutes) * time.Minute
	}
	if st, end := rec.Schedule.Start, rec.Schedule.End; st != nil && end != nil && end.After(*st) && end.Sub(*st) <= 24*time.Hour {
		return end.Sub(*st)
	}
	return 0
}

// handleSearchICS serves GET /api/v1/search.ics: the upcoming sessions of the groups
// matching the search, as an iCalendar feed.
func (s *Server) handleSearchICS(w http.ResponseWriter, r *http.Request) {
	q, _, err := parseFeedSearch(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if q.Sort == "" {
		q.Sort = "date"
	}
	if q.From.IsZero() {
		q.From = time.Now()
	}
	recs, err := s.feedRecords(r.Context(), q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	base := requestBase(r)
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//Ensemble//search " + s.version + "//EN")
	cal.SetName(feedTitle(q))
	cal.SetXWRCalName(feedTitle(q))
	cal.SetDescription("Upcoming sessions of mental-health groups in Belgium matching this search.")
	cal.SetRefreshInterval("PT6H")
	type session struct {
		rec   record.Record
		start time.Time
	}
	var sessions []session
	now := time.Now()
	for _, rec := range recs {
		for _, t := range rec.Schedule.Upcoming(now, icsPerRecord) {
			sessions = append(sessions, session{rec, t})
		}
	}
	slices.SortStableFunc(sessions, func(a, b session) int { return a.start.Compare(b.start) })
	for _, ses := range sessions[:min(icsEvents, len(sessions))] {
		rec := ses.rec
		e := cal.AddEvent(rec.ID + "-" + ses.start.UTC().Format("20060102T150405Z") + "@ensemble")
		stamp := rec.UpdatedAt
		if stamp.IsZero() {
			stamp = now
		}
		e.SetDtStampTime(stamp)
		e.SetStartAt(ses.start)
		if d := sessionLength(rec); d > 0 {
			e.SetEndAt(ses.start.Add(d))
		}
		e.SetSummary(rec.Title)
		if place := placeOf(rec); place != "" {
			e.SetLocation(place)
		}
		if rec.Location.Lat != 0 || rec.Location.Lon != 0 {
			e.SetGeo(rec.Location.Lat, rec.Location.Lon)
		}
		e.SetDescription(summary(rec))
		e.SetURL(s.pageLink(base, rec))
		if rec.Kind != "" {
			e.SetProperty(ics.ComponentPropertyCategories, record.DefaultTaxonomy().Label(rec.Kind, rec.Language))
		}
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Write([]byte(cal.Serialize()))
}
