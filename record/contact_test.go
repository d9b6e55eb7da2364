package record

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestParsePhone(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"mobile with slash", "0498/462 402", "+32498462402", true},
		{"brussels landline", "02 123 45 67", "+3221234567", true},
		{"trunk zero in parentheses", "+32 (0)2 123 45 67", "+3221234567", true},
		{"trunk zero spaced", "+32 ( 0 ) 498 46 24 02", "+32498462402", true},
		{"stray trunk zero", "+32 0498 46 24 02", "+32498462402", true},
		{"international 0032", "0032 2 123 45 67", "+3221234567", true},
		{"international plus", "+32 2 123 45 67", "+3221234567", true},
		{"already E.164", "+32498462402", "+32498462402", true},
		{"tel URI", "tel:+3221234567", "+3221234567", true},
		{"tel URI national", "tel:081.22.33.44", "+3281223344", true},
		{"label", "Tél. : 081 22 33 44", "+3281223344", true},
		{"gsm label", "GSM: 0477-12.34.56", "+32477123456", true},
		{"country code in parentheses", "(+32) 2 123 45 67", "+3221234567", true},
		{"trunk zero after 0032", "0032 (0)2 123 45 67", "+3221234567", true},
		{"dots", "+32.2.123.45.67", "+3221234567", true},
		{"slash and dots", "081/22.33.44", "+3281223344", true},
		{"area code in parentheses", "(02) 123 45 67", "+3221234567", true},
		{"free number", "0800 32 123", "+3280032123", true},
		{"070 number", "070 23 30 30", "+3270233030", true},
		{"text after the number", "0498 46 24 02 (Christine, après 18h)", "+32498462402", true},
		{"two numbers", "02 123 45 67 / 0498 46 24 02", "+3221234567", true},
		{"two numbers first invalid", "0123 / 0498 46 24 02", "+32498462402", true},
		{"two numbers with ou", "02 123 45 67 ou 0498 46 24 02", "+3221234567", true},
		{"nbsp", "02\u00a0123\u00a045\u00a067", "+3221234567", true},
		{"html entity", "02&nbsp;123 45 67", "+3221234567", true},
		{"tele-accueil", "107", "107", true},
		{"tele-onthaal", "106", "106", true},
		{"zelfmoordlijn", "1813", "1813", true},
		{"child focus", "116 000", "116000", true},
		{"emergency", "112", "112", true},
		{"france", "+33 1 23 45 67 89", "+33123456789", true},
		{"france trunk zero", "+33 (0)1 23 45 67 89", "+33123456789", true},
		{"netherlands 0031", "0031 20 123 4567", "+31201234567", true},
		{"germany", "+49 241 123456", "+49241123456", true},
		{"landline too short", "02 123 45 6", "", false},
		{"mobile too short", "0498 46", "", false},
		{"Liège landline", "04 223 45 67", "+3242234567", true},
		{"mobile too long", "0498 46 24 02 1", "", false},
		{"landline with 9 digits", "02 123 45 678", "", false},
		{"no trunk prefix", "498 46 24 02", "", false},
		{"foreign too short", "+33 1234", "", false},
		{"foreign too long", "+33 1234 5678 9012 3456", "", false},
		{"fax", "Fax: 02 123 45 67", "", false},
		{"words only", "appelez-nous", "", false},
		{"letters inside", "02 12A 45 67", "", false},
		{"four digits not a service", "1000", "", false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParsePhone(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParsePhone(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestParseEmail(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"plain", "reseau@smes.be", "reseau@smes.be", true},
		{"mailto", "mailto:info@smes.be", "info@smes.be", true},
		{"mailto with subject", "MAILTO:info@smes.be?subject=Inscription", "info@smes.be", true},
		{"mailto escaped", "mailto:info%40smes.be", "info@smes.be", true},
		{"domain lower-cased", "Christine.Noel@SMES.Be", "Christine.Noel@smes.be", true},
		{"bracket at", "info [at] smes.be", "info@smes.be", true},
		{"parenthesis at", "info(at)smes.be", "info@smes.be", true},
		{"at and dot", "info (at) smes (dot) be", "info@smes.be", true},
		{"at words", "info at smes dot be", "info@smes.be", true},
		{"arobase", "info[arobase]smes.be", "info@smes.be", true},
		{"spaces around at", "info @ smes.be", "info@smes.be", true},
		{"trailing dot", "info@smes.be.", "info@smes.be", true},
		{"sentence", "Écrivez à info@smes.be, merci.", "info@smes.be", true},
		{"name and address", "Christine Noël <c.noel@smes.be>", "c.noel@smes.be", true},
		{"two addresses", "info@smes.be / reseau@smes.be", "info@smes.be", true},
		{"plus tag", "groupes+2027@ligue.be", "groupes+2027@ligue.be", true},
		{"idn domain", "info@café.be", "info@café.be", true},
		{"subdomain", "a@mail.ulb.ac.be", "a@mail.ulb.ac.be", true},
		{"no tld", "info@localhost", "", false},
		{"numeric tld", "info@x.123", "", false},
		{"double dot local", "a..b@x.be", "", false},
		{"trailing dot local", "a.@x.be", "", false},
		{"hyphen label", "a@-x.be", "", false},
		{"two at", "a@b@x.be", "", false},
		{"no at", "smes.be", "", false},
		{"empty local", "@x.be", "", false},
		{"words", "écrivez-nous", "", false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseEmail(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseEmail(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestCleanURL(t *testing.T) {
	const base = "https://www.smes.be/fr/agenda/"
	tests := []struct {
		name, base, in, want string
		ok                   bool
	}{
		{"absolute", base, "https://www.smes.be/fr/intervisions", "https://www.smes.be/fr/intervisions", true},
		{"relative", base, "intervisions?id=3", "https://www.smes.be/fr/agenda/intervisions?id=3", true},
		{"root relative", base, "/contact", "https://www.smes.be/contact", true},
		{"protocol relative", base, "//goo.gl/forms/XFUiqe1bbQHca4b13", "https://goo.gl/forms/XFUiqe1bbQHca4b13", true},
		{"protocol relative without base", "", "//goo.gl/forms/x", "https://goo.gl/forms/x", true},
		{"bare www", "", "www.smes.be", "https://www.smes.be", true},
		{"bare www with path", base, "WWW.SMES.BE/fr", "https://www.smes.be/fr", true},
		{"case of scheme and host", "", "HTTP://WWW.Smes.BE/Fr/Agenda", "http://www.smes.be/Fr/Agenda", true},
		{"fragment dropped", "", "https://x.be/a#inscription", "https://x.be/a", true},
		{"utm dropped", "", "https://x.be/a?utm_source=fb&utm_medium=social&id=3", "https://x.be/a?id=3", true},
		{"fbclid dropped", "", "https://x.be/a?fbclid=IwAR0abc", "https://x.be/a", true},
		{"others kept in order", "", "https://x.be/a?b=2&gclid=x&a=1&_ga=2.1&z=%C3%A9&mc_cid=1&mc_eid=2", "https://x.be/a?b=2&a=1&z=%C3%A9", true},
		{"click ids dropped", "", "https://x.be/?dclid=1&msclkid=2&_gl=3&igshid=4&yclid=5&ref_src=twsrc", "https://x.be/", true},
		{"tracking key upper case", "", "https://x.be/?UTM_Source=x&p=1", "https://x.be/?p=1", true},
		{"html escaped ampersand", "", "https://x.be/?p=1&amp;utm_source=x&amp;q=2", "https://x.be/?p=1&q=2", true},
		{"default port dropped", "", "https://x.be:443/a", "https://x.be/a", true},
		{"other port kept", "", "http://x.be:8080/a", "http://x.be:8080/a", true},
		{"user info dropped", "", "https://user:pw@x.be/a", "https://x.be/a", true},
		{"angle brackets", "", "<https://goo.gl/forms/XFUiqe1bbQHca4b13>", "https://goo.gl/forms/XFUiqe1bbQHca4b13", true},
		{"sentence punctuation", "", "https://www.smes.be.", "https://www.smes.be", true},
		{"unbalanced parenthesis", "", "https://x.be/a)", "https://x.be/a", true},
		{"balanced parenthesis kept", "", "https://fr.wikipedia.org/wiki/Groupe_(psychologie)", "https://fr.wikipedia.org/wiki/Groupe_(psychologie)", true},
		{"space in path", "", "https://x.be/mon fichier.pdf", "https://x.be/mon%20fichier.pdf", true},
		{"quote in query escaped", "", `https://x.be/?q="a b"&r=1`, "https://x.be/?q=%22a%20b%22&r=1", true},
		{"empty host label", "", "www..#00", "", false},
		{"host without dot", "", "http://localhost/a", "", false},
		{"ip address", "", "http://192.168.0.1/a", "http://192.168.0.1/a", true},
		{"ipv6", "", "http://[::1]:8080/a", "http://[::1]:8080/a", true},
		{"trailing dot of host", "", "https://www.smes.be./fr", "https://www.smes.be/fr", true},
		{"relative without base", "", "intervisions.html", "", false},
		{"mailto", base, "mailto:info@smes.be", "", false},
		{"javascript", base, "javascript:alert(1)", "", false},
		{"ftp", base, "ftp://x.be/a", "", false},
		{"no host", "", "https:///a", "", false},
		{"opaque", "", "http:x.be", "", false},
		{"empty", base, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := CleanURL(tt.base, tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("CleanURL(%q, %q) = %q, %v, want %q, %v", tt.base, tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

var contactPhonePattern = regexp.MustCompile(`^(\+[1-9]\d{7,14}|1[01]\d|1[78]\d\d|116\d{3})$`)

func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{"0498/462 402", "02 123 45 67", "+32 (0)2 123 45 67", "0032 2 123 45 67",
		"tel:+3221234567", "107", "+33 1 23 45 67 89", "Tél. : 081 22 33 44 (soir)", "02 123 45 67 / 0498 46 24 02"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ParsePhone(s)
		if ok != (got != "") {
			t.Fatalf("ParsePhone(%q) = %q, %v", s, got, ok)
		}
		if !ok {
			return
		}
		if !contactPhonePattern.MatchString(got) {
			t.Fatalf("ParsePhone(%q) = %q: not E.164 nor a short number", s, got)
		}
		if again, _ := ParsePhone(got); again != got {
			t.Fatalf("ParsePhone(%q) = %q, but ParsePhone(%q) = %q", s, got, got, again)
		}
	})
}

func FuzzCleanURL(f *testing.F) {
	f.Add("https://www.smes.be/fr/agenda/", "intervisions?utm_source=x&id=3#top")
	f.Add("", "www.smes.be")
	f.Add("https://x.be/", "//y.be/a?fbclid=1&b=2")
	f.Add("https://x.be/", "<https://goo.gl/forms/x>.")
	f.Add("http://[::1]:80/", "a?_ga=1")
	f.Fuzz(func(t *testing.T, base, raw string) {
		got, ok := CleanURL(base, raw)
		if ok != (got != "") {
			t.Fatalf("CleanURL(%q, %q) = %q, %v", base, raw, got, ok)
		}
		if !ok {
			return
		}
		u, err := url.Parse(got)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Fragment != "" {
			t.Fatalf("CleanURL(%q, %q) = %q: not an absolute http(s) URL without fragment", base, raw, got)
		}
		if u.Host != strings.ToLower(u.Host) {
			t.Fatalf("CleanURL(%q, %q) = %q: host not lower-cased", base, raw, got)
		}
		for key := range u.Query() {
			k := strings.ToLower(key)
			if strings.HasPrefix(k, "utm_") || contactTrackingParams[k] {
				t.Fatalf("CleanURL(%q, %q) = %q: tracking parameter %q kept", base, raw, got, key)
			}
		}
		// Cleaning is idempotent, except that a link ending in sentence punctuation or
		// a closing parenthesis ("…/page!", resolved from "!") loses it the second
		// time, as links in text do.
		if strings.ContainsAny(got[len(got)-1:], ".,;:!?')") {
			return
		}
		if again, ok := CleanURL("", got); !ok || again != got {
			t.Fatalf("CleanURL(%q, %q) = %q, but CleanURL of that = %q, %v", base, raw, got, again, ok)
		}
	})
}

func FuzzParseEmail(f *testing.F) {
	for _, s := range []string{"reseau@smes.be", "info [at] x.be", "mailto:a@b.be?x", "Christine <c@x.be>", "a at b dot be"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ParseEmail(s)
		if ok != (got != "") {
			t.Fatalf("ParseEmail(%q) = %q, %v", s, got, ok)
		}
		if !ok {
			return
		}
		if strings.Count(got, "@") != 1 || strings.ContainsAny(got, " \t\n<>") {
			t.Fatalf("ParseEmail(%q) = %q: not an address", s, got)
		}
		if again, _ := ParseEmail(got); again != got {
			t.Fatalf("ParseEmail(%q) = %q, but ParseEmail of that = %q", s, got, again)
		}
	})
}
