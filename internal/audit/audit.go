// Package audit describes the Data Bank's audit log: who did what to whose
// data, each entry chained to the one before it by a hash, so that an
// entry changed, inserted or deleted afterwards is detected.
package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"
)

// Actor is who acts: a participant's system, a person, or the Data Bank
// itself.
type Actor struct {
	Kind string `json:"kind"`           // participant | person | system
	ID   string `json:"id"`             // participant code, person's FIN, or job name
	Org  string `json:"org,omitempty"`  // the organisation a person acts for
	Role string `json:"role,omitempty"` // the person's role
}

// The kinds of actor.
const (
	Participant = "participant"
	Person      = "person"
	System      = "system"
)

// SystemActor is the Data Bank acting on its own, as a named job or tool.
func SystemActor(name string) Actor { return Actor{Kind: System, ID: name} }

// Entry is one line of the audit log.
type Entry struct {
	Seq      int64
	At       time.Time
	Actor    Actor
	Action   string // e.g. fact.accept, profile.read, child.merge
	ChildID  int64  // 0 when no child is concerned
	Category string
	Outcome  string // e.g. accepted, unchanged, rejected, denied
	Detail   string // JSON with what else identifies the act: batch, source id, purpose
	PrevHash string
	Hash     string
}

// Genesis is the hash the first entry chains to.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// ComputeHash returns the hash of the entry chained to prev: SHA-256 over
// prev and every field, each length-prefixed so that no two different
// entries encode alike.
func (e *Entry) ComputeHash(prev string) string {
	h := sha256.New()
	var buf [8]byte
	field := func(s string) {
		binary.BigEndian.PutUint64(buf[:], uint64(len(s)))
		h.Write(buf[:])
		h.Write([]byte(s))
	}
	num := func(n int64) {
		binary.BigEndian.PutUint64(buf[:], uint64(n))
		h.Write(buf[:])
	}
	field(prev)
	num(e.Seq)
	num(e.At.UnixMicro())
	field(e.Actor.Kind)
	field(e.Actor.ID)
	field(e.Actor.Org)
	field(e.Actor.Role)
	field(e.Action)
	num(e.ChildID)
	field(e.Category)
	field(e.Outcome)
	field(e.Detail)
	return hex.EncodeToString(h.Sum(nil))
}

// Verifier checks a log entry by entry, in order of sequence.
type Verifier struct {
	prevSeq  int64
	prevHash string
	Count    int64
}

// NewVerifier starts a verification at the beginning of the log.
func NewVerifier() *Verifier { return &Verifier{prevHash: Genesis} }

// Next checks the next entry: its sequence follows the previous one (no
// entry deleted or inserted), it chains to the previous hash, and its own
// hash matches its content (not edited).
func (v *Verifier) Next(e *Entry) error {
	switch {
	case e.Seq != v.prevSeq+1:
		return fmt.Errorf("audit entry %d follows entry %d: entries are missing or were inserted", e.Seq, v.prevSeq)
	case e.PrevHash != v.prevHash:
		return fmt.Errorf("audit entry %d does not chain to entry %d: an entry was deleted, inserted or changed", e.Seq, v.prevSeq)
	case e.ComputeHash(e.PrevHash) != e.Hash:
		return fmt.Errorf("audit entry %d was changed after it was written", e.Seq)
	}
	v.prevSeq, v.prevHash = e.Seq, e.Hash
	v.Count++
	return nil
}

// End checks that the log ends where its head says it does, so that
// entries deleted from the end are caught too.
func (v *Verifier) End(headSeq int64, headHash string) error {
	if v.prevSeq != headSeq || v.prevHash != headHash {
		return fmt.Errorf("the audit log ends at entry %d but its head records entry %d: entries were deleted from the end", v.prevSeq, headSeq)
	}
	return nil
}
