package sources

import (
	"reflect"
	"strings"
	"testing"

	"github.com/ensemble-be/ensemble/record"
)

func TestCompileSelector(t *testing.T) {
	tests := []struct {
		in       string
		css      bool // whether a CSS part remains
		attr     string
		wantErr  bool
		matchesA bool // whether it matches the <a> of the sample
	}{
		{in: "a.more@href", css: true, attr: "href", matchesA: true},
		{in: "time@datetime", css: true, attr: "datetime"},
		{in: "@data-id", attr: "data-id"},
		{in: " a.more @ HREF ", css: true, attr: "href", matchesA: true},
		{in: `a[href^="mailto:x@y.example"]`, css: true, matchesA: true},
		{in: `a[href$="@y.example"]@href`, css: true, attr: "href", matchesA: true},
		{in: "h2, h3", css: true},
		{in: "", wantErr: true},
		{in: "  ", wantErr: true},
		{in: "a[", wantErr: true},
		{in: "a@", wantErr: true},
	}
	for _, tt := range tests {
		sel, err := compileSelector(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("compileSelector(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if err != nil {
			continue
		}
		if (sel.css != nil) != tt.css || sel.attr != tt.attr {
			t.Errorf("compileSelector(%q) = css %v, attr %q; want css %v, attr %q", tt.in, sel.css != nil, sel.attr, tt.css, tt.attr)
		}
	}
}

func htmlDef(o HTMLOptions) Definition {
	return Definition{ID: "t", Kind: KindHTML, URL: "https://t.example/agenda", HTML: &o}
}

func TestParseErrors(t *testing.T) {
	csvDef := func(columns map[string]string, id string) Definition {
		return Definition{Kind: KindCSV, CSV: &CSVOptions{Delimiter: ";", Columns: columns, ID: id}}
	}
	tests := []struct {
		name string
		def  Definition
		body string
		want string
	}{
		{"unknown kind", Definition{Kind: "xml"}, "<x/>", `kind: "xml" is not one of html, jsonld, csv`},
		{"html options missing", Definition{Kind: KindHTML}, "<p>", "html: required when kind is html"},
		{"csv options missing", Definition{Kind: KindCSV}, "a;b", "csv: required when kind is csv"},
		{"invalid selector", htmlDef(HTMLOptions{List: "li", Fields: map[string]string{"title": "h2["}}), "<li>", "html.fields.title: invalid selector"},
		{"csv header missing", csvDef(map[string]string{"title": "Titre", "date": "Date"}, ""), "Titre;Lieu\nA;B\n", `header "Date" (mapped to date) not found`},
		{"csv id header missing", csvDef(map[string]string{"title": "Titre"}, "Ref"), "Titre;Lieu\nA;B\n", `header "Ref" (mapped to id) not found`},
		{"csv empty", csvDef(map[string]string{"title": "Titre"}, ""), "\n;;\n", "no header row"},
		{"csv bad encoding", Definition{Kind: KindCSV, CSV: &CSVOptions{Encoding: "ebcdic", Columns: map[string]string{"title": "T"}}}, "T\nx", "csv.encoding"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := Parse(tt.def, []byte(tt.body), "https://t.example/")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse(%q) = %+v, %v; want error containing %q", tt.body, page, err, tt.want)
			}
		})
	}
}

func TestParseHTML(t *testing.T) {
	def := htmlDef(HTMLOptions{
		List: "li", Link: "a", Next: "a.next",
		Fields: map[string]string{"title": "b", "description": ".d", "image": "img@src"},
	})
	tests := []struct {
		name, body string
		want       Page
	}{
		{
			name: "next is the page itself",
			body: `<ul><li><b>Un</b></li></ul><a class="next" href="/agenda#top">suivant</a>`,
			want: Page{Listings: []record.Listing{{Fields: map[string]string{"title": "Un"}}}},
		},
		{
			name: "description from several elements, relative image",
			body: `<ul><li><b>Un</b><p class="d">A<br>B</p><p class="d">C</p><img src="i.png"></li></ul>`,
			want: Page{Listings: []record.Listing{{Fields: map[string]string{
				"title": "Un", "description": "A\nB\nC", "image": "https://t.example/i.png",
			}}}},
		},
		{
			name: "nothing listed",
			body: `<p>Pas de groupe en ce moment.</p>`,
			want: Page{Listings: []record.Listing{}, Problems: []Problem{{Where: "page", Message: `list selector "li" matched nothing`}}},
		},
		{
			name: "latin-1 page",
			body: "<meta charset=\"iso-8859-1\"><ul><li><b>Th\xe9rapie de groupe</b></li></ul>",
			want: Page{Listings: []record.Listing{{Fields: map[string]string{"title": "Thérapie de groupe"}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(def, []byte(tt.body), def.URL)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q) = %+v, want %+v", tt.body, got, tt.want)
			}
		})
	}
}

