// Command joinedup runs joinedup: the demo, the production server, and the
// operator's commands for migrations, users and the audit trail. All wiring
// happens here; main only maps run's result to an exit code.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // the zone database is embedded, so Europe/London loads on any machine

	"github.com/joinedup/joinedup/internal/care"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// usageError means the command line was wrong; usage has been printed.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func exitCode(err error, stderr io.Writer) int {
	var usage usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &usage):
		if usage.msg != "" {
			fmt.Fprintln(stderr, "joinedup:", usage.msg)
		}
		return 2
	default:
		fmt.Fprintln(stderr, "joinedup:", err)
		return 1
	}
}

const topUsage = `joinedup: joined-up work between GP practices and adult social care.

Usage:
  joinedup demo [--addr :8080] [--db PATH]      create or reuse the demo database and serve it
  joinedup serve --db DSN [--addr] [--base-url] [--migrate]
                                                 run the production server
  joinedup migrate --db DSN                      apply pending database migrations
  joinedup user add|disable|reset-password ...   manage accounts
  joinedup audit verify --db DSN                 check the audit trail has not been tampered with
  joinedup import ods-practices|postcodes|oruk|people --db DSN FILE
                                                 import GP practices, postcodes, an Open Referral UK feed or people
  joinedup version                               print the version

DSN is sqlite:PATH or a postgres:// URL. Every flag can also be set with an
environment variable: --base-url is JOINEDUP_BASE_URL, and so on.
Run "joinedup COMMAND --help" for a command's flags.
`

// run is the whole program, with its environment passed in so tests can
// run it in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, topUsage)
		return usageError{"no command given"}
	}
	cal, err := workingCalendar()
	if err != nil {
		return err
	}
	env := &environment{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr, calendar: cal}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "demo":
		return env.demo(ctx, rest)
	case "serve":
		return env.serve(ctx, rest)
	case "migrate":
		return env.migrate(ctx, rest)
	case "user":
		return env.user(ctx, rest)
	case "audit":
		return env.audit(ctx, rest)
	case "import":
		return env.importCmd(ctx, rest)
	case "version":
		fmt.Fprintln(stdout, "joinedup", version())
		return nil
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, topUsage)
		return nil
	default:
		fmt.Fprint(stderr, topUsage)
		return usageError{fmt.Sprintf("unknown command %q", cmd)}
	}
}

type environment struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// calendar is the one working calendar, and its zone the one time is
	// shown and today's date judged in, for everything run wires together.
	calendar *care.Calendar
}

// workingCalendar is where joinedup's time zone is loaded, once: the
// England and Wales working calendar (bank holidays, 09:00 to 17:00) in
// Europe/London. Everything that counts working time, judges what day it is
// or shows a time is handed this calendar or its zone.
func workingCalendar() (*care.Calendar, error) {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		return nil, fmt.Errorf("cannot load the Europe/London time zone: %v", err)
	}
	return care.NewCalendar(loc)
}
