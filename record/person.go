package record

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Personal data in listing text
//
// Listings name individuals: speakers, facilitators, the coordinator to call. Their
// names belong in Contact.Person and the store, never in open files. ExtractPersons
// finds them with four heuristics, each needing a context that says "this is a
// person" (a capitalised pair of words alone is not enough):
//
//   - A civility: "Monsieur Laurent ART", "Mme Dupont", "Dr Jan Peeters", "dhr. Jan
//     Peeters", "mevrouw An De Smet", "Frau Müller", "Mrs Smith"; plural forms take
//     several names joined by et/en/und/and/&/"," ("Mesdames Dominique DARTEVELLE
//     et Vinciane DOUMONT").
//   - A cue phrase: "Contact : Marie Dupont", "Contactpersoon: Jan Peeters", "Animé
//     par Marie Dupont et Paul Martin", "begeleid door An Peeters", "led by …",
//     "Leitung: …", "Coordination : …". After cues that can also introduce an
//     organisation ("Contact", "Info", "organisé par", "auprès de", "contactez") the
//     name needs a known first name, an initial or an upper-case surname ("Prénom
//     NOM"). Bare prepositions (par, avec, door, by) are not cues: "créé par Jacob
//     Moreno" stays.
//   - A contact block: a line that is only a name of 2 to 4 words (optionally
//     followed by ", role", " – role", a phone or an email) within two non-blank
//     lines of a role line (coordinatrice, responsable, psychologue, begeleider…) or
//     a cue line ("Contact :"), or of a phone number or an email. Next to a phone or
//     email only, the name needs a known first name or the "Prénom NOM" shape.
//   - A role, phone or email next to names that start with a known first name:
//     "Marie Dupont, psychologue", "la psychologue Marie Dupont", "Katrien Claes en
//     Jan De Vos, psychologen", "Marie Dupont au 0478 12 34 56" (not after an
//     organisation word: "Maison Marie Louise, 02 …" stays).
//
// A name is a run of capitalised words (Laurent, Jean-Pierre, D'Hondt, Noël),
// upper-case surnames (ART, DE SMET), initials (J.) and particles inside it (de,
// van, der, le, la, von…; "Madame Caroline BERT du SSM" stops at the upper-case
// surname). It never contains an organisation, role, heading, place or label
// (Réseau, Service, Santé, Maison, Asbl, Vzw, Groupe, Huis, Centrum, Bruxelles,
// Saint-…, Coordinatrice, Inscription…), nor a word of the language detector's word
// lists unless it is a known first name or follows a civility or a particle ("Mr
// Young", "Jan De Vos"). A famous name in prose ("les groupes de
// psychodrame de Jacob Moreno") has none of these contexts and stays: it is not a
// contact, and removing every capitalised pair would break place and group names.
//
// Replacement: a name (with its civility) becomes PersonPlaceholder, so sentences
// stay readable ("Animé par […]", "-[…], directeur thérapeutique de …"); names
// joined by et/and/"," become one placeholder; a line that held only the name is
// dropped (with one of the blank lines around it), as is a line left with only a
// placeholder. Every other occurrence of a found name in the text, in any case and
// spacing, is replaced too, so no returned name remains in the cleaned text.

// PersonPlaceholder replaces a removed name in running text.
const PersonPlaceholder = "[…]"

