// Package synthetic generates deterministic, realistic group-offering records for
// benchmarks and load tests: titles and descriptions assembled from phrase banks in
// French (mostly), Dutch, some English and German; kinds, audiences, topics,
// facilitation and attendance from the default taxonomy; places from the embedded
// Belgian postcode table; weekly and monthly schedules with their next occurrences in
// Europe/Brussels; prices, flags, a few hundred organizations and dozens of sources.
//
// Record i of a seed is the same whatever n: Generate(seed, 10_000) is the prefix of
// Generate(seed, 1_000_000), and nothing is held in memory between records. Site
// serves the same records as partner sites (HTML agendas, iCalendar, CSV) for crawl
// benchmarks.
//
// Nothing outside tests, benchmarks and the benchmark command imports this package.
package synthetic

import (
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ensemble-be/ensemble/record"
)

// Epoch is the generator's "now": schedules are expanded after it and UpdatedAt is
// spread over the two years before it. It is fixed so that the output is the same
// bytes on every run.
var Epoch = time.Date(2026, 11, 2, 0, 0, 0, 0, record.Brussels)

// Sizes are the corpus sizes the benchmarks use.
var Sizes = map[string]int{"2k": 2_000, "10k": 10_000, "100k": 100_000, "1M": 1_000_000}

// Source is one synthetic partner source: its id, name, declared language, licence,
// and the kind of feed Site serves it as.
type Source struct {
	ID, Name, Language, License, Attribution string
	Feed                                     string // html, ical or csv
}

// Organization is one synthetic organizer; it publishes through one source.
type Organization struct {
	Name, URL, Email, Phone string
	Source                  int // index in Sources
}

const (
	numSources = 48
	numOrgs    = 320
)

// Generate yields n records of the corpus of seed, in order, without holding them.
// Every record passes record.Validate.
func Generate(seed uint64, n int) iter.Seq[record.Record] {
	w := world(seed)
	return func(yield func(record.Record) bool) {
		for i := range n {
			if !yield(w.record(i)) {
				return
			}
		}
	}
}

// Record returns record i of the corpus of seed (what Generate yields i-th).
func Record(seed uint64, i int) record.Record { return world(seed).record(i) }

// Sources returns the sources of the corpus of seed.
func Sources(seed uint64) []Source { return slices.Clone(world(seed).sources) }

// corpus is what every record of a seed draws from: sources, organizations, places.
type corpus struct {
	seed    uint64
	sources []Source
	orgs    []Organization
	places  []record.PostcodePlace // every row of the postcode table
	cities  []record.PostcodePlace // the larger towns, drawn more often
}

var (
	worldsMu sync.Mutex
	worlds   = map[uint64]*corpus{}
)

func world(seed uint64) *corpus {
	worldsMu.Lock()
	defer worldsMu.Unlock()
	if w, ok := worlds[seed]; ok {
		return w
	}
	w := newCorpus(seed)
	worlds[seed] = w
	return w
}

// allPlaces lists the embedded postcode table, in postcode order.
var allPlaces = sync.OnceValue(func() []record.PostcodePlace {
	var out []record.PostcodePlace
	for pc := 1000; pc <= 9999; pc++ {
		out = append(out, record.PostcodePlaces(fmt.Sprint(pc))...)
	}
	return out
})

// bigTowns are drawn for about half the in-person records, as the offer concentrates
// in the cities.
var bigTowns = []string{"1000", "1050", "1060", "1030", "1180", "4000", "5000", "6000", "1300", "1348",
	"7000", "9000", "2000", "3000", "8000", "3500", "2800", "4700", "6700", "8500", "1400", "7500"}

