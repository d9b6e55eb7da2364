package record

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/net/idna"
)

// ParsePhone reads a phone number as Belgian listings write it and returns it in
// E.164: "0498/462 402" → "+32498462402", "02 123 45 67", "+32 (0)2 123 45 67" (the
// "(0)" trunk prefix is dropped, as is a stray 0 in "+32 0498…"), "0032 2 …",
// "tel:+3221234567", "Tél. : 081 22 33 44". Belgian numbers have 8 national digits
// (landlines, 0800/070 numbers) or 9 starting with 4 (mobiles). Short service numbers
// (100–119, 17xx, 18xx such as 1813, and 116xxx) are returned as their digits ("107").
// Foreign numbers in international form ("+33 1 23 45 67 89", "0031 20 …") are kept when
// they have 8 to 15 digits. Text after the number ("0498 12 34 56 (après 18h)") is
// ignored, and of several numbers ("02 123 45 67 / 0498 12 34 56") the first valid one
// is returned. ok is false, and e164 "", for anything else; a fax number is not a phone.
func ParsePhone(s string) (e164 string, ok bool) {
	s = CleanText(s)
	if s == "" {
		return "", false
	}
	if e, ok := contactParseOnePhone(s); ok {
		return e, true
	}
	for _, part := range contactPhoneSeparators.Split(s, 4) {
		if e, ok := contactParseOnePhone(part); ok {
			return e, true
		}
	}
	return "", false
}

// contactPhoneSeparators split a field that lists several numbers.
var contactPhoneSeparators = regexp.MustCompile(`(?i)\s+(?:/|ou|of|or|oder|et|en|-|–)\s+|[;,|\n]`)

// contactPhoneLabels are the words put before a number, folded.
var contactPhoneLabels = placeWordSet(`tel|telephone|telefoon|telefon|tf|t|gsm|phone|mobile|mobiel|
	portable|port|handy|mob|ph|tele|fixe|vast|mobil|call|appel|appelez|bel|numero|nummer|nr|n|no|
	mobilnummer|kontakt|contact`)

var (
	contactTrunkZero     = regexp.MustCompile(`\(\s*0\s*\)`)
	contactBracketedCode = regexp.MustCompile(`^\(\s*(?:\+|00)\s*(\d{1,3})\s*\)`)
)

