package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// maxChunk bounds the rows of one multi-row statement. With at most 13 columns a row,
// a chunk binds at most 3,328 values, well below SQLite's limit of 32,766 variables.
const maxChunk = 256

// exactChunk is the size below which a remainder of rows is one chunk of its own size.
const exactChunk = 16

// chunks splits n rows into chunks of 256, 128, 64, 32 or 16 rows, largest first, then
// one chunk of the rest (fewer than 16): a multi-row statement then has at most 20 texts,
// each prepared once and kept in the statement cache whatever the batches' sizes, and a
// small group (a few pushes of one interview each) is one statement.
func chunks(n int) []int {
	var out []int
	for size := maxChunk; size >= exactChunk; size /= 2 {
		for n >= size {
			out = append(out, size)
			n -= size
		}
	}
	if n > 0 {
		out = append(out, n)
	}
	return out
}

// multiRowTexts keeps the text of each multi-row statement by its head and row count.
var multiRowTexts sync.Map // multiRowKey -> string

type multiRowKey struct {
	head, tail string
	rows, cols int
}

// multiRow returns head followed by rows groups of cols placeholders, separated by commas
// ("(?, ?), (?, ?)"), then tail.
func multiRow(head string, rows, cols int, tail string) string {
	k := multiRowKey{head, tail, rows, cols}
	if q, ok := multiRowTexts.Load(k); ok {
		return q.(string)
	}
	var b strings.Builder
	b.WriteString(head)
	group := "(" + strings.Repeat("?, ", cols-1) + "?)"
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(group)
	}
	b.WriteString(tail)
	q := b.String()
	multiRowTexts.Store(k, q)
	return q
}

// inList returns head followed by a list of n placeholders in parentheses, then tail.
func inList(head string, n int, tail string) string {
	return multiRow(head+"(", n, 1, ")"+tail)
}

// execRows runs a multi-row statement over rows, chunk by chunk: head is the statement up
// to VALUES (included), tail what follows the rows (an ON CONFLICT clause), and args(i)
// the values of row i, cols of them. Rows go to SQLite in their order.
func execRows(ctx context.Context, tx cachedTx, head, tail string, cols, rows int, args func(i int, dst []any) []any) error {
	start := 0
	for _, n := range chunks(rows) {
		vals := make([]any, 0, n*cols)
		for i := start; i < start+n; i++ {
			vals = args(i, vals)
		}
		if _, err := tx.ExecContext(ctx, multiRow(head, n, cols, tail), vals...); err != nil {
			return err
		}
		start += n
	}
	return nil
}

// queryIn runs, chunk by chunk, a query whose text has head, then an IN list of keys,
// then tail, and calls scan for each row.
func queryIn(ctx context.Context, tx cachedTx, head, tail string, keys []string, scan func(*sql.Rows) error) error {
	start := 0
	for _, n := range chunks(len(keys)) {
		vals := make([]any, n)
		for i := range n {
			vals[i] = keys[start+i]
		}
		start += n
		rows, err := tx.QueryContext(ctx, inList(head, n, tail), vals...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return err
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
