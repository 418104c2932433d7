package postgres

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"tracer/survey"
)

// copyTables are the server's tables in the order they are copied (parents before the rows
// that refer to them), with their columns: the same in the SQLite server database and here.
var copyTables = []struct {
	name    string
	columns []string
	// identity marks a table whose first column PostgreSQL generates.
	identity bool
}{
	{name: "users", columns: []string{"name", "role", "created_at", "revoked_at"}},
	{name: "enrollment_codes", columns: []string{"code_hash", "user_name", "created_at", "expires_at", "used_at", "verifier", "token_hash"}},
	{name: "tokens", columns: []string{"token_hash", "user_name", "device", "created_at", "revoked_at"}},
	{name: "laptop_keys", columns: []string{"user_name", "laptop_id", "sealed", "created_at"}},
	{name: "published_forms", columns: []string{"form_id", "version", "hash", "name", "title", "source", "published_at", "published_by"}},
	{name: "retired_forms", columns: []string{"form_id", "retired_at", "retired_by"}},
	{name: "server_roster", columns: []string{"roster_id", "seq", "body", "updated_at"}},
	{name: "links", columns: []string{"id", "token_hash", "roster_id", "form_id", "interview_id", "created_by", "created_at",
		"expires_at", "revoked_at", "revisions", "last_used_at", "opened_at"}},
	{name: "assignments", columns: []string{"roster_id", "user_name", "assigned_by", "assigned_at"}},
	{name: "waves", columns: []string{"name", "position", "starts_at", "created_by", "created_at"}},
	{name: "wave_assignments", columns: []string{"wave", "roster_id", "user_name"}},
	{name: "assignment_history", columns: []string{"id", "roster_id", "user_name", "assigned_by", "assigned_at", "ended_by", "ended_at"}, identity: true},
	{name: "submissions", columns: []string{"seq", "interview_id", "revision", "hash", "body", "form_id", "form_version",
		"respondent_id", "enumerator", "submitted_by", "device_time", "skew_ms", "received_at"}},
	{name: "collect_instances", columns: []string{"instance_id", "interview_id", "revision"}},
	{name: "form_interviews", columns: []string{"form_id", "version", "interviews"}},
	{name: "submission_conflicts", columns: []string{"interview_id", "revision", "hash", "body", "submitted_by", "device_time", "received_at"}},
	{name: "returns", columns: []string{"seq", "interview_id", "revision", "comment", "returned_by", "submitted_by", "returned_at", "questions"}},
	{name: "reviews", columns: []string{"interview_id", "revision", "state", "approved_revision", "updated_at", "updated_by"}},
	{name: "review_history", columns: []string{"seq", "interview_id", "revision", "from_state", "to_state", "comment", "questions", "by_user", "at"}},
	{name: "server_attempts", columns: []string{"id", "seq", "roster_id", "at", "enumerator", "mode", "channel", "outcome",
		"callback_at", "note", "interview_id", "submitted_by", "received_at"}},
	{name: "attempt_conflicts", columns: []string{"id", "attempt_id", "body", "submitted_by", "received_at"}, identity: true},
	{name: "server_roster_updates", columns: []string{"id", "seq", "roster_id", "field", "value", "old", "note", "proposed_by",
		"proposed_at", "attempt_id", "interview_id", "submitted_by", "received_at", "status", "decided_by", "decided_at", "reason", "replaced"}},
	{name: "roster_update_conflicts", columns: []string{"id", "update_id", "body", "submitted_by", "received_at"}, identity: true},
	{name: "late_refusals", columns: []string{"seq", "kind", "interview_id", "revision", "hash", "outcome", "code", "message", "submitted_by", "relay", "at"}},
	{name: "counters", columns: []string{"name", "value"}},
}