// personWords are folded words that are never part of a person's name, whatever
// their case: organisations, places, roles, headings and labels.
var personWords = setOf(`
	reseau reseaux service services centre centres center centrum maison maisons hopital
	hopitaux sante mentale mental asbl vzw aisbl scrl sprl groupe groupes group groep groepen
	gruppe association associations huis dienst diensten plateforme platform plattform
	belgique belgie belgien belgium bruxelles brussel brussels bruxelloise wallonie wallonia
	vlaanderen flandre flanders europe universite university universiteit universitat clinique
	cliniques kliniek klinik institut instituut institute fondation foundation stichting
	federation ligue liga cpas ocmw ssm cgg smes smes-b cresam psybru pbsm ville commune
	gemeente stad province provincie region regio espace atelier ateliers cercle projet project
	programme programma collectif collective cooperative club team equipe ecole school academie
	academy college office bureau cabinet praktijk praxis unite unit departement afdeling pole
	antenne cellule mutualite mutualiteit ziekenfonds spf fod inami riziv aviq vivalis iriscare
	network netwerk home thuis hof villa residence ministre minister bourgmestre burgemeester
	echevin schepen gouverneur recteur doyen juge maire
	saint sainte sint st ste rue avenue boulevard place chaussee straat laan plein steenweg
	strasse weg road street
	anvers antwerpen gand gent liege luik namur namen charleroi mons bergen louvain leuven
	bruges brugge ostende oostende hasselt mechelen malines aalst alost kortrijk courtrai
	tournai doornik verviers eupen arlon wavre waver nivelles ottignies jambes dinant ixelles
	elsene schaerbeek schaarbeek anderlecht molenbeek uccle ukkel etterbeek forest vorst jette
	evere woluwe auderghem oudergem watermael boitsfort koekelberg ganshoren berchem tamines
	florennes toronto stanford new-york paris lille luxembourg amsterdam
	coordinateur coordinatrice coordnatrice coordinator coordinatrices coordinateurs
	coordination responsable responsables directeur directrice director directie direction
	psychologue psychologues psycholoog psychologen psychologe psychologin psychologist
	psychiatre psychiater psychiatrist therapeute therapeutes therapeut therapist animateur
	animatrice animateurs animatrices infirmier infirmiere verpleegkundige assistant
	assistante assistants educateur educatrice medecin medecins docteur arts huisarts
	secretaire secretariat secretariaat coach formateur formatrice trainer begeleider
	begeleidster begeleiders verantwoordelijke medewerker medewerkster stagiaire benevole
	benevoles vrijwilliger vrijwilligers president presidente voorzitter intervenant
	intervenante intervenants intervenantes orateur oratrice spreker sprekers referent
	referentin leitung leiter leiterin facilitator facilitators speaker speakers
	psychanalyste psychodramatiste psychotherapeute psychotherapeut sexologue logopede
	kinesitherapeute ergotherapeute pedagogue orthopedagoog ervaringsdeskundige pair-aidant
	pair-aidante
	inscription inscriptions contact contacts info infos information informations
	renseignements modalites objectifs objectif lieu date dates prix tarif tarifs horaire
	horaires public intervenants organisateur organisation organisatie adresse telephone tel
	gsm email e-mail mail site web facebook instagram linkedin inschrijving inschrijvingen
	praktisch locatie datum prijs doelgroep anmeldung ort preis kontakt registration location
	price when where who quand qui wanneer waar wie programme agenda accueil onthaal
	conclusion introduction references bibliographie sommaire note nb ps logo menu home
	accueil copyright
	lundi mardi mercredi jeudi vendredi samedi dimanche janvier fevrier mars avril mai juin
	juillet aout septembre octobre novembre decembre maandag dinsdag woensdag donderdag
	vrijdag zaterdag zondag januari februari maart mei augustus oktober montag dienstag
	mittwoch donnerstag freitag samstag sonntag januar februar marz juni juli dezember monday
	tuesday wednesday thursday friday saturday sunday january february march april june july
	august september october november december
	francais francaise nederlands neerlandais deutsch allemand english anglais engels
	pas-de-deux covid covid-19 zoom teams
`)

// personParticles may stand inside a name, before the surname.
var personParticles = setOf(`de du des d' van von der den het ten ter la le di da del della dos
	vanden vander vande op mc`)

// personFirstNames are common first names in Belgium (folded), used where the
// context alone is weak.
var personFirstNames = setOf(`
	jean pierre paul jacques michel philippe alain bernard christian daniel patrick eric didier
	thierry olivier laurent vincent nicolas francois frederic stephane pascal marc luc andre
	claude yves henri louis guy serge denis gerard rene robert roger georges charles julien
	sebastien guillaume antoine benoit arnaud xavier damien jerome fabrice cedric maxime thomas
	alexandre mathieu matthieu romain quentin hugo lucas theo nathan arthur jules victor gabriel
	raphael adrien florian kevin jonathan simon etienne emmanuel bruno dominique camille marie
	anne catherine christine isabelle sylvie nathalie francoise martine monique nicole brigitte
	veronique sophie valerie sandrine celine stephanie caroline virginie aurelie julie emilie
	laura sarah lea chloe manon pauline charlotte juliette elise helene genevieve jacqueline
	josiane danielle chantal michele annick jeanne louise alice lucie margaux clara emma ines
	jade zoe vinciane muriel fabienne pascale myriam sabine florence agnes beatrice claire
	colette denise eliane francine ghislaine laurence marianne mireille odile patricia regine
	solange therese yvette yvonne noemie justine gaelle apolline axelle delphine estelle
	geraldine ingrid karine melanie morgane nadine nadia oceane severine sylviane vanessa
	valentine christophe gregory jean-pierre jean-marc jean-luc jean-paul jean-claude
	jean-francois jean-michel jean-louis jean-jacques pierre-yves marc-antoine anne-sophie
	anne-catherine anne-marie marie-claire marie-christine marie-france marie-laure
	marie-paule marie-helene benedicte bernadette cecile corinne edith elodie fanny gilles
	herve jocelyne joelle lionel ludovic manuel marcel mathilde maud michael regis renaud
	rudy sylvain tanguy yann yannick
	jan piet pieter joris koen kris bart wim geert dirk peter tom stijn pieter-jan jeroen wouter
	maarten bram ruben lars jens thijs sander robbe siebe lander arne jonas wout seppe tim toon
	ward bert hendrik herman frank filip guido gert gerrit hans jef jos jozef johan karel lieven
	ludo marnix nico raf rik rudi stefan steven sven tijs werner willem wilfried an ann anja
	annelies annemie anneleen ans astrid bieke carine chris christel els elke ellen eva evelien
	fien griet hanne heidi hilde ilse inge isabel jolien joke karen katrien kathleen katleen
	katrijn kim krista leen lien liesbeth lieve linda lisa lotte marijke marleen mieke nele
	petra riet rita saskia sofie sien silke tine tinne veerle vera wendy lore ine eline femke
	fleur jana kaat lies nina noor roos sanne tess lise margot amber kato dries gert-jan
	klaus jurgen wolfgang helmut michael andreas markus martin matthias tobias lukas felix
	maximilian johannes heinz karl gunter horst dieter manfred uwe rainer ralf bernd jorg holger
	torsten kai ulrich ursula gisela monika susanne andrea claudia birgit karin renate heike
	katrin kerstin stefanie julia lena anna hannah leonie katharina christina barbara elisabeth
	gabriele helga ute doris angelika
	john james william david richard joseph christopher matthew anthony mark steven andrew
	joshua kenneth brian george edward timothy jason jeffrey ryan jacob gary eric stephen
	justin scott benjamin samuel raymond jack dennis henry adam douglas walter ethan jeremy
	keith sean arthur dylan jesse jordan bryan alan philip mary jennifer elizabeth susan
	jessica nancy betty margaret sandra ashley kimberly emily donna michelle carol amanda
	melissa deborah rebecca sharon cynthia amy helen brenda pamela samantha katherine rachel
	janet ruth maria heather diane victoria olivia kelly lauren joan evelyn judith megan
	grace alexandra natalie isabella rose
	mohamed mohammed mohammad ahmed ahmad ali omar youssef yusuf hassan hussein karim rachid
	said samir mustafa mehmet ibrahim ismail khalid hamza amine ayoub bilal yassine mehdi
	nabil fatima aicha aisha khadija meryem maryam samira salma yasmine leila layla zeynep amina
	imane hanane naima souad latifa rania noura hatice elif ayse emine fatma
	piotr pawel tomasz agnieszka katarzyna magdalena joanna ana luis carlos jose antonio
	francesca giuseppe marco giulia
`)

