package sources

import (
	"testing"

	"github.com/ensemble-be/ensemble/record"
)

func TestCSVURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://asbl.example.org/groupes", "https://asbl.example.org/groupes"},
		{"asbl-exemple.be/groupes", "https://asbl-exemple.be/groupes"},
		{"//asbl.example.org/x", "https://asbl.example.org/x"},
		{"inschrijven.html?groep=3", "inschrijven.html?groep=3"}, // a file, not a host
		{"/verbinding/inschrijven.html", "/verbinding/inschrijven.html"},
		{"fiche.PDF", "fiche.PDF"},
		{"contact@asbl.example.org", "contact@asbl.example.org"},
	}
	for _, tt := range tests {
		if got := csvURL(record.FieldRegistration, tt.in); got != tt.want {
			t.Errorf("csvURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
