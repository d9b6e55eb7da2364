package record

import (
	"slices"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/teambition/rrule-go"
)

// whenFuzzSeeds are texts that reach every matcher.
var whenFuzzSeeds = []string{
	"Webinaire le 30 novembre de 14h15 à 16h15",
	"Le groupe se réunit une fois par mois (de novembre à juin). Une séance dure 3 heures.",
	"elke dinsdag van 19u tot 21u", "tous les premiers mardis du mois", "le 12.03.2027 um 18:30 Uhr",
	"30/11 à 14h15", "du 3 au 5 mars 2027", "December 3–5, 2026", "les 3, 10 et 17 mars de 18h à 20h",
	"un jeudi sur deux à partir du 5 novembre 2026, de 18h à 20h", "deux fois par mois, le 1er et le 3e jeudi",
	"om de twee weken op donderdag", "jeden ersten Dienstag im Monat, 19–21 Uhr", "every other Thursday 2–4 pm",
	"tous les jeudis de 22h à 1h, sauf en juillet et août, jusqu'au 30 juin 2027", "le 28 mars 2027 de 2h30 à 3h",
	"Inscriptions avant le 15 novembre", "0498/462 402 120,00 € depuis 1993", "le 29 février", "le 31 novembre",
	"anderhalf uur", "1,5 uur", "Tue, Dec 3 at 7:30 p.m.", "de septembre 2026 à juin 2027, le 2e mardi",
	"Le mercredi après-midi de 14h à 17h jusqu'en juin 2027", "Journée le 10 octobre. Chaque jeudi à 20h.",
	"le jeudi 3 décembre 2026 à 19h, puis tous les 15 jours", "tous les deux mois, le 1er mardi, sauf en mars",
	"Dès le 1er décembre 2026, tous les jeudis de 19h à 21h", "Elke maandagavond van 19u30 tot 21u30",
	whenSeed001, whenSeedArticles,
}

// FuzzParseWhen checks what ParseWhen promises for any input: no panic, an end not
// before the start, next occurrences in order within the window, an RRULE that
// rrule-go reads, flags with a severity and a field, a short text.
func FuzzParseWhen(f *testing.F) {
	for i, s := range whenFuzzSeeds {
		f.Add("", "", s, "", int64(20393+i*37)) // days since 1970: around November 2025
	}
	f.Add("2026-11-30T14:15:00+01:00", "2026-11-30T16:15:00+01:00", "tous les mardis", "", int64(20758))
	f.Add("30 novembre 14h", "16h", "", "Groupe", int64(0))
	f.Add("2019-01-03T19:00:00+01:00", "", "un jeudi sur deux", "", int64(20758))
	f.Fuzz(func(t *testing.T, start, end, text, title string, refDays int64) {
		var ref time.Time
		if refDays != 0 {
			// A day between 1990 and 2100, at a time of day that varies too.
			days := refDays % 40000
			if days < 0 {
				days = -days
			}
			ref = time.Unix((7305+days)*86400+refDays%86400, 0).In(Brussels)
		}
		in := WhenInput{Start: start, End: end, Texts: []string{text, title}, Ref: ref}
		s, flags := ParseWhen(in)

		if s.Timezone != "Europe/Brussels" {
			t.Errorf("ParseWhen(%+v).Timezone = %q", in, s.Timezone)
		}
		if s.End != nil && (s.Start == nil || s.End.Before(*s.Start)) {
			t.Errorf("ParseWhen(%+v): end %v with start %v", in, s.End, s.Start)
		}
		if s.Next == nil || len(s.Next) > WhenMaxNext {
			t.Errorf("ParseWhen(%+v).Next = %v, want a slice of at most %d", in, s.Next, WhenMaxNext)
		}
		if !slices.IsSortedFunc(s.Next, func(a, b time.Time) int { return a.Compare(b) }) {
			t.Errorf("ParseWhen(%+v).Next = %v, not in order", in, s.Next)
		}
		if !ref.IsZero() {
			r := ref.In(Brussels)
			day := time.Date(r.Year(), r.Month(), r.Day(), 0, 0, 0, 0, Brussels)
			for _, n := range s.Next {
				if n.Before(day) || !n.Before(day.AddDate(1, 0, 0)) {
					t.Errorf("ParseWhen(%+v).Next has %v, outside the year from %v", in, n, day)
				}
			}
		}
		if s.RRule != "" {
			if _, err := rrule.StrToRRule(s.RRule); err != nil {
				t.Errorf("ParseWhen(%+v).RRule = %q: %v", in, s.RRule, err)
			}
		}
		if s.DurationMinutes < 0 || s.DurationMinutes >= 24*60 {
			t.Errorf("ParseWhen(%+v).DurationMinutes = %d", in, s.DurationMinutes)
		}
		if utf8.RuneCountInString(s.Text) > WhenMaxTextRunes {
			t.Errorf("ParseWhen(%+v).Text has %d runes", in, utf8.RuneCountInString(s.Text))
		}
		for _, fl := range flags {
			if fl.Code == "" || fl.Field == "" || fl.Severity != SeverityInfo && fl.Severity != SeverityWarning {
				t.Errorf("ParseWhen(%+v) flag %+v", in, fl)
			}
		}
	})
}
