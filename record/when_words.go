package record

import (
	"strings"
	"time"
)

// This file holds the words ParseWhen reads, in French, Dutch, German and English.
// Every word is folded as whenFold folds it: lower case, without diacritics
// ("août" → "aout", "März" → "marz", "één" → "een").

// whenMonths maps month names and their usual abbreviations to 1–12. An
// abbreviation may be followed by a dot in the text ("janv.", "Mär.", "Dec.").
var whenMonths = whenWordTable(map[int]string{
	1:  "janvier janv jan january januari januar janner jänner",
	2:  "fevrier fevr fev feb february februari februar",
	3:  "mars mar march maart mrt marz maerz mrz",
	4:  "avril avr apr april",
	5:  "mai may mei",
	6:  "juin jun june juni",
	7:  "juillet juil jul july juli",
	8:  "aout aug august augustus",
	9:  "septembre sept sep september",
	10: "octobre oct october oktober okt",
	11: "novembre nov november",
	12: "decembre dec december dezember dez",
})

// whenWeekdayWord is one way of writing a day of the week.
type whenWeekdayWord struct {
	day time.Weekday
	// form is 's' for a singular name ("mardi"), 'p' for a plural or adverb that
	// by itself means "every such day" ("mardis", "dinsdags", "dienstags",
	// "Tuesdays"), and 'a' for an abbreviation, read only just before a date ("Tue").
	form byte
}

// whenWeekdays maps day names to their day.
var whenWeekdays = func() map[string]whenWeekdayWord {
	m := map[string]whenWeekdayWord{}
	add := func(form byte, days [7]string) {
		for d, words := range days {
			for _, w := range strings.Fields(words) {
				m[w] = whenWeekdayWord{day: time.Weekday(d), form: form}
			}
		}
	}
	// Sunday first, as time.Weekday counts.
	add('s', [7]string{
		"dimanche zondag sonntag sunday",
		"lundi maandag montag monday",
		"mardi dinsdag dienstag tuesday",
		"mercredi woensdag mittwoch wednesday",
		"jeudi donderdag donnerstag thursday",
		"vendredi vrijdag freitag friday",
		"samedi zaterdag samstag sonnabend saturday",
	})
	add('p', [7]string{
		"dimanches zondagen zondags sonntage sonntags sundays",
		"lundis maandagen maandags montage montags mondays",
		"mardis dinsdagen dinsdags dienstage dienstags tuesdays",
		"mercredis woensdagen woensdags mittwoche mittwochs wednesdays",
		"jeudis donderdagen donderdags donnerstage donnerstags thursdays",
		"vendredis vrijdagen vrijdags freitage freitags fridays",
		"samedis zaterdagen zaterdags samstage samstags saturdays",
	})
	add('a', [7]string{"sun", "mon", "tue tues", "wed", "thu thur thurs", "fri", "sat"})
	return m
}()

// whenFrenchDays are the French day names: "le mardi" without a date means every Tuesday.
var whenFrenchDays = whenWordSet("lundi mardi mercredi jeudi vendredi samedi dimanche")

// whenDayParts end Dutch and German compounds of a day name: "maandagavond",
// "zaterdagochtend", "Dienstagabend". Those marked true are habits by themselves
// ("dinsdagavonden", "dienstagabends").
var whenDayParts = map[string]bool{
	"avond": false, "middag": false, "namiddag": false, "voormiddag": false, "ochtend": false, "morgen": false,
	"avonden": true, "middagen": true, "namiddagen": true, "voormiddagen": true, "ochtenden": true,
	"abend": false, "nachmittag": false, "vormittag": false, "mittag": false,
	"abends": true, "nachmittags": true, "vormittags": true, "mittags": true, "morgens": true,
}

// whenWeekdayOf looks a word up in whenWeekdays, and reads compounds such as
// "maandagavond" (a day) and "dinsdagavonden" (every such day).
func whenWeekdayOf(w string) (whenWeekdayWord, bool) {
	if ww, ok := whenWeekdays[w]; ok {
		return ww, true
	}
	for part, habit := range whenDayParts {
		if day, ok := strings.CutSuffix(w, part); ok {
			if ww, ok := whenWeekdays[day]; ok && ww.form == 's' {
				if habit {
					ww.form = 'p'
				}
				return ww, true
			}
		}
	}
	return whenWeekdayWord{}, false
}

// whenRRuleDays are the RFC 5545 names of the days, indexed by time.Weekday.
var whenRRuleDays = [7]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// whenOrdinalWords are the ordinals that pick a week of the month; -1 is the last.
var whenOrdinalWords = whenWordTable(map[int]string{
	1:  "premier premiere premiers premieres eerste erste ersten erster erstes first",
	2:  "deuxieme deuxiemes second seconde seconds secondes tweede zweite zweiten zweiter",
	3:  "troisieme troisiemes derde dritte dritten dritter third",
	4:  "quatrieme quatriemes vierde vierte vierten vierter fourth",
	-1: "dernier derniere derniers dernieres laatste letzte letzten letzter last",
})

