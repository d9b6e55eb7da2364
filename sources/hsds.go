package sources

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ensemble-be/ensemble/record"
)

// The HSDS parser reads the Open Referral Human Services Data Specification 3.0 API
// (https://docs.openreferral.org): a page of /services, one service, or a page of
// /service_at_locations. Its rules:
//
//   - The document is a paging envelope (total_items, total_pages, page_number, size,
//     first_page, last_page, empty, contents), a bare array, or one object. Each item
//     is a service, or a service_at_location that holds its service (the item's
//     location is then the service's).
//   - A service is a listing: name (else alternate_name) its title, description, url
//     its Listing.URL (absolute http(s) only; URLs are resolved against the page, a bare
//     host name "asbl.be/x" taken as https, as in CSV), id its LocalID, email (else the
//     organization's), organization.name and .website the organizer and its URL.
//     status inactive or defunct sets status "cancelled".
//   - The first physical location of service_at_locations gives place (its name),
//     address (address_1, address_2), postcode and city, from its physical address
//     (else its first one); a virtual location's url is online_url.
//   - phone is the first number of the service's phones, else its location's, else its
//     organization's. contacts are not read: they name persons.
//   - The first schedule (the service's, else its service_at_location's) gives the
//     schedule text: its description, else one written in French from freq, interval,
//     byday, bymonthday, opens_at, closes_at and until ("tous les mardis de 19h00 à
//     21h00"), which the normalizer reads. With a dtstart (HSDS: the date of the first
//     session) and a freq, the schedule is also an RRULE (rrule) with start (dtstart at
//     opens_at, Brussels time; a time with an offset is converted on that day) and end
//     (closes_at). byweekno and byyearday are not read (no meeting schedule needs them,
//     and the normalizer does not expand them), nor rule parts RFC 5545 does not allow
//     with the freq (a week of the month with WEEKLY, bymonthday with WEEKLY).
//   - cost_options give price: "10 EUR par séance (option)", "gratuit" for an amount
//     of 0, several joined with " / "; without them, fees_description.
//   - language is the first of languages (its code, else its name), as ISO 639-1 when
//     it is an ISO 639-2/3 code of fr, nl, de or en.
//   - attributes and taxonomy terms are not read: their vocabularies (Open Eligibility,
//     211, LGA) are not the taxonomy's, so kind, audience and topic would only raise
//     unknown_term; the normalizer classifies from the text.
//   - Next is the page URL with page=page_number+1 (other query parameters kept) while
//     page_number < total_pages and last_page is not true.
//   - A tabular data package (datapackage.json) is not an API page: a Problem lists its
//     resources, each a CSV file a csv source can read; so does a tabular JSON
//     document ({"services.csv": [...]}).

// hsdsParser holds the state of one parseHSDS.
type hsdsParser struct {
	base *url.URL
	page Page
}

// hsdsObject is a decoded JSON object.
type hsdsObject = map[string]any

// parseHSDS reads one document of an HSDS 3.0 API.
func parseHSDS(body []byte, pageURL string) (Page, error) {
	p := &hsdsParser{base: parseBase(pageURL), page: Page{Listings: []record.Listing{}}}
	doc, problems, err := decodeJSONDocument(body)
	if err != nil {
		return Page{}, err
	}
	p.page.Problems = append(p.page.Problems, problems...)

	var items []any
	switch v := doc.(type) {
	case []any:
		items = v
	case hsdsObject:
		_, envelope := v["contents"]
		switch {
		case envelope:
			contents, ok := v["contents"].([]any)
			if !ok && v["contents"] != nil {
				return Page{}, fmt.Errorf("contents is %s, not a list", jsonType(v["contents"]))
			}
			items = contents
			p.next(v, pageURL)
		case v["resources"] != nil:
			p.datapackage(v)
			return p.page, nil
		case hsdsTabular(v):
			p.page.Problems = append(p.page.Problems, Problem{Where: "document", Message: "an HSDS tabular JSON document, not an API page: read its services with a csv source"})
			return p.page, nil
		case v["name"] != nil || v["id"] != nil || v["service"] != nil:
			items = []any{v}
		default:
			return Page{}, fmt.Errorf("not an HSDS API document: an object without contents, name or id (%s)", listHint(v))
		}
	default:
		return Page{}, fmt.Errorf("not an HSDS API document: %s", jsonType(doc))
	}
	for i, item := range items {
		where := fmt.Sprintf("service %d", i+1)
		obj, ok := item.(hsdsObject)
		if !ok {
			p.page.Problems = append(p.page.Problems, Problem{Where: where, Message: fmt.Sprintf("not an object (%s)", jsonType(item))})
			continue
		}
		p.service(obj, where)
	}
	return p.page, nil
}

