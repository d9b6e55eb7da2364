package crawler

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
)

var (
	utf8BOM     = []byte{0xEF, 0xBB, 0xBF}
	utf16BEBOM  = []byte{0xFE, 0xFF}
	utf16LEBOM  = []byte{0xFF, 0xFE}
	replacement = []byte("\uFFFD")
)

// decodeText returns an HTML or JSON document as UTF-8, without a byte order mark.
//
// A UTF-16 byte order mark decides. Otherwise a body that is valid UTF-8 is UTF-8
// whatever it declares: a Latin-1 text is almost never valid UTF-8 once it holds an
// accented letter, while servers that label UTF-8 pages ISO-8859-1 are common. Any
// other body is read in the charset of the Content-Type header, else of a <meta>
// tag in its first 1024 bytes, else windows-1252 (which browsers use for
// ISO-8859-1, and the usual charset of older Belgian sites).
func decodeText(body []byte, contentType string) []byte {
	if rest, ok := bytes.CutPrefix(body, utf8BOM); ok {
		return bytes.ToValidUTF8(rest, replacement)
	}
	if !bytes.HasPrefix(body, utf16BEBOM) && !bytes.HasPrefix(body, utf16LEBOM) && utf8.Valid(body) {
		return body
	}
	enc, name, _ := charset.DetermineEncoding(body, contentType)
	if name == "utf-8" {
		return bytes.ToValidUTF8(body, replacement)
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return bytes.ToValidUTF8(body, replacement)
	}
	return bytes.TrimPrefix(out, utf8BOM)
}
