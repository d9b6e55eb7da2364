package record

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// langLabelled is a labelled list of short listing texts (titles and one-line
// descriptions) written for this test, balanced across fr, nl, de and en. It was
// written before the detector's word lists and sample texts, and none of its lines
// is copied into them.
var langLabelled = []struct{ lang, text string }{
	// French: titles.
	{"fr", "Groupe de parole deuil"},
	{"fr", "Atelier d'écriture thérapeutique"},
	{"fr", "Cercle de parole pour jeunes aidants"},
	{"fr", "Groupe d'entraide anxiété et phobies"},
	{"fr", "Psychoéducation pour les proches"},
	{"fr", "Analyse des pratiques en équipe"},
	{"fr", "Soirée d'information sur la dépression"},
	{"fr", "Groupe thérapeutique pour adolescents"},
	{"fr", "Café des aidants"},
	{"fr", "Art-thérapie : couleurs et émotions"},
	{"fr", "Groupe de soutien après un burn-out"},
	{"fr", "Supervision clinique pour psychologues"},
	// French: one-line descriptions.
	{"fr", "Un espace d'échange pour les parents d'enfants hospitalisés en psychiatrie."},
	{"fr", "Les rencontres ont lieu un jeudi sur deux au centre culturel."},
	{"fr", "Ce groupe s'adresse aux personnes qui vivent avec un trouble bipolaire."},
	{"fr", "Inscription obligatoire par téléphone avant le premier rendez-vous."},
	{"fr", "Huit séances pour apprendre à mieux gérer le stress au quotidien."},
	{"fr", "Animé par deux psychologues, le groupe est limité à dix participants."},
	{"fr", "Un lieu convivial pour rompre l'isolement et partager son vécu."},
	{"fr", "Participation libre, sans engagement, ouvert à toutes et à tous."},
	{"fr", "Nous proposons un accompagnement collectif aux familles endeuillées par un suicide."},
	{"fr", "La séance se déroule en visioconférence, le lien est envoyé la veille."},
	{"fr", "Le cycle comprend six ateliers de deux heures le samedi matin."},
	{"fr", "Pour les professionnels de première ligne confrontés à la précarité."},
	{"fr", "Venez découvrir la méditation de pleine conscience en petit groupe."},
	// Dutch: titles.
	{"nl", "Praatgroep rouw"},
	{"nl", "Lotgenotengroep voor naasten"},
	{"nl", "Zelfhulpgroep angst en paniek"},
	{"nl", "Herstelgroep na een depressie"},
	{"nl", "Schrijfatelier voor jongeren"},
	{"nl", "Intervisie voor huisartsen"},
	{"nl", "Ouders van kinderen met autisme"},
	{"nl", "Mindfulnesstraining in groep"},
	{"nl", "Infoavond over psychose"},
	{"nl", "Kunsttherapie met klei"},
	{"nl", "Gespreksgroep voor mantelzorgers"},
	{"nl", "Steungroep na zelfdoding van een naaste"},
	// Dutch: one-line descriptions.
	{"nl", "Een veilige plek om ervaringen te delen met mensen die hetzelfde meemaken."},
	{"nl", "De groep komt elke tweede dinsdag van de maand samen in het ontmoetingscentrum."},
	{"nl", "Voor volwassenen die worstelen met somberheid en weinig energie hebben."},
	{"nl", "Inschrijven is verplicht, het aantal plaatsen is beperkt tot twaalf."},
	{"nl", "We werken met oefeningen rond ademhaling en ontspanning."},
	{"nl", "De sessies worden begeleid door een psycholoog en een ervaringsdeskundige."},
	{"nl", "Deelname is gratis en je hoeft geen doorverwijzing van je huisarts te hebben."},
	{"nl", "Na elke bijeenkomst is er tijd voor een kop koffie en een babbel."},
	{"nl", "Deze reeks van zes avonden gaat over omgaan met stress op het werk."},
	{"nl", "Jongeren tussen zestien en vijfentwintig jaar zijn van harte welkom."},
	{"nl", "Het online gesprek vindt plaats via een beveiligde videoverbinding."},
	{"nl", "Samen zoeken we naar wat jou helpt om weer grip te krijgen op je leven."},
	{"nl", "Voor partners van mensen met een verslaving aan alcohol of drugs."},
	// German: titles.
	{"de", "Selbsthilfegruppe Angst"},
	{"de", "Gesprächskreis für Angehörige"},
	{"de", "Trauergruppe für Eltern"},
	{"de", "Gruppe für Menschen mit Depressionen"},
	{"de", "Kunsttherapie für Kinder"},
	{"de", "Achtsamkeitskurs am Abend"},
	{"de", "Treffen für pflegende Angehörige"},
	{"de", "Austausch nach einem Burn-out"},
	{"de", "Supervision für Fachkräfte"},
	{"de", "Schreibwerkstatt gegen die Einsamkeit"},
	{"de", "Elterncafé in Eupen"},
	{"de", "Offener Treff für junge Erwachsene"},
	// German: one-line descriptions.
	{"de", "Die Gruppe trifft sich jeden zweiten Donnerstag im Pfarrheim."},
	{"de", "Ein geschützter Raum, um über Verlust und Trauer zu sprechen."},
	{"de", "Eine Anmeldung ist erforderlich, die Teilnahme ist kostenlos."},
	{"de", "Für Menschen, die unter Panikattacken oder Ängsten leiden."},
	{"de", "Geleitet wird das Treffen von einer Psychologin und einem Betroffenen."},
	{"de", "Wir sprechen über unsere Erfahrungen und unterstützen uns gegenseitig."},
	{"de", "Der Kurs umfasst acht Abende und findet in deutscher Sprache statt."},
	{"de", "Angehörige von psychisch erkrankten Menschen sind herzlich willkommen."},
	{"de", "Das Angebot richtet sich an Jugendliche zwischen vierzehn und achtzehn Jahren."},
	{"de", "Nach dem Vortrag bleibt Zeit für Fragen und persönliche Gespräche."},
	{"de", "Bitte melden Sie sich telefonisch oder per E-Mail beim Sekretariat an."},
	{"de", "Die Treffen finden online statt, den Link erhalten Sie nach der Anmeldung."},
	{"de", "Gemeinsam lernen wir, besser mit Stress im Alltag umzugehen."},
	// English: titles.
	{"en", "Peer support circle"},
	{"en", "Grief support group"},
	{"en", "Anxiety and panic self-help group"},
	{"en", "Parents of teenagers with eating disorders"},
	{"en", "Mindful walking for beginners"},
	{"en", "Creative writing for wellbeing"},
	{"en", "Coffee morning for carers"},
	{"en", "Support group for expats in Brussels"},
	{"en", "Hearing voices network meeting"},
	{"en", "Healing after loss"},
	{"en", "Men's mental health circle"},
	{"en", "Recovery college taster session"},
	// English: one-line descriptions.
	{"en", "A safe space to share your experience with people who understand."},
	{"en", "The group meets every other Wednesday evening at the community centre."},
	{"en", "Open to anyone living with depression, no referral needed."},
	{"en", "Sessions are led by a trained facilitator and a peer volunteer."},
	{"en", "Please register by email, places are limited to twelve participants."},
	{"en", "We talk about what helps, what does not, and how to keep going."},
	{"en", "This online workshop teaches practical tools for managing stress at work."},
	{"en", "Free of charge, tea and biscuits provided."},
	{"en", "For partners and family members of people struggling with addiction."},
	{"en", "An eight-week course on mindfulness held in English in Ixelles."},
	{"en", "International students far from home are warmly welcome to join us."},
	{"en", "Each meeting starts with a short check-in round and ends with a breathing exercise."},
	{"en", "The group is held in English and is open to newcomers at any time."},
}

