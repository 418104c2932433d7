// Command tracer runs tracer studies of vocational-training alumni: the enumerator's
// terminal UI, the central sync server, and the commands supervisors and analysts use.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
	"syscall"

	"tracer/survey"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	m := NewMain()
	stopProfile := startCPUProfile(m.Stderr)
	err := m.Run(ctx, os.Args[1:])
	stopProfile()
	if code := m.exit(err); code != 0 {
		os.Exit(code)
	}
}

// exit prints err on m.Stderr as the program's last word, unless the command has already
// said it, and returns the exit code: 0 for no error, 2 for the help flag.
func (m *Main) exit(err error) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 2
	}
	var se silentError
	if !errors.As(err, &se) {
		fmt.Fprintln(m.Stderr, "tracer:", printable(message(err)))
	}
	return exitCode(err)
}

// startCPUProfile writes a CPU profile of the whole command to the file named by
// $TRACER_CPUPROFILE, when set (for `go tool pprof`; docs/BENCHMARKS.md). It returns the
// function that ends the profile.
func startCPUProfile(stderr io.Writer) (stop func()) {
	path := os.Getenv("TRACER_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		if err = pprof.StartCPUProfile(f); err != nil {
			f.Close()
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "tracer: TRACER_CPUPROFILE:", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			fmt.Fprintln(stderr, "tracer: TRACER_CPUPROFILE:", err)
		}
	}
}

// Main holds the program's standard streams so that commands can be run and read in tests.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv looks up environment variables; tests replace it.
	Getenv func(string) string
	// SetMemoryLimit sets the process's Go heap soft limit (debug.SetMemoryLimit); nil
	// leaves it alone, as tests that share one process do.
	SetMemoryLimit func(int64) int64
	// SetGCPercent sets the Go garbage collector's target percentage (debug.SetGCPercent);
	// nil leaves it alone, as tests that share one process do.
	SetGCPercent func(int) int
	// ReadLiveHeap returns the bytes the Go heap held live at the end of the last
	// collection (runtime/metrics); nil leaves the soft limit where it was set.
	ReadLiveHeap func() uint64
}

// liveHeap reads the live heap from runtime/metrics, 0 when the runtime does not say.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// NewMain returns a Main wired to the process's standard streams and environment.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, SetMemoryLimit: debug.SetMemoryLimit, SetGCPercent: debug.SetGCPercent, ReadLiveHeap: liveHeap}
}

// Run dispatches on the first argument to a subcommand; with no subcommand it starts the TUI.
func (m *Main) Run(ctx context.Context, args []string) error {
	var cmd string
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	if run, ok := m.commands()[cmd]; ok {
		return run(ctx, args)
	}
	switch cmd {
	case "":
		if moved, ok := m.commandAfterFlags(args); ok {
			return m.Run(ctx, moved)
		}
		for _, a := range args {
			if a == "-h" || a == "-help" || a == "--help" {
				// the program's help: its commands, then the interview screens' flags
				m.usage(m.Stdout)
				fmt.Fprintln(m.Stdout, "\nFlags of the interview screens:")
				fs := m.newFlagSet("tracer", "")
				fs.SetOutput(m.Stdout)
				m.tuiFlags(fs)
				fs.PrintDefaults()
				return nil
			}
		}
		return m.runTUI(ctx, args)
	case "version":
		fmt.Fprintln(m.Stdout, "tracer", version)
		return nil
	case "help":
		if len(args) > 0 {
			if run, ok := m.commands()[args[0]]; ok {
				// tracer help form: the command's own help, as tracer form -h prints it,
				// on standard output as the program's help is
				stderr := m.Stderr
				m.Stderr = m.Stdout
				err := run(ctx, []string{"-h"})
				m.Stderr = stderr
				if errors.Is(err, flag.ErrHelp) {
					return nil
				}
				return err
			}
		}
		m.usage(m.Stdout)
		return nil
	default:
		return usageError("unknown command %q", cmd)
	}
}

// commands returns the subcommands that take their own flags, by name.
func (m *Main) commands() map[string]func(context.Context, []string) error {
	return map[string]func(context.Context, []string) error{
		"form": m.runForm, "roster": m.runRoster, "attempt": m.runAttempt,
		"progress": m.runProgress, "wave": m.runWave, "serve": m.runServe,
		"user": m.runUser, "link": m.runLink, "login": m.runLogin, "sync": m.runSync,
		"export": m.runExport, "report": m.runReport, "review": m.runReview,
	}
}

