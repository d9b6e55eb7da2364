package synthetic

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/ensemble-be/ensemble/record"
)

// byLang is a phrase bank: phrases by language (fr, nl, de, en).
type byLang map[string][]string

// say draws a phrase of bank in lang, falling back to French.
func say(r *rand.Rand, bank byLang, lang string) string {
	if ps := bank[lang]; len(ps) > 0 {
		return pick(r, ps)
	}
	return pick(r, bank["fr"])
}

// kindNames are what listings call each kind, beside the taxonomy label.
var kindNames = map[string]byLang{
	"discussion-group": {"fr": {"Groupe de parole", "Groupe de parole", "Groupes de parole", "Espace de parole", "Cercle de parole"},
		"nl": {"Praatgroep", "Praatgroep", "Praatgroepen", "Gespreksgroep", "Lotgenotencontact"},
		"de": {"Gesprächsgruppe", "Gesprächskreis"}, "en": {"Discussion group", "Talking group", "Support circle"}},
	"support-group": {"fr": {"Groupe de soutien", "Groupe d'entraide", "Groupe d'entraide"},
		"nl": {"Steungroep", "Zelfhulpgroep", "Ondersteuningsgroep"}, "de": {"Selbsthilfegruppe", "Selbsthilfegruppe"},
		"en": {"Support group", "Self-help group"}},
	"therapy-group": {"fr": {"Groupe thérapeutique", "Thérapie de groupe", "Groupe de psychothérapie"},
		"nl": {"Groepstherapie", "Therapiegroep"}, "de": {"Gruppentherapie"}, "en": {"Therapy group", "Group therapy"}},
	"peer-circle": {"fr": {"Cercle de pairs", "Groupe de pair-aidance", "Rencontre entre pairs"},
		"nl": {"Lotgenotengroep", "Herstelgroep", "Ervaringsdeskundigen ontmoeten elkaar"}, "de": {"Peer-Gruppe", "Betroffenentreffen"},
		"en": {"Peer circle", "Peer support group"}},
	"art-therapy": {"fr": {"Atelier d'art-thérapie", "Art-thérapie en groupe", "Atelier créatif thérapeutique"},
		"nl": {"Kunsttherapie in groep", "Creatief atelier"}, "de": {"Kunsttherapie in der Gruppe"}, "en": {"Art therapy group"}},
	"psychodrama": {"fr": {"Groupe de psychodrame"}, "nl": {"Psychodramagroep"}, "de": {"Psychodrama-Gruppe"}, "en": {"Psychodrama group"}},
	"psychoeducation": {"fr": {"Module de psychoéducation", "Cycle de psychoéducation", "Groupe psychoéducatif"},
		"nl": {"Psycho-educatie", "Psycho-educatieve reeks"}, "de": {"Psychoedukation"}, "en": {"Psychoeducation course", "Psychoeducation group"}},
	"workshop":         {"fr": {"Atelier", "Atelier bien-être"}, "nl": {"Workshop", "Atelier"}, "de": {"Workshop"}, "en": {"Workshop"}},
	"writing-workshop": {"fr": {"Atelier d'écriture"}, "nl": {"Schrijfatelier", "Schrijfgroep"}, "de": {"Schreibwerkstatt"}, "en": {"Writing workshop"}},
	"retreat":          {"fr": {"Retraite", "Week-end de ressourcement"}, "nl": {"Retreat", "Bezinningsweekend"}, "de": {"Retreat"}, "en": {"Retreat"}},
	"personal-development": {"fr": {"Groupe de développement personnel", "Parcours de mieux-être"},
		"nl": {"Groep persoonlijke groei"}, "de": {"Gruppe für Persönlichkeitsentwicklung"}, "en": {"Personal growth group"}},
	"intervision": {"fr": {"Intervision", "Groupe d'intervision", "Intervisions cliniques"}, "nl": {"Intervisie", "Intervisiegroep"},
		"de": {"Intervision"}, "en": {"Intervision", "Peer consultation group"}},
	"clinical-supervision": {"fr": {"Supervision clinique", "Supervision de groupe"}, "nl": {"Groepssupervisie", "Supervisie"},
		"de": {"Gruppensupervision"}, "en": {"Group supervision", "Clinical supervision"}},
	"practice-analysis": {"fr": {"Analyse des pratiques", "Groupe d'analyse de pratiques"}, "nl": {"Praktijkanalyse"},
		"de": {"Praxisanalyse"}, "en": {"Practice analysis group"}},
	"balint-group": {"fr": {"Groupe Balint", "Groupe Balint pour soignants"}, "nl": {"Balintgroep"}, "de": {"Balintgruppe"}, "en": {"Balint group"}},
	"webinar":      {"fr": {"Webinaire", "Webinaire"}, "nl": {"Webinar"}, "de": {"Webinar"}, "en": {"Webinar"}},
	"conference":   {"fr": {"Conférence", "Soirée-conférence"}, "nl": {"Lezing", "Studiedag"}, "de": {"Vortrag"}, "en": {"Talk", "Conference"}},
	"training":     {"fr": {"Formation", "Journée de formation"}, "nl": {"Opleiding", "Vorming"}, "de": {"Fortbildung"}, "en": {"Training"}},
	"creative-therapy": {"fr": {"Atelier de thérapie créative", "Musicothérapie en groupe"}, "nl": {"Creatieve therapie", "Muziektherapie"},
		"de": {"Kreativtherapie"}, "en": {"Creative therapy group"}},
}

