package sources

import "errors"

// parseICal is not written yet.
func parseICal(body []byte, pageURL string) (Page, error) {
	return Page{}, errors.New("not supported yet")
}
