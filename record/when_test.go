package record

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// whenRef is the reference day of most cases: the page was fetched on 1 November 2026.
var whenRef = time.Date(2026, 11, 1, 10, 0, 0, 0, Brussels)

// whenWant is what a case expects of ParseWhen. Empty strings expect an empty field;
// next lists the first occurrences expected (nil: none at all).
type whenWant struct {
	start, end string // RFC 3339
	rrule      string
	dur        int
	next       []string
	nextLen    int      // when not 0, the number of occurrences expected
	flags      []string // codes, in order
	text       string   // when not "", the Schedule.Text expected
}

type whenCase struct {
	name string
	in   WhenInput
	want whenWant
}

// whenText makes the input of a case with one free text and the usual Ref.
func whenText(texts ...string) WhenInput { return WhenInput{Texts: texts, Ref: whenRef} }

// whenAtRef makes the input of a case with one free text and another Ref.
func whenAtRef(ref time.Time, texts ...string) WhenInput { return WhenInput{Texts: texts, Ref: ref} }

func whenFormat(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.RFC3339)
}

func whenCodes(flags []Flag) []string {
	codes := []string{}
	for _, f := range flags {
		codes = append(codes, f.Code)
	}
	return codes
}

// whenCheck runs the cases.
func whenCheck(t *testing.T, cases []whenCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, flags := ParseWhen(tc.in)
			in := strings.Join(tc.in.Texts, " | ")
			if tc.in.Start != "" || tc.in.End != "" {
				in = "start=" + tc.in.Start + " end=" + tc.in.End + " " + in
			}
			if got := whenFormat(s.Start); got != tc.want.start {
				t.Errorf("ParseWhen(%q).Start = %s, want %s", in, got, tc.want.start)
			}
			if got := whenFormat(s.End); got != tc.want.end {
				t.Errorf("ParseWhen(%q).End = %s, want %s", in, got, tc.want.end)
			}
			if s.RRule != tc.want.rrule {
				t.Errorf("ParseWhen(%q).RRule = %q, want %q", in, s.RRule, tc.want.rrule)
			}
			if s.DurationMinutes != tc.want.dur {
				t.Errorf("ParseWhen(%q).DurationMinutes = %d, want %d", in, s.DurationMinutes, tc.want.dur)
			}
			if s.Timezone != "Europe/Brussels" {
				t.Errorf("ParseWhen(%q).Timezone = %q, want Europe/Brussels", in, s.Timezone)
			}
			var next []string
			for _, n := range s.Next {
				next = append(next, n.Format(time.RFC3339))
			}
			if len(next) < len(tc.want.next) || !slices.Equal(next[:len(tc.want.next)], tc.want.next) ||
				tc.want.next == nil && len(next) > 0 {
				t.Errorf("ParseWhen(%q).Next = %v, want %v…", in, next, tc.want.next)
			}
			if tc.want.nextLen != 0 && len(next) != tc.want.nextLen {
				t.Errorf("ParseWhen(%q): %d occurrences, want %d", in, len(next), tc.want.nextLen)
			}
			want := tc.want.flags
			if want == nil {
				want = []string{}
			}
			if got := whenCodes(flags); !slices.Equal(got, want) {
				t.Errorf("ParseWhen(%q) flags = %v, want %v (%v)", in, got, want, flags)
			}
			if tc.want.text != "" && s.Text != tc.want.text {
				t.Errorf("ParseWhen(%q).Text = %q, want %q", in, s.Text, tc.want.text)
			}
		})
	}
}

// whenSeed001 is the part of seed 001 (SMES-B intervisions) around its schedule,
// with the numbers of its description that are not dates.
const whenSeed001 = `Le Réseau du SMES-B, dispositif intersectoriel dans les champs de la Santé Mentale et de l'Exclusion Sociale, organise, comme chaque année, ses cycles d'*Intervisions*. Il s'agit de groupes pluridisciplinaires d'environ 10 travailleurs issus des secteurs de la santé mentale et du social.

L'Intervision est un *processus impliquant* pour le participant qui présentera, durant l'année, une situation vécue.

Le groupe se réunit une fois par mois (de novembre à juin). Une séance dure 3 heures (en ce compris une visite de l'institution qui accueille le groupe).

La participation au cycle s'élève à 120,00 €. Pour vous inscrire, merci de compléter le formulaire en ligne (un par participant) :<https://goo.gl/forms/XFUiqe1bbQHca4b13>.

Le SMES-B (Santé Mentale et Exclusion Sociale) rassemble, depuis 1993, des intervenants du social et de la santé mentale.

Christine Noël
Coordnatrice Réseau
0498/462 402
reseau@smes.be`

// whenSeedArticles are sentences of seeds 002–004 (articles) whose numbers are not dates.
const whenSeedArticles = `Par exemple, une méta-analyse a été menée par McDermut, Miller et Brown (2001), chercheurs à la Brown University.
Cette méta-analyse a examiné les résultats de 48 études internationales.
Dans leur ouvrage The Theory and Practice of Group Psychotherapy (6e édition, 2020), Irvin D. Yalom explique.
Il a fait son apparition dans les années 90 afin de soutenir l’élaboration des professionnels.
Il s’agit d’un dispositif réunissant régulièrement huit à douze professionnels.
In J. C. Norcross (Ed.), Psychotherapy relationships that work (2nd ed., pp. 301–326). Oxford University Press.
Réseau “107” pour adultes. © 2024 healing together.`

func TestParseWhenSeeds(t *testing.T) {
	whenCheck(t, []whenCase{
		{"seed 000 title", whenText("Webinaire le 30 novembre de 14h15 à 16h15"), whenWant{
			start: "2026-11-30T14:15:00+01:00", end: "2026-11-30T16:15:00+01:00", dur: 120,
			next: []string{"2026-11-30T14:15:00+01:00"}, nextLen: 1, flags: []string{"date_year_inferred"},
			text: "Webinaire le 30 novembre de 14h15 à 16h15"}},
		{"seed 000 title in markdown, then its description", whenText("**Webinaire le 30 novembre de 14h15 à 16h15**",
			"Explorés depuis le début du XXe siècle, notamment avec les groupes de psychodrame de Jacob Moreno (New-york)."), whenWant{
			start: "2026-11-30T14:15:00+01:00", end: "2026-11-30T16:15:00+01:00", dur: 120,
			next: []string{"2026-11-30T14:15:00+01:00"}, flags: []string{"date_year_inferred"},
			text: "Webinaire le 30 novembre de 14h15 à 16h15"}},
		{"seed 001 description", whenText("", "Intervisions", whenSeed001), whenWant{
			rrule: "FREQ=MONTHLY;BYMONTH=11,12,1,2,3,4,5,6", dur: 180, flags: []string{"schedule_incomplete"},
			text: "Le groupe se réunit une fois par mois (de novembre à juin). Une séance dure 3 heures (en ce compris une visite de l'institution qui accueille le groupe)."}},
		{"seeds 002-004 articles", whenText(whenSeedArticles), whenWant{}},
	})
}

