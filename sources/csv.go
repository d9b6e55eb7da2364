package sources

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/ensemble-be/ensemble/record"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

var utf8BOM = []byte("\xef\xbb\xbf")

// csvDelimiter reads CSVOptions.Delimiter: "" is a comma (parseCSV sniffs the
// delimiter instead: see sniffDelimiter); "tab" or `\t` a tab.
func csvDelimiter(s string) (rune, error) {
	switch s {
	case "":
		return ',', nil
	case "tab", `\t`, "\t":
		return '\t', nil
	}
	r, size := utf8.DecodeRuneInString(s)
	if size != len(s) || r == utf8.RuneError || r == '"' || r == '\r' || r == '\n' || r == ' ' {
		return 0, fmt.Errorf("%q is not one character other than a quote or a blank (or \"tab\")", s)
	}
	return r, nil
}

// csvDecoder returns the decoder of a CSVOptions.Encoding; nil for UTF-8.
func csvDecoder(name string) (*encoding.Decoder, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "utf-8", "utf8":
		return nil, nil
	case "windows-1252", "cp1252":
		return charmap.Windows1252.NewDecoder(), nil
	case "iso-8859-1", "latin1", "latin-1":
		return charmap.ISO8859_1.NewDecoder(), nil
	case "iso-8859-15", "latin9", "latin-9":
		return charmap.ISO8859_15.NewDecoder(), nil
	}
	return nil, fmt.Errorf("%q is not one of utf-8, windows-1252, iso-8859-1, iso-8859-15", name)
}

// parseCSV reads a CSV file whose header row names the columns mapped by o; without
// o.Delimiter, the delimiter is sniffed (";", "," or tab: sniffDelimiter). A mapped
// header missing from the file is an error; rows with the wrong number of fields are
// skipped as Problems; empty rows are skipped. A file starting with a UTF-8 byte-order
// mark is read as UTF-8 whatever o.Encoding says.
func parseCSV(o CSVOptions, body []byte, pageURL string) (Page, error) {
	delim, err := csvDelimiter(o.Delimiter)
	if err != nil {
		return Page{}, &FieldError{Field: "csv.delimiter", Problem: err.Error()}
	}
	dec, err := csvDecoder(o.Encoding)
	if err != nil {
		return Page{}, &FieldError{Field: "csv.encoding", Problem: err.Error()}
	}
	page := Page{Listings: []record.Listing{}}
	switch {
	case bytes.HasPrefix(body, utf8BOM):
		body = body[len(utf8BOM):]
	case dec != nil:
		if body, err = dec.Bytes(body); err != nil {
			return Page{}, fmt.Errorf("decode %s: %w", o.Encoding, err)
		}
	}
	if !utf8.Valid(body) {
		page.Problems = append(page.Problems, Problem{Where: "file", Message: "not valid UTF-8 (is csv.encoding windows-1252?): invalid bytes replaced"})
		body = bytes.ToValidUTF8(body, []byte("\uFFFD"))
	}

	if o.Delimiter == "" {
		delim = sniffDelimiter(body)
	}
	r := csv.NewReader(bytes.NewReader(body))
	r.Comma = delim
	r.LazyQuotes = true
	r.FieldsPerRecord = -1 // checked below, so that blank rows are skipped first

	header, err := readCSVRow(r, &page)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return Page{}, errors.New("no header row")
		}
		return Page{}, err
	}
	index := map[string]int{} // folded header → column
	for i, h := range header {
		key := strings.ToLower(strings.TrimSpace(h))
		if _, dup := index[key]; !dup {
			index[key] = i
		}
	}
	column := func(field, h string) (int, error) {
		i, ok := index[strings.ToLower(strings.TrimSpace(h))]
		if !ok {
			return 0, fmt.Errorf("header %q (mapped to %s) not found in the header row", h, field)
		}
		return i, nil
	}
	type mapped struct {
		field string
		col   int
	}
	var cols []mapped
	for _, field := range sortedKeys(o.Columns) {
		i, err := column(field, o.Columns[field])
		if err != nil {
			return Page{}, err
		}
		cols = append(cols, mapped{field, i})
	}
	idCol := -1
	if o.ID != "" {
		if idCol, err = column("id", o.ID); err != nil {
			return Page{}, err
		}
	}

	base := parseBase(pageURL)
	for {
		row, err := readCSVRow(r, &page)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Page{}, err
		}
		if len(row) != len(header) {
			line, _ := r.FieldPos(0)
			page.Problems = append(page.Problems, Problem{
				Where:   fmt.Sprintf("line %d", line),
				Message: fmt.Sprintf("wrong number of fields: got %d, want %d; row skipped", len(row), len(header)),
			})
			continue
		}
		l := record.Listing{Fields: map[string]string{}}
		for _, c := range cols {
			setField(&l, c.field, csvURL(c.field, row[c.col]), base)
		}
		if idCol >= 0 {
			l.LocalID = strings.TrimSpace(row[idCol])
		}
		line, _ := r.FieldPos(0)
		page.Listings = append(page.Listings, l)
		page.Lines = append(page.Lines, line)
	}
	return page, nil
}

// readCSVRow returns the next row that has a non-blank field. Parse errors other than
// the end of the file become Problems and the row is skipped.
func readCSVRow(r *csv.Reader, page *Page) ([]string, error) {
	for {
		row, err := r.Read()
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				page.Problems = append(page.Problems, Problem{
					Where:   fmt.Sprintf("line %d, column %d", pe.Line, pe.Column),
					Message: pe.Err.Error(),
				})
				continue
			}
			if errors.Is(err, io.EOF) {
				return nil, io.EOF
			}
			return nil, fmt.Errorf("read csv: %w", err)
		}
		for _, f := range row {
			if strings.TrimSpace(f) != "" {
				return row, nil
			}
		}
	}
}

// csvURL reads a cell of a URL field. A CSV cell is never relative to the file it is
// in: a bare host name ("asbl-exemple.be/groupes") is taken as an https URL.
func csvURL(field, v string) string {
	v = strings.TrimSpace(v)
	if !urlFields[field] || v == "" {
		return v
	}
	if u, err := url.Parse(v); err == nil && u.Scheme != "" {
		return v
	}
	if strings.HasPrefix(v, "//") {
		return "https:" + v
	}
	host, _, _ := strings.Cut(v, "/")
	host, _, _ = strings.Cut(host, "?")
	host, _, _ = strings.Cut(host, "#")
	dot := strings.LastIndexByte(host, '.')
	if dot > 0 && !strings.ContainsAny(host, " @") && !fileExtensions[strings.ToLower(host[dot+1:])] {
		return "https://" + v
	}
	return v
}

// fileExtensions end file names that look like host names ("inschrijven.html?id=3"):
// such a cell is a relative path, left for normalization to resolve.
var fileExtensions = map[string]bool{
	"html": true, "htm": true, "php": true, "asp": true, "aspx": true, "jsp": true,
	"pdf": true, "csv": true, "json": true, "xml": true, "ics": true, "txt": true,
}
