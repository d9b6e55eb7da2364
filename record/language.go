package record

import (
	"math"
	"strings"
	"unicode"
)

// Language detection
//
// DetectLanguage tells French, Dutch, German and English apart in the short texts
// listings are made of. It is small and explainable; nothing is downloaded or trained
// outside this file. Every language gets a score in nats (natural-log units), the
// sum of three kinds of evidence found in the lower-cased text:
//
//   - words: each word found in a language's word list (function words such as
//     "de", "het", "und", "the", and common words of group listings such as "groupe",
//     "praatgroep", "Selbsthilfegruppe", "support") adds langWordWeight to that
//     language, shared equally when the word is in several lists ("de" is French and
//     Dutch). French elisions (l', d', qu') and English 's and n't count as words;
//   - letters: characters only one language writes (ß, ä, ö, ü for German; é, è, ê,
//     à, ç, œ for French; ë, ï for Dutch and French) add langLetterWeight each;
//   - trigrams: every three-letter sequence of the accent-folded words, padded with
//     a space at each end, adds langTrigramWeight × log P(trigram | language), the
//     probabilities coming from the sample texts in langSamples (add-one smoothed).
//     This carries words no list has: compounds ("Schreibwerkstatt",
//     "ervaringsdeskundigen") and inflections.
//
// A softmax of the four scores gives the confidence of the best language. The
// answer is "" (unknown) when the text has fewer than langMinLetters letters, when
// the confidence is below LanguageMinConfidence, or when the text is mixed: split at
// line breaks, "/", "|" and spaced dashes, at least two parts are each confidently
// in different languages and the second language holds at least langMixedShare of
// the letters ("Groupe de parole / Praatgroep").

// LanguageMinConfidence is the confidence below which DetectLanguage answers "".
// Over the 100 labelled texts of language_test.go and 148 titles and descriptions of
// the demo site and parser fixtures, the only wrong guess had a confidence of 0.37
// and the lowest right ones 0.75 to 0.80; 0.8 also leaves single words used in
// several languages unknown ("Contact" 0.71, "Workshop" 0.78, "Kunsttherapie" 0.73).
const LanguageMinConfidence = 0.8

const (
	langMinLetters    = 4    // fewer letters than this: too short to tell
	langWordWeight    = 2.5  // nats per word-list hit
	langLetterWeight  = 1.5  // nats per language-specific letter
	langTrigramWeight = 0.35 // tempers the trigram log-likelihoods (they are not independent)
	langMixedShare    = 0.25 // minimum share of letters of a second language for "mixed"
)

// langCodes are the languages DetectLanguage knows, in tie-breaking order.
var langCodes = [...]string{"fr", "nl", "de", "en"}

