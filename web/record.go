package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/ensemble-be/ensemble/record"
)

// recordPage is a record's page data.
type recordPage struct {
	Rec          record.Record
	Kind         string
	Facilitation string
	Audiences    []string
	Topics       []string
	Attendance   string
	Languages    string
	GroupSize    string
	Upcoming     []string
	Ends         string
	Address      []string
	Price        string
	SourceName   string
	SourceURL    string
	FirstSeen    string
	LastSeen     string
	Updated      string
	Status       string
	Badges       []badge
	JSONLD       template.JS
	BackURL      string
	APIURL       string
	Report       reportForm
}

// reportForm is the "report a problem" form's state.
type reportForm struct {
	Enabled     bool
	Action      string
	Token       string
	Reasons     []option
	Text        string
	Errors      []fieldError
	Sent        bool
	RateLimited bool
}

// Err is the error of field, if any.
func (f reportForm) Err(field string) string {
	for _, e := range f.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// handleRecord serves GET /groups/{id}: every detail of a record, where it comes
// from, and the report form.
func (s *Site) handleRecord(w http.ResponseWriter, r *http.Request) {
	lang := pickLanguage(r)
	form := reportForm{Sent: r.URL.Query().Get("reported") == "1"}
	s.showRecord(w, r, lang, r.PathValue("id"), http.StatusOK, form)
}

// showRecord renders record id's page with the report form in the given state.
func (s *Site) showRecord(w http.ResponseWriter, r *http.Request, lang, id string, status int, form reportForm) {
	rec, err := s.opts.Store.Record(r.Context(), id)
	if errors.Is(err, record.ErrNotFound) {
		s.handleNotFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	rec = rec.Public()
	data := s.recordData(r, lang, rec)
	form.Enabled = s.opts.Reports != nil
	form.Action = RecordPath(rec.ID) + "/report?lang=" + lang
	form.Token = s.formToken(rec.ID)
	for _, reason := range record.ReportReasons {
		form.Reasons = append(form.Reasons, option{Value: reason, Label: translate(lang, "reason_"+reason),
			Selected: r.Method == http.MethodPost && r.PostFormValue("reason") == reason})
	}
	data.Report = form
	p := s.newPageAt(r, RecordPath(rec.ID), lang, rec.Title)
	s.render(w, r, status, "record", p, data)
}

func (s *Site) recordData(r *http.Request, lang string, rec record.Record) *recordPage {
	tax := record.DefaultTaxonomy()
	label := func(id string) string {
		if id == "" {
			return ""
		}
		return tax.Label(id, lang)
	}
	d := &recordPage{Rec: rec, Kind: label(rec.Kind), Facilitation: label(rec.Facilitation),
		Price: priceText(lang, rec), Badges: badges(lang, rec),
		FirstSeen: formatDate(lang, rec.FirstSeen), LastSeen: formatDate(lang, rec.LastSeen), Updated: formatDate(lang, rec.UpdatedAt),
		Status: translate(lang, "status_"+string(rec.Status)), BackURL: "/?lang=" + lang, APIURL: "/api/v1/records/" + rec.ID}
	for _, a := range rec.Audiences {
		d.Audiences = append(d.Audiences, label(a))
	}
	for _, t := range rec.Topics {
		d.Topics = append(d.Topics, label(t))
	}
	if rec.Attendance != "" {
		d.Attendance = translate(lang, rec.Attendance)
	}
	d.Languages = strings.Join(rec.Languages, ", ")
	if g := rec.GroupSize; g != nil {
		switch {
		case g.Text != "":
			d.GroupSize = g.Text
		case g.Min > 0 && g.Max > 0:
			d.GroupSize = fmt.Sprintf("%d–%d", g.Min, g.Max)
		case g.Max > 0:
			d.GroupSize = fmt.Sprintf("≤ %d", g.Max)
		}
	}
	for _, t := range rec.Schedule.Upcoming(s.opts.Now(), 10) {
		d.Upcoming = append(d.Upcoming, formatDate(lang, t))
	}
	if rec.Schedule.End != nil && len(rec.Schedule.Next) == 0 {
		d.Ends = formatDate(lang, *rec.Schedule.End)
	}
	loc := rec.Location
	for _, line := range []string{loc.Name, loc.Address, strings.TrimSpace(loc.Postcode + " " + loc.City)} {
		if line != "" && !containsFold(d.Address, line) {
			d.Address = append(d.Address, line)
		}
	}
	d.SourceName = rec.Source
	if src, err := s.opts.Store.Source(r.Context(), rec.Source); err == nil {
		if src.Definition.Name != "" {
			d.SourceName = src.Definition.Name
		}
		d.SourceURL = src.Definition.URL
	}
	d.JSONLD = jsonLD(rec, requestBase(r)+RecordPath(rec.ID), s.opts.Now())
	return d
}

func containsFold(list []string, s string) bool {
	for _, l := range list {
		if strings.Contains(strings.ToLower(l), strings.ToLower(s)) {
			return true
		}
	}
	return false
}

// requestBase is the scheme and host the request reached, for absolute links.
func requestBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
