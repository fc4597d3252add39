package store

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStatements bounds the statement cache: queries built with a
// varying number of placeholders must not grow it without end.
const maxCachedStatements = 512

// stmtCache keeps SQLite statements prepared: the driver parses and plans
// a statement's SQL each time it runs one from text, which was a tenth of
// the exchange's CPU. database/sql keeps one prepared copy per connection
// under each *sql.Stmt and hands it to transactions on that connection.
// PostgreSQL's driver (pgx) caches prepared statements by itself.
type stmtCache struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// stmt returns the cached statement for query, preparing it on first use;
// nil when the cache is full or preparing fails (the caller then runs the
// text, which reports any error).
func (db *DB) stmt(ctx context.Context, query string) *sql.Stmt {
	if db.dialect != SQLite {
		return nil
	}
	c := &db.stmts
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.m[query]; ok {
		return s
	}
	if len(c.m) >= maxCachedStatements {
		return nil
	}
	// Prepared outside ctx: the statement outlives the request that
	// first ran it.
	s, err := db.sql.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[query] = s
	return s
}

// closeStatements closes the cached statements (Close calls it).
func (db *DB) closeStatements() {
	c := &db.stmts
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.m {
		s.Close()
	}
	c.m = nil
}
