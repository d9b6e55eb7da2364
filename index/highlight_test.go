package index

import (
	"context"
	"strings"
	"testing"
)

func TestHighlight(t *testing.T) {
	ix := newTestIndex(t, changesOf(testRecords, 1))
	for _, tt := range []struct {
		text, query, lang, want string
		ok                      bool
	}{
		{"Groupe de parole pour l'anxiété", "anxiete groupe", "fr", "<mark>Groupe</mark> de parole pour <mark>l&#39;anxiété</mark>", true}, // elision keeps the token's offsets,
		{"Les dépressions <script>alert(1)</script>", "dépression", "fr", "Les <mark>dépressions</mark> &lt;script&gt;alert(1)&lt;/script&gt;", true},
		{"Praatgroep voor naasten", "naasten", "nl", "Praatgroep voor <mark>naasten</mark>", true},
		{"Rien à voir <b>", "deuil", "fr", "Rien à voir &lt;b&gt;", false},
		{"Groupe de parole", "de", "fr", "Groupe <mark>de</mark> parole", true}, // the folded field keeps stop words
	} {
		got, ok := ix.Highlight(tt.text, tt.query, tt.lang)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Highlight(%q, %q) = %q, %v; want %q, %v", tt.text, tt.query, got, ok, tt.want, tt.ok)
		}
	}
}

func TestComplete(t *testing.T) {
	ix := newTestIndex(t, changesOf(testRecords, 1))
	got, err := ix.Complete(context.Background(), "groupe de par", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].Text != "groupe de parole" || got[0].Count == 0 {
		t.Fatalf("Complete(groupe de par) = %+v, want groupe de parole first", got)
	}
	for _, c := range got {
		if !strings.HasPrefix(c.Text, "groupe de par") {
			t.Errorf("completion %q does not extend the prefix", c.Text)
		}
	}
	if got, _ := ix.Complete(context.Background(), "x", 5); len(got) != 0 {
		t.Errorf("one letter completed: %v", got)
	}
}
