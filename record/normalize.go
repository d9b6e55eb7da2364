package record

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Brussels is the time zone naive local times are read in.
var Brussels = mustLoadLocation("Europe/Brussels")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("record: " + err.Error()) // time/tzdata is embedded below, so this cannot fail
	}
	return loc
}

// Normalize turns a verbatim listing into a Record: cleaned text, absolute URLs,
// parsed dates, prices, places and contacts, the source's defaults, a stable id and
// quality flags. fetched is when the listing was fetched. The record is validated; a
// listing that cannot make a valid record returns an error naming the field.
func Normalize(o Origin, l Listing, fetched time.Time) (Record, error) {
	f := func(name string) string { return strings.TrimSpace(l.Fields[name]) }
	base := o.URL
	r := Record{
		Source:      o.Source,
		Status:      StatusActive,
		License:     o.License,
		Attribution: o.Attribution,
		FetchedAt:   fetched.UTC(),
		Audiences:   []string{},
		Topics:      []string{},
		Languages:   []string{},
		Flags:       []Flag{},
	}
	r.URL = absoluteURL(base, l.URL)
	if r.URL == "" {
		r.URL = absoluteURL(base, f(FieldURL))
	}
	if r.URL != "" {
		base = r.URL
	}
	r.Title = CleanText(f(FieldTitle))
	r.Description = CleanText(f(FieldDescription))

	r.Language = strings.ToLower(firstNonEmpty(f(FieldLanguage), o.Language))
	if len(r.Language) > 2 {
		r.Language = r.Language[:2] // "fr-BE" → "fr"
	}
	if r.Language != "" {
		r.Languages = []string{r.Language}
	}

	r.Organization = Organization{
		Name: CleanText(firstNonEmpty(f(FieldOrganizer), o.Defaults.Organizer, o.Attribution)),
		URL:  absoluteURL(base, firstNonEmpty(f(FieldOrganizerURL), o.Defaults.OrganizerURL)),
	}
	r.OnlineURL = absoluteURL(base, f(FieldOnlineURL))
	r.Registration.URL = absoluteURL(base, f(FieldRegistration))
	r.Registration.Required = r.Registration.URL != ""
	r.Contact.Email = normalizeEmail(f(FieldEmail))
	r.Contact.Phone = NormalizePhone(f(FieldPhone))
	if f(FieldPhone) != "" && r.Contact.Phone == "" {
		r.addFlag("phone_unparsed", SeverityWarning, "contact.phone", "not a Belgian phone number: "+f(FieldPhone))
	}

	r.normalizePlace(f(FieldPlace), f(FieldAddress), f(FieldPostcode), f(FieldCity), o.Defaults)
	r.normalizeSchedule(f(FieldStart), f(FieldDate), f(FieldEnd), f(FieldSchedule))
	r.Cost = ParseCost(f(FieldPrice))
	if f(FieldPrice) != "" && !r.Cost.Free && r.Cost.Min == 0 && r.Cost.Max == 0 {
		r.addFlag("price_unparsed", SeverityInfo, "cost", "")
	}
	r.classify(l, o.Defaults)

	r.Attendance = firstNonEmpty(attendanceID(f(FieldAttendance)), o.Defaults.Attendance)
	if r.Attendance == "" {
		switch {
		case r.OnlineURL != "" && r.Location.Postcode != "":
			r.Attendance = "hybrid"
		case r.OnlineURL != "" || r.Kind == "webinar":
			r.Attendance = "online"
		case r.Location.Postcode != "" || r.Location.Address != "":
			r.Attendance = "in-person"
		}
	}

	r.LocalID = LocalID(l, r)
	r.ID = NewID(r.Source, r.LocalID)
	if err := r.Validate(); err != nil {
		return r, err
	}
	return r, nil
}

// LocalID picks the id of a listing within its source: the feed's own id, else the
// canonical URL of its page, else a hash of its title and start.
func LocalID(l Listing, r Record) string {
	if id := strings.TrimSpace(l.LocalID); id != "" {
		return id
	}
	if r.URL != "" {
		return r.URL
	}
	start := ""
	if r.Schedule.Start != nil {
		start = r.Schedule.Start.UTC().Format(time.RFC3339)
	} else {
		start = r.Schedule.Text
	}
	sum := sha256.Sum256([]byte(strings.ToLower(r.Title) + "\x00" + start))
	return "sha256:" + hex.EncodeToString(sum[:12])
}

