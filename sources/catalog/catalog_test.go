package catalog

import (
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ensemble-be/ensemble/sources"
)

// definitions loads the catalog or stops the test.
func definitions(t *testing.T) []sources.Definition {
	t.Helper()
	defs, err := Definitions()
	if err != nil {
		t.Fatalf("Definitions: %v", err)
	}
	return defs
}

// TestDefinitions checks what every catalog entry promises: valid, disabled, marked
// unverified, unique, crawled politely at a quiet hour, with a fixture.
func TestDefinitions(t *testing.T) {
	defs := definitions(t)
	if len(defs) < 12 {
		t.Errorf("catalog has %d definitions, want at least 12", len(defs))
	}
	seen := map[string]bool{}
	for i, d := range defs {
		t.Run(d.ID, func(t *testing.T) {
			if err := d.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
			if seen[d.ID] {
				t.Errorf("id %q is not unique", d.ID)
			}
			seen[d.ID] = true
			if i > 0 && defs[i-1].ID >= d.ID {
				t.Errorf("not sorted by id: %q before %q", defs[i-1].ID, d.ID)
			}
			if !d.Disabled {
				t.Error("not disabled: catalog entries stay disabled until checked with their network")
			}
			if !strings.HasPrefix(d.Notes, "UNVERIFIED:") {
				t.Errorf("notes do not start with \"UNVERIFIED:\": %.60q", d.Notes)
			}
			if !strings.Contains(strings.ToLower(d.Notes), "licen") {
				t.Error("notes say nothing of the licence to confirm")
			}
			if d.Language != "fr" && d.Language != "nl" {
				t.Errorf("language %q, want fr or nl", d.Language)
			}
			if strings.TrimSpace(d.Attribution) == "" {
				t.Error("no attribution")
			}
			if delay, ok := d.Delay(); !ok || delay < 2*time.Second {
				t.Errorf("crawl_delay %q, want 2s or more", d.CrawlDelay)
			}
			checkQuietDaily(t, d.Schedule)
			if _, name, err := DefinitionFile(d.ID); err != nil {
				t.Errorf("DefinitionFile: %v", err)
			} else if name != d.ID+".yaml" {
				t.Errorf("defined in %s, want %s.yaml", name, d.ID)
			}
			if _, name, err := Fixture(d.ID); err != nil {
				t.Errorf("Fixture: %v", err)
			} else if want := fixtureExts[d.Kind]; !strings.Contains(want, path.Ext(name)) {
				t.Errorf("fixture %s: extension does not fit kind %s (want one of %s)", name, d.Kind, want)
			}
		})
	}
}

// fixtureExts are the fixture file extensions that fit each kind.
var fixtureExts = map[sources.Kind]string{
	sources.KindHTML: ".html", sources.KindJSONLD: ".html .json", sources.KindAuto: ".html",
	sources.KindCSV: ".csv", sources.KindRSS: ".xml", sources.KindAtom: ".xml",
	sources.KindJSONFeed: ".json", sources.KindJSON: ".json", sources.KindHSDS: ".json",
	sources.KindICal: ".ics",
}

// checkQuietDaily wants a plain daily cron ("M H * * *") between 01:00 and 05:59 UTC.
func checkQuietDaily(t *testing.T, schedule string) {
	t.Helper()
	f := strings.Fields(schedule)
	if len(f) != 5 || f[2] != "*" || f[3] != "*" || f[4] != "*" {
		t.Errorf("schedule %q is not a daily \"M H * * *\"", schedule)
		return
	}
	m, errM := strconv.Atoi(f[0])
	h, errH := strconv.Atoi(f[1])
	if errM != nil || errH != nil || m < 0 || m > 59 || h < 1 || h > 5 {
		t.Errorf("schedule %q: want one run a day between 01:00 and 05:59 UTC", schedule)
	}
}

// TestFixturesParse reads each fixture with the parser of its source's kind. Kinds
// whose parser is not written yet skip, and so turn on by themselves when it lands.
// A source of kind auto is read as the crawler reads it: with the kind sources.Detect
// finds in the fixture; it skips when that kind needs options (an HTML page without
// JSON-LD offerings needs selectors), naming the feeds the page announces.
func TestFixturesParse(t *testing.T) {
	for _, d := range definitions(t) {
		t.Run(d.ID, func(t *testing.T) {
			body, name, err := Fixture(d.ID)
			if err != nil {
				t.Fatal(err)
			}
			if d.Kind == sources.KindAuto {
				// As the crawler does: detect the kind from the document, then read it
				// with that kind if it needs no options the definition lacks.
				kind, reason := sources.Detect("text/html; charset=utf-8", body, d.URL)
				if kind == "" || kind == sources.KindAuto || kind.NeedsOptions() {
					var feeds []string
					for _, f := range sources.DiscoverFeeds(body, d.URL) {
						feeds = append(feeds, string(f.Kind)+" "+f.URL)
					}
					t.Skipf("%s: kind auto detects %q (%s): not readable without options; feeds announced: %v", name, kind, reason, feeds)
				}
				t.Logf("%s: kind auto detects %s (%s)", name, kind, reason)
				d.Kind = kind
			}
			page, err := sources.Parse(d, body, d.URL)
			switch {
			case err != nil && strings.Contains(err.Error(), "not supported yet"):
				t.Skipf("%s: %v", name, err)
			case err != nil:
				t.Fatalf("Parse(%s): %v", name, err)
			}
			for _, p := range page.Problems {
				t.Logf("%s: problem: %s", name, p)
			}
			if len(page.Listings) == 0 {
				t.Fatalf("Parse(%s): no listings", name)
			}
			for i, l := range page.Listings {
				if strings.TrimSpace(l.Fields["title"]) == "" {
					t.Errorf("Parse(%s): listing %d has no title: %v", name, i+1, l.Fields)
				}
			}
			t.Logf("%s: %d listings", name, len(page.Listings))
		})
	}
}

