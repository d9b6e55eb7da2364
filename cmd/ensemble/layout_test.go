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
		"record":   {"sources", "crawler", "store", "index", "api", "cmd"},
		"sources":  {"crawler", "store", "index", "api", "cmd"},
		"crawler":  {"store", "index", "api", "cmd"},
		"store":    {"index", "crawler", "api", "cmd"},
		"index":    {"store", "crawler", "api", "cmd"},
		"api":      {"index", "store", "crawler", "cmd"},
		"opendata": {"sources", "index", "store", "crawler", "api", "cmd"},
	}
	root := filepath.Join("..", "..")
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