func newCorpus(seed uint64) *corpus {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	w := &corpus{seed: seed, places: allPlaces()}
	for _, pc := range bigTowns {
		if p := record.PostcodePlaces(pc); len(p) > 0 {
			w.cities = append(w.cities, p[0])
		}
	}
	for i := range numSources {
		lang := pick(r, []string{"fr", "fr", "fr", "fr", "fr", "nl", "nl", "nl", "en", "de"})
		name := sourceName(r, lang)
		lic := pick(r, []string{"CC-BY-4.0", "CC-BY-4.0", "CC-BY-4.0", "CC0-1.0", "CC-BY-SA-4.0", ""})
		feed := []string{"html", "ical", "csv"}[i%3]
		w.sources = append(w.sources, Source{ID: fmt.Sprintf("%s-%02d", slug(name), i), Name: name, Language: lang,
			License: lic, Attribution: name, Feed: feed})
	}
	for i := range numOrgs {
		src := r.IntN(numSources)
		lang := w.sources[src].Language
		name := orgName(r, lang)
		host := fmt.Sprintf("%s-%d.example.be", slug(name), i)
		w.orgs = append(w.orgs, Organization{Name: name, URL: "https://" + host + "/", Email: "info@" + host,
			Phone:  fmt.Sprintf("+32%d%07d", pick(r, []int{2, 4, 9, 10, 16, 64, 71, 81, 3, 50}), r.IntN(10_000_000)),
			Source: src})
	}
	return w
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// skewed returns an index in [0, n) drawn with a long tail: low indexes are frequent.
func skewed(r *rand.Rand, n int) int {
	f := r.Float64()
	return min(int(f*f*float64(n)), n-1)
}

// chance is true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// record builds record i: all its randomness comes from (seed, i).
func (w *corpus) record(i int) record.Record {
	r := rand.New(rand.NewPCG(w.seed, uint64(i)+1))
	org := w.orgs[skewed(r, len(w.orgs))]
	src := w.sources[org.Source]
	lang := src.Language
	if chance(r, 0.15) { // bilingual networks publish in another language too
		lang = pick(r, []string{"fr", "fr", "nl", "nl", "en", "de"})
	}
	kind := pickKind(r)
	rec := record.Record{
		Source: src.ID, LocalID: fmt.Sprintf("g%07d", i), Status: record.StatusActive, Language: lang,
		Kind: kind, Facilitation: pickFacilitation(r, kind),
		Attendance:   pick(r, []string{"in-person", "in-person", "in-person", "in-person", "in-person", "in-person", "in-person", "online", "online", "hybrid"}),
		Languages:    []string{lang},
		Organization: record.Organization{Name: org.Name, URL: org.URL},
		License:      src.License, Attribution: src.Attribution,
	}
	rec.ID = record.NewID(rec.Source, rec.LocalID)
	rec.URL = fmt.Sprintf("%sgroupes/%d", org.URL, i)
	if chance(r, 0.1) {
		rec.Languages = append(rec.Languages, pick(r, []string{"fr", "nl", "en"}))
		rec.Languages = slices.Compact(slices.Sorted(slices.Values(rec.Languages)))
	}
	rec.Topics = pickSome(r, topicWeights, 1+skewed(r, 3))
	rec.Audiences = pickAudiences(r, kind)
	if rec.Attendance != "online" {
		rec.Location = w.location(r)
	} else {
		rec.Location = record.Location{Country: "BE"}
	}
	if rec.Attendance != "in-person" {
		rec.OnlineURL = fmt.Sprintf("https://meet.example.org/%s-%d", src.ID, i)
	}
	rec.Schedule = schedule(r, lang, kind)
	rec.Cost = cost(r, lang, kind)
	rec.GroupSize = groupSize(r, lang)
	rec.Registration = record.Registration{Required: chance(r, 0.6)}
	if rec.Registration.Required {
		if chance(r, 0.5) {
			rec.Registration.URL = org.URL + "inscription"
		} else {
			rec.Registration.Email = org.Email
		}
	}
	rec.Contact = record.Contact{Email: org.Email, Phone: org.Phone, URL: org.URL}
	if chance(r, 0.3) {
		rec.Contact.Person = pick(r, firstNames) + " " + pick(r, lastNames)
	}
	rec.Title = title(r, lang, rec)
	rec.Description = description(r, lang, rec)
	rec.Flags = flags(r, rec)
	rec.ClassifiedBy = []string{"rule:" + lang + ":" + kind}
	if chance(r, 0.3) {
		rec.ClassifiedBy = append(rec.ClassifiedBy, "default:source")
	}
	switch f := r.Float64(); {
	case f < 0.03:
		rec.Status = record.StatusWithdrawn
	case f < 0.08:
		rec.Status = record.StatusPast
	}
	updated := Epoch.Add(-time.Duration(skewed(r, 730*24)) * time.Hour).Add(-time.Duration(r.IntN(3600)) * time.Second)
	first := updated.Add(-time.Duration(r.IntN(365*24)) * time.Hour)
	rec.FirstSeen, rec.UpdatedAt = first.UTC(), updated.UTC()
	rec.FetchedAt = updated.UTC()
	rec.LastSeen = Epoch.Add(-time.Duration(r.IntN(48)) * time.Hour).UTC()
	return rec
}

// kindWeights favour what the Belgian offer is made of: groupes de parole, support
// groups, therapy groups; professional groups and events less.
var kindWeights = newWeights(map[string]int{
	"discussion-group": 22, "support-group": 12, "therapy-group": 10, "peer-circle": 8, "art-therapy": 6,
	"psychodrama": 2, "psychoeducation": 7, "workshop": 5, "writing-workshop": 3, "retreat": 2,
	"personal-development": 3, "intervision": 5, "clinical-supervision": 3, "practice-analysis": 2,
	"balint-group": 3, "webinar": 4, "conference": 2, "training": 3, "creative-therapy": 1,
})

var topicWeights = newWeights(map[string]int{
	"anxiety": 12, "depression": 10, "grief": 10, "burnout": 8, "addiction": 5, "alcohol": 4, "gambling": 1,
	"psychosis": 2, "schizophrenia": 2, "bipolar-disorder": 3, "trauma": 5, "violence": 3, "stress": 5,
	"eating-disorders": 3, "suicide-prevention": 3, "self-harm": 1, "loneliness": 4, "chronic-illness": 2,
	"cancer": 3, "dementia": 3, "social-exclusion": 2, "homelessness": 1, "exile": 2, "perinatal": 3,
	"parenting": 4, "recovery": 3, "personality-disorders": 1, "autism": 2, "adhd": 2, "ocd": 1, "self-esteem": 4,
})

// weights is a discrete distribution over ids, drawn in proportion to each weight.
type weights struct {
	keys  []string // sorted, so that a draw depends only on the random source
	cum   []int
	total int
}

func newWeights(m map[string]int) weights {
	var w weights
	for k := range m {
		w.keys = append(w.keys, k)
	}
	slices.Sort(w.keys)
	for _, k := range w.keys {
		w.total += m[k]
		w.cum = append(w.cum, w.total)
	}
	return w
}

func (w weights) draw(r *rand.Rand) string {
	n := r.IntN(w.total)
	i, _ := slices.BinarySearch(w.cum, n+1)
	return w.keys[i]
}

func pickSome(r *rand.Rand, w weights, n int) []string {
	var out []string
	for range n {
		if k := w.draw(r); !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func pickKind(r *rand.Rand) string { return kindWeights.draw(r) }

func isProfessionalKind(kind string) bool {
	switch kind {
	case "intervision", "clinical-supervision", "practice-analysis", "balint-group", "training":
		return true
	}
	return false
}

func pickFacilitation(r *rand.Rand, kind string) string {
	switch {
	case isProfessionalKind(kind):
		return "professional"
	case kind == "peer-circle":
		return pick(r, []string{"peer", "peer", "peer", "mixed"})
	}
	return pick(r, []string{"professional", "professional", "professional", "peer", "mixed", ""})
}

func pickAudiences(r *rand.Rand, kind string) []string {
	if isProfessionalKind(kind) {
		return []string{"professionals"}
	}
	return pickSome(r, audienceWeights, 1+skewed(r, 2))
}

var audienceWeights = newWeights(map[string]int{"adults": 10, "relatives": 8, "young-people": 5, "parents": 5, "bereaved": 3,
	"lived-experience": 6, "women": 2, "older-people": 2, "children": 1, "exiles": 1, "precarity": 1,
	"lgbtqia": 1, "men": 1})

// location draws a place: half from the big towns, half from the whole table.
func (w *corpus) location(r *rand.Rand) record.Location {
	var p record.PostcodePlace
	if chance(r, 0.5) {
		p = pick(r, w.cities)
	} else {
		p = pick(r, w.places)
	}
	loc := record.Location{Postcode: p.Postcode, City: p.Locality, Commune: p.Commune, Province: p.Province,
		Region: p.Region, Country: "BE", Lat: p.Lat, Lon: p.Lon, Precision: "postcode"}
	if chance(r, 0.7) {
		loc.Name = pick(r, venues)
		loc.Address = fmt.Sprintf("%s %d", pick(r, streets), 1+r.IntN(180))
		loc.Precision = "address"
		// an address geocodes near the locality's point
		loc.Lat = math.Round((loc.Lat+(r.Float64()-0.5)*0.02)*1e5) / 1e5
		loc.Lon = math.Round((loc.Lon+(r.Float64()-0.5)*0.03)*1e5) / 1e5
	}
	return loc
}

// schedule draws when a group meets: weekly or monthly recurring groups, one-off
// events and trainings, or only a text ("sur demande").
func schedule(r *rand.Rand, lang, kind string) record.Schedule {
	clock := pick(r, []struct{ h, m int }{{18, 30}, {14, 0}, {19, 0}, {10, 0}, {20, 0}, {9, 30}, {13, 30}, {18, 0}, {17, 30}})
	dur := pick(r, []int{90, 120, 120, 150, 180})
	wd := time.Weekday(1 + r.IntN(6)) // monday..saturday
	if chance(r, 0.04) {
		wd = time.Sunday
	}
	s := record.Schedule{Timezone: "Europe/Brussels", DurationMinutes: dur}
	day0 := Epoch.AddDate(0, 0, -r.IntN(200))
	switch f := r.Float64(); {
	case f < 0.1: // no dates, only words
		s.DurationMinutes = 0
		s.Timezone = ""
		s.Text = map[string]string{"fr": "dates à convenir", "nl": "op afspraak", "de": "nach Vereinbarung", "en": "on request"}[lang]
		return s
	case f < 0.4 || kind == "webinar" || kind == "conference": // one-off
		d := Epoch.AddDate(0, 0, r.IntN(240)-30)
		start := time.Date(d.Year(), d.Month(), d.Day(), clock.h, clock.m, 0, 0, record.Brussels)
		end := start.Add(time.Duration(dur) * time.Minute)
		s.Start, s.End = &start, &end
		if start.After(Epoch) {
			s.Next = []time.Time{start}
		}
		s.Text = start.Format("02/01/2006") + ", " + clockText(lang, clock.h, clock.m)
		return s
	case f < 0.7: // weekly or every other week
		interval := pick(r, []int{1, 1, 2})
		d := day0
		for d.Weekday() != wd {
			d = d.AddDate(0, 0, 1)
		}
		start := time.Date(d.Year(), d.Month(), d.Day(), clock.h, clock.m, 0, 0, record.Brussels)
		s.Start = &start
		s.RRule = fmt.Sprintf("FREQ=WEEKLY;INTERVAL=%d;BYDAY=%s", interval, rruleDays[wd])
		s.Next = nextOccurrences(start, 5, func(t time.Time) time.Time { return t.AddDate(0, 0, 7*interval) })
		s.Text = weeklyText(lang, wd, interval, clock.h, clock.m)
	default: // monthly, on the nth weekday
		nth := 1 + r.IntN(4)
		first := time.Date(day0.Year(), day0.Month(), 1, clock.h, clock.m, 0, 0, record.Brussels)
		start := nthWeekday(first, wd, nth)
		s.Start = &start
		s.RRule = fmt.Sprintf("FREQ=MONTHLY;BYDAY=%d%s", nth, rruleDays[wd])
		s.Next = nextOccurrences(start, 5, func(t time.Time) time.Time {
			return nthWeekday(time.Date(t.Year(), t.Month()+1, 1, t.Hour(), t.Minute(), 0, 0, record.Brussels), wd, nth)
		})
		s.Text = monthlyText(lang, wd, nth, clock.h, clock.m)
	}
	if chance(r, 0.4) { // a season's end
		end := time.Date(2027, 6, 30, 23, 0, 0, 0, record.Brussels)
		s.End = &end
	}
	return s
}

var rruleDays = map[time.Weekday]string{time.Monday: "MO", time.Tuesday: "TU", time.Wednesday: "WE",
	time.Thursday: "TH", time.Friday: "FR", time.Saturday: "SA", time.Sunday: "SU"}

// nthWeekday is the nth wd of first's month, at first's clock time.
func nthWeekday(first time.Time, wd time.Weekday, nth int) time.Time {
	d := first
	for d.Weekday() != wd {
		d = d.AddDate(0, 0, 1)
	}
	return d.AddDate(0, 0, 7*(nth-1))
}

// nextOccurrences returns the first n occurrences after Epoch of the series from start.
func nextOccurrences(start time.Time, n int, next func(time.Time) time.Time) []time.Time {
	var out []time.Time
	for t := start; len(out) < n; t = next(t) {
		if t.After(Epoch) {
			out = append(out, t)
		}
	}
	return out
}

// cost draws a price: free peer groups, small fees, cycles and trainings.
func cost(r *rand.Rand, lang, kind string) record.Cost {
	c := record.Cost{Currency: "EUR"}
	free := map[string]string{"fr": "Gratuit", "nl": "Gratis", "de": "Kostenlos", "en": "Free"}
	switch f := r.Float64(); {
	case f < 0.35:
		c.Free, c.Text, c.Currency = true, free[lang], ""
	case f < 0.45:
		c.Text, c.Currency = map[string]string{"fr": "Participation libre", "nl": "Vrije bijdrage",
			"de": "Freiwilliger Beitrag", "en": "Pay what you can"}[lang], ""
	case f < 0.8:
		p := float64(pick(r, []int{2, 3, 5, 5, 8, 10, 10, 15, 20, 25}))
		c.Min, c.Max, c.Unit = p, p, "session"
		c.Text = map[string]string{"fr": fmt.Sprintf("%g € par séance", p), "nl": fmt.Sprintf("€ %g per sessie", p),
			"de": fmt.Sprintf("%g € pro Sitzung", p), "en": fmt.Sprintf("€%g per session", p)}[lang]
	default:
		p := float64(pick(r, []int{60, 90, 120, 150, 240, 350}))
		if isProfessionalKind(kind) {
			p *= 2
		}
		c.Min, c.Max, c.Unit = p, p, "cycle"
		if chance(r, 0.3) {
			c.Min = p / 2 // reduced rate
		}
		c.Text = map[string]string{"fr": fmt.Sprintf("%s € par cycle", frenchAmount(p)), "nl": fmt.Sprintf("€ %s per reeks", frenchAmount(p)),
			"de": fmt.Sprintf("%s € pro Zyklus", frenchAmount(p)), "en": fmt.Sprintf("€%g per cycle", p)}[lang]
		if c.Min < c.Max {
			c.Text += fmt.Sprintf(" (%s € tarif réduit)", frenchAmount(c.Min))
		}
	}
	return c
}

func frenchAmount(p float64) string { return strings.ReplaceAll(fmt.Sprintf("%.2f", p), ".", ",") }

func groupSize(r *rand.Rand, lang string) *record.GroupSize {
	if chance(r, 0.5) {
		return nil
	}
	mx := pick(r, []int{6, 8, 10, 12, 12, 15, 20})
	g := &record.GroupSize{Min: max(3, mx/2), Max: mx, Approximate: chance(r, 0.3)}
	g.Text = map[string]string{"fr": fmt.Sprintf("%d à %d personnes", g.Min, g.Max), "nl": fmt.Sprintf("%d tot %d deelnemers", g.Min, g.Max),
		"de": fmt.Sprintf("%d bis %d Personen", g.Min, g.Max), "en": fmt.Sprintf("%d to %d people", g.Min, g.Max)}[lang]
	return g
}

var flagCodes = []struct {
	code, field string
	sev         record.Severity
	p           float64
}{
	{"date_year_inferred", "schedule.start", record.SeverityInfo, 0.12},
	{"place_from_postcode", "location", record.SeverityInfo, 0.2},
	{"phone_unparsed", "contact.phone", record.SeverityWarning, 0.03},
	{"price_unparsed", "cost", record.SeverityWarning, 0.04},
	{"no_date", "schedule", record.SeverityWarning, 0.05},
	{"kind_from_default", "kind", record.SeverityInfo, 0.1},
}

func flags(r *rand.Rand, rec record.Record) []record.Flag {
	var out []record.Flag
	for _, f := range flagCodes {
		if f.code == "no_date" && rec.Schedule.Start != nil || f.code == "place_from_postcode" && rec.Location.Precision != "postcode" {
			continue
		}
		if chance(r, f.p) {
			out = append(out, record.Flag{Code: f.code, Severity: f.sev, Field: f.field})
		}
	}
	return out
}

// slug lower-cases s, folds accents and joins its words with hyphens.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, c := range record.Fold(s) {
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(c)
		default:
			dash = true
		}
	}
	out := b.String()
	if len(out) > 30 {
		out = strings.TrimRight(out[:30], "-")
	}
	return out
}

// WithErrors adapts records to the iter.Seq2[record.Record, error] the writers and
// index.Rebuild take; it never yields an error.
func WithErrors(records iter.Seq[record.Record]) iter.Seq2[record.Record, error] {
	return func(yield func(record.Record, error) bool) {
		for r := range records {
			if !yield(r, nil) {
				return
			}
		}
	}
}
