package main

import (
	"context"
	"flag"
	"log/slog"
	"time"

	"github.com/joinedup/joinedup/internal/jobs"
	"github.com/joinedup/joinedup/internal/mail"
	"github.com/joinedup/joinedup/internal/store"
)

// smtpFlags configure email alerts. With no server, nothing is emailed and
// the in-app inbox is the only alert.
type smtpFlags struct {
	addr, from, username, password string
}

func (f *smtpFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.addr, "smtp-addr", "", "SMTP server for email alerts, host:port (none: no emails are sent)")
	fs.StringVar(&f.from, "smtp-from", "", "the address email alerts come from")
	fs.StringVar(&f.username, "smtp-username", "", "SMTP user name, when the server needs signing in (only over TLS)")
	fs.StringVar(&f.password, "smtp-password", "", "SMTP password; prefer the environment variable to the command line")
}

func (f smtpFlags) mailer(baseURL string) mail.Sender {
	return mail.Sender{Addr: f.addr, From: f.from, Username: f.username, Password: f.password, BaseURL: baseURL}
}

// emailWindow is how old a notification may be and still be emailed: an
// alert about something a day old helps nobody, and a newly configured
// server must not receive the whole history.
const emailWindow = 24 * time.Hour

// emailOutbox is what delivering email alerts needs from the store.
type emailOutbox interface {
	PendingEmails(ctx context.Context, since time.Time, limit int) ([]store.PendingEmail, error)
	MarkEmailed(ctx context.Context, ids []string) error
}

// deliverEmails emails each user with notifications not yet emailed, once
// for all of them, and marks them emailed. A failure for one user leaves
// theirs to be tried on the next run and does not stop the others.
func deliverEmails(ctx context.Context, box emailOutbox, send func(ctx context.Context, to string) error, now time.Time, log *slog.Logger) (int, error) {
	pending, err := box.PendingEmails(ctx, now.Add(-emailWindow), 100)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, p := range pending {
		if err := send(ctx, p.Email); err != nil {
			// The address is personal data: the log names the user's id.
			log.Warn("email alert not sent; will retry", "user", p.UserID, "err", err)
			continue
		}
		// Once sent, the email is marked even if the server is stopping, or
		// another instance would send it again.
		if err := box.MarkEmailed(context.WithoutCancel(ctx), p.NotificationIDs); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}

// referralJobs is the background work referrals need: escalating overdue
// referrals to managers, removing files from forms never sent, and, when
// an SMTP server is configured, emailing people that they have updates.
func referralJobs(st *store.Store, mailer mail.Sender, log *slog.Logger) []jobs.Job {
	list := []jobs.Job{
		{Name: "escalate-referrals", Interval: time.Minute, Run: func(ctx context.Context) error {
			_, err := st.EscalateOverdueReferrals(ctx)
			return err
		}},
		{Name: "purge-unsent-attachments", Interval: time.Hour, Run: func(ctx context.Context) error {
			_, err := st.PurgePendingAttachments(ctx, 24*time.Hour)
			return err
		}},
	}
	if mailer.Configured() {
		list = append(list, jobs.Job{Name: "email-alerts", Interval: 30 * time.Second, Run: func(ctx context.Context) error {
			_, err := deliverEmails(ctx, st, mailer.Send, time.Now(), log)
			return err
		}})
	}
	return list
}
