package opendata

import (
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/ensemble-be/ensemble/record"
)

// The HSDS 3.0 objects a record maps to. Their JSON is what the HSDS API serves (nested,
// as the schema files in testdata/hsds-3.0 describe); their scalar fields, flattened by
// hsdsCells, are the rows of the tabular package WriteHSDS writes. One mapping,
// HSDSServiceOf, fills them for both.
//
// JSON names are the schema's property names; empty values and lists are left out (the
// schema's types do not allow null).

// HSDSOrganization is an HSDS organization: one per distinct organization name.
type HSDSOrganization struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Website     string `json:"website,omitempty"`
	// Services are the organization's services, as the HSDS API's organization
	// endpoint shows them; nil (left out) inside a service and in tabular form.
	Services []HSDSService `json:"services,omitempty"`
}

// HSDSService is an HSDS service: one Ensemble record.
type HSDSService struct {
	ID                 string                  `json:"id"`
	OrganizationID     string                  `json:"organization_id"`
	Name               string                  `json:"name"`
	Description        string                  `json:"description,omitempty"`
	URL                string                  `json:"url,omitempty"`
	Email              string                  `json:"email,omitempty"`
	Status             string                  `json:"status"`
	FeesDescription    string                  `json:"fees_description,omitempty"`
	Licenses           string                  `json:"licenses,omitempty"`
	LastModified       string                  `json:"last_modified,omitempty"`
	Organization       *HSDSOrganization       `json:"organization,omitempty"`
	ServiceAtLocations []HSDSServiceAtLocation `json:"service_at_locations,omitempty"`
	Phones             []HSDSPhone             `json:"phones,omitempty"`
	Schedules          []HSDSSchedule          `json:"schedules,omitempty"`
	CostOptions        []HSDSCostOption        `json:"cost_options,omitempty"`
	Attributes         []HSDSAttribute         `json:"attributes,omitempty"`
}

// HSDSServiceAtLocation links a service to its location.
type HSDSServiceAtLocation struct {
	ID         string        `json:"id"`
	ServiceID  string        `json:"service_id"`
	LocationID string        `json:"location_id"`
	Location   *HSDSLocation `json:"location,omitempty"`
}

// HSDSLocation is where a service meets.
type HSDSLocation struct {
	ID             string        `json:"id"`
	LocationType   string        `json:"location_type"`
	OrganizationID string        `json:"organization_id,omitempty"`
	Name           string        `json:"name,omitempty"`
	Latitude       *float64      `json:"latitude,omitempty"`
	Longitude      *float64      `json:"longitude,omitempty"`
	Addresses      []HSDSAddress `json:"addresses"`
}

// HSDSAddress is the street address of a location.
type HSDSAddress struct {
	ID            string `json:"id"`
	LocationID    string `json:"location_id,omitempty"`
	Address1      string `json:"address_1"`
	City          string `json:"city"`
	Region        string `json:"region,omitempty"`
	StateProvince string `json:"state_province"`
	PostalCode    string `json:"postal_code"`
	Country       string `json:"country"`
	AddressType   string `json:"address_type"`
}

// HSDSPhone is a phone number (E.164) of a service.
type HSDSPhone struct {
	ID          string `json:"id"`
	ServiceID   string `json:"service_id,omitempty"`
	Number      string `json:"number"`
	Type        string `json:"type,omitempty"`
	Description string `json:"description,omitempty"`
}

// HSDSSchedule is when a service meets: RFC 5545 recurrence split into HSDS fields.
type HSDSSchedule struct {
	ID                  string   `json:"id"`
	ServiceID           string   `json:"service_id,omitempty"`
	LocationID          string   `json:"location_id,omitempty"`
	ServiceAtLocationID string   `json:"service_at_location_id,omitempty"`
	DTStart             string   `json:"dtstart,omitempty"`
	Timezone            *float64 `json:"timezone,omitempty"` // hours east of UTC
	Until               string   `json:"until,omitempty"`
	Count               *int     `json:"count,omitempty"`
	WKST                string   `json:"wkst,omitempty"`
	Freq                string   `json:"freq,omitempty"`
	Interval            *int     `json:"interval,omitempty"`
	ByDay               string   `json:"byday,omitempty"`
	ByWeekNo            string   `json:"byweekno,omitempty"`
	ByMonthDay          string   `json:"bymonthday,omitempty"`
	ByYearDay           string   `json:"byyearday,omitempty"`
	Description         string   `json:"description,omitempty"`
	OpensAt             string   `json:"opens_at,omitempty"`
	ClosesAt            string   `json:"closes_at,omitempty"`
	Notes               string   `json:"notes,omitempty"`
}