// whenOrdinalSuffixes follow a digit to make an ordinal: "1er", "2e", "3de", "4th".
var whenOrdinalSuffixes = whenWordSet("er re ere e eme ieme me de ste st nd rd th")

// whenNumberWords are the numbers written out that schedules use.
var whenNumberWords = whenWordTable(map[int]string{
	1:  "un une een ein eine einen one",
	2:  "deux twee zwei two other andere",
	3:  "trois drie drei three",
	4:  "quatre vier four",
	14: "quatorze veertien vierzehn fourteen",
	15: "quinze vijftien funfzehn fifteen",
})

// whenTimeCues introduce a single time of day: "à 19h", "om 19u", "um 18 Uhr", "at 7pm".
var whenTimeCues = whenWordSet("a vers des om rond rondom tegen vanaf um gegen ab at around from")

// whenRangeLeads open a range of times or of days: "de 14h à 16h", "du 3 au 5 mars".
var whenRangeLeads = whenWordSet("de du des van von vom from entre tussen zwischen between")

// whenListSeps join the items of a list: "les 3, 10 et 17 mars", "lundis et jeudis".
var whenListSeps = whenWordSet("et en und and ou of oder or")

// whenArticles may stand before a date or a day in a list: "le 3 et le 10 mars".
var whenArticles = whenWordSet("le la les l de den der die het the am on op")

// whenDeadlineCues, just before a date, make it a deadline rather than a meeting:
// "avant le 15 novembre", "voor 3 december", "before 3 December", "vor dem 3. März".
var whenDeadlineCues = whenWordSet("avant voor before vor uiterlijk deadline")

// whenRegistrationWords, before a date in the same sentence, make it a deadline too:
// "inscriptions jusqu'au 15 novembre".
var whenRegistrationWords = whenWordSet(`inscription inscriptions inscrire inscrivez inschrijven
	inschrijving inschrijvingen aanmelden aanmelding anmeldung anmelden anmeldeschluss
	registration register registrations`)

// whenUntilCues mark a date that ends a recurrence: "jusqu'au 30 juin", "tot 30 juni".
var whenUntilCues = whenWordSet("jusqu jusque tot bis until till through")

// whenExceptCues open months a recurrence skips: "sauf en juillet et août",
// "pas de séance en juillet", "behalve in juli", "außer August", "except August".
var whenExceptCues = whenWordSet(`sauf hors excepte exceptes pas behalve uitgezonderd buiten geen niet
	ausser ausgenommen keine nicht except excluding no not`)

// whenEveryCues start a recurrence on named days: "tous les mardis", "elke dinsdag",
// "jeden Dienstag", "every Tuesday". Plural days ("les mardis", "on Tuesdays") need no cue.
var whenEveryCues = whenPhrases(`tous les | toutes les | chaque | a chaque | elke | iedere | ieder |
	jeden | jede | jedes | jeweils | every | each`)

// whenMonthScopes say that a day is counted within the month: "du mois",
// "van de maand", "im Monat", "of the month".
var whenMonthScopes = whenPhrases(`du mois | de chaque mois | de tous les mois | de mois | par mois | chaque mois |
	van de maand | van elke maand | van iedere maand | in de maand | per maand | elke maand | vd maand |
	im monat | des monats | eines monats | jedes monats | pro monat | jeden monat |
	of the month | of every month | of each month | of a month | a month | per month | each month | every month | monthly`)

// whenFreqPhrase is a phrase that gives a frequency. In its pattern "#" is a number
// (digits or a number word); what the number means is said by num.
type whenFreqPhrase struct {
	pat  []string
	freq string // "WEEKLY" or "MONTHLY"
	// num is "count" (times per period: 1 or 2), "interval" (every n periods: 1–4),
	// "days" (every n days: 7, 8 → weekly; 14, 15 → every other week) or "".
	num      string
	interval int // when num is ""
	count    int // when num is "": times per period (0 means 1)
}

