package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// languages are the UI's languages, in the order the switcher shows them.
var languages = []string{"fr", "nl", "en"}

var languageNames = map[string]string{"fr": "Français", "nl": "Nederlands", "en": "English"}

// pickLanguage chooses the UI language: ?lang= first, then Accept-Language, then fr.
func pickLanguage(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); isLanguage(l) {
		return l
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		if len(tag) > 2 {
			tag = tag[:2]
		}
		if isLanguage(tag) {
			return tag
		}
	}
	return "fr"
}

func isLanguage(l string) bool { return l == "fr" || l == "nl" || l == "en" }

// translate returns the message key in lang, formatted with args; a missing
// message shows its key, which the tests catch.
func translate(lang, key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	s := m[lang]
	if s == "" {
		s = m["en"]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

var weekdays = map[string][7]string{
	"fr": {"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
	"nl": {"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"},
	"en": {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
}

var months = map[string][12]string{
	"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	"nl": {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// formatDate writes t in Brussels time as people of lang write it, with the hour
// unless it is midnight.
func formatDate(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(brussels)
	day := fmt.Sprintf("%s %d %s %d", weekdays[lang][t.Weekday()], t.Day(), months[lang][t.Month()-1], t.Year())
	if t.Hour() == 0 && t.Minute() == 0 {
		return day
	}
	return fmt.Sprintf("%s, %02d:%02d", day, t.Hour(), t.Minute())
}

var messages = map[string]map[string]string{
	"site_name":      {"fr": "Ensemble", "nl": "Ensemble", "en": "Ensemble"},
	"tagline":        {"fr": "Groupes de parole, d'entraide et de thérapie en Belgique", "nl": "Praat-, steun- en therapiegroepen in België", "en": "Support, discussion and therapy groups in Belgium"},
	"skip":           {"fr": "Aller au contenu", "nl": "Naar de inhoud", "en": "Skip to content"},
	"language":       {"fr": "Langue", "nl": "Taal", "en": "Language"},
	"crisis_label":   {"fr": "Aide urgente", "nl": "Dringende hulp", "en": "Urgent help"},
	"search_label":   {"fr": "Que cherchez-vous ?", "nl": "Wat zoekt u?", "en": "What are you looking for?"},
	"search_hint":    {"fr": "Par exemple : deuil, proches, burn-out, praatgroep", "nl": "Bijvoorbeeld: rouw, naasten, burn-out, groupe de parole", "en": "For example: grief, carers, burnout, praatgroep"},
	"search_button":  {"fr": "Rechercher", "nl": "Zoeken", "en": "Search"},
	"filters":        {"fr": "Affiner", "nl": "Verfijnen", "en": "Refine"},
	"kind":           {"fr": "Type de groupe", "nl": "Soort groep", "en": "Kind of group"},
	"audience":       {"fr": "Pour qui", "nl": "Voor wie", "en": "For whom"},
	"topic":          {"fr": "Thème", "nl": "Thema", "en": "Topic"},
	"where":          {"fr": "Où (code postal ou commune)", "nl": "Waar (postcode of gemeente)", "en": "Where (postcode or municipality)"},
	"km":             {"fr": "Distance", "nl": "Afstand", "en": "Distance"},
	"km_exact":       {"fr": "seulement à cet endroit", "nl": "alleen op die plaats", "en": "only that place"},
	"km_within":      {"fr": "dans un rayon de %d km", "nl": "binnen %d km", "en": "within %d km"},
	"when":           {"fr": "Quand", "nl": "Wanneer", "en": "When"},
	"from":           {"fr": "À partir du", "nl": "Vanaf", "en": "From"},
	"to":             {"fr": "Jusqu'au", "nl": "Tot en met", "en": "Until"},
	"attendance":     {"fr": "Sur place ou en ligne", "nl": "Ter plaatse of online", "en": "In person or online"},
	"any":            {"fr": "Tous", "nl": "Alle", "en": "Any"},
	"in-person":      {"fr": "Sur place", "nl": "Ter plaatse", "en": "In person"},
	"online":         {"fr": "En ligne", "nl": "Online", "en": "Online"},
	"hybrid":         {"fr": "Hybride", "nl": "Hybride", "en": "Hybrid"},
	"free":           {"fr": "Gratuit uniquement", "nl": "Alleen gratis", "en": "Free only"},
	"sort":           {"fr": "Trier par", "nl": "Sorteren op", "en": "Sort by"},
	"sort_relevance": {"fr": "Pertinence", "nl": "Relevantie", "en": "Relevance"},
	"sort_date":      {"fr": "Date la plus proche", "nl": "Eerstvolgende datum", "en": "Soonest date"},
	"sort_distance":  {"fr": "Distance", "nl": "Afstand", "en": "Distance"},
	"sort_updated":   {"fr": "Mis à jour récemment", "nl": "Recent bijgewerkt", "en": "Recently updated"},
	"apply":          {"fr": "Appliquer les filtres", "nl": "Filters toepassen", "en": "Apply filters"},
	"reset":          {"fr": "Tout effacer", "nl": "Alles wissen", "en": "Clear all"},
	"results":        {"fr": "Résultats", "nl": "Resultaten", "en": "Results"},
	"n_results":      {"fr": "%d groupe(s) trouvé(s)", "nl": "%d groep(en) gevonden", "en": "%d group(s) found"},
	"no_results":     {"fr": "Aucun groupe ne correspond. Essayez d'autres mots ou moins de filtres.", "nl": "Geen groep gevonden. Probeer andere woorden of minder filters.", "en": "No group matches. Try other words or fewer filters."},
	"organizer":      {"fr": "Organisé par", "nl": "Georganiseerd door", "en": "Organized by"},
	"next_date":      {"fr": "Prochaine date", "nl": "Volgende datum", "en": "Next date"},
	"place":          {"fr": "Lieu", "nl": "Plaats", "en": "Place"},
	"price":          {"fr": "Prix", "nl": "Prijs", "en": "Price"},
	"price_free":     {"fr": "Gratuit", "nl": "Gratis", "en": "Free"},
	"price_unknown":  {"fr": "non précisé", "nl": "niet vermeld", "en": "not stated"},
	"date_unknown":   {"fr": "voir l'annonce", "nl": "zie de aankondiging", "en": "see the listing"},
	"km_away":        {"fr": "à %.1f km", "nl": "op %.1f km", "en": "%.1f km away"},
	"prev":           {"fr": "Page précédente", "nl": "Vorige pagina", "en": "Previous page"},
	"next":           {"fr": "Page suivante", "nl": "Volgende pagina", "en": "Next page"},
	"page_of":        {"fr": "Page %d sur %d", "nl": "Pagina %d van %d", "en": "Page %d of %d"},
	"pages":          {"fr": "Pages de résultats", "nl": "Resultaatpagina's", "en": "Result pages"},
	"subscribe":      {"fr": "Suivre cette recherche", "nl": "Deze zoekopdracht volgen", "en": "Follow this search"},
	"atom":           {"fr": "Flux Atom (groupes nouveaux ou modifiés)", "nl": "Atom-feed (nieuwe of gewijzigde groepen)", "en": "Atom feed (new and changed groups)"},
	"ics":            {"fr": "Agenda iCalendar (séances à venir)", "nl": "iCalendar-agenda (komende sessies)", "en": "iCalendar (upcoming sessions)"},
	"search_error":   {"fr": "La recherche n'a pas pu se faire :", "nl": "De zoekopdracht kon niet worden uitgevoerd:", "en": "The search could not be run:"},
	"where_unknown":  {"fr": "code postal ou commune inconnu", "nl": "onbekende postcode of gemeente", "en": "unknown postcode or municipality"},
	"where_needed":   {"fr": "indiquez un lieu pour chercher autour", "nl": "geef een plaats op om in de buurt te zoeken", "en": "give a place to search around"},
	"bad_date":       {"fr": "date invalide (AAAA-MM-JJ)", "nl": "ongeldige datum (JJJJ-MM-DD)", "en": "not a date (YYYY-MM-DD)"},
	"bad_value":      {"fr": "valeur inconnue", "nl": "onbekende waarde", "en": "unknown value"},
	"dates_order":    {"fr": "la date de fin est avant celle de début", "nl": "de einddatum ligt voor de begindatum", "en": "the end is before the start"},

	"flag_stale":      {"fr": "Pas mis à jour depuis 90 jours", "nl": "90 dagen niet bijgewerkt", "en": "Not updated for 90 days"},
	"flag_cancelled":  {"fr": "Annulé", "nl": "Geannuleerd", "en": "Cancelled"},
	"flag_date_past":  {"fr": "Terminé", "nl": "Afgelopen", "en": "Over"},
	"flag_place":      {"fr": "Lieu approximatif", "nl": "Plaats bij benadering", "en": "Approximate place"},
	"flag_year":       {"fr": "Année devinée", "nl": "Jaar afgeleid", "en": "Year guessed"},
	"flag_on_request": {"fr": "Prix sur demande", "nl": "Prijs op aanvraag", "en": "Price on request"},
	"flag_free_will":  {"fr": "Prix libre", "nl": "Vrije bijdrage", "en": "Pay what you can"},
	"flag_date_miss":  {"fr": "Date inconnue", "nl": "Datum onbekend", "en": "Date unknown"},

	"back":             {"fr": "Retour à la recherche", "nl": "Terug naar zoeken", "en": "Back to search"},
	"details":          {"fr": "En pratique", "nl": "Praktisch", "en": "Practical details"},
	"description":      {"fr": "Description", "nl": "Beschrijving", "en": "Description"},
	"schedule":         {"fr": "Horaire", "nl": "Planning", "en": "Schedule"},
	"upcoming":         {"fr": "Prochaines dates", "nl": "Volgende data", "en": "Upcoming dates"},
	"ends":             {"fr": "Fin", "nl": "Einde", "en": "Ends"},
	"languages":        {"fr": "Langues", "nl": "Talen", "en": "Languages"},
	"facilitation":     {"fr": "Animation", "nl": "Begeleiding", "en": "Facilitation"},
	"group_size":       {"fr": "Taille du groupe", "nl": "Groepsgrootte", "en": "Group size"},
	"registration":     {"fr": "Inscription", "nl": "Inschrijving", "en": "Registration"},
	"required":         {"fr": "obligatoire", "nl": "verplicht", "en": "required"},
	"not_required":     {"fr": "pas nécessaire", "nl": "niet nodig", "en": "not needed"},
	"contact":          {"fr": "Contact", "nl": "Contact", "en": "Contact"},
	"website":          {"fr": "Site web", "nl": "Website", "en": "Website"},
	"online_link":      {"fr": "Lien de la session en ligne", "nl": "Link naar de online sessie", "en": "Online session link"},
	"provenance":       {"fr": "D'où vient cette annonce", "nl": "Herkomst van deze aankondiging", "en": "Where this listing comes from"},
	"source":           {"fr": "Source", "nl": "Bron", "en": "Source"},
	"original":         {"fr": "Annonce d'origine", "nl": "Oorspronkelijke aankondiging", "en": "Original listing"},
	"first_seen":       {"fr": "Vue pour la première fois", "nl": "Eerst gezien", "en": "First seen"},
	"last_seen":        {"fr": "Vue pour la dernière fois", "nl": "Laatst gezien", "en": "Last seen"},
	"updated":          {"fr": "Dernière modification", "nl": "Laatst gewijzigd", "en": "Last changed"},
	"licence":          {"fr": "Licence", "nl": "Licentie", "en": "Licence"},
	"licence_unknown":  {"fr": "inconnue (non reprise dans les données ouvertes)", "nl": "onbekend (niet in de open data)", "en": "unknown (left out of the open data)"},
	"attribution":      {"fr": "Attribution", "nl": "Naamsvermelding", "en": "Attribution"},
	"status":           {"fr": "Statut", "nl": "Status", "en": "Status"},
	"status_active":    {"fr": "actif", "nl": "actief", "en": "active"},
	"status_withdrawn": {"fr": "retiré par la source", "nl": "ingetrokken door de bron", "en": "withdrawn by the source"},
	"status_past":      {"fr": "terminé", "nl": "afgelopen", "en": "over"},
	"status_stale":     {"fr": "pas mis à jour depuis 90 jours", "nl": "90 dagen niet bijgewerkt", "en": "not updated for 90 days"},
	"quality":          {"fr": "Remarques sur la qualité des données", "nl": "Opmerkingen over de gegevenskwaliteit", "en": "Data quality notes"},
	"data_json":        {"fr": "Données (JSON)", "nl": "Gegevens (JSON)", "en": "Data (JSON)"},

	"report_heading":       {"fr": "Signaler un problème", "nl": "Een probleem melden", "en": "Report a problem"},
	"report_intro":         {"fr": "Une information fausse ou dépassée ? Dites-le, sans compte. Le réseau qui publie l'annonce le verra. N'écrivez pas de données personnelles.", "nl": "Klopt er iets niet of is het verouderd? Meld het, zonder account. Het netwerk dat de aankondiging publiceert, ziet het. Schrijf geen persoonsgegevens.", "en": "Something wrong or out of date? Tell us, no account needed. The network that publishes the listing will see it. Do not write personal data."},
	"reason":               {"fr": "Raison", "nl": "Reden", "en": "Reason"},
	"report_text":          {"fr": "Précisions (facultatif, 1000 caractères au maximum)", "nl": "Toelichting (optioneel, hoogstens 1000 tekens)", "en": "Details (optional, at most 1000 characters)"},
	"report_send":          {"fr": "Envoyer le signalement", "nl": "Melding versturen", "en": "Send the report"},
	"report_thanks":        {"fr": "Merci : votre signalement a été transmis.", "nl": "Bedankt: uw melding is doorgegeven.", "en": "Thank you: your report was passed on."},
	"report_errors":        {"fr": "Le signalement n'a pas été envoyé :", "nl": "De melding is niet verstuurd:", "en": "The report was not sent:"},
	"honeypot":             {"fr": "Ne remplissez pas ce champ", "nl": "Vul dit veld niet in", "en": "Leave this field empty"},
	"err_reason":           {"fr": "choisissez une raison", "nl": "kies een reden", "en": "choose a reason"},
	"err_text":             {"fr": "1000 caractères au maximum", "nl": "hoogstens 1000 tekens", "en": "at most 1000 characters"},
	"err_expired":          {"fr": "le formulaire a expiré : vérifiez et envoyez à nouveau", "nl": "het formulier is verlopen: controleer en verstuur opnieuw", "en": "the form expired: check it and send it again"},
	"err_too_fast":         {"fr": "envoyé trop vite : attendez quelques secondes et envoyez à nouveau", "nl": "te snel verstuurd: wacht enkele seconden en verstuur opnieuw", "en": "sent too fast: wait a few seconds and send it again"},
	"err_rate":             {"fr": "Trop de signalements depuis cette connexion. Réessayez plus tard.", "nl": "Te veel meldingen vanaf deze verbinding. Probeer later opnieuw.", "en": "Too many reports from this connection. Try again later."},
	"form":                 {"fr": "formulaire", "nl": "formulier", "en": "form"},
	"reason_outdated":      {"fr": "L'information est dépassée", "nl": "De informatie is verouderd", "en": "The information is out of date"},
	"reason_wrong-details": {"fr": "Lieu, date, prix ou contact erronés", "nl": "Verkeerde plaats, datum, prijs of contact", "en": "Wrong place, date, price or contact"},
	"reason_broken-link":   {"fr": "Un lien ne fonctionne pas", "nl": "Een link werkt niet", "en": "A link does not work"},
	"reason_cancelled":     {"fr": "Le groupe n'existe plus ou est annulé", "nl": "De groep bestaat niet meer of is geannuleerd", "en": "The group no longer exists or is cancelled"},
	"reason_not-a-group":   {"fr": "Ce n'est pas un groupe de santé mentale", "nl": "Dit is geen groep rond geestelijke gezondheid", "en": "This is not a mental-health group"},
	"reason_inappropriate": {"fr": "Contenu inapproprié ou dangereux", "nl": "Ongepaste of gevaarlijke inhoud", "en": "Inappropriate or harmful content"},
	"reason_other":         {"fr": "Autre chose", "nl": "Iets anders", "en": "Something else"},

	"notfound_title": {"fr": "Page introuvable", "nl": "Pagina niet gevonden", "en": "Page not found"},
	"notfound_text":  {"fr": "Cette page n'existe pas ou plus. L'annonce a peut-être été retirée.", "nl": "Deze pagina bestaat niet (meer). De aankondiging is misschien ingetrokken.", "en": "This page does not exist (any more). The listing may have been withdrawn."},
	"error_title":    {"fr": "Un problème est survenu", "nl": "Er ging iets mis", "en": "Something went wrong"},
	"error_text":     {"fr": "Réessayez dans un instant.", "nl": "Probeer het zo dadelijk opnieuw.", "en": "Please try again in a moment."},
	"footer":         {"fr": "Ensemble indexe les annonces publiées par les réseaux et associations ; vérifiez auprès d'eux avant de vous déplacer.", "nl": "Ensemble verzamelt aankondigingen van netwerken en verenigingen; controleer bij hen voor u zich verplaatst.", "en": "Ensemble indexes listings published by networks and associations; check with them before you go."},
	"api_link":       {"fr": "API et données ouvertes", "nl": "API en open data", "en": "API and open data"},
}