func contactParseOnePhone(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, scheme := range []string{"tel:", "callto:", "phone:"} {
		if len(s) >= len(scheme) && strings.EqualFold(s[:len(scheme)], scheme) {
			s = strings.TrimSpace(s[len(scheme):])
		}
	}
	// Labels: "Tél. :", "GSM", "T." (at most two: "Tél./GSM").
	for range 2 {
		i := strings.IndexFunc(s, func(c rune) bool { return !unicode.IsLetter(c) })
		if i <= 0 {
			break
		}
		word := placeFold(s[:i])
		if word == "fax" || word == "telefax" {
			return "", false
		}
		if !contactPhoneLabels[word] {
			break
		}
		s = strings.TrimLeft(s[i:], " .:/\u00a0-")
	}
	// Text after the number: "0498 12 34 56 (après 18h)", "02 123 45 67 ext. 3".
	if i := strings.IndexFunc(s, unicode.IsLetter); i >= 0 {
		if strings.IndexFunc(s[:i], unicode.IsDigit) < 0 {
			return "", false
		}
		s = strings.TrimRight(s[:i], " ([-–,;:/.\u00a0")
	}
	s = contactBracketedCode.ReplaceAllString(s, "+$1 ") // "(+32) 2 …"
	international := strings.HasPrefix(s, "+") || strings.HasPrefix(s, "00")
	if international {
		s = contactTrunkZero.ReplaceAllString(s, "")
	}
	var b strings.Builder
	for i, c := range s {
		switch {
		case c >= '0' && c <= '9':
			b.WriteRune(c)
		case c == '+' && i == 0:
		case strings.ContainsRune(" ./-()\u00a0\u202f–", c):
		default:
			return "", false
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(s, "+"):
	case strings.HasPrefix(d, "00"):
		d = d[2:]
	case strings.HasPrefix(d, "0"):
		return contactBelgian(d[1:])
	default:
		if contactIsShortNumber(d) {
			return d, true
		}
		return "", false
	}
	// International form.
	if strings.HasPrefix(d, "32") {
		return contactBelgian(strings.TrimPrefix(d[2:], "0"))
	}
	if len(d) < 8 || len(d) > 15 || d[0] == '0' {
		return "", false
	}
	return "+" + d, true
}

// contactBelgian checks a Belgian national number (without its 0) and returns it in E.164.
func contactBelgian(nsn string) (string, bool) {
	switch {
	case len(nsn) == 9 && nsn[0] == '4': // mobile: 04xx xx xx xx
	case len(nsn) == 8 && nsn[0] != '0': // landline (04 is Liège too), 0800, 070, 078
	default:
		return "", false
	}
	return "+32" + nsn, true
}

// contactIsShortNumber reports whether d is a Belgian short service number: 100–119
// (emergency, 107 Télé-Accueil, 106 Tele-Onthaal), 17xx and 18xx (1712, 1813), or a
// European 116xxx number.
func contactIsShortNumber(d string) bool {
	switch len(d) {
	case 3:
		return d >= "100" && d <= "119"
	case 4:
		return strings.HasPrefix(d, "17") || strings.HasPrefix(d, "18")
	case 6:
		return strings.HasPrefix(d, "116")
	}
	return false
}

var (
	contactAtPattern    = regexp.MustCompile(`(?i)\s*(?:\[\s*(?:at|@|arobase|apenstaartje)\s*\]|\(\s*(?:at|@|arobase|apenstaartje)\s*\)|\{\s*(?:at|@)\s*\}|<\s*at\s*>)\s*`)
	contactDotPattern   = regexp.MustCompile(`(?i)\s*(?:\[\s*(?:dot|point|punt|\.)\s*\]|\(\s*(?:dot|point|punt|\.)\s*\)|\{\s*(?:dot|\.)\s*\})\s*`)
	contactAtWord       = regexp.MustCompile(`(?i)\s+(?:at|arobase)\s+`)
	contactDotWord      = regexp.MustCompile(`(?i)\s+(?:dot|point|punt)\s+`)
	contactAtSpaces     = regexp.MustCompile(`\s*@\s*`)
	contactAngleAddress = regexp.MustCompile(`<\s*((?:mailto:)?[^<>\s]+@[^<>\s]+?)\s*>`)
	contactEmailLocal   = regexp.MustCompile("^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$")
	contactHostLabel    = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)
)

// ParseEmail reads an e-mail address as listings write it: "mailto:info@x.be",
// "Christine <c.noel@x.be>", obfuscated "info [at] x.be", "info(at)x(dot)be",
// "info at x dot be", a trailing dot or comma. The domain is lower-cased (the local part
// is kept as written) and must be a host name with a top-level domain of letters;
// international domains are accepted. Of several addresses the first is returned. ok
// is false, and the address "", when no valid address is found.
func ParseEmail(s string) (string, bool) {
	s = CleanText(contactAngleAddress.ReplaceAllString(s, " $1 ")) // "<a@x.be>" is no HTML tag
	if len(s) >= 7 && strings.EqualFold(s[:7], "mailto:") {
		s = s[7:]
		if i := strings.IndexByte(s, '?'); i >= 0 {
			s = s[:i]
		}
		if u, err := url.PathUnescape(s); err == nil {
			s = u
		}
	}
	s = contactAtPattern.ReplaceAllString(s, "@")
	s = contactDotPattern.ReplaceAllString(s, ".")
	if !strings.Contains(s, "@") {
		s = contactAtWord.ReplaceAllString(s, "@")
		if strings.Count(s, "@") == 1 {
			s = contactDotWord.ReplaceAllString(s, ".")
		}
	}
	s = contactAtSpaces.ReplaceAllString(s, "@")
	for _, field := range strings.FieldsFunc(s, func(c rune) bool {
		return unicode.IsSpace(c) || strings.ContainsRune(",;<>()[]\"|/:", c)
	}) {
		if !strings.Contains(field, "@") {
			continue
		}
		if addr, ok := contactCheckEmail(strings.TrimRight(strings.TrimLeft(field, ".'"), ".'")); ok {
			return addr, true
		}
	}
	return "", false
}

