package sources

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestParseJSONGolden parses each testdata/json definition's document and compares it
// with its golden file.
func TestParseJSONGolden(t *testing.T) {
	for _, c := range goldenCases(t, "json") {
		t.Run(c.name, func(t *testing.T) {
			page, err := Parse(c.def, c.input, c.def.URL)
			if err != nil {
				t.Fatalf("Parse(%s) error = %v", c.name, err)
			}
			checkPageInvariants(t, c.def.URL, page)
			checkGolden(t, filepath.Join("testdata", c.name+".golden.json"), goldenPage(page))
		})
	}
}

// TestParseJSON: paths, values, problems, pagination and errors.
func TestParseJSON(t *testing.T) {
	const pageURL = "https://t.example/api/items"
	title := map[string]string{"title": "name"}
	tests := []struct {
		name     string
		opts     JSONOptions
		body     string
		titles   []string
		problems []string // Where of each problem
		next     string
		wantErr  string
	}{
		{name: "root list", opts: JSONOptions{Fields: title}, body: `[{"name": "A"}, {"name": "B"}]`, titles: []string{"A", "B"}},
		{name: "empty list", opts: JSONOptions{Fields: title}, body: `[]`},
		{name: "index in path", opts: JSONOptions{Path: "data.0.items", Fields: title}, body: `{"data": [{"items": [{"name": "A"}]}]}`, titles: []string{"A"}},
		{name: "dotted key", opts: JSONOptions{Path: "result.list", Fields: map[string]string{"title": "geo.name"}}, body: `{"result.list": [{"geo.name": "A"}]}`, titles: []string{"A"}},
		{name: "numbers and booleans", opts: JSONOptions{Fields: map[string]string{"title": "n"}}, body: `[{"n": 1.50}, {"n": true}, {"n": null}]`, titles: []string{"1.50", "true", ""}, problems: []string{"item 3"}},
		{name: "not an object", opts: JSONOptions{Fields: title}, body: `[{"name": "A"}, 3, null, ["x"]]`, titles: []string{"A"}, problems: []string{"item 2", "item 3", "item 4"}},
		{name: "object field", opts: JSONOptions{Fields: title}, body: `[{"name": {"fr": "A"}}]`, titles: []string{""}, problems: []string{"item 1, field title (path name)", "item 1"}},
		{name: "object without list", opts: JSONOptions{Fields: title, Next: "links.next"}, body: `{"links": {"next": "?page=2"}}`, wantErr: "the document is an object, not a list"},
		{name: "next relative", opts: JSONOptions{Path: "items", Fields: title, Next: "links.next"}, body: `{"items": [], "links": {"next": "?page=2"}}`, next: "https://t.example/api/items?page=2"},
		{name: "next self", opts: JSONOptions{Path: "items", Fields: title, Next: "next"}, body: `{"items": [], "next": "items"}`},
		{name: "next not a url", opts: JSONOptions{Path: "items", Fields: title, Next: "next"}, body: `{"items": [], "next": "mailto:x"}`, problems: []string{"page, next (path next)"}},
		{name: "next missing", opts: JSONOptions{Path: "items", Fields: title, Next: "next"}, body: `{"items": []}`},
		{name: "windows-1252", opts: JSONOptions{Fields: title}, body: "[{\"name\": \"Caf\xe9\"}]", titles: []string{"Café"}, problems: []string{"document"}},
		{name: "trailing data", opts: JSONOptions{Fields: title}, body: `[{"name": "A"}] x`, titles: []string{"A"}, problems: []string{"document"}},
		{name: "bom", opts: JSONOptions{Fields: title}, body: "\xef\xbb\xbf[{\"name\": \"A\"}]", titles: []string{"A"}},
		{name: "missing path", opts: JSONOptions{Path: "data.events", Fields: title}, body: `{"data": {"items": [{"name": "A"}]}}`, wantErr: `json.path "data.events": no "events" in data; lists of objects at: data.items`},
		{name: "bad index", opts: JSONOptions{Path: "data.2", Fields: title}, body: `{"data": [[]]}`, wantErr: `"2" is not an index of the list at data (1 items)`},
		{name: "through a scalar", opts: JSONOptions{Path: "data.items", Fields: title}, body: `{"data": 3}`, wantErr: `data is a number, "items" not found in it`},
		{name: "object at root", opts: JSONOptions{Fields: title}, body: `{"name": "A"}`, wantErr: "the document is an object, not a list"},
		{name: "invalid", opts: JSONOptions{Fields: title}, body: `[{"name": }]`, wantErr: "invalid JSON"},
		{name: "empty", opts: JSONOptions{Fields: title}, body: ` `, wantErr: "empty document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := Parse(Definition{Kind: KindJSON, JSON: &tt.opts}, []byte(tt.body), pageURL)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse(%q) = %+v, %v; want error containing %q", tt.body, page, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q) error = %v", tt.body, err)
			}
			checkPageInvariants(t, pageURL, page)
			titles := []string{}
			for _, l := range page.Listings {
				titles = append(titles, l.Fields["title"])
			}
			if !reflect.DeepEqual(titles, append([]string{}, tt.titles...)) {
				t.Errorf("Parse(%q) titles = %q, want %q", tt.body, titles, tt.titles)
			}
			var wheres []string
			for _, p := range page.Problems {
				wheres = append(wheres, p.Where)
			}
			if !reflect.DeepEqual(wheres, tt.problems) {
				t.Errorf("Parse(%q) problems = %v, want at %q", tt.body, page.Problems, tt.problems)
			}
			if page.Next != tt.next {
				t.Errorf("Parse(%q) next = %q, want %q", tt.body, page.Next, tt.next)
			}
		})
	}
}

// FuzzParseJSON: with each testdata/json definition, any document keeps the invariants.
func FuzzParseJSON(f *testing.F) {
	fuzzParse(f, "json",
		`{"data": {"events": [{"title": {"fr": ["a", 1, true, null, [[["b"]]]]}, "dates": [[{"start": 1e999}]]}]}, "links": {"next": "http://[::1"}}`,
		`{"content": [{"id": {"id": []}, "contactInfo": {"websites": [{"value": "//x"}, {"value": "javascript:1"}]}}]}`,
		`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
		"[\"\xff\"]")
}