// HSDSCostOption is one price of a service.
type HSDSCostOption struct {
	ID                string   `json:"id"`
	ServiceID         string   `json:"service_id"`
	Option            string   `json:"option,omitempty"`
	Currency          string   `json:"currency,omitempty"`
	Amount            *float64 `json:"amount,omitempty"`
	AmountDescription string   `json:"amount_description,omitempty"`
}

// HSDSAttribute links a service to a taxonomy term (kind, audience, topic,
// facilitation, attendance); link_type is the facet.
type HSDSAttribute struct {
	ID             string            `json:"id"`
	LinkID         string            `json:"link_id"`
	LinkType       string            `json:"link_type"`
	LinkEntity     string            `json:"link_entity"`
	TaxonomyTermID string            `json:"taxonomy_term_id"`
	TaxonomyTerm   *HSDSTaxonomyTerm `json:"taxonomy_term,omitempty"`
}

// HSDSTaxonomy is one vocabulary of Ensemble's taxonomy: one per facet.
type HSDSTaxonomy struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Version     string `json:"version,omitempty"`
}

// HSDSTaxonomyTerm is one term of Ensemble's taxonomy. Code is the term's Ensemble id
// ("discussion-group"); Name its English label; Description its labels in the four
// languages.
type HSDSTaxonomyTerm struct {
	ID          string `json:"id"`
	Code        string `json:"code"`
	Name        string `json:"name"`
	Description string `json:"description"`
	ParentID    string `json:"parent_id,omitempty"`
	Taxonomy    string `json:"taxonomy"`
	TaxonomyID  string `json:"taxonomy_id"`
	Language    string `json:"language"`
}

// HSDSProfile is the profile URL the HSDS API announces: plain HSDS 3.0.
const HSDSProfile = "https://docs.openreferral.org/en/latest/"

// TaxonomyID returns the HSDS id of the taxonomy of facet f.
func TaxonomyID(f record.Facet) string { return hsdsID("taxonomy", string(f)) }

// TaxonomyTermID returns the HSDS id of the taxonomy term with Ensemble id term.
func TaxonomyTermID(term string) string { return hsdsID("taxonomy_term", term) }

// taxonomyNames describe the facets as HSDS taxonomies.
var taxonomyNames = map[record.Facet][2]string{
	record.FacetKind:         {"Ensemble kinds", "The kind of group: therapy group, discussion group, intervision…"},
	record.FacetAudience:     {"Ensemble audiences", "Who a group is for: relatives, professionals, young people…"},
	record.FacetTopic:        {"Ensemble topics", "What a group is about: grief, anxiety, addiction…"},
	record.FacetFacilitation: {"Ensemble facilitation", "Who leads a group: professionals, peers, or both."},
	record.FacetAttendance:   {"Ensemble attendance", "How a group meets: in person, online or hybrid."},
}

// HSDSTaxonomyOf returns the HSDS taxonomy of facet f.
func HSDSTaxonomyOf(f record.Facet) HSDSTaxonomy {
	n := taxonomyNames[f]
	if n[0] == "" {
		n = [2]string{"Ensemble " + string(f), "The " + string(f) + " facet of Ensemble's taxonomy."}
	}
	return HSDSTaxonomy{ID: TaxonomyID(f), Name: n[0], Description: n[1]}
}

// HSDSTaxonomyTermOf returns the HSDS taxonomy term of an Ensemble term.
func HSDSTaxonomyTermOf(term record.Term) HSDSTaxonomyTerm {
	var labels []string
	for _, lang := range record.TaxonomyLanguages {
		if l := term.Labels[lang]; l != "" {
			labels = append(labels, l+" ("+lang+")")
		}
	}
	name := term.Labels["en"]
	if name == "" {
		name = term.ID
	}
	t := HSDSTaxonomyTerm{
		ID: TaxonomyTermID(term.ID), Code: term.ID, Name: name, Description: strings.Join(labels, "; "),
		Taxonomy: HSDSTaxonomyOf(term.Facet).Name, TaxonomyID: TaxonomyID(term.Facet), Language: "en",
	}
	if t.Description == "" {
		t.Description = name
	}
	if term.Parent != "" {
		t.ParentID = TaxonomyTermID(term.Parent)
	}
	return t
}

// organizationName is who runs a record's group: its organization, else its
// attribution, else its source.
func organizationName(r record.Record) string {
	if name := strings.TrimSpace(r.Organization.Name); name != "" {
		return name
	}
	if name := strings.TrimSpace(r.Attribution); name != "" {
		return name
	}
	return r.Source
}

// HSDSOrganizationOf returns the organization of a record (see OrganizationID). Records
// of one organization give the same id and name (as the first spelling met);
// the website is the record's own.
func HSDSOrganizationOf(r record.Record) HSDSOrganization {
	name := organizationName(r)
	// HSDS requires a description; listings do not describe their organizer.
	return HSDSOrganization{ID: OrganizationID(name), Name: name, Description: name, Website: r.Organization.URL}
}