// langWords are the word lists, accent-folded and lower-cased.
var langWords = [len(langCodes)]string{
	// fr
	`le la les un une des du de et ou en au aux a dans par pour sur avec sans sous chez entre vers
	est sont sera seront etre ete avoir ont ce cette ces cet se sa son ses leur leurs nous vous ils
	elles il elle on qui que quoi dont ne pas plus tres aussi comme mais donc car si tout tous toute
	toutes meme autre autres notre nos votre vos chaque peut peuvent pouvez etes sommes fait faire
	lors apres avant depuis pendant ainsi y lieu ont deux trois quatre cinq six huit dix premier
	premiere une fois jour jours heure heures soir soiree matin semaine mois an ans annee
	groupe groupes parole paroles deuil soutien proches proche personne personnes atelier ateliers
	sante mentale mental seance seances rencontre rencontres inscription inscriptions gratuit gratuite
	animation anime animee animes accompagnement trouble troubles psychique psychiques famille
	familles parents enfants adolescents jeunes adultes femmes hommes aidants aidant entraide cercle
	echange echanges vie bien-etre souffrance angoisse anxiete depression epuisement professionnel
	professionnels formation pratiques pratique clinique therapeutique therapeutiques therapie
	webinaire psychoeducation retablissement lundi mardi mercredi jeudi vendredi samedi dimanche
	janvier fevrier mars avril juin juillet aout septembre octobre novembre decembre prix ecriture
	ensemble autour emotions partage partager parler vivre vivent espace lien liens aide soins
	reseau service maison centre equipe travail travailleurs sociaux social participants
	participation ouvert ouverte libre demande information informations places telephone
	rendez-vous endeuilles malades maladie patients proposons propose ceux celles quelque chose`,
	// nl
	`de het een en van in op te met voor naar bij aan door om over uit tot of dat die dit deze wie
	wat wij we je jij u uw ons onze hun zij ze hij zijn is was wordt worden werd kan kunnen kunt
	niet geen ook als maar nog al meer hoe waar er elke elk ieder iedere telkens samen na sinds
	tijdens per heel zeer veel weinig hier daar dan toe mee wel zo nu even eerste tweede twee drie
	vier vijf zes acht tien jaar maand week dag avond avonden uur uren keer
	praatgroep praatgroepen lotgenotengroep lotgenoten zelfhulpgroep gespreksgroep groep groepen
	rouw verlies naasten naaste ouders kinderen jongeren volwassenen mensen psychische kwetsbaarheid
	geestelijke gezondheid gezondheidszorg ondersteuning begeleiding begeleid begeleider
	vrijwilliger vrijwilligers ervaringsdeskundige ervaringsdeskundigen deelnemers deelname
	maandelijks wekelijks inschrijving inschrijven gratis maandag dinsdag woensdag donderdag
	vrijdag zaterdag zondag januari februari maart mei augustus oktober steun steungroep
	depressie herstel verhaal ervaringen ervaring delen praten luisteren veilige plek reeks sessie
	sessies opleiding vorming intervisie supervisie kunsttherapie schrijfatelier zorg welzijn
	huisartsen huisarts psychologen psycholoog plaats plaatsen welkom leven omgaan zoeken
	bijeenkomst bijeenkomsten gesprek gesprekken vragen thema partner partners familie familieleden
	angst paniek atelier workshop`,
	// de
	`der die das den dem des ein eine einer einem einen eines und oder mit fur von vom zu zum zur
	auf bei nach im am an aus als auch nicht wir sie ihr ihre ihren unser unsere es sich ist sind
	wird werden kann konnen war hat haben uber durch sowie jeden jeder jede alle wie was wer wo
	wenn dass noch nur schon sehr mehr hier dort um bis seit wahrend gegen ohne zwischen einmal
	zwei drei vier funf sechs acht zehn jahr jahre jahren monat monate woche wochen tag tage abend
	abende uhr
	gruppe gruppen selbsthilfegruppe selbsthilfe angehorige angehorigen trauer trauergruppe
	gesprachsgruppe gesprachskreis treffen treff treffpunkt betroffene betroffenen psychisch
	psychische psychischen gesundheit beratung begleitung unterstutzung austausch kinder
	jugendliche eltern familien frauen manner menschen erwachsene erwachsenen kostenlos anmeldung
	montag dienstag mittwoch donnerstag freitag samstag sonntag januar februar marz juni juli
	oktober dezember vortrag kurs leitung erkrankung erkrankungen sucht hilfe angebot teilnahme
	teilnehmer teilnehmende raum erfahrungen erfahrung sprechen gemeinsam herzlich willkommen
	stunden leben alltag fragen fachkrafte angst panik workshop`,
	// en
	`the a an and or of to in on at for with without by from about into as is are was were be been
	will can could our your their we you they it its this that these those who which what how when
	where not no more all each every other some any there here up out after before over under
	between one two three four five six eight ten first second week weeks month year years day days
	evening evenings hour hours time times
	group groups support peer peers circle grief loss meeting meetings session sessions mental
	health anxiety people families family carers caregivers parents children young adults women men
	free registration register workshop weekly monthly monday tuesday wednesday thursday friday
	saturday sunday january february march april may june july august september october november
	december led facilitated facilitator share sharing stories recovery healing together living
	living with after through talk talking space safe join welcome anyone open course self-help
	experience experiences understand help helps place places volunteer volunteers needed please`,
}

