package sources

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ensemble-be/ensemble/record"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenPage is how a Page is written in a golden file.
type goldenPage struct {
	Listings []record.Listing `json:"listings"`
	Next     string           `json:"next,omitempty"`
	Problems []Problem        `json:"problems,omitempty"`
	Feeds    []string         `json:"feeds,omitempty"`
	Lines    []int            `json:"-"`
}

// goldenDetail is how the result of ParseDetail is written in a golden file.
type goldenDetail struct {
	Listing  record.Listing `json:"listing"`
	Problems []Problem      `json:"problems,omitempty"`
}

// goldenCase is one definition in testdata/<kind>/ with its input beside it.
type goldenCase struct {
	name  string // "html/agenda"
	def   Definition
	input []byte
}

// goldenCases loads every testdata/<kind>/*.yaml definition (validating it, as LoadFile
// does) and the input of the same name (.html, .json or .csv).
func goldenCases(tb testing.TB, kind string) []goldenCase {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", kind, "*.yaml"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no definitions in testdata/%s: %v", kind, err)
	}
	var cases []goldenCase
	for _, path := range paths {
		def, err := LoadFile(path)
		if err != nil {
			tb.Fatalf("LoadFile(%q) = %v", path, err)
		}
		stem := strings.TrimSuffix(path, ".yaml")
		var input []byte
		for _, ext := range []string{".html", ".json", ".csv"} {
			if input, err = os.ReadFile(stem + ext); err == nil {
				break
			}
		}
		if input == nil {
			tb.Fatalf("no input beside %s", path)
		}
		name := filepath.ToSlash(strings.TrimPrefix(stem, "testdata"+string(filepath.Separator)))
		cases = append(cases, goldenCase{name: name, def: def, input: input})
	}
	return cases
}

// checkGolden compares v, as indented JSON, with the golden file, or rewrites it with -update.
func checkGolden(t *testing.T, path string, v any) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	got := buf.Bytes()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./sources -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test ./sources -update rewrites it); got:\n%s", path, got)
	}
}

func TestParseGolden(t *testing.T) {
	for _, kind := range []string{"html", "jsonld", "csv"} {
		for _, c := range goldenCases(t, kind) {
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
}

// TestParseDetailGolden reads testdata/html/NAME.detail.html as the detail page of
// the first listing of NAME.html.
func TestParseDetailGolden(t *testing.T) {
	for _, c := range goldenCases(t, "html") {
		detail, err := os.ReadFile(filepath.Join("testdata", c.name+".detail.html"))
		if os.IsNotExist(err) {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			page, err := Parse(c.def, c.input, c.def.URL)
			if err != nil || len(page.Listings) == 0 {
				t.Fatalf("Parse(%s) = %d listings, %v; want some", c.name, len(page.Listings), err)
			}
			l := page.Listings[0]
			problems := ParseDetail(c.def, detail, l.URL, &l)
			checkGolden(t, filepath.Join("testdata", c.name+".detail.golden.json"), goldenDetail{Listing: l, Problems: problems})
		})
	}
}

// checkPageInvariants checks what every parser promises, whatever its input.
func checkPageInvariants(tb testing.TB, pageURL string, page Page) {
	tb.Helper()
	for i, l := range page.Listings {
		if l.URL != "" && !isHTTPURL(l.URL) {
			tb.Errorf("listing %d: URL %q is not absolute http(s)", i+1, l.URL)
		}
		for name, v := range l.Fields {
			if !record.IsKnownField(name) {
				tb.Errorf("listing %d: unknown field %q", i+1, name)
			}
			if strings.TrimSpace(v) == "" || strings.TrimSpace(v) != v {
				tb.Errorf("listing %d: field %s = %q, want trimmed and non-empty", i+1, name, v)
			}
		}
	}
	if page.Next != "" && (!isHTTPURL(page.Next) || page.Next == pageURL) {
		tb.Errorf("Next = %q, want an absolute http(s) URL other than the page's", page.Next)
	}
	for _, p := range page.Problems {
		if p.Where == "" || p.Message == "" {
			tb.Errorf("problem %+v has no Where or no Message", p)
		}
	}
}