// personCivilities are the forms of address that precede a name. Those in
// personCivilitiesAnyCase also match in lower or upper case ("madame Dupont").
var (
	personCivilities = setOf(`M. MM. Mme Mme. Mmes Mlle Mlle. Mlles Dr Dr. Dre Drs Drs. Pr. Prof
		Prof. dhr dhr. Dhr Dhr. mevr mevr. Mevr Mevr. Herr Herrn Frau Mr Mr. Mrs Mrs. Ms Ms. Miss Mx`)
	personCivilitiesAnyCase = setOf(`monsieur madame mademoiselle messieurs mesdames
		mesdemoiselles docteur docteure professeur professeure mevrouw meneer`)
)

// personCues introduce a name ("Animé par Marie Dupont"). The strong ones say that a
// person follows; after the others the name must look like one by itself.
var (
	personStrongCues = personCueList(`personne de contact|personne-ressource|contactpersoon|
		ansprechpartner|ansprechpartnerin|ansprechperson|contact person|anime par|animee par|
		animes par|animees par|co-anime par|co-animee par|coanime par|animation|animatrice|
		animateur|animatrices|animateurs|intervenant|intervenante|intervenants|intervenantes|
		orateur|oratrice|begeleid door|geleid door|gegeven door|onder begeleiding van|
		begeleiding|begeleider|begeleiders|begeleidster|spreker|sprekers|lesgever|lesgeefster|
		geleitet von|moderiert von|begleitet von|leitung|referent|referentin|moderation|
		facilitated by|led by|hosted by|run by|presented by|facilitator|facilitators|speaker|
		speakers|coordinatrice|coordinateur|coordinator|coordinatrices|coordination|coordinatie|
		responsable|verantwoordelijke|psychologue|therapeute`)
	personWeakCues = personCueList(`contact|contacts|kontakt|info|infos|informations|
		renseignements|inscriptions|inscription|inschrijvingen|inschrijven bij|anmeldung bei|
		propose par|proposee par|organise par|organisee par|presente par|presentee par|
		encadre par|encadree par|donne par|donnee par|georganiseerd door|organised by|
		organized by|aupres de|contactez|contacter|joindre|adressez-vous a|s'adresser a|
		contacteer|neem contact op met|bel|bellen met|mail naar|wenden sie sich an|
		kontaktieren sie|call|email|ask for`)
)

func personCueList(s string) [][]string {
	var out [][]string
	for _, c := range strings.Split(s, "|") {
		if f := strings.Fields(c); len(f) > 0 {
			out = append(out, f)
		}
	}
	return out
}

// personRoleStems start the folded words that name a role ("coordnatrice", with the
// typo of a real listing, starts with "coord").
var personRoleStems = []string{
	"coord", "responsab", "animat", "directeur", "directrice", "director", "psycholog",
	"psychiat", "therapeut", "psychotherap", "psychanalyst", "psychodramatist", "infirmi",
	"verpleeg", "assistant", "educateur", "educatrice", "medecin", "huisarts", "secretair",
	"secretar", "coach", "formateur", "formatrice", "trainer", "begeleid", "verantwoordelijk", "medewerk", "stagiair",
	"benevol", "vrijwillig", "voorzit", "presiden", "intervenant", "facilitat", "counsel",
	"sexolog", "logoped", "kinesith", "ergoth", "pedagog", "ervaringsdeskund", "pair-aidan",
	"referent", "leiter", "leitung", "moderat", "mediat", "travailleu", "social worker",
	"maatschappelijk", "contact", "kontakt", "ansprech", "renseign",
}