func TestParseDetail(t *testing.T) {
	def := htmlDef(HTMLOptions{
		List: "li", Link: "a", Fields: map[string]string{"title": "b"},
		Detail: map[string]string{"title": "h1", "description": "main p", "registration": "a.inscription@href"},
	})
	l := record.Listing{Fields: map[string]string{"title": "Ancien titre", "place": "Namur"}}
	body := `<h1>Nouveau titre</h1><main><p>Un.</p><p>Deux.</p></main><a class="inscription" href="/s-inscrire">S'inscrire</a>`
	problems := ParseDetail(def, []byte(body), "https://t.example/groupes/1", &l)
	want := record.Listing{URL: "https://t.example/groupes/1", Fields: map[string]string{
		"title": "Nouveau titre", "place": "Namur", "description": "Un.\nDeux.", "registration": "https://t.example/s-inscrire",
	}}
	if len(problems) != 0 || !reflect.DeepEqual(l, want) {
		t.Errorf("ParseDetail(%q) = %+v, %v; want %+v and no problem", body, l, problems, want)
	}

	l = record.Listing{}
	problems = ParseDetail(def, []byte("<p>vide</p>"), "https://t.example/groupes/2", &l)
	if len(problems) != 1 || !strings.Contains(problems[0].Message, `title selector "h1" matched nothing`) {
		t.Errorf("ParseDetail(no title) problems = %v, want the title selector named", problems)
	}
	if l.URL != "https://t.example/groupes/2" {
		t.Errorf("ParseDetail(no title) URL = %q, want the page URL", l.URL)
	}

	l = record.Listing{URL: "https://t.example/x"}
	problems = ParseDetail(Definition{Kind: KindCSV}, []byte("x"), "https://t.example/y", &l)
	if len(problems) != 1 || l.URL != "https://t.example/x" {
		t.Errorf("ParseDetail(csv) = %+v, %v; want one problem and the URL kept", l, problems)
	}
}

func TestParseCSV(t *testing.T) {
	columns := map[string]string{"title": "Titre", "url": "Site"}
	tests := []struct {
		name      string
		opts      CSVOptions
		body      string
		titles    []string
		urls      []string
		problems  int
		wantWhere string
	}{
		{"tab word", CSVOptions{Delimiter: "tab", Columns: columns}, "titre\tsite\nA\thttps://a.example\n", []string{"A"}, []string{"https://a.example"}, 0, ""},
		{"tab escape", CSVOptions{Delimiter: `\t`, Columns: columns}, " TITRE \tSite\nA\t//a.example/x\n", []string{"A"}, []string{"https://a.example/x"}, 0, ""},
		{"bom wins over encoding", CSVOptions{Encoding: "windows-1252", Columns: columns}, "\xef\xbb\xbfTitre,Site\nCaf\xc3\xa9,\n", []string{"Café"}, []string{""}, 0, ""},
		{"latin-1", CSVOptions{Encoding: "iso-8859-1", Columns: columns}, "Titre,Site\nCaf\xe9,a.example\n", []string{"Café"}, []string{"https://a.example"}, 0, ""},
		{"invalid utf-8", CSVOptions{Columns: columns}, "Titre,Site\nCaf\xe9,\n", []string{"Caf\uFFFD"}, []string{""}, 1, "file"},
		{"relative link", CSVOptions{Columns: columns}, "Titre,Site\nA,/groupes/a\nB,groupes\n", []string{"A", "B"}, []string{"https://t.example/groupes/a", "https://t.example/data/groupes"}, 0, ""},
		{"too many fields", CSVOptions{Columns: columns}, "Titre,Site\nA,b,c\n\"B\nsuite\",x.example\nC,\n", []string{"B\nsuite", "C"}, []string{"https://x.example", ""}, 1, "line 2"},
		{"lazy quotes", CSVOptions{Columns: columns}, "Titre,Site\nLe \"bon\" groupe,\n", []string{`Le "bon" groupe`}, []string{""}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			def := Definition{Kind: KindCSV, CSV: &tt.opts}
			page, err := Parse(def, []byte(tt.body), "https://t.example/data/export.csv")
			if err != nil {
				t.Fatalf("Parse(%q) error = %v", tt.body, err)
			}
			var titles, urls []string
			for _, l := range page.Listings {
				titles, urls = append(titles, l.Fields["title"]), append(urls, l.Fields["url"])
			}
			if !reflect.DeepEqual(titles, tt.titles) || !reflect.DeepEqual(urls, tt.urls) {
				t.Errorf("Parse(%q) titles %q urls %q, want %q %q", tt.body, titles, urls, tt.titles, tt.urls)
			}
			if len(page.Problems) != tt.problems || (tt.problems > 0 && page.Problems[0].Where != tt.wantWhere) {
				t.Errorf("Parse(%q) problems = %v, want %d at %q", tt.body, page.Problems, tt.problems, tt.wantWhere)
			}
		})
	}
}