// next sets Page.Next from a paging envelope.
func (p *hsdsParser) next(env hsdsObject, pageURL string) {
	number, ok1 := hsdsInt(env["page_number"])
	total, ok2 := hsdsInt(env["total_pages"])
	if last, _ := env["last_page"].(bool); last || !ok1 || !ok2 || number >= total {
		return
	}
	u, err := url.Parse(strings.TrimSpace(pageURL))
	if err != nil || !u.IsAbs() {
		return
	}
	q := u.Query()
	q.Set("page", strconv.Itoa(number+1))
	u.RawQuery = q.Encode()
	if next, ok := httpURL(nil, u.String()); ok && next != pageURL {
		p.page.Next = next
	}
}

// datapackage notes the resources of a tabular data package as a Problem.
func (p *hsdsParser) datapackage(pkg hsdsObject) {
	var paths []string
	for _, r := range list(pkg["resources"]) {
		if r, ok := r.(hsdsObject); ok {
			if path := text(first(r["path"])); path != "" {
				paths = append(paths, resolveRef(p.base, path))
			}
		}
	}
	msg := "an HSDS tabular data package, not an API page"
	if len(paths) > 0 {
		msg += ": its resources are CSV files a csv source can read: " + strings.Join(paths, ", ")
	}
	p.page.Problems = append(p.page.Problems, Problem{Where: "document", Message: msg})
}

// hsdsTabular reports whether a document is HSDS tabular data as JSON: tables named by
// their CSV file.
func hsdsTabular(v hsdsObject) bool {
	for k := range v {
		if strings.HasSuffix(k, ".csv") {
			return true
		}
	}
	return false
}

// service reads one item of the document: a service, or a service_at_location holding
// one.
func (p *hsdsParser) service(item hsdsObject, where string) {
	svc, sals := item, list(item["service_at_locations"])
	if s, ok := item["service"].(hsdsObject); ok && item["name"] == nil {
		svc, sals = s, []any{item}
	}
	l := record.Listing{LocalID: text(svc["id"]), Fields: map[string]string{}}
	set := func(name, value string) { setField(&l, name, value, p.base) }
	set(record.FieldTitle, firstNonEmpty(text(svc["name"]), text(svc["alternate_name"])))
	if l.Fields[record.FieldTitle] == "" {
		p.page.Problems = append(p.page.Problems, Problem{Where: where, Message: "no name"})
	}
	set(record.FieldDescription, text(svc["description"]))
	if ref := text(svc["url"]); ref != "" {
		if abs, ok := httpURL(p.base, csvURL(record.FieldURL, ref)); ok {
			l.URL = abs
		} else {
			p.page.Problems = append(p.page.Problems, Problem{Where: where + ", url", Message: fmt.Sprintf("%q is not an http(s) URL", ref)})
		}
	}
	org, _ := svc["organization"].(hsdsObject)
	set(record.FieldEmail, firstNonEmpty(text(svc["email"]), text(org["email"])))
	set(record.FieldOrganizer, text(org["name"]))
	if site, ok := httpURL(p.base, csvURL(record.FieldOrganizerURL, text(org["website"]))); ok {
		set(record.FieldOrganizerURL, site)
	}
	switch strings.ToLower(text(svc["status"])) {
	case "inactive", "defunct":
		set(record.FieldStatus, "cancelled")
	}

	phones := []any{svc["phones"]}
	schedules := []any{svc["schedules"]}
	for _, sal := range sals {
		sal, _ := sal.(hsdsObject)
		loc, _ := sal["location"].(hsdsObject)
		if loc == nil {
			continue
		}
		phones = append(phones, sal["phones"], loc["phones"])
		schedules = append(schedules, sal["schedules"])
		if strings.EqualFold(text(loc["location_type"]), "virtual") {
			if u, ok := httpURL(p.base, csvURL(record.FieldOnlineURL, text(loc["url"]))); ok && l.Fields[record.FieldOnlineURL] == "" {
				set(record.FieldOnlineURL, u)
			}
			continue
		}
		if l.Fields[record.FieldPlace] != "" || l.Fields[record.FieldAddress] != "" || l.Fields[record.FieldCity] != "" {
			continue
		}
		set(record.FieldPlace, text(loc["name"]))
		if a := hsdsAddress(loc["addresses"]); a != nil {
			street := text(a["address_1"])
			if more := text(a["address_2"]); more != "" {
				street = strings.TrimSpace(street + ", " + more)
			}
			set(record.FieldAddress, strings.Trim(street, ", "))
			set(record.FieldPostcode, text(a["postal_code"]))
			set(record.FieldCity, text(a["city"]))
		}
	}
	phones = append(phones, org["phones"])
	for _, ph := range phones {
		if n := hsdsPhone(ph); n != "" {
			set(record.FieldPhone, n)
			break
		}
	}
	for _, s := range schedules {
		if sched, ok := first(s).(hsdsObject); ok {
			p.schedule(&l, sched, where)
			break
		}
	}
	set(record.FieldPrice, firstNonEmpty(hsdsCost(svc["cost_options"]), text(svc["fees_description"])))
	if langs := list(svc["languages"]); len(langs) > 0 {
		if lang, ok := langs[0].(hsdsObject); ok {
			set(record.FieldLanguage, hsdsLanguage(firstNonEmpty(text(lang["code"]), text(lang["name"]))))
		}
	}
	p.page.Listings = append(p.page.Listings, l)
}

