package sources

import "errors"

// parseFeed is not written yet.
func parseFeed(kind Kind, body []byte, pageURL string) (Page, error) {
	return Page{}, errors.New("not supported yet")
}
