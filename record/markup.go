package record

import (
	"html"
	"regexp"
	"strings"
)

// markupPatterns find markup that cleaning should have removed. Each is narrow on
// purpose: prose has "<", "&", "*" and brackets too ("a < b", "<3", "Parents &
// proches", "[sic]", PersonPlaceholder), so only forms that no sentence uses count.
var markupPatterns = []*regexp.Regexp{
	// An HTML tag of a known element: <p>, <br/>, </div>, <a href="…">, <o:p>.
	regexp.MustCompile(`(?i)</?(?:a|abbr|address|article|aside|b|big|blockquote|body|br|button|caption|center|cite|code|col|dd|del|details|div|dl|dt|em|figcaption|figure|font|footer|form|h[1-6]|head|header|hr|html|i|iframe|img|input|ins|label|li|link|main|mark|meta|nav|noscript|o:p|ol|option|p|picture|pre|q|s|script|section|select|small|source|span|strike|strong|style|sub|summary|sup|svg|table|tbody|td|textarea|tfoot|th|thead|time|title|tr|u|ul|video|wbr)(?:\s[^<>]*)?/?>`),
	// An HTML comment or a CDATA section.
	regexp.MustCompile(`<!--|<!\[CDATA\[`),
	// An autolink: <https://…>, <mailto:…>.
	regexp.MustCompile(`(?i)<(?:https?://|mailto:|www\.)[^\s<>]*>`),
	// A Markdown link or image: [text](url), ![alt](url).
	regexp.MustCompile(`!?\[[^\[\]\n]+\]\([^\s()]+(?:\s+"[^"]*")?\)`),
	// Markdown strong emphasis: **bold**, __bold__.
	regexp.MustCompile(`\*\*[^*\s](?:[^*\n]*[^*\s])?\*\*|(?:^|[^\p{L}\p{N}_])__[^_\s](?:[^_\n]*[^_\s])?__`),
	// Markdown emphasis: *word* or _word_ opening after a space and closing before
	// one ("ses cycles d'*Intervisions*."), not a lone footnote star.
	regexp.MustCompile(`(?:^|[\s(«"'’])\*[^*\s](?:[^*\n]{0,80}[^*\s])?\*(?:$|[\s.,;:!?)»"'])|(?:^|[\s(«"])_[^_\s](?:[^_\n]{0,80}[^_\s])?_(?:$|[\s.,;:!?)»"])`),
	// A Markdown heading: "## Title" at the start of a line.
	regexp.MustCompile(`(?m)^#{1,6}[ \t]+\S`),
	// A WordPress, Divi or Visual Composer shortcode: [caption id="…"], [/caption],
	// [vc_row], [et_pb_section …].
	regexp.MustCompile(`(?i)\[/?(?:caption|gallery|embed|video|audio|playlist|contact-form-7|wpforms|gravityforms?|ninja_forms?|button|row|column|col|toggle|tabs?|accordion|(?:vc|et_pb|su|fusion|av|mk|cs|tm|rev)_[a-z0-9_]+)(?:\s[^\[\]]*)?/?\]|\[[a-z][a-z0-9_-]*(?:\s+[a-z_-]+="[^"]*")+\s*/?\]`),
}

// markupEntity matches what may be an HTML character reference; HasMarkup checks
// that it is one.
var markupEntity = regexp.MustCompile(`&(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[a-zA-Z][a-zA-Z0-9]{1,31};|(?:nbsp|amp|quot|lt|gt|eacute|egrave|agrave|ccedil)\b)`)

// HasMarkup reports whether text still holds markup: an HTML tag (<p>, <br/>,
// </div>, <a href=…>) or comment, an HTML character reference (&amp; &nbsp; &#39;
// &eacute;), Markdown links, emphasis or headings ([text](url), **bold**, *word*,
// <https://…>, "## Title"), or a WordPress-style shortcode ([caption …]). Prose
// that merely uses "<", "&", "*" or brackets ("a < b", "<3", "Parents & proches",
// "[sic]", "[…]") has none. Normalization uses it to flag "markup_left".
func HasMarkup(text string) bool {
	if !strings.ContainsAny(text, "<&*_[#") {
		return false
	}
	if strings.Contains(text, "&") {
		for _, m := range markupEntity.FindAllString(text, -1) {
			if html.UnescapeString(m) != m {
				return true
			}
		}
	}
	for _, re := range markupPatterns {
		if re.MatchString(text) {
			return true
		}
	}
	return false
}
