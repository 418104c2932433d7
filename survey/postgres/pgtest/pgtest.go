// Package pgtest gives tests a fresh PostgreSQL database of their own on the cluster named
// by $TRACER_TEST_POSTGRES (".ci/postgres start" starts one), and skips them when it is unset.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// EnvVar names the environment variable that holds the URL of a PostgreSQL cluster the
// tests may create databases on.
const EnvVar = "TRACER_TEST_POSTGRES"

// Need skips the test, in one line, when $TRACER_TEST_POSTGRES is unset.
func Need(tb testing.TB) {
	tb.Helper()
	if os.Getenv(EnvVar) == "" {
		tb.Skipf("PostgreSQL tests skipped: $%s is unset (eval \"$(.ci/postgres start)\" starts a cluster)", EnvVar)
	}
}

// URL creates an empty database for the test and returns its URL; the database is dropped
// when the test ends. The test is skipped when $TRACER_TEST_POSTGRES is unset.
func URL(tb testing.TB) string {
	tb.Helper()
	Need(tb)
	u, drop, err := Create(os.Getenv(EnvVar))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(drop)
	return u
}

// Create makes an empty database on the cluster whose URL is admin and returns its URL
// and the function that drops it.
func Create(admin string) (string, func(), error) {
	u, err := url.Parse(admin)
	if err != nil {
		return "", nil, fmt.Errorf("$%s: %w", EnvVar, err)
	}
	var b [6]byte
	rand.Read(b[:])
	name := "tracer_test_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := sql.Open("pgx", admin)
	if err != nil {
		return "", nil, err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, fmt.Errorf("create a test database on $%s: %w", EnvVar, err)
	}
	drop := func() {
		db, err := sql.Open("pgx", admin)
		if err != nil {
			return
		}
		defer db.Close()
		db.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	}
	u.Path = "/" + name
	return u.String(), drop, nil
}

// Key returns a random 32-byte key, for the code key of a test database.
func Key() []byte {
	var k [32]byte
	rand.Read(k[:])
	return k[:]
}
