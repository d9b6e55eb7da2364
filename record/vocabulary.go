package record

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Kinds are the ids of the kinds of group. The full taxonomy (hierarchy, labels in
// four languages, classifier rules) comes with its own data file; this list is the
// vocabulary a source's defaults and fields may use.
var Kinds = []string{
	"therapy-group", "support-group", "discussion-group", "peer-circle", "psychoeducation",
	"workshop", "art-therapy", "psychodrama", "retreat", "personal-development",
	"intervision", "clinical-supervision", "practice-analysis", "balint-group",
	"webinar", "conference", "training",
}

// kindNames maps folded names partners use to kind ids.
var kindNames = map[string]string{
	"groupe therapeutique": "therapy-group", "therapie de groupe": "therapy-group", "therapiegroep": "therapy-group", "therapy group": "therapy-group",
	"groupe de soutien": "support-group", "groupe d'entraide": "support-group", "zelfhulpgroep": "support-group", "steungroep": "support-group", "support group": "support-group", "self-help group": "support-group",
	"groupe de parole": "discussion-group", "groupes de parole": "discussion-group", "praatgroep": "discussion-group", "gespreksgroep": "discussion-group",
	"cercle de soutien": "peer-circle", "cercle de pairs": "peer-circle", "pair-aidance": "peer-circle", "lotgenotengroep": "peer-circle", "peer circle": "peer-circle",
	"psychoeducation": "psychoeducation", "psycho-education": "psychoeducation", "psycho-educatie": "psychoeducation",
	"atelier": "workshop", "atelier d'ecriture": "workshop", "workshop": "workshop", "schrijfatelier": "workshop",
	"art-therapie": "art-therapy", "art therapie": "art-therapy", "art therapy": "art-therapy", "kunsttherapie": "art-therapy",
	"psychodrame": "psychodrama", "psychodrama": "psychodrama",
	"retraite": "retreat", "retreat": "retreat",
	"developpement personnel": "personal-development", "persoonlijke ontwikkeling": "personal-development",
	"intervision": "intervision", "intervisions": "intervision", "intervisie": "intervision",
	"supervision clinique": "clinical-supervision", "supervisie": "clinical-supervision", "clinical supervision": "clinical-supervision",
	"analyse des pratiques": "practice-analysis", "analyse de pratiques": "practice-analysis",
	"groupe balint": "balint-group", "balintgroep": "balint-group", "balint group": "balint-group",
	"webinaire": "webinar", "webinar": "webinar", "webinaar": "webinar",
	"conference": "conference", "colloque": "conference", "lezing": "conference",
	"formation": "training", "opleiding": "training", "vorming": "training", "training": "training",
}

// KindID returns the kind id a name or id denotes ("Groupe de parole" →
// "discussion-group"), or "" when it denotes none.
func KindID(name string) string {
	key := Fold(name)
	for _, k := range Kinds {
		if key == k {
			return k
		}
	}
	return kindNames[key]
}

// Fold lower-cases s, removes diacritics and collapses spaces, for matching names.
func Fold(s string) string {
	var b strings.Builder
	for _, c := range norm.NFD.String(strings.ToLower(strings.TrimSpace(s))) {
		if unicode.Is(unicode.Mn, c) {
			continue
		}
		if c == '’' {
			c = '\''
		}
		b.WriteRune(c)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// classify sets kind, audiences and topics from the listing's own fields, then from
// the source's defaults, and records which did it in ClassifiedBy.
func (r *Record) classify(l Listing, d Defaults) {
	r.ClassifiedBy = []string{}
	if k := KindID(l.Fields[FieldKind]); k != "" {
		r.Kind = k
		r.ClassifiedBy = append(r.ClassifiedBy, "field:kind")
	} else if d.Kind != "" {
		r.Kind = d.Kind
		r.ClassifiedBy = append(r.ClassifiedBy, "default:kind")
	} else {
		r.addFlag("unclassified", SeverityInfo, "kind", "no kind could be determined")
	}
	r.Facilitation = d.Facilitation
	r.Audiences = appendUnique(r.Audiences, splitList(l.Fields[FieldAudience])...)
	if len(r.Audiences) == 0 && len(d.Audiences) > 0 {
		r.Audiences = appendUnique(r.Audiences, d.Audiences...)
		r.ClassifiedBy = append(r.ClassifiedBy, "default:audiences")
	}
	r.Topics = appendUnique(r.Topics, splitList(l.Fields[FieldTopic])...)
	if len(r.Topics) == 0 && len(d.Topics) > 0 {
		r.Topics = appendUnique(r.Topics, d.Topics...)
		r.ClassifiedBy = append(r.ClassifiedBy, "default:topics")
	}
}

// splitList splits "a, b; c|d" into ids.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(c rune) bool { return c == ',' || c == ';' || c == '|' }) {
		if p := strings.ReplaceAll(Fold(part), " ", "-"); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func appendUnique(list []string, values ...string) []string {
	for _, v := range values {
		found := false
		for _, have := range list {
			if have == v {
				found = true
				break
			}
		}
		if !found {
			list = append(list, v)
		}
	}
	return list
}