func TestParseJSONLD(t *testing.T) {
	def := Definition{Kind: KindJSONLD}
	script := func(s string) string { return `<script type="application/ld+json">` + s + `</script>` }
	tests := []struct {
		name     string
		body     string
		titles   []string
		problems []string // "where: message" substrings, in order
	}{
		{"single object", script(`{"@type": "Event", "name": "A"}`), []string{"A"}, nil},
		{"array and type forms", script(`[{"@type": "schema:SocialEvent", "name": "A"}, {"@type": ["Thing", "https://schema.org/ChildrensEvent"], "name": "B"}, {"@type": "WebSite", "name": "S"}]`), []string{"A", "B"}, nil},
		{"type case", script(`{"@type": "EVENT", "name": "A"}`), []string{"A"}, nil},
		{"graph with reference", script(`{"@graph": [{"@type": "Event", "@id": "#e", "name": "A", "organizer": {"@id": "#o"}}, {"@type": "Organization", "@id": "#o", "name": "O", "description": "d"}, {"@type": "WebPage", "mainEntity": {"@id": "#e"}}]}`), []string{"A"}, nil},
		{"main entity", script(`{"@type": "WebPage", "mainEntity": {"@type": "Course", "name": "C"}}`), []string{"C"}, nil},
		{"organization referenced by name", script(`[{"@type": "Event", "name": "A", "organizer": "Asbl O"}, {"@type": "Organization", "name": "Asbl  o", "description": "d"}]`), []string{"A"}, nil},
		{"organization listed", script(`{"@type": "Organization", "name": "O", "description": "Groupes d'entraide"}`), []string{"O"}, nil},
		{"organization without description", script(`{"@type": "Organization", "name": "O"}`), nil, []string{"page: no Event, Course, Service or Organization"}},
		{"self-referencing lists", script(`{"@graph": [{"@type": "ItemList", "@id": "#l", "itemListElement": [{"@id": "#l"}, {"@id": "#l"}, {"item": {"@id": "#e"}}]}, {"@type": "Event", "@id": "#e", "name": "A"}, {"@type": "WebPage", "@id": "#p", "mainEntity": {"@id": "#p"}}]}`), []string{"A"}, nil},
		{"blank node id", script(`{"@type": "Event", "@id": "_:b0", "name": "A"}`), []string{"A"}, nil},
		{"course without instances", script(`{"@type": "Course", "name": "C"}`), []string{"C"}, nil},
		{"invalid block, others read", script(`{"@type": "Event",}`) + script(`{"@type": "Event", "name": "B"}`), []string{"B"}, []string{"json-ld block 1: invalid JSON"}},
		{"empty block", script(` `), nil, []string{"json-ld block 1: invalid JSON: empty block"}},
		{"comment wrapper", script(`<!-- {"@type": "Event", "name": "A"} -->`), []string{"A"}, nil},
		{"overlapping comment wrapper", script(`<!-->`), nil, []string{"json-ld block 1: invalid JSON"}},
		{"cdata wrapper", script("//<![CDATA[\n{\"@type\": \"Event\", \"name\": \"A\"}\n//]]>"), []string{"A"}, nil},
		{"raw line break in a string", script("{\"@type\": \"Event\", \"name\": \"A\",\n \"description\": \"un\ndeux\"}"), []string{"A"}, nil},
		{"json body", `[{"@type": "Event", "name": "A"}]`, []string{"A"}, nil},
		{"invalid json body", `{"@type": `, nil, []string{"json-ld block 1: invalid JSON"}},
		{"no json-ld", `<p>rien</p>`, nil, []string{"page: no JSON-LD found"}},
		{"cancelled", script(`{"@type": "Event", "name": "A", "eventStatus": "EventCancelled"}`), nil, []string{`json-ld block 1, Event "A": eventStatus is EventCancelled`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := Parse(def, []byte(tt.body), "https://t.example/")
			if err != nil {
				t.Fatalf("Parse(%q) error = %v", tt.body, err)
			}
			var titles []string
			for _, l := range page.Listings {
				titles = append(titles, l.Fields["title"])
			}
			if !reflect.DeepEqual(titles, tt.titles) {
				t.Errorf("Parse(%q) titles = %q, want %q", tt.body, titles, tt.titles)
			}
			if len(page.Problems) != len(tt.problems) {
				t.Fatalf("Parse(%q) problems = %v, want %q", tt.body, page.Problems, tt.problems)
			}
			for i, p := range page.Problems {
				if !strings.Contains(p.String(), tt.problems[i]) {
					t.Errorf("Parse(%q) problem %d = %q, want %q", tt.body, i, p, tt.problems[i])
				}
			}
		})
	}
}

