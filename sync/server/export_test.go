package server

// AlumniRun is how many items the alumni table sorts in memory before it spills them.
var AlumniRun = &alumniRun
