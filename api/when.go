package api

import (
	"strings"

	"github.com/ensemble-be/ensemble/record"
)

// timePhrases are ways of saying when in a query, folded, with the when= value they
// stand for. Only phrases that cannot be the name of a group: "week-end" alone can be
// ("retraite de week-end"), "ce week-end" cannot.
var timePhrases = []struct{ phrase, when string }{
	{"ce week end", "weekend"}, {"ce weekend", "weekend"}, {"this weekend", "weekend"},
	{"dit weekend", "weekend"}, {"deze weekend", "weekend"}, {"dieses wochenende", "weekend"},
	{"am wochenende", "weekend"},
	{"aujourd hui", "today"}, {"today", "today"}, {"vandaag", "today"}, {"heute", "today"},
	{"demain", "tomorrow"}, {"tomorrow", "tomorrow"},
	{"cette semaine", "week"}, {"this week", "week"}, {"deze week", "week"}, {"diese woche", "week"},
	{"ce mois ci", "month"}, {"ce mois", "month"}, {"this month", "month"}, {"deze maand", "month"},
	{"diesen monat", "month"},
}

// extractWhen finds a time phrase in the text someone typed ("groupe de parole ce
// week-end") and returns the text without it and the when= value it stands for; ""
// when the text names no time.
func extractWhen(text string) (rest, when string) {
	words := strings.Fields(text)
	folded := make([]string, len(words))
	for i, w := range words {
		// Hyphens and apostrophes split words here as they do in the index.
		folded[i] = strings.Join(strings.FieldsFunc(record.Fold(w), func(r rune) bool {
			return r == '-' || r == '\'' || r == '’' || r == ',' || r == '.' || r == '!' || r == '?'
		}), " ")
	}
	for _, tp := range timePhrases {
		want := strings.Fields(tp.phrase)
		for i := range words {
			// Match the phrase's words against the folded words from i on, a folded
			// word possibly holding several ("week-end" → "week end").
			var got []string
			j := i
			for j < len(words) && len(got) < len(want) {
				got = append(got, strings.Fields(folded[j])...)
				j++
			}
			if len(got) == len(want) && strings.Join(got, " ") == tp.phrase {
				rest := strings.Join(append(append([]string{}, words[:i]...), words[j:]...), " ")
				return rest, tp.when
			}
		}
	}
	return text, ""
}
