package opendata

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ensemble-be/ensemble/record"
)

// ErrSnapshotExists is returned by WriteSnapshot when the snapshot of that date is
// already written: a snapshot never changes.
var ErrSnapshotExists = errors.New("snapshot exists")

// SourceInfo is what a snapshot says of one source.
type SourceInfo struct {
	ID, Name, URL, License, Attribution string
}

// Snapshot is one consistent read of the store.
type Snapshot struct {
	// Date is the day the snapshot is named after, in Europe/Brussels.
	Date time.Time
	// Seq is the change the snapshot includes up to.
	Seq int64
	// Sources are the source definitions, for the README and the datapackage.
	Sources []SourceInfo
	// Records is called once per format; each call streams the same consistent snapshot
	// again, every record whatever its licence (WriteSnapshot keeps the open ones).
	Records func() iter.Seq2[record.Record, error]
}

// FileInfo is one file of a written snapshot, as listed in its SHA256SUMS.
type FileInfo struct {
	Name   string // slash-separated path within the snapshot directory
	Size   int64
	SHA256 string // lower-case hex
}

// SnapshotInfo describes a written snapshot.
type SnapshotInfo struct {
	Date    string // YYYY-MM-DD, the directory's name
	Path    string
	Files   []FileInfo
	Seq     int64
	Records int
}

// Names of the files of a snapshot directory.
const (
	snapshotJSONL    = "ensemble.jsonl.gz"
	snapshotCSV      = "ensemble.csv.gz"
	snapshotExcel    = "ensemble-excel.csv"
	snapshotHSDS     = "hsds"
	snapshotPackage  = "datapackage.json"
	snapshotSums     = "SHA256SUMS"
	snapshotCitation = "CITATION.cff"
	snapshotReadme   = "README.md"
	snapshotMeta     = "snapshot.json"
	snapshotLayout   = "2006-01-02"
	datapackageName  = "ensemble-belgium-group-offerings"
	datasetTitle     = "Ensemble: mental-health group offerings in Belgium"
	contributorsName = "Ensemble contributors"
)

// snapshotSource is one source in snapshot.json and the README: what went in and
// what was left out, and why.
type snapshotSource struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	URL         string `json:"url"`
	License     string `json:"license"`
	Attribution string `json:"attribution"`
	Records     int    `json:"records"`
	LeftOut     int    `json:"left_out"`
	Reason      string `json:"reason,omitempty"` // why records were left out

	// leftOutLicences are the distinct licences of the records left out, in order seen.
	leftOutLicences []string
	// licences are the distinct licences of the records included, in order seen.
	licences []string
}

// included reports whether the source belongs in the table of included sources.
func (s *snapshotSource) included() bool {
	return s.Records > 0 || (s.LeftOut == 0 && record.IsOpenLicense(s.License))
}

// leftOut reports whether the source belongs in the table of sources left out.
func (s *snapshotSource) leftOut() bool {
	return s.LeftOut > 0 || (s.Records == 0 && !record.IsOpenLicense(s.License))
}

// snapshotMetaFile is snapshot.json: what ListSnapshots reads back.
type snapshotMetaFile struct {
	Date    string           `json:"date"`
	Seq     int64            `json:"seq"`
	Records int              `json:"records"`
	LeftOut int              `json:"left_out"`
	Sources []snapshotSource `json:"sources"`
}

