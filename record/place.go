package record

import (
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// postcodesCSV is the Belgian postcode table; POSTCODES.md gives its sources and the
// attribution (GeoNames and Statbel, CC BY 4.0) that must travel with it.
//
//go:embed postcodes.csv
var postcodesCSV string

// PostcodePlace is one row of the embedded postcode table: a locality served by a
// Belgian postcode.
type PostcodePlace struct {
	Postcode string // 4 digits
	Locality string // the place name as the table spells it ("Saint-Gilles", "Sint-Gillis")
	// Commune is the municipality on 1 January 2025: "Liège", "Sambreville", and for the
	// 19 Brussels communes both names, "Saint-Gilles / Sint-Gillis".
	Commune string
	// Province is the English name: Antwerp, Flemish Brabant, Walloon Brabant, West
	// Flanders, East Flanders, Hainaut, Liège, Limburg, Luxembourg, Namur; "" in Brussels.
	Province string
	Region   string // Brussels, Flanders or Wallonia
	// Lat and Lon are WGS84 degrees of the locality's point (GeoNames), not of an address.
	Lat, Lon float64
}

// postcodeTable is the parsed table with its indexes; rows keep the file order.
type postcodeTable struct {
	rows       []PostcodePlace
	byPostcode map[string][]int
	byLocality map[string][]int // placeKey(locality)
	byCommune  map[string][]int // placeKey of the commune and of each half of "FR / NL"
}

var placeProvinces = map[string]string{
	"Anvers": "Antwerp", "Brabant flamand": "Flemish Brabant", "Brabant wallon": "Walloon Brabant",
	"Flandre occidentale": "West Flanders", "Flandre orientale": "East Flanders", "Hainaut": "Hainaut",
	"Liège": "Liège", "Limbourg": "Limburg", "Luxembourg": "Luxembourg", "Namur": "Namur",
	"Bruxelles-Capitale": "",
}

var placeRegions = map[string]string{"BRU": "Brussels", "VLG": "Flanders", "WAL": "Wallonia"}

// postcodes parses the embedded table once, on first use. The file is part of the
// source tree and checked by tests, so a malformed row is a programming error.
var postcodes = sync.OnceValue(func() *postcodeTable {
	t, err := parsePostcodes(postcodesCSV)
	if err != nil {
		panic("record: embedded postcodes.csv: " + err.Error())
	}
	return t
})

func parsePostcodes(data string) (*postcodeTable, error) {
	t := &postcodeTable{byPostcode: map[string][]int{}, byLocality: map[string][]int{}, byCommune: map[string][]int{}}
	lines := strings.Split(strings.TrimSuffix(data, "\n"), "\n")
	if len(lines) == 0 || lines[0] != "postcode,locality,commune,province,region,lat,lon" {
		return nil, fmt.Errorf("unexpected header")
	}
	for n, line := range lines[1:] {
		f := strings.Split(line, ",")
		if len(f) != 7 {
			return nil, fmt.Errorf("line %d: %d fields, want 7", n+2, len(f))
		}
		province, ok := placeProvinces[f[3]]
		if !ok {
			return nil, fmt.Errorf("line %d: unknown province %q", n+2, f[3])
		}
		region, ok := placeRegions[f[4]]
		if !ok {
			return nil, fmt.Errorf("line %d: unknown region %q", n+2, f[4])
		}
		lat, err1 := strconv.ParseFloat(f[5], 64)
		lon, err2 := strconv.ParseFloat(f[6], 64)
		if err1 != nil || err2 != nil || !placeIsPostcode(f[0]) {
			return nil, fmt.Errorf("line %d: bad postcode or coordinates", n+2)
		}
		i := len(t.rows)
		t.rows = append(t.rows, PostcodePlace{Postcode: f[0], Locality: f[1], Commune: f[2],
			Province: province, Region: region, Lat: lat, Lon: lon})
		t.byPostcode[f[0]] = append(t.byPostcode[f[0]], i)
		t.byLocality[placeKey(f[1])] = append(t.byLocality[placeKey(f[1])], i)
		for _, name := range placeCommuneNames(f[2]) {
			t.byCommune[placeKey(name)] = append(t.byCommune[placeKey(name)], i)
		}
	}
	return t, nil
}

// placeCommuneNames returns a commune's name and, for "Bruxelles / Brussel", each half.
func placeCommuneNames(commune string) []string {
	names := []string{commune}
	if fr, nl, ok := strings.Cut(commune, " / "); ok {
		names = append(names, fr, nl)
	}
	return names
}

func (t *postcodeTable) places(idx []int) []PostcodePlace {
	if len(idx) == 0 {
		return nil
	}
	out := make([]PostcodePlace, len(idx))
	for i, j := range idx {
		out[i] = t.rows[j]
	}
	return out
}

// PostcodePlaces returns the localities a Belgian postcode serves, in the order of the
// embedded table (GeoNames' names alphabetically, then official names in another
// language), or nil when the table does not know the postcode. postcode is 4 digits;
// surrounding spaces are ignored.
func PostcodePlaces(postcode string) []PostcodePlace {
	t := postcodes()
	return t.places(t.byPostcode[strings.TrimSpace(postcode)])
}

// FindLocality returns the table's rows for a place name. Names are compared folded:
// case, accents, hyphens and apostrophes are ignored and Saint/Sint/St/Sankt (and
// Sainte/Ste) are the same word, so "ST GILLES" finds Saint-Gilles. Localities match
// first; when no locality has the name, the rows of the commune of that name are
// returned (either half of a Brussels commune's "French / Dutch" name counts). Only names
// in the table are known: official French, Dutch and German names, not exonyms such as
// Luik, Gand or Brussels.
func FindLocality(name string) []PostcodePlace {
	key := placeKey(name)
	if key == "" {
		return nil
	}
	t := postcodes()
	if idx := t.byLocality[key]; len(idx) > 0 {
		return t.places(idx)
	}
	return t.places(t.byCommune[key])
}

// placeIsPostcode reports whether s is four ASCII digits from 1000 to 9999.
func placeIsPostcode(s string) bool {
	if len(s) != 4 || s[0] < '1' || s[0] > '9' {
		return false
	}
	for i := 1; i < 4; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// placeFold lower-cases s and removes diacritics ("Liège" → "liege", "Œ" → "oe").
func placeFold(s string) string { return foldText(s) }

// placeIsNameBreak reports whether c separates the words of a place name.
func placeIsNameBreak(c rune) bool { return !unicode.IsLetter(c) && !unicode.IsDigit(c) }

// placeKey is the form place names are compared in: folded, punctuation turned into
// spaces, and the saint prefixes unified ("Sint-Jans-Molenbeek" → "st jans molenbeek").
func placeKey(s string) string {
	words := strings.FieldsFunc(placeFold(s), placeIsNameBreak)
	for i, w := range words {
		switch w {
		case "saint", "sint", "st", "sankt":
			words[i] = "st"
		case "sainte", "ste":
			words[i] = "ste"
		}
	}
	return strings.Join(words, " ")
}

// placeRangeRegion gives the region and province of a well-formed postcode the table
// lacks (an organisation's own postcode, a new one) from the ranges bpost assigns.
func placeRangeRegion(pc string) (region, province string) {
	n, _ := strconv.Atoi(pc)
	switch {
	case n >= 1000 && n <= 1299:
		return "Brussels", ""
	case n >= 1300 && n <= 1499:
		return "Wallonia", "Walloon Brabant"
	case n >= 1500 && n <= 1999, n >= 3000 && n <= 3499:
		return "Flanders", "Flemish Brabant"
	case n >= 2000 && n <= 2999:
		return "Flanders", "Antwerp"
	case n >= 3500 && n <= 3999:
		return "Flanders", "Limburg"
	case n >= 4000 && n <= 4999:
		return "Wallonia", "Liège"
	case n >= 5000 && n <= 5999:
		return "Wallonia", "Namur"
	case n >= 6000 && n <= 6599, n >= 7000 && n <= 7999:
		return "Wallonia", "Hainaut"
	case n >= 6600 && n <= 6999:
		return "Wallonia", "Luxembourg"
	case n >= 8000 && n <= 8999:
		return "Flanders", "West Flanders"
	case n >= 9000 && n <= 9999:
		return "Flanders", "East Flanders"
	}
	return "", ""
}

// placeRegionName maps the ways sources name a region to Brussels, Flanders or
// Wallonia; other values are returned cleaned but unchanged.
func placeRegionName(s string) string {
	s = CleanText(s)
	switch placeKey(s) {
	case "bru", "brussels", "bruxelles", "brussel", "bruxelles capitale", "brussel hoofdstad",
		"region de bruxelles capitale", "brussels hoofdstedelijk gewest", "brussels capital", "brussels capital region":
		return "Brussels"
	case "vlg", "flanders", "vlaanderen", "flandre", "flandres", "flandern", "vlaams gewest", "region flamande":
		return "Flanders"
	case "wal", "wallonia", "wallonie", "wallonien", "region wallonne", "waals gewest":
		return "Wallonia"
	}
	return s
}

// PlaceInput is what a listing (and its source's defaults) says about where a group
// meets, as found: any field may be empty or hold more than its name says (a Name of
// "Maison des Associations, 1060 Saint-Gilles", a City of "Gent (9000)").
type PlaceInput struct {
	Name     string // venue, or free text such as "1000 Bruxelles"
	Address  string // street address, possibly with postcode and city
	Postcode string
	City     string
	// Online says the listing takes place online only: a missing place is then
	// expected, not flagged, and the default place is not applied.
	Online bool
	// DefaultPostcode, DefaultCity and DefaultRegion are the source definition's
	// defaults, used when the listing itself names no postcode or city.
	DefaultPostcode, DefaultCity, DefaultRegion string
}

// placeOnlineWords are venue texts (as placeKey gives them) that mean "online".
var placeOnlineWords = placeWordSet(`en ligne|online|zoom|via zoom|en ligne zoom|en ligne via zoom|
	online zoom|online via zoom|teams|via teams|google meet|jitsi|visio|en visio|visioconference|
	en visioconference|par visioconference|webinaire|webinar|a distance|digitaal|virtueel|internet`)

// placeIsOnline reports whether a place text means "online": "En ligne", "Zoom",
// also with a parenthesis ("En ligne (visioconférence)", "Online (Teams)").
func placeIsOnline(s string) bool {
	if placeOnlineWords[placeKey(s)] {
		return true
	}
	// A parenthesis that names no postcode only says how: "(visioconférence)".
	head, tail, found := strings.Cut(s, "(")
	return found && placeOnlineWords[placeKey(head)] && !strings.ContainsAny(tail, "0123456789")
}

// placeWordSet makes a set of the "|"-separated phrases of list.
func placeWordSet(list string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Split(list, "|") {
		if w = strings.Join(strings.Fields(w), " "); w != "" {
			set[w] = true
		}
	}
	return set
}

// NormalizeLocation turns what a listing says about its place into a Location and the
// quality flags that explain it. Country is "BE" whenever anything is known.
//
// The postcode comes from Postcode, else from the text of Address, Name or City, in the
// forms "1000 Bruxelles", "B-4000 Liège", "B 4000 Liège", "BE-4000", "Gent (9000)" and
// "Rue X 12, 1060 Saint-Gilles". Four digits after a month name or year word ("12 mars
// 2027", "depuis 1993"), inside a date ("12/03/2027"), before a lower-case word or an
// amount, or after a foreign prefix ("L-1234") are not read as postcodes; when a text
// has several, the one whose city is a locality of it wins. The postcode and its city
// are removed from Name and Address, which keep the venue and street ("Maison des
// Associations, 1060 Saint-Gilles" → Name "Maison des Associations").
//
// A postcode in the table fills Commune, Province, Region and Lat/Lon with Precision
// "postcode" and flags place_from_postcode (info, "location"): the point is the
// locality's, not the venue's. City is the table's spelling of the locality or commune
// the listing names, else the city as written, else the postcode's main locality (the
// one named like its commune: 4000 → Liège). A city that is neither a locality nor the
// commune of the postcode flags postcode_city_mismatch (warning, "location.city") and is
// kept as written; "Bruxelles", "Brussel" and "Brussels" are accepted for every
// Brussels postcode. A well-formed postcode missing from the table flags
// postcode_unknown (warning, "location.postcode") and gets region and province from the
// bpost ranges (and the rest from its city, if the table knows it); a Postcode that is
// no postcode flags postcode_invalid (warning, "location.postcode").
//
// A city without postcode is looked up with FindLocality: if its rows are in one
// commune they fill the place with Precision "city" (and the postcode, if only one) and
// flag place_from_city (info, "location"); several communes flag city_ambiguous
// (warning, "location.city"); none flags city_unknown (warning, "location.city"). A
// city may also be the last comma-separated part of Address or Name ("Espace X,
// Namur") when the table knows it.
//
// When the listing names no postcode or city, the source's DefaultPostcode and
// DefaultCity are used as if the listing gave them (flag place_from_default, info,
// "location"), except for an online listing. Nothing at all flags place_missing (info,
// "location") unless the listing is online (Online, or a place such as "En ligne" or
// "Zoom", which is then dropped); a venue without postcode or city flags
// postcode_missing (info, "location.postcode"). An empty Region takes DefaultRegion
// (BRU, Bruxelles, Vlaanderen... are read as Brussels, Flanders, Wallonia).
func NormalizeLocation(in PlaceInput) (Location, []Flag) {
	var flags []Flag
	flag := func(code string, sev Severity, field, msg string) {
		flags = append(flags, Flag{Code: code, Severity: sev, Field: field, Message: msg})
	}
	name, address := CleanText(in.Name), CleanText(in.Address)
	postcode, city := CleanText(in.Postcode), CleanText(in.City)
	online := in.Online
	for _, s := range []*string{&name, &address, &city} {
		if placeIsOnline(*s) {
			*s, online = "", true
		}
	}
	loc := Location{Name: name, Address: address}

	// The postcode: its own field, else the most credible one in the texts.
	pc := ""
	if postcode != "" {
		if placeIsPostcode(postcode) {
			pc = postcode
		} else if c, ok := placeBestCandidate("", postcode); ok {
			pc = c.postcode
		} else {
			flag("postcode_invalid", SeverityWarning, "location.postcode", "not a Belgian postcode: "+postcode)
		}
	}
	if pc == "" {
		if c, ok := placeBestCandidate("", address, name, city); ok {
			pc = c.postcode
		}
	}
	if pc != "" {
		// A City field that repeats the postcode ("1000 Bruxelles") is reduced to its
		// city. The city written beside the postcode in the texts is used when the
		// City field is empty, or does not fit the postcode while that one does.
		if c, ok := placeBestCandidate(pc, city); ok {
			city = c.cityName()
		}
		if c, ok := placeBestCandidate(pc, postcode, address, name); ok && c.cityName() != "" {
			rows := PostcodePlaces(pc)
			fits := len(rows) > 0 && city != ""
			if fits {
				_, _, fits = placeMatchCity(city, rows)
			}
			if city == "" || c.match != "" && !fits {
				city = c.cityName()
			}
		}
		loc.Name = placeStrip(loc.Name, pc)
		loc.Address = placeStrip(loc.Address, pc)
	}
	if pc == "" && city == "" {
		// A city alone as the last part of the address or name: "Espace X, Namur".
		if c, rest := placeTrailingCity(loc.Address); c != "" {
			city, loc.Address = c, rest
		} else if c, rest := placeTrailingCity(loc.Name); c != "" {
			city, loc.Name = c, rest
		}
	}
	if pc == "" && city == "" && !online && (in.DefaultPostcode != "" || in.DefaultCity != "") {
		pc, city = CleanText(in.DefaultPostcode), CleanText(in.DefaultCity)
		if !placeIsPostcode(pc) {
			pc = ""
		}
		if pc != "" || city != "" {
			flag("place_from_default", SeverityInfo, "location", "")
		}
	}

	switch {
	case pc != "":
		loc.Postcode = pc
		rows := PostcodePlaces(pc)
		if len(rows) == 0 {
			flag("postcode_unknown", SeverityWarning, "location.postcode", "postcode not in the table: "+pc)
			loc.Region, loc.Province = placeRangeRegion(pc)
			loc.City = city
			// The city can still place it: "1049 Bruxelles" (an institution's postcode).
			if rows := FindLocality(city); len(rows) > 0 && rows[0].Region == loc.Region &&
				placeSame(rows, func(p PostcodePlace) string { return p.Commune }) {
				row, name, _ := placeMatchCity(city, rows)
				loc.City = name
				placeFill(&loc, row)
				loc.Precision = "city"
				flag("place_from_city", SeverityInfo, "location", "coordinates of the locality")
			}
			break
		}
		row, matched, ok := placeMatchCity(city, rows)
		switch {
		case ok:
			loc.City = matched
		case city != "":
			loc.City = city
			flag("postcode_city_mismatch", SeverityWarning, "location.city", city+" is not in postcode "+pc)
		default:
			loc.City = row.Locality
		}
		placeFill(&loc, row)
		loc.Precision = "postcode"
		flag("place_from_postcode", SeverityInfo, "location", "coordinates of the postcode's locality")
	case city != "":
		rows := FindLocality(city)
		loc.City = city
		if len(rows) == 0 {
			flag("city_unknown", SeverityWarning, "location.city", "not a Belgian locality: "+city)
			break
		}
		if !placeSame(rows, func(p PostcodePlace) string { return p.Commune }) {
			if placeSame(rows, func(p PostcodePlace) string { return p.Region }) {
				loc.Region = rows[0].Region
				if placeSame(rows, func(p PostcodePlace) string { return p.Province }) {
					loc.Province = rows[0].Province
				}
			}
			flag("city_ambiguous", SeverityWarning, "location.city", "several communes have a locality named "+city)
			break
		}
		// A locality's own row, or the main row of a commune found by its name.
		row, name, _ := placeMatchCity(city, rows)
		loc.City = name
		if placeSame(rows, func(p PostcodePlace) string { return p.Postcode }) {
			loc.Postcode = row.Postcode
		}
		placeFill(&loc, row)
		loc.Precision = "city"
		flag("place_from_city", SeverityInfo, "location", "coordinates of the locality")
	case loc.Name == "" && loc.Address == "":
		if !online {
			flag("place_missing", SeverityInfo, "location", "")
		}
	default:
		flag("postcode_missing", SeverityInfo, "location.postcode", "")
	}

	// A name or address that only repeats the city says nothing more.
	if loc.City != "" && placeKey(loc.Name) == placeKey(loc.City) {
		loc.Name = ""
	}
	if loc.City != "" && placeKey(loc.Address) == placeKey(loc.City) {
		loc.Address = ""
	}
	if loc.Region == "" && in.DefaultRegion != "" {
		loc.Region = placeRegionName(in.DefaultRegion)
	}
	if loc.Name != "" || loc.Address != "" || loc.Postcode != "" || loc.City != "" || loc.Region != "" {
		loc.Country = "BE"
	}
	return loc, flags
}

func placeFill(loc *Location, row PostcodePlace) {
	loc.Commune, loc.Province, loc.Region = row.Commune, row.Province, row.Region
	loc.Lat, loc.Lon = row.Lat, row.Lon
}

// placeSame reports whether every row has the same value of field.
func placeSame(rows []PostcodePlace, field func(PostcodePlace) string) bool {
	for _, r := range rows[1:] {
		if field(r) != field(rows[0]) {
			return false
		}
	}
	return true
}

// placeMatchCity picks the row of a postcode that city names and returns the table's
// spelling of the name. A locality wins (its spelling as written first, then with
// Saint/Sint/St/Sankt alike); then the commune (either half of a Brussels commune's
// name), and "Bruxelles"/"Brussel"/"Brussels" for any Brussels postcode, which return
// the postcode's main row. With no city or no match (ok false), the main row.
func placeMatchCity(city string, rows []PostcodePlace) (row PostcodePlace, name string, ok bool) {
	key := placeKey(city)
	if key != "" {
		// The spelling as written first ("Sankt Vith" before "Saint-Vith"), then any.
		strict := placeFold(strings.Join(strings.FieldsFunc(city, placeIsNameBreak), " "))
		for _, r := range rows {
			if placeFold(strings.Join(strings.FieldsFunc(r.Locality, placeIsNameBreak), " ")) == strict {
				return r, r.Locality, true
			}
		}
		for _, r := range rows {
			if placeKey(r.Locality) == key {
				return r, r.Locality, true
			}
		}
		for _, r := range rows {
			for _, n := range placeCommuneNames(r.Commune) {
				if placeKey(n) == key {
					return placeMainRow(rows), n, true
				}
			}
		}
		if rows[0].Region == "Brussels" && placeBrusselsNames[key] != "" {
			return placeMainRow(rows), placeBrusselsNames[key], true
		}
	}
	return placeMainRow(rows), "", false
}

// placeBrusselsNames are the names of Brussels accepted as the city of any of its
// postcodes ("1060 Bruxelles"), keyed by placeKey.
var placeBrusselsNames = map[string]string{"bruxelles": "Bruxelles", "brussel": "Brussel", "brussels": "Brussels"}

// placeMainRow is the row named like its commune (4000 → Liège rather than Glain),
// else the first.
func placeMainRow(rows []PostcodePlace) PostcodePlace {
	for _, r := range rows {
		for _, n := range placeCommuneNames(r.Commune) {
			if placeKey(n) == placeKey(r.Locality) {
				return r
			}
		}
	}
	return rows[0]
}

// placeCandidate is a postcode found in a text, with the city written beside it.
type placeCandidate struct {
	postcode   string
	city       string // the city as written, "" when none
	match      string // the table's spelling when city is a locality or commune of postcode
	start, end int    // the span of prefix, postcode and city in the text
	score      int    // 4 city after it matches, 3 city before it matches or B- prefix, 2 known postcode, 1 unknown
}

func (c placeCandidate) cityName() string {
	if c.match != "" {
		return c.match
	}
	return c.city
}

// placeBestCandidate returns the most credible postcode in texts (of postcode pc, if
// pc is not empty): a city that is a locality of it beats a known postcode, which beats
// an unknown one; the earliest wins among equals.
func placeBestCandidate(pc string, texts ...string) (placeCandidate, bool) {
	var best placeCandidate
	for _, s := range texts {
		for _, c := range placeCandidates(s) {
			if c.score > best.score && (pc == "" || c.postcode == pc) {
				best = c
			}
		}
	}
	return best, best.score > 0
}

const placeSeparators = " ,;:-–—/|\u00a0"

// placeStrip removes from s the postcode pc with the city written beside it, what only
// repeats the place after it ("(Bruxelles)", "/ Vorst", ", Belgique", "Hainaut"), and
// the separators left behind: "Maison des Associations, 1060 Saint-Gilles" → "Maison
// des Associations", "rue du Marché 12 à 7000 Mons" → "rue du Marché 12".
func placeStrip(s, pc string) string {
	rows := PostcodePlaces(pc)
	for range 4 {
		i := slices.IndexFunc(placeCandidates(s), func(c placeCandidate) bool { return c.postcode == pc })
		if i < 0 {
			break
		}
		c := placeCandidates(s)[i]
		left := strings.TrimRight(s[:c.start], placeSeparators)
		if w := placeWordsBefore(left, len(left), 1); len(w) == 1 && w[0].end == len(left) && placeLeadWords[placeFold(w[0].s)] {
			left = strings.TrimRight(left[:w[0].start], placeSeparators)
		}
		right := strings.TrimLeft(placeDropArea(s[c.end:], rows), placeSeparators)
		if strings.HasSuffix(left, "(") && strings.HasPrefix(right, ")") {
			left = strings.TrimRight(strings.TrimSuffix(left, "("), placeSeparators)
			right = strings.TrimLeft(placeDropArea(strings.TrimPrefix(right, ")"), rows), placeSeparators)
		}
		switch {
		case left == "":
			s = right
		case right == "":
			s = left
		default:
			s = left + ", " + right
		}
	}
	return strings.TrimSpace(s)
}

// placeLeadWords introduce a postcode in an address: "à 7000 Mons", "in 9000 Gent".
var placeLeadWords = placeWordSet(`a|te|in|en|at|zu`)

// placeAreaWords (as placeKey gives them) name the country, a region or a province
// in French, Dutch, German or English.
var placeAreaWords = placeWordSet(`belgique|belgie|belgium|belgien|bruxelles|brussel|brussels|
	bruxelles capitale|region de bruxelles capitale|brussel hoofdstad|brussels hoofdstedelijk gewest|
	wallonie|wallonia|wallonien|vlaanderen|flanders|flandre|flandern|anvers|antwerpen|antwerp|
	brabant flamand|vlaams brabant|flemish brabant|brabant wallon|waals brabant|walloon brabant|
	flandre occidentale|west vlaanderen|west flanders|flandre orientale|oost vlaanderen|east flanders|
	hainaut|henegouwen|liege|luik|luttich|limbourg|limburg|luxembourg|luxemburg|namur|namen`)

// placeDropArea removes from the start of s (the text after a postcode and city) the
// parts that only name the same place again: its localities or commune, a region, a
// province or the country.
func placeDropArea(s string, rows []PostcodePlace) string {
	isArea := func(part string) bool {
		key := placeKey(part)
		if key == "" {
			return false
		}
		if placeAreaWords[key] {
			return true
		}
		for _, r := range rows {
			if placeKey(r.Locality) == key {
				return true
			}
			for _, n := range placeCommuneNames(r.Commune) {
				if placeKey(n) == key {
					return true
				}
			}
		}
		return false
	}
	for range 3 {
		r := strings.TrimLeft(s, " ,;-–—/|\u00a0")
		if strings.HasPrefix(r, "(") {
			if k := strings.IndexByte(r, ')'); k > 0 && isArea(r[1:k]) {
				s = r[k+1:]
				continue
			}
			break
		}
		k := strings.IndexAny(r, ",;(/|\n")
		if k < 0 {
			k = len(r)
		}
		if !isArea(r[:k]) {
			break
		}
		s = r[k:]
	}
	return s
}

// placeTrailingCity returns the last comma-separated part of s when the table knows it
// as a locality or commune ("Espace Kegeljan, Namur" → "Namur"), and s without it.
func placeTrailingCity(s string) (city, rest string) {
	if s == "" {
		return "", s
	}
	i := strings.LastIndexAny(s, ",;\n")
	part := strings.TrimSpace(s[i+1:])
	if part == "" || strings.ContainsAny(part, "0123456789") || len(FindLocality(part)) == 0 {
		return "", s
	}
	if i < 0 {
		return part, ""
	}
	return part, strings.TrimRight(s[:i], placeSeparators)
}

// placeToken is a word of a text and its byte span.
type placeToken struct {
	s          string
	start, end int
}

// placeIsWordChar reports whether c can be part of a word of a place name.
func placeIsWordChar(c rune) bool {
	return unicode.IsLetter(c) || c == '-' || c == '\'' || c == '’' || c == '.'
}

func placeIsBlank(c rune) bool { return c == ' ' || c == '\u00a0' || c == '\t' }

// placeWordsAfter returns up to max words from s[i:], separated by blanks only: it
// stops at anything else (a comma, a parenthesis, a digit, a line break).
func placeWordsAfter(s string, i, max int) []placeToken {
	var out []placeToken
	for len(out) < max {
		j := i
		for j < len(s) {
			c, n := utf8.DecodeRuneInString(s[j:])
			if !placeIsBlank(c) {
				break
			}
			j += n
		}
		k := j
		for k < len(s) {
			c, n := utf8.DecodeRuneInString(s[k:])
			if !placeIsWordChar(c) {
				break
			}
			k += n
		}
		if j == i && len(out) > 0 || !placeHasLetter(s[j:k]) {
			break
		}
		out = append(out, placeToken{s[j:k], j, k})
		i = k
	}
	return out
}

// placeWordsBefore returns up to max words ending before s[i:], in text order.
func placeWordsBefore(s string, i, max int) []placeToken {
	var out []placeToken
	for len(out) < max {
		j := i
		for j > 0 {
			c, n := utf8.DecodeLastRuneInString(s[:j])
			if !placeIsBlank(c) {
				break
			}
			j -= n
		}
		k := j
		for k > 0 {
			c, n := utf8.DecodeLastRuneInString(s[:k])
			if !placeIsWordChar(c) {
				break
			}
			k -= n
		}
		if j == i && len(out) > 0 || !placeHasLetter(s[k:j]) {
			break
		}
		out = append([]placeToken{{s[k:j], k, j}}, out...)
		i = k
	}
	return out
}

func placeHasLetter(s string) bool {
	return strings.IndexFunc(s, unicode.IsLetter) >= 0
}

func placeStartsUpper(s string) bool {
	c, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(c)
}

// placeParticles are the lower-case words inside place names written spaced ("Sint
// Pieters op den Berg", "Jemeppe sur Sambre").
var placeParticles = placeWordSet(`sur|sous|lez|les|la|le|de|du|des|en|aux|au|aan|op|den|ten|ter|bij|het|'t|am|an|der|im`)

// placeNotCity are words after four digits that make them something else than a postcode.
var placeNotCity = placeWordSet(`eur|euro|euros|chf|usd|km|m|m2|belgique|belgie|belgium|belgien`)

// placeCountryWords end a city as written ("4000 Liège Belgique").
var placeCountryWords = placeWordSet(`belgique|belgie|belgium|belgien`)

// placeDateWords (folded) are words after which four digits are a year or a number:
// month names in French, Dutch, German and English with their abbreviations, words like
// "depuis", "saison", "l'an", and "n°", "nr", "bus".
var placeDateWords = placeWordSet(`janvier|janv|jan|fevrier|fevr|fev|feb|mars|mar|avril|avr|apr|mai|
	may|juin|jun|juillet|juil|jul|aout|aug|septembre|sept|sep|octobre|oct|novembre|nov|decembre|dec|
	januari|februari|maart|april|mei|juni|juli|augustus|oktober|december|januar|februar|marz|
	august|dezember|january|february|march|june|july|september|october|november|
	depuis|sinds|since|seit|annee|annees|jaar|year|jahr|saison|season|edition|editie|ete|printemps|
	automne|hiver|zomer|lente|herfst|winter|sommer|fruhling|herbst|an|en|anno|copyright|
	n|no|nr|num|numero|tel|tél|bus|boite|bte|bp|cp`)

// placeForeignPrefixes are the country prefixes of foreign postcodes ("L-1234", "NL-6211").
var placeForeignPrefixes = placeWordSet(`L|LU|NL|F|FR|D|DE|CH|A|AT|DK|GB|UK|I|IT|E|ES`)

// placeCandidates returns each four-digit number of s that reads as a Belgian
// postcode, with the city written after it ("1000 Bruxelles") or before it in
// parentheses ("Gent (9000)"), scored for credibility.
func placeCandidates(s string) []placeCandidate {
	var out []placeCandidate
	for i := 0; i < len(s); {
		if s[i] < '0' || s[i] > '9' {
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if c, ok := placeCandidateAt(s, i, j); ok {
			out = append(out, c)
		}
		i = j
	}
	return out
}

// placeCandidateAt reads the digits s[i:j] as a postcode if their context allows.
func placeCandidateAt(s string, i, j int) (placeCandidate, bool) {
	c := placeCandidate{postcode: s[i:j], start: i, end: j}
	if !placeIsPostcode(c.postcode) {
		return c, false
	}
	if j < len(s) {
		r, _ := utf8.DecodeRuneInString(s[j:])
		if unicode.IsLetter(r) || (r == '.' || r == ',') && j+1 < len(s) && s[j+1] >= '0' && s[j+1] <= '9' {
			return c, false // "1000x", "1000.50", "1000,50"
		}
	}
	before := s[:i]

	// A country prefix: "B-4000", "BE 4000", "B4000"; "L-1234" is foreign.
	prefixed := false
	sep := strings.TrimRight(before, " \u00a0-‐–")
	between := before[len(sep):]
	if w := placeWordsBefore(sep, len(sep), 1); len(w) == 1 && w[0].end == len(sep) && len(between) <= 3 {
		switch word := w[0].s; {
		case word == "B" || word == "BE" || word == "b" || word == "be":
			prefixed, c.start = true, w[0].start
		case between == "":
			return c, false // "A1234"
		case placeForeignPrefixes[word] && strings.Contains(between, "-"):
			return c, false // "L-1234"
		}
	}
	if !prefixed {
		if p, n := utf8.DecodeLastRuneInString(before); n > 0 {
			pp, _ := utf8.DecodeLastRuneInString(before[:len(before)-n])
			switch {
			case strings.ContainsRune("/.:-–+", p) && unicode.IsDigit(pp):
				return c, false // "12/03/2027", "2026-2027"
			case strings.ContainsRune("+#°€$£", p):
				return c, false
			}
		}
		if w := placeWordsBefore(before, len(before), 1); len(w) == 1 {
			word := strings.Trim(placeFold(w[0].s), ".-'’")
			if k := strings.LastIndexAny(word, "'’"); k >= 0 {
				word = word[k+len("'"):] // "l'an"
			}
			if placeDateWords[word] {
				return c, false
			}
		}
	}
	rows := PostcodePlaces(c.postcode)
	score := func(base int) int {
		if len(rows) > 0 {
			base++
		}
		if prefixed {
			base++
		}
		return min(base, 3)
	}

	// "Gent (9000)": the city precedes, the postcode is in parentheses.
	after := strings.TrimLeft(s[j:], " \u00a0")
	if !prefixed && strings.HasSuffix(strings.TrimRight(before, " \u00a0"), "(") && strings.HasPrefix(after, ")") {
		open := strings.LastIndexByte(before, '(')
		end := len(s) - len(after) + 1
		words := placeWordsBefore(s, open, 5)
		if len(rows) > 0 {
			for n := len(words); n >= 1; n-- {
				name := s[words[len(words)-n].start:words[len(words)-1].end]
				if _, m, ok := placeMatchCity(name, rows); ok {
					c.city, c.match, c.start, c.end, c.score = name, m, words[len(words)-n].start, end, 4
					return c, true
				}
			}
		}
		k := len(words) - 1
		if k < 0 || !placeStartsUpper(words[k].s) {
			if len(rows) == 0 {
				return c, false // "(1993)"
			}
			c.start, c.end, c.score = open, end, 2
			return c, true
		}
		for k > 0 && len(words)-k < 4 && (placeStartsUpper(words[k-1].s) || placeParticles[words[k-1].s]) {
			k--
		}
		for k < len(words)-1 && placeParticles[words[k].s] {
			k++
		}
		last := words[len(words)-1]
		c.city, c.start, c.end, c.score = s[words[k].start:last.end], words[k].start, end, score(1)
		return c, true
	}

	// "1000 Bruxelles": the city follows, after a blank.
	words := placeWordsAfter(s, j, 5)
	switch {
	case len(words) == 0:
	case words[0].start == j:
		words = nil // "1000-Bruxelles" is not a usual form
	case len(words[0].s) == 2 && strings.ToUpper(words[0].s) == words[0].s && words[0].s != "BE":
		return c, false // "6211 AB Maastricht"
	case placeNotCity[placeFold(words[0].s)]:
		words = nil
	}
	if len(rows) > 0 {
		for n := len(words); n >= 1; n-- {
			name := s[words[0].start:words[n-1].end]
			if _, m, ok := placeMatchCity(name, rows); ok {
				c.city, c.match, c.end, c.score = name, m, words[n-1].end, 4
				return c, true
			}
		}
	}
	if len(words) > 0 && placeStartsUpper(words[0].s) {
		k := 1
		for k < len(words) && k < 4 && (placeStartsUpper(words[k].s) || placeParticles[words[k].s]) && !placeCountryWords[placeFold(words[k].s)] {
			k++
		}
		for k > 1 && placeParticles[words[k-1].s] {
			k--
		}
		c.city, c.end, c.score = strings.TrimRight(s[words[0].start:words[k-1].end], "."), words[k-1].end, score(1)
		return c, true
	}
	// The city before the postcode: "Mont-Saint-Guibert 1435", "Bruxelles 1000". Read
	// only when the name is the postcode's, and ranked below the usual order.
	if !prefixed && len(rows) > 0 {
		words := placeWordsBefore(s, i, 5)
		for n := len(words); n >= 1; n-- {
			name := s[words[len(words)-n].start:words[len(words)-1].end]
			if _, m, ok := placeMatchCity(name, rows); ok {
				c.city, c.match, c.start, c.score = name, m, words[len(words)-n].start, 3
				return c, true
			}
		}
	}
	// No city: "B-4000", or a postcode ending the text after a comma ("Rue X 12, 1060").
	prev := strings.TrimRight(before, " \u00a0")
	if prefixed || strings.TrimSpace(s[j:]) == "" && (prev == "" || strings.HasSuffix(prev, ",")) {
		c.score = score(1)
		return c, true
	}
	return c, false
}
