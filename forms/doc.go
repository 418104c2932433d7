// Package forms is tracer's form engine: the form model (questions, choice lists, groups,
// repeats, languages), the XLSForm loader, and the runtime session of one interview.
//
// A form is compiled once by Load: every expression is parsed and checked, every reference
// resolved, and the dependency graph among relevance conditions and calculations built. A
// Session then runs one interview against it: answers, relevance, constraints, required
// answers, calculations, choice filters, repeats and navigation, recomputing after each answer
// only what that answer can affect.
//
// Labels and hints keep the form's Markdown and HTML; RichText and PlainText read them for a
// screen. docs/XLSFORM.md lists the XLSForm features the engine supports, warns about and
// refuses, and where it differs from ODK.
//
// The package uses the standard library and, through forms/workbook (which opens .xlsx files
// within size limits), an XLSX reader. It knows nothing of storage or screens.
package forms
