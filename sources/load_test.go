package sources

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// validHTML returns a valid html definition for tests to spoil.
func validHTML() Definition {
	return Definition{
		ID: "maison-des-pairs", Name: "Maison des Pairs", URL: "https://www.maison-des-pairs.example/agenda/",
		Kind: KindHTML, Schedule: "0 6 * * *", License: "CC-BY-4.0", Language: "fr",
		HTML: &HTMLOptions{
			List: "article.evenement", Link: "a.plus@href", Next: "a.suivant",
			Fields: map[string]string{"title": "h2", "date": "time@datetime"},
			Detail: map[string]string{"description": ".contenu"},
		},
	}
}

func validCSV() Definition {
	return Definition{
		ID: "coordination-liege", Name: "Coordination", URL: "https://coordination-liege.example/groupes.csv",
		Kind: KindCSV, Schedule: "0 7 * * 1", Language: "fr",
		CSV: &CSVOptions{Delimiter: ";", Encoding: "windows-1252", Columns: map[string]string{"title": "Titre"}},
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		def  func() Definition
		want string // a line of the error; "" for none
	}{
		{"valid html", validHTML, ""},
		{"valid csv", validCSV, ""},
		{"valid jsonld", func() Definition { d := validHTML(); d.Kind, d.HTML = KindJSONLD, nil; return d }, ""},
		{"csv tab delimiter", func() Definition { d := validCSV(); d.CSV.Delimiter = "tab"; return d }, ""},
		{"license expression", func() Definition { d := validHTML(); d.License = "CC-BY-4.0 OR ODbL-1.0"; return d }, ""},
		{"empty id", func() Definition { d := validHTML(); d.ID = ""; return d }, "id: empty"},
		{"bad id", func() Definition { d := validHTML(); d.ID = "Foo Bar"; return d }, `id: "Foo Bar" must match [a-z0-9][a-z0-9-]*`},
		{"id starting with dash", func() Definition { d := validHTML(); d.ID = "-x"; return d }, `id: "-x" must match`},
		{"empty name", func() Definition { d := validHTML(); d.Name = " "; return d }, "name: empty"},
		{"relative url", func() Definition { d := validHTML(); d.URL = "/agenda"; return d }, "url: must be absolute http(s)"},
		{"ftp url", func() Definition { d := validHTML(); d.URL = "ftp://x.example/a.csv"; return d }, "url: must be absolute http(s)"},
		{"empty url", func() Definition { d := validHTML(); d.URL = ""; return d }, "url: empty"},
		{"unknown kind", func() Definition { d := validHTML(); d.Kind = "xml"; return d }, `kind: "xml" is not one of html, jsonld, csv`},
		{"empty kind", func() Definition { d := validHTML(); d.Kind = ""; return d }, "kind: empty"},
		{"empty schedule", func() Definition { d := validHTML(); d.Schedule = ""; return d }, "schedule: empty"},
		{"auto with html options", func() Definition { d := validHTML(); d.Kind = KindAuto; return d }, ""},
		{"auto with bad html options", func() Definition { d := validHTML(); d.Kind = KindAuto; d.HTML.List = ""; return d }, "html.list: empty selector"},
		{"crawl delay", func() Definition { d := validHTML(); d.CrawlDelay = "250ms"; return d }, ""},
		{"bad crawl delay", func() Definition { d := validHTML(); d.CrawlDelay = "soon"; return d }, `crawl_delay: "soon" is not a duration`},
		{"crawl delay too long", func() Definition { d := validHTML(); d.CrawlDelay = "5m"; return d }, `crawl_delay: "5m"`},
		{"empty language", func() Definition { d := validHTML(); d.Language = ""; return d }, "language: empty"},
		{"unknown language", func() Definition { d := validHTML(); d.Language = "fr-BE"; return d }, `language: "fr-BE" is not one of fr, nl, de, en`},
		{"bad license", func() Definition { d := validHTML(); d.License = "CC BY 4.0"; return d }, `license: "CC BY 4.0" is not an SPDX license id`},
		{"unknown default kind", func() Definition { d := validHTML(); d.Defaults.Kind = "chorale"; return d }, `defaults.kind: unknown kind "chorale"`},
		{"default kind name", func() Definition { d := validHTML(); d.Defaults.Kind = "Groupe de parole"; return d }, `defaults.kind: "Groupe de parole" is a name: use the kind id "discussion-group"`},
		{"default attendance", func() Definition { d := validHTML(); d.Defaults.Attendance = "présentiel"; return d }, "defaults.attendance:"},
		{"default region", func() Definition { d := validHTML(); d.Defaults.Region = "Bruxelles"; return d }, "defaults.region:"},
		{"default postcode", func() Definition { d := validHTML(); d.Defaults.Postcode = "75001"; return d }, "defaults.postcode:"},
		{"default organizer url", func() Definition { d := validHTML(); d.Defaults.OrganizerURL = "www.x.be"; return d }, "defaults.organizer_url: must be absolute http(s)"},
		{"unknown default topic", func() Definition { d := validHTML(); d.Defaults.Topics = []string{"astrology"}; return d }, `defaults.topics[0]: unknown topic "astrology"`},
		{"default audience name", func() Definition { d := validHTML(); d.Defaults.Audiences = []string{"Proches"}; return d }, `defaults.audiences[0]: "Proches" is a name: use the id "relatives"`},
		{"default facilitation", func() Definition { d := validHTML(); d.Defaults.Facilitation = "self"; return d }, "defaults.facilitation:"},
		{"empty default topic", func() Definition { d := validHTML(); d.Defaults.Topics = []string{"grief", ""}; return d }, "defaults.topics[1]: empty"},
		{"html missing", func() Definition { d := validHTML(); d.HTML = nil; return d }, "html: required when kind is html"},
		{"csv missing", func() Definition { d := validCSV(); d.CSV = nil; return d }, "csv: required when kind is csv"},
		{"html on csv", func() Definition { d := validCSV(); d.HTML = validHTML().HTML; return d }, `html: set but kind is "csv"`},
		{"csv on jsonld", func() Definition { d := validCSV(); d.Kind = KindJSONLD; return d }, `csv: set but kind is "jsonld"`},
		{"empty list", func() Definition { d := validHTML(); d.HTML.List = ""; return d }, "html.list: empty selector"},
		{"list with attribute", func() Definition { d := validHTML(); d.HTML.List = "li@id"; return d }, "html.list: selects elements"},
		{"invalid list", func() Definition { d := validHTML(); d.HTML.List = "article[class"; return d }, `html.list: invalid selector "article[class"`},
		{"invalid link", func() Definition { d := validHTML(); d.HTML.Link = "a:nth-child(x)@href"; return d }, "html.link: invalid selector"},
		{"invalid next", func() Definition { d := validHTML(); d.HTML.Next = "))"; return d }, "html.next: invalid selector"},
		{"invalid id", func() Definition { d := validHTML(); d.HTML.ID = "[["; return d }, "html.id: invalid selector"},
		{"empty field selector", func() Definition { d := validHTML(); d.HTML.Fields["date"] = " "; return d }, "html.fields.date: empty selector"},
		{"invalid field selector", func() Definition { d := validHTML(); d.HTML.Fields["date"] = "time[@datetime"; return d }, "html.fields.date: invalid selector"},
		{"unknown field", func() Definition { d := validHTML(); d.HTML.Fields["titel"] = "h2"; return d }, "html.fields.titel: unknown field (known: title, description, date,"},
		{"unknown detail field", func() Definition { d := validHTML(); d.HTML.Detail["prijs"] = ".p"; return d }, "html.detail.prijs: unknown field"},
		{"detail without link", func() Definition { d := validHTML(); d.HTML.Link = ""; return d }, "html.detail: needs html.link"},
		{"no title", func() Definition { d := validHTML(); delete(d.HTML.Fields, "title"); return d }, "html.fields: title is required"},
		{"title on detail only", func() Definition {
			d := validHTML()
			delete(d.HTML.Fields, "title")
			d.HTML.Detail["title"] = "h1"
			return d
		}, ""},
		{"negative max pages", func() Definition { d := validHTML(); d.HTML.MaxPages = -1; return d }, "html.max_pages: negative"},
		{"csv no title", func() Definition { d := validCSV(); d.CSV.Columns = map[string]string{"date": "Date"}; return d }, "csv.columns: title is required"},
		{"csv unknown field", func() Definition { d := validCSV(); d.CSV.Columns["datum"] = "Date"; return d }, "csv.columns.datum: unknown field"},
		{"csv empty header", func() Definition { d := validCSV(); d.CSV.Columns["date"] = ""; return d }, "csv.columns.date: empty header"},
		{"csv bad delimiter", func() Definition { d := validCSV(); d.CSV.Delimiter = ";;"; return d }, "csv.delimiter:"},
		{"csv quote delimiter", func() Definition { d := validCSV(); d.CSV.Delimiter = `"`; return d }, "csv.delimiter:"},
		{"csv bad encoding", func() Definition { d := validCSV(); d.CSV.Encoding = "utf-16"; return d }, `csv.encoding: "utf-16" is not one of`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.def()
			err := d.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate() = %v, want a line containing %q", err, tt.want)
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Validate() = %v, want a *FieldError", err)
			}
			field, _, _ := strings.Cut(tt.want, ":")
			for _, line := range strings.Split(err.Error(), "\n") {
				if strings.HasPrefix(line, field+":") {
					return
				}
			}
			t.Errorf("Validate() = %v, want a line starting with %q", err, field+":")
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	d := validHTML()
	d.ID, d.Schedule, d.HTML.Fields["date"] = "X", "", ""
	err := d.Validate()
	for _, want := range []string{"id:", "schedule:", "html.fields.date:"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want it to name %s", err, want)
		}
	}
}

