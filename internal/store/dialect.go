package store

import (
	"strconv"
	"strings"
	"sync"
)

// Dialect names the SQL engine behind a DB.
type Dialect int

// The engines kyso runs on.
const (
	SQLite Dialect = iota + 1
	Postgres
)

func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "sqlite"
	case Postgres:
		return "postgres"
	}
	return "unknown"
}

// rebindCache keeps rewritten queries: the same few hundred query strings are
// rebound on every call, and rewriting allocates.
var rebindCache sync.Map

// rebind rewrites '?' placeholders to PostgreSQL's $1, $2… It skips quoted
// literals and identifiers so that a '?' inside a string is left alone.
func rebind(d Dialect, query string) string {
	if d != Postgres || !strings.Contains(query, "?") {
		return query
	}
	if q, ok := rebindCache.Load(query); ok {
		return q.(string)
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	q := b.String()
	rebindCache.Store(query, q)
	return q
}
