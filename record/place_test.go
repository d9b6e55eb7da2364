package record

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// placeFlagCodes lists flags as "code@field" for comparison.
func placeFlagCodes(flags []Flag) []string {
	out := []string{}
	for _, f := range flags {
		out = append(out, f.Code+"@"+f.Field)
	}
	return out
}

func TestPostcodeTable(t *testing.T) {
	tab := postcodes()
	if got := len(tab.rows); got != 2823 {
		t.Errorf("postcode table has %d rows, want 2823", got)
	}
	if got := len(tab.byPostcode); got != 1146 {
		t.Errorf("postcode table has %d postcodes, want 1146", got)
	}
	communes := map[string]bool{}
	for _, r := range tab.rows {
		communes[r.Commune] = true
		if r.Lat < 49.49 || r.Lat > 51.51 || r.Lon < 2.54 || r.Lon > 6.41 {
			t.Errorf("%s %s at %v,%v: outside Belgium", r.Postcode, r.Locality, r.Lat, r.Lon)
		}
		switch r.Region {
		case "Brussels":
			if r.Province != "" {
				t.Errorf("%s %s: Brussels row with province %q", r.Postcode, r.Locality, r.Province)
			}
		case "Flanders", "Wallonia":
			if r.Province == "" {
				t.Errorf("%s %s: no province", r.Postcode, r.Locality)
			}
		default:
			t.Errorf("%s %s: region %q", r.Postcode, r.Locality, r.Region)
		}
	}
	if len(communes) != 565 {
		t.Errorf("postcode table has %d communes, want 565", len(communes))
	}
	if _, err := parsePostcodes("postcode,locality\n1000,Bruxelles\n"); err == nil {
		t.Errorf("parsePostcodes accepted a bad header")
	}
	if _, err := parsePostcodes("postcode,locality,commune,province,region,lat,lon\n1000,X,Y,Atlantis,BRU,1,2\n"); err == nil {
		t.Errorf("parsePostcodes accepted an unknown province")
	}
}

func TestPostcodePlaces(t *testing.T) {
	tests := []struct {
		name, postcode string
		want           []string // "Locality|Commune|Province|Region"
	}{
		{"brussels bilingual", "1000", []string{"Bruxelles|Bruxelles / Brussel||Brussels", "Brussel|Bruxelles / Brussel||Brussels"}},
		{"liege file order", "4000", []string{"Glain|Liège|Liège|Wallonia", "Liège|Liège|Liège|Wallonia", "Rocourt|Liège|Liège|Wallonia"}},
		{"gent", "9000", []string{"Gent|Gent|East Flanders|Flanders"}},
		{"2025 merger moved 2070", "2070", []string{"Burcht|Beveren-Kruibeke-Zwijndrecht|East Flanders|Flanders", "Zwijndrecht|Beveren-Kruibeke-Zwijndrecht|East Flanders|Flanders"}},
		{"walloon brabant", "1348", []string{"Louvain-la-Neuve|Ottignies-Louvain-la-Neuve|Walloon Brabant|Wallonia"}},
		{"spaces trimmed", " 9000 ", []string{"Gent|Gent|East Flanders|Flanders"}},
		{"institution code not in table", "1049", nil},
		{"not a postcode", "B-1000", nil},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, p := range PostcodePlaces(tt.postcode) {
				got = append(got, p.Locality+"|"+p.Commune+"|"+p.Province+"|"+p.Region)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("PostcodePlaces(%q) = %q, want %q", tt.postcode, got, tt.want)
			}
		})
	}
	if p := PostcodePlaces("9000")[0]; p.Lat != 51.05 || p.Lon != 3.7167 {
		t.Errorf("PostcodePlaces(9000) at %v,%v, want 51.05,3.7167", p.Lat, p.Lon)
	}
	// Callers get copies: changing one does not change the table.
	PostcodePlaces("9000")[0].Locality = "X"
	if PostcodePlaces("9000")[0].Locality != "Gent" {
		t.Errorf("PostcodePlaces returned the table's own rows")
	}
}

