package record

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	xhtml "golang.org/x/net/html"
)

// blockTags end a line of text when HTML is turned into text.
var blockTags = map[string]bool{
	"p": true, "br": true, "div": true, "li": true, "ul": true, "ol": true, "tr": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "section": true,
	"article": true, "blockquote": true, "table": true, "dd": true, "dt": true,
}

// CleanText turns text that may hold HTML (tags, entities) into plain text: scripts
// and styles dropped, paragraphs kept as single newlines, runs of spaces collapsed.
func CleanText(s string) string {
	if s == "" {
		return ""
	}
	if !strings.ContainsAny(s, "<&") {
		return collapseSpaces(s)
	}
	// "<https://…>" is a Markdown autolink, not a tag: keep the address.
	s = autolink.ReplaceAllString(s, "$1")
	var b strings.Builder
	z := xhtml.NewTokenizer(strings.NewReader(s))
	skip := 0 // inside <script> or <style>
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return collapseSpaces(b.String())
		case xhtml.TextToken:
			if skip == 0 {
				b.Write(z.Text()) // the tokenizer has already unescaped entities
			}
		case xhtml.StartTagToken, xhtml.EndTagToken, xhtml.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if tag == "script" || tag == "style" {
				if z.Token().Type == xhtml.StartTagToken {
					skip++
				} else if skip > 0 {
					skip--
				}
				continue
			}
			if blockTags[tag] {
				b.WriteByte('\n')
			}
		}
	}
}

var autolink = regexp.MustCompile(`<(https?://[^\s<>]+)>`)

// collapseSpaces trims s, collapses runs of blanks within a line to one space and runs
// of blank lines to a single newline.
func collapseSpaces(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space, newline := false, false
	for _, c := range s {
		switch {
		case c == '\n' || c == '\r' || c == '\u2028' || c == '\u2029':
			newline = true
		case unicode.IsSpace(c) || c == '\u00a0' || unicode.Is(unicode.Cf, c):
			space = true
		default:
			if b.Len() > 0 {
				if newline {
					b.WriteByte('\n')
				} else if space {
					b.WriteByte(' ')
				}
			}
			space, newline = false, false
			b.WriteRune(c)
		}
	}
	return b.String()
}

// foldText lower-cases s and removes its diacritics, expanding the ligatures and
// letters NFD leaves whole ("Liège" → "liege", "Œuvre" → "oeuvre", "Straße" →
// "strasse"). Every matcher of names and words in this package compares folded text.
func foldText(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, c := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, c):
		case c == 'œ':
			b.WriteString("oe")
		case c == 'æ':
			b.WriteString("ae")
		case c == 'ß':
			b.WriteString("ss")
		case c == 'ø':
			b.WriteByte('o')
		case c == 'ł':
			b.WriteByte('l')
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}
