package opendata

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestOpen(t *testing.T) {
	const text = "id,title\n1,Groupe\n"
	tests := []struct {
		name string
		gz   bool
	}{
		{"records.csv", false},
		{"records.csv.gz", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tt.name)
			w, err := Open(path)
			if err != nil {
				t.Fatalf("Open(%q): %v", path, err)
			}
			if _, err := io.WriteString(w, text); err != nil {
				t.Fatalf("write: %v", err)
			}
			if err := w.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var r io.Reader = f
			if tt.gz {
				zr, err := gzip.NewReader(f)
				if err != nil {
					t.Fatalf("gzip.NewReader: %v", err)
				}
				r = zr
			}
			b, err := io.ReadAll(r)
			if err != nil {
				t.Fatalf("read back: %v", err)
			}
			if string(b) != text {
				t.Errorf("read back %q, want %q", b, text)
			}
		})
	}
}

func TestOpenError(t *testing.T) {
	if _, err := Open(filepath.Join(t.TempDir(), "missing", "x.gz")); err == nil {
		t.Error("Open in a missing directory: nil error")
	}
}