// hsdsAddress returns a location's physical address, else its first.
func hsdsAddress(v any) hsdsObject {
	var firstAddr hsdsObject
	for _, a := range list(v) {
		a, ok := a.(hsdsObject)
		if !ok {
			continue
		}
		if strings.EqualFold(text(a["address_type"]), "physical") {
			return a
		}
		if firstAddr == nil {
			firstAddr = a
		}
	}
	return firstAddr
}

// hsdsPhone returns the first number of a list of phones, without the quotes some
// exports leave around it.
func hsdsPhone(v any) string {
	for _, ph := range list(v) {
		if ph, ok := ph.(hsdsObject); ok {
			if n := strings.Trim(text(ph["number"]), `"' `); n != "" {
				return n
			}
		}
	}
	return ""
}

// hsdsCost writes cost options as a price text: "10 EUR par séance (étudiants)",
// "gratuit", joined with " / ".
func hsdsCost(v any) string {
	var parts []string
	for _, c := range list(v) {
		c, ok := c.(hsdsObject)
		if !ok {
			continue
		}
		amount, desc, option := text(c["amount"]), text(c["amount_description"]), text(c["option"])
		var s string
		switch {
		case amount != "" && isZero(amount):
			s = "gratuit"
		case amount != "":
			s = strings.TrimSpace(amount + " " + strings.ToUpper(text(c["currency"])))
			if desc != "" {
				s += " " + desc
			}
		default:
			s = desc
		}
		if s == "" {
			continue
		}
		if option != "" {
			s += " (" + option + ")"
		}
		if !contains(parts, s) {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " / ")
}

// hsdsLanguage maps ISO 639-2 and 639-3 codes of the languages the index knows to ISO
// 639-1; other values are returned as they are, for the normalizer.
func hsdsLanguage(s string) string {
	switch strings.ToLower(s) {
	case "fra", "fre":
		return "fr"
	case "nld", "dut":
		return "nl"
	case "deu", "ger":
		return "de"
	case "eng":
		return "en"
	}
	return s
}

// hsdsInt reads a whole number given as a JSON number or a string.
func hsdsInt(v any) (int, bool) {
	n, err := strconv.Atoi(text(v))
	return n, err == nil
}

// hsdsDay is an RRULE BYDAY value: a day of the week with an optional week of the month.
var hsdsDay = regexp.MustCompile(`^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$`)

// hsdsClockPattern is an opens_at or closes_at value: HH:MM[:SS[.fff]], then Z or an
// offset, or nothing.
var hsdsClockPattern = regexp.MustCompile(`^(\d{1,2})[:hH](\d{2})(?::\d{2}(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$`)

// hsdsClock is a time of day read from opens_at or closes_at.
type hsdsClock struct {
	h, m   int
	offset *int // seconds east of UTC, when the value gives one
}

// readHSDSClock reads an opens_at or closes_at value; false when there is none.
func readHSDSClock(v string) (hsdsClock, bool) {
	m := hsdsClockPattern.FindStringSubmatch(strings.ToUpper(strings.TrimSpace(v)))
	if m == nil {
		return hsdsClock{}, false
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	if h > 23 || mi > 59 {
		return hsdsClock{}, false
	}
	c := hsdsClock{h: h, m: mi}
	if z := m[3]; z != "" {
		off := 0
		if z != "Z" {
			digits := strings.ReplaceAll(z[1:], ":", "")
			oh, _ := strconv.Atoi(digits[:2])
			om, _ := strconv.Atoi(digits[2:])
			off = oh*3600 + om*60
			if z[0] == '-' {
				off = -off
			}
		}
		c.offset = &off
	}
	return c, true
}

// on is the clock on day (a date in Brussels), in Brussels: a clock with an offset is
// converted on that day.
func (c hsdsClock) on(day time.Time) time.Time {
	y, m, d := day.Date()
	if c.offset == nil {
		return time.Date(y, m, d, c.h, c.m, 0, 0, record.Brussels)
	}
	return time.Date(y, m, d, c.h, c.m, 0, 0, time.FixedZone("", *c.offset)).In(record.Brussels)
}

// String writes the clock as French text does: "19h00".
func (c hsdsClock) String() string { return fmt.Sprintf("%dh%02d", c.h, c.m) }

// hsdsDate reads a date ("2027-01-12", or the date of a date-time) in Brussels.
func hsdsDate(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if len(v) > 10 {
		v = v[:10]
	}
	t, err := time.ParseInLocation(time.DateOnly, v, record.Brussels)
	return t, err == nil
}

// schedule reads an HSDS schedule into the schedule text and, with a dtstart and a
// freq, an RRULE with start and end.
func (p *hsdsParser) schedule(l *record.Listing, s hsdsObject, where string) {
	set := func(name, value string) { setField(l, name, value, p.base) }
	freq := strings.ToUpper(text(s["freq"]))
	switch freq {
	case "", "DAILY", "WEEKLY", "MONTHLY", "YEARLY":
	default:
		p.page.Problems = append(p.page.Problems, Problem{Where: where + ", schedule", Message: fmt.Sprintf("freq %q is not DAILY, WEEKLY, MONTHLY or YEARLY", freq)})
		set(record.FieldSchedule, text(s["description"]))
		return
	}
	interval, _ := hsdsInt(s["interval"])
	var days []string
	for _, d := range strings.Split(strings.ToUpper(text(s["byday"])), ",") {
		if d = strings.TrimSpace(d); hsdsDay.MatchString(d) {
			days = append(days, strings.TrimPrefix(d, "+"))
		}
	}
	monthdays := hsdsInts(text(s["bymonthday"]), 31)
	opens, hasOpens := readHSDSClock(text(s["opens_at"]))
	closes, hasCloses := readHSDSClock(text(s["closes_at"]))
	until, hasUntil := hsdsDate(text(s["until"]))
	count, _ := hsdsInt(s["count"])

	set(record.FieldSchedule, firstNonEmpty(text(s["description"]),
		hsdsScheduleText(freq, interval, days, monthdays, opens, hasOpens, closes, hasCloses, until, hasUntil)))

	start, hasStart := hsdsDate(text(s["dtstart"]))
	if !hasStart || freq == "" {
		return
	}
	parts := []string{"FREQ=" + freq}
	if interval > 1 {
		parts = append(parts, "INTERVAL="+strconv.Itoa(interval))
	}
	if len(days) > 0 {
		if freq != "MONTHLY" && freq != "YEARLY" {
			for i, d := range days {
				days[i] = d[len(d)-2:] // a week of the month only with MONTHLY or YEARLY
			}
		}
		parts = append(parts, "BYDAY="+strings.Join(days, ","))
	}
	if len(monthdays) > 0 && freq != "WEEKLY" {
		parts = append(parts, "BYMONTHDAY="+strings.Join(monthdays, ","))
	}
	if w := strings.ToUpper(text(s["wkst"])); hsdsDay.MatchString(w) && len(w) == 2 {
		parts = append(parts, "WKST="+w)
	}
	switch {
	case hasUntil:
		// The end of that day in Brussels, in UTC as RFC 5545 wants it.
		end := until.AddDate(0, 0, 1).Add(-time.Second).UTC()
		parts = append(parts, "UNTIL="+end.Format("20060102T150405Z"))
	case count > 0:
		parts = append(parts, "COUNT="+strconv.Itoa(count))
	}
	rule := strings.Join(parts, ";")

	first := start
	allDay := !hasOpens
	if hasOpens {
		first = opens.on(start)
	}
	if err := record.CheckICalRule(rule); err != nil {
		p.page.Problems = append(p.page.Problems, Problem{Where: where + ", schedule", Message: "no RRULE: " + err.Error()})
		return
	}
	set(record.FieldRRule, rule)
	if allDay {
		set(record.FieldStart, start.Format(time.DateOnly))
		return
	}
	set(record.FieldStart, first.Format(time.RFC3339))
	if hasCloses {
		end := closes.on(start)
		if !end.After(first) {
			end = closes.on(start.AddDate(0, 0, 1))
		}
		set(record.FieldEnd, end.Format(time.RFC3339))
	}
}

// hsdsInts reads a comma-separated list of whole numbers between -max and max, not
// 0, as RRULE values; others are left out.
func hsdsInts(s string, max int) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n != 0 && n >= -max && n <= max {
			out = append(out, strconv.Itoa(n))
		}
	}
	return out
}

