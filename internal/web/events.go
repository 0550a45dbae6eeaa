package web

import (
	"fmt"
	"github.com/scfwca/databank/internal/correspond"
	"net/http"
	"strconv"
	"time"
)

// Events is the Server-Sent Events stream of the viewer's threads: first
// the messages after the one the browser last saw (the Last-Event-ID it
// sends when it reconnects, or ?after=), then each new message as it is
// stored, on any server, each once and only if the one access policy lets
// the viewer see its thread. The stream ends when the server shuts down
// or the person falls too far behind; the browser then reconnects.
func (h *Handler) Events(w http.ResponseWriter, r *http.Request, v *Viewer) {
	if err := Stream(w, r, h.threads, author(v)); err != nil {
		h.Fail(w, r, v, err)
	}
}

// Stream serves the Server-Sent Events stream of a person's threads (see
// Events). It returns an error only when the stream could not start.
func Stream(w http.ResponseWriter, r *http.Request, threads *correspond.Service, a correspond.Author) error {
	after, _ := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64)
	if after == 0 {
		after, _ = strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	}
	missed, sub, err := threads.Follow(r.Context(), a, after)
	if err != nil {
		return err
	}
	defer sub.Close()
	may := threads.May(a)
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Time{})
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")
	// What was sent, by id: the catch-up and the live deliveries overlap,
	// and on PostgreSQL messages committed at the same moment may arrive
	// out of order, so the ids seen are remembered, not only the largest.
	sent := map[int64]bool{}
	for _, d := range missed {
		if may(d) {
			fmt.Fprintf(w, "id: %d\nevent: message\ndata: %s\n\n", d.ID, d.JSON)
		}
		sent[d.ID] = true
	}
	if err := rc.Flush(); err != nil {
		return nil
	}
	ping := time.NewTicker(20 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-threads.Closing():
			return nil
		case <-ping.C:
			fmt.Fprint(w, ": ping\n\n")
		case d, ok := <-sub.C:
			if !ok {
				return nil // fell behind: the browser reconnects and catches up
			}
			if d.ID <= after || sent[d.ID] || !may(d) {
				continue
			}
			fmt.Fprintf(w, "id: %d\nevent: message\ndata: %s\n\n", d.ID, d.JSON)
			if len(sent) > 10000 {
				clear(sent)
			}
			sent[d.ID] = true
		}
		if err := rc.Flush(); err != nil {
			return nil
		}
	}
}