// topicNames are how titles name a topic; topicPhrases how a sentence does.
var topicNames = map[string]byLang{
	"anxiety":    {"fr": {"anxiété", "angoisses", "crises de panique"}, "nl": {"angst", "paniek", "angststoornissen"}, "de": {"Angst"}, "en": {"anxiety", "panic"}},
	"depression": {"fr": {"dépression", "déprime"}, "nl": {"depressie", "somberheid"}, "de": {"Depression"}, "en": {"depression", "low mood"}},
	"grief": {"fr": {"deuil", "deuil", "perte d'un proche", "deuil périnatal", "deuil après suicide"},
		"nl": {"rouw", "rouw", "rouwverwerking", "verlies"}, "de": {"Trauer"}, "en": {"grief", "bereavement", "loss"}},
	"burnout":            {"fr": {"burn-out", "épuisement professionnel"}, "nl": {"burn-out", "burn-out", "uitputting"}, "de": {"Burnout"}, "en": {"burnout", "burn-out"}},
	"addiction":          {"fr": {"assuétudes", "dépendances"}, "nl": {"verslaving"}, "de": {"Sucht"}, "en": {"addiction"}},
	"alcohol":            {"fr": {"alcool", "dépendance à l'alcool"}, "nl": {"alcohol", "alcoholverslaving"}, "de": {"Alkohol"}, "en": {"alcohol"}},
	"trauma":             {"fr": {"traumatisme", "psychotrauma"}, "nl": {"trauma"}, "de": {"Trauma"}, "en": {"trauma", "PTSD"}},
	"stress":             {"fr": {"stress", "gestion du stress"}, "nl": {"stress", "stress en spanning"}, "de": {"Stress"}, "en": {"stress"}},
	"loneliness":         {"fr": {"solitude", "isolement"}, "nl": {"eenzaamheid"}, "de": {"Einsamkeit"}, "en": {"loneliness"}},
	"bipolar-disorder":   {"fr": {"trouble bipolaire", "bipolarité"}, "nl": {"bipolaire stoornis"}, "de": {"bipolare Störung"}, "en": {"bipolar disorder"}},
	"eating-disorders":   {"fr": {"troubles alimentaires", "anorexie et boulimie"}, "nl": {"eetstoornissen"}, "de": {"Essstörungen"}, "en": {"eating disorders"}},
	"parenting":          {"fr": {"parentalité", "soutien à la parentalité"}, "nl": {"opvoeding", "ouderschap"}, "de": {"Elternschaft"}, "en": {"parenting"}},
	"perinatal":          {"fr": {"périnatalité", "dépression post-partum"}, "nl": {"postnatale depressie"}, "de": {"Perinatalzeit"}, "en": {"postnatal depression"}},
	"self-esteem":        {"fr": {"estime de soi", "confiance en soi"}, "nl": {"zelfvertrouwen", "zelfbeeld"}, "de": {"Selbstwert"}, "en": {"self-esteem"}},
	"dementia":           {"fr": {"maladie d'Alzheimer", "démence"}, "nl": {"dementie"}, "de": {"Demenz"}, "en": {"dementia"}},
	"suicide-prevention": {"fr": {"prévention du suicide", "idées suicidaires"}, "nl": {"zelfmoordpreventie"}, "de": {"Suizidprävention"}, "en": {"suicide prevention"}},
	"cancer":             {"fr": {"cancer"}, "nl": {"kanker"}, "de": {"Krebs"}, "en": {"cancer"}},
}

