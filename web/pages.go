package web

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/ensemble-be/ensemble/api"
)

// pages are the parsed templates: each page file with the layout.
type pages struct{ byName map[string]*template.Template }

func parsePages() *pages {
	p := &pages{byName: map[string]*template.Template{}}
	for _, name := range []string{"search", "record", "message"} {
		p.byName[name] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS,
			"templates/layout.html", "templates/"+name+".html"))
	}
	return p
}

var funcs = template.FuncMap{
	// args packs values for a sub-template: {{template "select" (args $ . "kind" .Kinds)}}.
	"args": func(v ...any) []any { return v },
	"tel":  telNumber,
}

// telNumber is a phone number for a tel: link: its first number ("107 / 106" →
// "107"), digits and a leading + only.
func telNumber(n string) string {
	n, _, _ = strings.Cut(n, "/")
	var b strings.Builder
	for i, r := range strings.TrimSpace(n) {
		if r >= '0' && r <= '9' || r == '+' && i == 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// page is what the layout needs; Content is the page's own data.
type page struct {
	Lang       string
	Title      string
	Crisis     api.Crisis
	LangLinks  []langLink
	Alternates []alternate
	Content    any
}

type langLink struct {
	Code, Name, URL string
	Current         bool
}

// alternate is a <link rel="alternate">: the feeds of a search.
type alternate struct{ Type, Title, URL string }

// T translates a message in the page's language.
func (p page) T(key string, args ...any) string { return translate(p.Lang, key, args...) }

// newPage fills the layout's data for r: language, crisis lines, and the links that
// show the same page in the other languages (the language is kept in the URL).
func (s *Site) newPage(r *http.Request, lang, title string) page {
	return s.newPageAt(r, r.URL.Path, lang, title)
}

func (s *Site) newPageAt(r *http.Request, path, lang, title string) page {
	p := page{Lang: lang, Title: title, Crisis: api.CrisisFor(lang)}
	for _, l := range languages {
		v := url.Values{}
		if r.Method == http.MethodGet {
			v = r.URL.Query()
		}
		v.Set("lang", l)
		p.LangLinks = append(p.LangLinks, langLink{Code: l, Name: languageNames[l], URL: path + "?" + v.Encode(), Current: l == lang})
	}
	return p
}

// messagePage is a page with a title and a sentence: not found, errors.
type messagePage struct{ Title, Text string }

// render writes the page name with status, or a bare 500 if the template fails.
func (s *Site) render(w http.ResponseWriter, r *http.Request, status int, name string, p page, content any) {
	p.Content = content
	var buf bytes.Buffer
	if err := s.pages.byName[name].Execute(&buf, p); err != nil {
		s.log.Error("template failed", "page", name, "path", r.URL.Path, "error", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", p.Lang)
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Vary", "Accept-Language")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
