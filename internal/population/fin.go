package population

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"strconv"
)

// Identifiers are drawn from counters through seeded bijections, never at
// random: two people can then never share a FİN, and two documents never
// share a number, however large the population.

// finAlphabet is the FİN alphabet: the digits and the Latin capitals
// without I and O (`^[A-HJ-NP-Z0-9]{7}$`), 34 symbols.
const finAlphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"

const (
	finBase  = uint64(len(finAlphabet))
	finSpace = finBase * finBase * finBase * finBase * finBase * finBase * finBase // 34^7 = 2^7 · 17^7
)

// finPerm is a seeded permutation of the 34^7 FİN space: an affine map,
// a per-position substitution of the digits chained through the previous
// digit, and a second affine map. Each step is a bijection, so distinct
// counters give distinct FİNs.
type finPerm struct {
	a1, b1, a2, b2 uint64
	subst          [7][finBase]byte
}

func newFINPerm(r *rand.Rand) *finPerm {
	p := &finPerm{a1: coprimeMultiplier(r), b1: r.Uint64N(finSpace), a2: coprimeMultiplier(r), b2: r.Uint64N(finSpace)}
	for i := range p.subst {
		for j := range p.subst[i] {
			p.subst[i][j] = byte(j)
		}
		r.Shuffle(int(finBase), func(a, b int) { p.subst[i][a], p.subst[i][b] = p.subst[i][b], p.subst[i][a] })
	}
	return p
}

// coprimeMultiplier returns a multiplier prime to 34^7: odd and not a
// multiple of 17.
func coprimeMultiplier(r *rand.Rand) uint64 {
	for {
		a := finSpace/3 + r.Uint64N(finSpace/3)
		if a%2 != 0 && a%17 != 0 {
			return a
		}
	}
}

// affine returns (a·x + b) mod 34^7 without overflow.
func affine(a, x, b uint64) uint64 {
	hi, lo := bits.Mul64(a, x)
	return (bits.Rem64(hi, lo, finSpace) + b) % finSpace
}

// fin returns the n-th FİN of the permutation.
func (p *finPerm) fin(n uint64) string {
	x := affine(p.a1, n%finSpace, p.b1)
	var d [7]byte
	for i := 6; i >= 0; i-- {
		d[i] = byte(x % finBase)
		x /= finBase
	}
	prev := byte(0)
	for i := range d {
		d[i] = p.subst[i][(d[i]+prev)%byte(finBase)]
		prev = d[i]
	}
	x = 0
	for _, v := range d {
		x = x*finBase + uint64(v)
	}
	x = affine(p.a2, x, p.b2)
	var out [7]byte
	for i := 6; i >= 0; i-- {
		out[i] = finAlphabet[x%finBase]
		x /= finBase
	}
	return string(out[:])
}

// numbering hands out unique document numbers: a counter mapped through
// an affine bijection of [0, size) (mult prime to size) and printed with a
// fixed number of digits.
type numbering struct {
	next, size, mult, add uint64
}

func newNumbering(r *rand.Rand, size uint64) numbering {
	n := numbering{size: size, add: r.Uint64N(size)}
	for {
		n.mult = size/4 + r.Uint64N(size/2)
		if gcd(n.mult, size) == 1 {
			return n
		}
	}
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// take returns the block (how many times the range wrapped) and the
// permuted number within it.
func (n *numbering) take() (block, num uint64) {
	c := n.next
	n.next++
	return c / n.size, (c%n.size*n.mult + n.add) % n.size
}

// idents are the generator's identifier sources.
type idents struct {
	fins                                    *finPerm
	finCount                                uint64
	certs, idCards, permits, refugees, docs numbering
}

func newIdents(seed int64) *idents {
	r := rand.New(rand.NewPCG(uint64(seed), 0x5eed_f1a5_1d5_0001))
	return &idents{
		fins:     newFINPerm(r),
		certs:    newNumbering(r, certSeries*900_000),
		idCards:  newNumbering(r, 10_000_000),
		permits:  newNumbering(r, 10_000_000),
		refugees: newNumbering(r, 10_000_000),
		docs:     newNumbering(r, 9_000_000),
	}
}

// fin returns a FİN no one else in the population has.
func (id *idents) fin() string {
	f := id.fins.fin(id.finCount)
	id.finCount++
	return f
}

// certSeries is the number of two-letter series of birth certificates.
const certSeries = 26 * 26

// certificate returns a unique birth certificate: a two-letter series
// ("AA", "AB", …) and a six-digit number, both from one permuted counter.
func (id *idents) certificate() (series, number string) {
	_, n := id.certs.take()
	s, num := n/900_000, n%900_000
	return string([]byte{byte('A' + s/26), byte('A' + s%26)}), strconv.FormatUint(100_000+num, 10)
}

// idCard returns a unique new-generation identity card number, "AA" and
// seven digits.
func (id *idents) idCard() string {
	_, n := id.idCards.take()
	return fmt.Sprintf("AA%07d", n)
}

// permit returns a unique residence permit number, "MYİ" (temporary) or
// "DYİ" (permanent) and seven digits.
func (id *idents) permit(permanent bool) string {
	_, n := id.permits.take()
	if permanent {
		return fmt.Sprintf("DYİ%07d", n)
	}
	return fmt.Sprintf("MYİ%07d", n)
}

// refugeeCard returns a unique refugee card number.
func (id *idents) refugeeCard() string {
	_, n := id.refugees.take()
	return fmt.Sprintf("QV%07d", n)
}

// docNumber returns a unique seven-digit number of an education document.
func (id *idents) docNumber() string {
	_, n := id.docs.take()
	return strconv.FormatUint(1_000_000+n, 10)
}
