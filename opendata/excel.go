package opendata

import (
	"encoding/csv"
	"io"
	"iter"

	"github.com/ensemble-be/ensemble/record"
)

// utf8BOM makes Excel read the file as UTF-8 rather than in the ANSI code page.
const utf8BOM = "\uFEFF"

// WriteExcelCSV writes the record.CSVColumns and one row per public record as a CSV that
// Excel opens correctly by double-click in Belgian (fr-BE, nl-BE) locales: UTF-8 with a
// byte order mark, ";" as delimiter, CRLF line ends. Cells that a spreadsheet would read
// as a formula are neutralized (see Neutralize): phone numbers such as "+32 2 …" appear
// with a leading quote, which Excel hides.
func WriteExcelCSV(w io.Writer, recs iter.Seq2[record.Record, error]) error {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	if err := cw.Write(record.CSVColumns); err != nil {
		return err
	}
	for rec, err := range recs {
		if err != nil {
			return err
		}
		row := rec.Public().CSVRow()
		for i, cell := range row {
			row[i] = Neutralize(cell)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Neutralize returns cell prefixed with a single quote when it starts with a character
// that makes a spreadsheet evaluate it as a formula (=, +, -, @, tab or carriage return),
// as OWASP advises against CSV injection; any other cell is returned unchanged.
func Neutralize(cell string) string {
	if cell == "" {
		return cell
	}
	switch cell[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + cell
	}
	return cell
}