func (r *Record) addFlag(code string, sev Severity, field, msg string) {
	r.Flags = append(r.Flags, Flag{Code: code, Severity: sev, Field: field, Message: msg})
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// absoluteURL resolves ref against base and keeps it only if it is http(s).
func absoluteURL(base, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if b, err := url.Parse(base); err == nil && base != "" {
		u = b.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return ""
	}
	u.Fragment = ""
	return u.String()
}

var emailPattern = regexp.MustCompile(`^[^@\s<>]+@[^@\s<>]+\.[a-zA-Z]{2,}$`)

func normalizeEmail(s string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "mailto:")
	if !emailPattern.MatchString(s) {
		return ""
	}
	return strings.ToLower(s)
}

// NormalizePhone returns a Belgian number in E.164 ("0498/462 402" → "+32498462402"),
// or "" when s is not one.
func NormalizePhone(s string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "tel:")
	var digits strings.Builder
	for i, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits.WriteRune(c)
		case c == '+' && i == 0:
			digits.WriteRune(c)
		case strings.ContainsRune(" ./-()\u00a0", c):
		default:
			return ""
		}
	}
	d := digits.String()
	switch {
	case strings.HasPrefix(d, "+32"):
		d = d[3:]
	case strings.HasPrefix(d, "0032"):
		d = d[4:]
	case strings.HasPrefix(d, "0"):
		d = d[1:]
	case len(d) == 3 || len(d) == 4: // short numbers: 107, 1813
		return d
	default:
		return ""
	}
	// Belgian national numbers have 8 digits (landlines) or 9 (mobiles, 04xx).
	if len(d) != 8 && len(d) != 9 || strings.HasPrefix(d, "0") {
		return ""
	}
	return "+32" + d
}

var priceNumber = regexp.MustCompile(`\d+(?:[.,]\d{1,2})?`)

// ParseCost reads a price as partners write it: "120,00 €", "5 à 10 €", "gratuit",
// "gratis", "free", "prix libre". Unknown text leaves Min and Max zero.
func ParseCost(s string) Cost {
	c := Cost{Text: CleanText(s)}
	if c.Text == "" {
		return c
	}
	low := strings.ToLower(c.Text)
	for _, w := range []string{"gratuit", "gratis", "free", "kostenlos", "sans frais"} {
		if strings.Contains(low, w) {
			c.Free = true
			return c
		}
	}
	var values []float64
	for _, m := range priceNumber.FindAllString(low, 4) {
		v, err := strconv.ParseFloat(strings.Replace(m, ",", ".", 1), 64)
		if err == nil {
			values = append(values, v)
		}
	}
	if len(values) == 0 {
		return c
	}
	c.Currency = "EUR"
	c.Min, c.Max = values[0], values[0]
	for _, v := range values[1:] {
		c.Min, c.Max = min(c.Min, v), max(c.Max, v)
	}
	if c.Min == 0 && c.Max == 0 {
		c.Free = true
	}
	switch {
	case strings.Contains(low, "séance"), strings.Contains(low, "seance"), strings.Contains(low, "sessie"), strings.Contains(low, "session"):
		c.Unit = "session"
	case strings.Contains(low, "cycle"), strings.Contains(low, "reeks"):
		c.Unit = "cycle"
	case strings.Contains(low, "mois"), strings.Contains(low, "maand"), strings.Contains(low, "month"):
		c.Unit = "month"
	case strings.Contains(low, "an "), strings.HasSuffix(low, "an"), strings.Contains(low, "jaar"), strings.Contains(low, "year"):
		c.Unit = "year"
	}
	return c
}

var postcodeCity = regexp.MustCompile(`\b([1-9]\d{3})\s+([\p{L}][\p{L}'’ .-]*[\p{L}])`)

func (r *Record) normalizePlace(place, address, postcode, city string, d Defaults) {
	loc := Location{Name: CleanText(place), Address: CleanText(address), Country: "BE"}
	loc.Postcode = strings.TrimSpace(postcode)
	loc.City = CleanText(city)
	if loc.Postcode == "" {
		for _, text := range []string{address, place} {
			if m := postcodeCity.FindStringSubmatch(text); m != nil {
				loc.Postcode, loc.City = m[1], firstNonEmpty(loc.City, strings.TrimSpace(m[2]))
				break
			}
		}
	}
	if loc.Postcode == "" {
		loc.Postcode, loc.City = d.Postcode, firstNonEmpty(loc.City, d.City)
	}
	// "Maison des Associations, 1060 Saint-Gilles": the name is what precedes the
	// postcode and city, which have fields of their own.
	if loc.Postcode != "" {
		if i := strings.Index(loc.Name, loc.Postcode); i >= 0 {
			loc.Name = strings.TrimRight(strings.TrimSpace(loc.Name[:i]), ",;-–")
		}
	}
	if loc.Postcode != "" {
		n, err := strconv.Atoi(loc.Postcode)
		if err != nil || n < 1000 || n > 9999 {
			r.addFlag("postcode_invalid", SeverityWarning, "location.postcode", "not a Belgian postcode: "+loc.Postcode)
			loc.Postcode = ""
		} else {
			loc.Region, loc.Province = RegionOfPostcode(n)
		}
	}
	if loc.Region == "" {
		loc.Region = d.Region
	}
	r.Location = loc
}

