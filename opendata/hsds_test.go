package opendata

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ensemble-be/ensemble/record"
)

// schemaDir holds the HSDS 3.0 schema files the package is validated against, copied
// with their licence so that the tests run without /work/shared.
const schemaDir = "testdata/hsds-3.0/schema"

// schemaField is one scalar property of an HSDS table schema.
type schemaField struct {
	Name, Type, Format string
	Enum               []string
}

// hsdsSchema is what the validation needs of one HSDS schema file.
type hsdsSchema struct {
	Path     string
	Fields   []schemaField // scalar properties, in schema order: the tabular columns
	Required map[string]bool
}

// loadSchema reads the schema of table, keeping the order of its properties (which
// encoding/json's maps lose) by reading "properties" token by token.
func loadSchema(t testing.TB, table string) hsdsSchema {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(schemaDir, table+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Path            string          `json:"path"`
		Properties      json.RawMessage `json:"properties"`
		Required        []string        `json:"required"`
		TabularRequired []string        `json:"tabular_required"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", table, err)
	}
	s := hsdsSchema{Path: doc.Path, Required: map[string]bool{}}
	for _, n := range slices.Concat(doc.Required, doc.TabularRequired) {
		s.Required[n] = true
	}
	dec := json.NewDecoder(bytes.NewReader(doc.Properties))
	if _, err := dec.Token(); err != nil { // {
		t.Fatal(err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		var p struct {
			Type            string   `json:"type"`
			Format          string   `json:"format"`
			DatapackageType string   `json:"datapackage_type"`
			Ref             string   `json:"$ref"`
			Enum            []string `json:"enum"`
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		if p.Type == "array" || p.Ref != "" || p.Type == "" {
			continue // a related table, not a column
		}
		typ := p.Type
		if p.DatapackageType != "" {
			typ = p.DatapackageType
		}
		s.Fields = append(s.Fields, schemaField{Name: tok.(string), Type: typ, Format: p.Format, Enum: p.Enum})
	}
	return s
}

// TestHSDSTablesMatchSchema checks the tables written against the HSDS schema files.
func TestHSDSTablesMatchSchema(t *testing.T) {
	for _, tab := range hsdsTables {
		s := loadSchema(t, tab.Name)
		if tab.Path != s.Path {
			t.Errorf("%s: path %q, schema says %q", tab.Name, tab.Path, s.Path)
		}
		if len(tab.Fields) != len(s.Fields) {
			t.Errorf("%s: %d fields, schema has %d", tab.Name, len(tab.Fields), len(s.Fields))
			continue
		}
		for i, f := range tab.Fields {
			sf := s.Fields[i]
			if f.Name != sf.Name || f.Type != sf.Type || f.Required != s.Required[sf.Name] {
				t.Errorf("%s field %d = %+v, schema has %+v (required %v)", tab.Name, i, f, sf, s.Required[sf.Name])
			}
			if f.Format != "" && f.Format != sf.Format {
				t.Errorf("%s.%s format %q, schema has %q", tab.Name, f.Name, f.Format, sf.Format)
			}
		}
	}
}

func hsdsRecords() []record.Record {
	brussels := time.FixedZone("CET", 3600)
	start := time.Date(2026, 3, 3, 19, 0, 0, 0, brussels)
	summer := time.Date(2026, 6, 10, 14, 30, 0, 0, time.FixedZone("CEST", 7200))
	updated := time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC)
	return []record.Record{
		{
			ID: record.NewID("similes", "1"), Source: "similes", LocalID: "1", Status: record.StatusActive,
			URL: "https://similes.example/groupes/1", Title: "Groupe de parole pour proches",
			Description:  "Un groupe pour les proches de personnes vivant avec un trouble psychique.",
			Organization: record.Organization{Name: "Similes Bruxelles", URL: "https://similes.example"},
			Location: record.Location{Name: "Maison des Associations", Address: "Rue de l'Été 1", Postcode: "1050",
				City: "Ixelles", Region: "Brussels", Country: "BE", Lat: 50.83, Lon: 4.37},
			Schedule: record.Schedule{Start: &start, DurationMinutes: 120,
				RRule: "FREQ=MONTHLY;BYDAY=1TU;UNTIL=20261231T000000Z", Text: "Le premier mardi du mois, 19h–21h"},
			Contact:      record.Contact{Email: "info@similes.example", Phone: "+3225110606", Person: "Marie Dupont"},
			Registration: record.Registration{Phone: "02 511 06 06"},
			Cost:         record.Cost{Free: true, Text: "gratuit"},
			UpdatedAt:    updated,
			License:      "CC-BY-4.0",
		},
		{
			// Same organization, other spelling: one organization row.
			ID: record.NewID("similes", "2"), Source: "similes", LocalID: "2", Status: record.StatusWithdrawn,
			Title: "Atelier psycho-éducatif", Organization: record.Organization{Name: "similes  bruxelles"},
			Location: record.Location{Postcode: "4000", City: "Liège"}, // no street: no address row
			Schedule: record.Schedule{Start: &summer, RRule: "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=WE;COUNT=6", Timezone: "Europe/Brussels"},
			Contact:  record.Contact{Phone: "0498/46 24 02", Person: "Jan Peeters"},
		},
		{
			// Online, no organization name, daily rule HSDS cannot express.
			ID: record.NewID("feed", "x"), Source: "feed", LocalID: "x", Status: record.StatusActive,
			Title: "Online lotgenotengroep", Attribution: "Te Gek!?", Attendance: "online",
			OnlineURL: "https://meet.example/x", Schedule: record.Schedule{RRule: "FREQ=DAILY"},
			Contact: record.Contact{Phone: "not a phone"},
		},
		{
			ID: record.NewID("feed", "y"), Source: "feed", LocalID: "y", Status: record.StatusPast,
			Title: "Gespreksgroep", Organization: record.Organization{Name: "CGG Vagga"},
			Location: record.Location{Address: "Lange Gasthuisstraat 9", Postcode: "2000", City: "Antwerpen",
				Province: "Antwerpen", Region: "Flanders"},
			Schedule: record.Schedule{Text: "op afspraak"},
		},
	}
}

// TestWriteHSDS writes a package and validates it against the HSDS 3.0 schema files:
// every resource's header is exactly the schema's tabular columns in order, required
// columns are filled in every row, typed and enumerated cells parse, ids are unique and
// every foreign key resolves.
func TestWriteHSDS(t *testing.T) {
	dir := t.TempDir()
	recs := hsdsRecords()
	if err := WriteHSDS(dir, seq(recs...)); err != nil {
		t.Fatalf("WriteHSDS: %v", err)
	}

	b, err := os.ReadFile(filepath.Join(dir, "datapackage.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		Profile   string `json:"profile"`
		Resources []struct {
			Name    string `json:"name"`
			Path    string `json:"path"`
			Profile string `json:"profile"`
			Schema  struct {
				Fields []struct {
					Name        string          `json:"name"`
					Type        string          `json:"type"`
					Format      string          `json:"format"`
					Constraints map[string]bool `json:"constraints"`
				} `json:"fields"`
				PrimaryKey  string `json:"primaryKey"`
				ForeignKeys []struct {
					Fields    string `json:"fields"`
					Reference struct {
						Resource, Fields string
					} `json:"reference"`
				} `json:"foreignKeys"`
			} `json:"schema"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatalf("datapackage.json: %v", err)
	}
	if pkg.Profile != "tabular-data-package" {
		t.Errorf("profile = %q, want tabular-data-package", pkg.Profile)
	}
	wantNames := []string{"organization", "service", "location", "service_at_location", "address", "phone", "schedule"}
	var names []string
	for _, r := range pkg.Resources {
		names = append(names, r.Name)
	}
	if !slices.Equal(names, wantNames) {
		t.Fatalf("resources = %q, want %q", names, wantNames)
	}

	tables := map[string][]map[string]string{} // resource name → rows by column
	ids := map[string]map[string]bool{}
	for _, res := range pkg.Resources {
		s := loadSchema(t, res.Name)
		if res.Path != s.Path || res.Profile != "tabular-data-resource" || res.Schema.PrimaryKey != "id" {
			t.Errorf("%s: path %q profile %q primaryKey %q", res.Name, res.Path, res.Profile, res.Schema.PrimaryKey)
		}
		var schemaNames []string
		for _, f := range s.Fields {
			schemaNames = append(schemaNames, f.Name)
		}
		var descNames []string
		for i, f := range res.Schema.Fields {
			descNames = append(descNames, f.Name)
			if i < len(s.Fields) && (f.Type != s.Fields[i].Type || f.Constraints["required"] != s.Required[f.Name]) {
				t.Errorf("%s.%s: descriptor type %q required %v, schema %q %v", res.Name, f.Name, f.Type, f.Constraints["required"], s.Fields[i].Type, s.Required[f.Name])
			}
		}
		if !slices.Equal(descNames, schemaNames) {
			t.Errorf("%s: descriptor fields %q, schema %q", res.Name, descNames, schemaNames)
		}

		rows := readCSV(t, filepath.Join(dir, res.Path))
		if !slices.Equal(rows[0], schemaNames) {
			t.Errorf("%s header = %q, want the schema's columns %q", res.Path, rows[0], schemaNames)
			continue
		}
		ids[res.Name] = map[string]bool{}
		for n, row := range rows[1:] {
			cells := map[string]string{}
			for i, f := range s.Fields {
				v := row[i]
				cells[f.Name] = v
				if v == "" {
					if s.Required[f.Name] {
						t.Errorf("%s row %d: required %s is empty", res.Path, n+1, f.Name)
					}
					continue
				}
				if err := checkCell(f, v); err != nil {
					t.Errorf("%s row %d: %s = %q: %v", res.Path, n+1, f.Name, v, err)
				}
			}
			if ids[res.Name][cells["id"]] {
				t.Errorf("%s row %d: duplicate id %s", res.Path, n+1, cells["id"])
			}
			ids[res.Name][cells["id"]] = true
			tables[res.Name] = append(tables[res.Name], cells)
		}
	}
	for _, res := range pkg.Resources {
		for _, fk := range res.Schema.ForeignKeys {
			for n, row := range tables[res.Name] {
				if v := row[fk.Fields]; v != "" && !ids[fk.Reference.Resource][v] {
					t.Errorf("%s row %d: %s = %s is no %s id", res.Name, n+1, fk.Fields, v, fk.Reference.Resource)
				}
			}
		}
	}

	// The mapping.
	counts := map[string]int{}
	for name, rows := range tables {
		counts[name] = len(rows)
	}
	wantCounts := map[string]int{"organization": 3, "service": 4, "location": 3, "service_at_location": 3, "address": 2, "phone": 2, "schedule": 4}
	for name, want := range wantCounts {
		if counts[name] != want {
			t.Errorf("%s has %d rows, want %d", name, counts[name], want)
		}
	}
	svc := tables["service"][0]
	if svc["id"] != recs[0].ID || svc["name"] != recs[0].Title || svc["status"] != "active" ||
		svc["organization_id"] != OrganizationID("Similes Bruxelles") || svc["email"] != "info@similes.example" ||
		svc["last_modified"] != "2026-02-01T10:00:00Z" || svc["licenses"] != "CC-BY-4.0" {
		t.Errorf("service 0 = %v", svc)
	}
	if got := tables["service"][1]; got["status"] != "inactive" || got["organization_id"] != svc["organization_id"] {
		t.Errorf("service 1 = %v, want inactive, same organization as service 0", got)
	}
	if got := tables["organization"][1]["name"]; got != "Te Gek!?" {
		t.Errorf("organization without a name = %q, want the attribution", got)
	}
	addr := tables["address"][0]
	if addr["address_1"] != "Rue de l'Été 1" || addr["postal_code"] != "1050" || addr["state_province"] != "Brussels" || addr["country"] != "BE" {
		t.Errorf("address 0 = %v", addr)
	}
	if got := tables["address"][1]["state_province"]; got != "Antwerpen" {
		t.Errorf("address 1 state_province = %q, want the province", got)
	}
	if got := tables["location"][0]; got["latitude"] != "50.83" || got["longitude"] != "4.37" || got["location_type"] != "physical" {
		t.Errorf("location 0 = %v", got)
	}
	if p := tables["phone"]; p[0]["number"] != "+3225110606" || p[1]["number"] != "+32498462402" {
		t.Errorf("phones = %v, want the E.164 numbers, the registration duplicate dropped", p)
	}
	wantSchedules := []map[string]string{
		{"dtstart": "2026-03-03", "opens_at": "19:00:00", "closes_at": "21:00:00", "timezone": "1", "freq": "MONTHLY", "byday": "1TU", "until": "2026-12-31", "description": "Le premier mardi du mois, 19h–21h"},
		{"dtstart": "2026-06-10", "opens_at": "14:30:00", "timezone": "2", "freq": "WEEKLY", "interval": "2", "byday": "WE", "count": "6"},
		{"freq": "", "notes": "RRULE:FREQ=DAILY"},
		{"description": "op afspraak", "freq": ""},
	}
	for i, want := range wantSchedules {
		for k, v := range want {
			if got := tables["schedule"][i][k]; got != v {
				t.Errorf("schedule %d %s = %q, want %q", i, k, got, v)
			}
		}
	}

	// No contact person anywhere.
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, person := range []string{"Marie Dupont", "Jan Peeters"} {
			if bytes.Contains(b, []byte(person)) {
				t.Errorf("%s contains the contact person %q", e.Name(), person)
			}
		}
	}
}