// WriteSnapshot writes root/YYYY-MM-DD/ (the Date in Europe/Brussels) and returns its
// path. The directory holds the open records (record.IsOpenLicense, made public by
// record.Record.Public) as ensemble.jsonl.gz, ensemble.csv.gz, ensemble-excel.csv and
// an HSDS package in hsds/, with a Frictionless datapackage.json, CITATION.cff, a
// README.md that lists every source with its licence, attribution and record count and
// the sources left out and why, snapshot.json and SHA256SUMS.
//
// It writes into root/.YYYY-MM-DD.tmp-XXXX first and renames it into place when
// complete, so a snapshot appears whole or not at all; on error the temporary directory
// is removed. An existing directory for that date is ErrSnapshotExists: a snapshot
// never changes. Files are written read-only.
func WriteSnapshot(root string, s Snapshot) (string, error) {
	date := s.Date.In(record.Brussels).Format(snapshotLayout)
	final := filepath.Join(root, date)
	if _, err := os.Lstat(final); err == nil {
		return "", fmt.Errorf("write snapshot %s: %w", date, ErrSnapshotExists)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("write snapshot %s: %w", date, err)
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", fmt.Errorf("write snapshot %s: %w", date, err)
	}
	tmp, err := os.MkdirTemp(root, "."+date+".tmp-")
	if err != nil {
		return "", fmt.Errorf("write snapshot %s: %w", date, err)
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", fmt.Errorf("write snapshot %s: %w", date, err)
	}
	if err := writeSnapshotFiles(tmp, date, s); err != nil {
		return "", fmt.Errorf("write snapshot %s: %w", date, err)
	}
	// os.Rename would replace an empty directory created meanwhile: check again.
	if _, err := os.Lstat(final); err == nil {
		return "", fmt.Errorf("write snapshot %s: %w", date, ErrSnapshotExists)
	}
	if err := os.Rename(tmp, final); err != nil {
		return "", fmt.Errorf("write snapshot %s: %w", date, err)
	}
	done = true
	return final, nil
}

// writeSnapshotFiles writes every file of the snapshot into dir.
func writeSnapshotFiles(dir, date string, s Snapshot) error {
	if s.Records == nil {
		return errors.New("no records")
	}
	// Sources in the order given, then any other source seen in the records.
	bySource := map[string]*snapshotSource{}
	var sources []*snapshotSource
	for _, si := range s.Sources {
		if bySource[si.ID] != nil {
			continue
		}
		src := &snapshotSource{ID: si.ID, Name: si.Name, URL: si.URL, License: si.License, Attribution: si.Attribution}
		bySource[si.ID] = src
		sources = append(sources, src)
	}
	// The first pass counts, per source, what goes in and what is left out.
	counted := func(yield func(record.Record, error) bool) {
		for rec, err := range s.Records() {
			if err != nil {
				yield(rec, err)
				return
			}
			src := bySource[rec.Source]
			if src == nil {
				src = &snapshotSource{ID: rec.Source, Name: rec.Source, License: rec.License, Attribution: rec.Attribution}
				bySource[rec.Source] = src
				sources = append(sources, src)
			}
			if !record.IsOpenLicense(rec.License) {
				src.LeftOut++
				if !slices.Contains(src.leftOutLicences, rec.License) {
					src.leftOutLicences = append(src.leftOutLicences, rec.License)
				}
				continue
			}
			src.Records++
			if !slices.Contains(src.licences, rec.License) {
				src.licences = append(src.licences, rec.License)
			}
			if !yield(rec.Public(), nil) {
				return
			}
		}
	}
	if err := writeDump(filepath.Join(dir, snapshotJSONL), func(w io.Writer) error { return record.WriteJSONL(w, counted) }); err != nil {
		return fmt.Errorf("%s: %w", snapshotJSONL, err)
	}
	total := 0
	for _, src := range sources {
		total += src.Records
	}
	// Later passes must see the same records: the snapshot is one consistent read.
	again := func() iter.Seq2[record.Record, error] {
		return func(yield func(record.Record, error) bool) {
			n := 0
			for rec, err := range record.OpenRecords(s.Records()) {
				if err != nil {
					yield(rec, err)
					return
				}
				n++
				if !yield(rec.Public(), nil) {
					return
				}
			}
			if n != total {
				yield(record.Record{}, fmt.Errorf("records changed between passes: %d, then %d", total, n))
			}
		}
	}
	if err := writeDump(filepath.Join(dir, snapshotCSV), func(w io.Writer) error { return record.WriteCSV(w, again()) }); err != nil {
		return fmt.Errorf("%s: %w", snapshotCSV, err)
	}
	if err := writeDump(filepath.Join(dir, snapshotExcel), func(w io.Writer) error { return WriteExcelCSV(w, again()) }); err != nil {
		return fmt.Errorf("%s: %w", snapshotExcel, err)
	}
	if err := WriteHSDS(filepath.Join(dir, snapshotHSDS), again()); err != nil {
		return err
	}

	leftOut := 0
	for _, src := range sources {
		leftOut += src.LeftOut
		if src.leftOut() {
			src.Reason = leftOutReason(src)
		}
	}
	meta := snapshotMetaFile{Date: date, Seq: s.Seq, Records: total, LeftOut: leftOut}
	for _, src := range sources {
		meta.Sources = append(meta.Sources, *src)
	}
	created := time.Now().UTC().Format(time.RFC3339)
	if err := writeJSONFile(filepath.Join(dir, snapshotPackage), snapshotDataPackage(date, created, sources)); err != nil {
		return fmt.Errorf("%s: %w", snapshotPackage, err)
	}
	if err := os.WriteFile(filepath.Join(dir, snapshotCitation), []byte(snapshotCitationCFF(date, sources)), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, snapshotReadme), []byte(snapshotREADME(meta, sources)), 0o644); err != nil {
		return err
	}
	if err := writeJSONFile(filepath.Join(dir, snapshotMeta), meta); err != nil {
		return fmt.Errorf("%s: %w", snapshotMeta, err)
	}
	if err := writeSums(dir); err != nil {
		return fmt.Errorf("%s: %w", snapshotSums, err)
	}
	return makeReadOnly(dir)
}

