package report

// ResponseSpill is how many bytes of events the response rates hold in memory.
var ResponseSpill = &responseSpill