// RegionOfPostcode maps a Belgian postcode to its region and province by the ranges
// bpost assigns (precise enough for filtering; the postcode table refines it).
func RegionOfPostcode(n int) (region, province string) {
	switch {
	case n >= 1000 && n <= 1299:
		return "Brussels", ""
	case n >= 1300 && n <= 1499:
		return "Wallonia", "Walloon Brabant"
	case n >= 1500 && n <= 1999, n >= 3000 && n <= 3499:
		return "Flanders", "Flemish Brabant"
	case n >= 2000 && n <= 2999:
		return "Flanders", "Antwerp"
	case n >= 3500 && n <= 3999:
		return "Flanders", "Limburg"
	case n >= 4000 && n <= 4999:
		return "Wallonia", "Liège"
	case n >= 5000 && n <= 5999:
		return "Wallonia", "Namur"
	case n >= 6000 && n <= 6599, n >= 7000 && n <= 7999:
		return "Wallonia", "Hainaut"
	case n >= 6600 && n <= 6999:
		return "Wallonia", "Luxembourg"
	case n >= 8000 && n <= 8999:
		return "Flanders", "West Flanders"
	case n >= 9000 && n <= 9999:
		return "Flanders", "East Flanders"
	}
	return "", ""
}

// dateLayouts are the structured forms accepted; naive ones are read in Brussels time.
var dateLayouts = []struct {
	layout  string
	hasTime bool
}{
	{time.RFC3339, true},
	{"2006-01-02T15:04:05Z0700", true},
	{"2006-01-02T15:04:05", true},
	{"2006-01-02T15:04", true},
	{"2006-01-02 15:04:05", true},
	{"2006-01-02 15:04", true},
	{"2006-01-02", false},
	{"02/01/2006 15:04", true},
	{"02/01/2006 15h04", true},
	{"02/01/2006", false},
	{"2/1/2006", false},
	{"02.01.2006", false},
}

// ParseDate reads an ISO 8601 or Belgian numeric date (dd/mm/yyyy). allDay is true
// when no time of day was given.
func ParseDate(s string) (t time.Time, allDay bool, err error) {
	s = strings.TrimSpace(s)
	for _, l := range dateLayouts {
		if t, err := time.ParseInLocation(l.layout, s, Brussels); err == nil {
			return t.In(Brussels), !l.hasTime, nil
		}
	}
	return time.Time{}, false, fmt.Errorf("unrecognized date %q", s)
}

func (r *Record) normalizeSchedule(start, date, end, text string) {
	r.Schedule = Schedule{Timezone: "Europe/Brussels", Text: CleanText(text), Next: []time.Time{}}
	raw := firstNonEmpty(start, date)
	if raw == "" {
		return
	}
	t, _, err := ParseDate(raw)
	if err != nil {
		r.addFlag("date_unparsed", SeverityWarning, "schedule.start", err.Error())
		if r.Schedule.Text == "" {
			r.Schedule.Text = CleanText(raw)
		}
		return
	}
	r.Schedule.Start = &t
	if end != "" {
		e, allDay, err := ParseDate(end)
		switch {
		case err != nil:
			r.addFlag("date_unparsed", SeverityWarning, "schedule.end", err.Error())
		case e.Before(t) && !allDay:
			r.addFlag("end_before_start", SeverityWarning, "schedule.end", "")
		default:
			r.Schedule.End = &e
			if !allDay && e.Sub(t) < 24*time.Hour {
				r.Schedule.DurationMinutes = int(e.Sub(t).Minutes())
			}
		}
	}
	r.Schedule.Next = []time.Time{t}
}

func attendanceID(s string) string {
	s = strings.ToLower(s)
	switch {
	case s == "":
		return ""
	case strings.Contains(s, "hybri"), strings.Contains(s, "mixed"):
		return "hybrid"
	case strings.Contains(s, "online"), strings.Contains(s, "en ligne"), strings.Contains(s, "visio"), strings.Contains(s, "distanc"):
		return "online"
	case strings.Contains(s, "person"), strings.Contains(s, "présentiel"), strings.Contains(s, "presentiel"), strings.Contains(s, "fysiek"), strings.Contains(s, "offline"):
		return "in-person"
	}
	return ""
}