// SkippedTables are the tables of a SQLite database that CopyFrom deliberately does not
// copy, with why. One SQLite schema serves laptops, relays and the central server, so a
// server database holds the laptop's and the relay's tables too, empty or not the
// server's; PostgreSQL keeps its own record of its migrations. Every other table of the
// SQLite database is in copyTables: CopyFrom refuses a database with a table in neither
// list (see Uncopied), rather than leave its rows behind.
var SkippedTables = map[string]string{
	"schema_migrations": "each engine records its own migrations",
	"interviews":        "a laptop's interviews",
	"answers":           "a laptop's answers",
	"events":            "a laptop's event log",
	"outbox":            "a laptop's revisions waiting to be pushed",
	"respondents":       "a laptop's copy of the roster",
	"roster_version":    "a laptop's roster cursor",
	"voided":            "a laptop's voided interviews",
	"attempts":          "a laptop's contact attempts",
	"roster_updates":    "a laptop's proposed roster updates",
	"sync_refusals":     "a laptop's refused revisions",
	"sync_cursors":      "a laptop's pull cursors",
	"relay_items":       "a relay's queue of pushed revisions",
	"relay_feed":        "a relay's copy of the centre's returns and approvals",
	"relay_verifiers":   "a relay's copy of the centre's enrollment code verifiers",
	"relay_enrollments": "a relay's enrollments waiting for the centre",
	"laptop_waves":      "a laptop's copy of the study's waves",
	"unenrolled_makers": "the names a laptop made work under before it was enrolled",
}

// CopiedTables returns the names of the tables CopyFrom copies, in order.
func CopiedTables() []string {
	var out []string
	for _, t := range copyTables {
		out = append(out, t.name)
	}
	return out
}

// Uncopied returns the tables of the SQLite database src that CopyFrom neither copies nor
// lists in SkippedTables (SQLite's own sqlite_ tables aside), sorted.
func Uncopied(ctx context.Context, src *sql.DB) ([]string, error) {
	rows, err := src.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	copied := CopiedTables()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		if _, skip := SkippedTables[name]; !skip && !slices.Contains(copied, name) {
			out = append(out, name)
		}
	}
	return out, rows.Err()
}

// TableCopy is what CopyFrom did with one table: the rows it read from the source and
// found here afterwards, and a digest of each side's rows (SHA-256 over the sorted hashes
// of the rows, so the order the engines return them in does not matter).
type TableCopy struct {
	Table                string
	SourceRows, Rows     int
	SourceDigest, Digest string
}

// OK reports whether the table arrived whole: the same rows with the same content.
func (c TableCopy) OK() bool {
	return c.SourceRows == c.Rows && c.SourceDigest == c.Digest
}

// ErrNotEmpty is returned by CopyFrom when the database already holds server data.
var ErrNotEmpty = fmt.Errorf("the PostgreSQL database is not empty")

