// Package catalog is Ensemble's catalog of real Belgian sources of mental-health
// group offerings: the réseaux 107 (psy107.be, the Brussels adult network and its
// antennas Rézone and Hermès+, Bru-Stars, PsyBru), the Brussels and Walloon
// federations and platforms (PBSM, LBSM, SMES-B, CRéSaM), the relatives' and peers'
// associations (Similes, Le Funambule, Trefpunt Zelfhulp, Kalima), directories
// (Healing Together) and the two public social maps (social.brussels, De Sociale
// Kaart), as source definitions embedded in the binary, each with a fixture: a small
// document, written by hand with FICTIONAL listings, of what the source is expected
// to serve.
//
// Everything here is UNVERIFIED and every definition is disabled. URLs, formats and
// CMSs were inferred from archived pages and public code (see the notes of each
// definition and README.md beside this file); no test reaches the internet, and no
// network has yet agreed to be crawled. No definition carries a licence: an unknown
// licence keeps a source's records out of the open dumps.
//
// To enable a source, first check it with its network: the URL and format (and, for
// kind html, the selectors against the real page), the licence or terms of reuse,
// a contact. Then copy its file (DefinitionFile) into the catalog directory the
// server reads (--catalog, default DATA/sources), set `disabled: false`, fill in
// `license:` only with what the network stated, rewrite `notes:` to say what was
// confirmed and by whom, and run `ensemble sources validate` on it.
package catalog

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/ensemble-be/ensemble/sources"
)

//go:embed definitions fixtures
var files embed.FS

const (
	definitionsDir = "definitions"
	fixturesDir    = "fixtures"
)

// idPattern is the shape of a source id (sources.Definition.ID); looking a file up by
// anything else could only fail, or match by glob what it should not.
var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// Definitions decodes every embedded definition (with sources.DecodeFile: strict,
// defaults applied, validated) and returns them sorted by id. Errors name the file
// ("definitions/lbsm.yaml: license: …"); a file that fails is left out and the others
// are still returned with the joined errors. Two files with one id are an error.
func Definitions() ([]sources.Definition, error) {
	entries, err := fs.ReadDir(files, definitionsDir)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	var (
		defs []sources.Definition
		errs []error
		seen = map[string]string{} // id → file
	)
	for _, e := range entries {
		name := path.Join(definitionsDir, e.Name())
		ext := strings.ToLower(path.Ext(name))
		if e.IsDir() || (ext != ".yaml" && ext != ".yml" && ext != ".json") {
			continue
		}
		data, err := files.ReadFile(name)
		if err != nil {
			errs = append(errs, fmt.Errorf("catalog: %s: %w", name, err))
			continue
		}
		d, err := sources.DecodeFile("catalog: "+name, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if first, dup := seen[d.ID]; dup {
			errs = append(errs, fmt.Errorf("catalog: %s: id %q already defined in %s", name, d.ID, first))
			continue
		}
		seen[d.ID] = name
		defs = append(defs, d)
	}
	sort.Slice(defs, func(i, j int) bool { return defs[i].ID < defs[j].ID })
	return defs, errors.Join(errs...)
}

// DefinitionFile returns the embedded file of source id as written (comments and
// notes included: what an operator copies into the catalog directory to enable it)
// and its file name ("lbsm.yaml").
func DefinitionFile(id string) ([]byte, string, error) {
	return lookup(definitionsDir, id)
}

// Fixture returns the fixture of source id — a document written by hand, with
// fictional listings, of what the source is expected to serve — and its file name
// ("lbsm.xml"), whose extension tells its format.
func Fixture(id string) ([]byte, string, error) {
	return lookup(fixturesDir, id)
}

// lookup reads the one file of dir named id plus an extension.
func lookup(dir, id string) ([]byte, string, error) {
	if !idPattern.MatchString(id) {
		return nil, "", fmt.Errorf("catalog: %q is not a source id", id)
	}
	matches, err := fs.Glob(files, path.Join(dir, id+".*"))
	if err != nil {
		return nil, "", fmt.Errorf("catalog: %w", err)
	}
	switch len(matches) {
	case 0:
		return nil, "", fmt.Errorf("catalog: no %s file for source %q", strings.TrimSuffix(dir, "s"), id)
	case 1:
	default:
		return nil, "", fmt.Errorf("catalog: several %s files for source %q: %s", strings.TrimSuffix(dir, "s"), id, strings.Join(matches, ", "))
	}
	data, err := files.ReadFile(matches[0])
	if err != nil {
		return nil, "", fmt.Errorf("catalog: %w", err)
	}
	return data, path.Base(matches[0]), nil
}