func TestDetectLanguageAccuracy(t *testing.T) {
	perLang := map[string]int{}
	for _, c := range langLabelled {
		perLang[c.lang]++
	}
	if len(langLabelled) < 80 {
		t.Fatalf("only %d labelled texts, want at least 80", len(langLabelled))
	}
	type tally struct{ n, right, wrong, unknown int }
	var all, long, short tally
	byLang := map[string]*tally{}
	for _, c := range langLabelled {
		got, conf := DetectLanguage(c.text)
		words := len(strings.Fields(c.text))
		bucket := &short
		if words >= 4 {
			bucket = &long
		}
		if byLang[c.lang] == nil {
			byLang[c.lang] = &tally{}
		}
		for _, tl := range []*tally{&all, bucket, byLang[c.lang]} {
			tl.n++
			switch got {
			case c.lang:
				tl.right++
			case "":
				tl.unknown++
			default:
				tl.wrong++
			}
		}
		if got != c.lang {
			t.Logf("miss: DetectLanguage(%q) = %q (%.2f), want %q", c.text, got, conf, c.lang)
		}
	}
	report := func(name string, tl tally) {
		t.Logf("%-22s n=%3d correct=%3d (%.3f) unknown=%2d wrong=%2d", name, tl.n, tl.right,
			float64(tl.right)/float64(tl.n), tl.unknown, tl.wrong)
	}
	report("all", all)
	report("texts >= 4 words", long)
	report("texts < 4 words", short)
	for _, l := range []string{"fr", "nl", "de", "en"} {
		report("lang "+l, *byLang[l])
	}
	// Floors reached on the list above (see the report for the figures): correct
	// answers on texts of four words or more, and wrong (not unknown) answers overall.
	if acc := float64(long.right) / float64(long.n); acc < 0.95 {
		t.Errorf("accuracy on texts >= 4 words = %.3f, want >= 0.95", acc)
	}
	if acc := float64(all.right) / float64(all.n); acc < 0.9 {
		t.Errorf("accuracy on all texts = %.3f, want >= 0.90", acc)
	}
	if all.wrong > 2 {
		t.Errorf("%d texts got a wrong language, want at most 2 (unknown is the honest answer)", all.wrong)
	}
}

