package record

import (
	"strings"
	"testing"
)

func TestHasMarkup(t *testing.T) {
	tests := []struct {
		name, in string
		want     bool
	}{
		{"paragraph", "<p>Groupe de parole</p>", true},
		{"br", "Lundi<br/>Mardi", true},
		{"br spaced", "Lundi<br />Mardi", true},
		{"closing div", "texte</div>", true},
		{"link", `Voir <a href="https://example.org">le site</a>`, true},
		{"upper-case tag", "<P>Texte</P>", true},
		{"word tag", "Texte<o:p></o:p>", true},
		{"comment", "Texte <!-- wp:paragraph --> suite", true},
		{"amp", "Parents &amp; proches", true},
		{"nbsp", "5&nbsp;€", true},
		{"numeric", "l&#39;atelier", true},
		{"hex", "l&#x27;atelier", true},
		{"eacute", "s&eacute;ance", true},
		{"nbsp without semicolon", "5&nbsp €", true},
		{"escaped tag", "&lt;p&gt;Texte", true},
		{"markdown bold", "**Intervenants :**", true},
		{"markdown underscore bold", "un __groupe__ ouvert", true},
		{"markdown emphasis", "ses cycles d'*Intervisions*. Il s'agit", true},
		{"markdown emphasis phrase", "un *processus impliquant* pour le participant", true},
		{"markdown underscore emphasis", "un _processus_ impliquant", true},
		{"markdown link", "Inscription : [formulaire](https://forms.example.org/x)", true},
		{"markdown relative link", "voir [ici](inscription.html)", true},
		{"markdown image", "![logo](/img/logo.png)", true},
		{"autolink", "Inscription : <https://docs.google.com/forms/d/e/x/viewform>", true},
		{"mail autolink", "Écrire à <mailto:info@example.org>", true},
		{"heading", "## Modalités\nLe groupe se réunit", true},
		{"shortcode caption", `[caption id="attachment_12" align="alignleft"]Photo[/caption]`, true},
		{"shortcode closing", "Photo du groupe[/caption]", true},
		{"shortcode vc", "[vc_row][vc_column]Texte", true},
		{"shortcode divi", `[et_pb_section fb_built="1"]`, true},
		{"shortcode generic", `[wpdm_package id="12"]`, true},
		// Prose.
		{"plain", "Groupe de parole pour les proches", false},
		{"less than", "si a < b alors", false},
		{"heart", "Merci <3", false},
		{"ampersand", "Parents & proches", false},
		{"ampersand word", "Santé mentale & exclusion sociale", false},
		{"R&D", "R&D; et AT&T", false},
		{"unknown entity", "Tom&Jerry; ok", false},
		{"angle quotes", "Groupe de parole « Traverser le deuil »", false},
		{"angle brackets prose", "<Groupe de parole> est un titre", false},
		{"footnote star", "Les champs obligatoires sont indiqués avec *", false},
		{"price star", "10 €* (*sous réserve)", false},
		{"bullet star", "* première rencontre\n* deuxième rencontre", false},
		{"multiplication", "3 * 4 = 12 et 2 * 5", false},
		{"placeholder", "Animé par […], psychologue", false},
		{"sic", "il a dit [sic] que", false},
		{"brackets", "Groupe [complet]", false},
		{"hashtag", "#santementale #groupe", false},
		{"number sign", "Salle #3", false},
		{"snake case", "fichier nom_du_groupe.pdf", false},
		{"email", "reseau@smes.be", false},
		{"url", "https://www.smes.be/?a=1&b=2", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HasMarkup(tt.in); got != tt.want {
				t.Errorf("HasMarkup(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestHasMarkupAfterCleanText(t *testing.T) {
	// CleanText removes HTML; what it leaves of the seeds is Markdown.
	if !HasMarkup(CleanText(personSeed000)) {
		t.Errorf("HasMarkup(CleanText(seed 000)) = false, want true (its **bold** stays)")
	}
	html := `<div class="description"><p>Un groupe&nbsp;de parole &amp; d'entraide.</p><p>Lundi<br>Mardi</p></div>`
	if got := CleanText(html); HasMarkup(got) {
		t.Errorf("HasMarkup(CleanText(%q)) = true for %q", html, got)
	}
}

func FuzzHasMarkup(f *testing.F) {
	for _, s := range []string{"<p>x</p>", "a < b", "&amp;", "**x**", "[t](u)", "[caption id=\"1\"]", "<https://x>", "*a*", "&#x1F600;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := HasMarkup(s)
		if !strings.ContainsAny(s, "<&*_[#") && got {
			t.Fatalf("HasMarkup(%q) = true without any markup character", s)
		}
	})
}
