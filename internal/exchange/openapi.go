package exchange

import (
	_ "embed"
	"net/http"
)

// openAPIDoc is the OpenAPI 3.1 description of the exchange API; a test
// checks it against the route table.
//
//go:embed openapi.json
var openAPIDoc []byte

// OpenAPI returns the OpenAPI description.
func OpenAPI() []byte { return openAPIDoc }

// ServeOpenAPI serves the OpenAPI description; it is public, and the main
// server serves it too.
func ServeOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPIDoc)
}

func (h *Handler) openAPI(w http.ResponseWriter, r *http.Request) { ServeOpenAPI(w, r) }
