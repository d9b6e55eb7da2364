package record

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// costFlagCodes lists flags as "code@field" for comparison.
func costFlagCodes(flags []Flag) []string {
	out := []string{}
	for _, f := range flags {
		out = append(out, f.Code+"@"+f.Field)
	}
	return out
}

func TestParsePrice(t *testing.T) {
	eur := func(min, max float64, unit, text string) Cost {
		return Cost{Min: min, Max: max, Currency: "EUR", Unit: unit, Text: text}
	}
	tests := []struct {
		name, in string
		want     Cost
		flags    []string
	}{
		{"decimal comma", "120,00 €", eur(120, 120, "", "120,00 €"), nil},
		{"seed sentence", "La participation au cycle s'élève à 120,00 €.", eur(120, 120, "cycle", "La participation au cycle s'élève à 120,00 €."), nil},
		{"euro sign first, per session", "€ 15 par séance", eur(15, 15, "session", "€ 15 par séance"), nil},
		{"glued, slash session", "15€/séance", eur(15, 15, "session", "15€/séance"), nil},
		{"la séance", "10 € la séance", eur(10, 10, "session", "10 € la séance"), nil},
		{"per sessie", "12 euro per sessie", eur(12, 12, "session", "12 euro per sessie"), nil},
		{"per session", "EUR 20 per session", eur(20, 20, "session", "EUR 20 per session"), nil},
		{"range à", "5 à 10 €", eur(5, 10, "", "5 à 10 €"), nil},
		{"range de à euros", "de 5 à 10 euros", eur(5, 10, "", "de 5 à 10 euros"), nil},
		{"range hyphen EUR", "10-15 EUR", eur(10, 15, "", "10-15 EUR"), nil},
		{"range entre et", "entre 5 et 10 €", eur(5, 10, "", "entre 5 et 10 €"), nil},
		{"range both currencies", "5 € - 10 €", eur(5, 10, "", "5 € - 10 €"), nil},
		{"range currency first", "€ 5 - 10", eur(5, 10, "", "€ 5 - 10"), nil},
		{"range tot", "van 5 tot 10 euro per keer", eur(5, 10, "session", "van 5 tot 10 euro per keer"), nil},
		{"thousands dot", "1.200,50 €", eur(1200.5, 1200.5, "", "1.200,50 €"), nil},
		{"thousands comma", "€1,200.50", eur(1200.5, 1200.5, "", "€1,200.50"), nil},
		{"dutch dash decimals", "15,- euro", eur(15, 15, "", "15,- euro"), nil},
		{"decimal dot", "7.50 €", eur(7.5, 7.5, "", "7.50 €"), nil},
		{"reduced price", "10 € (5 € pour les étudiants) par séance", eur(5, 10, "session", "10 € (5 € pour les étudiants) par séance"), nil},
		{"count of sessions is not a price", "Cycle de 10 séances : 120 €", eur(120, 120, "cycle", "Cycle de 10 séances : 120 €"), nil},
		{"pour les n séances", "90 € pour les 6 séances", eur(90, 90, "cycle", "90 € pour les 6 séances"), nil},
		{"le cycle", "120 € le cycle", eur(120, 120, "cycle", "120 € le cycle"), nil},
		{"pour le cycle", "200 € pour le cycle", eur(200, 200, "cycle", "200 € pour le cycle"), nil},
		{"per reeks", "60 euro per reeks", eur(60, 60, "cycle", "60 euro per reeks"), nil},
		{"voor de reeks", "€ 75 voor de reeks", eur(75, 75, "cycle", "€ 75 voor de reeks"), nil},
		{"par mois", "30 € par mois", eur(30, 30, "month", "30 € par mois"), nil},
		{"per maand", "25 euro per maand", eur(25, 25, "month", "25 euro per maand"), nil},
		{"par an", "50 € par an", eur(50, 50, "year", "50 € par an"), nil},
		{"per jaar", "40 euro per jaar", eur(40, 40, "year", "40 euro per jaar"), nil},
		{"annuel", "Cotisation annuelle : 20 €", eur(20, 20, "year", "Cotisation annuelle : 20 €"), nil},
		{"la journée", "80 € la journée", eur(80, 80, "day", "80 € la journée"), nil},
		{"per dag", "95 euro per dag", eur(95, 95, "day", "95 euro per dag"), nil},
		{"bare number", "15", eur(15, 15, "", "15"), nil},
		{"pour n séances", "60€ pour 4 séances", eur(60, 60, "cycle", "60€ pour 4 séances"), nil},
		{"reduced rates", "Tarif plein 20€ - réduit 10€", eur(10, 20, "", "Tarif plein 20€ - réduit 10€"), nil},
		{"free with conditions", "gratuit sur inscription / 5€ pour les non-membres", eur(0, 5, "", "gratuit sur inscription / 5€ pour les non-membres"), nil},
		{"month and year", "15€/mois ou 150€/an", eur(15, 15, "month", "15€/mois ou 150€/an"), []string{"price_multiple@cost"}},
		{"range without currency", "5 à 10", Cost{Text: "5 à 10"}, []string{"price_unparsed@cost"}},
		{"a discuter", "Prix : à discuter", Cost{Text: "Prix : à discuter"}, []string{"price_on_request@cost"}},
		{"first price without unit, alternative with unit", "10€-15€ (selon revenus) / 120€ le cycle", eur(10, 15, "", "10€-15€ (selon revenus) / 120€ le cycle"), []string{"price_multiple@cost"}},
		{"par les is no unit", "10 € payés par les participants", eur(10, 10, "", "10 € payés par les participants"), nil},
		{"several units", "15 € par séance ou 120 € le cycle", eur(15, 15, "session", "15 € par séance ou 120 € le cycle"), []string{"price_multiple@cost"}},
		{"gratuit", "Gratuit", Cost{Free: true, Text: "Gratuit"}, nil},
		{"gratuite", "Activité gratuite", Cost{Free: true, Text: "Activité gratuite"}, nil},
		{"gratis", "gratis voor leden", Cost{Free: true, Text: "gratis voor leden"}, nil},
		{"free", "Free", Cost{Free: true, Text: "Free"}, nil},
		{"kostenlos", "kostenlos", Cost{Free: true, Text: "kostenlos"}, nil},
		{"entrée libre", "Entrée libre", Cost{Free: true, Text: "Entrée libre"}, nil},
		{"vrije toegang", "Vrije toegang", Cost{Free: true, Text: "Vrije toegang"}, nil},
		{"zero euro", "0 €", Cost{Free: true, Currency: "EUR", Text: "0 €"}, nil},
		{"free for some", "Gratuit pour les membres, 10 € pour les autres", eur(0, 10, "", "Gratuit pour les membres, 10 € pour les autres"), nil},
		{"not free", "Pas gratuit", Cost{Text: "Pas gratuit"}, []string{"price_unparsed@cost"}},
		{"prix libre", "prix libre", Cost{Text: "prix libre"}, []string{"price_free_will@cost"}},
		{"participation libre", "Participation libre", Cost{Text: "Participation libre"}, []string{"price_free_will@cost"}},
		{"vrije bijdrage", "vrije bijdrage", Cost{Text: "vrije bijdrage"}, []string{"price_free_will@cost"}},
		{"free will with suggestion", "Prix libre (conseillé : 10 €)", eur(10, 10, "", "Prix libre (conseillé : 10 €)"), []string{"price_free_will@cost"}},
		{"entrée libre with free will", "Entrée libre, participation libre aux frais", Cost{Text: "Entrée libre, participation libre aux frais"}, []string{"price_free_will@cost"}},
		{"gratuit with free will", "Gratuit (au chapeau)", Cost{Free: true, Text: "Gratuit (au chapeau)"}, []string{"price_free_will@cost"}},
		{"sur demande", "Sur demande", Cost{Text: "Sur demande"}, []string{"price_on_request@cost"}},
		{"op aanvraag", "Prijs op aanvraag", Cost{Text: "Prijs op aanvraag"}, []string{"price_on_request@cost"}},
		{"on request", "on request", Cost{Text: "on request"}, []string{"price_on_request@cost"}},
		{"unparsed", "voir site", Cost{Text: "voir site"}, []string{"price_unparsed@cost"}},
		{"number without currency in text", "10 séances", Cost{Text: "10 séances"}, []string{"price_unparsed@cost"}},
		{"html", "<b>15&nbsp;€</b> par séance", eur(15, 15, "session", "15 € par séance"), nil},
		{"empty", "", Cost{}, nil},
		{"blank", "  ", Cost{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, flags := ParsePrice(tt.in)
			if got != tt.want {
				t.Errorf("ParsePrice(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			want := tt.flags
			if want == nil {
				want = []string{}
			}
			if codes := costFlagCodes(flags); !slices.Equal(codes, want) {
				t.Errorf("ParsePrice(%q) flags = %q, want %q", tt.in, codes, want)
			}
			for _, f := range flags {
				if f.Severity != SeverityInfo {
					t.Errorf("ParsePrice(%q) flag %s severity %s, want info", tt.in, f.Code, f.Severity)
				}
			}
		})
	}
}

func TestParseGroupSize(t *testing.T) {
	tests := []struct {
		name, in string
		want     *GroupSize
	}{
		{"seed: environ", "Il s'agit de groupes pluridisciplinaires d'environ 10 travailleurs issus des secteurs", &GroupSize{Min: 10, Max: 10, Approximate: true, Text: "environ 10 travailleurs"}},
		{"range à", "8 à 12 participants", &GroupSize{Min: 8, Max: 12, Text: "8 à 12 participants"}},
		{"range entre", "Groupe fermé, entre 6 et 10 personnes.", &GroupSize{Min: 6, Max: 10, Text: "entre 6 et 10 personnes"}},
		{"max. alone", "max. 15", &GroupSize{Max: 15, Text: "max. 15"}},
		{"max. alone in a sentence", "Places limitées (max. 15).", &GroupSize{Max: 15, Text: "max. 15"}},
		{"maximum people", "maximum 12 personnes", &GroupSize{Max: 12, Text: "maximum 12 personnes"}},
		{"places", "Il reste 15 places", &GroupSize{Max: 15, Text: "15 places"}},
		{"trailing maximum", "groupe de 8 personnes maximum", &GroupSize{Max: 8, Text: "8 personnes maximum"}},
		{"dutch range", "6-8 deelnemers", &GroupSize{Min: 6, Max: 8, Text: "6-8 deelnemers"}},
		{"dutch max", "max 10 deelnemers", &GroupSize{Max: 10, Text: "max 10 deelnemers"}},
		{"dutch tussen", "tussen 8 en 12 personen", &GroupSize{Min: 8, Max: 12, Text: "tussen 8 en 12 personen"}},
		{"dutch plaatsen", "Er zijn 12 plaatsen.", &GroupSize{Max: 12, Text: "12 plaatsen"}},
		{"english up to", "The group welcomes up to 12 people.", &GroupSize{Max: 12, Text: "up to 12 people"}},
		{"german", "maximal 10 Teilnehmende", &GroupSize{Max: 10, Text: "maximal 10 Teilnehmende"}},
		{"german range", "8 bis 12 Personen", &GroupSize{Min: 8, Max: 12, Text: "8 bis 12 Personen"}},
		{"words: seed balint", "réunissant régulièrement huit à douze professionnels exerçant la même profession", &GroupSize{Min: 8, Max: 12, Text: "huit à douze professionnels"}},
		{"une dizaine", "une dizaine de participants", &GroupSize{Min: 10, Max: 10, Approximate: true, Text: "une dizaine de participants"}},
		{"inclusive writing", "12 participant·e·s maximum", &GroupSize{Max: 12, Text: "12 participant·e·s maximum"}},
		{"exact", "un groupe de 8 personnes", &GroupSize{Min: 8, Max: 8, Text: "8 personnes"}},
		{"minimum and maximum", "minimum 6 et maximum 12 participants", &GroupSize{Min: 6, Max: 12, Text: "minimum 6 et maximum 12 participants"}},
		{"minimum", "minimum 6 participants", &GroupSize{Min: 6, Text: "minimum 6 participants"}},
		{"approximate range", "environ 8 à 10 personnes", &GroupSize{Min: 8, Max: 10, Approximate: true, Text: "environ 8 à 10 personnes"}},
		{"label and trailing max", "Nombre de participants : 12 maximum", &GroupSize{Max: 12, Text: "participants : 12 maximum"}},
		{"label exact", "Deelnemers: 10", &GroupSize{Min: 10, Max: 10, Text: "Deelnemers: 10"}},
		{"limited to", "Beperkt tot 12 deelnemers", &GroupSize{Max: 12, Text: "Beperkt tot 12 deelnemers"}},
		{"limité à without word", "Nombre de places limité à 10.", &GroupSize{Max: 10, Text: "limité à 10"}},
		{"dutch approximate", "zo'n 15 deelnemers", &GroupSize{Min: 15, Max: 15, Approximate: true, Text: "zo'n 15 deelnemers"}},
		{"min and max abbreviated", "Min. 4 - max. 8 personnes", &GroupSize{Min: 4, Max: 8, Text: "Min. 4 - max. 8 personnes"}},
		{"first phrase wins", "Groupe de 10 participants. Max 12 personnes.", &GroupSize{Min: 10, Max: 10, Text: "10 participants"}},
		{"ages are not sizes", "Pour les enfants de 6 à 12 ans.", nil},
		{"max years", "max 15 ans", nil},
		{"minutes", "séances de 90 minutes, max 2 heures", nil},
		{"one contact person", "1 personne de contact", nil},
		{"year", "En 2024 participants et", nil},
		{"price", "15 € par personne", nil},
		{"nothing", "Groupe de parole mensuel", nil},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ParseGroupSize(tt.in)
			if (got == nil) != (tt.want == nil) || got != nil && *got != *tt.want {
				t.Errorf("ParseGroupSize(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzParsePrice(f *testing.F) {
	for _, s := range []string{"120,00 €", "€ 15 par séance", "5 à 10 €", "1.200,50 €", "gratuit", "prix libre",
		"sur demande", "15 € par séance ou 120 € le cycle", "€ 5 - 10", "10 € (5 € étudiants)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, flags := ParsePrice(s)
		if math.IsNaN(c.Min) || math.IsNaN(c.Max) || math.IsInf(c.Max, 0) || c.Min < 0 || c.Max < c.Min {
			t.Fatalf("ParsePrice(%q): min %v max %v", s, c.Min, c.Max)
		}
		if c.Free && c.Max != 0 {
			t.Fatalf("ParsePrice(%q): free with max %v", s, c.Max)
		}
		if c.Currency != "" && c.Currency != "EUR" || c.Currency == "" && c.Max != 0 {
			t.Fatalf("ParsePrice(%q): currency %q with max %v", s, c.Currency, c.Max)
		}
		switch c.Unit {
		case "", "session", "cycle", "month", "year", "day":
		default:
			t.Fatalf("ParsePrice(%q): unit %q", s, c.Unit)
		}
		for _, fl := range flags {
			if fl.Field != "cost" || fl.Severity != SeverityInfo || !strings.HasPrefix(fl.Code, "price_") {
				t.Fatalf("ParsePrice(%q): flag %+v", s, fl)
			}
		}
		if c.Text == "" && (len(flags) > 0 || c.Free || c.Max != 0) {
			t.Fatalf("ParsePrice(%q) = %+v, %v from empty text", s, c, flags)
		}
	})
}

func FuzzParseGroupSize(f *testing.F) {
	for _, s := range []string{"environ 10 travailleurs", "8 à 12 participants", "max. 15", "huit à douze professionnels",
		"minimum 6 et maximum 12 participants", "15 places", "up to 12 people"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g := ParseGroupSize(s)
		if g == nil {
			return
		}
		if g.Min < 0 || g.Max < 0 || g.Min == 0 && g.Max == 0 || g.Max != 0 && g.Min > g.Max {
			t.Fatalf("ParseGroupSize(%q) = %+v", s, g)
		}
		if g.Text == "" || !strings.Contains(s, g.Text) {
			t.Fatalf("ParseGroupSize(%q) text %q is not part of the input", s, g.Text)
		}
	})
}
