package index

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/de" // registers the "de" analyzer
	_ "github.com/blevesearch/bleve/v2/analysis/lang/en" // registers the "en" analyzer
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"   // registers "fr" and elision_fr
	_ "github.com/blevesearch/bleve/v2/analysis/lang/nl" // registers the "nl" analyzer
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	unicodetokenizer "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
	"golang.org/x/text/unicode/norm"

	"github.com/ensemble-be/ensemble/record"
)

// schemaVersion changes whenever the mapping or the document changes: an index built
// with another version is refused by Open (ErrOutdated) and must be rebuilt.
const schemaVersion = "3" // 2: flags; 3: stored facts for the filter table, no title_sort

// docType is the bleve type of every document; see document.BleveType.
const docType = "record"

// languages are the languages with their own analyzed fields (title_xx, text_xx),
// named as bleve names their analyzers. Records in any other language are searched
// through the folded field only.
var languages = []string{"fr", "nl", "de", "en"}

// Field names. Text fields are analyzed; keyword fields hold exact vocabulary ids.
const (
	fieldAll        = "all"   // title and body, every language, folded, not stemmed
	fieldFacts      = "facts" // stored only: the record's row of the filter table (table.go)
	fieldID         = "id"
	fieldKind       = "kind"
	fieldStatus     = "status"
	fieldSource     = "source"
	fieldLanguage   = "language"
	fieldAudiences  = "audiences"
	fieldTopics     = "topics"
	fieldAttendance = "attendance"
	fieldRegion     = "region"
	fieldPostcode   = "postcode"
	fieldFlags      = "flags"
)

func titleField(lang string) string { return "title_" + lang }
func textField(lang string) string  { return "text_" + lang }

// foldAnalyzer is the analyzer of the cross-language field: unicode words, lower
// case, French elision (l'anxiété → anxiété), then diacritics removed.
const foldAnalyzer = "ensemble_folded"

// foldFilterName names the diacritics-folding token filter in bleve's registry.
const foldFilterName = "ensemble_fold"

// bleve builds analyzers from its process-wide registry, by name, also when it opens
// an existing index; registering at init is the only way to have the filter there
// before any index is opened, and it is how bleve's own analyzers register.
func init() {
	err := registry.RegisterTokenFilter(foldFilterName,
		func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) { return foldFilter{}, nil })
	if err != nil {
		panic("index: " + err.Error())
	}
}

// foldFilter removes diacritics from each token (NFD, then combining marks dropped)
// and spells out ligatures: "dépression" → "depression", "cœur" → "coeur". It is a
// token filter, not a char filter, so token offsets stay those of the source text.
type foldFilter struct{}

func (foldFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, t := range input {
		t.Term = fold(t.Term)
	}
	return input
}

func fold(term []byte) []byte {
	ascii := true
	for _, c := range term {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return term
	}
	out := make([]byte, 0, len(term))
	for _, r := range string(norm.NFD.Bytes(term)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'œ':
			out = append(out, "oe"...)
		case r == 'æ':
			out = append(out, "ae"...)
		case r == 'ß':
			out = append(out, "ss"...)
		case r == '’':
			out = append(out, '\'')
		default:
			out = utf8.AppendRune(out, r)
		}
	}
	return out
}

// newMapping is the explicit, lean mapping: no dynamic fields, no _all composite,
// term positions only in the field phrase queries run on, no doc values, and one
// stored field: the facts of the filter table, read back when the index opens.
func newMapping() (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	im.ScoringModel = "bm25"
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	im.DefaultMapping = bleve.NewDocumentDisabledMapping()
	err := im.AddCustomAnalyzer(foldAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicodetokenizer.Name,
		"token_filters": []any{lowercase.Name, fr.ElisionName, foldFilterName},
	})
	if err != nil {
		return nil, err
	}

	dm := bleve.NewDocumentStaticMapping()
	dm.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	text := func(analyzer string, positions bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeTermVectors = positions
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	for _, lang := range languages {
		dm.AddFieldMappingsAt(titleField(lang), text(lang, false))
		dm.AddFieldMappingsAt(textField(lang), text(lang, false))
	}
	dm.AddFieldMappingsAt(fieldAll, text(foldAnalyzer, true)) // phrases need positions
	for _, name := range []string{fieldID, fieldKind, fieldStatus, fieldSource, fieldLanguage,
		fieldAudiences, fieldTopics, fieldAttendance, fieldRegion, fieldPostcode, fieldFlags} {
		dm.AddFieldMappingsAt(name, text(keyword.Name, false))
	}
	stored := bleve.NewTextFieldMapping()
	stored.Index, stored.Store, stored.DocValues, stored.IncludeInAll = false, true, false, false
	dm.AddFieldMappingsAt(fieldFacts, stored)

	im.AddDocumentMapping(docType, dm)
	im.DefaultType = docType
	return im, im.Validate()
}

// document is what the index holds of a record: the searchable text, split by
// language, and the ids filters use. The store keeps everything else.
type document struct {
	ID         string   `json:"id"`
	Kind       string   `json:"kind"`
	Status     string   `json:"status"`
	Source     string   `json:"source"`
	Language   string   `json:"language"`
	Audiences  []string `json:"audiences"`
	Topics     []string `json:"topics"`
	Attendance string   `json:"attendance"`
	Region     string   `json:"region"`
	Postcode   string   `json:"postcode"`
	Flags      []string `json:"flags"` // flag codes
	Facts      string   `json:"facts"`
	All        string   `json:"all"`
	TitleFR    string   `json:"title_fr"`
	TextFR     string   `json:"text_fr"`
	TitleNL    string   `json:"title_nl"`
	TextNL     string   `json:"text_nl"`
	TitleDE    string   `json:"title_de"`
	TextDE     string   `json:"text_de"`
	TitleEN    string   `json:"title_en"`
	TextEN     string   `json:"text_en"`
}

// BleveType tells bleve which document mapping applies (it would otherwise look for
// a "_type" field and fall back to the disabled default mapping).
func (document) BleveType() string { return docType }

func newDocument(r record.Record, f facts) (document, error) {
	stored, err := json.Marshal(f)
	if err != nil {
		return document{}, fmt.Errorf("record %s: facts: %w", r.ID, err)
	}
	body := joinNonEmpty(r.Description, r.Organization.Name, r.Location.Name, r.Location.City,
		strings.ReplaceAll(r.Kind, "-", " "))
	d := document{
		ID:         r.ID,
		Kind:       r.Kind,
		Status:     string(r.Status),
		Source:     r.Source,
		Language:   r.Language,
		Audiences:  r.Audiences,
		Topics:     r.Topics,
		Attendance: r.Attendance,
		Region:     r.Location.Region,
		Postcode:   r.Location.Postcode,
		Flags:      flagCodes(r.Flags),
		Facts:      string(stored),
		All:        joinNonEmpty(r.Title, body),
	}
	switch r.Language {
	case "fr":
		d.TitleFR, d.TextFR = r.Title, body
	case "nl":
		d.TitleNL, d.TextNL = r.Title, body
	case "de":
		d.TitleDE, d.TextDE = r.Title, body
	case "en":
		d.TitleEN, d.TextEN = r.Title, body
	}
	return d, nil
}

// flagCodes lists the distinct codes of flags.
func flagCodes(flags []record.Flag) []string {
	var codes []string
	for _, f := range flags {
		if !slices.Contains(codes, f.Code) {
			codes = append(codes, f.Code)
		}
	}
	return codes
}

// joinNonEmpty joins the non-empty values, one per line.
func joinNonEmpty(values ...string) string {
	var parts []string
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, "\n")
}