func setOf(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// personTok is a word of the text: letters and digits, with inner hyphens and
// apostrophes. dot says a "." follows it directly.
type personTok struct {
	start, end int
	text       string
	folded     string
	dot        bool
}

func personTokens(s string) []personTok {
	var toks []personTok
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isWord(r) {
			i += n
			continue
		}
		start := i
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			if isWord(r) {
				i += n
				continue
			}
			if r == '-' || r == '\'' || r == '’' {
				if next, _ := utf8.DecodeRuneInString(s[i+n:]); i+n < len(s) && isWord(next) {
					i += n
					continue
				}
			}
			break
		}
		t := personTok{start: start, end: i, text: s[start:i]}
		t.folded = Fold(t.text)
		t.dot = i < len(s) && s[i] == '.'
		toks = append(toks, t)
	}
	return toks
}

// gap returns the text between tokens a and b, without a's dot.
func personGap(s string, a, b personTok) string {
	g := s[a.end:b.start]
	if a.dot {
		g = g[1:]
	}
	return g
}

// personBlank reports whether g is one or more spaces or tabs (no line break).
func personBlank(g string) bool {
	if g == "" {
		return false
	}
	for _, r := range g {
		if r != ' ' && r != '\t' && r != '\u00a0' {
			return false
		}
	}
	return true
}

type personKind int

const (
	personOther personKind = iota
	personCapitalised
	personUpper
	personInitial
	personParticle
)