// checkCell checks v against the type, format and enumeration of its schema field.
func checkCell(f schemaField, v string) error {
	if len(f.Enum) > 0 && !slices.Contains(f.Enum, v) {
		return errors.New("not in " + strings.Join(f.Enum, ", "))
	}
	var err error
	switch f.Type {
	case "number":
		_, err = strconv.ParseFloat(v, 64)
	case "date":
		_, err = time.Parse(time.DateOnly, v)
	case "datetime":
		_, err = time.Parse(time.RFC3339, v)
	case "time":
		_, err = time.Parse(time.TimeOnly, v)
	}
	if err != nil {
		return err
	}
	switch f.Format {
	case "uuid":
		_, err = uuid.Parse(v)
	case "email":
		if !strings.Contains(v, "@") {
			err = errors.New("not an email address")
		}
	case "uri":
		u, perr := url.Parse(v)
		if perr != nil || !u.IsAbs() {
			err = errors.New("not an absolute URI")
		}
	}
	return err
}

func readCSV(t testing.TB, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(rows) == 0 {
		t.Fatalf("%s: no header", path)
	}
	return rows
}

func TestWriteHSDSError(t *testing.T) {
	boom := errors.New("boom")
	recs := func(yield func(record.Record, error) bool) {
		if yield(hsdsRecords()[0], nil) {
			yield(record.Record{}, boom)
		}
	}
	dir := t.TempDir()
	if err := WriteHSDS(dir, recs); !errors.Is(err, boom) {
		t.Errorf("WriteHSDS = %v, want %v", err, boom)
	}
	if _, err := os.Stat(filepath.Join(dir, "datapackage.json")); err == nil {
		t.Error("datapackage.json written after an error")
	}
}

func TestSplitRRule(t *testing.T) {
	tests := []struct {
		in   string
		want map[string]string // nil: not expressible
	}{
		{"FREQ=WEEKLY;BYDAY=MO,TH", map[string]string{"freq": "WEEKLY", "byday": "MO,TH"}},
		{"RRULE:FREQ=MONTHLY;BYMONTHDAY=15;WKST=mo", map[string]string{"freq": "MONTHLY", "bymonthday": "15", "wkst": "MO"}},
		{"FREQ=WEEKLY;UNTIL=20260630", map[string]string{"freq": "WEEKLY", "until": "2026-06-30"}},
		{"FREQ=DAILY", nil},
		{"FREQ=MONTHLY;BYDAY=TU;BYSETPOS=-1", nil},
		{"BYDAY=MO", nil},
		{"FREQ=WEEKLY;INTERVAL=two", nil},
		{"garbage", nil},
	}
	for _, tt := range tests {
		got, ok := splitRRule(tt.in)
		if ok != (tt.want != nil) || (ok && !maps.Equal(got, tt.want)) {
			t.Errorf("splitRRule(%q) = %v, %v, want %v", tt.in, got, ok, tt.want)
		}
	}
}
