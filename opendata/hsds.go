package opendata

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ensemble-be/ensemble/record"
)

// hsdsField is one column of an HSDS 3.0 table as a Frictionless field: its type is the
// schema's datapackage_type when it has one, else its JSON type; format is kept for
// uuid, email and uri strings; required is the schema's required plus tabular_required.
type hsdsField struct {
	Name     string
	Type     string
	Format   string
	Required bool
}

// hsdsTable is one HSDS 3.0 table: its resource name, its path in the HSDS tabular
// layout (the schema's "path": plural file names but service_at_location.csv), and its
// columns: the schema's scalar properties in schema order (arrays and nested objects are
// other tables in tabular form).
type hsdsTable struct {
	Name        string
	Path        string
	Description string
	Fields      []hsdsField
	// ForeignKeys maps a column to the table whose id it references.
	ForeignKeys map[string]string
}

// HSDS 3.0 tables written by WriteHSDS, copied from the schema files
// (testdata/hsds-3.0/schema; TestHSDSTablesMatchSchema checks them).
var (
	hsdsOrganization = hsdsTable{
		Name: "organization", Path: "organizations.csv",
		Description: "The organizations that run the groups: one per distinct organization name.",
		Fields: []hsdsField{
			{"id", "string", "uuid", true},
			{"name", "string", "", true},
			{"alternate_name", "string", "", false},
			{"description", "string", "", true},
			{"email", "string", "email", false},
			{"website", "string", "uri", false},
			{"tax_status", "string", "", false},
			{"tax_id", "string", "", false},
			{"year_incorporated", "number", "", false},
			{"legal_status", "string", "", false},
			{"logo", "string", "", false},
			{"uri", "string", "uri", false},
			{"parent_organization_id", "string", "uuid", false},
		},
	}
	hsdsService = hsdsTable{
		Name: "service", Path: "services.csv",
		Description: "The group offerings: one per Ensemble record, with the record's id.",
		Fields: []hsdsField{
			{"id", "string", "uuid", true},
			{"organization_id", "string", "uuid", true},
			{"program_id", "string", "uuid", false},
			{"name", "string", "", true},
			{"alternate_name", "string", "", false},
			{"description", "string", "", false},
			{"url", "string", "uri", false},
			{"email", "string", "email", false},
			{"status", "string", "", true},
			{"interpretation_services", "string", "", false},
			{"application_process", "string", "", false},
			{"fees_description", "string", "", false},
			{"wait_time", "string", "", false},
			{"fees", "string", "", false},
			{"accreditations", "string", "", false},
			{"eligibility_description", "string", "", false},
			{"minimum_age", "number", "", false},
			{"maximum_age", "number", "", false},
			{"assured_date", "date", "", false},
			{"assurer_email", "string", "email", false},
			{"licenses", "string", "", false},
			{"alert", "string", "", false},
			{"last_modified", "datetime", "", false},
		},
		ForeignKeys: map[string]string{"organization_id": "organization"},
	}
	hsdsLocation = hsdsTable{
		Name: "location", Path: "locations.csv",
		Description: "Where groups meet: one per record with an address or a postcode.",
		Fields: []hsdsField{
			{"id", "string", "uuid", true},
			{"location_type", "string", "", true},
			{"url", "string", "uri", false},
			{"organization_id", "string", "uuid", false},
			{"name", "string", "", false},
			{"alternate_name", "string", "", false},
			{"description", "string", "", false},
			{"transportation", "string", "", false},
			{"latitude", "number", "", false},
			{"longitude", "number", "", false},
			{"external_identifier", "string", "", false},
			{"external_identifier_type", "string", "", false},
		},
		ForeignKeys: map[string]string{"organization_id": "organization"},
	}
	hsdsServiceAtLocation = hsdsTable{
		Name: "service_at_location", Path: "service_at_location.csv",
		Description: "Links each service to its location.",
		Fields: []hsdsField{
			{"id", "string", "uuid", true},
			{"service_id", "string", "uuid", true},
			{"location_id", "string", "uuid", true},
			{"description", "string", "", false},
		},
		ForeignKeys: map[string]string{"service_id": "service", "location_id": "location"},
	}
	hsdsAddress = hsdsTable{
		Name: "address", Path: "addresses.csv",
		Description: "Street addresses of locations, for those with a street, postcode and city.",
		Fields: []hsdsField{
			{"id", "string", "uuid", true},
			{"location_id", "string", "uuid", false},
			{"attention", "string", "", false},
			{"address_1", "string", "", true},
			{"address_2", "string", "", false},
			{"city", "string", "", true},
			{"region", "string", "", false},
			{"state_province", "string", "", true},
			{"postal_code", "string", "", true},
			{"country", "string", "", true},
			{"address_type", "string", "", true},
		},
		ForeignKeys: map[string]string{"location_id": "location"},
	}
	hsdsPhone = hsdsTable{
		Name: "phone", Path: "phones.csv",
		Description: "Phone numbers (E.164) of services: contact and registration numbers.",
		Fields: []hsdsField{
			{"id", "string", "uuid", true},
			{"location_id", "string", "uuid", false},
			{"service_id", "string", "uuid", false},
			{"organization_id", "string", "uuid", false},
			{"contact_id", "string", "uuid", false},
			{"service_at_location_id", "string", "uuid", false},
			{"number", "string", "", true},
			{"extension", "number", "", false},
			{"type", "string", "", false},
			{"description", "string", "", false},
		},
		ForeignKeys: map[string]string{"service_id": "service"},
	}
	hsdsSchedule = hsdsTable{
		Name: "schedule", Path: "schedules.csv",
		Description: "When services meet: the first date, opening times and recurrence rule.",
		Fields: []hsdsField{
			{"id", "string", "uuid", true},
			{"service_id", "string", "uuid", false},
			{"location_id", "string", "uuid", false},
			{"service_at_location_id", "string", "uuid", false},
			{"valid_from", "date", "", false},
			{"valid_to", "date", "", false},
			{"dtstart", "date", "", false},
			{"timezone", "number", "", false},
			{"until", "date", "", false},
			{"count", "number", "", false},
			{"wkst", "string", "", false},
			{"freq", "string", "", false},
			{"interval", "number", "", false},
			{"byday", "string", "", false},
			{"byweekno", "string", "", false},
			{"bymonthday", "string", "", false},
			{"byyearday", "string", "", false},
			{"description", "string", "", false},
			{"opens_at", "time", "", false},
			{"closes_at", "time", "", false},
			{"schedule_link", "string", "uri", false},
			{"attending_type", "string", "", false},
			{"notes", "string", "", false},
		},
		ForeignKeys: map[string]string{"service_id": "service", "location_id": "location", "service_at_location_id": "service_at_location"},
	}
)