// commandAfterFlags finds a command written after the interview screens' flags, as in
// `tracer --data DIR sync`, and returns the arguments with those flags moved after the
// command's own, where the command parses them (a flag it does not take is refused by
// it, naming the flag).
func (m *Main) commandAfterFlags(args []string) ([]string, bool) {
	fs := flag.NewFlagSet("tracer", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	m.tuiFlags(fs)
	if fs.Parse(args) != nil || fs.NArg() == 0 {
		return nil, false
	}
	if _, ok := m.commands()[fs.Arg(0)]; !ok {
		return nil, false
	}
	flags := args[:len(args)-fs.NArg()]
	if n := len(flags); n > 0 && flags[n-1] == "--" {
		flags = flags[:n-1]
	}
	return append(append([]string{}, fs.Args()...), flags...), true
}

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func (m *Main) usage(w io.Writer) {
	fmt.Fprint(w, `tracer: tracer studies of vocational-training alumni.

Usage:
  tracer [--data DIR] [--form FILE] [--lang id|en]   the enumerator's interview screens
  tracer <command> [arguments]

Commands:
  form check FILE...        validate XLSForms
  form fill FILE --answers A.json
                            fill a form headless from a JSON answer file
  form export [FILE] -o OUT.xlsx
                            write a form (the built-in one by default) as an XLSForm
  form publish FILE | list | retire ID
                            publish the study's forms, list them, retire one (supervisor)
  form migrate ID...        move drafts to a newer version of their form
  roster import FILE        load the alumni roster (CSV, XLSX or XLS) on a laptop whose server sends none
  roster upload FILE        upload the roster to the server (supervisor)
  attempt add ROSTER_ID --mode MODE --outcome CODE
                            record a contact attempt (phone, WhatsApp, visit, event)
  attempt list | codes      the attempts on this laptop; the outcome codes
  progress                  tracing progress per enumerator, call-backs overdue (supervisor)
  wave add NAME | list      open the study's next wave ("12 bulan"); list the waves (supervisor)
  serve [--addr HOST:PORT] [--db FILE]
                            run the central sync server
  serve --relay URL | purge a relay at an event for the centre at URL; after it, drop
                            from the relay what is safe at the centre
  serve enrollments [--release ID]
                            laptops a relay enrolled offline; release held ones
  user add NAME --role ROLE create a server account; prints a one-time enrollment code
  user list | revoke NAME   list or revoke server accounts
  user collect NAME --url URL
                            a server URL with a token for ODK Collect (docs/COLLECT.md)
  link make --url URL --batch B [-o links.csv] | list | revoke ID
                            personal self-response links for alumni (supervisor, server)
  login URL CODE            enroll this laptop with the server
  sync                      push finalized interviews and attempts; pull forms, roster and returns
  review list|show|approve|return|refused
                            review interviews on the server (supervisor)
  export --format csv|xlsx|jsonl|sav|dta [-o FILE]
                            export the interviews (analyst; --db FILE or --server URL)
  report [--by LIST] [--format text|xlsx|json|html] [--wave NAME]
                            the tracer indicators and response rates (--db FILE or --server URL)
  version                   print the version

Run "tracer <command> --help" for a command's flags.
`)
}

// exitError carries an exit status other than 1.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError reports a mistake in the command line; it exits with status 2.
func usageError(format string, args ...any) error {
	return &exitError{code: 2, err: errors.New(survey.Plurals(format+` (see "tracer help")`, args...))}
}

// silentError makes the process exit with code without printing anything more: the command
// has already said what went wrong.
type silentError struct{ code int }

func (e silentError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// printable escapes what a terminal would act on in each line of s (survey.Printable): an
// error may quote a file or a server.
func printable(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = survey.Printable(l)
	}
	return strings.Join(lines, "\n")
}

// message returns what the user is told about err: an interruption (Ctrl-C, SIGTERM) and a
// full disk in plain words (a sync's own message says what it did get onto the server, see
// syncError); any other error as it is.
func message(err error) string {
	if errors.Is(err, context.Canceled) {
		return "stopped: interrupted before it finished."
	}
	if survey.ErrorCode(err) != survey.EFULL && !errors.Is(err, syscall.ENOSPC) {
		return err.Error()
	}
	if survey.ErrorCode(err) == survey.EFULL {
		return survey.ErrorMessage(err)
	}
	return "The disk is full: free some disk space, then try again. Everything saved before is kept."
}

func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var se silentError
	if errors.As(err, &se) {
		return se.code
	}
	return 1
}

// parseFlags parses args with fs. A flag fs does not take, or a bad value, is an error the
// flag package has already printed with the command's usage: it comes back as a silent exit
// code 2, so that the message is not printed twice. The help flag comes back as flag.ErrHelp.
func parseFlags(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return err
	}
	return silentError{2}
}

// newFlagSet returns a FlagSet that writes its usage to m.Stderr and reports parse errors to the caller.
func (m *Main) newFlagSet(name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(m.Stderr, "Usage: %s\n", usage)
		fs.PrintDefaults()
	}
	return fs
}
