package record

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
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

// Normalize turns a verbatim listing into a Record: text cleaned of markup and of
// individuals' names (kept in Contact.Person, which open files never show), language
// detected when unknown, absolute URLs without tracking parameters, Belgian places,
// phones and prices, dates and recurrences, the taxonomy's kind, audiences and topics,
// a stable id and quality flags. fetched is when the listing was fetched: missing years
// and "date in the past" count from it. The record is validated; a listing that cannot
// make a valid record returns an error naming the field.
func Normalize(o Origin, l Listing, fetched time.Time) (Record, error) {
	f := func(name string) string { return strings.TrimSpace(l.Fields[name]) }
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
	base := firstNonEmpty(l.Page, o.URL)
	r.URL = r.cleanURL(base, firstNonEmpty(l.URL, f(FieldURL)), "url")
	if r.URL != "" {
		base = r.URL // links on a detail page resolve against it
	}

	// Text first: everything else reads it.
	rawDescription := f(FieldDescription)
	r.Title, r.Description = CleanText(f(FieldTitle)), CleanText(rawDescription)
	for _, t := range []struct{ field, text string }{{"title", r.Title}, {"description", r.Description}} {
		if HasMarkup(t.text) {
			r.addFlag("markup_left", SeverityWarning, t.field, "")
		}
	}
	var persons []string
	r.Title, persons = ExtractPersons(r.Title)
	description, more := ExtractPersons(r.Description)
	persons = appendNew(persons, more...)
	description, personalEmails := RedactPersonalEmails(description, persons)
	r.Description = description

	r.Language = languageCode(f(FieldLanguage))
	if r.Language == "" {
		r.Language = languageCode(o.Language)
	}
	if r.Language == "" {
		if lang, _ := DetectLanguage(r.Title + "\n" + r.Description); lang != "" {
			r.Language = lang
		} else {
			r.addFlag("language_unknown", SeverityInfo, "language", "")
		}
	}
	if r.Language != "" {
		r.Languages = []string{r.Language}
	}

	organizer := CleanText(f(FieldOrganizer))
	if organizer != "" && LooksLikePersonName(organizer) {
		persons = appendNew(persons, organizer) // a person organizing: not an organization
		organizer = ""
	}
	r.Organization = Organization{
		Name: firstNonEmpty(organizer, CleanText(o.Defaults.Organizer), CleanText(o.Attribution)),
		URL:  r.cleanURL(base, firstNonEmpty(f(FieldOrganizerURL), o.Defaults.OrganizerURL), "organization.url"),
	}
	if organizer == "" && f(FieldOrganizer) != "" {
		r.Organization.URL = o.Defaults.OrganizerURL // the person's own site would name them
	}

	r.OnlineURL = r.cleanURL(base, f(FieldOnlineURL), "online_url")
	r.Registration.URL = r.cleanURL(base, firstNonEmpty(f(FieldRegistration), registrationLink(rawDescription)), "registration.url")
	r.Registration.Required = r.Registration.URL != ""
	r.normalizeContact(f(FieldEmail), f(FieldPhone), rawDescription, personalEmails)
	if len(persons) > 0 || len(personalEmails) > 0 {
		r.Contact.Person = strings.Join(append(persons, personalEmails...), "; ")
		r.addFlag("personal_data_removed", SeverityInfo, "contact.person",
			"names or personal addresses of individuals were kept out of the public record")
	}

	r.classify(l, o.Defaults)

	r.Attendance = firstNonEmpty(attendanceID(f(FieldAttendance)), o.Defaults.Attendance)
	online := r.Attendance == "online" || (r.Attendance == "" && (r.OnlineURL != "" || r.Kind == "webinar"))
	loc, flags := NormalizeLocation(PlaceInput{
		Name: f(FieldPlace), Address: f(FieldAddress), Postcode: f(FieldPostcode), City: f(FieldCity),
		Online: online, DefaultPostcode: o.Defaults.Postcode, DefaultCity: o.Defaults.City, DefaultRegion: o.Defaults.Region,
	})
	r.Location = loc
	r.Flags = append(r.Flags, flags...)
	if r.Attendance == "" {
		hasPlace := loc.Postcode != "" || loc.Address != "" || loc.Name != ""
		switch {
		case online && hasPlace:
			r.Attendance = "hybrid"
		case online:
			r.Attendance = "online"
		case hasPlace:
			r.Attendance = "in-person"
		}
	}

	r.normalizeSchedule(l, fetched)
	if st := Fold(f(FieldStatus)); st == "cancelled" || st == "canceled" || st == "annule" || st == "geannuleerd" {
		r.Status = StatusWithdrawn // the organizer cancelled it: kept, hidden from search
		r.addFlag("cancelled", SeverityInfo, "status", "the source marks this listing cancelled")
	}
	r.normalizeCost(f(FieldPrice), r.Description)
	r.GroupSize = ParseGroupSize(r.Description)

	r.LocalID = LocalID(l, r)
	r.ID = NewID(r.Source, r.LocalID)
	if err := r.Validate(); err != nil {
		return r, err
	}
	return r, nil
}

