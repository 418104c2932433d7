// Package survey is the domain of tracer studies: interviews and their revisions and states,
// answers, paradata events, the alumni roster, the domain error type and the service
// interfaces that storage (survey/sqlite) and transport implement.
//
// It also holds the pure validation rules every layer shares: NIK and phone numbers
// (docs/INDICATORS.md) and their masking for display.
package survey