func TestJSONLDOffers(t *testing.T) {
	tests := []struct {
		offers string
		want   string
	}{
		{`{"price": 12, "priceCurrency": "EUR"}`, "12 EUR"},
		{`{"price": "0.00", "priceCurrency": "EUR"}`, "gratuit"},
		{`{"price": "10 €"}`, "10 €"},
		{`[{"price": 5, "priceCurrency": "EUR"}, {"price": 5, "priceCurrency": "EUR"}, {"price": 8, "priceCurrency": "EUR"}]`, "5 EUR / 8 EUR"},
		{`{"lowPrice": 5, "highPrice": 10, "priceCurrency": "EUR"}`, "5 - 10 EUR"},
		{`{"priceSpecification": [{"minPrice": 20, "priceCurrency": "EUR"}]}`, "20 EUR"},
		{`{"url": "/x"}`, ""},
	}
	for _, tt := range tests {
		body := `{"@type": "Event", "name": "A", "offers": ` + tt.offers + `}`
		page, err := Parse(Definition{Kind: KindJSONLD}, []byte(body), "https://t.example/")
		if err != nil || len(page.Listings) != 1 {
			t.Fatalf("Parse(%q) = %+v, %v", body, page, err)
		}
		if got := page.Listings[0].Fields["price"]; got != tt.want {
			t.Errorf("Parse(offers %s) price = %q, want %q", tt.offers, got, tt.want)
		}
	}
}

func TestJSONLDLocalID(t *testing.T) {
	tests := []struct {
		node string
		want []string
	}{
		{`{"@type": "Event", "identifier": "gp-12", "@id": "https://x.example/#e"}`, []string{"gp-12"}},
		{`{"@type": "Event", "identifier": 12}`, []string{"12"}},
		{`{"@type": "Event", "identifier": {"@type": "PropertyValue", "value": "a-1"}}`, []string{"a-1"}},
		{`{"@type": "Event", "@id": "https://x.example/#e"}`, []string{"https://x.example/#e"}},
		{`{"@type": "Event", "@id": "_:b0"}`, []string{""}},
		{`{"@type": "Course", "url": "/c", "hasCourseInstance": [{"startDate": "2026-10-01"}, {}, {"@id": "#i"}]}`,
			[]string{"https://x.example/c#2026-10-01", "https://x.example/c#2", "https://x.example/agenda#i"}},
		{`{"@type": "Course", "hasCourseInstance": [{"startDate": "2026-10-01"}]}`, []string{""}},
	}
	for _, tt := range tests {
		page, err := Parse(Definition{Kind: KindJSONLD}, []byte(tt.node), "https://x.example/agenda")
		if err != nil {
			t.Fatalf("Parse(%q) error = %v", tt.node, err)
		}
		var got []string
		for _, l := range page.Listings {
			got = append(got, l.LocalID)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q) local ids = %q, want %q", tt.node, got, tt.want)
		}
	}
}