func TestParseWhenDates(t *testing.T) {
	ref2024 := time.Date(2024, 11, 1, 9, 0, 0, 0, Brussels)
	whenCheck(t, []whenCase{
		// French
		{"fr full date and range", whenText("le 30 novembre 2026 de 14h15 à 16h15"), whenWant{
			start: "2026-11-30T14:15:00+01:00", end: "2026-11-30T16:15:00+01:00", dur: 120, next: []string{"2026-11-30T14:15:00+01:00"}}},
		{"fr weekday and time", whenAtRef(ref2024, "mardi 3 décembre à 19h"), whenWant{
			start: "2024-12-03T19:00:00+01:00", next: []string{"2024-12-03T19:00:00+01:00"}, flags: []string{"date_year_inferred"}}},
		{"fr numeric without year", whenText("30/11 à 14h15"), whenWant{
			start: "2026-11-30T14:15:00+01:00", next: []string{"2026-11-30T14:15:00+01:00"}, flags: []string{"date_year_inferred"}}},
		{"fr numeric with year", whenText("Date : 30/11/2026, 14h-16h"), whenWant{
			start: "2026-11-30T14:00:00+01:00", end: "2026-11-30T16:00:00+01:00", dur: 120, next: []string{"2026-11-30T14:00:00+01:00"}}},
		{"fr ordinal day", whenText("le 1er décembre"), whenWant{
			start: "2026-12-01T00:00:00+01:00", next: []string{"2026-12-01T00:00:00+01:00"}, flags: []string{"date_year_inferred"}}},
		{"fr span of days", whenText("du 3 au 5 mars 2027"), whenWant{
			start: "2027-03-03T00:00:00+01:00", end: "2027-03-05T00:00:00+01:00", next: []string{"2027-03-03T00:00:00+01:00"}}},
		{"fr span with times", whenText("du 3 au 5 mars 2027, de 9h30 à 17h"), whenWant{
			start: "2027-03-03T09:30:00+01:00", end: "2027-03-05T17:00:00+01:00", dur: 450, next: []string{"2027-03-03T09:30:00+01:00"}}},
		{"fr span over the new year", whenText("du 28 décembre au 3 janvier"), whenWant{
			start: "2026-12-28T00:00:00+01:00", end: "2027-01-03T00:00:00+01:00", next: []string{"2026-12-28T00:00:00+01:00"},
			flags: []string{"date_year_inferred"}}},
		{"fr list of days", whenText("les 3, 10 et 17 mars 2027 de 18h à 20h"), whenWant{
			start: "2027-03-03T18:00:00+01:00", end: "2027-03-03T20:00:00+01:00", dur: 120,
			next: []string{"2027-03-03T18:00:00+01:00", "2027-03-10T18:00:00+01:00", "2027-03-17T18:00:00+01:00"}, nextLen: 3}},
		{"fr two dates", whenText("le 30 novembre et le 7 décembre 2026 de 14h à 16h"), whenWant{
			start: "2026-11-30T14:00:00+01:00", end: "2026-11-30T16:00:00+01:00", dur: 120,
			next: []string{"2026-11-30T14:00:00+01:00", "2026-12-07T14:00:00+01:00"}, nextLen: 2}},
		{"fr hour word after à", whenText("le 30 novembre 2026 à 19 heures"), whenWant{
			start: "2026-11-30T19:00:00+01:00", next: []string{"2026-11-30T19:00:00+01:00"}}},
		{"fr noon", whenText("le 30 novembre 2026 de midi à 14h"), whenWant{
			start: "2026-11-30T12:00:00+01:00", end: "2026-11-30T14:00:00+01:00", dur: 120, next: []string{"2026-11-30T12:00:00+01:00"}}},
		{"fr bare start hour", whenText("le 30 novembre 2026 de 18 à 20h"), whenWant{
			start: "2026-11-30T18:00:00+01:00", end: "2026-11-30T20:00:00+01:00", dur: 120, next: []string{"2026-11-30T18:00:00+01:00"}}},
		{"fr session past midnight", whenText("le 31 décembre 2026 de 22h à 1h"), whenWant{
			start: "2026-12-31T22:00:00+01:00", end: "2027-01-01T01:00:00+01:00", dur: 180, next: []string{"2026-12-31T22:00:00+01:00"}}},
		{"fr abbreviated month", whenText("Séance le 14 janv. 2027 à 18h30"), whenWant{
			start: "2027-01-14T18:30:00+01:00", next: []string{"2027-01-14T18:30:00+01:00"}}},
		// Year inference
		{"year inferred across the new year", whenAtRef(time.Date(2026, 12, 20, 8, 0, 0, 0, Brussels), "le 5 janvier"), whenWant{
			start: "2027-01-05T00:00:00+01:00", next: []string{"2027-01-05T00:00:00+01:00"}, flags: []string{"date_year_inferred"}}},
		{"year inferred: the reference day itself", whenAtRef(time.Date(2026, 11, 30, 18, 0, 0, 0, Brussels), "le 30 novembre à 14h"), whenWant{
			start: "2026-11-30T14:00:00+01:00", next: []string{"2026-11-30T14:00:00+01:00"}, flags: []string{"date_year_inferred"}}},
		{"year inferred: 29 February", whenAtRef(time.Date(2026, 3, 1, 8, 0, 0, 0, Brussels), "le 29 février"), whenWant{
			start: "2028-02-29T00:00:00+01:00", flags: []string{"date_year_inferred"}}},
		{"no year and no reference", WhenInput{Texts: []string{"le 30 novembre"}}, whenWant{flags: []string{"date_unparsed"}}},
		{"impossible day", whenText("le 31 novembre à 19h"), whenWant{flags: []string{"date_unparsed"}}},
		{"deadline is not the date", whenText("Inscriptions avant le 15 novembre. Séance le 30 novembre 2026 à 19h."), whenWant{
			start: "2026-11-30T19:00:00+01:00", next: []string{"2026-11-30T19:00:00+01:00"}, text: "Séance le 30 novembre 2026 à 19h."}},
		{"registration date is not the date", whenText("Inscriptions jusqu'au 15 novembre, séance le 30 novembre 2026 à 19h"), whenWant{
			start: "2026-11-30T19:00:00+01:00", next: []string{"2026-11-30T19:00:00+01:00"}}},
		{"date in the past", whenText("le 3 mars 2025 à 19h"), whenWant{start: "2025-03-03T19:00:00+01:00"}},
		// Dutch
		{"nl weekday and time", whenAtRef(ref2024, "op dinsdag 3 december om 19u30"), whenWant{
			start: "2024-12-03T19:30:00+01:00", next: []string{"2024-12-03T19:30:00+01:00"}, flags: []string{"date_year_inferred"}}},
		{"nl range", whenText("3 december van 19u tot 21u"), whenWant{
			start: "2026-12-03T19:00:00+01:00", end: "2026-12-03T21:00:00+01:00", dur: 120,
			next: []string{"2026-12-03T19:00:00+01:00"}, flags: []string{"date_year_inferred"}}},
		{"nl dotted time", whenText("op 4 december 2026 om 19.30 uur"), whenWant{
			start: "2026-12-04T19:30:00+01:00", next: []string{"2026-12-04T19:30:00+01:00"}}},
		{"nl colon time with u", whenText("4 december 2026, 19:30 u"), whenWant{
			start: "2026-12-04T19:30:00+01:00", next: []string{"2026-12-04T19:30:00+01:00"}}},
		{"nl glued time", whenText("4 december 2026 om 19.30u"), whenWant{
			start: "2026-12-04T19:30:00+01:00", next: []string{"2026-12-04T19:30:00+01:00"}}},
		{"nl dotted range", whenText("op 4 december 2026 van 19.30 tot 21.30"), whenWant{
			start: "2026-12-04T19:30:00+01:00", end: "2026-12-04T21:30:00+01:00", dur: 120, next: []string{"2026-12-04T19:30:00+01:00"}}},
		{"nl span", whenText("van 3 tot 5 december 2026"), whenWant{
			start: "2026-12-03T00:00:00+01:00", end: "2026-12-05T00:00:00+01:00", next: []string{"2026-12-03T00:00:00+01:00"}}},
		// German
		{"de numeric date", whenText("am 12.03.2027 um 18:30 Uhr"), whenWant{
			start: "2027-03-12T18:30:00+01:00", next: []string{"2027-03-12T18:30:00+01:00"}}},
		{"de numeric date after le", whenText("le 12.03.2027 um 18:30 Uhr"), whenWant{
			start: "2027-03-12T18:30:00+01:00", next: []string{"2027-03-12T18:30:00+01:00"}}},
		{"de month name and range", whenText("12. März 2027, 18–20 Uhr"), whenWant{
			start: "2027-03-12T18:00:00+01:00", end: "2027-03-12T20:00:00+01:00", dur: 120, next: []string{"2027-03-12T18:00:00+01:00"}}},
		{"de abbreviated month", whenText("Treffen am 12. Mär. 2027 um 18 Uhr"), whenWant{
			start: "2027-03-12T18:00:00+01:00", next: []string{"2027-03-12T18:00:00+01:00"}}},
		{"de von bis", whenText("am Dienstag, 1. Dezember 2026 von 18 bis 20 Uhr"), whenWant{
			start: "2026-12-01T18:00:00+01:00", end: "2026-12-01T20:00:00+01:00", dur: 120, next: []string{"2026-12-01T18:00:00+01:00"}}},
		{"de span", whenText("vom 3. bis 5. März 2027"), whenWant{
			start: "2027-03-03T00:00:00+01:00", end: "2027-03-05T00:00:00+01:00", next: []string{"2027-03-03T00:00:00+01:00"}}},
		// English
		{"en pm range", whenText("on 30 November 2026, 2:15–4:15 pm"), whenWant{
			start: "2026-11-30T14:15:00+01:00", end: "2026-11-30T16:15:00+01:00", dur: 120, next: []string{"2026-11-30T14:15:00+01:00"}}},
		{"en weekday and pm", whenAtRef(ref2024, "Tuesday 3 December at 7pm"), whenWant{
			start: "2024-12-03T19:00:00+01:00", next: []string{"2024-12-03T19:00:00+01:00"}, flags: []string{"date_year_inferred"}}},
		{"en month first", whenText("Dec 3"), whenWant{
			start: "2026-12-03T00:00:00+01:00", next: []string{"2026-12-03T00:00:00+01:00"}, flags: []string{"date_year_inferred"}}},
		{"en month first with year and time", whenText("Tue, Dec 1, 2026 at 7:30 pm"), whenWant{
			start: "2026-12-01T19:30:00+01:00", next: []string{"2026-12-01T19:30:00+01:00"}}},
		{"en span", whenText("December 3–5, 2026"), whenWant{
			start: "2026-12-03T00:00:00+01:00", end: "2026-12-05T00:00:00+01:00", next: []string{"2026-12-03T00:00:00+01:00"}}},
		{"en bare range with pm", whenText("30 November 2026, 2–4 pm"), whenWant{
			start: "2026-11-30T14:00:00+01:00", end: "2026-11-30T16:00:00+01:00", dur: 120, next: []string{"2026-11-30T14:00:00+01:00"}}},
		{"en time before date", whenText("7:30 pm on 3 December 2026"), whenWant{
			start: "2026-12-03T19:30:00+01:00", next: []string{"2026-12-03T19:30:00+01:00"}}},
		// Summer time
		{"summer offset", whenText("le 30 juin 2027 à 18h"), whenWant{
			start: "2027-06-30T18:00:00+02:00", next: []string{"2027-06-30T18:00:00+02:00"}}},
	})
}