func personKindOf(t personTok) personKind {
	letters, upper := 0, 0
	first := rune(0)
	for _, r := range t.text {
		if unicode.IsDigit(r) {
			return personOther
		}
		if unicode.IsLetter(r) {
			if first == 0 {
				first = r
			}
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	switch {
	case letters == 1 && unicode.IsUpper(first) && t.dot:
		return personInitial
	case letters == 1:
		return personOther
	case personParticles[t.folded] && !(upper == letters && letters > 3):
		return personParticle
	case upper == letters:
		return personUpper
	case unicode.IsUpper(first):
		return personCapitalised
	}
	return personOther
}

// personStop reports whether t can never be a word of a name. After a civility
// (relaxed), common words may be surnames ("Mr Young", "Mme Petit").
func personStop(t personTok, relaxed bool) bool {
	f := t.folded
	if personWords[f] || personCivilities[t.text] || personCivilitiesAnyCase[f] {
		return true
	}
	for _, p := range []string{"saint-", "sainte-", "sint-", "st-"} {
		if strings.HasPrefix(f, p) {
			return true
		}
	}
	for _, suffix := range []string{"groep", "groepen", "gruppe", "gruppen", "centrum", "zentrum"} {
		if strings.HasSuffix(f, suffix) {
			return true // Balintgroep, Selbsthilfegruppe, Dienstencentrum
		}
	}
	if personFirstNames[f] || relaxed {
		return false
	}
	if _, common := langDetector.words[f]; common {
		return !personParticles[f]
	}
	return false
}

// personName is a name found at toks[i:j].
type personName struct {
	i, j      int
	words     int  // words that are not particles
	upper     bool // has an upper-case surname
	firstName bool // starts with a known first name
	initial   bool // has an initial
}

// parseName reads a name starting at toks[i]. afterCivility allows a particle first
// ("mevrouw De Smet").
func personParseName(s string, toks []personTok, i int, afterCivility bool) (personName, bool) {
	n := personName{i: i, j: i}
	last := -1 // index of the last non-particle word
	for k := i; k < len(toks) && k-i < 6; k++ {
		t := toks[k]
		if k > i && !personBlank(personGap(s, toks[k-1], t)) {
			break
		}
		kind := personKindOf(t)
		// After a civility or a particle, a common word may be a surname ("Mr
		// Young", "Jan De Vos").
		relaxed := afterCivility || k > i && personKindOf(toks[k-1]) == personParticle
		if kind == personOther || kind != personParticle && personStop(t, relaxed) {
			break
		}
		if n.upper && kind != personUpper { // "Caroline BERT du SSM": the surname ended
			break
		}
		if kind == personParticle {
			if k == i && !afterCivility {
				break
			}
			continue // kept only if a word follows
		}
		n.words++
		last = k
		switch kind {
		case personUpper:
			n.upper = true
		case personInitial:
			n.initial = true
		}
		if k == i && personFirstNames[t.folded] {
			n.firstName = true
		}
		if n.words == 4 || t.dot && kind != personInitial { // "… Jean Dupont." ends it
			break
		}
	}
	if last < 0 || personKindOf(toks[last]) == personInitial {
		return n, false
	}
	n.j = last + 1
	name := personText(s, toks, n)
	if len(name) < len(PersonPlaceholder) {
		return n, false
	}
	if n.words == 1 && utf8.RuneCountInString(toks[i].text) < 3 {
		return n, false
	}
	return n, true
}

// personText is the name's text with its spaces collapsed.
func personText(s string, toks []personTok, n personName) string {
	return strings.Join(strings.Fields(s[toks[n.i].start:toks[n.j-1].end]), " ")
}

// personLooksNamed reports whether a name has evidence of its own: a known first
// name, an initial, or "Prénom NOM".
func personLooksNamed(toks []personTok, n personName) bool {
	if n.words < 2 {
		return false
	}
	if n.firstName || n.initial {
		return true
	}
	return n.upper && personKindOf(toks[n.i]) == personCapitalised
}

// personCivilityAt returns the index after a civility starting at toks[i], or -1.
func personCivilityAt(s string, toks []personTok, i int) int {
	t := toks[i]
	form := t.text
	if t.dot {
		form += "."
	}
	switch {
	case personCivilities[form] || personCivilities[t.text]:
	case personCivilitiesAnyCase[t.folded]:
	case t.folded == "de" && i+1 < len(toks) && toks[i+1].folded == "heer" && personBlank(personGap(s, t, toks[i+1])):
		return i + 2
	default:
		return -1
	}
	if i+1 >= len(toks) || !personBlank(personGap(s, t, toks[i+1])) {
		return -1
	}
	// "Prof. Dr. Jan Peeters", "Frau Dr. Schmitz", "M. et Mme Dupont".
	if next := personCivilityAt(s, toks, i+1); next >= 0 {
		return next
	}
	switch toks[i+1].folded {
	case "et", "en", "und", "and":
		if i+2 < len(toks) && personBlank(personGap(s, toks[i+1], toks[i+2])) {
			if next := personCivilityAt(s, toks, i+2); next >= 0 {
				return next
			}
		}
	}
	return i + 1
}

// personConnector reports whether toks[j] (after a name ending at toks[j-1]) joins
// another name: it returns the index where the next name (or civility) starts.
func personConnector(s string, toks []personTok, j int) int {
	if j >= len(toks) {
		return -1
	}
	g := personGap(s, toks[j-1], toks[j])
	switch strings.TrimSpace(g) {
	case ",", "&", "/":
		return j
	case "":
		if !personBlank(g) {
			return -1
		}
		switch toks[j].folded {
		case "et", "en", "und", "and":
			if j+1 < len(toks) && personBlank(personGap(s, toks[j], toks[j+1])) {
				return j + 1
			}
		}
	}
	return -1
}

// personSpan is a part of the text to replace; whole means a whole line to drop.
type personSpan struct {
	start, end int
	names      []string
	whole      bool
}

// personChain reads a name at toks[i] and those joined to it. needLooks says each
// name needs evidence of its own (personLooksNamed); afterCivility is for the first.
func personChain(s string, toks []personTok, i int, afterCivility, needLooks bool) (end int, names []string) {
	n, ok := personParseName(s, toks, i, afterCivility)
	if !ok || needLooks && !personLooksNamed(toks, n) || !afterCivility && n.words < 2 {
		return -1, nil
	}
	names = append(names, personText(s, toks, n))
	end = n.j
	for {
		k := personConnector(s, toks, end)
		if k < 0 {
			break
		}
		civ := personCivilityAt(s, toks, k)
		var next personName
		if civ >= 0 {
			next, ok = personParseName(s, toks, civ, true)
		} else {
			next, ok = personParseName(s, toks, k, false)
			// Without a civility, the next name must look like one ("et Vinciane
			// DOUMONT", not "et Florennes").
			ok = ok && (personLooksNamed(toks, next) || afterCivility && next.words >= 2 && !needLooks)
		}
		if !ok {
			break
		}
		names = append(names, personText(s, toks, next))
		end = next.j
	}
	return end, names
}

// personCueAt returns the index after a cue starting at toks[i] and whether it is
// strong, or -1.
func personCueAt(toks []personTok, i int) (int, bool) {
	match := func(cue []string) bool {
		if i+len(cue) > len(toks) {
			return false
		}
		for k, w := range cue {
			if toks[i+k].folded != w {
				return false
			}
		}
		return true
	}
	for _, c := range personStrongCues {
		if match(c) {
			return i + len(c), true
		}
	}
	for _, c := range personWeakCues {
		if match(c) {
			return i + len(c), false
		}
	}
	return -1, false
}

// personCueGap reports whether the text between a cue and a name may separate them:
// spaces, a colon or dash, and at most one line break after a colon.
func personCueGap(g string) bool {
	colon := strings.ContainsAny(g, ":-–—")
	if strings.Count(g, "\n") > 1 || strings.Contains(g, "\n") && !colon {
		return false
	}
	return strings.Trim(g, " \t\u00a0\r\n:-–—") == ""
}

// personIsRole reports whether a folded word names a role.
func personIsRole(f string) bool {
	for _, stem := range personRoleStems {
		if strings.HasPrefix(f, stem) {
			return true
		}
	}
	return false
}

// personHasPhone reports whether s holds a phone number: 9 to 12 digits in a run that
// starts with + or 0 ("0498/462 402", "+32 2 000 12 40"; not a date, 01/02/2027).
func personHasPhone(s string) bool {
	for _, m := range personPhonePattern.FindAllString(s, -1) {
		digits := 0
		for _, r := range m {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		if digits >= 9 && digits <= 12 {
			return true
		}
	}
	return false
}

var (
	personPhonePattern = regexp.MustCompile(`(?:\+|\b0)\d[\d \x{00a0}./-]{6,}\d`)
	personEmailPattern = regexp.MustCompile(`[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}`)
)

// ExtractPersons finds the names of individuals in a listing's text (see the
// heuristics at the top of person.go) and returns the text without them, each
// replaced by PersonPlaceholder or, when it filled a line of its own, dropped with
// its line. persons are the names found, in order of appearance, without duplicates.
// cleaned is never longer than text.
func ExtractPersons(text string) (cleaned string, persons []string) {
	if text == "" {
		return "", nil
	}
	toks := personTokens(text)
	var spans []personSpan
	add := func(start, end int, names []string, whole bool) {
		spans = append(spans, personSpan{start: start, end: end, names: names, whole: whole})
	}

	// Civilities and cues.
	for i := 0; i < len(toks); i++ {
		if c := personCivilityAt(text, toks, i); c >= 0 {
			if end, names := personChain(text, toks, c, true, false); end > 0 {
				add(toks[i].start, toks[end-1].end, names, false)
				i = end - 1
				continue
			}
		}
		if c, strong := personCueAt(toks, i); c >= 0 && c < len(toks) {
			if !personCueGap(personGap(text, toks[c-1], toks[c])) {
				continue
			}
			start := c
			civ := personCivilityAt(text, toks, c)
			if civ >= 0 {
				start = civ
			}
			if end, names := personChain(text, toks, start, civ >= 0, !strong && civ < 0); end > 0 {
				add(toks[c].start, toks[end-1].end, names, false)
				i = end - 1
			}
		}
	}

	// A role next to a name with a known first name.
	for i := 0; i < len(toks); i++ {
		if personIsRole(toks[i].folded) && i+1 < len(toks) && personBlank(personGap(text, toks[i], toks[i+1])) {
			if end, names := personChain(text, toks, i+1, false, true); end > 0 {
				add(toks[i+1].start, toks[end-1].end, names, false)
				i = end - 1
				continue
			}
		}
		if !personFirstNames[toks[i].folded] || i > 0 && personBlank(personGap(text, toks[i-1], toks[i])) && personWords[toks[i-1].folded] {
			continue // not "Maison Marie Louise"
		}
		end, names := personChain(text, toks, i, false, true)
		if end < 0 {
			continue
		}
		if end < len(toks) {
			g := strings.TrimSpace(personGap(text, toks[end-1], toks[end]))
			if (g == "," || g == "-" || g == "–" || g == "—" || g == "(" || g == ":") && personIsRole(toks[end].folded) {
				add(toks[i].start, toks[end-1].end, names, false)
				i = end - 1
				continue
			}
		}
		// "Marie Dupont au 0478 12 34 56", "Jan Peeters (jan@…)": a phone or an
		// email follows on the same line, within a few words.
		rest := text[toks[end-1].end:]
		if nl := strings.IndexByte(rest, '\n'); nl >= 0 {
			rest = rest[:nl]
		}
		if len(rest) > 40 {
			rest = rest[:40]
		}
		if personHasPhone(rest) || personEmailPattern.MatchString(rest) {
			add(toks[i].start, toks[end-1].end, names, false)
			i = end - 1
		}
	}

	spans = append(spans, personContactBlocks(text, toks)...)
	if len(spans) == 0 {
		return text, nil
	}
	return personApply(text, spans)
}

// personLine is one line of the text: [start, end) without its line break.
type personLine struct {
	start, end int
	blank      bool
}

func personLines(s string) []personLine {
	var lines []personLine
	start := 0
	for start <= len(s) {
		end := strings.IndexByte(s[start:], '\n')
		if end < 0 {
			end = len(s)
		} else {
			end += start
		}
		lines = append(lines, personLine{start: start, end: end, blank: strings.TrimSpace(s[start:end]) == ""})
		start = end + 1
	}
	return lines
}

// personContactBlocks finds the lines that are a name beside a role, cue, phone or
// email line.
func personContactBlocks(s string, toks []personTok) []personSpan {
	lines := personLines(s)
	var spans []personSpan
	ti := 0
	for li, line := range lines {
		for ti < len(toks) && toks[ti].start < line.start {
			ti++
		}
		if line.blank || ti >= len(toks) || toks[ti].start >= line.end {
			continue
		}
		// Only bullets and spaces before the first word.
		if strings.Trim(s[line.start:toks[ti].start], " \t\u00a0-–—•*·>") != "" {
			continue
		}
		n, ok := personParseName(s, toks, ti, false)
		if !ok || n.words < 2 || n.j > len(toks) || toks[n.j-1].end > line.end {
			continue
		}
		rest := strings.TrimSpace(s[toks[n.j-1].end:line.end])
		if toks[n.j-1].dot {
			rest = strings.TrimSpace(rest[1:])
		}
		restRole := false
		if rest != "" {
			r := strings.TrimLeft(rest, ",-–—:(| \t")
			if r == rest {
				continue // "Healing Together aide…": not a name on its own
			}
			rt := personTokens(r)
			switch {
			case len(rt) > 0 && len(rt) <= 8 && personIsRole(rt[0].folded) && !strings.HasPrefix(rest, ":"):
				// "Christine Noël, coordinatrice réseau"; not "Maandelijkse
				// Balintgroep: huisartsen bespreken …", a heading and a sentence.
				restRole = true
			case personHasPhone(r) || personEmailPattern.MatchString(r):
			default:
				continue
			}
		}
		strong, weak := restRole, false
		seen := 0
		for _, d := range []int{-1, 1} {
			seen = 0
			for k := li + d; k >= 0 && k < len(lines) && seen < 2; k += d {
				if lines[k].blank {
					continue
				}
				seen++
				l := s[lines[k].start:lines[k].end]
				lt := personTokens(l)
				switch {
				case len(lt) > 0 && len(lt) <= 6 && personLineIsRole(lt):
					strong = true
				case personHasPhone(l) || personEmailPattern.MatchString(l):
					weak = true
				}
			}
		}
		if !strong && !(weak && personLooksNamed(toks, n)) {
			continue
		}
		names := []string{personText(s, toks, n)}
		if rest != "" {
			spans = append(spans, personSpan{start: toks[n.i].start, end: toks[n.j-1].end, names: names})
			continue
		}
		// Drop the line; if blank lines surround it, one of them too.
		start, end := line.start, line.end
		if end < len(s) {
			end++
		}
		prevBlank := li == 0 || lines[li-1].blank
		if prevBlank && li+1 < len(lines) && lines[li+1].blank && lines[li+1].end < len(s) {
			end = lines[li+1].end + 1
		}
		spans = append(spans, personSpan{start: start, end: end, names: names, whole: true})
	}
	return spans
}

// personLineIsRole reports whether a short line names a role or is a cue ("Contact :").
func personLineIsRole(lt []personTok) bool {
	for _, t := range lt {
		if personIsRole(t.folded) {
			return true
		}
	}
	if _, ok := personCueAt(lt, 0); ok && len(lt) <= 2 {
		return true
	}
	return false
}

// personApply replaces the spans, then every other occurrence of the names, and
// tidies the result.
func personApply(text string, spans []personSpan) (string, []string) {
	slices.SortStableFunc(spans, func(a, b personSpan) int { return a.start - b.start })
	var merged []personSpan
	for _, sp := range spans {
		if k := len(merged) - 1; k >= 0 && sp.start < merged[k].end {
			m := &merged[k]
			m.end = max(m.end, sp.end)
			m.names = append(m.names, sp.names...)
			m.whole = m.whole || sp.whole
			continue
		}
		merged = append(merged, sp)
	}
	var persons []string
	seen := map[string]bool{}
	var b strings.Builder
	b.Grow(len(text))
	at := 0
	for _, sp := range merged {
		for _, n := range sp.names {
			if key := Fold(n); !seen[key] {
				seen[key] = true
				persons = append(persons, n)
			}
		}
		b.WriteString(text[at:sp.start])
		if !sp.whole {
			b.WriteString(PersonPlaceholder)
		}
		at = sp.end
	}
	b.WriteString(text[at:])
	out := b.String()
	for _, p := range persons {
		out = personReplaceAll(out, p)
	}
	out = personTidy(out)
	// The tidying only removes text, but make sure: no name survives.
	for changed := true; changed; {
		changed = false
		for _, p := range persons {
			if strings.Contains(out, p) {
				out = strings.ReplaceAll(out, p, PersonPlaceholder)
				changed = true
			}
		}
	}
	return out, persons
}

// personReplaceAll replaces the occurrences of name in s, in any case and spacing,
// that are not inside a longer word.
func personReplaceAll(s, name string) string {
	words := strings.Fields(name)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	re, err := regexp.Compile(`(?i)` + strings.Join(words, `\s+`))
	if err != nil {
		return s
	}
	var b strings.Builder
	at := 0
	for _, m := range re.FindAllStringIndex(s, -1) {
		before, _ := utf8.DecodeLastRuneInString(s[:m[0]])
		after, _ := utf8.DecodeRuneInString(s[m[1]:])
		if m[0] > 0 && (unicode.IsLetter(before) || unicode.IsDigit(before)) ||
			m[1] < len(s) && (unicode.IsLetter(after) || unicode.IsDigit(after)) ||
			m[1]-m[0] < len(PersonPlaceholder) {
			continue
		}
		b.WriteString(s[at:m[0]])
		b.WriteString(PersonPlaceholder)
		at = m[1]
	}
	b.WriteString(s[at:])
	return b.String()
}

var personJoinedPlaceholders = regexp.MustCompile(`\[…\](?:(?:\s*[,&/]\s*|\s+(?:et|en|und|and)\s+)\[…\])+`)

// personTidy joins placeholders that follow each other and drops the lines left
// with only a placeholder.
func personTidy(s string) string {
	s = personJoinedPlaceholders.ReplaceAllString(s, PersonPlaceholder)
	if !strings.Contains(s, PersonPlaceholder) {
		return s
	}
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for i, l := range lines {
		if strings.Trim(l, " \t\u00a0-–—•*·>:;,.") == PersonPlaceholder {
			prevBlank := len(out) == 0 || strings.TrimSpace(out[len(out)-1]) == ""
			if prevBlank && i+1 < len(lines) && strings.TrimSpace(lines[i+1]) == "" {
				lines[i+1] = "\x00skip"
			}
			continue
		}
		if l == "\x00skip" {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// LooksLikePersonName reports whether s, as a whole, is an individual's name by the
// rules of ExtractPersons without context: two to four name words, no organisation
// or common word, and a known first name, an initial or the "Prénom NOM" shape. Use
// it on fields that hold only a name, such as an organizer ("Marie Dupont" is a
// person, "Réseau Entrelacs" and "Healing Together" are not).
func LooksLikePersonName(s string) bool {
	s = strings.TrimSpace(s)
	toks := personTokens(s)
	if len(toks) == 0 {
		return false
	}
	n, ok := personParseName(s, toks, 0, false)
	return ok && n.j == len(toks) && personLooksNamed(toks, n) &&
		strings.Trim(s[toks[n.j-1].end:], ". ") == ""
}

// personRoleLocalParts are email local parts (or words in them) that name a role,
// a service or a topic rather than a person.
var personRoleLocalParts = setOf(`info infos information contact contacts secretariat
	secretariaat secretaria sekretariat accueil onthaal reseau netwerk network admin
	administration inscription inscriptions inschrijving inschrijvingen anmeldung groupes
	groupe groep groepen gruppe hello hallo bonjour office coordination coordinatie
	coordinator equipe team mail email post postmaster noreply no-reply webmaster direction
	directie communication communicatie presse press pers rh hr dpo rgpd gdpr privacy
	compta comptabilite boekhouding facturation facturatie support help aide hulp service
	services dienst asbl vzw projet project agenda events event evenements formation
	formations vorming opleiding atelier ateliers intake permanence permanentie secretary
	reception receptie bureau sante gezondheid psy ssm cgg cpas ocmw jobs job rekrutering
	recrutement benevoles vrijwilligers volunteers membres leden general algemeen`)

// personGenericDomains are mail providers where an address belongs to one person
// unless its local part says otherwise.
var personGenericDomains = []string{
	"gmail.", "googlemail.", "hotmail.", "outlook.", "live.", "msn.", "yahoo.", "icloud.",
	"me.com", "mac.com", "skynet.be", "telenet.be", "proximus.be", "scarlet.be", "voo.be",
	"belgacom.net", "base.be", "gmx.", "web.de", "t-online.de", "orange.fr", "free.fr",
	"laposte.net", "protonmail.", "proton.me", "pm.me", "mail.com", "aol.", "yandex.",
	"edpnet.be", "tutanota.",
}

// IsPersonalEmail reports whether addr is an individual's address rather than a role
// address. Role words in the local part (info@, contact@, secretariat@, reseau@,
// inscriptions@, equipe@, deuil.namur@…) make it a role address. At a mail provider
// (gmail, hotmail, skynet, telenet…) any other address is personal. At an
// organisation's own domain, it is personal when the local part is a known first
// name (christine@), first.last or f.last (christine.noel@, c.noel@, noel.christine@).
func IsPersonalEmail(addr string) bool {
	addr = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(addr), "mailto:")))
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 {
		return false
	}
	local, domain := Fold(addr[:at]), addr[at+1:]
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i]
	}
	parts := strings.FieldsFunc(local, func(r rune) bool { return !unicode.IsLetter(r) })
	if len(parts) == 0 {
		return false
	}
	for _, p := range parts {
		if personRoleLocalParts[p] || contactRoleWords[p] || personWords[p] && !personFirstNames[p] {
			return false
		}
		if _, common := langDetector.words[p]; common && !personFirstNames[p] && len(p) > 2 {
			return false
		}
	}
	for _, g := range personGenericDomains {
		if strings.HasPrefix(domain, g) || strings.Contains(domain, "."+g) {
			return true
		}
	}
	if len(parts) == 1 {
		return personFirstNames[parts[0]] || personFirstNames[strings.ReplaceAll(local, ".", "-")]
	}
	first, last := parts[0], parts[len(parts)-1]
	switch {
	case personFirstNames[first] || personFirstNames[first+"-"+parts[1]]:
		return len(last) >= 2
	case len(first) == 1 && len(last) >= 2:
		return true
	case personFirstNames[last] && len(first) >= 2:
		return true
	}
	return false
}

// RedactPersonalEmails replaces in text the addresses that are personal
// (IsPersonalEmail) or that hold a word of one of the names in persons
// (marie.dupont@ when "Marie Dupont" was found) by PersonPlaceholder, and returns
// them. Role addresses (reseau@smes.be) stay.
func RedactPersonalEmails(text string, persons []string) (cleaned string, emails []string) {
	var nameWords []string
	for _, p := range persons {
		for _, w := range strings.FieldsFunc(Fold(p), func(r rune) bool { return !unicode.IsLetter(r) }) {
			if len(w) >= 3 && !personParticles[w] {
				nameWords = append(nameWords, w)
			}
		}
	}
	cleaned = personEmailPattern.ReplaceAllStringFunc(text, func(addr string) string {
		personal := IsPersonalEmail(addr)
		local := Fold(addr[:strings.LastIndexByte(addr, '@')])
		for _, w := range nameWords {
			personal = personal || strings.Contains(local, w)
		}
		if !personal {
			return addr
		}
		if !slices.Contains(emails, addr) {
			emails = append(emails, addr)
		}
		return PersonPlaceholder
	})
	return cleaned, emails
}