// hsdsTables are the tables WriteHSDS writes, in datapackage order.
var hsdsTables = []*hsdsTable{
	&hsdsOrganization, &hsdsService, &hsdsLocation, &hsdsServiceAtLocation,
	&hsdsAddress, &hsdsPhone, &hsdsSchedule,
}

// HSDSAttribution credits the specification whose data model the package follows.
const HSDSAttribution = "Human Services Data Specification, Open Referral, CC BY-SA 4.0"

// hsdsNamespace derives the ids of the HSDS rows that are not records (organizations,
// locations, addresses, phones, schedules, service_at_location). Never change it.
var hsdsNamespace = uuid.NewSHA1(record.Namespace, []byte("hsds"))

// hsdsID returns the stable id of the row of kind identified by key.
func hsdsID(kind, key string) string {
	return uuid.NewSHA1(hsdsNamespace, []byte(kind+"\x00"+key)).String()
}

// OrganizationID returns the HSDS organization id of an organization name: a UUIDv5 of
// the name with case and white space folded, so that every record naming the
// organization links to the same row.
func OrganizationID(name string) string {
	return hsdsID("organization", strings.ToLower(strings.Join(strings.Fields(name), " ")))
}

// WriteHSDS writes the public records as an Open Referral HSDS 3.0 tabular data package
// in dir (created if needed): organizations.csv, services.csv, locations.csv,
// service_at_location.csv, addresses.csv, phones.csv and schedules.csv, each with every
// scalar column of its HSDS table in schema order (empty when unknown), and a Frictionless
// datapackage.json describing them.
//
// Rows are written as records arrive; only the set of organization ids already written is
// kept in memory. Each record is mapped by HSDSServiceOf, the mapping the HSDS API
// serves too, and its objects flattened into rows.
//
// The name of a contact person is never written. On error the files written so far are
// left in dir, incomplete.
func WriteHSDS(dir string, recs iter.Seq2[record.Record, error]) (err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write hsds: %w", err)
	}
	w := &hsdsWriter{orgs: map[string]bool{}, files: map[string]*hsdsFile{}}
	defer func() {
		if cerr := w.close(); err == nil && cerr != nil {
			err = fmt.Errorf("write hsds: %w", cerr)
		}
	}()
	for _, t := range hsdsTables {
		if err := w.create(dir, t); err != nil {
			return fmt.Errorf("write hsds: %w", err)
		}
	}
	for rec, err := range recs {
		if err != nil {
			return fmt.Errorf("write hsds: %w", err)
		}
		if err := w.write(rec.Public()); err != nil {
			return fmt.Errorf("write hsds %s: %w", rec.ID, err)
		}
	}
	if err := w.close(); err != nil {
		return fmt.Errorf("write hsds: %w", err)
	}
	if err := writeDataPackage(filepath.Join(dir, "datapackage.json")); err != nil {
		return fmt.Errorf("write hsds: %w", err)
	}
	return nil
}

