package opendata

import (
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ensemble-be/ensemble/record"
)

// syntheticRecords streams n deterministic, realistic records without holding them:
// what a store snapshot hands the writers.
func syntheticRecords(n int) iter.Seq2[record.Record, error] {
	kinds := []string{"discussion-group", "intervision", "art-therapy", "peer-circle", "webinar", "balint-group"}
	cities := []struct{ pc, city string }{{"1000", "Bruxelles"}, {"4000", "Liège"}, {"5000", "Namur"}, {"9000", "Gent"}, {"2000", "Antwerpen"}}
	start := time.Date(2027, 1, 12, 19, 0, 0, 0, record.Brussels)
	return func(yield func(record.Record, error) bool) {
		for i := range n {
			c := cities[i%len(cities)]
			s := start.Add(time.Duration(i%300) * 24 * time.Hour)
			r := record.Record{
				Source: fmt.Sprintf("source-%03d", i%120), LocalID: strconv.Itoa(i), Status: record.StatusActive,
				Language: "fr", Title: fmt.Sprintf("Groupe de parole pour proches n°%d", i),
				Description: "Un espace d'écoute et de partage animé par deux psychologues, un mardi sur deux. Inscription souhaitée.",
				Kind:        kinds[i%len(kinds)], Audiences: []string{"relatives"}, Topics: []string{"grief"},
				Attendance: "in-person", Languages: []string{"fr"},
				Organization: record.Organization{Name: fmt.Sprintf("Réseau %d", i%300), URL: "https://reseau.example.org/"},
				Location: record.Location{Name: "Maison des associations", Postcode: c.pc, City: c.city, Country: "BE",
					Region: "Brussels", Lat: 50.85, Lon: 4.35, Precision: "postcode"},
				Schedule: record.Schedule{Start: &s, RRule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", Timezone: "Europe/Brussels",
					DurationMinutes: 120, Next: []time.Time{s}},
				Cost:    record.Cost{Min: 5, Max: 5, Currency: "EUR", Unit: "session", Text: "5 € par séance"},
				Contact: record.Contact{Email: "info@reseau.example.org", Phone: "+3220001234", Person: "Prénom Secret"},
				License: "CC-BY-4.0", Attribution: "Réseau", Flags: []record.Flag{{Code: "place_from_postcode", Severity: record.SeverityInfo}},
				ClassifiedBy: []string{"field:kind"}, FirstSeen: s, LastSeen: s, FetchedAt: s, UpdatedAt: s,
			}
			r.ID = record.NewID(r.Source, r.LocalID)
			if !yield(r, nil) {
				return
			}
		}
	}
}

// peakRSS is the process's peak resident set (VmHWM) in MiB, or -1 off Linux.
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, _ := strconv.ParseFloat(strings.Fields(line)[1], 64)
			return kb / 1024
		}
	}
	return -1
}

// BenchmarkDump writes ENSEMBLE_BENCH_RECORDS synthetic records (default 100,000;
// 1,000,000 for the figures in the issue) in each open format and reports the time and
// the process's peak RSS after each: memory stays flat because every writer streams.
//
//	ENSEMBLE_BENCH_RECORDS=1000000 go test ./opendata -run '^$' -bench BenchmarkDump -benchtime 1x
func BenchmarkDump(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("ENSEMBLE_BENCH_RECORDS")); err == nil && v > 0 {
		n = v
	}
	dir := b.TempDir()
	formats := []struct {
		name  string
		write func() error
	}{
		{"jsonl.gz", func() error {
			f, err := Open(filepath.Join(dir, "d.jsonl.gz"))
			if err != nil {
				return err
			}
			defer f.Close()
			return record.WriteJSONL(f, syntheticRecords(n))
		}},
		{"csv", func() error { return record.WriteCSV(io.Discard, syntheticRecords(n)) }},
		{"excel-csv", func() error { return WriteExcelCSV(io.Discard, syntheticRecords(n)) }},
		{"hsds", func() error {
			return WriteHSDS(filepath.Join(dir, fmt.Sprint("hsds", time.Now().UnixNano())), syntheticRecords(n))
		}},
	}
	for _, f := range formats {
		b.Run(f.name, func(b *testing.B) {
			runtime.GC()
			for b.Loop() {
				if err := f.write(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)/(b.Elapsed().Seconds()/float64(b.N)), "records/s")
			b.ReportMetric(peakRSS(), "peakRSS-MiB")
		})
	}
}