// writeDump creates path with Open (gzipped for ".gz"), writes it with write and closes it.
func writeDump(path string, write func(io.Writer) error) error {
	f, err := Open(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	return errors.Join(err, f.Close())
}

func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// leftOutReason says why a source's records were left out: "licence unknown" or
// "licence not open (SPDX)", one per distinct licence.
func leftOutReason(src *snapshotSource) string {
	licences := src.leftOutLicences
	if len(licences) == 0 {
		licences = []string{src.License}
	}
	reasons := make([]string, len(licences))
	for i, l := range licences {
		if strings.TrimSpace(l) == "" {
			reasons[i] = "licence unknown"
		} else {
			reasons[i] = "licence not open (" + l + ")"
		}
	}
	return strings.Join(reasons, "; ")
}

// spdxIDs splits an SPDX expression into its licence ids.
func spdxIDs(expr string) []string {
	var ids []string
	for _, part := range strings.FieldsFunc(expr, func(c rune) bool { return c == ' ' || c == '(' || c == ')' }) {
		switch strings.ToUpper(part) {
		case "AND", "OR", "WITH":
			continue
		}
		ids = append(ids, part)
	}
	return ids
}

// includedLicences are the distinct SPDX ids of the records included, sorted.
func includedLicences(sources []*snapshotSource) []string {
	var ids []string
	for _, src := range sources {
		for _, l := range src.licences {
			for _, id := range spdxIDs(l) {
				if !slices.Contains(ids, id) {
					ids = append(ids, id)
				}
			}
		}
	}
	slices.Sort(ids)
	return ids
}

// csvColumnDoc is the Frictionless type and the description of each record.CSVColumns
// column, after docs/data.md.
var csvColumnDoc = map[string][2]string{
	"id":                {"string", "Stable id: UUIDv5 of source + NUL + local_id."},
	"source":            {"string", "Id of the source definition the record was crawled from."},
	"local_id":          {"string", "The listing's id in its source: the feed's own id, else its page URL, else sha256: of title and start."},
	"url":               {"string", "The listing's own page."},
	"status":            {"string", "active, withdrawn (no longer in a complete crawl of its source), past (every date is over) or stale (not seen for 90 days)."},
	"language":          {"string", "Language of the text: fr, nl, de or en."},
	"title":             {"string", "The group's name, HTML removed."},
	"description":       {"string", "Plain text, paragraphs separated by newlines."},
	"kind":              {"string", "Taxonomy kind id, the most specific known (therapy-group, support-group, discussion-group, workshop, …)."},
	"facilitation":      {"string", "Who leads the group: professional, peer or mixed."},
	"audiences":         {"string", "Taxonomy audience ids, most specific only, joined by |."},
	"topics":            {"string", "Taxonomy topic ids, most specific only, joined by |."},
	"attendance":        {"string", "in-person, online or hybrid."},
	"languages":         {"string", "Languages the group is held in, joined by |."},
	"organization_name": {"string", "Who runs it."},
	"organization_url":  {"string", "The organization's website."},
	"location_name":     {"string", "The venue."},
	"location_address":  {"string", "Street address."},
	"location_postcode": {"string", "Belgian postcode (4 digits)."},
	"location_city":     {"string", "The locality, as the postcode table spells it when it knows it."},
	"location_province": {"string", "Province from the postcode, in English; empty in Brussels."},
	"location_region":   {"string", "Brussels, Flanders or Wallonia."},
	"location_country":  {"string", "ISO 3166 country code: BE."},
	"location_lat":      {"number", "Latitude, WGS84 degrees; empty when unknown (a postcode's or city's point, never the venue itself)."},
	"location_lon":      {"number", "Longitude, WGS84 degrees; empty when unknown."},
	"online_url":        {"string", "Where an online group meets."},
	"schedule_start":    {"datetime", "First session (or the event), RFC 3339 with the Europe/Brussels offset."},
	"schedule_end":      {"datetime", "End of the first session (or the event), RFC 3339 with the Europe/Brussels offset."},
	"schedule_rrule":    {"string", "Recurrence as an RFC 5545 RRULE, when known."},
	"schedule_text":     {"string", "The schedule as written, or a date that could not be read."},
	"cost_free":         {"boolean", "true only when the source says it is free."},
	"cost_min":          {"number", "Lowest price, in cost_currency."},
	"cost_max":          {"number", "Highest price, in cost_currency."},
	"cost_currency":     {"string", "ISO 4217 currency: EUR."},
	"cost_unit":         {"string", "What the price pays for: session, cycle, month, year, day or empty."},
	"cost_text":         {"string", "The cost as written."},
	"registration_url":  {"string", "Where to sign up."},
	"contact_email":     {"string", "The organizer's public contact email."},
	"contact_phone":     {"string", "The organizer's public phone, E.164."},
	"contact_url":       {"string", "The organizer's public contact page."},
	"license":           {"string", "SPDX id of the source's licence."},
	"attribution":       {"string", "Whom to credit."},
	"flags":             {"string", "Codes of what normalization noticed, joined by | (see docs/flags.md)."},
	"first_seen":        {"datetime", "First crawl that saw it, UTC."},
	"last_seen":         {"datetime", "Latest successful crawl that saw it, UTC."},
	"updated_at":        {"datetime", "When its content or status last changed, UTC."},
}

// snapshotDataPackage is the Frictionless Data Package descriptor of a snapshot.
func snapshotDataPackage(date, created string, sources []*snapshotSource) any {
	type licence struct {
		Name  string `json:"name"`
		Path  string `json:"path"`
		Title string `json:"title,omitempty"`
	}
	type contributor struct {
		Title string `json:"title"`
		Role  string `json:"role"`
	}
	pkg := struct {
		Profile      string        `json:"profile"`
		Name         string        `json:"name"`
		Title        string        `json:"title"`
		Description  string        `json:"description"`
		Version      string        `json:"version"`
		Created      string        `json:"created"`
		Licenses     []licence     `json:"licenses"`
		Sources      []dpSource    `json:"sources"`
		Contributors []contributor `json:"contributors"`
		Resources    []dpResource  `json:"resources"`
	}{
		Profile: "data-package",
		Name:    datapackageName,
		Title:   datasetTitle + " (" + date + ")",
		Description: "Group offerings in mental health in Belgium (support groups, therapy groups, " +
			"workshops, professional groups) indexed by Ensemble from their publishers, as of " + date +
			". Only records of sources under an open licence are included; each record's license " +
			"and attribution columns say how to credit it. Names of individuals are never included.",
		Version:      date,
		Created:      created,
		Licenses:     []licence{},
		Sources:      []dpSource{},
		Contributors: []contributor{{Title: contributorsName, Role: "author"}},
	}
	for _, id := range includedLicences(sources) {
		pkg.Licenses = append(pkg.Licenses, licence{Name: id, Path: "https://spdx.org/licenses/" + id + ".html"})
	}
	for _, src := range sources {
		if src.Records > 0 {
			pkg.Sources = append(pkg.Sources, dpSource{Title: src.Name, Path: src.URL})
		}
	}
	pkg.Sources = append(pkg.Sources, dpSource{Title: "Open Referral HSDS 3.0 (data model of hsds/)", Path: "https://docs.openreferral.org/en/latest/"})

	csvSchema := &dpSchema{PrimaryKey: "id", MissingValues: []string{""}}
	for _, col := range record.CSVColumns {
		doc, ok := csvColumnDoc[col]
		if !ok {
			doc = [2]string{"string", ""}
		}
		f := dpField{Name: col, Type: doc[0], Description: doc[1]}
		if col == "id" {
			f.Format = "uuid"
		}
		csvSchema.Fields = append(csvSchema.Fields, f)
	}
	pkg.Resources = append(pkg.Resources,
		dpResource{
			Name: "ensemble-csv", Path: snapshotCSV, Title: "Records (CSV)",
			Description: "One row per record: UTF-8, comma-separated, RFC 4180 quoting, header first; lists joined by |. See docs/data.md.",
			Profile:     "tabular-data-resource", Format: "csv", Mediatype: "text/csv", Encoding: "utf-8", Compression: "gz",
			Schema: csvSchema,
		},
		dpResource{
			Name: "ensemble-jsonl", Path: snapshotJSONL, Title: "Records (JSON Lines)",
			Description: "One record a line as JSON: the public schema of the Ensemble API (docs/data.md).",
			Format:      "jsonl", Mediatype: "application/jsonl", Encoding: "utf-8", Compression: "gz",
		},
		dpResource{
			Name: "ensemble-excel", Path: snapshotExcel, Title: "Records (CSV for Excel)",
			Description: "The CSV columns for Excel in Belgian locales: UTF-8 with a byte order mark, ';' between cells, CRLF line ends; " +
				"cells that a spreadsheet would read as a formula (including phone numbers starting with +) are prefixed with a single quote.",
			Format: "csv", Mediatype: "text/csv", Encoding: "utf-8", Dialect: &dpDialect{Delimiter: ";", LineTerminator: "\r\n"},
		},
	)
	for _, t := range hsdsTables {
		s := &dpSchema{PrimaryKey: "id"}
		for _, fd := range t.Fields {
			s.Fields = append(s.Fields, dpField{Name: fd.Name, Type: fd.Type, Format: fd.Format})
		}
		pkg.Resources = append(pkg.Resources, dpResource{
			Name: "hsds-" + strings.ReplaceAll(t.Name, "_", "-"), Path: snapshotHSDS + "/" + t.Path,
			Description: "HSDS 3.0 " + t.Name + " table. " + t.Description,
			Profile:     "tabular-data-resource", Format: "csv", Mediatype: "text/csv", Encoding: "utf-8",
			Schema: s,
		})
	}
	return pkg
}

// yamlQuote quotes s as a YAML double-quoted scalar.
func yamlQuote(s string) string {
	b, _ := json.Marshal(s) // a JSON string is a valid YAML double-quoted scalar
	return string(b)
}

// snapshotCitationCFF is the CITATION.cff (Citation File Format 1.2.0) of a snapshot.
func snapshotCitationCFF(date string, sources []*snapshotSource) string {
	var b strings.Builder
	b.WriteString("cff-version: 1.2.0\n")
	b.WriteString("message: " + yamlQuote("If you use this dataset, please cite it as below and credit each record's source (attribution column).") + "\n")
	b.WriteString("title: " + yamlQuote(datasetTitle+" ("+date+")") + "\n")
	b.WriteString("type: dataset\n")
	b.WriteString("version: " + yamlQuote(date) + "\n")
	b.WriteString("date-released: " + yamlQuote(date) + "\n")
	b.WriteString("authors:\n  - name: " + yamlQuote(contributorsName) + "\n")
	if ids := includedLicences(sources); len(ids) == 1 {
		b.WriteString("license: " + yamlQuote(ids[0]) + "\n")
	} else if len(ids) > 1 {
		b.WriteString("license:\n")
		for _, id := range ids {
			b.WriteString("  - " + yamlQuote(id) + "\n")
		}
	}
	b.WriteString("repository-code: " + yamlQuote("https://github.com/ensemble-be/ensemble") + "\n")
	return b.String()
}

// mdCell makes s safe in a Markdown table cell.
func mdCell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.ReplaceAll(s, "|", `\|`)
	if s == "" {
		return "—"
	}
	return s
}

