package synthetic

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"html"
	"net/http"
	"strings"
	"time"

	"github.com/ensemble-be/ensemble/record"
)

// PageSize is how many listings one HTML agenda page of a Site holds.
const PageSize = 25

// Site is a fixture of partner sites: the first n records of a corpus, published by
// their sources as each source's Feed says. Serve it with httptest for crawl
// benchmarks. Paths:
//
//	/{source}/agenda.html, /{source}/agenda-2.html ...  HTML agenda (feed "html"):
//	    article.event > h2.title, time[datetime], .place, .price, p.description;
//	    a.next links the following page
//	/{source}/agenda.ics                                 iCalendar (feed "ical"), with RRULEs
//	/{source}/groupes.csv                                CSV, ';'-separated (feed "csv"):
//	    id;titre;description;date;code postal;localité;prix
//
// Every page is rendered once, when the Site is built.
type Site struct {
	Sources []Source
	pages   map[string][]byte
	counts  map[string]int
}

// NewSite renders the partner sites of the first n records of seed.
func NewSite(seed uint64, n int) *Site {
	s := &Site{Sources: Sources(seed), pages: map[string][]byte{}, counts: map[string]int{}}
	bySource := map[string][]record.Record{}
	for r := range Generate(seed, n) {
		bySource[r.Source] = append(bySource[r.Source], r)
	}
	for _, src := range s.Sources {
		recs := bySource[src.ID]
		s.counts[src.ID] = len(recs)
		switch src.Feed {
		case "ical":
			s.pages["/"+src.ID+"/agenda.ics"] = renderICal(src, recs)
		case "csv":
			s.pages["/"+src.ID+"/groupes.csv"] = renderCSV(recs)
		default:
			for p, i := 1, 0; i < len(recs) || p == 1; p, i = p+1, i+PageSize {
				end := min(i+PageSize, len(recs))
				s.pages[pagePath(src.ID, p)] = renderHTML(src, recs[i:end], p, end < len(recs))
			}
		}
	}
	return s
}

// Path is the first document of src on the site.
func (s *Site) Path(src Source) string {
	switch src.Feed {
	case "ical":
		return "/" + src.ID + "/agenda.ics"
	case "csv":
		return "/" + src.ID + "/groupes.csv"
	}
	return pagePath(src.ID, 1)
}

// Listings is how many listings src publishes on the site.
func (s *Site) Listings(src string) int { return s.counts[src] }

func pagePath(source string, page int) string {
	if page == 1 {
		return "/" + source + "/agenda.html"
	}
	return fmt.Sprintf("/%s/agenda-%d.html", source, page)
}

// ServeHTTP serves the rendered pages; robots.txt allows everything.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/robots.txt" {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "User-agent: *\nAllow: /\n")
		return
	}
	body, ok := s.pages[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	switch {
	case strings.HasSuffix(r.URL.Path, ".ics"):
		w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	case strings.HasSuffix(r.URL.Path, ".csv"):
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	default:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	w.Write(body)
}

func placeText(r record.Record) string {
	if r.Location.City == "" {
		return "En ligne"
	}
	return strings.TrimPrefix(r.Location.Address+", "+r.Location.Postcode+" "+r.Location.City, ", ")
}

func renderHTML(src Source, recs []record.Record, page int, more bool) []byte {
	var b bytes.Buffer
	e := html.EscapeString
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=%q><head><meta charset=\"utf-8\"><title>%s</title></head><body>\n<h1>%s</h1>\n",
		src.Language, e(src.Name), e(src.Name))
	for _, r := range recs {
		b.WriteString(`<article class="event">`)
		fmt.Fprintf(&b, `<h2 class="title"><a href="%s">%s</a></h2>`, e(r.URL), e(r.Title))
		if s := r.Schedule.Start; s != nil {
			fmt.Fprintf(&b, `<time datetime="%s">%s</time>`, s.Format(time.RFC3339), e(r.Schedule.Text))
		} else {
			fmt.Fprintf(&b, `<span class="when">%s</span>`, e(r.Schedule.Text))
		}
		fmt.Fprintf(&b, `<p class="place">%s</p><p class="price">%s</p><p class="description">%s</p>`,
			e(placeText(r)), e(r.Cost.Text), e(r.Description))
		b.WriteString("</article>\n")
	}
	if more {
		fmt.Fprintf(&b, "<a class=\"next\" href=\"%s\">Suivant</a>\n", pagePath(src.ID, page+1))
	}
	b.WriteString("</body></html>\n")
	return b.Bytes()
}

// icalText escapes a TEXT value (RFC 5545 3.3.11).
var icalText = strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`)

func renderICal(src Source, recs []record.Record) []byte {
	var b bytes.Buffer
	line := func(s string) { // folded at 75 octets, on rune boundaries
		for len(s) > 75 {
			cut := 75
			for cut > 0 && s[cut]&0xC0 == 0x80 {
				cut--
			}
			b.WriteString(s[:cut] + "\r\n ")
			s = s[cut:]
		}
		b.WriteString(s + "\r\n")
	}
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//Ensemble//synthetic " + src.ID + "//FR")
	for _, r := range recs {
		if r.Schedule.Start == nil {
			continue
		}
		line("BEGIN:VEVENT")
		line("UID:" + r.LocalID + "@" + src.ID)
		line("DTSTAMP:" + r.UpdatedAt.UTC().Format("20060102T150405Z"))
		line("DTSTART;TZID=Europe/Brussels:" + r.Schedule.Start.Format("20060102T150405"))
		if d := r.Schedule.DurationMinutes; d > 0 {
			line(fmt.Sprintf("DURATION:PT%dM", d))
		}
		if r.Schedule.RRule != "" {
			rule := r.Schedule.RRule
			if e := r.Schedule.End; e != nil {
				rule += ";UNTIL=" + e.UTC().Format("20060102T150405Z")
			}
			line("RRULE:" + rule)
		}
		line("SUMMARY:" + icalText.Replace(r.Title))
		line("DESCRIPTION:" + icalText.Replace(r.Description+" "+r.Cost.Text))
		line("LOCATION:" + icalText.Replace(placeText(r)))
		line("URL:" + r.URL)
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return b.Bytes()
}

func renderCSV(recs []record.Record) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = ';'
	w.Write([]string{"id", "titre", "description", "date", "code postal", "localité", "prix"})
	for _, r := range recs {
		date := r.Schedule.Text
		if s := r.Schedule.Start; s != nil && r.Schedule.RRule == "" {
			date = s.Format("2006-01-02T15:04")
		}
		w.Write([]string{r.LocalID, r.Title, r.Description, date, r.Location.Postcode, r.Location.City, r.Cost.Text})
	}
	w.Flush()
	return b.Bytes()
}
