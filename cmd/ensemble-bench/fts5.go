package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	_ "modernc.org/sqlite" // the baseline: SQLite FTS5, pure Go

	"github.com/ensemble-be/ensemble/record"
)

// The baseline is what a careful SQLite implementation of the same search would do:
// FTS5 (unicode61, diacritics removed) for the words, BM25 with the title weighted
// double, filters as WHERE on indexed columns, multi-valued fields and occurrences in
// side tables, facets as GROUP BY counts over one materialized matching set, geo as a
// bounding box then the haversine distance.
const ftsSchema = `
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE docs (
	rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, source TEXT, status TEXT, language TEXT, kind TEXT,
	facilitation TEXT, attendance TEXT, region TEXT, province TEXT, postcode TEXT,
	lat REAL, lon REAL, free INTEGER, cost_min REAL, updated_at INTEGER, next_at INTEGER, title_sort TEXT);
CREATE INDEX docs_kind ON docs (kind);
CREATE INDEX docs_region ON docs (region);
CREATE INDEX docs_province ON docs (province);
CREATE INDEX docs_postcode ON docs (postcode);
CREATE INDEX docs_language ON docs (language);
CREATE INDEX docs_latlon ON docs (lat, lon);
CREATE INDEX docs_updated ON docs (updated_at);
CREATE INDEX docs_next ON docs (next_at);
CREATE INDEX docs_title ON docs (title_sort, id);
CREATE TABLE doc_audience (doc INTEGER NOT NULL, v TEXT NOT NULL);
CREATE INDEX doc_audience_v ON doc_audience (v, doc);
CREATE INDEX doc_audience_doc ON doc_audience (doc);
CREATE TABLE doc_topic (doc INTEGER NOT NULL, v TEXT NOT NULL);
CREATE INDEX doc_topic_v ON doc_topic (v, doc);
CREATE INDEX doc_topic_doc ON doc_topic (doc);
CREATE TABLE occurrences (doc INTEGER NOT NULL, at INTEGER NOT NULL, weekday INTEGER NOT NULL, minute INTEGER NOT NULL);
CREATE INDEX occurrences_at ON occurrences (at);
CREATE INDEX occurrences_doc ON occurrences (doc, at);
CREATE VIRTUAL TABLE docs_fts USING fts5(title, body, content='', tokenize='unicode61 remove_diacritics 2');
`

// fts is the baseline database.
type fts struct{ db *sql.DB }

// buildFTS creates the baseline database at path from records.
func buildFTS(ctx context.Context, path string, records iter.Seq2[record.Record, error]) (*fts, time.Duration, error) {
	start := time.Now()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return nil, 0, err
	}
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, ftsSchema); err != nil {
		db.Close()
		return nil, 0, fmt.Errorf("fts5 schema: %w", err)
	}
	err = fillFTS(ctx, db, records)
	if err == nil {
		_, err = db.ExecContext(ctx, `INSERT INTO docs_fts (docs_fts) VALUES ('optimize'); ANALYZE;`)
	}
	if err != nil {
		db.Close()
		return nil, 0, fmt.Errorf("fts5 fill: %w", err)
	}
	took := time.Since(start)
	db.Close()
	db, err = sql.Open("sqlite", "file:"+path+"?_pragma=query_only(ON)&_pragma=cache_size(-65536)")
	if err != nil {
		return nil, 0, err
	}
	return &fts{db: db}, took, nil
}