// snapshotREADME is the README.md of a snapshot.
func snapshotREADME(meta snapshotMetaFile, sources []*snapshotSource) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s — snapshot %s\n\n", datasetTitle, meta.Date)
	b.WriteString("An open index of mental-health group offerings in Belgium (support groups, therapy groups, " +
		"workshops, professional groups), gathered by Ensemble from their publishers.\n\n")
	fmt.Fprintf(&b, "- Date: %s (Europe/Brussels)\n- Includes changes up to: %d\n- Records: %d\n- Records left out (licence unknown or not open): %d\n\n",
		meta.Date, meta.Seq, meta.Records, meta.LeftOut)
	b.WriteString("This directory never changes once written. Check it with `sha256sum -c SHA256SUMS`.\n\n")
	b.WriteString("## Files\n\n")
	b.WriteString("| file | what |\n|---|---|\n")
	b.WriteString("| `" + snapshotJSONL + "` | one record a line as JSON (the API's schema), gzipped |\n")
	b.WriteString("| `" + snapshotCSV + "` | one record a row, comma-separated, gzipped |\n")
	b.WriteString("| `" + snapshotExcel + "` | the same rows for Excel: opens by double-click (`;`, UTF-8 with BOM) |\n")
	b.WriteString("| `" + snapshotHSDS + "/` | Open Referral HSDS 3.0 tabular data package |\n")
	b.WriteString("| `" + snapshotPackage + "` | Frictionless Data Package: resources, field types and descriptions, licences, sources |\n")
	b.WriteString("| `" + snapshotCitation + "` | how to cite this snapshot |\n")
	b.WriteString("| `" + snapshotMeta + "` | date, change sequence and counts, for tools |\n")
	b.WriteString("| `" + snapshotSums + "` | SHA-256 of every file |\n\n")
	b.WriteString("## How to cite\n\n")
	fmt.Fprintf(&b, "%s, *%s*, version %s. See `%s`. Each record's `license` and `attribution` "+
		"fields say whom to credit as well.\n\n", contributorsName, datasetTitle, meta.Date, snapshotCitation)
	b.WriteString("## Sources included\n\n")
	b.WriteString("| id | name | licence | attribution | records |\n|---|---|---|---|---|\n")
	for _, src := range sources {
		if src.included() {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %d |\n", mdCell(src.ID), mdCell(src.Name),
				mdCell(strings.Join(src.licencesOr(), ", ")), mdCell(src.Attribution), src.Records)
		}
	}
	b.WriteString("\n## Sources left out\n\n")
	b.WriteString("Records of these sources are searchable in Ensemble but are not in open files.\n\n")
	b.WriteString("| id | name | reason | records left out |\n|---|---|---|---|\n")
	for _, src := range sources {
		if src.leftOut() {
			fmt.Fprintf(&b, "| %s | %s | %s | %d |\n", mdCell(src.ID), mdCell(src.Name), mdCell(src.Reason), src.LeftOut)
		}
	}
	b.WriteString("\nNames of individual contact persons never appear in these files.\n")
	return b.String()
}

