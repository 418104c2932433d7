// Package forms is tracer's form engine: the form model (questions, choice lists, groups,
// repeats, languages), the XLSForm loader, and the runtime session of one interview.
//
// A form is compiled once by Load: every expression is parsed and checked, every reference
// resolved, and the dependency graph among relevance conditions and calculations built. A
// Session then runs one interview against it: answers, relevance, constraints, required
// answers, calculations, choice filters, repeats and navigation, recomputing after each answer
// only what that answer can affect.
//
// The package uses the standard library and, in its loader, an XLSX reader. It knows nothing of
// storage or screens.
package forms
