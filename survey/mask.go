package survey

import "strings"

// MaskNIK hides the middle of a NIK for display: "6474060307910001" -> "6474********0001".
// Spaces, dots and dashes are dropped first; a value of eight characters or fewer is hidden
// entirely.
func MaskNIK(nik string) string {
	return maskMiddle(strings.Map(dropSeparators, nik))
}

// MaskPhone hides the middle of a phone number for display, in local form:
// "+6281234567890" -> "0812****7890".
func MaskPhone(phone string) string {
	return maskMiddle(LocalPhone(strings.Map(dropSeparators, phone)))
}

// dropSeparators drops the characters people put between digits.
func dropSeparators(r rune) rune {
	switch r {
	case ' ', '.', '-', '(', ')', '\u00a0', '\t':
		return -1
	}
	return r
}

// maskMiddle keeps the first and last four characters and stars the rest.
func maskMiddle(s string) string {
	r := []rune(s)
	if len(r) <= 8 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:4]) + strings.Repeat("*", len(r)-8) + string(r[len(r)-4:])
}
