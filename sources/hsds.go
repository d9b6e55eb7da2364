package sources

import "errors"

// parseHSDS is not written yet.
func parseHSDS(body []byte, pageURL string) (Page, error) {
	return Page{}, errors.New("not supported yet")
}
