package sources

import "errors"

// parseJSON is not written yet.
func parseJSON(o JSONOptions, body []byte, pageURL string) (Page, error) {
	return Page{}, errors.New("not supported yet")
}