// audienceNames say who a group is for, as a title ends ("pour les proches").
var audienceNames = map[string]byLang{
	"relatives":        {"fr": {"pour les proches", "pour proches et familles", "pour l'entourage"}, "nl": {"voor naasten", "voor familie en naasten"}, "de": {"für Angehörige"}, "en": {"for families and carers", "for relatives"}},
	"young-people":     {"fr": {"pour ados", "pour jeunes de 15 à 25 ans", "pour adolescents"}, "nl": {"voor jongeren", "voor jongvolwassenen"}, "de": {"für Jugendliche"}, "en": {"for young people", "for teens"}},
	"parents":          {"fr": {"pour parents", "pour jeunes parents"}, "nl": {"voor ouders"}, "de": {"für Eltern"}, "en": {"for parents"}},
	"professionals":    {"fr": {"pour psychologues", "pour soignants", "pour travailleurs sociaux", "pour médecins généralistes"}, "nl": {"voor hulpverleners", "voor psychologen", "voor huisartsen"}, "de": {"für Fachkräfte"}, "en": {"for clinicians", "for practitioners"}},
	"bereaved":         {"fr": {"pour personnes endeuillées"}, "nl": {"voor nabestaanden"}, "de": {"für Trauernde"}, "en": {"for bereaved people"}},
	"older-people":     {"fr": {"pour seniors"}, "nl": {"voor senioren", "voor ouderen"}, "de": {"für Senioren"}, "en": {"for older adults"}},
	"women":            {"fr": {"pour femmes"}, "nl": {"voor vrouwen"}, "de": {"für Frauen"}, "en": {"for women"}},
	"lived-experience": {"fr": {"entre personnes concernées"}, "nl": {"voor ervaringsdeskundigen"}, "de": {"für Betroffene"}, "en": {"for people with lived experience"}},
	"children":         {"fr": {"pour enfants"}, "nl": {"voor kinderen"}, "de": {"für Kinder"}, "en": {"for children"}},
	"exiles":           {"fr": {"pour personnes exilées"}, "nl": {"voor vluchtelingen"}, "de": {"für Geflüchtete"}, "en": {"for refugees"}},
}

var catchNames = []string{"Le Fil", "Entre nous", "Parenthèse", "La Passerelle", "L'Escale", "Le Phare", "Horizon",
	"De Brug", "Ankerpunt", "Zonnebloem", "Het Anker", "Lichtpunt", "Kompas", "Respiro", "Harmonie", "Oase"}