type hsdsFile struct {
	table *hsdsTable
	f     *os.File
	cw    *csv.Writer
}

type hsdsWriter struct {
	orgs  map[string]bool // organization ids written
	files map[string]*hsdsFile
	order []*hsdsFile
}

func (w *hsdsWriter) create(dir string, t *hsdsTable) error {
	f, err := os.Create(filepath.Join(dir, t.Path))
	if err != nil {
		return err
	}
	hf := &hsdsFile{table: t, f: f, cw: csv.NewWriter(f)}
	w.files[t.Name] = hf
	w.order = append(w.order, hf)
	header := make([]string, len(t.Fields))
	for i, fd := range t.Fields {
		header[i] = fd.Name
	}
	return hf.cw.Write(header)
}

// close flushes and closes every file once; later calls do nothing.
func (w *hsdsWriter) close() error {
	var errs []error
	for _, hf := range w.order {
		hf.cw.Flush()
		errs = append(errs, hf.cw.Error(), hf.f.Close())
	}
	w.order = nil
	return errors.Join(errs...)
}

// row writes the named cells to table, in the table's column order. A cell name that
// is not a column of the table is a programming error.
func (w *hsdsWriter) row(table string, cells map[string]string) error {
	hf := w.files[table]
	out := make([]string, len(hf.table.Fields))
	n := 0
	for i, fd := range hf.table.Fields {
		if v, ok := cells[fd.Name]; ok {
			out[i] = v
			n++
		}
	}
	if n != len(cells) {
		panic("opendata: unknown column written to " + table)
	}
	return hf.cw.Write(out)
}

// write writes the rows of one record: its organization (once per id), service,
// locations with their links and addresses, phones and schedules, all flattened from
// HSDSServiceOf. Cost options and attributes have no table in the package yet.
func (w *hsdsWriter) write(r record.Record) error {
	s := HSDSServiceOf(r)
	if org := s.Organization; !w.orgs[org.ID] {
		w.orgs[org.ID] = true
		if err := w.row("organization", hsdsCells(*org)); err != nil {
			return err
		}
	}
	if err := w.row("service", hsdsCells(s)); err != nil {
		return err
	}
	for _, sal := range s.ServiceAtLocations {
		if err := w.row("location", hsdsCells(*sal.Location)); err != nil {
			return err
		}
		if err := w.row("service_at_location", hsdsCells(sal)); err != nil {
			return err
		}
		for _, a := range sal.Location.Addresses {
			if err := w.row("address", hsdsCells(a)); err != nil {
				return err
			}
		}
	}
	for _, p := range s.Phones {
		if err := w.row("phone", hsdsCells(p)); err != nil {
			return err
		}
	}
	for _, sc := range s.Schedules {
		if err := w.row("schedule", hsdsCells(sc)); err != nil {
			return err
		}
	}
	return nil
}