// HSDSServiceOf maps a record to an HSDS service with everything nested in it. The
// record is made public first: no contact person. Mapping:
//   - service: id = record id, name = title, description, url, email (contact, else
//     registration), status "active" for active records and "inactive" otherwise,
//     fees_description = cost text, licenses = the record's SPDX licence,
//     last_modified = updated_at;
//   - organization: HSDSOrganizationOf;
//   - location (physical) and service_at_location, when the record has an address or a
//     postcode; address when it has a street, postcode and city (state_province is the
//     province, else the region for Brussels; country defaults to BE);
//   - phone: contact and registration numbers in E.164;
//   - schedule: dtstart, opens_at/closes_at, timezone offset, the WEEKLY and MONTHLY
//     recurrence rules split into freq/interval/byday/…, description = schedule text;
//     a rule HSDS cannot express is kept whole in notes;
//   - cost_options: free (amount 0), else the minimum and maximum price, with the
//     unit as option and the cost text as amount_description;
//   - attributes: one per taxonomy term of kind, facilitation, audiences, topics and
//     attendance, with the term nested.
func HSDSServiceOf(r record.Record) HSDSService {
	r = r.Public()
	org := HSDSOrganizationOf(r)
	status := "inactive"
	if r.Status == record.StatusActive {
		status = "active"
	}
	email := r.Contact.Email
	if email == "" {
		email = r.Registration.Email
	}
	s := HSDSService{
		ID: r.ID, OrganizationID: org.ID, Name: r.Title, Description: r.Description,
		URL: r.URL, Email: email, Status: status, FeesDescription: r.Cost.Text, Licenses: r.License,
		Organization:       &org,
		ServiceAtLocations: []HSDSServiceAtLocation{}, Phones: []HSDSPhone{}, Schedules: []HSDSSchedule{},
		CostOptions: []HSDSCostOption{}, Attributes: []HSDSAttribute{},
	}
	if !r.UpdatedAt.IsZero() {
		s.LastModified = r.UpdatedAt.UTC().Format(time.RFC3339)
	}

	loc := r.Location
	var locID, salID string
	if strings.TrimSpace(loc.Address) != "" || strings.TrimSpace(loc.Postcode) != "" {
		locID, salID = hsdsID("location", r.ID), hsdsID("service_at_location", r.ID)
		l := &HSDSLocation{ID: locID, LocationType: "physical", OrganizationID: org.ID, Name: loc.Name, Addresses: []HSDSAddress{}}
		if loc.Lat != 0 || loc.Lon != 0 {
			l.Latitude, l.Longitude = &loc.Lat, &loc.Lon
		}
		if a, ok := hsdsAddressOf(r, locID); ok {
			l.Addresses = append(l.Addresses, a)
		}
		s.ServiceAtLocations = append(s.ServiceAtLocations, HSDSServiceAtLocation{ID: salID, ServiceID: r.ID, LocationID: locID, Location: l})
	}

	seen := map[string]bool{}
	for _, p := range []struct{ raw, desc string }{
		{r.Contact.Phone, "contact"}, {r.Registration.Phone, "registration"},
	} {
		number, ok := record.ParsePhone(p.raw)
		if !ok || seen[number] {
			continue
		}
		seen[number] = true
		s.Phones = append(s.Phones, HSDSPhone{
			ID: hsdsID("phone", r.ID+"\x00"+number), ServiceID: r.ID, Number: number, Type: "voice", Description: p.desc,
		})
	}
	if sc, ok := hsdsScheduleOf(r, locID, salID); ok {
		s.Schedules = append(s.Schedules, sc)
	}
	s.CostOptions = hsdsCostOptions(r)
	s.Attributes = hsdsAttributes(r)
	return s
}

func hsdsAddressOf(r record.Record, locID string) (HSDSAddress, bool) {
	loc := r.Location
	state := loc.Province
	if state == "" {
		state = loc.Region // Brussels has no province
	}
	country := loc.Country
	if country == "" {
		country = "BE"
	}
	street, city, postcode := strings.TrimSpace(loc.Address), strings.TrimSpace(loc.City), strings.TrimSpace(loc.Postcode)
	if street == "" || city == "" || postcode == "" || state == "" {
		return HSDSAddress{}, false // HSDS requires all of them; the location keeps what is known
	}
	return HSDSAddress{
		ID: hsdsID("address", r.ID), LocationID: locID,
		Address1: street, City: city, Region: loc.Region, StateProvince: state,
		PostalCode: postcode, Country: country, AddressType: "physical",
	}, true
}

