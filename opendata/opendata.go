// Package opendata writes Ensemble's records as open data files for people and tools
// that do not speak the API.
//
// The formats, all streamed from an iter.Seq2[record.Record, error] and all made of
// public records only (record.Record.Public: never the name of a contact person):
//
//   - the flat CSV and JSON Lines dumps, written by record.WriteCSV and record.WriteJSONL;
//   - an Excel-friendly CSV (WriteExcelCSV): the same columns, with a UTF-8 byte order
//     mark, ";" between cells and CRLF line ends, which is what Excel expects in Belgian
//     locales, and with cells neutralized against CSV (formula) injection;
//   - an Open Referral HSDS 3.0 tabular data package (WriteHSDS): one CSV per HSDS table
//     plus a Frictionless datapackage.json, so that human-services directories and their
//     tools can import the index as they import any other HSDS publisher. Its rows are
//     flattened from the HSDS JSON objects of HSDSServiceOf, the one mapping of a record
//     to HSDS, which the API's /hsds/ endpoints serve nested.
//
// Open creates a dump file, gzipped when its name ends in ".gz".
//
// The package imports only the standard library, record and google/uuid.
package opendata

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Open creates (or truncates) the file at path for writing a dump. When path ends in
// ".gz" what is written is gzip-compressed. Close flushes the compressor and closes the
// file; its error must be checked.
func Open(path string) (io.WriteCloser, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("open dump: %w", err)
	}
	if !strings.HasSuffix(path, ".gz") {
		return f, nil
	}
	return &gzipFile{Writer: gzip.NewWriter(f), f: f}, nil
}

// gzipFile is a gzip stream over a file; closing it closes both.
type gzipFile struct {
	*gzip.Writer
	f *os.File
}

// Close closes the gzip stream, then the file, and returns the first error.
func (g *gzipFile) Close() error {
	return errors.Join(g.Writer.Close(), g.f.Close())
}