// title builds a listing's title from the kind, a topic, an audience or a place.
func title(r *rand.Rand, lang string, rec record.Record) string {
	tax := record.DefaultTaxonomy()
	kind := tax.Label(rec.Kind, lang)
	if names, ok := kindNames[rec.Kind]; ok && chance(r, 0.8) {
		kind = say(r, names, lang)
	}
	topic := topicName(r, lang, rec.Topics[0])
	aud := audienceName(r, lang, rec.Audiences[0])
	city := rec.Location.City
	if city == "" {
		city = map[string]string{"fr": "en ligne", "nl": "online", "de": "online", "en": "online"}[lang]
	}
	switch r.IntN(8) {
	case 0, 1:
		return kind + " " + topic
	case 2:
		return kind + " : " + topic + " " + aud
	case 3:
		return kind + " " + aud
	case 4:
		return fmt.Sprintf("%s « %s » – %s", kind, pick(r, catchNames), topic)
	case 5:
		return kind + " " + topic + " – " + city
	case 6:
		return upperFirst(topic) + " : " + strings.ToLower(kind[:1]) + kind[1:] + " " + aud
	default:
		return kind + " " + aud + " (" + city + ")"
	}
}

func topicName(r *rand.Rand, lang, topic string) string {
	if names, ok := topicNames[topic]; ok {
		return say(r, names, lang)
	}
	return strings.ToLower(record.DefaultTaxonomy().Label(topic, lang))
}

func audienceName(r *rand.Rand, lang, aud string) string {
	if names, ok := audienceNames[aud]; ok {
		return say(r, names, lang)
	}
	prefix := map[string]string{"fr": "pour ", "nl": "voor ", "de": "für ", "en": "for "}[lang]
	return prefix + strings.ToLower(record.DefaultTaxonomy().Label(aud, lang))
}

func upperFirst(s string) string {
	for i, c := range s {
		return strings.ToUpper(string(c)) + s[i+len(string(c)):]
	}
	return s
}

// sentences are description templates; the first of each language opens every
// description. {org}, {kind}, {topic}, {audience}, {place}, {when} and {price} are
// filled in.
var sentences = byLang{
	"fr": {
		"{org} vous propose : {kind}, autour de {topic}, {audience}.",
		"Un espace d'écoute et de partage, dans le respect et la confidentialité, pour parler de {topic}.",
		"Les rencontres ont lieu {when}, {place}.",
		"Vous vivez avec {topic} ou accompagnez quelqu'un qui en souffre ? Ce groupe est fait pour vous.",
		"Animé par deux psychologues formés à l'animation de groupes, le groupe accueille de 6 à 12 participants.",
		"Participation : {price}. Inscription souhaitée par mail ou par téléphone.",
		"Rompre l'isolement, échanger des ressources et retrouver de l'espoir : ensemble, on va plus loin.",
		"Premier entretien individuel gratuit avant de rejoindre le groupe.",
		"Psychoéducation, exercices de pleine conscience et partage d'expériences alternent à chaque séance.",
		"Accessible aux personnes à mobilité réduite. Parking et transports en commun à proximité.",
	},
	"nl": {
		"{org} organiseert: {kind} rond {topic}, {audience}.",
		"Een veilige plek om ervaringen te delen en steun te vinden bij lotgenoten.",
		"De bijeenkomsten vinden plaats {when}, {place}.",
		"Heb je te maken met {topic} of sta je naast iemand die het moeilijk heeft? Je bent welkom.",
		"Begeleid door een psycholoog en een ervaringsdeskundige; maximaal 12 deelnemers.",
		"Prijs: {price}. Vooraf inschrijven is gewenst.",
		"Samen praten helpt: herkenning, erkenning en tips om ermee om te gaan.",
		"Een kennismakingsgesprek gaat de reeks vooraf.",
		"Elke sessie combineert psycho-educatie, oefeningen en uitwisseling.",
		"Rolstoeltoegankelijk; vlot bereikbaar met het openbaar vervoer.",
	},
	"de": {
		"{org} bietet an: {kind} zum Thema {topic}, {audience}.",
		"Ein geschützter Raum für Austausch und gegenseitige Unterstützung.",
		"Die Treffen finden {when} statt, {place}.",
		"Kosten: {price}. Anmeldung erwünscht.",
		"Geleitet von einer Psychologin; höchstens 10 Teilnehmende.",
	},
	"en": {
		"{org} runs this {kind} on {topic}, {audience}.",
		"A safe, confidential space to share experiences and find support.",
		"Meetings take place {when}, {place}.",
		"Cost: {price}. Please register in advance.",
		"Facilitated by two trained psychologists; groups of 6 to 12 people.",
		"Mindfulness exercises, psychoeducation and sharing alternate in each session.",
	},
}