// whenFreqPhrases are the frequency phrases, longest first where one begins another.
var whenFreqPhrases = func() []whenFreqPhrase {
	var out []whenFreqPhrase
	add := func(freq, num string, interval, count int, pats string) {
		for _, p := range strings.Split(pats, "|") {
			if f := strings.Fields(p); len(f) > 0 {
				out = append(out, whenFreqPhrase{pat: f, freq: freq, num: num, interval: interval, count: count})
			}
		}
	}
	const w, m = "WEEKLY", "MONTHLY"
	// Times per period.
	add(m, "count", 0, 0, `# fois par mois | # x par mois | # fois / mois | # x / mois | # fois le mois |
		# keer per maand | # keer in de maand | # maal per maand | # x per maand | # x / maand | # keer / maand |
		# mal im monat | # mal pro monat | # mal in monat | # x im monat | # x pro monat |
		# times a month | # times per month | # x a month | # x per month | # time a month | # time per month`)
	add(w, "count", 0, 0, `# fois par semaine | # x par semaine | # fois / semaine | # x / semaine |
		# keer per week | # keer in de week | # maal per week | # x per week | # x / week | # keer / week |
		# mal pro woche | # mal in der woche | # mal die woche | # x pro woche | # x die woche |
		# times a week | # times per week | # x a week | # x per week | # time a week | # time per week`)
	add(m, "", 1, 1, `eenmaal per maand | einmal im monat | einmal pro monat | einmal monatlich | once a month | once per month | once monthly`)
	add(m, "", 1, 2, `tweemaal per maand | zweimal im monat | zweimal pro monat | twice a month | twice per month | twice monthly |
		bimensuel | bimensuelle | bimensuels | bimensuelles | semi - monthly | semimonthly`)
	add(w, "", 1, 1, `eenmaal per week | einmal pro woche | einmal in der woche | einmal die woche | once a week | once per week | once weekly`)
	add(w, "", 1, 2, `tweemaal per week | zweimal pro woche | zweimal in der woche | zweimal die woche | twice a week | twice per week | twice weekly |
		bihebdomadaire | bihebdomadaires`)
	// Every n periods.
	add(m, "interval", 0, 0, `tous les # mois | un mois sur # | om de # maanden | alle # monate | every # months | every # month`)
	add(w, "interval", 0, 0, `toutes les # semaines | une semaine sur # | om de # weken | elke # weken | iedere # weken |
		alle # wochen | jede # woche | jeden # woche | every # weeks | every # week`)
	add(w, "days", 0, 0, `tous les # jours | om de # dagen | alle # tage | every # days`)
	add(w, "", 2, 1, `tweewekelijks | tweewekelijkse | zweiwochentlich | zweiwochentliche | zweiwochentlichen |
		vierzehntagig | vierzehntagige | vierzehntagigen | vierzehntaglich | biweekly | bi - weekly | fortnightly`)
	add(w, "", 3, 1, `driewekelijks | driewekelijkse | dreiwochentlich`)
	add(m, "", 1, 1, `tous les mois | chaque mois | mensuel | mensuelle | mensuels | mensuelles | mensuellement |
		elke maand | iedere maand | om de maand | maandelijks | maandelijkse |
		jeden monat | monatlich | monatliche | monatlichen | monatlicher | every month | each month | monthly`)
	add(w, "", 1, 1, `toutes les semaines | chaque semaine | hebdomadaire | hebdomadaires | hebdomadairement | hebdo |
		elke week | iedere week | om de week | wekelijks | wekelijkse |
		jede woche | jeden woche | wochentlich | wochentliche | wochentlichen | every week | each week | weekly`)
	return out
}()

// whenFreqIndex holds whenFreqPhrases by their first word, "#" for a number.
var whenFreqIndex = func() map[string][]whenFreqPhrase {
	m := map[string][]whenFreqPhrase{}
	for _, f := range whenFreqPhrases {
		m[f.pat[0]] = append(m[f.pat[0]], f)
	}
	return m
}()

// whenDurationUnits are the words of a duration: hours ('h') or minutes ('m').
var whenDurationUnits = map[string]byte{
	"heure": 'h', "heures": 'h', "h": 'h', "hr": 'h', "hrs": 'h', "uur": 'h', "u": 'h',
	"stunde": 'h', "stunden": 'h', "std": 'h', "hour": 'h', "hours": 'h',
	"minute": 'm', "minutes": 'm', "min": 'm', "mins": 'm', "minuten": 'm', "minuut": 'm',
}

// whenDurationCues introduce a duration: "une séance dure 3 heures", "durée : 2h30",
// "duurt 2 uur", "Dauer: 2 Stunden", "lasts 2 hours", "pendant 1h30".
var whenDurationCues = whenWordSet(`dure durent duree durees pendant durant duur duurt gedurende
	dauer dauert dauern wahrend lasts last lasting duration for sessions seances seance sessies sessie
	sitzungen sitzung session`)

// whenTravelWords follow a number of minutes that is a distance, not a duration:
// "à 10 minutes à pied", "30 minutes de Bruxelles".
var whenTravelWords = whenWordSet("a de d du des from van von vom walk drive en lopen rijden fuss")

// whenWordTable maps each word of the space-separated lists to its key.
func whenWordTable(lists map[int]string) map[string]int {
	m := map[string]int{}
	for k, words := range lists {
		for _, w := range strings.Fields(words) {
			m[w] = k
		}
	}
	return m
}

// whenWordSet makes a set of space-separated words.
func whenWordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// whenPhrases splits "|"-separated phrases into their words.
func whenPhrases(list string) [][]string {
	var out [][]string
	for _, p := range strings.Split(list, "|") {
		if f := strings.Fields(p); len(f) > 0 {
			out = append(out, f)
		}
	}
	return out
}
