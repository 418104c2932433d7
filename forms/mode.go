package forms

// ModeQuestion is the name by which a form declares the question that records how an
// interview was made (at an event, by phone, over WhatsApp, on a visit, by a link): a
// select_one outside any repeat whose choices name the modes.
const ModeQuestion = "interview_mode"

// ModeChoice reports whether f has a mode question (ModeQuestion) that offers the choice
// mode, so that an interview made that way can start with it answered.
func (f *Form) ModeChoice(mode string) bool {
	n := f.Node(ModeQuestion)
	if n == nil || mode == "" || n.Kind != KindQuestion || n.Type != "select_one" || n.Repeat != nil {
		return false
	}
	return f.ChoiceOf(n, mode) != nil
}
