package api

import (
	"net/http"
	"strings"
)

// Crisis is the block every search response carries: whatever someone searched
// for, they are never left without a number to call.
type Crisis struct {
	Message string       `json:"message"`
	Lines   []CrisisLine `json:"lines"`
}

// CrisisLine is one Belgian helpline.
type CrisisLine struct {
	Name   string `json:"name"`
	Number string `json:"number"`
	For    string `json:"for"`
}

var crisisByLang = map[string]Crisis{
	"fr": {
		Message: "En danger ou en détresse maintenant ? Appelez, c'est gratuit et anonyme.",
		Lines: []CrisisLine{
			{"Urgences", "112", "danger immédiat"},
			{"Centre de Prévention du Suicide", "0800 32 123", "idées suicidaires, 24h/24"},
			{"Télé-Accueil", "107", "écoute, 24h/24"},
			{"Écoute-Enfants", "103", "enfants et jeunes"},
		},
	},
	"nl": {
		Message: "In gevaar of in nood? Bel nu, gratis en anoniem.",
		Lines: []CrisisLine{
			{"Noodnummer", "112", "acuut gevaar"},
			{"Zelfmoordlijn", "1813", "zelfmoordgedachten, 24/7"},
			{"Tele-Onthaal", "106", "een luisterend oor, 24/7"},
			{"Awel", "102", "kinderen en jongeren"},
		},
	},
	"de": {
		Message: "In Gefahr oder in Not? Rufen Sie jetzt an, kostenlos und anonym.",
		Lines: []CrisisLine{
			{"Notruf", "112", "akute Gefahr"},
			{"Centre de Prévention du Suicide", "0800 32 123", "Suizidgedanken, rund um die Uhr (französisch)"},
			{"Telefonhilfe", "108", "Zuhören, rund um die Uhr"},
		},
	},
	"en": {
		Message: "In danger or distress right now? Call, it's free and anonymous.",
		Lines: []CrisisLine{
			{"Emergency", "112", "immediate danger"},
			{"Centre de Prévention du Suicide", "0800 32 123", "suicidal thoughts, 24/7 (French)"},
			{"Zelfmoordlijn", "1813", "suicidal thoughts, 24/7 (Dutch)"},
			{"Télé-Accueil / Tele-Onthaal", "107 / 106", "someone to listen, 24/7"},
		},
	},
}

// CrisisFor returns the crisis block in lang (fr, nl, de or en; fr for any other),
// for pages that show the same numbers as the API.
func CrisisFor(lang string) Crisis {
	if c, ok := crisisByLang[lang]; ok {
		return c
	}
	return crisisByLang["fr"]
}

// requestLanguage picks fr, nl, de or en from ?lang= or Accept-Language; fr by default.
func requestLanguage(r *http.Request) string {
	candidates := []string{r.URL.Query().Get("lang")}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		candidates = append(candidates, strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
	}
	for _, c := range candidates {
		c = strings.ToLower(c)
		if len(c) > 2 {
			c = c[:2]
		}
		if _, ok := crisisByLang[c]; ok {
			return c
		}
	}
	return "fr"
}
