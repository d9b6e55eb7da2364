package sources

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ensemble-be/ensemble/record"
	"gopkg.in/yaml.v3"
)

// FieldError says which field of a definition is wrong and how. Field is the path of
// YAML/JSON keys, e.g. "html.fields.date".
type FieldError struct {
	Field   string
	Problem string
}

// Error returns "field: problem".
func (e *FieldError) Error() string { return e.Field + ": " + e.Problem }

const (
	kindList     = "html, jsonld, csv, rss, atom, jsonfeed, ical, json, hsds, auto"
	languageList = "fr, nl, de, en"
)

var (
	idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	// spdxPattern accepts an SPDX id or a simple expression ("CC-BY-4.0 OR ODbL-1.0").
	spdxPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.+-]*( (AND|OR|WITH) [A-Za-z0-9][A-Za-z0-9.+-]*)*$`)
	languages   = map[string]bool{"fr": true, "nl": true, "de": true, "en": true}
	attendances = map[string]bool{"in-person": true, "online": true, "hybrid": true}
	regions     = map[string]bool{"Brussels": true, "Flanders": true, "Wallonia": true}
)

// LoadFile reads one definition from a .yaml, .yml or .json file, strictly (unknown
// keys are errors), applies defaults and validates it. Every error names the file:
// "sources/x.yaml: html.fields.date: empty selector"; validation errors unwrap to
// *FieldError (errors.As).
func LoadFile(path string) (Definition, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Definition{}, fmt.Errorf("load definition: %w", err)
	}
	return DecodeFile(path, data)
}

// DecodeFile decodes the definition file name holds (data), its format taken from
// the name's extension; every error names the file, as LoadFile's do.
func DecodeFile(name string, data []byte) (Definition, error) {
	d, err := DecodeDefinition(data, filepath.Ext(name))
	if err != nil {
		return Definition{}, prefixErrors(name, err)
	}
	return d, nil
}

// prefixErrors puts prefix before each of the (joined) errors in err.
func prefixErrors(prefix string, err error) error {
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return fmt.Errorf("%s: %w", prefix, err)
	}
	var errs []error
	for _, e := range joined.Unwrap() {
		errs = append(errs, fmt.Errorf("%s: %w", prefix, e))
	}
	return errors.Join(errs...)
}

// DecodeDefinition reads a definition written in format "yaml" (or "yml") or "json"
// (a leading dot is allowed, as from filepath.Ext), strictly: unknown keys are errors.
// It applies defaults and validates; the partner API takes definitions through it.
func DecodeDefinition(data []byte, format string) (Definition, error) {
	var d Definition
	switch strings.ToLower(strings.TrimPrefix(format, ".")) {
	case "yaml", "yml":
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&d); err != nil {
			if errors.Is(err, io.EOF) {
				return Definition{}, errors.New("decode yaml: empty document")
			}
			var te *yaml.TypeError
			if errors.As(err, &te) { // one line per problem: make it one line
				return Definition{}, fmt.Errorf("decode yaml: %s", strings.Join(te.Errors, "; "))
			}
			return Definition{}, fmt.Errorf("decode yaml: %w", err)
		}
		var extra any
		if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
			return Definition{}, errors.New("decode yaml: more than one document")
		}
	case "json":
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&d); err != nil {
			if errors.Is(err, io.EOF) {
				return Definition{}, errors.New("decode json: empty document")
			}
			return Definition{}, fmt.Errorf("decode json: %w", err)
		}
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			return Definition{}, errors.New("decode json: data after the definition")
		}
	default:
		return Definition{}, fmt.Errorf("unsupported format %q (want yaml, yml or json)", format)
	}
	d.applyDefaults()
	if err := d.Validate(); err != nil {
		return Definition{}, err
	}
	return d, nil
}

// applyDefaults fills in what a definition may leave out.
func (d *Definition) applyDefaults() {
	if d.HTML != nil && d.HTML.MaxPages == 0 {
		d.HTML.MaxPages = DefaultMaxPages
	}
}

// LoadDir loads every .yaml, .yml and .json file of dir (not its subdirectories), in
// name order. Two definitions with the same id are an error naming both files. It
// returns the definitions it read without error together with every error, joined.
func LoadDir(dir string) ([]Definition, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("load definitions: %w", err)
	}
	defs := []Definition{}
	var errs []error
	seen := map[string]string{} // id → file
	for _, e := range entries {
		name := e.Name()
		switch strings.ToLower(filepath.Ext(name)) {
		case ".yaml", ".yml", ".json":
		default:
			continue
		}
		if e.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		path := filepath.Join(dir, name)
		d, err := LoadFile(path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if first, dup := seen[d.ID]; dup {
			errs = append(errs, fmt.Errorf("%s: %w", path, &FieldError{Field: "id", Problem: fmt.Sprintf("%q already defined in %s", d.ID, first)}))
			continue
		}
		seen[d.ID] = path
		defs = append(defs, d)
	}
	return defs, errors.Join(errs...)
}

// Validate checks a definition. It returns every problem as a *FieldError naming the
// field path ("html.fields.date: empty selector"), joined. It does not check the cron
// syntax of Schedule: the crawler does, with the parser it schedules with.
func (d Definition) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Field: field, Problem: fmt.Sprintf(format, args...)})
	}
	switch {
	case d.ID == "":
		bad("id", "empty")
	case !idPattern.MatchString(d.ID):
		bad("id", "%q must match [a-z0-9][a-z0-9-]*", d.ID)
	case len(d.ID) > 64:
		bad("id", "longer than 64 characters")
	}
	if strings.TrimSpace(d.Name) == "" {
		bad("name", "empty")
	}
	if d.URL == "" {
		bad("url", "empty")
	} else if !isHTTPURL(d.URL) {
		bad("url", "must be absolute http(s) (got %q)", d.URL)
	}
	if strings.TrimSpace(d.Schedule) == "" {
		bad("schedule", "empty")
	}
	switch {
	case d.Language == "":
		bad("language", "empty (one of %s)", languageList)
	case !languages[d.Language]:
		bad("language", "%q is not one of %s", d.Language, languageList)
	}
	if d.License != "" && !spdxPattern.MatchString(d.License) {
		bad("license", "%q is not an SPDX license id", d.License)
	}
	validateDefaults(d.Defaults, bad)
	if d.CrawlDelay != "" {
		if v, err := time.ParseDuration(d.CrawlDelay); err != nil || v < 0 || v > time.Minute {
			bad("crawl_delay", "%q is not a duration between 0s and 1m (e.g. \"500ms\", \"2s\")", d.CrawlDelay)
		}
	}

	switch d.Kind {
	case KindHTML:
		if d.HTML == nil {
			bad("html", "required when kind is html")
		} else {
			validateHTML(*d.HTML, bad)
		}
	case KindCSV:
		if d.CSV == nil {
			bad("csv", "required when kind is csv")
		} else {
			validateCSV(*d.CSV, bad)
		}
	case KindJSON:
		if d.JSON == nil {
			bad("json", "required when kind is json")
		} else {
			validateJSON(*d.JSON, bad)
		}
	case KindJSONLD, KindRSS, KindAtom, KindJSONFeed, KindICal, KindHSDS, KindAuto:
	case "":
		bad("kind", "empty (one of %s)", kindList)
	default:
		bad("kind", "%q is not one of %s", d.Kind, kindList)
	}
	// An auto source may carry options for the kinds that need them, used if
	// detection finds that kind.
	if d.HTML != nil {
		if d.Kind != KindHTML && d.Kind != KindAuto {
			bad("html", "set but kind is %q", d.Kind)
		} else if d.Kind == KindAuto {
			validateHTML(*d.HTML, bad)
		}
	}
	if d.JSON != nil {
		if d.Kind != KindJSON && d.Kind != KindAuto {
			bad("json", "set but kind is %q", d.Kind)
		} else if d.Kind == KindAuto {
			validateJSON(*d.JSON, bad)
		}
	}
	if d.CSV != nil {
		if d.Kind != KindCSV && d.Kind != KindAuto {
			bad("csv", "set but kind is %q", d.Kind)
		} else if d.Kind == KindAuto {
			validateCSV(*d.CSV, bad)
		}
	}
	return errors.Join(errs...)
}

type badFunc func(field, format string, args ...any)

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func validateDefaults(d record.Defaults, bad badFunc) {
	if d.Kind != "" {
		switch id := record.KindID(d.Kind); {
		case id == d.Kind:
		case id != "":
			bad("defaults.kind", "%q is a name: use the kind id %q", d.Kind, id)
		default:
			bad("defaults.kind", "unknown kind %q (known: %s)", d.Kind, strings.Join(record.Kinds, ", "))
		}
	}
	if d.Attendance != "" && !attendances[d.Attendance] {
		bad("defaults.attendance", "%q is not one of in-person, online, hybrid", d.Attendance)
	}
	if d.Region != "" && !regions[d.Region] {
		bad("defaults.region", "%q is not one of Brussels, Flanders, Wallonia", d.Region)
	}
	if d.Postcode != "" {
		if n, err := strconv.Atoi(d.Postcode); err != nil || len(d.Postcode) != 4 || n < 1000 {
			bad("defaults.postcode", "%q is not a Belgian postcode", d.Postcode)
		}
	}
	if d.OrganizerURL != "" && !isHTTPURL(d.OrganizerURL) {
		bad("defaults.organizer_url", "must be absolute http(s) (got %q)", d.OrganizerURL)
	}
	tax := record.DefaultTaxonomy()
	for _, list := range []struct {
		path   string
		facet  record.Facet
		values []string
	}{
		{"defaults.audiences", record.FacetAudience, d.Audiences},
		{"defaults.topics", record.FacetTopic, d.Topics},
	} {
		for i, v := range list.values {
			path := fmt.Sprintf("%s[%d]", list.path, i)
			switch id, ok := tax.Lookup(list.facet, v); {
			case strings.TrimSpace(v) == "":
				bad(path, "empty")
			case !ok:
				bad(path, "unknown %s %q (see GET /api/v1/taxonomy)", list.facet, v)
			case id != v:
				bad(path, "%q is a name: use the id %q", v, id)
			}
		}
	}
	if d.Facilitation != "" {
		if _, ok := tax.Term(d.Facilitation); !ok || !slices.Contains(tax.IDs(record.FacetFacilitation), d.Facilitation) {
			bad("defaults.facilitation", "%q is not one of %s", d.Facilitation, strings.Join(tax.IDs(record.FacetFacilitation), ", "))
		}
	}
}

func validateJSON(o JSONOptions, bad badFunc) {
	if len(o.Fields) == 0 {
		bad("json.fields", "empty: map at least title")
	}
	hasTitle := false
	for name, path := range o.Fields {
		switch {
		case !record.IsKnownField(name):
			bad("json.fields."+name, "unknown field (known: %s)", knownFieldList)
		case strings.TrimSpace(path) == "":
			bad("json.fields."+name, "empty path")
		}
		hasTitle = hasTitle || name == record.FieldTitle
	}
	if len(o.Fields) > 0 && !hasTitle {
		bad("json.fields", "title is required")
	}
}

// knownFieldList is record.KnownFields for messages.
var knownFieldList = strings.Join(record.KnownFields, ", ")

func validateHTML(o HTMLOptions, bad badFunc) {
	check := func(path, s string) {
		if strings.TrimSpace(s) == "" {
			bad(path, "empty selector")
			return
		}
		if _, err := compileSelector(s); err != nil {
			bad(path, "%s", err.Error())
		}
	}
	if strings.TrimSpace(o.List) == "" {
		bad("html.list", "empty selector")
	} else if sel, err := compileSelector(o.List); err != nil {
		bad("html.list", "%s", err.Error())
	} else if sel.attr != "" || sel.css == nil {
		bad("html.list", "selects elements: it takes no @attribute")
	}
	for _, opt := range []struct{ path, s string }{{"html.link", o.Link}, {"html.next", o.Next}, {"html.id", o.ID}} {
		if opt.s != "" {
			check(opt.path, opt.s)
		}
	}
	if o.MaxPages < 0 {
		bad("html.max_pages", "negative")
	}
	fields := func(path string, m map[string]string) {
		for _, name := range sortedKeys(m) {
			if !record.IsKnownField(name) {
				bad(path+"."+name, "unknown field (known: %s)", knownFieldList)
				continue
			}
			check(path+"."+name, m[name])
		}
	}
	fields("html.fields", o.Fields)
	fields("html.detail", o.Detail)
	if len(o.Detail) > 0 && o.Link == "" {
		bad("html.detail", "needs html.link to find detail pages")
	}
	if _, ok := o.Fields[record.FieldTitle]; !ok {
		if _, ok := o.Detail[record.FieldTitle]; !ok {
			bad("html.fields", "title is required (in fields or detail)")
		}
	}
}

func validateCSV(o CSVOptions, bad badFunc) {
	if _, err := csvDelimiter(o.Delimiter); err != nil {
		bad("csv.delimiter", "%s", err.Error())
	}
	if _, err := csvDecoder(o.Encoding); err != nil {
		bad("csv.encoding", "%s", err.Error())
	}
	for _, name := range sortedKeys(o.Columns) {
		switch {
		case !record.IsKnownField(name):
			bad("csv.columns."+name, "unknown field (known: %s)", knownFieldList)
		case strings.TrimSpace(o.Columns[name]) == "":
			bad("csv.columns."+name, "empty header")
		}
	}
	if _, ok := o.Columns[record.FieldTitle]; !ok {
		bad("csv.columns", "title is required")
	}
}