// cleanURL is CleanURL, flagging url_invalid on field when raw is given but unusable.
func (r *Record) cleanURL(base, raw, field string) string {
	if strings.TrimSpace(raw) == "" {
		return ""
	}
	u, ok := CleanURL(base, raw)
	if !ok {
		r.addFlag("url_invalid", SeverityWarning, field, "not a usable http(s) link")
	}
	return u
}

// normalizeContact fills the public contact from the email and phone fields, or from
// the first ones the description gives. Personal addresses are left out (the caller
// keeps them in Contact.Person); a phone that is not a valid number is flagged.
func (r *Record) normalizeContact(email, phone, description string, personal []string) {
	fromText := email == ""
	if fromText {
		email = emailInText.FindString(description)
	}
	if email != "" {
		if e, ok := ParseEmail(email); !ok {
			if !fromText {
				r.addFlag("email_invalid", SeverityWarning, "contact.email", "")
			}
		} else if !IsPersonalEmail(e) && !containsFold(personal, e) {
			r.Contact.Email = e
		}
	}
	fromText = phone == ""
	if fromText {
		phone = phoneInText.FindString(description)
	}
	if phone != "" {
		if p, ok := ParsePhone(phone); ok {
			r.Contact.Phone = p
		} else if !fromText {
			r.addFlag("phone_invalid", SeverityWarning, "contact.phone", "not a valid phone number")
		}
	}
}

var (
	emailInText = regexp.MustCompile(`[\p{L}0-9._%+-]+@[\p{L}0-9.-]+\.[a-zA-Z]{2,}`)
	// phoneInText finds Belgian numbers as listings write them: 0498/462 402,
	// 02 123 45 67, +32 (0)2 123 45 67, 0032 2 123 45 67.
	phoneInText = regexp.MustCompile(`(?:\+32|0032)\s?(?:\(0\))?\s?[1-9](?:[\s./-]?\d){7,8}|\b0[1-9](?:[\s./-]?\d){7,8}\b`)
	// registrationCue is a sign-up word; the first link after it is the sign-up link.
	registrationCue = regexp.MustCompile(`(?i)(inscri|inschrij|registr|anmeld|sign[ -]?up)`)
	linkInText      = regexp.MustCompile(`https?://[^\s<>"'»)]+`)
)

// registrationLink is the first link following a sign-up word in text (within 300
// bytes), or "".
func registrationLink(text string) string {
	for _, loc := range registrationCue.FindAllStringIndex(text, 5) {
		rest := text[loc[1]:min(len(text), loc[1]+300)]
		if link := linkInText.FindString(rest); link != "" {
			return link
		}
	}
	return ""
}

