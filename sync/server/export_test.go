package server

// AlumniRun is how many items the alumni table sorts in memory before it spills them.
var AlumniRun = &alumniRun

// Waiting returns how many requests with a body of account user hold or wait for its turn.
func (s *Server) Waiting(user string) int {
	s.holdMu.Lock()
	defer s.holdMu.Unlock()
	if a := s.holding[user]; a != nil {
		return a.waiting
	}
	return 0
}

// MaxAccountQueue is how many requests with a body one account may have holding or waiting
// for its turn.
const MaxAccountQueue = maxAccountQueue

// Handling returns how many requests of account user are being handled.
func (s *Server) Handling(user string) int {
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	return s.handling[user]
}

// Received returns how many bytes the bodies being received hold in memory and in spool
// files.
func (s *Server) Received() (inMemory, spooled int64) {
	return s.inMemory.Load(), s.spooled.Load()
}
