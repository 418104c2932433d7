package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// Styles holds every style of the program, built once for a light or dark background.
// Colour is only ever an addition: selection and errors are also shown by markers, bold and
// reverse video, so that the screens read the same with NO_COLOR.
type Styles struct {
	Header, Title, Section, Label, Hint, Muted lipgloss.Style
	Error, OK, Warn, Selected, Cursor, Prefill lipgloss.Style
	BarFull, BarEmpty, Input, Key              lipgloss.Style
	// Em, Strong and Link show the emphasis of a label written with Markdown or HTML.
	Em, Strong, Link lipgloss.Style
	// QR colours a QR code's half blocks: glyphs in white on black on a dark background,
	// black on white on a light one (qr.Code.Blocks draws them the matching way round), so
	// the code shows dark on light, and still does without colours.
	QR   lipgloss.Style
	Help help.Styles
}

// NewStyles returns the styles for a dark or light terminal background.
func NewStyles(isDark bool) Styles {
	ld := lipgloss.LightDark(isDark)
	accent := ld(lipgloss.Color("#005F87"), lipgloss.Color("#5FD7FF"))
	muted := ld(lipgloss.Color("#6C6C6C"), lipgloss.Color("#9E9E9E"))
	errc := ld(lipgloss.Color("#AF0000"), lipgloss.Color("#FF5F5F"))
	okc := ld(lipgloss.Color("#005F00"), lipgloss.Color("#87D787"))
	warn := ld(lipgloss.Color("#875F00"), lipgloss.Color("#FFD75F"))
	return Styles{
		Header:   lipgloss.NewStyle().Bold(true).Foreground(accent),
		Title:    lipgloss.NewStyle().Bold(true),
		Section:  lipgloss.NewStyle().Foreground(accent),
		Label:    lipgloss.NewStyle().Bold(true),
		Hint:     lipgloss.NewStyle().Foreground(muted).Italic(true),
		Muted:    lipgloss.NewStyle().Foreground(muted),
		Error:    lipgloss.NewStyle().Bold(true).Foreground(errc),
		OK:       lipgloss.NewStyle().Foreground(okc),
		Warn:     lipgloss.NewStyle().Foreground(warn),
		Selected: lipgloss.NewStyle().Bold(true).Foreground(accent),
		Cursor:   lipgloss.NewStyle().Reverse(true),
		Prefill:  lipgloss.NewStyle().Foreground(warn),
		BarFull:  lipgloss.NewStyle().Foreground(accent),
		BarEmpty: lipgloss.NewStyle().Foreground(muted),
		Input:    lipgloss.NewStyle(),
		Key:      lipgloss.NewStyle().Bold(true),
		Em:       lipgloss.NewStyle().Italic(true),
		Strong:   lipgloss.NewStyle().Bold(true),
		Link:     lipgloss.NewStyle().Underline(true),
		QR: lipgloss.NewStyle().Foreground(ld(lipgloss.Color("#000000"), lipgloss.Color("#FFFFFF"))).
			Background(ld(lipgloss.Color("#FFFFFF"), lipgloss.Color("#000000"))),
		Help: help.DefaultStyles(isDark),
	}
}