// description builds three to six sentences about rec.
func description(r *rand.Rand, lang string, rec record.Record) string {
	tax := record.DefaultTaxonomy()
	kind := strings.ToLower(tax.Label(rec.Kind, lang))
	topic := topicName(r, lang, rec.Topics[len(rec.Topics)-1])
	aud := audienceName(r, lang, rec.Audiences[len(rec.Audiences)-1])
	place := rec.Location.Name
	if rec.Location.City != "" {
		place = strings.TrimPrefix(place+", "+rec.Location.Postcode+" "+rec.Location.City, ", ")
	} else {
		place = map[string]string{"fr": "en ligne (Zoom)", "nl": "online via Zoom", "de": "online", "en": "online"}[lang]
	}
	when := rec.Schedule.Text
	if when == "" {
		when = "—"
	}
	price := rec.Cost.Text
	fill := strings.NewReplacer("{org}", rec.Organization.Name, "{kind}", kind, "{topic}", topic,
		"{audience}", aud, "{place}", place, "{when}", when, "{price}", price)
	bank := sentences[lang]
	n := 3 + r.IntN(4)
	out := []string{fill.Replace(bank[0])}
	for _, k := range r.Perm(len(bank) - 1)[:min(n-1, len(bank)-1)] {
		out = append(out, fill.Replace(bank[k+1]))
	}
	return strings.Join(out, " ")
}

var orgPrefixes = byLang{
	"fr": {"Asbl", "Service de santé mentale", "Centre", "Maison médicale", "Ligue", "Réseau", "Association", "Espace"},
	"nl": {"vzw", "CGG", "Centrum", "Huis", "Netwerk", "Vereniging", "Wijkgezondheidscentrum"},
	"de": {"VoG", "Beratungszentrum", "Netzwerk"},
	"en": {"Collective", "Network", "Association"},
}

var orgNames = byLang{
	"fr": {"Le Fil d'Ariane", "Similes", "L'Autre Lieu", "Psytoyens", "Le Méridien", "La Gerbe", "Entre-Deux", "Le Canevas",
		"Parents Désenfantés", "Cancer et Psychologie", "Tabane", "Le Wolvendael", "La Clairière", "Équilibre", "Trait d'Union",
		"Le Pélican", "Infor-Drogues", "Ulysse", "Aide et Soins", "Le Chien Vert"},
	"nl": {"Similes", "De Weg", "Het Balanske", "Te Gek!?", "Uilenspiegel", "Ups & Downs", "Werkgroep Verder", "De Kim",
		"Zorgnet", "Ondersteunende Kring", "Ithaka", "De Link", "Kompas", "Rouwcentrum Inspire"},
	"de": {"Patientenrat & Treffpunkt", "Ostbelgien Hilft", "Kaleido", "Die Brücke"},
	"en": {"Brussels Wellbeing", "Expat Minds", "Community Help Service", "Open Doors"},
}

var cityWords = []string{"Bruxelles", "Liège", "Namur", "Charleroi", "Mons", "Gent", "Antwerpen", "Leuven", "Brugge",
	"Hasselt", "Eupen", "Wavre", "Arlon", "Tournai", "Mechelen", "Kortrijk", "Verviers", "Ixelles", "Schaerbeek"}

func orgName(r *rand.Rand, lang string) string {
	switch r.IntN(3) {
	case 0:
		return say(r, orgPrefixes, lang) + " " + say(r, orgNames, lang)
	case 1:
		return say(r, orgNames, lang) + " " + pick(r, cityWords)
	}
	return say(r, orgPrefixes, lang) + " " + pick(r, cityWords)
}

