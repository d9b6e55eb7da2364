package opendata

import (
	"bytes"
	"compress/gzip"
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
	"testing"
	"time"

	"github.com/ensemble-be/ensemble/record"
)

const secretPerson = "Prénom Secret"

// snapshotSources are three sources: one open, one of unknown licence, one non-commercial.
var snapshotSources = []SourceInfo{
	{ID: "open", Name: "Open Network", URL: "https://open.example/groups", License: "CC-BY-4.0", Attribution: "Open Network asbl"},
	{ID: "unknown", Name: "Unknown Network", URL: "https://unknown.example", License: ""},
	{ID: "noncommercial", Name: "NC Network", URL: "https://nc.example", License: "CC-BY-NC-4.0", Attribution: "NC vzw"},
}

// snapshotRecords are 20 records: 10 open, 6 of unknown licence, 4 non-commercial; every
// one names a contact person.
func snapshotRecords() []record.Record {
	start := time.Date(2026, 3, 3, 19, 0, 0, 0, record.Brussels)
	var recs []record.Record
	add := func(src SourceInfo, n int) {
		for i := range n {
			local := fmt.Sprint(i)
			recs = append(recs, record.Record{
				ID: record.NewID(src.ID, local), Source: src.ID, LocalID: local, Status: record.StatusActive,
				Title:        fmt.Sprintf("Groupe de parole %s %d", src.ID, i),
				Organization: record.Organization{Name: "Asbl " + src.ID},
				Location:     record.Location{Address: "Rue de l'Été 1", Postcode: "1000", City: "Bruxelles", Country: "BE"},
				Schedule:     record.Schedule{Start: &start, RRule: "FREQ=WEEKLY;BYDAY=TU"},
				Contact:      record.Contact{Phone: "+3221234567", Email: "info@example.org", Person: secretPerson},
				License:      src.License, Attribution: src.Attribution,
			})
		}
	}
	add(snapshotSources[0], 10)
	add(snapshotSources[1], 6)
	add(snapshotSources[2], 4)
	return recs
}

func testSnapshot(date time.Time, recs []record.Record) Snapshot {
	return Snapshot{
		Date: date, Seq: 42, Sources: snapshotSources,
		Records: func() iter.Seq2[record.Record, error] { return seq(recs...) },
	}
}

var snapshotDate = time.Date(2026, 11, 22, 23, 30, 0, 0, time.UTC) // 2026-11-23 in Brussels

// readAll returns the contents of every file under dir, gzip files decompressed.
func readAll(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	return out
}