// French words the schedule text is written with.
var (
	hsdsDayNames = map[string]string{
		"MO": "lundi", "TU": "mardi", "WE": "mercredi", "TH": "jeudi", "FR": "vendredi", "SA": "samedi", "SU": "dimanche",
	}
	hsdsOrdinals = map[string]string{
		"1": "premier", "2": "deuxième", "3": "troisième", "4": "quatrième", "5": "cinquième",
		"-1": "dernier", "-2": "avant-dernier",
	}
	hsdsMonths = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
)

// hsdsScheduleText writes a structured schedule as French text: "tous les mardis de
// 19h00 à 21h00", "le premier jeudi du mois à 18h30", "un lundi sur deux". It is ""
// when the schedule says nothing of days or times.
func hsdsScheduleText(freq string, interval int, days, monthdays []string, opens hsdsClock, hasOpens bool, closes hsdsClock, hasCloses bool, until time.Time, hasUntil bool) string {
	var names, ordinals []string
	for _, d := range days {
		ord, day := d[:len(d)-2], d[len(d)-2:]
		if o := hsdsOrdinals[ord]; o != "" {
			ordinals = append(ordinals, "le "+o+" "+hsdsDayNames[day])
		} else if ord == "" {
			names = append(names, hsdsDayNames[day])
		}
	}
	var out string
	switch {
	case len(ordinals) > 0 && (freq == "MONTHLY" || freq == ""):
		out = strings.Join(ordinals, " et ") + " du mois"
		if interval == 2 {
			out += ", un mois sur deux"
		}
	case len(names) == 1 && interval == 2:
		out = "un " + names[0] + " sur deux"
	case len(names) > 0 && interval > 2:
		out = fmt.Sprintf("toutes les %d semaines, le %s", interval, strings.Join(names, " et le "))
	case len(names) > 0:
		plural := make([]string, len(names))
		for i, n := range names {
			plural[i] = n + "s"
		}
		out = "tous les " + strings.Join(plural, " et ")
	case len(monthdays) > 0 && freq == "MONTHLY":
		md := make([]string, len(monthdays))
		for i, d := range monthdays {
			md[i] = d
			if d == "1" {
				md[i] = "1er"
			}
		}
		out = "le " + strings.Join(md, " et le ") + " du mois"
	case freq == "DAILY":
		out = "tous les jours"
	}
	switch {
	case hasOpens && hasCloses:
		out += " de " + opens.String() + " à " + closes.String()
	case hasOpens:
		out += " à " + opens.String()
	}
	if out != "" && hasUntil {
		out += fmt.Sprintf(", jusqu'au %d %s %d", until.Day(), hsdsMonths[until.Month()-1], until.Year())
	}
	return strings.TrimSpace(out)
}
