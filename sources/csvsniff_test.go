package sources

import (
	"strings"
	"testing"
)

// TestSniffDelimiter: ";", "," and tab, delimiters inside quoted fields, ties.
func TestSniffDelimiter(t *testing.T) {
	tests := []struct {
		name   string
		sample string
		want   rune
	}{
		{"semicolon", "Titre;Lieu;Date\nA;Namur;13/03/2025\nB;Liège;18/03/2025\n", ';'},
		{"comma", "title,city\nA,Gent\nB,Mons\n", ','},
		{"tab", "titel\tplaats\nA\tGent\n", '\t'},
		{"semicolon with commas in text", "Titre;Description\nA;Le lundi, 18h, gratuit\nB;Cycle, en ligne\n", ';'},
		{"comma with quoted semicolons", "title,description\n\"A\",\"lundi; 18h; gratuit\"\nB,\"x;y\"\n", ','},
		{"quoted line breaks", "a;b\n\"x\ny,z\";1\n\"p,q\nr\";2\n", ';'},
		{"escaped quotes", "a,b\n\"il dit \"\"oui; non\"\"\",1\n", ','},
		{"quote inside a field is no quote", "a,b\nLe \"bon; groupe,1\nC,2\n", ','},
		{"tie goes to semicolon", "a;b,c\n1;2,3\n", ';'},
		{"tie comma over tab", "a,b\tc\n1,2\t3\n", ','},
		{"most consistent wins", "a,b;c\n1,2\n3,4\n5,6;7\n", ','},
		{"crlf", "Titre;Lieu\r\nA;Namur\r\n", ';'},
		{"trailing empty columns", "Titre;Lieu;;\nA;Namur;;\n;;;\n", ';'},
		{"bom", "\xef\xbb\xbfTitre;Lieu\nA;B\n", ';'},
		{"one column", "Titre\nA\nB\n", ','},
		{"empty", "", ','},
		{"blank lines first", "\n\n  \nTitre\tLieu\nA\tB\n", '\t'},
	}
	for _, tt := range tests {
		if got := sniffDelimiter([]byte(tt.sample)); got != tt.want {
			t.Errorf("sniffDelimiter(%s: %q) = %q, want %q", tt.name, tt.sample, got, tt.want)
		}
	}
}

// TestSniffDelimiterLimit: only the first records count.
func TestSniffDelimiterLimit(t *testing.T) {
	sample := "a;b\n" + strings.Repeat("1;2\n", sniffRecords) + strings.Repeat("x,y,z,w\n", 100)
	if got := sniffDelimiter([]byte(sample)); got != ';' {
		t.Errorf("sniffDelimiter = %q, want ';'", got)
	}
}

// TestParseCSVSniffed: a definition without delimiter reads a ";" export.
func TestParseCSVSniffed(t *testing.T) {
	def := Definition{Kind: KindCSV, CSV: &CSVOptions{Columns: map[string]string{"title": "Titre", "city": "Lieu"}}}
	page, err := Parse(def, []byte("Titre;Lieu\n\"Groupe; parole\";Namur\nAtelier, écriture;Liège\n"), "https://t.example/x.csv")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range page.Listings {
		got = append(got, l.Fields["title"]+"|"+l.Fields["city"])
	}
	if strings.Join(got, " ") != "Groupe; parole|Namur Atelier, écriture|Liège" || len(page.Problems) != 0 {
		t.Errorf("Parse = %q, %v; want two listings read with ';'", got, page.Problems)
	}
}