func TestWriteSnapshot(t *testing.T) {
	root := t.TempDir()
	dir, err := WriteSnapshot(root, testSnapshot(snapshotDate, snapshotRecords()))
	if err != nil {
		t.Fatalf("WriteSnapshot: %v", err)
	}
	if want := filepath.Join(root, "2026-11-23"); dir != want {
		t.Errorf("WriteSnapshot = %q, want %q", dir, want)
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 1 {
		t.Errorf("root holds %d entries, want 1 (no temporary directory)", len(entries))
	}
	files := readAll(t, dir)

	t.Run("layout", func(t *testing.T) {
		want := []string{snapshotJSONL, snapshotCSV, snapshotExcel, snapshotPackage, snapshotSums,
			snapshotCitation, snapshotReadme, snapshotMeta}
		for _, tb := range hsdsTables {
			want = append(want, "hsds/"+tb.Path)
		}
		for _, name := range want {
			if _, ok := files[name]; !ok {
				t.Errorf("snapshot has no %s", name)
			}
		}
		if _, ok := files["hsds/datapackage.json"]; !ok {
			t.Errorf("snapshot has no hsds/datapackage.json")
		}
	})

	t.Run("sums", func(t *testing.T) {
		var names []string
		for line := range strings.Lines(string(files[snapshotSums])) {
			sum, name, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "  ")
			if !ok {
				t.Fatalf("malformed line %q", line)
			}
			h := sha256.Sum256(files[name])
			if got := hex.EncodeToString(h[:]); got != sum {
				t.Errorf("%s: SHA256SUMS says %s, file is %s", name, sum, got)
			}
			names = append(names, name)
		}
		if !slices.IsSorted(names) {
			t.Errorf("SHA256SUMS not sorted: %q", names)
		}
		if len(names) != len(files)-1 {
			t.Errorf("SHA256SUMS lists %d files, want %d (all but itself)", len(names), len(files)-1)
		}
	})

	t.Run("records", func(t *testing.T) {
		lines := strings.Split(strings.TrimSpace(string(gunzip(t, files[snapshotJSONL]))), "\n")
		if len(lines) != 10 {
			t.Errorf("jsonl has %d lines, want the 10 open records", len(lines))
		}
		for _, l := range lines {
			var r record.Record
			if err := json.Unmarshal([]byte(l), &r); err != nil {
				t.Fatal(err)
			}
			if r.Source != "open" {
				t.Errorf("jsonl has a record of %s", r.Source)
			}
		}
		if n := strings.Count(string(gunzip(t, files[snapshotCSV])), "\n"); n != 11 {
			t.Errorf("csv has %d lines, want 11", n)
		}
		if n := strings.Count(string(files[snapshotExcel]), "\r\n"); n != 11 {
			t.Errorf("excel csv has %d lines, want 11", n)
		}
	})

	t.Run("no personal data", func(t *testing.T) {
		for name, b := range files {
			if strings.HasSuffix(name, ".gz") {
				b = gunzip(t, b)
			}
			if bytes.Contains(b, []byte(secretPerson)) {
				t.Errorf("%s contains the contact person's name", name)
			}
		}
	})

	t.Run("datapackage", func(t *testing.T) {
		var pkg struct {
			Name      string `json:"name"`
			Version   string `json:"version"`
			Licenses  []struct{ Name, Path string }
			Sources   []struct{ Title, Path string }
			Resources []struct {
				Path        string `json:"path"`
				Compression string `json:"compression"`
				Schema      *struct {
					Fields []struct{ Name, Type, Description string }
				} `json:"schema"`
			}
		}
		if err := json.Unmarshal(files[snapshotPackage], &pkg); err != nil {
			t.Fatalf("datapackage.json: %v", err)
		}
		if pkg.Name != datapackageName || pkg.Version != "2026-11-23" {
			t.Errorf("name, version = %q, %q", pkg.Name, pkg.Version)
		}
		if len(pkg.Licenses) != 1 || pkg.Licenses[0].Name != "CC-BY-4.0" || pkg.Licenses[0].Path != "https://spdx.org/licenses/CC-BY-4.0.html" {
			t.Errorf("licenses = %+v, want CC-BY-4.0 only", pkg.Licenses)
		}
		if len(pkg.Sources) == 0 || pkg.Sources[0].Path != "https://open.example/groups" {
			t.Errorf("sources = %+v, want the open source first", pkg.Sources)
		}
		for _, s := range pkg.Sources {
			if strings.Contains(s.Path, "unknown.example") || strings.Contains(s.Path, "nc.example") {
				t.Errorf("sources lists left-out source %s", s.Path)
			}
		}
		if len(pkg.Resources) != 3+len(hsdsTables) {
			t.Errorf("%d resources, want %d", len(pkg.Resources), 3+len(hsdsTables))
		}
		for _, r := range pkg.Resources {
			if _, ok := files[r.Path]; !ok {
				t.Errorf("resource %s does not exist", r.Path)
			}
			if r.Path != snapshotCSV {
				continue
			}
			if r.Compression != "gz" || r.Schema == nil || len(r.Schema.Fields) != len(record.CSVColumns) {
				t.Fatalf("csv resource = %+v", r)
			}
			for i, f := range r.Schema.Fields {
				if f.Name != record.CSVColumns[i] || f.Description == "" ||
					!slices.Contains([]string{"string", "number", "boolean", "datetime"}, f.Type) {
					t.Errorf("field %d = %+v", i, f)
				}
			}
		}
		for col := range csvColumnDoc {
			if !slices.Contains(record.CSVColumns, col) {
				t.Errorf("csvColumnDoc documents %s, not a CSV column", col)
			}
		}
	})

	t.Run("readme", func(t *testing.T) {
		readme := string(files[snapshotReadme])
		for _, want := range []string{
			"| open | Open Network | CC-BY-4.0 | Open Network asbl | 10 |",
			"| unknown | Unknown Network | licence unknown | 6 |",
			"| noncommercial | NC Network | licence not open (CC-BY-NC-4.0) | 4 |",
			"Includes changes up to: 42", "2026-11-23",
		} {
			if !strings.Contains(readme, want) {
				t.Errorf("README does not contain %q:\n%s", want, readme)
			}
		}
	})

	t.Run("citation", func(t *testing.T) {
		cff := string(files[snapshotCitation])
		for _, want := range []string{"cff-version: 1.2.0\n", "type: dataset\n", `date-released: "2026-11-23"`, `name: "Ensemble contributors"`} {
			if !strings.Contains(cff, want) {
				t.Errorf("CITATION.cff does not contain %q:\n%s", want, cff)
			}
		}
	})

	t.Run("exists", func(t *testing.T) {
		_, err := WriteSnapshot(root, testSnapshot(snapshotDate, snapshotRecords()[:3]))
		if !errors.Is(err, ErrSnapshotExists) {
			t.Fatalf("second WriteSnapshot = %v, want ErrSnapshotExists", err)
		}
		again := readAll(t, dir)
		if len(again) != len(files) {
			t.Errorf("snapshot has %d files, had %d", len(again), len(files))
		}
		for name, b := range files {
			if !bytes.Equal(again[name], b) {
				t.Errorf("%s changed", name)
			}
		}
		if entries, _ := os.ReadDir(root); len(entries) != 1 {
			t.Errorf("root holds %d entries, want 1", len(entries))
		}
	})
}