func contactCheckEmail(s string) (string, bool) {
	local, domain, ok := strings.Cut(s, "@")
	if !ok || strings.Contains(domain, "@") || !contactEmailLocal.MatchString(local) ||
		strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return "", false
	}
	domain = strings.ToLower(domain)
	ascii, err := idna.Lookup.ToASCII(domain)
	if err != nil || len(ascii) > 253 {
		return "", false
	}
	labels := strings.Split(ascii, ".")
	if len(labels) < 2 {
		return "", false
	}
	for _, l := range labels {
		if !contactHostLabel.MatchString(l) {
			return "", false
		}
	}
	tld := labels[len(labels)-1]
	if !strings.HasPrefix(tld, "xn--") && (len(tld) < 2 || strings.IndexFunc(tld, func(c rune) bool { return c < 'a' || c > 'z' }) >= 0) {
		return "", false
	}
	return local + "@" + domain, true
}

// contactRoleWords are local parts, or words of local parts, that name a function or
// a shared mailbox rather than a person (French, Dutch, German, English).
var contactRoleWords = placeWordSet(`info|infos|information|informations|informatie|contact|contacts|
	kontakt|secretariat|secretariaat|sekretariat|secretary|secretaria|accueil|onthaal|reception|
	receptie|empfang|reseau|netwerk|network|netzwerk|admin|administration|administratie|verwaltung|
	inscription|inscriptions|inschrijving|inschrijvingen|anmeldung|registration|registrations|
	register|groupe|groupes|groep|groepen|group|groups|hello|hallo|bonjour|office|bureau|kantoor|
	buero|buro|coordination|coordinatie|koordination|coordinateur|coordinatrice|coordinator|
	equipe|team|asbl|vzw|aisbl|ivzw|ssm|cpas|ocmw|cgg|ggz|cmp|formation|formations|vorming|
	opleiding|training|events|event|evenement|evenementen|agenda|communication|communicatie|
	presse|press|pers|direction|directie|direktion|support|help|aide|hulp|hilfe|permanence|
	permanentie|mail|email|webmaster|noreply|no-reply|postmaster|service|services|dienst|diensten|
	compta|comptabilite|boekhouding|facturation|facturatie|rh|hr|jobs|emploi|vacatures|benevolat|
	benevoles|vrijwilligers|welcome|welkom|ateliers|atelier|workshops|projet|projets|project|
	projecten|centre|center|centrum|zentrum|cabinet|praktijk|praxis|consultation|consultations|
	rdv|afspraak|ecoute|association|vereniging|verein|federation|federatie|plateforme|platform|
	collectif|maison|huis|home|asso|general|algemeen|mailbox|boite`)

// contactTrackingParams are query parameters that only track the reader: analytics
// campaign tags (utm_* is matched by prefix) and the click ids of ad and social
// networks and mailing tools.
var contactTrackingParams = placeWordSet(`fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|
	_ga|_gl|igshid|yclid|ref_src|twclid|ttclid|li_fat_id|_hsenc|_hsmi|mkt_tok|srsltid|oly_enc_id|
	oly_anon_id|vero_id|wickedid|rb_clickid|s_cid`)