func hsdsScheduleOf(r record.Record, locID, salID string) (HSDSSchedule, bool) {
	s := r.Schedule
	if s.Start == nil && s.RRule == "" && strings.TrimSpace(s.Text) == "" {
		return HSDSSchedule{}, false
	}
	sc := HSDSSchedule{ID: hsdsID("schedule", r.ID), ServiceID: r.ID, Description: s.Text}
	if locID != "" {
		sc.LocationID, sc.ServiceAtLocationID = locID, salID
	}
	if s.Start != nil {
		start := *s.Start
		_, offset := start.Zone()
		tz := float64(offset) / 3600
		sc.DTStart, sc.Timezone, sc.OpensAt = start.Format(time.DateOnly), &tz, start.Format(time.TimeOnly)
		switch {
		case s.DurationMinutes > 0:
			sc.ClosesAt = start.Add(time.Duration(s.DurationMinutes) * time.Minute).Format(time.TimeOnly)
		case s.End != nil && s.End.Format(time.DateOnly) == sc.DTStart && s.End.After(start):
			sc.ClosesAt = s.End.Format(time.TimeOnly)
		}
	}
	if s.RRule != "" {
		if parts, ok := splitRRule(s.RRule); ok {
			sc.Freq, sc.Until, sc.WKST = parts["freq"], parts["until"], parts["wkst"]
			sc.ByDay, sc.ByMonthDay, sc.ByWeekNo, sc.ByYearDay = parts["byday"], parts["bymonthday"], parts["byweekno"], parts["byyearday"]
			sc.Interval, sc.Count = intPart(parts["interval"]), intPart(parts["count"])
		} else {
			sc.Notes = "RRULE:" + strings.TrimPrefix(s.RRule, "RRULE:")
		}
	}
	return sc, true
}

// intPart is a whole number splitRRule checked, or nil when absent.
func intPart(v string) *int {
	n, err := strconv.Atoi(v)
	if err != nil {
		return nil
	}
	return &n
}

func hsdsCostOptions(r record.Record) []HSDSCostOption {
	c := r.Cost
	currency := c.Currency
	if currency == "" && (c.Min > 0 || c.Max > 0 || c.Free) {
		currency = "EUR"
	}
	option := func(key string, amount float64) HSDSCostOption {
		opt := HSDSCostOption{ID: hsdsID("cost_option", r.ID+"\x00"+key), ServiceID: r.ID, Currency: currency,
			Amount: &amount, AmountDescription: c.Text}
		if key == "free" {
			opt.Option = "free"
		} else if c.Unit != "" {
			opt.Option = "per " + c.Unit
		}
		return opt
	}
	out := []HSDSCostOption{}
	switch {
	case c.Free:
		out = append(out, option("free", 0))
	case c.Min > 0 || c.Max > 0:
		out = append(out, option("min", c.Min))
		if c.Max > c.Min {
			out = append(out, option("max", c.Max))
		}
	}
	return out
}

func hsdsAttributes(r record.Record) []HSDSAttribute {
	tax := record.DefaultTaxonomy()
	var terms []string
	for _, id := range []string{r.Kind, r.Facilitation, r.Attendance} {
		if id != "" {
			terms = append(terms, id)
		}
	}
	terms = append(append(terms, r.Audiences...), r.Topics...)
	out := []HSDSAttribute{}
	seen := map[string]bool{}
	for _, id := range terms {
		term, ok := tax.Term(id)
		if !ok || seen[id] {
			continue // an id the taxonomy no longer has: no term to link
		}
		seen[id] = true
		t := HSDSTaxonomyTermOf(term)
		out = append(out, HSDSAttribute{
			ID: hsdsID("attribute", r.ID+"\x00"+id), LinkID: r.ID, LinkType: string(term.Facet), LinkEntity: "service",
			TaxonomyTermID: t.ID, TaxonomyTerm: &t,
		})
	}
	return out
}

// hsdsCells flattens the scalar fields of an HSDS object (a struct of this file) into
// tabular cells by JSON name: strings as they are, numbers in shortest form; empty
// strings, nil pointers, nested objects and lists are left out.
func hsdsCells(v any) map[string]string {
	rv := reflect.ValueOf(v)
	rt := rv.Type()
	cells := map[string]string{}
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		f := rv.Field(i)
		if f.Kind() == reflect.Pointer {
			if f.IsNil() {
				continue
			}
			f = f.Elem()
		}
		switch f.Kind() {
		case reflect.String:
			if f.String() != "" {
				cells[name] = f.String()
			}
		case reflect.Float64:
			cells[name] = strconv.FormatFloat(f.Float(), 'f', -1, 64)
		case reflect.Int:
			cells[name] = strconv.FormatInt(f.Int(), 10)
		}
	}
	return cells
}
