package sources

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/ensemble-be/ensemble/record"
)

// Push formats: how a partner without a website sends its listings.
const (
	PushJSONL = "jsonl" // one listing object a line, keyed by record field names, plus "id"
	PushCSV   = "csv"   // a header row of record field names (TemplateColumns), plus "id"
	PushHSDS  = "hsds"  // an HSDS 3.0 API page or an array of services
)

// pushID is the key or column of a pushed listing's own id.
const pushID = "id"

// TemplateColumns are the columns of the CSV template, in order: the listing's own id
// and the record fields a push reads. A push accepts any of record.KnownFields.
var TemplateColumns = []string{
	pushID, record.FieldTitle, record.FieldDescription, record.FieldKind, record.FieldDate, record.FieldEnd,
	record.FieldSchedule, record.FieldPlace, record.FieldAddress, record.FieldPostcode, record.FieldCity,
	record.FieldPrice, record.FieldOrganizer, record.FieldEmail, record.FieldPhone, record.FieldURL,
	record.FieldRegistration, record.FieldAudience, record.FieldTopic, record.FieldLanguage, record.FieldAttendance,
}

// templateExample is the template's fictional example row, by column.
var templateExample = map[string]string{
	pushID: "groupe-jeudi", record.FieldTitle: "Groupe de parole pour proches aidants",
	record.FieldDescription: "Un moment d'échange entre proches aidants, animé par une psychologue. Café offert.",
	record.FieldKind:        "groupe de parole", record.FieldDate: "2031-03-06T18:00", record.FieldEnd: "2031-03-06T20:00",
	record.FieldSchedule: "un jeudi sur deux, de 18h à 20h", record.FieldPlace: "Maison de quartier des Tilleuls",
	record.FieldAddress: "Rue des Tilleuls 12", record.FieldPostcode: "1000", record.FieldCity: "Bruxelles",
	record.FieldPrice: "gratuit", record.FieldOrganizer: "Association Fictive asbl",
	record.FieldEmail: "contact@association-fictive.example", record.FieldPhone: "+32 2 000 00 00",
	record.FieldURL: "https://association-fictive.example/groupe", record.FieldRegistration: "",
	record.FieldAudience: "proches aidants", record.FieldTopic: "santé mentale", record.FieldLanguage: "fr",
	record.FieldAttendance: "en présentiel",
}

// WriteTemplate writes the CSV template: the header row and one fictional example.
func WriteTemplate(w io.Writer) error {
	cw := csv.NewWriter(w)
	row := make([]string, len(TemplateColumns))
	for i, c := range TemplateColumns {
		row[i] = templateExample[c]
	}
	if err := cw.Write(TemplateColumns); err != nil {
		return err
	}
	if err := cw.Write(row); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// ParsePush reads a partner's push in format (PushJSONL, PushCSV or PushHSDS);
// relative links resolve against pageURL. Like Parse it never fetches; unlike a crawl,
// what cannot be read is a Problem naming the line (and column), and the caller
// should refuse the push rather than withdraw what it could not read.
func ParsePush(format string, body []byte, pageURL string) (Page, error) {
	switch format {
	case PushJSONL:
		return parsePushJSONL(body, pageURL)
	case PushCSV:
		return parsePushCSV(body, pageURL)
	case PushHSDS:
		return parseHSDS(body, pageURL)
	}
	return Page{}, fmt.Errorf("push format %q is not one of jsonl, csv, hsds", format)
}

// pushField says whether name is a column or key a push reads.
func pushField(name string) bool { return name == pushID || record.IsKnownField(name) }

func parsePushJSONL(body []byte, pageURL string) (Page, error) {
	page := Page{Listings: []record.Listing{}}
	base := parseBase(pageURL)
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 64<<10), len(body)+1)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		where := fmt.Sprintf("line %d", n)
		var obj map[string]any
		if err := json.Unmarshal(line, &obj); err != nil {
			page.Problems = append(page.Problems, Problem{Where: where, Message: "not a JSON object: " + err.Error()})
			continue
		}
		l := record.Listing{Fields: map[string]string{}}
		ok := true
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			v, err := pushValue(obj[k])
			switch {
			case !pushField(k):
				err = fmt.Errorf("unknown field (want one of id, %s)", strings.Join(record.KnownFields, ", "))
			case err == nil && k == pushID:
				l.LocalID = v
				continue
			}
			if err != nil {
				page.Problems = append(page.Problems, Problem{Where: where + ", field " + k, Message: err.Error()})
				ok = false
				continue
			}
			setField(&l, k, v, base)
		}
		if ok {
			l.URL = l.Fields[record.FieldURL]
			page.Listings = append(page.Listings, l)
			page.Lines = append(page.Lines, n)
		}
	}
	if err := sc.Err(); err != nil {
		return Page{}, fmt.Errorf("read jsonl: %w", err)
	}
	return page, nil
}

// pushValue is a JSON value as field text: strings, numbers and booleans.
func pushValue(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	case bool:
		return strconv.FormatBool(v), nil
	}
	return "", errors.New("want a string, a number or a boolean")
}

func parsePushCSV(body []byte, pageURL string) (Page, error) {
	body = bytes.TrimPrefix(body, utf8BOM)
	r := csv.NewReader(bytes.NewReader(body))
	r.Comma = sniffDelimiter(body)
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return Page{}, errors.New("no header row")
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return Page{Problems: []Problem{{Where: fmt.Sprintf("line %d, column %d", pe.Line, pe.Column), Message: pe.Err.Error()}}}, nil
	}
	if err != nil {
		return Page{}, err
	}
	opts := CSVOptions{Columns: map[string]string{}} // the delimiter is sniffed again, the same way
	var problems []Problem
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		switch {
		case name == pushID:
			opts.ID = h
		case record.IsKnownField(name):
			opts.Columns[name] = h
		default:
			problems = append(problems, Problem{Where: fmt.Sprintf("line 1, column %d", i+1),
				Message: fmt.Sprintf("unknown column %q (see the template)", h)})
		}
	}
	if problems != nil {
		return Page{Problems: problems}, nil
	}
	page, err := parseCSV(opts, body, pageURL)
	for i := range page.Listings {
		page.Listings[i].URL = page.Listings[i].Fields[record.FieldURL]
	}
	return page, err
}
