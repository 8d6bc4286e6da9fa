package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/audit"
	"github.com/joinedup/joinedup/internal/auth"
	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/store"
)

// operator is who the audit trail names for command-line changes.
var operator = care.SystemActor("command line")

func (e *environment) openMigrated(ctx context.Context, dsn string) (*store.Store, error) {
	st, err := store.Open(ctx, dsn, store.Options{Calendar: e.calendar})
	if err != nil {
		return nil, err
	}
	pending, err := st.PendingMigrations(ctx)
	if err == nil && len(pending) > 0 {
		err = fmt.Errorf("the database has %d pending migrations: run joinedup migrate first", len(pending))
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

const userUsage = `Usage:
  joinedup user add --db DSN --email EMAIL --name NAME --org CODE --team NAME --role ROLE [--password-stdin]
  joinedup user disable --db DSN --email EMAIL
  joinedup user reset-password --db DSN --email EMAIL [--password-stdin]

Without --password-stdin a random password is made and printed once; give it
to the user and ask them to change it. Roles: ` + "admin, org_admin, gp, practice_manager, practice_staff, social_worker, team_manager, nurse, occupational_therapist, care_navigator, mdt_coordinator, privacy_officer, analyst\n"

func (e *environment) user(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "--help" || args[0] == "-h" {
		if len(args) == 0 {
			fmt.Fprint(e.stderr, userUsage)
			return usageError{"user needs a subcommand: add, disable or reset-password"}
		}
		fmt.Fprint(e.stdout, userUsage)
		return nil
	}
	switch args[0] {
	case "add":
		return e.userAdd(ctx, args[1:])
	case "disable":
		return e.userDisable(ctx, args[1:])
	case "reset-password":
		return e.userResetPassword(ctx, args[1:])
	default:
		fmt.Fprint(e.stderr, userUsage)
		return usageError{fmt.Sprintf("unknown user subcommand %q", args[0])}
	}
}

func (e *environment) userAdd(ctx context.Context, args []string) error {
	fs := e.newFlags("user add", "Adds an account and puts it in a team.")
	dsn := fs.String("db", "", "database: sqlite:PATH or a postgres:// URL (required)")
	email := fs.String("email", "", "the user's email address (required)")
	name := fs.String("name", "", "the user's full name (required)")
	org := fs.String("org", "", "ODS or GSS code of the organisation the team belongs to (required)")
	team := fs.String("team", "", "the team's name (required)")
	role := fs.String("role", "", "the user's role in that team (required)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input instead of making one")
	if helped, err := e.parse(fs, args); helped || err != nil {
		return err
	}
	for flagName, v := range map[string]string{"db": *dsn, "email": *email, "name": *name, "org": *org, "team": *team, "role": *role} {
		if v == "" {
			fs.Usage()
			return usageError{"--" + flagName + " is required"}
		}
	}
	r, err := care.ParseRole(*role)
	if err != nil {
		return usageError{care.MessageOf(err)}
	}
	st, err := e.openMigrated(ctx, *dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	teams, err := st.TeamsOf(ctx, *org)
	if err != nil {
		return err
	}
	var teamID string
	var names []string
	for _, t := range teams {
		names = append(names, t.Name)
		if strings.EqualFold(t.Name, *team) {
			teamID = t.ID
		}
	}
	if teamID == "" {
		if len(teams) == 0 {
			return fmt.Errorf("no organisation with code %s has any teams", *org)
		}
		return fmt.Errorf("%s has no team called %q; its teams are: %s", *org, *team, strings.Join(names, "; "))
	}
	password, generated, err := e.password(*fromStdin)
	if err != nil {
		return err
	}
	hash, err := auth.HashPassword(password, auth.DefaultArgon2)
	if err != nil {
		return err
	}
	u, err := st.CreateUser(ctx, operator, store.NewUser{Email: *email, Name: *name, PasswordHash: hash,
		Memberships: []store.NewMembership{{TeamID: teamID, Role: r}}})
	if err != nil {
		return errors.New(describe(err))
	}
	fmt.Fprintf(e.stdout, "added %s (user id %s)\n", u.Email, u.ID)
	if generated {
		fmt.Fprintf(e.stdout, "temporary password: %s\n", password)
	}
	return nil
}

// accountCommand reads the flags shared by the commands that act on one
// existing account, opens the database and finds the account. fs may carry
// further flags of the caller's.
func (e *environment) accountCommand(ctx context.Context, fs *flag.FlagSet, args []string) (st *store.Store, u care.User, helped bool, err error) {
	dsn := fs.String("db", "", "database: sqlite:PATH or a postgres:// URL (required)")
	email := fs.String("email", "", "the user's email address (required)")
	if helped, err := e.parse(fs, args); helped || err != nil {
		return nil, u, helped, err
	}
	if *dsn == "" || *email == "" {
		fs.Usage()
		return nil, u, false, usageError{"--db and --email are required"}
	}
	if st, err = e.openMigrated(ctx, *dsn); err != nil {
		return nil, u, false, err
	}
	if u, err = st.UserByEmail(ctx, *email); err != nil {
		st.Close()
		return nil, u, false, errors.New(describe(err))
	}
	return st, u, false, nil
}

func (e *environment) userDisable(ctx context.Context, args []string) error {
	fs := e.newFlags("user disable", "Stops an account signing in and ends its sessions.")
	st, u, helped, err := e.accountCommand(ctx, fs, args)
	if helped || err != nil {
		return err
	}
	defer st.Close()
	if err := st.DisableUser(ctx, operator, u.ID); err != nil {
		return errors.New(describe(err))
	}
	fmt.Fprintf(e.stdout, "disabled %s and ended their sessions\n", u.Email)
	return nil
}

func (e *environment) userResetPassword(ctx context.Context, args []string) error {
	fs := e.newFlags("user reset-password", "Sets a new password and ends the user's sessions.")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input instead of making one")
	st, u, helped, err := e.accountCommand(ctx, fs, args)
	if helped || err != nil {
		return err
	}
	defer st.Close()
	password, generated, err := e.password(*fromStdin)
	if err != nil {
		return err
	}
	hash, err := auth.HashPassword(password, auth.DefaultArgon2)
	if err != nil {
		return err
	}
	if err := st.SetPassword(ctx, operator, u.ID, hash); err != nil {
		return errors.New(describe(err))
	}
	fmt.Fprintf(e.stdout, "reset the password of %s and ended their sessions\n", u.Email)
	if generated {
		fmt.Fprintf(e.stdout, "temporary password: %s\n", password)
	}
	return nil
}

// password reads one line from standard input, or makes a random password
// of four words' strength.
func (e *environment) password(fromStdin bool) (string, bool, error) {
	if fromStdin {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		line = strings.TrimRight(line, "\r\n")
		if line == "" && err != nil {
			return "", false, fmt.Errorf("no password on standard input")
		}
		if err := auth.ValidatePassword("password", line); err != nil {
			return "", false, errors.New(describe(err))
		}
		return line, false, nil
	}
	return rand.Text(), true, nil
}

// describe turns a domain error into one line for an operator.
func describe(err error) string {
	msg := care.MessageOf(err)
	for _, f := range care.FieldsOf(err) {
		msg += " " + f.Field + ": " + f.Message + "."
	}
	return msg
}

func (e *environment) audit(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			fmt.Fprintln(e.stdout, "Usage: joinedup audit verify --db DSN [--max-unsealed 5m]")
			return nil
		}
		fmt.Fprintln(e.stderr, "Usage: joinedup audit verify --db DSN [--max-unsealed 5m]")
		return usageError{"audit needs the subcommand verify"}
	}
	fs := e.newFlags("audit verify", "Checks every audit row against its digest and the hash chain, and names the first broken row.")
	dsn := fs.String("db", "", "database: sqlite:PATH or a postgres:// URL (required)")
	maxUnsealed := fs.Duration("max-unsealed", 5*time.Minute, "how old a row waiting to be sealed may be")
	if helped, err := e.parse(fs, args[1:]); helped || err != nil {
		return err
	}
	if *dsn == "" {
		fs.Usage()
		return usageError{"--db is required"}
	}
	st, err := e.openMigrated(ctx, *dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := st.VerifyAudit(ctx, *maxUnsealed)
	var problem *audit.Problem
	if errors.As(err, &problem) {
		return fmt.Errorf("the audit trail is broken: %v", problem)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "the audit trail is intact: %d sealed rows, %d recent rows not yet sealed\nhead: row %d, hash %s\n",
		res.Sealed, res.Unsealed, res.Head.Seq, res.Head.Hash)
	return nil
}
