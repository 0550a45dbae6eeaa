package store

import (
	"slices"
	"sync"
	"time"

	"github.com/scfwca/databank/internal/participant"
)

// participantTTL is how long a participant, or the participant a
// certificate subject is bound to, is taken from memory. The exchange
// looks both up on every request: three statements, each a read
// transaction of its own that, with the registry writing all the time,
// starts from a dropped page cache — a sixth of the server's work per
// profile read. A change made through this store empties the memory at
// once; one made by another process on the same database (the
// `databank participant` commands, another server on PostgreSQL) is seen
// within the TTL.
const participantTTL = 2 * time.Second

// participantCache remembers participants and certificate bindings as
// last read. Its generation counts the changes made through the store: a
// reading that began under an older generation is not remembered, so a
// participant read before a change and stored after it never outlives
// the change.
type participantCache struct {
	ttl       time.Duration // participantTTL when zero; tests shorten it
	mu        sync.Mutex
	gen       uint64
	byCode    map[string]remembered[participant.Participant]
	bySubject map[string]remembered[string] // the participant's code
}

// remembered is a value as read at a time.
type remembered[V any] struct {
	v  V
	at time.Time
}

// generation returns the count of changes so far, to hand back to a put.
func (c *participantCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// changed forgets everything; the store calls it after each change to
// participants, their rights or the bindings, once committed.
func (c *participantCache) changed() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.byCode, c.bySubject = nil, nil
}

// participant returns a copy of a remembered participant, if fresh.
func (c *participantCache) participant(code string) (*participant.Participant, bool) {
	p, ok := recall(c, &c.byCode, code)
	if !ok {
		return nil, false
	}
	return cloneParticipant(&p), true
}

func (c *participantCache) putParticipant(gen uint64, p *participant.Participant, at time.Time) {
	remember(c, &c.byCode, gen, p.Code, *cloneParticipant(p), at)
}

// binding returns the participant a subject was bound to, if fresh.
func (c *participantCache) binding(subject string) (string, bool) {
	return recall(c, &c.bySubject, subject)
}

func (c *participantCache) putBinding(gen uint64, subject, code string, at time.Time) {
	remember(c, &c.bySubject, gen, subject, code, at)
}

// recall returns the value remembered under key in one of c's maps, if it
// is younger than the TTL.
func recall[V any](c *participantCache, m *map[string]remembered[V], key string) (V, bool) {
	c.mu.Lock()
	e, ok := (*m)[key]
	c.mu.Unlock()
	ttl := c.ttl
	if ttl == 0 {
		ttl = participantTTL
	}
	if !ok || time.Since(e.at) >= ttl {
		var zero V
		return zero, false
	}
	return e.v, true
}

// remember keeps v under key in one of c's maps, read at the given time,
// unless the store changed participants since gen.
func remember[V any](c *participantCache, m *map[string]remembered[V], gen uint64, key string, v V, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if *m == nil {
		*m = map[string]remembered[V]{}
	}
	(*m)[key] = remembered[V]{v, at}
}

// cloneParticipant copies p with its own slices, so that no caller's
// change reaches the memory or another caller.
func cloneParticipant(p *participant.Participant) *participant.Participant {
	q := *p
	q.Send, q.Read = slices.Clone(p.Send), slices.Clone(p.Read)
	return &q
}