func TestWriteSnapshotError(t *testing.T) {
	boom := errors.New("boom")
	recs := snapshotRecords()
	for _, pass := range []int{1, 2, 4} {
		t.Run(fmt.Sprint("pass ", pass), func(t *testing.T) {
			root := t.TempDir()
			calls := 0
			s := testSnapshot(snapshotDate, recs)
			s.Records = func() iter.Seq2[record.Record, error] {
				calls++
				if calls < pass {
					return seq(recs...)
				}
				return func(yield func(record.Record, error) bool) {
					for _, r := range recs[:5] {
						if !yield(r, nil) {
							return
						}
					}
					yield(record.Record{}, boom)
				}
			}
			if _, err := WriteSnapshot(root, s); !errors.Is(err, boom) {
				t.Fatalf("WriteSnapshot = %v, want %v", err, boom)
			}
			if entries, _ := os.ReadDir(root); len(entries) != 0 {
				t.Errorf("root holds %v after a failure, want nothing", entries)
			}
		})
	}

	t.Run("records change between passes", func(t *testing.T) {
		root := t.TempDir()
		calls := 0
		s := testSnapshot(snapshotDate, recs)
		s.Records = func() iter.Seq2[record.Record, error] {
			calls++
			if calls == 1 {
				return seq(recs...)
			}
			return seq(recs[1:]...)
		}
		if _, err := WriteSnapshot(root, s); err == nil {
			t.Fatalf("WriteSnapshot succeeded though the records changed")
		}
		if entries, _ := os.ReadDir(root); len(entries) != 0 {
			t.Errorf("root holds %v after a failure, want nothing", entries)
		}
	})
}

func TestListAndPrune(t *testing.T) {
	root := t.TempDir()
	recs := snapshotRecords()
	var dates []string
	for i := range 4 {
		d := time.Date(2026, 11, 20+i, 12, 0, 0, 0, record.Brussels)
		if _, err := WriteSnapshot(root, testSnapshot(d, recs)); err != nil {
			t.Fatalf("WriteSnapshot: %v", err)
		}
		dates = append(dates, d.Format("2006-01-02"))
	}
	// Neither a temporary directory nor a stray file is a snapshot.
	if err := os.Mkdir(filepath.Join(root, ".2026-11-24.tmp-123"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "notes.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}

	list, err := ListSnapshots(root)
	if err != nil {
		t.Fatalf("ListSnapshots: %v", err)
	}
	var got []string
	for _, s := range list {
		got = append(got, s.Date)
	}
	want := slices.Clone(dates)
	slices.Reverse(want)
	if !slices.Equal(got, want) {
		t.Fatalf("ListSnapshots dates = %q, want %q", got, want)
	}
	s := list[0]
	if s.Seq != 42 || s.Records != 10 || s.Path != filepath.Join(root, want[0]) {
		t.Errorf("ListSnapshots[0] = seq %d, records %d, path %s", s.Seq, s.Records, s.Path)
	}
	var jsonl *FileInfo
	for i, f := range s.Files {
		if f.Name == snapshotJSONL {
			jsonl = &s.Files[i]
		}
	}
	if jsonl == nil || jsonl.Size == 0 || len(jsonl.SHA256) != 64 {
		t.Errorf("ListSnapshots files = %+v, want %s with size and sum", s.Files, snapshotJSONL)
	}

	for _, keep := range []int{0, -1} {
		if removed, err := Prune(root, keep); err != nil || len(removed) != 0 {
			t.Errorf("Prune(%d) = %q, %v, want nothing removed", keep, removed, err)
		}
	}
	removed, err := Prune(root, 2)
	if err != nil {
		t.Fatalf("Prune: %v", err)
	}
	wantRemoved := []string{filepath.Join(root, dates[1]), filepath.Join(root, dates[0])}
	if !slices.Equal(removed, wantRemoved) {
		t.Errorf("Prune(2) removed %q, want %q", removed, wantRemoved)
	}
	list, err = ListSnapshots(root)
	if err != nil || len(list) != 2 || list[0].Date != dates[3] || list[1].Date != dates[2] {
		t.Errorf("after Prune(2), ListSnapshots = %+v, %v", list, err)
	}
	if removed, err := Prune(root, 5); err != nil || len(removed) != 0 {
		t.Errorf("Prune(5) = %q, %v, want nothing removed", removed, err)
	}
	if _, err := os.Stat(filepath.Join(root, ".2026-11-24.tmp-123")); err != nil {
		t.Errorf("Prune removed a temporary directory: %v", err)
	}

	if list, err := ListSnapshots(filepath.Join(root, "missing")); err != nil || len(list) != 0 {
		t.Errorf("ListSnapshots(missing) = %v, %v, want none", list, err)
	}
}
