package survey

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// verbEnd returns the index just past the verb that starts with the '%' at text[i] (its
// flags, width and precision, then its letter, or a second '%'), or -1 when text ends first.
func verbEnd(text string, i int) int {
	j := i + 1
	for j < len(text) && strings.IndexByte("+-# 0123456789.[]*", text[j]) >= 0 {
		j++
	}
	if j == len(text) {
		return -1
	}
	return j + 1
}

// verbs returns the formatting verbs of format in order, each with its flags, width and
// precision ("%d", "%q", "%.1f"); "%%" is no verb.
func verbs(format string) []string {
	var out []string
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		end := verbEnd(format, i)
		if end < 0 {
			break
		}
		if v := format[i:end]; v != "%%" {
			out = append(out, v)
		}
		i = end - 1
	}
	return out
}

// printArgs prints each of args with its verb in format.
func printArgs(format string, args []any) []string {
	vs := verbs(format)
	out := make([]string, len(args))
	for i, a := range args {
		v := "%v"
		if i < len(vs) && !strings.ContainsAny(vs[i], "[*") {
			v = vs[i]
		}
		out[i] = fmt.Sprintf(v, a)
	}
	return out
}

// fill puts args, already printed, in place of the verbs of text, in order; a verb of
// precision 0 ("%.0s", "%.0d"; not a float's "%.0f") leaves its argument out, and "%%" becomes "%". It reports false when
// the counts differ.
func fill(text string, args []string) (string, bool) {
	var b strings.Builder
	n := 0
	for i := 0; i < len(text); i++ {
		if text[i] != '%' {
			b.WriteByte(text[i])
			continue
		}
		end := verbEnd(text, i)
		switch v := text[i:max(end, i)]; {
		case end < 0 || (v != "%%" && n == len(args)):
			return "", false
		case v == "%%":
			b.WriteByte('%')
		case strings.HasPrefix(v, "%.0") && !strings.ContainsAny(v[len(v)-1:], "eEfFgG"):
			n++ // a verb of precision 0 drops its argument (said once already); a number's rounds it
		default:
			b.WriteString(args[n])
			n++
		}
		i = end - 1
	}
	return b.String(), n == len(args)
}

// LocalMessage returns the message of err (ErrorMessage) in the UI language lang: for "id",
// the Indonesian text of its key when the catalogue has it, with the same arguments; the
// message as it came (English) otherwise. An argument that is itself a message of the
// catalogue taking no arguments (the cause of a failure, "The disk is full: ...") is put in
// Indonesian too. A server's refusal keeps its key and arguments across the wire, so a
// laptop translates what any server version sends and falls back to the server's words for
// what it does not know.
func LocalMessage(err error, lang string) string {
	msg := ErrorMessage(err)
	if lang != "id" || err == nil {
		return msg
	}
	var e *Error
	if !errors.As(err, &e) {
		if t, ok := indonesian[msg]; ok {
			return t // "Internal error."
		}
		return msg
	}
	if e.Key == "" {
		if t, ok := indonesian[e.Message]; ok {
			return t
		}
		return msg
	}
	if t, ok := indonesian[e.Key]; ok {
		if out, ok := fill(t, localArgs(e.Args)); ok {
			return out
		}
	}
	return msg
}

// localArgs returns args with each that is a message of the catalogue taking no arguments
// in Indonesian; the others as they are.
func localArgs(args []string) []string {
	out := slices.Clone(args)
	for i, a := range out {
		if t, ok := indonesian[a]; ok && len(verbs(a)) == 0 {
			out[i] = t
		}
	}
	return out
}