// licencesOr returns the licences of the included records, else the source's licence.
func (s *snapshotSource) licencesOr() []string {
	if len(s.licences) > 0 {
		return s.licences
	}
	return []string{s.License}
}

// writeSums writes dir/SHA256SUMS in sha256sum format ("HASH  NAME"), one line per file
// under dir (slash-separated names), sorted by name.
func writeSums(dir string) error {
	var lines []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		sum, _, err := fileSHA256(path)
		if err != nil {
			return err
		}
		lines = append(lines, sum+"  "+filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortFunc(lines, func(a, b string) int { return strings.Compare(a[66:], b[66:]) })
	return os.WriteFile(filepath.Join(dir, snapshotSums), []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}

// fileSHA256 returns the hex SHA-256 and the size of the file at path.
func fileSHA256(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// makeReadOnly makes every file under dir read-only.
func makeReadOnly(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		return os.Chmod(path, 0o444)
	})
}

// isSnapshotName reports whether name is a snapshot directory's name (YYYY-MM-DD).
func isSnapshotName(name string) bool {
	t, err := time.Parse(snapshotLayout, name)
	return err == nil && t.Format(snapshotLayout) == name
}

// ListSnapshots lists the snapshots written under root, newest first, from their
// snapshot.json and SHA256SUMS. Temporary directories of snapshots being written, and
// anything not named YYYY-MM-DD, are ignored. A missing root has no snapshots.
func ListSnapshots(root string) ([]SnapshotInfo, error) {
	entries, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list snapshots: %w", err)
	}
	var list []SnapshotInfo
	for _, e := range entries {
		if !e.IsDir() || !isSnapshotName(e.Name()) {
			continue
		}
		info, err := readSnapshotInfo(filepath.Join(root, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("list snapshots: %s: %w", e.Name(), err)
		}
		list = append(list, info)
	}
	slices.SortFunc(list, func(a, b SnapshotInfo) int { return strings.Compare(b.Date, a.Date) })
	return list, nil
}

// readSnapshotInfo reads the snapshot.json and SHA256SUMS of the snapshot in dir.
func readSnapshotInfo(dir string) (SnapshotInfo, error) {
	b, err := os.ReadFile(filepath.Join(dir, snapshotMeta))
	if err != nil {
		return SnapshotInfo{}, err
	}
	var meta snapshotMetaFile
	if err := json.Unmarshal(b, &meta); err != nil {
		return SnapshotInfo{}, fmt.Errorf("%s: %w", snapshotMeta, err)
	}
	info := SnapshotInfo{Date: filepath.Base(dir), Path: dir, Seq: meta.Seq, Records: meta.Records}
	sums, err := os.ReadFile(filepath.Join(dir, snapshotSums))
	if err != nil {
		return SnapshotInfo{}, err
	}
	for line := range strings.Lines(string(sums)) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			continue
		}
		sum, name, ok := strings.Cut(line, "  ")
		if !ok || len(sum) != 64 {
			return SnapshotInfo{}, fmt.Errorf("%s: malformed line %q", snapshotSums, line)
		}
		fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return SnapshotInfo{}, err
		}
		info.Files = append(info.Files, FileInfo{Name: name, Size: fi.Size(), SHA256: sum})
	}
	return info, nil
}

// Prune removes the snapshots under root but the newest keep and returns the paths it
// removed; keep <= 0 keeps all.
func Prune(root string, keep int) (removed []string, err error) {
	if keep <= 0 {
		return nil, nil
	}
	entries, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("prune snapshots: %w", err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && isSnapshotName(e.Name()) {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	slices.Reverse(names)
	for _, name := range names[min(keep, len(names)):] {
		path := filepath.Join(root, name)
		// Move it out of sight first, so that no reader sees half a snapshot.
		gone := filepath.Join(root, "."+name+".removing")
		if err := os.Rename(path, gone); err != nil {
			return removed, fmt.Errorf("prune snapshots: %w", err)
		}
		if err := os.RemoveAll(gone); err != nil {
			return removed, fmt.Errorf("prune snapshots: %w", err)
		}
		removed = append(removed, path)
	}
	return removed, nil
}
