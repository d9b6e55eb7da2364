package record

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"iter"
	"strconv"
	"strings"
	"time"
)

// CSVColumns are the columns of the flat CSV dump, in order. Lists are joined by "|";
// times are RFC 3339; empty means unknown. docs/data.md documents each.
var CSVColumns = []string{
	"id", "source", "local_id", "url", "status", "language", "title", "description",
	"kind", "facilitation", "audiences", "topics", "attendance", "languages",
	"organization_name", "organization_url",
	"location_name", "location_address", "location_postcode", "location_city",
	"location_province", "location_region", "location_country", "location_lat", "location_lon",
	"online_url", "schedule_start", "schedule_end", "schedule_rrule", "schedule_text",
	"cost_free", "cost_min", "cost_max", "cost_currency", "cost_unit", "cost_text",
	"registration_url", "contact_email", "contact_phone", "contact_url",
	"license", "attribution", "flags", "first_seen", "last_seen", "updated_at",
}

// CSVRow flattens r into the CSVColumns. It never writes Contact.Person: the CSV is
// an open file.
func (r Record) CSVRow() []string {
	flags := make([]string, len(r.Flags))
	for i, f := range r.Flags {
		flags[i] = f.Code
	}
	coord := func(v float64) string {
		if r.Location.Lat == 0 && r.Location.Lon == 0 {
			return ""
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	money := func(v float64) string {
		if r.Cost.Min == 0 && r.Cost.Max == 0 {
			return ""
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return []string{
		r.ID, r.Source, r.LocalID, r.URL, string(r.Status), r.Language, r.Title, r.Description,
		r.Kind, r.Facilitation, strings.Join(r.Audiences, "|"), strings.Join(r.Topics, "|"), r.Attendance, strings.Join(r.Languages, "|"),
		r.Organization.Name, r.Organization.URL,
		r.Location.Name, r.Location.Address, r.Location.Postcode, r.Location.City,
		r.Location.Province, r.Location.Region, r.Location.Country, coord(r.Location.Lat), coord(r.Location.Lon),
		r.OnlineURL, optionalTime(r.Schedule.Start), optionalTime(r.Schedule.End), r.Schedule.RRule, r.Schedule.Text,
		strconv.FormatBool(r.Cost.Free), money(r.Cost.Min), money(r.Cost.Max), r.Cost.Currency, r.Cost.Unit, r.Cost.Text,
		r.Registration.URL, r.Contact.Email, r.Contact.Phone, r.Contact.URL,
		r.License, r.Attribution, strings.Join(flags, "|"),
		formatTime(r.FirstSeen), formatTime(r.LastSeen), formatTime(r.UpdatedAt),
	}
}

// Public is r as open files and the public API show it: without the name of an
// individual contact person.
func (r Record) Public() Record {
	r.Contact.Person = ""
	return r
}

func optionalTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.RFC3339)
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// openLicences are the SPDX ids (and their families) whose data may go into open
// files: public-domain dedications and attribution or share-alike licences.
var openLicences = []string{"CC0-", "CC-BY-", "ODbL-", "ODC-By-", "PDDL-", "etalab-", "OGL-", "DL-DE-"}

// IsOpenLicense reports whether an SPDX id (or an expression whose every part is
// open) lets records be redistributed in open dumps. Unknown ("") and non-commercial
// or no-derivatives licences are not open: such records stay searchable but are left
// out of open files.
func IsOpenLicense(spdx string) bool {
	if strings.TrimSpace(spdx) == "" {
		return false
	}
	for _, part := range strings.FieldsFunc(spdx, func(c rune) bool { return c == ' ' || c == '(' || c == ')' }) {
		switch strings.ToUpper(part) {
		case "AND", "OR", "WITH":
			continue
		}
		up := strings.ToUpper(part)
		if strings.Contains(up, "-NC") || strings.Contains(up, "-ND") {
			return false
		}
		ok := false
		for _, prefix := range openLicences {
			if strings.HasPrefix(up, strings.ToUpper(prefix)) {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// OpenRecords keeps the records an open file may carry: those under an open licence.
func OpenRecords(recs iter.Seq2[Record, error]) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		for r, err := range recs {
			if err != nil {
				yield(r, err)
				return
			}
			if IsOpenLicense(r.License) && !yield(r, nil) {
				return
			}
		}
	}
}

// WriteCSV writes the CSVColumns header and one row per public record.
func WriteCSV(w io.Writer, recs iter.Seq2[Record, error]) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVColumns); err != nil {
		return err
	}
	for rec, err := range recs {
		if err != nil {
			return err
		}
		if err := cw.Write(rec.Public().CSVRow()); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSONL writes one public record a line, as JSON.
func WriteJSONL(w io.Writer, recs iter.Seq2[Record, error]) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for rec, err := range recs {
		if err != nil {
			return err
		}
		if err := enc.Encode(rec.Public()); err != nil {
			return err
		}
	}
	return nil
}