// langSamples are short texts in each language, written in the style of group
// listings, from which the trigram profiles are counted.
var langSamples = [len(langCodes)]string{
	// fr
	`Le groupe de parole accueille toutes les personnes touchées par la perte d'un proche. Chaque
	rencontre commence par un tour de table, puis chacun peut partager ce qu'il vit, à son rythme,
	dans le respect et la confidentialité. Les séances sont animées par une psychologue et une
	bénévole formée à l'écoute. L'atelier d'expression créative propose de mettre en forme les
	émotions par la peinture, le collage et l'écriture, sans aucune compétence artistique requise.
	Ce cycle de psychoéducation s'adresse aux familles et aux proches de personnes souffrant de
	schizophrénie : comprendre la maladie, reconnaître les signes de rechute, trouver des
	ressources et prendre soin de soi. Les intervisions réunissent des travailleurs sociaux, des
	infirmiers et des éducateurs autour de situations cliniques complexes rencontrées sur le
	terrain. La participation est gratuite mais l'inscription préalable est indispensable, car le
	nombre de places est limité. Les rencontres ont lieu le mercredi soir, de dix-neuf heures à
	vingt et une heures, dans les locaux de l'association, près de la gare. Un entretien individuel
	préalable permet de vérifier que le groupe correspond à vos attentes. Les jeunes adultes
	trouveront ici un lieu bienveillant pour parler de leurs difficultés, de leurs angoisses et de
	leurs projets. Nous travaillons en réseau avec les services de santé mentale, les maisons
	médicales et les centres publics d'action sociale de la région. Pour toute information,
	n'hésitez pas à nous contacter par courriel ou par téléphone pendant les heures de bureau.`,
	// nl
	`De praatgroep is er voor iedereen die een dierbare verloren heeft. Elke bijeenkomst begint met
	een korte kennismaking, daarna kan wie wil vertellen hoe het de voorbije weken ging. We luisteren
	naar elkaar zonder oordeel en wat gezegd wordt, blijft in de groep. De avonden worden begeleid
	door een psychologe en een vrijwilliger met eigen ervaring. In het creatieve atelier geven we
	vorm aan gevoelens met verf, klei en woorden; je hoeft helemaal geen kunstenaar te zijn. Deze
	psycho-educatieve reeks richt zich tot familieleden en vrienden van mensen met een psychose:
	wat gebeurt er precies, hoe herken je de eerste signalen van herval, waar vind je hulp en hoe
	zorg je ook goed voor jezelf? Tijdens de intervisie bespreken hulpverleners uit verschillende
	diensten moeilijke situaties uit hun dagelijkse praktijk. Deelnemen kost niets, maar vooraf
	inschrijven is noodzakelijk omdat het aantal plaatsen beperkt is. We komen samen op woensdag van
	zeven tot negen uur 's avonds in het buurthuis vlak bij het station. Een kort
	kennismakingsgesprek vooraf helpt om na te gaan of de groep bij jou past. Jongvolwassenen vinden
	hier een warme plek om te praten over wat hen bezighoudt, over hun zorgen en hun dromen. We
	werken samen met centra voor geestelijke gezondheidszorg, wijkgezondheidscentra en het OCMW.
	Heb je nog vragen, neem dan gerust contact met ons op via mail of telefoon tijdens de
	kantooruren.`,
	// de
	`Die Gesprächsgruppe steht allen Menschen offen, die einen nahestehenden Menschen verloren
	haben. Jedes Treffen beginnt mit einer kurzen Vorstellungsrunde, danach kann jeder erzählen,
	wie es ihm in den letzten Wochen ergangen ist. Wir hören einander zu, ohne zu urteilen, und was
	gesagt wird, bleibt in der Gruppe. Die Abende werden von einer Psychologin und einer
	ehrenamtlichen Begleiterin mit eigener Erfahrung geleitet. In der kreativen Werkstatt geben wir
	unseren Gefühlen mit Farbe, Ton und Worten eine Form; künstlerische Vorkenntnisse sind nicht
	nötig. Diese Reihe zur Psychoedukation richtet sich an Familienmitglieder und Freunde von
	Menschen mit einer Psychose: Was passiert genau, wie erkennt man die ersten Anzeichen eines
	Rückfalls, wo findet man Hilfe und wie sorgt man gut für sich selbst? In der Intervision
	besprechen Fachleute aus verschiedenen Diensten schwierige Situationen aus ihrem beruflichen
	Alltag. Die Teilnahme kostet nichts, eine vorherige Anmeldung ist aber notwendig, weil die Zahl
	der Plätze begrenzt ist. Wir treffen uns mittwochs von neunzehn bis einundzwanzig Uhr im
	Begegnungszentrum gleich neben dem Bahnhof. Ein kurzes Vorgespräch hilft herauszufinden, ob die
	Gruppe zu Ihnen passt. Junge Erwachsene finden hier einen geschützten Ort, um über ihre Sorgen,
	Ängste und Wünsche zu sprechen. Wir arbeiten mit Beratungsstellen, Kliniken und sozialen
	Diensten der Region zusammen. Bei Fragen wenden Sie sich gerne per E-Mail oder telefonisch
	während der Bürozeiten an uns.`,
	// en
	`The support group is open to everyone who has lost someone close to them. Each meeting starts
	with a short round of introductions, and then anyone who wishes can talk about how the past
	weeks have been. We listen to each other without judgement, and what is said stays within the
	group. The evenings are facilitated by a psychologist and a volunteer with lived experience. In
	the creative workshop we give shape to our feelings with paint, clay and words; you do not need
	to be an artist at all. This psychoeducation series is aimed at relatives and friends of people
	with psychosis: what exactly happens, how do you recognise the early warning signs of relapse,
	where can you find help and how do you look after yourself? During peer consultation, workers
	from different services discuss difficult situations from their daily practice. Taking part is
	free of charge, but booking in advance is necessary because the number of places is limited. We
	get together on Wednesdays from seven until nine in the evening at the neighbourhood centre
	right next to the station. A brief conversation beforehand helps to check whether the group is
	right for you. Young adults will find a warm and friendly place here to talk about their
	worries, fears and hopes. We work closely with mental health services, community health
	centres and social services in the area. If you have any questions, feel free to get in touch
	by email or phone during office hours.`,
}

