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
	byCode    map[string]cachedParticipant
	bySubject map[string]cachedBinding
}

type cachedParticipant struct {
	p  participant.Participant
	at time.Time
}

type cachedBinding struct {
	code string
	at   time.Time
}

// generation returns the count of changes so far, to hand back to put.
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

func (c *participantCache) fresh(at time.Time) bool {
	ttl := c.ttl
	if ttl == 0 {
		ttl = participantTTL
	}
	return time.Since(at) < ttl
}

// participant returns a copy of a remembered participant, if fresh.
func (c *participantCache) participant(code string) (*participant.Participant, bool) {
	c.mu.Lock()
	e, ok := c.byCode[code]
	c.mu.Unlock()
	if !ok || !c.fresh(e.at) {
		return nil, false
	}
	return cloneParticipant(&e.p), true
}

func (c *participantCache) putParticipant(gen uint64, p *participant.Participant, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.byCode == nil {
		c.byCode = map[string]cachedParticipant{}
	}
	c.byCode[p.Code] = cachedParticipant{*cloneParticipant(p), at}
}

// binding returns the participant a subject was bound to, if fresh.
func (c *participantCache) binding(subject string) (string, bool) {
	c.mu.Lock()
	e, ok := c.bySubject[subject]
	c.mu.Unlock()
	if !ok || !c.fresh(e.at) {
		return "", false
	}
	return e.code, true
}

func (c *participantCache) putBinding(gen uint64, subject, code string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.bySubject == nil {
		c.bySubject = map[string]cachedBinding{}
	}
	c.bySubject[subject] = cachedBinding{code, at}
}

// cloneParticipant copies p with its own slices, so that no caller's
// change reaches the memory or another caller.
func cloneParticipant(p *participant.Participant) *participant.Participant {
	q := *p
	q.Send, q.Read = slices.Clone(p.Send), slices.Clone(p.Read)
	return &q
}
