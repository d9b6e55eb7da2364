package opendata

// The Frictionless Data Package vocabulary (https://specs.frictionlessdata.io/) that
// the snapshot's and the HSDS package's datapackage.json are written in.

type dpField struct {
	Name        string          `json:"name"`
	Type        string          `json:"type"`
	Format      string          `json:"format,omitempty"`
	Description string          `json:"description,omitempty"`
	Constraints map[string]bool `json:"constraints,omitempty"`
}

type dpReference struct {
	Resource string `json:"resource"`
	Fields   string `json:"fields"`
}

type dpForeignKey struct {
	Fields    string      `json:"fields"`
	Reference dpReference `json:"reference"`
}

type dpSchema struct {
	Fields        []dpField      `json:"fields"`
	PrimaryKey    string         `json:"primaryKey,omitempty"`
	ForeignKeys   []dpForeignKey `json:"foreignKeys,omitempty"`
	MissingValues []string       `json:"missingValues,omitempty"`
}

type dpDialect struct {
	Delimiter      string `json:"delimiter"`
	LineTerminator string `json:"lineTerminator"`
}

type dpResource struct {
	Name        string     `json:"name"`
	Path        string     `json:"path"`
	Title       string     `json:"title,omitempty"`
	Description string     `json:"description"`
	Profile     string     `json:"profile,omitempty"`
	Format      string     `json:"format"`
	Mediatype   string     `json:"mediatype"`
	Encoding    string     `json:"encoding"`
	Compression string     `json:"compression,omitempty"`
	Dialect     *dpDialect `json:"dialect,omitempty"`
	Schema      *dpSchema  `json:"schema,omitempty"`
}

type dpSource struct {
	Title string `json:"title"`
	Path  string `json:"path,omitempty"`
}