// langLetters are letters that, in this four-language setting, point to languages.
var langLetters = map[rune][]int{
	'ß': {2}, 'ä': {2}, 'ö': {2}, 'ü': {2},
	'é': {0}, 'è': {0}, 'ê': {0}, 'à': {0}, 'ç': {0}, 'œ': {0}, 'â': {0}, 'î': {0}, 'ô': {0}, 'û': {0}, 'ù': {0},
	'ë': {0, 1}, 'ï': {0, 1},
}

// langModel is the word and trigram evidence built once from langWords and langSamples.
type langModel struct {
	words    map[string][]int                   // word → languages listing it
	trigrams [len(langCodes)]map[string]float64 // log P(trigram | language)
	unseen   [len(langCodes)]float64            // log P of a trigram absent from the sample
}

var langDetector = newLangModel()

func newLangModel() *langModel {
	m := &langModel{words: map[string][]int{}}
	for li, list := range langWords {
		for _, w := range strings.Fields(list) {
			if !containsInt(m.words[w], li) {
				m.words[w] = append(m.words[w], li)
			}
		}
	}
	for li, sample := range langSamples {
		counts := map[string]int{}
		total := 0
		for _, w := range langTokens(sample) {
			langEachTrigram(w.folded, func(t string) {
				counts[t]++
				total++
			})
		}
		// Add-one smoothing over the seen trigrams plus a pool for unseen ones.
		denom := float64(total + len(counts) + 1000)
		m.trigrams[li] = make(map[string]float64, len(counts))
		for t, c := range counts {
			m.trigrams[li][t] = math.Log(float64(c+1) / denom)
		}
		m.unseen[li] = math.Log(1 / denom)
	}
	return m
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// langToken is a word of the text: lower-cased, and lower-cased without accents.
type langToken struct {
	lower, folded string
}

// langTokens splits s into lower-case words of letters, keeping inner apostrophes
// and hyphens ("l'hôpital", "burn-out").
func langTokens(s string) []langToken {
	var out []langToken
	var b strings.Builder
	flush := func() {
		w := strings.Trim(b.String(), "'-")
		b.Reset()
		if w != "" {
			out = append(out, langToken{lower: w, folded: Fold(w)})
		}
	}
	for _, c := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(c):
			b.WriteRune(c)
		case c == '\'' || c == '’' || c == '-':
			if c == '’' {
				c = '\''
			}
			b.WriteRune(c)
		default:
			flush()
		}
	}
	flush()
	return out
}

// langEachTrigram calls f with each trigram of " word " (letters only).
func langEachTrigram(word string, f func(string)) {
	r := make([]rune, 0, len(word)+2)
	r = append(r, ' ')
	for _, c := range word {
		if unicode.IsLetter(c) {
			r = append(r, c)
		} else {
			r = append(r, ' ')
		}
	}
	r = append(r, ' ')
	for i := 0; i+3 <= len(r); i++ {
		if r[i+1] == ' ' { // a trigram centred on a gap says nothing
			continue
		}
		f(string(r[i : i+3]))
	}
}

// langElisions are French elided words (l'hôpital) and English clitics (people's,
// don't) that count as a word hit of their language.
var (
	langFrenchElisions = []string{"l'", "d'", "qu'", "j'", "n'", "s'", "c'", "m'", "t'", "jusqu'", "lorsqu'", "puisqu'"}
	langEnglishClitics = []string{"'s", "n't", "'re", "'ll", "'ve"}
)

