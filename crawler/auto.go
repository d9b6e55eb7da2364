package crawler

import (
	"fmt"

	"github.com/ensemble-be/ensemble/sources"
)

// detect reads the kind of an "auto" source from its first document and returns the
// definition to read it with (def with that kind) and the run's DetectedKind, "kind
// (reason)". It fails when nothing is recognized, or when the kind needs options
// (selectors, columns, paths) the definition does not give.
func detect(def sources.Definition, doc document) (sources.Definition, string, error) {
	kind, reason := sources.Detect(doc.contentType, doc.body, doc.url)
	if kind == "" || kind == sources.KindAuto {
		return def, "", fmt.Errorf("auto: kind of %s %s", doc.url, reason)
	}
	detected := fmt.Sprintf("%s (%s)", kind, reason)
	var missing bool
	switch kind {
	case sources.KindHTML:
		missing = def.HTML == nil
	case sources.KindCSV:
		missing = def.CSV == nil
	case sources.KindJSON:
		missing = def.JSON == nil
	}
	if missing {
		return def, detected, fmt.Errorf("auto: detected %s: add %s", kind, optionsHint[kind])
	}
	def.Kind = kind
	return def, detected, nil
}

// optionsHint says what the options of a kind that needs them map.
var optionsHint = map[sources.Kind]string{
	sources.KindHTML: "html options with selectors",
	sources.KindCSV:  "csv options with columns",
	sources.KindJSON: "json options with paths",
}
