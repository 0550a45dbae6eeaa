package store

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// positional is a statement's text with its numbered placeholders ($1,
// $2, …, as PostgreSQL writes them and as the store's statements are
// written for both engines) made SQLite's anonymous ones (?), and the
// argument each takes. SQLite numbers a statement's ? in order; the
// driver asks SQLite the name of every parameter it binds, and for a
// numbered one SQLite finds the name by walking the statement's list of
// names from its start, so binding a statement of n numbered parameters
// costs in n² — the IN lists of a batch's queries have hundreds. An
// anonymous parameter has no name to find. (Binding the names was a
// twentieth of the writer's time ingesting 50,000 children.)
type positional struct {
	query string
	// from[i] is the argument, counted from 0, that the i-th ? takes; nil
	// when they are $1, $2, … in order, each once, and take the
	// arguments as given.
	from []int
}

// positionals holds the statements rewritten so far, by their text, up
// to maxPositionals of them. The store's statements are few and fixed
// (the lists' lengths are bounded by padIn and the chunks); a statement
// whose text varies with its values would be rewritten each time instead
// of filling memory.
var (
	positionals  sync.Map // string → *positional
	nPositionals atomic.Int32
)

const maxPositionals = 1024

// positionalOf returns query rewritten for SQLite, remembering it.
func positionalOf(query string) *positional {
	if p, ok := positionals.Load(query); ok {
		return p.(*positional)
	}
	p := rewritePositional(query)
	if nPositionals.Load() < maxPositionals {
		if _, loaded := positionals.LoadOrStore(query, p); !loaded {
			nPositionals.Add(1)
		}
	}
	return p
}

// rewritePositional replaces each $N outside string literals, quoted
// identifiers and comments with ?, noting N.
func rewritePositional(query string) *positional {
	out := make([]byte, 0, len(query))
	var nums []int
	for i := 0; i < len(query); {
		c := query[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			end := i + 1
			for end < len(query) {
				if query[end] == c {
					if end+1 < len(query) && query[end+1] == c { // a doubled quote
						end += 2
						continue
					}
					break
				}
				end++
			}
			end = min(end+1, len(query))
			out = append(out, query[i:end]...)
			i = end
		case c == '-' && i+1 < len(query) && query[i+1] == '-':
			end := i
			for end < len(query) && query[end] != '\n' {
				end++
			}
			out = append(out, query[i:end]...)
			i = end
		case c == '/' && i+1 < len(query) && query[i+1] == '*':
			end := i + 2
			for end+1 < len(query) && !(query[end] == '*' && query[end+1] == '/') {
				end++
			}
			end = min(end+2, len(query))
			out = append(out, query[i:end]...)
			i = end
		case c == '$' && i+1 < len(query) && isDigit(query[i+1]):
			n, end := 0, i+1
			for end < len(query) && isDigit(query[end]) {
				n = n*10 + int(query[end]-'0')
				end++
			}
			nums = append(nums, n)
			out = append(out, '?')
			i = end
		default:
			out = append(out, c)
			i++
		}
	}
	p := &positional{query: string(out)}
	for i, n := range nums {
		if n != i+1 {
			p.from = make([]int, len(nums))
			for j, n := range nums {
				p.from[j] = n - 1
			}
			break
		}
	}
	return p
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// args returns the arguments in the order of the rewritten statement's
// placeholders.
func (p *positional) args(args []any) ([]any, error) {
	if p.from == nil {
		return args, nil
	}
	out := make([]any, len(p.from))
	for i, j := range p.from {
		if j < 0 || j >= len(args) {
			return nil, fmt.Errorf("store: statement takes argument $%d, %d given", j+1, len(args))
		}
		out[i] = args[j]
	}
	return out, nil
}
