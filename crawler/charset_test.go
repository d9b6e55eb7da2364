package crawler

import (
	"testing"
)

func TestDecodeText(t *testing.T) {
	const meta1 = `<meta charset="iso-8859-1">`
	tests := []struct {
		name        string
		body        string
		contentType string
		want        string
	}{
		{"utf-8", "<p>Liège</p>", "text/html", "<p>Liège</p>"},
		{"utf-8 byte order mark", "\xEF\xBB\xBF<p>Liège</p>", "text/html", "<p>Liège</p>"},
		{"latin-1 by meta", meta1 + "<p>Li\xE8ge</p>", "text/html", meta1 + "<p>Liège</p>"},
		{"latin-1 undeclared", "<p>Caf\xE9</p>", "text/html", "<p>Café</p>"},
		{"windows-1252 quotes undeclared", "<p>l\x92\xE9t\xE9</p>", "", "<p>l’été</p>"},
		{"iso-8859-15 by meta", `<meta charset="iso-8859-15"><p>5 ` + "\xA4</p>", "text/html", `<meta charset="iso-8859-15"><p>5 €</p>`},
		{"iso-8859-15 by header", "<p>5 \xA4</p>", "text/html; charset=ISO-8859-15", "<p>5 €</p>"},
		{"header wins over meta", meta1 + "<p>5 \xA4</p>", "text/html; charset=iso-8859-15", meta1 + "<p>5 €</p>"},
		{"utf-8 labelled latin-1", "<p>Liège</p>", "text/html; charset=iso-8859-1", "<p>Liège</p>"},
		{"utf-16le byte order mark", "\xFF\xFE<\x00p\x00>\x00\xE9\x00", "", "<p>é"},
		{"json-ld latin-1 by header", `{"name":"Caf` + "\xE9" + `"}`, "application/ld+json; charset=iso-8859-1", `{"name":"Café"}`},
	}
	for _, tt := range tests {
		if got := string(decodeText([]byte(tt.body), tt.contentType)); got != tt.want {
			t.Errorf("decodeText(%s: %q, %q) = %q, want %q", tt.name, tt.body, tt.contentType, got, tt.want)
		}
	}
}
