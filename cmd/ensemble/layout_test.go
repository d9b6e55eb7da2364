package main

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPackageImports checks the import rules of the house style: siblings meet
// through record types and interfaces their consumer declares, never directly.
func TestPackageImports(t *testing.T) {
	const module = "github.com/ensemble-be/ensemble/"
	forbidden := map[string][]string{
		"record":   {"sources", "crawler", "store", "index", "api", "web", "cmd"},
		"sources":  {"crawler", "store", "index", "api", "web", "cmd"},
		"crawler":  {"store", "index", "api", "web", "cmd"},
		"store":    {"index", "crawler", "api", "web", "cmd"},
		"index":    {"store", "crawler", "api", "web", "cmd"},
		"api":      {"index", "store", "crawler", "web", "cmd"},
		"opendata": {"sources", "index", "store", "crawler", "api", "web", "cmd"},
		// web: the pages read through api's interfaces (and the record and sources types
		// they carry), never the store or the index directly; cmd wires them.
		"web": {"index", "store", "crawler", "opendata", "cmd"},
		// record/synthetic (also under record's rules) feeds benchmarks and tests only.
		"record/synthetic": {"sources", "crawler", "store", "index", "api", "opendata", "web", "cmd"},
	}
	root := filepath.Join("..", "..")
	for _, pkg := range []string{"sources", "crawler", "store", "index", "api", "opendata", "web", "cmd/ensemble"} {
		if _, ok := forbidden[pkg]; !ok {
			forbidden[pkg] = nil // walked only for the record/synthetic rule
		}
	}
	for pkg, banned := range forbidden {
		err := filepath.WalkDir(filepath.Join(root, pkg), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
				return err
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
			if err != nil {
				return err
			}
			for _, imp := range f.Imports {
				p := strings.Trim(imp.Path.Value, `"`)
				for _, b := range banned {
					if p == module+b || strings.HasPrefix(p, module+b+"/") {
						t.Errorf("%s imports %s: %s may not import %s", path, p, pkg, b)
					}
				}
				if pkg == "web" && p == "github.com/gorilla/mux" {
					t.Errorf("%s imports gorilla/mux: web uses net/http's ServeMux; only api/routes.go may", path)
				}
				if p == module+"record/synthetic" && !strings.HasSuffix(path, "_test.go") && !isBenchCommand(path) {
					t.Errorf("%s imports %s: only tests and cmd/ensemble-bench may", path, p)
				}
				if pkg == "api" && p == "github.com/gorilla/mux" && filepath.Base(path) != "routes.go" {
					t.Errorf("%s imports gorilla/mux: only api/routes.go may", path)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// isBenchCommand reports whether path is in cmd/ensemble-bench, the benchmark harness.
func isBenchCommand(path string) bool {
	return strings.Contains(filepath.ToSlash(path), "cmd/ensemble-bench/")
}
