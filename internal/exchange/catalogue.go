package exchange

import (
	"net/http"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/problem"
)

type categoryDoc struct {
	Code    string         `json:"code"`
	Clause  string         `json:"clause"`
	Title   i18n.Text      `json:"title"`
	Class   category.Class `json:"class"`
	Senders []string       `json:"senders"`
	Schema  map[string]any `json:"schema"`
}

// Catalogue serves the catalogue of the electronic profile: every category
// with its JSON Schema and valid examples. It is public: the main server
// serves it too.
func Catalogue(w http.ResponseWriter, r *http.Request) {
	docs := make([]categoryDoc, 0, len(category.All()))
	for _, c := range category.All() {
		docs = append(docs, categoryDoc{Code: c.Code, Clause: c.Clause, Title: c.Title, Class: c.Class, Senders: c.Senders, Schema: c.Schema()})
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	problem.JSON(w, http.StatusOK, map[string]any{"categories": docs})
}

func (h *Handler) categories(w http.ResponseWriter, r *http.Request) { Catalogue(w, r) }