func TestParseWhenRecurrences(t *testing.T) {
	whenCheck(t, []whenCase{
		// French
		{"fr every tuesday", whenText("tous les mardis de 19h à 21h"), whenWant{
			rrule: "FREQ=WEEKLY;BYDAY=TU", start: "2026-11-03T19:00:00+01:00", end: "2026-11-03T21:00:00+01:00", dur: 120, nextLen: 10,
			next: []string{"2026-11-03T19:00:00+01:00", "2026-11-10T19:00:00+01:00", "2026-11-17T19:00:00+01:00"}}},
		{"fr chaque", whenText("chaque mardi à 19h"), whenWant{
			rrule: "FREQ=WEEKLY;BYDAY=TU", start: "2026-11-03T19:00:00+01:00", next: []string{"2026-11-03T19:00:00+01:00"}, nextLen: 10}},
		{"fr le mardi is a habit", whenText("Le mercredi après-midi de 14h à 17h"), whenWant{
			rrule: "FREQ=WEEKLY;BYDAY=WE", start: "2026-11-04T14:00:00+01:00", end: "2026-11-04T17:00:00+01:00", dur: 180,
			next: []string{"2026-11-04T14:00:00+01:00"}, nextLen: 10}},
		{"fr two days", whenText("tous les lundis et jeudis à 18h30"), whenWant{
			rrule: "FREQ=WEEKLY;BYDAY=MO,TH", start: "2026-11-02T18:30:00+01:00",
			next: []string{"2026-11-02T18:30:00+01:00", "2026-11-05T18:30:00+01:00"}, nextLen: 10}},
		{"fr first tuesday", whenText("le premier mardi du mois à 20h"), whenWant{
			rrule: "FREQ=MONTHLY;BYDAY=1TU", start: "2026-11-03T20:00:00+01:00", nextLen: 10,
			next: []string{"2026-11-03T20:00:00+01:00", "2026-12-01T20:00:00+01:00", "2027-01-05T20:00:00+01:00"}}},
		{"fr plural first tuesdays", whenText("tous les premiers mardis du mois de 20h à 22h"), whenWant{
			rrule: "FREQ=MONTHLY;BYDAY=1TU", start: "2026-11-03T20:00:00+01:00", end: "2026-11-03T22:00:00+01:00", dur: 120,
			next: []string{"2026-11-03T20:00:00+01:00", "2026-12-01T20:00:00+01:00"}, nextLen: 10}},
		{"fr first and third", whenText("le 1er et le 3e mardi du mois de 20h à 22h"), whenWant{
			rrule: "FREQ=MONTHLY;BYDAY=1TU,3TU", start: "2026-11-03T20:00:00+01:00", end: "2026-11-03T22:00:00+01:00", dur: 120,
			next: []string{"2026-11-03T20:00:00+01:00", "2026-11-17T20:00:00+01:00", "2026-12-01T20:00:00+01:00"}, nextLen: 10}},
		{"fr last friday", whenText("le dernier vendredi du mois à 19h"), whenWant{
			rrule: "FREQ=MONTHLY;BYDAY=-1FR", start: "2026-11-27T19:00:00+01:00",
			next: []string{"2026-11-27T19:00:00+01:00", "2026-12-25T19:00:00+01:00"}, nextLen: 10}},
		{"fr every other thursday without start", whenText("un jeudi sur deux, de 18h à 20h"), whenWant{
			rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", dur: 120, flags: []string{"schedule_incomplete"}}},
		{"fr every other thursday with start", whenText("un jeudi sur deux à partir du 5 novembre 2026, de 18h à 20h"), whenWant{
			rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", start: "2026-11-05T18:00:00+01:00", end: "2026-11-05T20:00:00+01:00", dur: 120,
			next: []string{"2026-11-05T18:00:00+01:00", "2026-11-19T18:00:00+01:00", "2026-12-03T18:00:00+01:00"}, nextLen: 10}},
		{"fr every other week", whenText("une semaine sur deux, le jeudi"), whenWant{
			rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", flags: []string{"schedule_incomplete"}}},
		{"fr every fifteen days", whenText("tous les quinze jours"), whenWant{
			rrule: "FREQ=WEEKLY;INTERVAL=2", flags: []string{"schedule_incomplete"}}},
		{"fr twice a month", whenText("deux fois par mois"), whenWant{
			rrule: "FREQ=WEEKLY;INTERVAL=2", flags: []string{"schedule_incomplete"}}},
		{"fr twice a month on given weeks", whenText("deux fois par mois, le 1er et le 3e jeudi, à 19h"), whenWant{
			rrule: "FREQ=MONTHLY;BYDAY=1TH,3TH", start: "2026-11-05T19:00:00+01:00",
			next: []string{"2026-11-05T19:00:00+01:00", "2026-11-19T19:00:00+01:00"}, nextLen: 10}},
		{"fr once a month with months", whenText("Le groupe se réunit une fois par mois (de novembre à juin)."), whenWant{
			rrule: "FREQ=MONTHLY;BYMONTH=11,12,1,2,3,4,5,6", flags: []string{"schedule_incomplete"}}},
		{"fr once a month on a weekday", whenText("une fois par mois le samedi de 10h à 12h"), whenWant{
			rrule: "FREQ=MONTHLY", dur: 120, flags: []string{"schedule_incomplete"}}},
		{"fr mensuel", whenText("Rencontre mensuelle"), whenWant{rrule: "FREQ=MONTHLY", flags: []string{"schedule_incomplete"}}},
		{"fr hebdomadaire", whenText("groupe hebdomadaire"), whenWant{rrule: "FREQ=WEEKLY", flags: []string{"schedule_incomplete"}}},
		{"fr every week on monday", whenText("chaque semaine, le lundi à 10h"), whenWant{
			rrule: "FREQ=WEEKLY;BYDAY=MO", start: "2026-11-02T10:00:00+01:00", next: []string{"2026-11-02T10:00:00+01:00"}, nextLen: 10}},
		{"fr no time of day", whenText("tous les mardis"), whenWant{
			rrule: "FREQ=WEEKLY;BYDAY=TU", start: "2026-11-03T00:00:00+01:00", next: []string{"2026-11-03T00:00:00+01:00"}, nextLen: 10,
			flags: []string{"schedule_incomplete"}}},
		{"fr season and second tuesday", whenText("Rencontres mensuelles de septembre à juin, le 2e mardi de 19h30 à 21h30"), whenWant{
			rrule: "FREQ=MONTHLY;BYDAY=2TU;BYMONTH=9,10,11,12,1,2,3,4,5,6", start: "2026-11-10T19:30:00+01:00",
			end: "2026-11-10T21:30:00+01:00", dur: 120, nextLen: 10,
			next: []string{"2026-11-10T19:30:00+01:00", "2026-12-08T19:30:00+01:00", "2027-01-12T19:30:00+01:00"}}},
		{"fr except summer", whenAtRef(time.Date(2027, 6, 1, 8, 0, 0, 0, Brussels), "tous les jeudis de 19h à 21h, sauf en juillet et août"), whenWant{
			rrule: "FREQ=WEEKLY;BYDAY=TH;BYMONTH=1,2,3,4,5,6,9,10,11,12", start: "2027-06-03T19:00:00+02:00",
			end: "2027-06-03T21:00:00+02:00", dur: 120, nextLen: 10,
			next: []string{"2027-06-03T19:00:00+02:00", "2027-06-10T19:00:00+02:00", "2027-06-17T19:00:00+02:00", "2027-06-24T19:00:00+02:00", "2027-09-02T19:00:00+02:00"}}},
		{"fr until", whenAtRef(time.Date(2027, 6, 1, 8, 0, 0, 0, Brussels), "tous les mardis à 19h jusqu'au 15 juin 2027"), whenWant{
			rrule: "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270615T215959Z", start: "2027-06-01T19:00:00+02:00",
			next: []string{"2027-06-01T19:00:00+02:00", "2027-06-08T19:00:00+02:00", "2027-06-15T19:00:00+02:00"}, nextLen: 3}},
		{"fr until a month", whenAtRef(time.Date(2027, 6, 1, 8, 0, 0, 0, Brussels), "le premier mardi du mois à 19h jusqu'en juillet 2027"), whenWant{
			rrule: "FREQ=MONTHLY;BYDAY=1TU;UNTIL=20270731T215959Z", start: "2027-06-01T19:00:00+02:00",
			next: []string{"2027-06-01T19:00:00+02:00", "2027-07-06T19:00:00+02:00"}, nextLen: 2}},
		{"fr season with years", whenAtRef(time.Date(2027, 5, 1, 8, 0, 0, 0, Brussels), "tous les mardis à 19h, de septembre 2026 à juin 2027"), whenWant{
			rrule: "FREQ=WEEKLY;BYDAY=TU;BYMONTH=9,10,11,12,1,2,3,4,5,6;UNTIL=20270630T215959Z", start: "2027-05-04T19:00:00+02:00",
			next: []string{"2027-05-04T19:00:00+02:00"}, nextLen: 9}},
		{"fr start date then weekly", whenText("À partir du 3 décembre 2026, tous les jeudis de 19h à 21h"), whenWant{
			rrule: "FREQ=WEEKLY;BYDAY=TH", start: "2026-12-03T19:00:00+01:00", end: "2026-12-03T21:00:00+01:00", dur: 120,
			next: []string{"2026-12-03T19:00:00+01:00", "2026-12-10T19:00:00+01:00"}, nextLen: 10}},
		{"fr start date that is not one of the days", whenText("Dès le 1er décembre 2026, tous les jeudis de 19h à 21h"), whenWant{
			rrule: "FREQ=WEEKLY;BYDAY=TH", start: "2026-12-03T19:00:00+01:00", end: "2026-12-03T21:00:00+01:00", dur: 120,
			next: []string{"2026-12-03T19:00:00+01:00", "2026-12-10T19:00:00+01:00"}, nextLen: 10}},
		{"fr unrelated date in another sentence", whenText("Journée mondiale le 10 octobre. Notre groupe se réunit chaque jeudi soir à 20h."), whenWant{
			rrule: "FREQ=WEEKLY;BYDAY=TH", start: "2026-11-05T20:00:00+01:00", next: []string{"2026-11-05T20:00:00+01:00"}, nextLen: 10,
			text: "Notre groupe se réunit chaque jeudi soir à 20h."}},
		{"fr day of the start date", whenText("Le groupe a lieu le jeudi 3 décembre 2026 à 19h, puis tous les 15 jours"), whenWant{
			rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", start: "2026-12-03T19:00:00+01:00",
			next: []string{"2026-12-03T19:00:00+01:00", "2026-12-17T19:00:00+01:00", "2026-12-31T19:00:00+01:00"}, nextLen: 10}},
		{"fr second and fourth mondays except summer", whenAtRef(time.Date(2027, 6, 1, 8, 0, 0, 0, Brussels), "Tous les 2e et 4e lundis du mois, 18h30-20h30, sauf juillet/août"), whenWant{
			rrule: "FREQ=MONTHLY;BYDAY=2MO,4MO;BYMONTH=1,2,3,4,5,6,9,10,11,12", start: "2027-06-14T18:30:00+02:00",
			end: "2027-06-14T20:30:00+02:00", dur: 120, nextLen: 10,
			next: []string{"2027-06-14T18:30:00+02:00", "2027-06-28T18:30:00+02:00", "2027-09-13T18:30:00+02:00"}}},
		// Dutch
		{"nl every tuesday", whenText("elke dinsdag van 19u tot 21u"), whenWant{
			rrule: "FREQ=WEEKLY;BYDAY=TU", start: "2026-11-03T19:00:00+01:00", end: "2026-11-03T21:00:00+01:00", dur: 120,
			next: []string{"2026-11-03T19:00:00+01:00", "2026-11-10T19:00:00+01:00"}, nextLen: 10}},
		{"nl first tuesday", whenText("iedere eerste dinsdag van de maand om 20u"), whenWant{
			rrule: "FREQ=MONTHLY;BYDAY=1TU", start: "2026-11-03T20:00:00+01:00", next: []string{"2026-11-03T20:00:00+01:00", "2026-12-01T20:00:00+01:00"}, nextLen: 10}},
		{"nl first and third", whenText("elke eerste en derde woensdag van de maand van 19u30 tot 21u30"), whenWant{
			rrule: "FREQ=MONTHLY;BYDAY=1WE,3WE", start: "2026-11-04T19:30:00+01:00", end: "2026-11-04T21:30:00+01:00", dur: 120,
			next: []string{"2026-11-04T19:30:00+01:00", "2026-11-18T19:30:00+01:00"}, nextLen: 10}},
		{"nl biweekly", whenText("tweewekelijks"), whenWant{rrule: "FREQ=WEEKLY;INTERVAL=2", flags: []string{"schedule_incomplete"}}},
		{"nl monthly", whenText("maandelijks"), whenWant{rrule: "FREQ=MONTHLY", flags: []string{"schedule_incomplete"}}},
		{"nl every two weeks on thursday", whenText("om de twee weken op donderdag"), whenWant{
			rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", flags: []string{"schedule_incomplete"}}},
		{"nl weekly on monday evening", whenText("wekelijks op maandagavond om 20u"), whenWant{
			rrule: "FREQ=WEEKLY;BYDAY=MO", start: "2026-11-02T20:00:00+01:00", next: []string{"2026-11-02T20:00:00+01:00"}, nextLen: 10}},
		{"nl once a month on saturday", whenText("een keer per maand op zaterdag"), whenWant{
			rrule: "FREQ=MONTHLY", flags: []string{"schedule_incomplete"}}},
		// German
		{"de every tuesday", whenText("jeden Dienstag 18–20 Uhr"), whenWant{
			rrule: "FREQ=WEEKLY;BYDAY=TU", start: "2026-11-03T18:00:00+01:00", end: "2026-11-03T20:00:00+01:00", dur: 120,
			next: []string{"2026-11-03T18:00:00+01:00"}, nextLen: 10}},
		{"de first tuesday", whenText("jeden ersten Dienstag im Monat um 19 Uhr"), whenWant{
			rrule: "FREQ=MONTHLY;BYDAY=1TU", start: "2026-11-03T19:00:00+01:00", next: []string{"2026-11-03T19:00:00+01:00", "2026-12-01T19:00:00+01:00"}, nextLen: 10}},
		{"de adverb", whenText("dienstags von 18 bis 20 Uhr"), whenWant{
			rrule: "FREQ=WEEKLY;BYDAY=TU", start: "2026-11-03T18:00:00+01:00", end: "2026-11-03T20:00:00+01:00", dur: 120,
			next: []string{"2026-11-03T18:00:00+01:00"}, nextLen: 10}},
		{"de monthly", whenText("monatlich"), whenWant{rrule: "FREQ=MONTHLY", flags: []string{"schedule_incomplete"}}},
		{"de weekly", whenText("wöchentlich"), whenWant{rrule: "FREQ=WEEKLY", flags: []string{"schedule_incomplete"}}},
		{"de every other thursday", whenText("Treffen jeden zweiten Donnerstag, 19–21 Uhr"), whenWant{
			rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", dur: 120, flags: []string{"schedule_incomplete"}}},
		// English
		{"en every tuesday", whenText("every Tuesday 7-9 pm"), whenWant{
			rrule: "FREQ=WEEKLY;BYDAY=TU", start: "2026-11-03T19:00:00+01:00", end: "2026-11-03T21:00:00+01:00", dur: 120,
			next: []string{"2026-11-03T19:00:00+01:00"}, nextLen: 10}},
		{"en plural", whenText("on Tuesdays, 7:30–9:30pm"), whenWant{
			rrule: "FREQ=WEEKLY;BYDAY=TU", start: "2026-11-03T19:30:00+01:00", end: "2026-11-03T21:30:00+01:00", dur: 120,
			next: []string{"2026-11-03T19:30:00+01:00"}, nextLen: 10}},
		{"en first tuesday", whenText("first Tuesday of the month at 7pm"), whenWant{
			rrule: "FREQ=MONTHLY;BYDAY=1TU", start: "2026-11-03T19:00:00+01:00", next: []string{"2026-11-03T19:00:00+01:00", "2026-12-01T19:00:00+01:00"}, nextLen: 10}},
		{"en second and fourth", whenText("every 2nd and 4th Wednesday of the month, 7:30-9:30 pm"), whenWant{
			rrule: "FREQ=MONTHLY;BYDAY=2WE,4WE", start: "2026-11-11T19:30:00+01:00", end: "2026-11-11T21:30:00+01:00", dur: 120,
			next: []string{"2026-11-11T19:30:00+01:00", "2026-11-25T19:30:00+01:00"}, nextLen: 10}},
		{"en every other thursday", whenText("every other Thursday"), whenWant{
			rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", flags: []string{"schedule_incomplete"}}},
		{"en monthly", whenText("monthly"), whenWant{rrule: "FREQ=MONTHLY", flags: []string{"schedule_incomplete"}}},
		{"en weekly", whenText("weekly"), whenWant{rrule: "FREQ=WEEKLY", flags: []string{"schedule_incomplete"}}},
		{"en duration and weekly", whenText("Sessions of 2 hours every Monday at 6pm"), whenWant{
			rrule: "FREQ=WEEKLY;BYDAY=MO", start: "2026-11-02T18:00:00+01:00", end: "2026-11-02T20:00:00+01:00", dur: 120,
			next: []string{"2026-11-02T18:00:00+01:00"}, nextLen: 10}},
		// Which text wins
		{"schedule field over a date in the description", whenText("tous les mardis de 19h à 21h", "Groupe de parole", "Prochaine rencontre le 30 novembre."), whenWant{
			rrule: "FREQ=WEEKLY;BYDAY=TU", start: "2026-11-03T19:00:00+01:00", end: "2026-11-03T21:00:00+01:00", dur: 120,
			next: []string{"2026-11-03T19:00:00+01:00"}, nextLen: 10, text: "tous les mardis de 19h à 21h"}},
		{"date field and a time in the schedule field", whenText("le 30 novembre 2026", "Atelier d'écriture", "Atelier de 14h à 16h."), whenWant{
			start: "2026-11-30T00:00:00+01:00", next: []string{"2026-11-30T00:00:00+01:00"}}},
		{"time in a sentence of its own", whenText("le 30 novembre 2026. De 14h à 16h."), whenWant{
			start: "2026-11-30T14:00:00+01:00", end: "2026-11-30T16:00:00+01:00", dur: 120, next: []string{"2026-11-30T14:00:00+01:00"}}},
	})
}

func TestParseWhenDST(t *testing.T) {
	whenCheck(t, []whenCase{
		{"weekly across the March change", whenAtRef(time.Date(2027, 3, 20, 12, 0, 0, 0, Brussels), "tous les dimanches à 19h"), whenWant{
			rrule: "FREQ=WEEKLY;BYDAY=SU", start: "2027-03-21T19:00:00+01:00", nextLen: 10,
			next: []string{"2027-03-21T19:00:00+01:00", "2027-03-28T19:00:00+02:00", "2027-04-04T19:00:00+02:00"}}},
		{"weekly across the October change", whenAtRef(time.Date(2027, 10, 20, 12, 0, 0, 0, Brussels), "every Sunday at 7pm"), whenWant{
			rrule: "FREQ=WEEKLY;BYDAY=SU", start: "2027-10-24T19:00:00+02:00", nextLen: 10,
			next: []string{"2027-10-24T19:00:00+02:00", "2027-10-31T19:00:00+01:00", "2027-11-07T19:00:00+01:00"}}},
		{"tuesdays across the March change", whenAtRef(time.Date(2027, 3, 20, 12, 0, 0, 0, Brussels), "elke dinsdag van 19u tot 21u"), whenWant{
			rrule: "FREQ=WEEKLY;BYDAY=TU", start: "2027-03-23T19:00:00+01:00", end: "2027-03-23T21:00:00+01:00", dur: 120, nextLen: 10,
			next: []string{"2027-03-23T19:00:00+01:00", "2027-03-30T19:00:00+02:00"}}},
		{"single date on the day of the change", whenText("le 28 mars 2027 à 19h"), whenWant{
			start: "2027-03-28T19:00:00+02:00", next: []string{"2027-03-28T19:00:00+02:00"}}},
		{"single date on the day clocks go back", whenText("le 31 octobre 2027 de 19h à 21h"), whenWant{
			start: "2027-10-31T19:00:00+01:00", end: "2027-10-31T21:00:00+01:00", dur: 120, next: []string{"2027-10-31T19:00:00+01:00"}}},
	})
	// A year of a weekly 19:00 meeting stays at 19:00 local time.
	s, _ := ParseWhen(whenAtRef(time.Date(2027, 1, 1, 0, 0, 0, 0, Brussels), "every Sunday at 7pm, from January to December"))
	for _, n := range s.Next {
		if n.Hour() != 19 || n.Location() != Brussels {
			t.Errorf("ParseWhen(every Sunday at 7pm).Next has %s, want 19:00 Brussels time", n)
		}
	}
}

func TestParseWhenDurations(t *testing.T) {
	whenCheck(t, []whenCase{
		{"fr session lasts", whenText("une séance dure 3 heures"), whenWant{dur: 180}},
		{"fr hours", whenText("3 heures"), whenWant{dur: 180}},
		{"fr 2h30", whenText("2h30"), whenWant{dur: 150}},
		{"fr 1h30", whenText("séances de 1h30"), whenWant{dur: 90}},
		{"fr minutes", whenText("90 minutes"), whenWant{dur: 90}},
		{"fr durée", whenText("durée : 2 heures"), whenWant{dur: 120}},
		{"fr words", whenText("La rencontre dure deux heures et demie"), whenWant{dur: 150}},
		{"nl uur", whenText("2 uur"), whenWant{dur: 120}},
		{"nl anderhalf", whenText("anderhalf uur"), whenWant{dur: 90}},
		{"nl decimal", whenText("duur: 1,5 uur"), whenWant{dur: 90}},
		{"de Stunden", whenText("2 Stunden"), whenWant{dur: 120}},
		{"en hours", whenText("2 hours"), whenWant{dur: 120}},
		{"duration fills the end", whenText("le 30 novembre 2026 à 14h. Une séance dure 3 heures."), whenWant{
			start: "2026-11-30T14:00:00+01:00", end: "2026-11-30T17:00:00+01:00", dur: 180, next: []string{"2026-11-30T14:00:00+01:00"}}},
		{"no end without a time", whenText("le 30 novembre 2026, 3 heures"), whenWant{
			start: "2026-11-30T00:00:00+01:00", dur: 180, next: []string{"2026-11-30T00:00:00+01:00"}}},
		{"a range wins over a duration", whenText("le 30 novembre 2026 de 14h à 16h (durée 3 heures)"), whenWant{
			start: "2026-11-30T14:00:00+01:00", end: "2026-11-30T16:00:00+01:00", dur: 120, next: []string{"2026-11-30T14:00:00+01:00"}}},
	})
}

func TestParseWhenStructured(t *testing.T) {
	whenCheck(t, []whenCase{
		{"ISO with offsets", WhenInput{Start: "2026-11-30T14:15:00+01:00", End: "2026-11-30T16:15:00+01:00", Ref: whenRef}, whenWant{
			start: "2026-11-30T14:15:00+01:00", end: "2026-11-30T16:15:00+01:00", dur: 120, next: []string{"2026-11-30T14:15:00+01:00"}}},
		{"ISO in UTC", WhenInput{Start: "2026-11-30T13:15:00Z", Ref: whenRef}, whenWant{
			start: "2026-11-30T14:15:00+01:00", next: []string{"2026-11-30T14:15:00+01:00"}}},
		{"ISO summer offset", WhenInput{Start: "2027-06-30T18:00:00+02:00", End: "2027-06-30T20:30:00+02:00", Ref: whenRef}, whenWant{
			start: "2027-06-30T18:00:00+02:00", end: "2027-06-30T20:30:00+02:00", dur: 150, next: []string{"2027-06-30T18:00:00+02:00"}}},
		{"naive is Brussels", WhenInput{Start: "2027-06-30T18:00", Ref: whenRef}, whenWant{
			start: "2027-06-30T18:00:00+02:00", next: []string{"2027-06-30T18:00:00+02:00"}}},
		{"Belgian numeric", WhenInput{Start: "30/11/2026 14:15", Ref: whenRef}, whenWant{
			start: "2026-11-30T14:15:00+01:00", next: []string{"2026-11-30T14:15:00+01:00"}}},
		{"date field and time in the texts", WhenInput{Start: "2026-11-30", Texts: []string{"de 14h à 16h"}, Ref: whenRef}, whenWant{
			start: "2026-11-30T14:00:00+01:00", end: "2026-11-30T16:00:00+01:00", dur: 120, next: []string{"2026-11-30T14:00:00+01:00"},
			text: "de 14h à 16h"}},
		{"structured start wins over a text date", WhenInput{Start: "2026-11-30T14:00:00+01:00", Texts: []string{"", "Atelier le 12 décembre"}, Ref: whenRef}, whenWant{
			start: "2026-11-30T14:00:00+01:00", next: []string{"2026-11-30T14:00:00+01:00"}, text: "Atelier le 12 décembre"}},
		{"free text in the start field", WhenInput{Start: "30 novembre 2026 à 14h", Ref: whenRef}, whenWant{
			start: "2026-11-30T14:00:00+01:00", next: []string{"2026-11-30T14:00:00+01:00"}, text: "30 novembre 2026 à 14h"}},
		{"unreadable start field", WhenInput{Start: "à convenir", Texts: []string{"Groupe de parole"}, Ref: whenRef}, whenWant{
			flags: []string{"date_unparsed"}, text: "à convenir"}},
		{"unreadable start field, date in the title", WhenInput{Start: "prochainement", Texts: []string{"", "Atelier le 12 décembre 2026"}, Ref: whenRef}, whenWant{
			start: "2026-12-12T00:00:00+01:00", next: []string{"2026-12-12T00:00:00+01:00"}, flags: []string{"date_unparsed"}}},
		{"end before start", WhenInput{Start: "2026-11-30T14:00:00+01:00", End: "2026-11-30T12:00:00+01:00", Ref: whenRef}, whenWant{
			start: "2026-11-30T14:00:00+01:00", next: []string{"2026-11-30T14:00:00+01:00"}, flags: []string{"end_before_start"}}},
		{"end is a time", WhenInput{Start: "2026-11-30T14:00:00+01:00", End: "16h30", Ref: whenRef}, whenWant{
			start: "2026-11-30T14:00:00+01:00", end: "2026-11-30T16:30:00+01:00", dur: 150, next: []string{"2026-11-30T14:00:00+01:00"}}},
		{"end on a later day", WhenInput{Start: "2026-11-30", End: "2026-12-02", Ref: whenRef}, whenWant{
			start: "2026-11-30T00:00:00+01:00", end: "2026-12-02T00:00:00+01:00", next: []string{"2026-11-30T00:00:00+01:00"}}},
		{"unreadable end", WhenInput{Start: "2026-11-30T14:00:00+01:00", End: "en soirée", Ref: whenRef}, whenWant{
			start: "2026-11-30T14:00:00+01:00", next: []string{"2026-11-30T14:00:00+01:00"}, flags: []string{"date_unparsed"}}},
		{"structured start of a recurrence", WhenInput{Start: "2026-11-03T19:00:00+01:00", Texts: []string{"tous les mardis"}, Ref: whenRef}, whenWant{
			rrule: "FREQ=WEEKLY;BYDAY=TU", start: "2026-11-03T19:00:00+01:00", nextLen: 10,
			next: []string{"2026-11-03T19:00:00+01:00", "2026-11-10T19:00:00+01:00"}}},
		{"old structured start of a recurrence", WhenInput{Start: "2019-01-03T19:00:00+01:00", Texts: []string{"un jeudi sur deux"}, Ref: whenRef}, whenWant{
			rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", start: "2019-01-03T19:00:00+01:00", nextLen: 10,
			next: []string{"2026-11-12T19:00:00+01:00", "2026-11-26T19:00:00+01:00"}}},
		{"far structured date is not next", WhenInput{Start: "2028-03-01T10:00:00+01:00", Ref: whenRef}, whenWant{start: "2028-03-01T10:00:00+01:00"}},
	})
}

func TestParseWhenFalsePositives(t *testing.T) {
	for _, text := range []string{
		"depuis 1993",
		"La participation au cycle s'élève à 120,00 €.",
		"d'environ 10 travailleurs",
		"Christine Noël 0498/462 402",
		"Rue Haute 12, 1000 Bruxelles",
		"Accueil 24h/24 et 7j/7",
		"Groupe pour les 18-25 ans, de 10 à 12 personnes",
		"à 30 minutes de Bruxelles, 5 minutes à pied de la gare",
		"Prix : de 15.00 à 20.00 €",
		"Inscriptions avant le 15 novembre",
		"tél. 02/511.40.20 ou 04/12 34 56",
		"version 1.2.3.4 du 12/2026",
		"Disponible 24/7",
		"(2001) 6e édition, 2020, pp. 301–326, les années 90",
		"les groupes de parole pour les familles",
		"le premier pas vers le soutien",
		whenSeedArticles,
	} {
		s, flags := ParseWhen(whenText(text))
		if s.Start != nil || s.End != nil || s.RRule != "" || s.DurationMinutes != 0 || len(s.Next) != 0 || len(flags) != 0 {
			t.Errorf("ParseWhen(%q) = start %s, end %s, rrule %q, %d min, next %v, flags %v; want nothing",
				text, whenFormat(s.Start), whenFormat(s.End), s.RRule, s.DurationMinutes, s.Next, flags)
		}
		if s.Text != CleanText(text) && !strings.HasSuffix(s.Text, "…") {
			t.Errorf("ParseWhen(%q).Text = %q, want the text itself", text, s.Text)
		}
	}
}

func TestParseWhenFlags(t *testing.T) {
	fields := map[string]struct {
		sev   Severity
		field string
	}{
		"date_unparsed":       {SeverityWarning, "schedule.start"},
		"date_year_inferred":  {SeverityInfo, "schedule.start"},
		"end_before_start":    {SeverityWarning, "schedule.end"},
		"schedule_incomplete": {SeverityInfo, "schedule"},
	}
	for _, in := range []WhenInput{
		{Start: "bientôt", Ref: whenRef},
		whenText("le 30 novembre"),
		{Start: "2026-11-30T14:00:00+01:00", End: "2026-11-30T12:00:00+01:00", Ref: whenRef},
		whenText("une fois par mois"),
	} {
		_, flags := ParseWhen(in)
		if len(flags) != 1 {
			t.Fatalf("ParseWhen(%+v) flags = %v, want one", in, flags)
		}
		f := flags[0]
		if w := fields[f.Code]; f.Severity != w.sev || f.Field != w.field || f.Message == "" {
			t.Errorf("ParseWhen(%+v) flag = %+v, want severity %s, field %s and a message", in, f, w.sev, w.field)
		}
	}
	// An unreadable end field is flagged on schedule.end.
	_, flags := ParseWhen(WhenInput{Start: "2026-11-30T14:00:00+01:00", End: "plus tard", Ref: whenRef})
	if len(flags) != 1 || flags[0].Field != "schedule.end" {
		t.Errorf("ParseWhen(end plus tard) flags = %v, want date_unparsed on schedule.end", flags)
	}
}

func TestParseWhenText(t *testing.T) {
	long := strings.Repeat("Un groupe de parole bienveillant pour partager. ", 20)
	s, _ := ParseWhen(whenText("", long))
	if n := utf8.RuneCountInString(s.Text); n > WhenMaxTextRunes || n < WhenMaxTextRunes/2 || !strings.HasSuffix(s.Text, "…") {
		t.Errorf("ParseWhen(long text).Text has %d runes (%q), want at most %d, cut with …", n, s.Text, WhenMaxTextRunes)
	}
	s, _ = ParseWhen(whenText("", "Groupe de parole", "Bienvenue. Nous nous retrouvons tous les mardis de 19h à 21h. Entrée libre."))
	if want := "Nous nous retrouvons tous les mardis de 19h à 21h."; s.Text != want {
		t.Errorf("ParseWhen(description).Text = %q, want %q", s.Text, want)
	}
	s, _ = ParseWhen(WhenInput{Ref: whenRef})
	if s.Text != "" || s.Start != nil || s.Next == nil || len(s.Next) != 0 || s.Timezone != "Europe/Brussels" {
		t.Errorf("ParseWhen(nothing) = %+v, want an empty schedule in Europe/Brussels with an empty Next", s)
	}
}

// TestParseWhenTokens checks the tokenizer and the sentence splitter.
func TestParseWhenTokens(t *testing.T) {
	toks := whenTokenize("Le 1er Décembre, 14h15–16h15 (Mär.)")
	var got []string
	for _, tk := range toks {
		got = append(got, tk.s)
	}
	want := []string{"le", "1", "er", "decembre", ",", "14", "h", "15", "-", "16", "h", "15", "(", "mar", ".", ")"}
	if !slices.Equal(got, want) {
		t.Errorf("whenTokenize = %q, want %q", got, want)
	}
	sents := whenSentences(whenTokenize("Le 12. März um 18 Uhr. Danach, am 3. Dez. 2026, gibt es mehr. Fin"))
	if len(sents) != 3 {
		t.Errorf("whenSentences split into %d sentences, want 3", len(sents))
	}
}
