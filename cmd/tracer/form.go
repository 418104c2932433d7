package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"tracer/forms"
	"tracer/forms/builtin"
)

func (m *Main) runForm(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(m.Stdout, `Usage: tracer form <command> [arguments]

Commands:
  check FILE...                           validate XLSForms (.xlsx or Markdown .md)
  fill FILE --answers A.json [--lang L]   fill a form headless and print the record as JSON
  export [FILE] -o OUT.xlsx               write a form (the built-in one by default) as an XLSForm

FILE "builtin" names the built-in BLK tracer form.
`)
		return nil
	}
	switch args[0] {
	case "check":
		return m.runFormCheck(ctx, args[1:])
	case "fill":
		return m.runFormFill(ctx, args[1:])
	case "export":
		return m.runFormExport(ctx, args[1:])
	default:
		return usageError("unknown form command %q", args[0])
	}
}

// loadForm loads a form file, or the built-in form for "builtin" or "".
func loadForm(path string) (*forms.Form, error) {
	if path == "" || path == "builtin" {
		return builtin.Load()
	}
	return forms.Load(path)
}

func (m *Main) runFormCheck(_ context.Context, args []string) error {
	fs := m.newFlagSet("form check", "tracer form check FILE...")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError("form check needs at least one FILE")
	}
	failed := 0
	for _, path := range fs.Args() {
		f, err := loadForm(path)
		if err != nil {
			failed++
			var le *forms.LoadError
			if errors.As(err, &le) {
				for _, is := range le.Issues {
					fmt.Fprintf(m.Stdout, "error: %s\n", is.Error())
				}
			} else {
				fmt.Fprintf(m.Stdout, "error: %s: %v\n", path, err)
			}
			continue
		}
		fmt.Fprintf(m.Stdout, "%s: ok: %s\n", path, summary(f))
		for _, w := range f.Warnings {
			fmt.Fprintf(m.Stdout, "warning: %s\n", w.Error())
		}
	}
	if failed > 0 {
		fmt.Fprintf(m.Stderr, "tracer: %d of %d forms did not load\n", failed, fs.NArg())
		return silentError{1}
	}
	return nil
}

// summary describes a form in one line: its id and version, counts and languages.
func summary(f *forms.Form) string {
	var questions, groups, repeats, calcs, skipped int
	for _, n := range f.Nodes {
		switch {
		case n.Kind == forms.KindRepeat:
			repeats++
		case n.Kind == forms.KindGroup:
			groups++
		case n.Kind == forms.KindCalculate:
			calcs++
		case n.Unsupported:
			skipped++
		case n.Kind == forms.KindQuestion:
			questions++
		}
	}
	langs := make([]string, len(f.Languages))
	for i, l := range f.Languages {
		if l == "" {
			l = "default"
		}
		langs[i] = l
	}
	s := fmt.Sprintf("%s v%s, %d questions, %d calculations, %d groups, %d repeats, %d choice lists; languages: %s",
		f.ID, f.Version, questions, calcs, groups, repeats, len(f.Lists), strings.Join(langs, ", "))
	if skipped > 0 {
		s += fmt.Sprintf("; %d not answerable here", skipped)
	}
	return s
}

func (m *Main) runFormFill(_ context.Context, args []string) error {
	fs := m.newFlagSet("form fill", "tracer form fill FILE --answers ANSWERS.json [--lang CODE]")
	answersPath := fs.String("answers", "", "JSON `file` mapping question names to answers (- for standard input)")
	lang := fs.String("lang", "", "form language, by code (id) or full name")
	if err := fs.Parse(reorder(args)); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("form fill needs one FILE (or \"builtin\")")
	}
	if *answersPath == "" {
		return usageError("form fill needs --answers FILE")
	}
	f, err := loadForm(fs.Arg(0))
	if err != nil {
		return err
	}
	answers, err := m.readAnswers(*answersPath)
	if err != nil {
		return err
	}
	opt := forms.Options{}
	if *lang != "" {
		if _, ok := f.MatchLang(*lang); !ok {
			return fmt.Errorf("form %s has no language %q (it has %s)", f.ID, *lang, strings.Join(f.Languages, ", "))
		}
		opt.Lang = *lang
	}
	s := forms.NewSession(f, opt)
	if errs := s.Fill(answers); len(errs) > 0 {
		out, _ := json.Marshal(map[string]any{"errors": errs})
		fmt.Fprintln(m.Stdout, string(out))
		return silentError{1}
	}
	out, err := json.Marshal(s.Record())
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, string(out))
	return nil
}

func (m *Main) readAnswers(path string) (map[string]any, error) {
	var data []byte
	var err error
	if path == "-" {
		var b bytes.Buffer
		_, err = b.ReadFrom(m.Stdin)
		data = b.Bytes()
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("read answers: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var answers map[string]any
	if err := dec.Decode(&answers); err != nil {
		return nil, fmt.Errorf("answers %s: not a JSON object of answers: %w", path, err)
	}
	return answers, nil
}

func (m *Main) runFormExport(_ context.Context, args []string) error {
	fs := m.newFlagSet("form export", "tracer form export [FILE] -o OUT.xlsx")
	out := fs.String("o", "", "output `file` (.xlsx)")
	if err := fs.Parse(reorder(args)); err != nil {
		return err
	}
	if *out == "" {
		return usageError("form export needs -o OUT.xlsx")
	}
	if fs.NArg() > 1 {
		return usageError("form export takes at most one FILE")
	}
	name, data := builtin.Name, builtin.Source()
	if fs.NArg() == 1 && fs.Arg(0) != "builtin" {
		name = fs.Arg(0)
		var err error
		if data, err = os.ReadFile(name); err != nil {
			return err
		}
	}
	// Refuse to export a form that does not load.
	if _, err := forms.Parse(name, data); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := forms.WriteXLSX(&buf, name, data); err != nil {
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "wrote %s (%s)\n", *out, filepath.Base(name))
	return nil
}

// reorder moves flags before positional arguments, so "fill FILE --answers A" parses like
// "fill --answers A FILE".
func reorder(args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if strings.HasPrefix(a, "-") && a != "-" {
			flags = append(flags, a)
			if !strings.Contains(a, "=") && i+1 < len(args) && !isBoolFlag(a) {
				flags = append(flags, args[i+1])
				i++
			}
			continue
		}
		pos = append(pos, a)
	}
	return append(flags, pos...)
}

// isBoolFlag lists the boolean flags of the commands that use reorder.
func isBoolFlag(a string) bool {
	switch strings.TrimLeft(a, "-") {
	case "h", "help", "save", "json":
		return true
	}
	return false
}
