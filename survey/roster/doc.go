// Package roster reads alumni rosters as users produce them (CSV with commas or
// semicolons, with or without a byte order mark, and XLSX; headers in English or
// Indonesian), validates every row by the rules of docs/INDICATORS.md, imports the
// good rows into a survey.RosterStore and reports the rest as "row N: column: reason".
// It also holds the in-memory search index the stores use for per-keystroke search.
package roster