func TestDetectLanguage(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"nl short title", "Praatgroep rouw", "nl"},
		{"fr short title", "Groupe de parole deuil", "fr"},
		{"de short title", "Selbsthilfegruppe Angst", "de"},
		{"en short title", "Peer support circle", "en"},
		{"fr title with quotes", "Groupe de parole « Traverser le deuil »", "fr"},
		{"nl title with quotes", "Schrijfatelier « Woorden voor wat schuurt »", "nl"},
		{"fr upper case", "PRATIQUES THÉRAPEUTIQUES DE GROUPE", "fr"},
		{"fr without accents", "Groupe de soutien pour les proches de personnes malades", "fr"},
		{"nl csv description", "Ouders, partners, broers en zussen wisselen ervaringen uit over het leven naast iemand met een psychische aandoening.", "nl"},
		{"de description", "Wir treffen uns einmal im Monat, um über unsere Erfahrungen mit der Krankheit zu sprechen.", "de"},
		{"en description", "A monthly group for people bereaved by suicide, facilitated by trained volunteers.", "en"},
		{"fr seed paragraph", "Le groupe se réunit une fois par mois (de novembre à juin). Une séance dure 3 heures.", "fr"},
		{"fr with English brand", "Chez Healing Together, on croit à la force des liens.", "fr"},
		{"nl with English loanwords", "Webinar: omgaan met burn-out in teams", "nl"},
		{"fr bilingual mention", "Groupe de parole pour proches (bilingue FR/NL)", "fr"},
		// Mixed and hopeless inputs: unknown is the honest answer.
		{"brussels bilingual", "Groupe de parole / Praatgroep", ""},
		{"bilingual lines", "Groupe de parole pour les proches\nPraatgroep voor naasten", ""},
		{"empty", "", ""},
		{"blank", "  \n\t ", ""},
		{"numbers", "2027-03-23 18:30 – 20:30", ""},
		{"acronym", "SMES-B", ""},
		{"one international word", "Yoga", ""},
		{"loanword", "Burn-out", ""},
		{"online", "Online", ""},
		{"url", "https://www.smes.be", ""},
		{"email", "reseau@smes.be", ""},
		{"phone", "0498/462 402", ""},
		{"place name", "Woluwe-Saint-Lambert", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, conf := DetectLanguage(tt.text)
			if got != tt.want {
				t.Errorf("DetectLanguage(%q) = %q (%.2f), want %q", tt.text, got, conf, tt.want)
			}
			if conf < 0 || conf > 1 {
				t.Errorf("DetectLanguage(%q) confidence %v out of [0, 1]", tt.text, conf)
			}
			if got != "" && conf < LanguageMinConfidence {
				t.Errorf("DetectLanguage(%q) = %q with confidence %.2f below LanguageMinConfidence", tt.text, got, conf)
			}
		})
	}
}

func TestDetectLanguageSeeds(t *testing.T) {
	// Every seed is a French page; the whole text must come out French, before and
	// after cleaning.
	for name, text := range map[string]string{"000": personSeed000, "001": personSeed001} {
		for _, s := range []string{text, CleanText(text)} {
			if got, conf := DetectLanguage(s); got != "fr" {
				t.Errorf("DetectLanguage(seed %s) = %q (%.2f), want fr", name, got, conf)
			}
		}
	}
	for _, name := range personSeedNames(t) {
		text := personReadSeed(t, name)
		if got, conf := DetectLanguage(text); got != "fr" {
			t.Errorf("DetectLanguage(seed %s) = %q (%.2f), want fr", name, got, conf)
		}
	}
}

func FuzzDetectLanguage(f *testing.F) {
	for _, c := range langLabelled[:8] {
		f.Add(c.text)
	}
	f.Add("Groupe de parole / Praatgroep")
	f.Add("l'l'l' 's n't")
	f.Fuzz(func(t *testing.T, s string) {
		lang, conf := DetectLanguage(s)
		switch lang {
		case "", "fr", "nl", "de", "en":
		default:
			t.Fatalf("DetectLanguage(%q) = %q: not a supported language", s, lang)
		}
		if conf < 0 || conf > 1 || conf != conf {
			t.Fatalf("DetectLanguage(%q) confidence = %v", s, conf)
		}
		if lang != "" && utf8.RuneCountInString(s) < langMinLetters {
			t.Fatalf("DetectLanguage(%q) = %q for a text shorter than langMinLetters", s, lang)
		}
	})
}