// CleanURL makes a link found in a listing an absolute http(s) URL: raw is resolved
// against base (the page it was found on), and a bare "www.example.be/x" becomes
// "https://www.example.be/x". Only http and https with a public host (a dotted name or
// an IP address, not "localhost") are accepted. The scheme
// and host are lower-cased, a default port, user info and the fragment are dropped,
// and so are tracking query parameters (utm_*, fbclid, gclid, dclid, msclkid, mc_cid,
// mc_eid, _ga, _gl, igshid, yclid, ref_src and a few more); the other parameters are
// kept as written, in order. Angle brackets, quotes and sentence punctuation around a
// link ("<https://x.be/>.") are removed. ok is false, and the URL "", otherwise.
func CleanURL(base, raw string) (string, bool) {
	raw = strings.TrimSpace(strings.ReplaceAll(raw, "&amp;", "&"))
	for {
		trimmed := strings.TrimRight(strings.Trim(raw, "<>\"'«» \u00a0"), ".,;:!?")
		if strings.HasSuffix(trimmed, ")") && strings.Count(trimmed, "(") < strings.Count(trimmed, ")") {
			trimmed = strings.TrimSuffix(trimmed, ")")
		}
		if trimmed == raw {
			break
		}
		raw = trimmed
	}
	if raw == "" || strings.ContainsAny(raw, "\t\r\n") {
		return "", false
	}
	raw = strings.ReplaceAll(raw, " ", "%20") // "https://x.be/mon fichier.pdf" from an href
	if len(raw) > 4 && strings.EqualFold(raw[:4], "www.") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", false
	}
	if !u.IsAbs() {
		b, err := url.Parse(strings.TrimSpace(base))
		switch {
		case err == nil && b.IsAbs():
			u = b.ResolveReference(u)
		case strings.HasPrefix(raw, "//"):
			u.Scheme = "https"
		default:
			return "", false
		}
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" || u.Opaque != "" {
		return "", false
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	host = strings.TrimRight(host, ".")
	if !strings.HasPrefix(u.Host, "[") && !contactIsPublicHost(host) {
		return "", false
	}
	if u.Scheme == "http" && port == "80" || u.Scheme == "https" && port == "443" {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // IPv6
	}
	u.Host = host
	if port != "" {
		u.Host += ":" + port
	}
	u.User, u.Fragment, u.RawFragment, u.ForceQuery = nil, "", "", false
	u.RawQuery = contactCleanQuery(u.RawQuery)
	out := u.String()
	if v, err := url.Parse(out); err != nil || v.Host != u.Host {
		return "", false
	}
	return out, true
}

// contactIsPublicHost reports whether host is a name (or IPv4 address) with at least
// two non-empty labels of letters, digits, "-" and "_": "www.smes.be", not "localhost".
func contactIsPublicHost(host string) bool {
	labels := strings.Split(host, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || strings.IndexFunc(l, func(c rune) bool {
			return !unicode.IsLetter(c) && !unicode.IsDigit(c) && c != '-' && c != '_'
		}) >= 0 {
			return false
		}
	}
	return true
}

// contactCleanQuery drops the tracking parameters of a raw query, keeping the others
// as written and in order (characters a query may not hold are percent-encoded).
func contactCleanQuery(q string) string {
	if q == "" {
		return ""
	}
	var kept []string
	for _, part := range strings.Split(q, "&") {
		if part == "" {
			continue
		}
		key, _, _ := strings.Cut(part, "=")
		if k, err := url.QueryUnescape(key); err == nil {
			key = k
		}
		key = strings.ToLower(html.UnescapeString(key))
		if strings.HasPrefix(key, "utm_") || contactTrackingParams[key] {
			continue
		}
		kept = append(kept, part)
	}
	return contactQueryEscaper.Replace(strings.Join(kept, "&"))
}

// contactQueryEscaper percent-encodes the characters a query may not hold unescaped
// (browsers send them so).
var contactQueryEscaper = strings.NewReplacer(`"`, "%22", "<", "%3C", ">", "%3E", "`", "%60",
	"{", "%7B", "}", "%7D", "|", "%7C", `\`, "%5C", "^", "%5E", " ", "%20")
