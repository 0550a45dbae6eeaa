package exchange

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/problem"
	"github.com/scfwca/databank/internal/store"
)

// The feed's paging and long-polling.
const (
	feedDefaultLimit = 100
	feedMaxLimit     = 1000
	feedDefaultWait  = 25 * time.Second
	feedMaxWait      = 50 * time.Second // below the request timeout, so a long poll ends with an answer
	feedPoll         = 250 * time.Millisecond
)

// FeedResponse is a page of a participant's feed.
type FeedResponse struct {
	Changes []store.Change `json:"changes"`
	// Next is the cursor to ask after next time.
	Next int64 `json:"next"`
}

// feed answers with the changes after a cursor that concern the
// participant, waiting up to ?wait=SECONDS (default 25) when there are
// none yet.
func (h *Handler) feed(w http.ResponseWriter, r *http.Request, c *caller) {
	q := r.URL.Query()
	after, err1 := parseInt(q.Get("after"), 0)
	limit, err2 := parseInt(q.Get("limit"), feedDefaultLimit)
	wait, err3 := parseInt(q.Get("wait"), int64(feedDefaultWait/time.Second))
	if err1 != nil || err2 != nil || err3 != nil || after < 0 || limit < 1 || limit > feedMaxLimit || wait < 0 {
		h.refuse(w, r, c, &refusal{status: http.StatusUnprocessableEntity, code: "feed_parameters",
			detail: "after is a cursor ≥ 0, limit 1–1000, wait seconds ≥ 0"})
		return
	}
	deadline := time.Now().Add(min(time.Duration(wait)*time.Second, feedMaxWait))
	for {
		changes, err := h.store.Feed(r.Context(), c.p.Code, c.p.Read, after, int(limit))
		if err != nil {
			h.refuse(w, r, c, err)
			return
		}
		if len(changes) > 0 || !time.Now().Before(deadline) {
			next := after
			if len(changes) > 0 {
				next = changes[len(changes)-1].Cursor
				detail, _ := json.Marshal(map[string]int64{"after": after, "next": next, "changes": int64(len(changes))})
				if err := h.store.Audit(r.Context(), audit.Entry{Actor: c.actor, Action: "exchange.feed", Outcome: "read", Detail: string(detail)}); err != nil {
					h.refuse(w, r, c, err)
					return
				}
			}
			problem.JSON(w, http.StatusOK, FeedResponse{Changes: changes, Next: next})
			return
		}
		select {
		case <-r.Context().Done():
			problem.JSON(w, http.StatusOK, FeedResponse{Changes: changes, Next: after})
			return
		case <-time.After(feedPoll):
		}
	}
}

func parseInt(s string, def int64) (int64, error) {
	if s == "" {
		return def, nil
	}
	return strconv.ParseInt(s, 10, 64)
}

// NoticesResponse is a page of a participant's correspondence notices.
type NoticesResponse struct {
	Notices []store.Notice `json:"notices"`
	// Next is the cursor to ask after next time.
	Next int64 `json:"next"`
}

// notices answers with the participant's correspondence notices after a
// cursor: new threads it is a member of, messages, mentions, reminders and
// overdue answers. The threads themselves are read in the e-cabinet.
func (h *Handler) notices(w http.ResponseWriter, r *http.Request, c *caller) {
	q := r.URL.Query()
	after, err1 := parseInt(q.Get("after"), 0)
	limit, err2 := parseInt(q.Get("limit"), feedDefaultLimit)
	if err1 != nil || err2 != nil || after < 0 || limit < 1 || limit > feedMaxLimit {
		h.refuse(w, r, c, &refusal{status: http.StatusUnprocessableEntity, code: "notices_parameters",
			detail: "after is a cursor ≥ 0, limit 1–1000"})
		return
	}
	ns, err := h.store.Notices(r.Context(), c.p.Code, after, int(limit))
	if err != nil {
		h.refuse(w, r, c, err)
		return
	}
	next := after
	if len(ns) > 0 {
		next = ns[len(ns)-1].ID
	}
	problem.JSON(w, http.StatusOK, NoticesResponse{Notices: ns, Next: next})
}
