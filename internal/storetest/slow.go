package storetest

import "entgo.io/ent/dialect"

// SlowStatement is a query that runs for seconds on a store of the given
// dialect, checking for cancellation as it goes: it shows timeouts at work.
func SlowStatement(dialectName string) string {
	if dialectName == dialect.Postgres {
		return "SELECT pg_sleep(30)"
	}
	return "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000000000) SELECT count(*) FROM n"
}