// splitRRule maps an RFC 5545 recurrence rule to the HSDS schedule columns. ok is false
// when the rule has a frequency HSDS does not take (only WEEKLY and MONTHLY) or a part
// it has no column for (BYSETPOS, BYHOUR…), or is malformed.
func splitRRule(rule string) (cells map[string]string, ok bool) {
	rule = strings.TrimPrefix(strings.TrimSpace(rule), "RRULE:")
	cells = map[string]string{}
	for part := range strings.SplitSeq(rule, ";") {
		k, v, found := strings.Cut(part, "=")
		if !found || v == "" {
			return nil, false
		}
		switch strings.ToUpper(k) {
		case "FREQ":
			v = strings.ToUpper(v)
			if v != "WEEKLY" && v != "MONTHLY" {
				return nil, false
			}
			cells["freq"] = v
		case "INTERVAL", "COUNT":
			if _, err := strconv.Atoi(v); err != nil {
				return nil, false
			}
			cells[strings.ToLower(k)] = v
		case "UNTIL":
			if len(v) < 8 {
				return nil, false
			}
			d, err := time.Parse("20060102", v[:8])
			if err != nil {
				return nil, false
			}
			cells["until"] = d.Format(time.DateOnly)
		case "WKST":
			cells["wkst"] = strings.ToUpper(v)
		case "BYDAY", "BYMONTHDAY", "BYWEEKNO", "BYYEARDAY":
			cells[strings.ToLower(k)] = strings.ToUpper(v)
		default:
			return nil, false
		}
	}
	if cells["freq"] == "" {
		return nil, false
	}
	return cells, true
}

// writeDataPackage writes the Frictionless descriptor of the HSDS tables.
func writeDataPackage(path string) error {
	pkg := struct {
		Profile     string       `json:"profile"`
		Name        string       `json:"name"`
		Title       string       `json:"title"`
		Description string       `json:"description"`
		Sources     []dpSource   `json:"sources"`
		Resources   []dpResource `json:"resources"`
	}{
		Profile: "tabular-data-package",
		Name:    "ensemble-hsds",
		Title:   "Ensemble: mental-health groups in Belgium (HSDS 3.0)",
		Description: "Group offerings indexed by Ensemble, in the tabular form of the Open Referral " +
			"Human Services Data Specification 3.0. The licenses column of services.csv gives " +
			"the SPDX licence of each service's source. Data model: " + HSDSAttribution + ".",
		Sources: []dpSource{{Title: "Open Referral HSDS 3.0", Path: "https://docs.openreferral.org/en/latest/"}},
	}
	for _, t := range hsdsTables {
		res := dpResource{
			Name: t.Name, Path: t.Path, Description: t.Description,
			Profile: "tabular-data-resource", Format: "csv", Mediatype: "text/csv", Encoding: "utf-8",
			Schema: &dpSchema{PrimaryKey: "id"},
		}
		for _, fd := range t.Fields {
			f := dpField{Name: fd.Name, Type: fd.Type, Format: fd.Format}
			if fd.Required || fd.Name == "id" {
				f.Constraints = map[string]bool{"required": fd.Required}
				if fd.Name == "id" {
					f.Constraints["unique"] = true
				}
			}
			res.Schema.Fields = append(res.Schema.Fields, f)
		}
		for _, fd := range t.Fields { // foreign keys in column order, for a stable file
			if ref, ok := t.ForeignKeys[fd.Name]; ok {
				res.Schema.ForeignKeys = append(res.Schema.ForeignKeys, dpForeignKey{fd.Name, dpReference{ref, "id"}})
			}
		}
		pkg.Resources = append(pkg.Resources, res)
	}
	b, err := json.MarshalIndent(pkg, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