func sourceName(r *rand.Rand, lang string) string {
	return map[string]string{"fr": "Agenda ", "nl": "Kalender ", "de": "Kalender ", "en": "Agenda "}[lang] +
		say(r, orgNames, lang)
}

var venues = []string{"Maison des associations", "Centre culturel", "Salle paroissiale", "Maison de quartier", "Cabinet de groupe",
	"Ontmoetingscentrum", "Dienstencentrum", "Bibliotheek", "Service de santé mentale", "Huis van het Kind", "Gemeinschaftszentrum"}

var streets = []string{"Rue de la Station", "Rue Haute", "Avenue Louise", "Chaussée de Wavre", "Rue du Marché", "Place communale",
	"Kerkstraat", "Stationsstraat", "Dorpsstraat", "Molenstraat", "Nieuwstraat", "Kirchstraße", "Rue des Écoles", "Grand-Rue"}

var firstNames = []string{"Marie", "Sophie", "Julie", "Nathalie", "Thomas", "Nicolas", "Els", "An", "Pieter", "Koen", "Lieve", "Jan", "Anna", "Lukas"}

var lastNames = []string{"Dubois", "Lambert", "Dupont", "Martin", "Peeters", "Janssens", "Maes", "Jacobs", "Willems", "Claes", "Goossens", "Schmitz"}

var weekdayNames = map[string][7]string{
	"fr": {"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
	"nl": {"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"},
	"de": {"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"},
	"en": {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
}

// clockText writes a time of day as each language does: 18h30, 18.30 uur, 18:30 Uhr, 6.30pm.
func clockText(lang string, h, m int) string {
	switch lang {
	case "nl":
		return fmt.Sprintf("%d.%02d uur", h, m)
	case "de":
		return fmt.Sprintf("%d:%02d Uhr", h, m)
	case "en":
		suffix := "am"
		if h >= 12 {
			suffix = "pm"
		}
		return fmt.Sprintf("%d.%02d%s", (h+11)%12+1, m, suffix)
	}
	return fmt.Sprintf("%dh%02d", h, m)
}

// weeklyText says "every (other) weekday at time".
func weeklyText(lang string, wd time.Weekday, interval, h, m int) string {
	day, at := weekdayNames[lang][wd], clockText(lang, h, m)
	switch lang {
	case "nl":
		if interval == 2 {
			return fmt.Sprintf("om de twee weken op %s om %s", day, at)
		}
		return fmt.Sprintf("elke %s om %s", day, at)
	case "de":
		if interval == 2 {
			return fmt.Sprintf("jeden zweiten %s um %s", day, at)
		}
		return fmt.Sprintf("jeden %s um %s", day, at)
	case "en":
		if interval == 2 {
			return fmt.Sprintf("every other %s at %s", day, at)
		}
		return fmt.Sprintf("every %s at %s", day, at)
	}
	if interval == 2 {
		return fmt.Sprintf("un %s sur deux à %s", day, at)
	}
	return fmt.Sprintf("tous les %ss à %s", day, at)
}

// monthlyText says "the nth weekday of the month at time".
func monthlyText(lang string, wd time.Weekday, nth, h, m int) string {
	day, at := weekdayNames[lang][wd], clockText(lang, h, m)
	switch lang {
	case "nl":
		return fmt.Sprintf("elke %s %s van de maand om %s", []string{"", "eerste", "tweede", "derde", "vierde"}[nth], day, at)
	case "de":
		return fmt.Sprintf("jeden %d. %s im Monat um %s", nth, day, at)
	case "en":
		return fmt.Sprintf("every %s %s of the month at %s", []string{"", "first", "second", "third", "fourth"}[nth], day, at)
	}
	return fmt.Sprintf("le %s %s du mois à %s", []string{"", "premier", "deuxième", "troisième", "quatrième"}[nth], day, at)
}
