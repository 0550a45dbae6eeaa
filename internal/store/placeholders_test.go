package store

import "testing"

func TestPlaceholderLists(t *testing.T) {
	for range 2 { // built, then remembered
		if got, want := placeholders(3, 3), "$3, $4, $5"; got != want {
			t.Errorf("placeholders(3, 3) = %q, want %q", got, want)
		}
		if got, want := placeholders(1, 1), "$1"; got != want {
			t.Errorf("placeholders(1, 1) = %q, want %q", got, want)
		}
		if got, want := tuples(2, 3), "($1, $2, $3), ($4, $5, $6)"; got != want {
			t.Errorf("tuples(2, 3) = %q, want %q", got, want)
		}
		if got, want := tuples(3, 1), "($1), ($2), ($3)"; got != want {
			t.Errorf("tuples(3, 1) = %q, want %q", got, want)
		}
	}
	// A tuple list and a placeholder list of the same numbers are
	// remembered apart.
	if placeholders(2, 3) == tuples(2, 3) {
		t.Error("placeholders(2, 3) and tuples(2, 3) share a remembered list")
	}
}

func TestPadInRoundsListsUpByRepeatingTheLast(t *testing.T) {
	args, in := padIn([]any{"sender", 10, 11, 12}, 1)
	if want := []any{"sender", 10, 11, 12, 12}; len(args) != len(want) || args[4] != 12 || args[0] != "sender" {
		t.Errorf("padIn(3 values after 1) = %v, want %v", args, want)
	}
	if in != "$2, $3, $4, $5" {
		t.Errorf("placeholders = %q", in)
	}
	for n, want := range map[int]int{1: 1, 2: 2, 5: 8, 64: 64, 65: 128, 257: idsPerQuery, idsPerQuery: idsPerQuery} {
		vals := make([]any, n)
		for i := range vals {
			vals[i] = i
		}
		got, _ := padIn(vals, 0)
		if len(got) != want {
			t.Errorf("padIn(%d values) has %d, want %d", n, len(got), want)
		}
		for i := n; i < len(got); i++ {
			if got[i] != n-1 {
				t.Fatalf("padIn(%d values)[%d] = %v, want the last value %d", n, i, got[i], n-1)
			}
		}
	}
}