func TestFindLocality(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string // "postcode Locality"
	}{
		{"french", "Liège", []string{"4000 Liège", "4020 Liège"}},
		{"unaccented upper case", "LIEGE", []string{"4000 Liège", "4020 Liège"}},
		{"bruxelles", "Bruxelles", []string{"1000 Bruxelles"}},
		{"brussel", "brussel", []string{"1000 Brussel"}},
		{"gent", "Gent", []string{"9000 Gent"}},
		{"saint abbreviated", "St-Gilles", []string{"1060 Saint-Gilles"}},
		{"dutch name of brussels commune", "Sint-Jans-Molenbeek", []string{"1080 Sint-Jans-Molenbeek"}},
		{"spaces for hyphens", "louvain la neuve", []string{"1348 Louvain-la-Neuve"}},
		{"german and french both official", "Bütgenbach", []string{"4750 Butgenbach", "4750 Bütgenbach"}},
		{"commune without locality of its name", "Pajottegem", []string{"1540 Herfelingen", "1540 Herne", "1541 Sint-Pieters-Kapelle", "1570 Galmaarden", "1570 Tollembeek", "1570 Vollezele", "1755 Gooik", "1755 Kester", "1755 Leerbeek", "1755 Oetingen"}},
		{"one half of a brussels commune", "Ixelles", []string{"1050 Ixelles"}},
		{"exonym not in the table", "Luik", nil},
		{"french exonym not in the table", "Gand", nil},
		{"english exonym not in the table", "Brussels", nil},
		{"empty", "  ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, p := range FindLocality(tt.in) {
				got = append(got, p.Postcode+" "+p.Locality)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("FindLocality(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeLocation(t *testing.T) {
	tests := []struct {
		name  string
		in    PlaceInput
		want  Location // Lat/Lon compared only when non-zero in want
		flags []string // "code@field"
	}{
		{
			name:  "postcode and city in name",
			in:    PlaceInput{Name: "1000 Bruxelles"},
			want:  Location{Postcode: "1000", City: "Bruxelles", Commune: "Bruxelles / Brussel", Region: "Brussels", Country: "BE", Lat: 50.8504, Lon: 4.3488, Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "B- prefix",
			in:    PlaceInput{Address: "B-4000 Liège"},
			want:  Location{Postcode: "4000", City: "Liège", Commune: "Liège", Province: "Liège", Region: "Wallonia", Country: "BE", Lat: 50.6337, Lon: 5.5675, Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "B space prefix",
			in:    PlaceInput{Address: "B 4000 Liège"},
			want:  Location{Postcode: "4000", City: "Liège", Commune: "Liège", Province: "Liège", Region: "Wallonia", Country: "BE", Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "BE- prefix without city takes the main locality",
			in:    PlaceInput{Address: "Rue Basse 3, BE-4000"},
			want:  Location{Address: "Rue Basse 3", Postcode: "4000", City: "Liège", Commune: "Liège", Province: "Liège", Region: "Wallonia", Country: "BE", Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "city then postcode in parentheses",
			in:    PlaceInput{City: "Gent (9000)"},
			want:  Location{Postcode: "9000", City: "Gent", Commune: "Gent", Province: "East Flanders", Region: "Flanders", Country: "BE", Lat: 51.05, Lon: 3.7167, Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "parentheses in a venue name",
			in:    PlaceInput{Name: "Vormingplus Gent (9000)"},
			want:  Location{Name: "Vormingplus", Postcode: "9000", City: "Gent", Commune: "Gent", Province: "East Flanders", Region: "Flanders", Country: "BE", Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "dutch form",
			in:    PlaceInput{Address: "Kortrijksesteenweg 12, 9000 Gent"},
			want:  Location{Address: "Kortrijksesteenweg 12", Postcode: "9000", City: "Gent", Commune: "Gent", Province: "East Flanders", Region: "Flanders", Country: "BE", Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "street address",
			in:    PlaceInput{Address: "Rue X 12, 1060 Saint-Gilles"},
			want:  Location{Address: "Rue X 12", Postcode: "1060", City: "Saint-Gilles", Commune: "Saint-Gilles / Sint-Gillis", Region: "Brussels", Country: "BE", Lat: 50.8276, Lon: 4.3439, Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "venue name repeats postcode and city",
			in:    PlaceInput{Name: "Maison des Associations, 1060 Saint-Gilles", Address: "Rue X 12"},
			want:  Location{Name: "Maison des Associations", Address: "Rue X 12", Postcode: "1060", City: "Saint-Gilles", Commune: "Saint-Gilles / Sint-Gillis", Region: "Brussels", Country: "BE", Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "name and address both repeat it",
			in:    PlaceInput{Name: "Maison des Associations (1060 Saint-Gilles)", Address: "Rue X 12 - 1060 Saint-Gilles - Belgique"},
			want:  Location{Name: "Maison des Associations", Address: "Rue X 12", Postcode: "1060", City: "Saint-Gilles", Commune: "Saint-Gilles / Sint-Gillis", Region: "Brussels", Country: "BE", Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "dutch name of a brussels locality",
			in:    PlaceInput{Postcode: "1060", City: "sint-gillis"},
			want:  Location{Postcode: "1060", City: "Sint-Gillis", Commune: "Saint-Gilles / Sint-Gillis", Region: "Brussels", Country: "BE", Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "bruxelles accepted for any brussels postcode",
			in:    PlaceInput{Address: "Chaussée de Waterloo 5, 1060 Bruxelles"},
			want:  Location{Address: "Chaussée de Waterloo 5", Postcode: "1060", City: "Bruxelles", Commune: "Saint-Gilles / Sint-Gillis", Region: "Brussels", Country: "BE", Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "commune name accepted",
			in:    PlaceInput{Postcode: "5060", City: "Sambreville"},
			want:  Location{Postcode: "5060", City: "Sambreville", Commune: "Sambreville", Province: "Namur", Region: "Wallonia", Country: "BE", Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "locality picks its own row",
			in:    PlaceInput{Postcode: "5060", City: "tamines"},
			want:  Location{Postcode: "5060", City: "Tamines", Commune: "Sambreville", Province: "Namur", Region: "Wallonia", Country: "BE", Lat: 50.4338, Lon: 4.6071, Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "postcode field with city in address",
			in:    PlaceInput{Postcode: "1348", Address: "Place de l'Université 1, 1348 Louvain-la-Neuve"},
			want:  Location{Address: "Place de l'Université 1", Postcode: "1348", City: "Louvain-la-Neuve", Commune: "Ottignies-Louvain-la-Neuve", Province: "Walloon Brabant", Region: "Wallonia", Country: "BE", Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "city field more precise than the address",
			in:    PlaceInput{Address: "Rue X 12, 1060 Bruxelles", City: "Saint-Gilles"},
			want:  Location{Address: "Rue X 12", Postcode: "1060", City: "Saint-Gilles", Commune: "Saint-Gilles / Sint-Gillis", Region: "Brussels", Country: "BE", Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "wrong city field, right address",
			in:    PlaceInput{Address: "Rue X 12, 1060 Saint-Gilles", City: "Liège"},
			want:  Location{Address: "Rue X 12", Postcode: "1060", City: "Saint-Gilles", Commune: "Saint-Gilles / Sint-Gillis", Region: "Brussels", Country: "BE", Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "english name of brussels",
			in:    PlaceInput{Address: "Rue de Namur 5, 1000 Brussels"},
			want:  Location{Address: "Rue de Namur 5", Postcode: "1000", City: "Brussels", Commune: "Bruxelles / Brussel", Region: "Brussels", Country: "BE", Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "both names of a brussels commune",
			in:    PlaceInput{Address: "Rue X 1, 1190 Forest / Vorst"},
			want:  Location{Address: "Rue X 1", Postcode: "1190", City: "Forest", Commune: "Forest / Vorst", Region: "Brussels", Country: "BE", Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "region in parentheses after the city",
			in:    PlaceInput{Address: "Chaussée de Louvain 123, 1030 Schaerbeek (Bruxelles)"},
			want:  Location{Address: "Chaussée de Louvain 123", Postcode: "1030", City: "Schaerbeek", Commune: "Schaerbeek / Schaarbeek", Region: "Brussels", Country: "BE", Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "province after the city",
			in:    PlaceInput{Address: "Grand-Place 1 7000 Mons Hainaut"},
			want:  Location{Address: "Grand-Place 1", Postcode: "7000", City: "Mons", Commune: "Mons", Province: "Hainaut", Region: "Wallonia", Country: "BE", Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "à before the postcode",
			in:    PlaceInput{Address: "rue du Marché 12 à 7000 Mons"},
			want:  Location{Address: "rue du Marché 12", Postcode: "7000", City: "Mons", Commune: "Mons", Province: "Hainaut", Region: "Wallonia", Country: "BE", Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "city before the postcode",
			in:    PlaceInput{Address: "Rue des Combattants 2, Mont-Saint-Guibert 1435"},
			want:  Location{Address: "Rue des Combattants 2", Postcode: "1435", City: "Mont-Saint-Guibert", Commune: "Mont-Saint-Guibert", Province: "Walloon Brabant", Region: "Wallonia", Country: "BE", Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "german-speaking community",
			in:    PlaceInput{Address: "Hauptstraße 1, 4780 Sankt Vith"},
			want:  Location{Address: "Hauptstraße 1", Postcode: "4780", City: "Sankt Vith", Commune: "Sankt Vith", Province: "Liège", Region: "Wallonia", Country: "BE", Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "postcode city mismatch",
			in:    PlaceInput{Postcode: "1000", City: "Namur"},
			want:  Location{Postcode: "1000", City: "Namur", Commune: "Bruxelles / Brussel", Region: "Brussels", Country: "BE", Precision: "postcode"},
			flags: []string{"postcode_city_mismatch@location.city", "place_from_postcode@location"},
		},
		{
			name:  "mismatch in text",
			in:    PlaceInput{Address: "Rue de Fer 1, 5000 Charleroi"},
			want:  Location{Address: "Rue de Fer 1", Postcode: "5000", City: "Charleroi", Commune: "Namur", Province: "Namur", Region: "Wallonia", Country: "BE", Lat: 50.4669, Lon: 4.8675, Precision: "postcode"},
			flags: []string{"postcode_city_mismatch@location.city", "place_from_postcode@location"},
		},
		{
			name:  "unknown postcode",
			in:    PlaceInput{Postcode: "1049", City: "Bruxelles"},
			want:  Location{Postcode: "1049", City: "Bruxelles", Commune: "Bruxelles / Brussel", Region: "Brussels", Country: "BE", Lat: 50.8504, Lon: 4.3488, Precision: "city"},
			flags: []string{"postcode_unknown@location.postcode", "place_from_city@location"},
		},
		{
			name:  "unknown postcode without city",
			in:    PlaceInput{Postcode: "7010"},
			want:  Location{Postcode: "7010", Province: "Hainaut", Region: "Wallonia", Country: "BE"},
			flags: []string{"postcode_unknown@location.postcode"},
		},
		{
			name:  "invalid postcode field",
			in:    PlaceInput{Postcode: "75011", City: "Gent"},
			want:  Location{Postcode: "9000", City: "Gent", Commune: "Gent", Province: "East Flanders", Region: "Flanders", Country: "BE", Precision: "city"},
			flags: []string{"postcode_invalid@location.postcode", "place_from_city@location"},
		},
		{
			name:  "postcode field holding postcode and city",
			in:    PlaceInput{Postcode: "B-1050 Ixelles"},
			want:  Location{Postcode: "1050", City: "Ixelles", Commune: "Ixelles / Elsene", Region: "Brussels", Country: "BE", Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "city only",
			in:    PlaceInput{City: "Namur"},
			want:  Location{Postcode: "5000", City: "Namur", Commune: "Namur", Province: "Namur", Region: "Wallonia", Country: "BE", Lat: 50.4669, Lon: 4.8675, Precision: "city"},
			flags: []string{"place_from_city@location"},
		},
		{
			name:  "city only with several postcodes",
			in:    PlaceInput{City: "Antwerpen"},
			want:  Location{City: "Antwerpen", Commune: "Antwerpen", Province: "Antwerp", Region: "Flanders", Country: "BE", Lat: 51.2199, Lon: 4.4035, Precision: "city"},
			flags: []string{"place_from_city@location"},
		},
		{
			name:  "city ambiguous",
			in:    PlaceInput{City: "Haren"},
			want:  Location{City: "Haren", Country: "BE"},
			flags: []string{"city_ambiguous@location.city"},
		},
		{
			name:  "city unknown",
			in:    PlaceInput{City: "Luik"},
			want:  Location{City: "Luik", Country: "BE"},
			flags: []string{"city_unknown@location.city"},
		},
		{
			name:  "city as the last part of the name",
			in:    PlaceInput{Name: "Espace Kegeljan, Namur"},
			want:  Location{Name: "Espace Kegeljan", Postcode: "5000", City: "Namur", Commune: "Namur", Province: "Namur", Region: "Wallonia", Country: "BE", Precision: "city"},
			flags: []string{"place_from_city@location"},
		},
		{
			name:  "name that is only the city",
			in:    PlaceInput{Name: "Liège", City: "Liège"},
			want:  Location{City: "Liège", Commune: "Liège", Province: "Liège", Region: "Wallonia", Country: "BE", Precision: "city"},
			flags: []string{"place_from_city@location"},
		},
		{
			name:  "upper case city",
			in:    PlaceInput{Address: "RUE HAUTE 4 - 1000 BRUXELLES"},
			want:  Location{Address: "RUE HAUTE 4", Postcode: "1000", City: "Bruxelles", Commune: "Bruxelles / Brussel", Region: "Brussels", Country: "BE", Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "house number 4 digits before postcode",
			in:    PlaceInput{Address: "Chaussée de Wavre 1520, 1160 Auderghem"},
			want:  Location{Address: "Chaussée de Wavre 1520", Postcode: "1160", City: "Auderghem", Commune: "Auderghem / Oudergem", Region: "Brussels", Country: "BE", Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "year after a month is not a postcode",
			in:    PlaceInput{Name: "le 12 mars 2027 à Liège"},
			want:  Location{Name: "le 12 mars 2027 à Liège", Country: "BE"},
			flags: []string{"postcode_missing@location.postcode"},
		},
		{
			name:  "year after a month followed by a city",
			in:    PlaceInput{Name: "Rencontre du 12 mars 2027 Liège", Address: "Rue Basse 3"},
			want:  Location{Name: "Rencontre du 12 mars 2027 Liège", Address: "Rue Basse 3", Country: "BE"},
			flags: []string{"postcode_missing@location.postcode"},
		},
		{
			name:  "year in a date",
			in:    PlaceInput{Name: "Séance du 12/03/2027 Namur"},
			want:  Location{Name: "Séance du 12/03/2027 Namur", Country: "BE"},
			flags: []string{"postcode_missing@location.postcode"},
		},
		{
			name:  "year after depuis",
			in:    PlaceInput{Name: "Actif depuis 1993 Bruxelles"},
			want:  Location{Name: "Actif depuis 1993 Bruxelles", Country: "BE"},
			flags: []string{"postcode_missing@location.postcode"},
		},
		{
			name:  "amount is not a postcode",
			in:    PlaceInput{Name: "1000 euros de subsides"},
			want:  Location{Name: "1000 euros de subsides", Country: "BE"},
			flags: []string{"postcode_missing@location.postcode"},
		},
		{
			name:  "foreign postcode",
			in:    PlaceInput{Address: "Rue de Luxembourg 3, L-1234 Luxembourg"},
			want:  Location{Address: "Rue de Luxembourg 3, L-1234 Luxembourg", Country: "BE"},
			flags: []string{"postcode_missing@location.postcode"},
		},
		{
			name:  "dutch postcode",
			in:    PlaceInput{Address: "Markt 1, 6211 CK Maastricht"},
			want:  Location{Address: "Markt 1, 6211 CK Maastricht", Country: "BE"},
			flags: []string{"postcode_missing@location.postcode"},
		},
		{
			name:  "best candidate wins over an earlier number",
			in:    PlaceInput{Address: "Salle 2000 Ans, Rue Haute 1, 4000 Liège"},
			want:  Location{Address: "Salle 2000 Ans, Rue Haute 1", Postcode: "4000", City: "Liège", Commune: "Liège", Province: "Liège", Region: "Wallonia", Country: "BE", Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "html entities",
			in:    PlaceInput{Address: "Rue du Midi 3, 1000 Bruxelles&nbsp;"},
			want:  Location{Address: "Rue du Midi 3", Postcode: "1000", City: "Bruxelles", Commune: "Bruxelles / Brussel", Region: "Brussels", Country: "BE", Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "online without place",
			in:    PlaceInput{Online: true, DefaultPostcode: "1060", DefaultRegion: "Brussels"},
			want:  Location{Region: "Brussels", Country: "BE"},
			flags: []string{},
		},
		{
			name:  "online said by the place",
			in:    PlaceInput{Name: "En ligne (Zoom)"},
			want:  Location{},
			flags: []string{},
		},
		{
			name:  "commune of a postcode whose localities have other names",
			in:    PlaceInput{Address: "Rue de Herve 2, 4030 Liège"},
			want:  Location{Address: "Rue de Herve 2", Postcode: "4030", City: "Liège", Commune: "Liège", Province: "Liège", Region: "Wallonia", Country: "BE", Lat: 50.6215, Lon: 5.611, Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
		{
			name:  "city only that is a commune",
			in:    PlaceInput{City: "Pajottegem"},
			want:  Location{City: "Pajottegem", Commune: "Pajottegem", Province: "Flemish Brabant", Region: "Flanders", Country: "BE", Lat: 50.7482, Lon: 4.0975, Precision: "city"},
			flags: []string{"place_from_city@location"},
		},
		{
			name:  "online word with how in parentheses",
			in:    PlaceInput{Name: "En ligne (visioconférence)"},
			want:  Location{},
			flags: []string{},
		},
		{
			name:  "online word as the whole place",
			in:    PlaceInput{Name: "En ligne"},
			want:  Location{},
			flags: []string{},
		},
		{
			name:  "nothing at all",
			in:    PlaceInput{DefaultRegion: "WAL"},
			want:  Location{Region: "Wallonia", Country: "BE"},
			flags: []string{"place_missing@location"},
		},
		{
			name:  "nothing and no defaults",
			in:    PlaceInput{},
			want:  Location{},
			flags: []string{"place_missing@location"},
		},
		{
			name:  "defaults when the listing has no place",
			in:    PlaceInput{DefaultPostcode: "1060", DefaultCity: "Saint-Gilles", DefaultRegion: "Brussels"},
			want:  Location{Postcode: "1060", City: "Saint-Gilles", Commune: "Saint-Gilles / Sint-Gillis", Region: "Brussels", Country: "BE", Precision: "postcode"},
			flags: []string{"place_from_default@location", "place_from_postcode@location"},
		},
		{
			name:  "defaults with a venue name only",
			in:    PlaceInput{Name: "Salle du Conseil", DefaultCity: "Namur"},
			want:  Location{Name: "Salle du Conseil", Postcode: "5000", City: "Namur", Commune: "Namur", Province: "Namur", Region: "Wallonia", Country: "BE", Precision: "city"},
			flags: []string{"place_from_default@location", "place_from_city@location"},
		},
		{
			name:  "listing place beats defaults",
			in:    PlaceInput{Address: "9000 Gent", DefaultPostcode: "1060", DefaultRegion: "Brussels"},
			want:  Location{Postcode: "9000", City: "Gent", Commune: "Gent", Province: "East Flanders", Region: "Flanders", Country: "BE", Precision: "postcode"},
			flags: []string{"place_from_postcode@location"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, flags := NormalizeLocation(tt.in)
			want := tt.want
			if want.Lat == 0 && want.Lon == 0 {
				want.Lat, want.Lon = got.Lat, got.Lon
			}
			if got != want {
				t.Errorf("NormalizeLocation(%+v)\n got %+v\nwant %+v", tt.in, got, want)
			}
			if codes := placeFlagCodes(flags); !slices.Equal(codes, tt.flags) {
				t.Errorf("NormalizeLocation(%+v) flags = %q, want %q", tt.in, codes, tt.flags)
			}
			for _, f := range flags {
				if f.Severity != SeverityInfo && f.Severity != SeverityWarning && f.Severity != SeverityError {
					t.Errorf("flag %s has severity %q", f.Code, f.Severity)
				}
			}
		})
	}
}

func TestNormalizeLocationSeverities(t *testing.T) {
	want := map[string]Severity{
		"place_from_postcode": SeverityInfo, "place_from_city": SeverityInfo, "place_missing": SeverityInfo,
		"place_from_default": SeverityInfo, "postcode_missing": SeverityInfo,
		"postcode_unknown": SeverityWarning, "postcode_city_mismatch": SeverityWarning,
		"postcode_invalid": SeverityWarning, "city_unknown": SeverityWarning, "city_ambiguous": SeverityWarning,
	}
	for _, in := range []PlaceInput{
		{Name: "1000 Bruxelles"}, {City: "Namur"}, {}, {DefaultCity: "Gent"}, {Name: "Salle X"},
		{Postcode: "1049"}, {Postcode: "1000", City: "Gent"}, {Postcode: "x"}, {City: "Luik"}, {City: "Haren"},
	} {
		_, flags := NormalizeLocation(in)
		for _, f := range flags {
			if w, ok := want[f.Code]; !ok || w != f.Severity {
				t.Errorf("NormalizeLocation(%+v): flag %s severity %s, want %s", in, f.Code, f.Severity, w)
			}
		}
	}
}

var placePostcodePattern = regexp.MustCompile(`^[1-9]\d{3}$`)

func FuzzNormalizeLocation(f *testing.F) {
	f.Add("Maison des Associations, 1060 Saint-Gilles", "Rue X 12", "", "", false)
	f.Add("", "B-4000 Liège", "", "", false)
	f.Add("Gent (9000)", "", "", "", false)
	f.Add("le 12 mars 2027 à Liège", "", "", "", true)
	f.Add("", "", "1000", "Namur", false)
	f.Add("", "", "B 1050", "elsene", false)
	f.Add("Salle (1993)", "Rue (9000) 3", "", "St Gilles", false)
	f.Fuzz(func(t *testing.T, name, address, postcode, city string, online bool) {
		in := PlaceInput{Name: name, Address: address, Postcode: postcode, City: city, Online: online,
			DefaultRegion: "Brussels"}
		loc, flags := NormalizeLocation(in)
		if loc.Postcode != "" && !placePostcodePattern.MatchString(loc.Postcode) {
			t.Fatalf("NormalizeLocation(%+v): postcode %q", in, loc.Postcode)
		}
		if math.IsNaN(loc.Lat) || loc.Lat < -90 || loc.Lat > 90 || math.IsNaN(loc.Lon) || loc.Lon < -180 || loc.Lon > 180 {
			t.Fatalf("NormalizeLocation(%+v): lat/lon %v,%v", in, loc.Lat, loc.Lon)
		}
		if (loc.Precision != "") != (loc.Lat != 0 || loc.Lon != 0) {
			t.Fatalf("NormalizeLocation(%+v): precision %q with lat/lon %v,%v", in, loc.Precision, loc.Lat, loc.Lon)
		}
		switch loc.Region {
		case "Brussels", "Flanders", "Wallonia":
		default:
			t.Fatalf("NormalizeLocation(%+v): region %q", in, loc.Region)
		}
		for _, s := range []string{loc.Name, loc.Address, loc.City} {
			if strings.TrimSpace(s) != s {
				t.Fatalf("NormalizeLocation(%+v): untrimmed %q", in, s)
			}
		}
		for _, fl := range flags {
			if fl.Code == "" || fl.Field == "" || (fl.Field != "location" && !strings.HasPrefix(fl.Field, "location.")) {
				t.Fatalf("NormalizeLocation(%+v): flag %+v", in, fl)
			}
		}
	})
}