var (
	// spdxLike is an SPDX id or simple expression ("CC-BY-4.0", "CC0-1.0 OR ODbL-1.0").
	spdxLike = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.+-]*( (AND|OR|WITH) [A-Za-z0-9][A-Za-z0-9.+-]*)*$`)
	// licenceSource is how notes cite where a stated licence comes from.
	licenceSource = regexp.MustCompile(`(?i)licen[cs]e source: https?://\S+`)
)

// TestLicences keeps licences honest: empty (unknown, so out of the open dumps) or an
// SPDX id that the notes name and source ("Licence source: https://…").
func TestLicences(t *testing.T) {
	for _, d := range definitions(t) {
		if d.License == "" {
			continue
		}
		if !spdxLike.MatchString(d.License) {
			t.Errorf("%s: license %q is not SPDX-like", d.ID, d.License)
		}
		if !strings.Contains(d.Notes, d.License) || !licenceSource.MatchString(d.Notes) {
			t.Errorf("%s: license %q without its source in the notes (want \"Licence source: https://…\")", d.ID, d.License)
		}
	}
}

// TestPlaceholderURLs: a URL on the reserved .invalid domain stands for an unknown one
// and the notes must say so.
func TestPlaceholderURLs(t *testing.T) {
	for _, d := range definitions(t) {
		if strings.Contains(d.URL, ".invalid") && !strings.Contains(d.Notes, "URL UNKNOWN") {
			t.Errorf("%s: placeholder URL %s but the notes do not say \"URL UNKNOWN\"", d.ID, d.URL)
		}
	}
}

var (
	emailLike = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+`)
	phoneLike = regexp.MustCompile(`\b0\d{1,3}[ /.]\d{2,3}[ .]\d{2}[ .]\d{2}\b`)
	// tecUID is The Events Calendar's UID: "<post id>-<start>-<end>@<host>".
	tecUID = regexp.MustCompile(`^\d+-\d+-\d+@`)
)

// TestFixturesFictional guards the promise that fixtures hold no real contact: every
// e-mail address is at example.org and every phone number is in an unallocated
// all-zeros block ("02 000 00 01").
func TestFixturesFictional(t *testing.T) {
	for _, d := range definitions(t) {
		body, name, err := Fixture(d.ID)
		if err != nil {
			t.Fatal(err)
		}
		text := string(body)
		for _, e := range emailLike.FindAllString(text, -1) {
			if tecUID.MatchString(e) {
				continue // an iCal UID of The Events Calendar, not an address
			}
			if !strings.HasSuffix(e, "@example.org") {
				t.Errorf("%s: e-mail address %q is not at example.org", name, e)
			}
		}
		for _, p := range phoneLike.FindAllString(text, -1) {
			digits := strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r
				}
				return -1
			}, p)
			if !strings.Contains(digits, "0000") {
				t.Errorf("%s: phone number %q is not in an all-zeros block", name, p)
			}
		}
	}
}

func TestLookupErrors(t *testing.T) {
	for _, id := range []string{"", "no-such-source", "../catalog", "*", "lbsm.xml"} {
		if _, _, err := Fixture(id); err == nil {
			t.Errorf("Fixture(%q): no error", id)
		}
		if _, _, err := DefinitionFile(id); err == nil {
			t.Errorf("DefinitionFile(%q): no error", id)
		}
	}
	data, name, err := DefinitionFile("lbsm")
	if err != nil || name != "lbsm.yaml" || !strings.Contains(string(data), "disabled: true") {
		t.Errorf("DefinitionFile(lbsm) = %d bytes, %q, %v", len(data), name, err)
	}
	// The embedded file decodes to the definition Definitions returns.
	d, err := sources.DecodeDefinition(data, path.Ext(name))
	if err != nil || d.ID != "lbsm" {
		t.Errorf("DecodeDefinition(lbsm.yaml) = %q, %v", d.ID, err)
	}
}