// appendNew appends the values not yet in list.
func appendNew(list []string, values ...string) []string {
	for _, v := range values {
		if !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// languageCode reads "fr", "FR", "fr-BE", "français" as a two-letter code of one of
// the four languages, or "".
func languageCode(s string) string {
	s = Fold(s)
	if len(s) > 2 && (s[2] == '-' || s[2] == '_') {
		s = s[:2]
	}
	switch s {
	case "fr", "francais", "french", "frans", "franzosisch":
		return "fr"
	case "nl", "nederlands", "dutch", "neerlandais", "vlaams", "niederlandisch":
		return "nl"
	case "de", "deutsch", "german", "allemand", "duits":
		return "de"
	case "en", "english", "anglais", "engels", "englisch":
		return "en"
	}
	return ""
}

// normalizeSchedule reads when the listing meets and flags what is missing or over:
// a dated kind (a webinar, a conference…) without any date, or dates all past.
func (r *Record) normalizeSchedule(l Listing, fetched time.Time) {
	f := func(name string) string { return strings.TrimSpace(l.Fields[name]) }
	sched, flags := ParseWhen(WhenInput{
		Start: firstNonEmpty(f(FieldStart), f(FieldDate)), // read as free text when not ISO
		End:   f(FieldEnd),
		Texts: []string{f(FieldSchedule), r.Title, r.Description},
		Ref:   fetched,
	})
	// An iCalendar recurrence (ical and hsds sources) wins over what the texts say.
	seriesEnded := false
	if rule, rdates := f(FieldRRule), f(FieldRDates); rule != "" || rdates != "" {
		if starts := ParseICalDates(f(FieldStart)); len(starts) == 1 {
			var end *time.Time
			if ends := ParseICalDates(f(FieldEnd)); len(ends) == 1 {
				e := ends[0]
				if len(f(FieldEnd)) == len(time.DateOnly) {
					e = e.AddDate(0, 0, 1) // an all-day end: the end of its day
				}
				end = &e
			}
			next, err := ExpandICal(starts[0], end, rule, ParseICalDates(f(FieldExDates)), ParseICalDates(rdates), fetched)
			if err != nil {
				flags = append(flags, Flag{Code: "rrule_invalid", Severity: SeverityWarning, Field: "schedule.rrule", Message: err.Error()})
			} else {
				sched.RRule, sched.Next = rule, next
				flags = slices.DeleteFunc(flags, func(fl Flag) bool { return fl.Code == FlagScheduleIncomplete })
				seriesEnded = len(next) == 0 && starts[0].Before(fetched)
			}
		}
	}
	r.Schedule = sched
	r.Flags = append(r.Flags, flags...)

	if sched.Start == nil && sched.RRule == "" && r.isDatedKind() {
		r.addFlag("date_missing", SeverityWarning, "schedule.start", "a "+r.Kind+" normally has a date")
	}
	// Past: every date before the day of the crawl (a session this morning is not past).
	f0 := fetched.In(Brussels)
	today := time.Date(f0.Year(), f0.Month(), f0.Day(), 0, 0, 0, 0, Brussels)
	if last := sched.lastDate(); (sched.RRule == "" || seriesEnded) && !last.IsZero() && last.Before(today) {
		r.Status = StatusPast
		r.addFlag("date_past", SeverityInfo, "schedule.start", "every date is before the crawl")
	}
}

// lastDate is the latest date the schedule names, or zero.
func (s Schedule) lastDate() time.Time {
	var last time.Time
	for _, t := range []*time.Time{s.Start, s.End} {
		if t != nil && t.After(last) {
			last = *t
		}
	}
	for _, t := range s.Next {
		if t.After(last) {
			last = t
		}
	}
	return last
}

// isDatedKind reports whether the record's kind (or one of its ancestors) is of the
// kinds that normally carry a date.
func (r *Record) isDatedKind() bool {
	tax := DefaultTaxonomy()
	for _, id := range append([]string{r.Kind}, tax.Ancestors(r.Kind)...) {
		if t, ok := tax.Term(id); ok && t.Dated {
			return true
		}
	}
	return false
}

// normalizeCost reads the price field or, when there is none, the first sentence of
// the description that names a price.
func (r *Record) normalizeCost(price, description string) {
	if price != "" {
		cost, flags := ParsePrice(price)
		r.Cost = cost
		r.Flags = append(r.Flags, flags...)
		return
	}
	for _, sentence := range sentenceSplit.Split(description, -1) {
		if priceCue.MatchString(sentence) {
			if cost, _ := ParsePrice(sentence); cost.Free || cost.Max > 0 {
				cost.Text = strings.TrimSpace(sentence)
				r.Cost = cost
				return
			}
		}
	}
}

var (
	sentenceSplit = regexp.MustCompile(`[.!?]\s+|\n+`)
	priceCue      = regexp.MustCompile(`(?i)(€|\beur\b|euros?\b|gratuit|gratis|kostenlos|entrée libre)`)
)

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
