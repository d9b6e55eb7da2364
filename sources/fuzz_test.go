package sources

import (
	"testing"
	"unicode/utf8"

	"github.com/ensemble-be/ensemble/record"
)

// fuzzParse seeds f with the inputs of testdata/<kind> and checks that Parse, with
// each definition of that directory, never panics and keeps its invariants.
func fuzzParse(f *testing.F, kind string, extra ...string) {
	cases := goldenCases(f, kind)
	for _, c := range cases {
		f.Add(c.input)
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, c := range cases {
			page, err := Parse(c.def, body, c.def.URL)
			if err != nil {
				if len(page.Listings) != 0 || len(page.Problems) != 0 {
					t.Fatalf("Parse(%s) returned a page with its error %v", c.name, err)
				}
				continue
			}
			checkPageInvariants(t, c.def.URL, page)
			for i, l := range page.Listings {
				for name, v := range l.Fields {
					if !utf8.ValidString(v) {
						t.Errorf("Parse(%s) listing %d field %s = %q, not UTF-8", c.name, i+1, name, v)
					}
				}
			}
			if c.def.Kind == KindHTML && len(c.def.HTML.Detail) > 0 {
				l := record.Listing{}
				if len(page.Listings) > 0 {
					l = page.Listings[0]
				}
				problems := ParseDetail(c.def, body, c.def.URL+"detail", &l)
				checkPageInvariants(t, c.def.URL, Page{Listings: []record.Listing{l}, Problems: problems})
			}
		}
	})
}

func FuzzParseHTML(f *testing.F) {
	fuzzParse(f, "html",
		`<article class="evenement"><h2 class="titre">x</h2><a class="plus" href="http://[::1">x</a></article><a class="suivant" href="%zz">`,
		`<ul class="groepen"><li lang="`+"\xff"+`"><h3>`+"\xe9"+`</h3><a class="lees-meer" href="mailto:x">`)
}

func FuzzParseJSONLD(f *testing.F) {
	fuzzParse(f, "jsonld",
		`{"@graph": [{"@id": "#a", "@type": "Event", "location": {"@id": "#a"}, "organizer": {"@id": "#a"}}]}`,
		`[[[[{"@type": "ItemList", "itemListElement": [{"item": {"@type": "Course", "hasCourseInstance": [{"@id": "x"}, 1, null]}}]}]]]]`,
		`<script type="application/ld+json"><!-- {"@type": "Service", "offers": [{"price": "-0"}], "url": "//"} --></script>`,
		`<script type="application/ld+json"><!---></script><script type="application/ld+json">//<![CDATA[//]]></script>`)
}

func FuzzParseCSV(f *testing.F) {
	fuzzParse(f, "csv", "titre\n\"a\n", "\xef\xbb\xbf", "\"\"\"\n;;\n\r\r\n")
}

// FuzzCompileSelector: selectors come from partners' definitions; compiling and
// applying one must never panic.
func FuzzCompileSelector(f *testing.F) {
	for _, s := range []string{"a.more@href", "@data-id", `a[href^="mailto:"]@href`, "h2, h3", "li:nth-child(2n+1) > p", "a@", "[[", ":contains(\"x@y\")"} {
		f.Add(s)
	}
	doc, err := parseDocument([]byte(`<ul><li data-id="1"><a class="more" href="/x">x</a></li></ul>`))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sel, err := compileSelector(s)
		if err != nil {
			return
		}
		sel.value(doc.Selection, true, true)
	})
}