func fillFTS(ctx context.Context, db *sql.DB, records iter.Seq2[record.Record, error]) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	prep := func(q string) *sql.Stmt {
		s, perr := tx.PrepareContext(ctx, q)
		if perr != nil && err == nil {
			err = perr
		}
		return s
	}
	insDoc := prep(`INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	insFTS := prep(`INSERT INTO docs_fts (rowid, title, body) VALUES (?, ?, ?)`)
	insAud := prep(`INSERT INTO doc_audience VALUES (?, ?)`)
	insTop := prep(`INSERT INTO doc_topic VALUES (?, ?)`)
	insOcc := prep(`INSERT INTO occurrences VALUES (?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	row := int64(0)
	for r, rerr := range records {
		if rerr != nil {
			return rerr
		}
		row++
		var lat, lon, costMin, nextAt any
		if r.Location.Lat != 0 || r.Location.Lon != 0 {
			lat, lon = r.Location.Lat, r.Location.Lon
		}
		if r.Cost.Free || r.Cost.Max > 0 {
			costMin = r.Cost.Min
		}
		if len(r.Schedule.Next) > 0 {
			nextAt = r.Schedule.Next[0].Unix()
		}
		free := 0
		if r.Cost.Free {
			free = 1
		}
		if _, err := insDoc.ExecContext(ctx, row, r.ID, r.Source, string(r.Status), r.Language, r.Kind, r.Facilitation,
			r.Attendance, r.Location.Region, r.Location.Province, r.Location.Postcode, lat, lon, free, costMin,
			r.UpdatedAt.Unix(), nextAt, record.Fold(r.Title)); err != nil {
			return err
		}
		body := strings.Join([]string{r.Description, r.Organization.Name, r.Location.Name, r.Location.City,
			r.Location.Commune, r.Schedule.Text, r.Cost.Text}, " \n")
		if _, err := insFTS.ExecContext(ctx, row, r.Title, body); err != nil {
			return err
		}
		for _, a := range r.Audiences {
			if _, err := insAud.ExecContext(ctx, row, a); err != nil {
				return err
			}
		}
		for _, t := range r.Topics {
			if _, err := insTop.ExecContext(ctx, row, t); err != nil {
				return err
			}
		}
		occ := r.Schedule.Next
		if s := r.Schedule.Start; s != nil {
			occ = append([]time.Time{*s}, occ...)
		}
		for _, t := range occ {
			t = t.In(record.Brussels)
			if _, err := insOcc.ExecContext(ctx, row, t.Unix(), int(t.Weekday()), t.Hour()*60+t.Minute()); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}

func (f *fts) close() error { return f.db.Close() }

// ftsQuery is a query of the mix translated to SQL.
type ftsQuery struct {
	match       string // FTS5 expression; "" for none
	where       []string
	args        []any
	order       string
	limit, skip int
	facets      bool
	distance    string // SQL of the distance to Near, "" without Near
	distArgs    []any
}

var weekdayNumbers = map[string]int{"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}

// translate turns a query string of the API into SQL over the baseline's tables.
func translate(query string) (ftsQuery, error) {
	v, err := url.ParseQuery(query)
	if err != nil {
		return ftsQuery{}, err
	}
	q := ftsQuery{limit: 20}
	tax := record.DefaultTaxonomy()
	in := func(col string, values []string) {
		if len(values) == 0 {
			return
		}
		q.where = append(q.where, col+" IN ("+strings.TrimSuffix(strings.Repeat("?,", len(values)), ",")+")")
		for _, x := range values {
			q.args = append(q.args, x)
		}
	}
	expand := func(name string) []string {
		var out []string
		for _, id := range list(v, name) {
			out = append(out, tax.Descendants(id)...)
		}
		return out
	}
	q.where = append(q.where, "d.status = 'active'")
	in("d.kind", expand("kind"))
	in("d.facilitation", expand("facilitation"))
	in("d.attendance", expand("attendance"))
	in("d.region", list(v, "region"))
	in("d.province", list(v, "province"))
	in("d.postcode", list(v, "postcode"))
	if l := v.Get("language"); l != "" {
		in("d.language", []string{l})
	}
	for _, side := range []struct{ param, table string }{{"audience", "doc_audience"}, {"topic", "doc_topic"}} {
		if vals := expand(side.param); len(vals) > 0 {
			q.where = append(q.where, "EXISTS (SELECT 1 FROM "+side.table+" x WHERE x.doc = d.rowid AND x.v IN ("+
				strings.TrimSuffix(strings.Repeat("?,", len(vals)), ",")+"))")
			for _, x := range vals {
				q.args = append(q.args, x)
			}
		}
	}
	if v.Get("free") == "true" {
		q.where = append(q.where, "d.free = 1")
	}
	if s := v.Get("max_cost"); s != "" {
		c, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return q, err
		}
		q.where = append(q.where, "(d.free = 1 OR d.cost_min <= ?)")
		q.args = append(q.args, c)
	}
	if s := v.Get("updated_after"); s != "" {
		t, err := time.ParseInLocation(time.DateOnly, s, record.Brussels)
		if err != nil {
			return q, err
		}
		q.where = append(q.where, "d.updated_at > ?")
		q.args = append(q.args, t.Unix())
	}
	// dates: one occurrence must satisfy every date condition
	var occ []string
	var occArgs []any
	for _, b := range []struct{ param, op string }{{"from", ">="}, {"to", "<"}} {
		if s := v.Get(b.param); s != "" {
			t, err := time.ParseInLocation(time.DateOnly, s, record.Brussels)
			if err != nil {
				return q, err
			}
			occ, occArgs = append(occ, "o.at "+b.op+" ?"), append(occArgs, t.Unix())
		}
	}
	if days := list(v, "weekday"); len(days) > 0 {
		var nums []string
		for _, d := range days {
			nums = append(nums, strconv.Itoa(weekdayNumbers[d]))
		}
		occ = append(occ, "o.weekday IN ("+strings.Join(nums, ",")+")")
	}
	if s := v.Get("time"); s != "" {
		from, to, _ := strings.Cut(s, "-")
		occ, occArgs = append(occ, "o.minute >= ? AND o.minute < ?"), append(occArgs, clockMinutes(from), clockMinutes(to))
	}
	if len(occ) > 0 {
		q.where = append(q.where, "EXISTS (SELECT 1 FROM occurrences o WHERE o.doc = d.rowid AND "+strings.Join(occ, " AND ")+")")
		q.args = append(q.args, occArgs...)
	}
	if near := v.Get("near"); near != "" {
		lat, lon, err := nearPoint(near)
		if err != nil {
			return q, err
		}
		radius := 25.0
		if s := v.Get("radius"); s != "" {
			radius, _ = strconv.ParseFloat(s, 64)
		}
		dLat := radius / 111.2
		dLon := radius / (111.2 * math.Cos(lat*math.Pi/180))
		q.distance = "6371 * acos(min(1, sin(radians(d.lat)) * sin(radians(?)) + cos(radians(d.lat)) * cos(radians(?)) * cos(radians(d.lon - ?))))"
		q.distArgs = []any{lat, lat, lon}
		q.where = append(q.where, "d.lat BETWEEN ? AND ? AND d.lon BETWEEN ? AND ?", q.distance+" <= ?")
		q.args = append(q.args, lat-dLat, lat+dLat, lon-dLon, lon+dLon)
		q.args = append(q.args, q.distArgs...)
		q.args = append(q.args, radius)
	}
	q.match = matchExpr(v.Get("q"))
	switch v.Get("sort") {
	case "date":
		q.order = "d.next_at IS NULL, d.next_at, d.id"
	case "updated":
		q.order = "d.updated_at DESC, d.id"
	case "distance":
		q.order = "dist, d.id"
	default:
		if q.match != "" {
			q.order = "bm25(docs_fts, 2.0, 1.0), d.id"
		} else {
			q.order = "d.title_sort, d.id"
		}
	}
	if s := v.Get("per_page"); s != "" {
		q.limit, _ = strconv.Atoi(s)
	}
	if s := v.Get("page"); s != "" {
		p, _ := strconv.Atoi(s)
		q.skip = (p - 1) * q.limit
	}
	if v.Get("cursor") != "" {
		q.skip = q.limit // the page after the first: what following the cursor fetches
	}
	q.facets = v.Get("facets") == "true"
	return q, nil
}

func clockMinutes(s string) int {
	h, m, _ := strings.Cut(s, ":")
	hh, _ := strconv.Atoi(h)
	mm, _ := strconv.Atoi(m)
	return hh*60 + mm
}

// nearPoint reads "lat,lon" or a postcode.
func nearPoint(s string) (float64, float64, error) {
	if la, lo, ok := strings.Cut(s, ","); ok {
		lat, err1 := strconv.ParseFloat(la, 64)
		lon, err2 := strconv.ParseFloat(lo, 64)
		return lat, lon, errors.Join(err1, err2)
	}
	places := record.PostcodePlaces(s)
	if len(places) == 0 {
		return 0, 0, fmt.Errorf("near=%s: unknown postcode", s)
	}
	return places[0].Lat, places[0].Lon, nil
}

// matchExpr turns what a person typed into an FTS5 expression: every word required
// (quoted, so FTS5 syntax in the text is inert), "quoted phrases" as phrases.
func matchExpr(text string) string {
	var parts []string
	inQuote := false
	for i, seg := range strings.Split(text, `"`) {
		inQuote = i%2 == 1
		words := strings.FieldsFunc(seg, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '\''
		})
		if len(words) == 0 {
			continue
		}
		if inQuote {
			parts = append(parts, `"`+strings.Join(words, " ")+`"`)
			continue
		}
		for _, w := range words {
			parts = append(parts, `"`+w+`"`)
		}
	}
	return strings.Join(parts, " AND ")
}

// search runs q and returns the ids of the page, the total and the facet counts.
func (f *fts) search(ctx context.Context, q ftsQuery) (ids []string, total int, facets int, err error) {
	from := "docs d"
	var args []any
	where := q.where
	if q.match != "" {
		from = "docs_fts JOIN docs d ON d.rowid = docs_fts.rowid"
		where = append([]string{"docs_fts MATCH ?"}, where...)
		args = append(args, q.match)
	}
	args = append(args, q.args...)
	cond := strings.Join(where, " AND ")
	sel := "d.id"
	selArgs := []any{}
	if q.distance != "" {
		sel += ", " + q.distance + " AS dist"
		selArgs = q.distArgs
	}
	rows, err := f.db.QueryContext(ctx, "SELECT "+sel+" FROM "+from+" WHERE "+cond+" ORDER BY "+q.order+" LIMIT ? OFFSET ?",
		append(append(selArgs, args...), q.limit, q.skip)...)
	if err != nil {
		return nil, 0, 0, err
	}
	for rows.Next() {
		var id string
		var dist float64
		dest := []any{&id}
		if q.distance != "" {
			dest = append(dest, &dist)
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return nil, 0, 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := f.db.QueryRowContext(ctx, "SELECT count(*) FROM "+from+" WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, 0, err
	}
	if q.facets {
		facets, err = f.facets(ctx, from, cond, args)
	}
	return ids, total, facets, err
}

// facets counts the matches by value of each dimension in one statement over one
// materialized matching set, and returns the number of (dimension, value) rows.
func (f *fts) facets(ctx context.Context, from, cond string, args []any) (int, error) {
	var parts []string
	for _, col := range []string{"kind", "facilitation", "attendance", "language", "region", "province", "source"} {
		parts = append(parts, fmt.Sprintf("SELECT '%s', %s, count(*) FROM m GROUP BY %s", col, col, col))
	}
	parts = append(parts,
		"SELECT 'audience', x.v, count(*) FROM m JOIN doc_audience x ON x.doc = m.r GROUP BY x.v",
		"SELECT 'topic', x.v, count(*) FROM m JOIN doc_topic x ON x.doc = m.r GROUP BY x.v")
	query := "WITH m AS MATERIALIZED (SELECT d.rowid AS r, d.kind, d.facilitation, d.attendance, d.language, d.region, d.province, d.source FROM " +
		from + " WHERE " + cond + ") " + strings.Join(parts, " UNION ALL ")
	rows, err := f.db.QueryContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var dim string
		var val sql.NullString
		var count int
		if err := rows.Scan(&dim, &val, &count); err != nil {
			return 0, err
		}
		n++
	}
	return n, rows.Err()
}