// scores returns the evidence of each language in tokens, and the letters counted.
func (m *langModel) scores(tokens []langToken) (s [len(langCodes)]float64, letters int) {
	add := func(langs []int, weight float64) {
		for _, li := range langs {
			s[li] += weight / float64(len(langs))
		}
	}
	for _, tok := range tokens {
		for _, c := range tok.lower {
			if unicode.IsLetter(c) {
				letters++
			}
			if langs, ok := langLetters[c]; ok {
				add(langs, langLetterWeight)
			}
		}
		word := tok.folded
		for _, e := range langFrenchElisions {
			if strings.HasPrefix(word, e) && len(word) > len(e) {
				add([]int{0}, langWordWeight)
				word = word[len(e):]
				break
			}
		}
		for _, e := range langEnglishClitics {
			if strings.HasSuffix(word, e) && len(word) > len(e) {
				add([]int{3}, langWordWeight)
				word = word[:len(word)-len(e)]
				break
			}
		}
		if langs, ok := m.words[word]; ok {
			add(langs, langWordWeight)
		} else if i := strings.IndexByte(word, '-'); i > 0 {
			// "psycho-éducation", "self-help": try the parts.
			for _, part := range strings.Split(word, "-") {
				if langs, ok := m.words[part]; ok {
					add(langs, langWordWeight/2)
				}
			}
		}
		langEachTrigram(word, func(t string) {
			for li := range langCodes {
				lp, ok := m.trigrams[li][t]
				if !ok {
					lp = m.unseen[li]
				}
				s[li] += langTrigramWeight * lp
			}
		})
	}
	return s, letters
}

// softmaxBest returns the index of the best score and its softmax probability.
func softmaxBest(s [len(langCodes)]float64) (best int, p float64) {
	for i := range s {
		if s[i] > s[best] {
			best = i
		}
	}
	var sum float64
	for i := range s {
		sum += math.Exp(s[i] - s[best])
	}
	return best, 1 / sum
}

// DetectLanguage guesses the language of a listing's text among fr, nl, de and en,
// with a confidence in [0, 1] (the softmax probability of the best language). It
// returns "" when the text is too short (fewer than 4 letters), ambiguous (confidence
// below LanguageMinConfidence; the confidence is still returned) or mixed (two
// languages, each in parts of their own: "Groupe de parole / Praatgroep"). The
// comment at the top of language.go explains the scoring.
func DetectLanguage(text string) (lang string, confidence float64) {
	text = langStripLinks(text)
	tokens := langTokens(text)
	s, letters := langDetector.scores(tokens)
	if letters < langMinLetters {
		return "", 0
	}
	best, p := softmaxBest(s)
	if p < LanguageMinConfidence {
		return "", p
	}
	if langIsMixed(text, letters) {
		return "", 0
	}
	return langCodes[best], p
}

// langStripLinks removes the words that hold a URL or an email address: their
// letters are names, not language.
func langStripLinks(text string) string {
	if !strings.ContainsAny(text, "@:.") {
		return text
	}
	var b strings.Builder
	for _, line := range strings.SplitAfter(text, "\n") {
		for i, w := range strings.Fields(line) {
			lw := strings.ToLower(w)
			if strings.Contains(lw, "@") || strings.Contains(lw, "://") || strings.HasPrefix(strings.TrimLeft(lw, "<(["), "www.") {
				continue
			}
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(w)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// langIsMixed reports whether the parts of text (split at line breaks, "/", "|" and
// spaced dashes) are confidently in at least two languages, the second holding at
// least langMixedShare of the letters.
func langIsMixed(text string, letters int) bool {
	text = strings.NewReplacer(" - ", "\n", " – ", "\n", " — ", "\n").Replace(text)
	parts := strings.FieldsFunc(text, func(c rune) bool { return c == '\n' || c == '|' || c == '/' })
	if len(parts) < 2 {
		return false
	}
	var share [len(langCodes)]int
	for _, part := range parts {
		s, n := langDetector.scores(langTokens(part))
		if n < langMinLetters {
			continue
		}
		if best, p := softmaxBest(s); p >= LanguageMinConfidence {
			share[best] += n
		}
	}
	first, second := 0, 0
	for _, n := range share {
		switch {
		case n > first:
			first, second = n, first
		case n > second:
			second = n
		}
	}
	return second > 0 && float64(second) >= langMixedShare*float64(letters)
}
