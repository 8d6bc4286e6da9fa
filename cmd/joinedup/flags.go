package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
)

// newFlags makes a flag set whose usage names the command and lists every
// flag with its environment variable.
func (e *environment) newFlags(name, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: joinedup %s [flags]\n\n%s\n\nFlags (each can also be set by the environment variable shown):\n", name, summary)
		fs.VisitAll(func(f *flag.Flag) {
			def := ""
			if f.DefValue != "" && f.DefValue != "false" {
				def = fmt.Sprintf(" (default %s)", f.DefValue)
			}
			fmt.Fprintf(fs.Output(), "  --%s  [%s]\n        %s%s\n", f.Name, envName(f.Name), f.Usage, def)
		})
	}
	return fs
}

// envName is the environment variable for a flag: --base-url is JOINEDUP_BASE_URL.
func envName(flagName string) string {
	return "JOINEDUP_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parse reads the environment, then the command line, which wins. --help
// prints usage and is not an error; a wrong flag is a usage error (exit 2).
func (e *environment) parse(fs *flag.FlagSet, args []string) (helped bool, err error) {
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		if v := e.getenv(envName(f.Name)); v != "" && envErr == nil {
			if err := f.Value.Set(v); err != nil {
				envErr = usageError{fmt.Sprintf("%s=%q is not valid: %v", envName(f.Name), v, err)}
			}
		}
	})
	if envErr != nil {
		fs.Usage()
		return false, envErr
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, nil
		}
		return false, usageError{}
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return false, usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return false, nil
}

func version() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		v := info.Main.Version
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return v + " (" + s.Value[:12] + ")"
			}
		}
		return v
	}
	return "(unknown)"
}

// newLogger makes the process logger: text for people, JSON for log shippers.
func (e *environment) newLogger(format string) (*slog.Logger, error) {
	switch format {
	case "text", "":
		return slog.New(slog.NewTextHandler(e.stderr, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(e.stderr, nil)), nil
	default:
		return nil, usageError{fmt.Sprintf("--log-format must be text or json, not %q", format)}
	}
}