// CopyFrom copies the server tables of a SQLite server database, src (opened and migrated
// by survey/sqlite), into db in one transaction, then reads both sides back and compares
// the rows' counts and digests. It refuses (ErrNotEmpty) a database that already holds
// accounts, forms, roster rows, submissions or attempts, so it never mixes two servers'
// data; a copy that fails leaves db empty, and can be run again. It refuses a source with a
// table it does not know (Uncopied) before copying anything.
func (db *DB) CopyFrom(ctx context.Context, src *sql.DB) ([]TableCopy, error) {
	unknown, err := Uncopied(ctx, src)
	if err != nil {
		return nil, fmt.Errorf("list the SQLite tables: %w", err)
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("the SQLite database has tables this version does not copy to PostgreSQL: %s; nothing was copied", strings.Join(unknown, ", "))
	}
	var n int
	for _, t := range []string{"users", "published_forms", "server_roster", "submissions", "server_attempts", "server_roster_updates", "waves"} {
		if err := db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, fmt.Errorf("%w: %s", ErrNotEmpty, survey.Plurals("table %s has %d row{s}; migrate into an empty database", t, n))
		}
	}
	err = db.inTx(ctx, lockOrder, func(tx *sql.Tx) error {
		for _, t := range copyTables {
			if err := copyTable(ctx, src, tx, t.name, t.columns, t.identity); err != nil {
				return fmt.Errorf("copy %s: %w", t.name, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return db.Compare(ctx, src)
}

// Compare reads every server table of the SQLite server database src and of db, and
// returns each one's row counts and digests.
func (db *DB) Compare(ctx context.Context, src *sql.DB) ([]TableCopy, error) {
	var out []TableCopy
	for _, t := range copyTables {
		c := TableCopy{Table: t.name}
		var err error
		if c.SourceRows, c.SourceDigest, err = digest(ctx, src, t.name, t.columns); err != nil {
			return nil, fmt.Errorf("read %s back from SQLite: %w", t.name, err)
		}
		if c.Rows, c.Digest, err = digest(ctx, db.db, t.name, t.columns); err != nil {
			return nil, fmt.Errorf("read %s back: %w", t.name, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// copyBatch is how many rows one INSERT statement carries.
const copyBatch = 200

func copyTable(ctx context.Context, src *sql.DB, tx *sql.Tx, table string, columns []string, identity bool) error {
	cols := strings.Join(columns, ", ")
	rows, err := src.QueryContext(ctx, `SELECT `+cols+` FROM `+table)
	if err != nil {
		return err
	}
	defer rows.Close()
	if table == "counters" {
		// The counters exist here from the migration: take the source's values.
		for rows.Next() {
			var name string
			var value int64
			if err := rows.Scan(&name, &value); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO counters (name, value) VALUES ($1, $2)
				ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	overriding := ""
	if identity {
		overriding = " OVERRIDING SYSTEM VALUE"
	}
	var batch []any
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		var b strings.Builder
		fmt.Fprintf(&b, "INSERT INTO %s (%s)%s VALUES ", table, cols, overriding)
		for i := 0; i < len(batch); i += len(columns) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j := range columns {
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteString("$" + strconv.Itoa(i+j+1))
			}
			b.WriteByte(')')
		}
		_, err := tx.ExecContext(ctx, b.String(), batch...)
		batch = batch[:0]
		return err
	}
	for rows.Next() {
		vals := make([]any, len(columns))
		ptrs := make([]any, len(columns))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range vals {
			// SQLite hands back text it was given as bytes (a roster row's JSON) as
			// bytes; PostgreSQL's text columns take it as a string.
			if b, ok := v.([]byte); ok && !isBinary(table, columns[i]) {
				vals[i] = string(b)
			}
		}
		batch = append(batch, vals...)
		if len(batch) >= copyBatch*len(columns) {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := flush(); err != nil {
		return err
	}
	if identity {
		_, err := tx.ExecContext(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', '%s'), COALESCE((SELECT MAX(%s) FROM %s), 0) + 1, false)`,
			table, columns[0], columns[0], table))
		return err
	}
	return nil
}

// isBinary reports whether the column is BYTEA here (BLOB in SQLite).
func isBinary(table, column string) bool {
	switch table + "." + column {
	case "submissions.body", "submission_conflicts.body", "published_forms.source", "laptop_keys.sealed":
		return true
	}
	return false
}

// digest counts a table's rows and hashes them: each row's values are written in a form
// both engines give alike (integers in decimal, text and bytes as their bytes, each with
// its length), the rows' SHA-256s are sorted, and the sorted list is hashed.
func digest(ctx context.Context, q *sql.DB, table string, columns []string) (int, string, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+strings.Join(columns, ", ")+` FROM `+table)
	if err != nil {
		return 0, "", err
	}
	defer rows.Close()
	var sums [][sha256.Size]byte
	vals := make([]any, len(columns))
	ptrs := make([]any, len(columns))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var buf bytes.Buffer
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, "", err
		}
		buf.Reset()
		for _, v := range vals {
			var b []byte
			switch x := v.(type) {
			case nil:
				b = []byte("\x00null")
			case []byte:
				b = x
			case string:
				b = []byte(x)
			case int64:
				b = strconv.AppendInt(nil, x, 10)
			case int32:
				b = strconv.AppendInt(nil, int64(x), 10)
			case bool:
				b = strconv.AppendBool(nil, x)
			default:
				b = fmt.Append(nil, x)
			}
			buf.Write(binary.AppendUvarint(nil, uint64(len(b))))
			buf.Write(b)
		}
		sums = append(sums, sha256.Sum256(buf.Bytes()))
	}
	if err := rows.Err(); err != nil {
		return 0, "", err
	}
	slices.SortFunc(sums, func(a, b [sha256.Size]byte) int { return bytes.Compare(a[:], b[:]) })
	h := sha256.New()
	for _, s := range sums {
		h.Write(s[:])
	}
	return len(sums), hex.EncodeToString(h.Sum(nil)), nil
}
