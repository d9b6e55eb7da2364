// Package demo bundles a small FICTIONAL partner website and the source definitions
// that point at it, so that `ensemble serve --demo` can show the whole pipeline
// (fetch, parse, normalize, index, search) offline, without touching a real partner.
//
// Everything in site/ is invented: the three networks (Réseau Entrelacs in Brussels,
// the Plateforme mosane de santé mentale in Liège–Namur, Huis van Verbinding vzw in
// Flanders), their activities, addresses, e-mail addresses (all at example.org) and
// phone numbers (unallocated "0x 000 …" / "0xx 00 …" blocks). Only towns and postcodes are
// real. The site is embedded in the binary; the serve command runs Handler on a
// loopback port and registers Definitions(thatBaseURL) as its sources.
//
// The three networks publish in the three formats the crawler reads:
//
//   - /entrelacs/agenda/ — an HTML agenda over three pages (a.next pagination), each
//     listing linking to a detail page (kind html);
//   - /mosane/activites.html — an HTML page carrying a schema.org @graph in JSON-LD:
//     Events (one online), a Course with a CourseInstance, a Service and the
//     Organization (kind jsonld);
//   - /verbinding/groepen.csv — a ";"-separated CSV export in Dutch, encoded in
//     Windows-1252, with a multi-line quoted field (kind csv).
//
// See README.md beside this file for how the files were made and how to edit them.
package demo

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/sources"
)

//go:embed site
var siteFS embed.FS

// Site returns the demo website's files, rooted at the site directory.
func Site() fs.FS {
	sub, err := fs.Sub(siteFS, "site")
	if err != nil {
		panic("demo: " + err.Error()) // "site" is a valid, embedded directory
	}
	return sub
}

// contentTypes are set for extensions whose type Go's built-in table lacks, so the
// answer does not depend on the host's mime.types.
var contentTypes = map[string]string{
	".csv": "text/csv; charset=windows-1252", // groepen.csv is stored in Windows-1252
	".txt": "text/plain; charset=utf-8",
}

var (
	etagsOnce sync.Once
	etags     map[string]string // file name within Site() → strong ETag
)

// fileETags hashes every file once, so crawls can revalidate with If-None-Match and
// get 304 Not Modified (embedded files have no modification time to offer instead).
func fileETags() map[string]string {
	etagsOnce.Do(func() {
		etags = map[string]string{}
		site := Site()
		_ = fs.WalkDir(site, ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(site, name)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(data)
			etags[name] = `"` + hex.EncodeToString(sum[:8]) + `"`
			return nil
		})
	})
	return etags
}

// Handler serves the demo website: the three partner sites, a home page at / and a
// /robots.txt that allows everything.
func Handler() http.Handler {
	files := http.FileServerFS(Site())
	tags := fileETags()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if strings.HasSuffix(r.URL.Path, "/") {
			name = path.Join(name, "index.html")
		}
		if tag, ok := tags[name]; ok {
			if ct, ok := contentTypes[path.Ext(name)]; ok {
				w.Header().Set("Content-Type", ct)
			}
			w.Header().Set("ETag", tag)
			w.Header().Set("Cache-Control", "no-cache")
		}
		files.ServeHTTP(w, r)
	})
}

// Definitions returns the demo sources, with URLs under baseURL (the address Handler
// is served at, e.g. "http://127.0.0.1:41234").
func Definitions(baseURL string) []sources.Definition {
	base := strings.TrimRight(baseURL, "/")
	return []sources.Definition{
		{
			ID:       "demo-entrelacs",
			Name:     "Réseau Entrelacs (Bruxelles) — démo",
			URL:      base + "/entrelacs/agenda/",
			Kind:     sources.KindHTML,
			Schedule: "*/30 * * * *",
			// The demo site is Ensemble's own loopback server: no need to wait a
			// second between its 18 pages.
			CrawlDelay:  "100ms",
			License:     "CC-BY-4.0",
			Attribution: "Réseau Entrelacs (Bruxelles) — réseau fictif, données de démonstration",
			Language:    "fr",
			Defaults: record.Defaults{
				Region:       "Brussels",
				Organizer:    "Réseau Entrelacs (Bruxelles)",
				OrganizerURL: base + "/entrelacs/",
			},
			HTML: &sources.HTMLOptions{
				List:     "article.event",
				Link:     "a.more@href",
				Next:     "a.next@href",
				MaxPages: 5,
				Fields: map[string]string{
					record.FieldTitle:       "h2",
					record.FieldDate:        "time@datetime",
					record.FieldPlace:       ".lieu",
					record.FieldPrice:       ".prix",
					record.FieldDescription: ".resume",
					record.FieldKind:        ".type",
				},
				Detail: map[string]string{
					record.FieldDescription:  ".description",
					record.FieldEnd:          "time.fin@datetime",
					record.FieldAddress:      ".adresse",
					record.FieldEmail:        ".contact-email",
					record.FieldPhone:        ".contact-tel",
					record.FieldRegistration: "a.inscription@href",
				},
			},
		},
		{
			ID:          "demo-mosane",
			Name:        "Plateforme mosane de santé mentale — démo",
			URL:         base + "/mosane/activites.html",
			Kind:        sources.KindJSONLD,
			Schedule:    "10,40 * * * *",
			License:     "CC-BY-4.0",
			Attribution: "Plateforme mosane de santé mentale — plateforme fictive, données de démonstration",
			Language:    "fr",
			Defaults: record.Defaults{
				Region:       "Wallonia",
				Organizer:    "Plateforme mosane de santé mentale",
				OrganizerURL: "https://mosane.example.org/",
			},
		},
		{
			ID:          "demo-verbinding",
			Name:        "Huis van Verbinding vzw — demo",
			URL:         base + "/verbinding/groepen.csv",
			Kind:        sources.KindCSV,
			Schedule:    "5 * * * *",
			License:     "CC0-1.0",
			Attribution: "Huis van Verbinding vzw — fictieve vzw, demonstratiegegevens",
			Language:    "nl",
			Defaults: record.Defaults{
				Organizer:    "Huis van Verbinding vzw",
				OrganizerURL: base + "/verbinding/",
			},
			CSV: &sources.CSVOptions{
				Delimiter: ";",
				Encoding:  "windows-1252",
				ID:        "Id",
				Columns: map[string]string{
					record.FieldTitle:        "Titel",
					record.FieldDescription:  "Omschrijving",
					record.FieldKind:         "Soort",
					record.FieldDate:         "Datum",
					record.FieldEnd:          "Einde",
					record.FieldPlace:        "Locatie",
					record.FieldPostcode:     "Postcode",
					record.FieldCity:         "Gemeente",
					record.FieldPrice:        "Prijs",
					record.FieldEmail:        "E-mail",
					record.FieldPhone:        "Telefoon",
					record.FieldRegistration: "Inschrijving",
					record.FieldAudience:     "Doelgroep",
					record.FieldLanguage:     "Taal",
				},
			},
		},
	}
}