// writeFile writes content to dir/name and returns its path.
func writeFile(tb testing.TB, dir, name, content string) string {
	tb.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

const minimalYAML = `id: %s
name: Exemple
url: https://exemple.example/agenda
kind: jsonld
schedule: "0 6 * * *"
language: fr
`

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, file, content string
		want                string // error substring after the file name; "" for none
	}{
		{"yaml", "ok.yaml", strings.Replace(minimalYAML, "%s", "ok", 1), ""},
		{"yml", "ok.yml", strings.Replace(minimalYAML, "%s", "ok", 1), ""},
		{"json", "ok.json", `{"id": "ok", "name": "Exemple", "url": "https://exemple.example/", "kind": "csv",
			"schedule": "@daily", "language": "nl", "csv": {"columns": {"title": "Titel"}}}`, ""},
		{"empty selector", "bad.yaml", `id: bad
name: Exemple
url: https://exemple.example/agenda
kind: html
schedule: "0 6 * * *"
language: fr
html:
  list: article
  fields: {title: h2, date: ""}
`, "html.fields.date: empty selector"},
		{"unknown yaml key", "typo.yaml", strings.Replace(minimalYAML, "%s", "typo", 1) + "shedule: x\n", "field shedule not found"},
		{"unknown nested yaml key", "nested.yaml", strings.Replace(minimalYAML, "%s", "nested", 1) + "defaults: {kinds: x}\n", "field kinds not found"},
		{"unknown json key", "typo.json", `{"id": "typo", "nom": "x"}`, `unknown field "nom"`},
		{"two json values", "two.json", `{"id": "a"} {"id": "b"}`, "data after the definition"},
		{"two yaml documents", "two.yaml", strings.Replace(minimalYAML, "%s", "two", 1) + "---\nid: b\n", "more than one document"},
		{"empty yaml", "empty.yaml", "", "empty document"},
		{"bad yaml", "broken.yaml", "id: [", "decode yaml"},
		{"extension", "x.toml", `id = "x"`, `unsupported format ".toml"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, dir, tt.file, tt.content)
			d, err := LoadFile(path)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("LoadFile(%q) = %v, want nil", path, err)
				}
				if d.ID == "" {
					t.Errorf("LoadFile(%q) = %+v, want an id", path, d)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), path+": ") || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("LoadFile(%q) = %v, want %q after the file name", path, err, tt.want)
			}
		})
	}
}

func TestLoadFileNamesFileOnEveryLine(t *testing.T) {
	path := writeFile(t, t.TempDir(), "x.yaml", "id: X\nname: x\nurl: /x\nkind: jsonld\nschedule: '@daily'\nlanguage: fr\n")
	_, err := LoadFile(path)
	if err == nil {
		t.Fatalf("LoadFile(%q) = nil, want errors", path)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 2 {
		t.Errorf("LoadFile(%q) = %v, want 2 problems (id and url)", path, err)
	}
	for _, line := range lines {
		if !strings.HasPrefix(line, path+": ") {
			t.Errorf("LoadFile(%q): line %q does not name the file", path, line)
		}
	}
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "id" {
		t.Errorf("LoadFile(%q) = %v, want errors.As to find the *FieldError of id", path, err)
	}
}

func TestLoadFileDefaults(t *testing.T) {
	d, err := LoadFile(filepath.Join("testdata", "html", "agenda.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if d.HTML.MaxPages != DefaultMaxPages {
		t.Errorf("LoadFile(agenda.yaml).HTML.MaxPages = %d, want %d", d.HTML.MaxPages, DefaultMaxPages)
	}
}

func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "b.yaml", strings.Replace(minimalYAML, "%s", "b", 1))
	writeFile(t, dir, "a.yml", strings.Replace(minimalYAML, "%s", "a", 1))
	writeFile(t, dir, "README.md", "# not a definition")
	if err := os.Mkdir(filepath.Join(dir, "sub.yaml"), 0o755); err != nil {
		t.Fatal(err)
	}
	defs, err := LoadDir(dir)
	if err != nil {
		t.Fatalf("LoadDir(%q) = %v", dir, err)
	}
	if len(defs) != 2 || defs[0].ID != "a" || defs[1].ID != "b" {
		t.Fatalf("LoadDir(%q) = %+v, want a then b", dir, defs)
	}

	dup := writeFile(t, dir, "c.json", `{"id": "a", "name": "A bis", "url": "https://a.example/", "kind": "jsonld", "schedule": "@daily", "language": "fr"}`)
	bad := writeFile(t, dir, "d.yaml", "id: Bad\n")
	defs, err = LoadDir(dir)
	if err == nil {
		t.Fatalf("LoadDir(%q) = nil error, want the duplicate and the bad file", dir)
	}
	msg := err.Error()
	if !strings.Contains(msg, dup+": id: \"a\" already defined in "+filepath.Join(dir, "a.yml")) {
		t.Errorf("LoadDir(%q) = %v, want the duplicate id naming both files", dir, err)
	}
	if !strings.Contains(msg, bad+": id:") {
		t.Errorf("LoadDir(%q) = %v, want the bad file named", dir, err)
	}
	if len(defs) != 2 {
		t.Errorf("LoadDir(%q) = %d definitions, want the 2 good ones", dir, len(defs))
	}

	if _, err := LoadDir(filepath.Join(dir, "missing")); err == nil {
		t.Errorf("LoadDir(missing) = nil error, want one")
	}
}
