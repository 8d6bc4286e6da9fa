package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/mail"
	"github.com/joinedup/joinedup/internal/notify"
	"github.com/joinedup/joinedup/internal/store"
	"github.com/joinedup/joinedup/internal/store/storetest"
)

// smtpSink is a minimal SMTP server in the test process that keeps the
// recipient and text of every message it is given.
type smtpSink struct {
	mu   sync.Mutex
	mail map[string][]string
}

func startSMTPSink(t *testing.T) (string, *smtpSink) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	s := &smtpSink{mail: map[string][]string{}}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(conn)
		}
	}()
	return ln.Addr().String(), s
}

func (s *smtpSink) serve(conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	reply := func(line string) { io.WriteString(conn, line+"\r\n") }
	reply("220 sink")
	to := ""
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
		case strings.HasPrefix(cmd, "RCPT TO:"):
			to = strings.Trim(strings.TrimSpace(line[len("RCPT TO:"):]), "<>")
			reply("250 ok")
		case cmd == "DATA":
			reply("354 go on")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil || l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			s.mu.Lock()
			s.mail[to] = append(s.mail[to], b.String())
			s.mu.Unlock()
			reply("250 queued")
		case cmd == "QUIT":
			reply("221 bye")
			return
		default:
			reply("250 ok")
		}
	}
}

func (s *smtpSink) to(addr string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.mail[addr]...)
}

// TestEmailAlertsAreSentOnceAndSayNothingElse delivers notifications
// through an SMTP server in the test process.
func TestEmailAlertsAreSentOnceAndSayNothingElse(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testEmailAlertsAreSentOnceAndSayNothingElse)
}

func testEmailAlertsAreSentOnceAndSayNothingElse(t *testing.T, st *store.Store) {
	ctx := context.Background()
	sys := care.SystemActor("test")
	org, err := st.CreateOrganisation(ctx, sys, care.Organisation{Name: "Council", Kind: care.OrgLocalAuthority, GSSCode: "E09000012"})
	if err != nil {
		t.Fatal(err)
	}
	team, err := st.CreateTeam(ctx, sys, care.Team{OrganisationID: org.ID, Name: "Team", Kind: "team"})
	if err != nil {
		t.Fatal(err)
	}
	var users []care.User
	for _, email := range []string{"manager@council.example", "worker@council.example"} {
		u, err := st.CreateUser(ctx, sys, store.NewUser{Email: email, Name: email, PasswordHash: "h",
			Memberships: []store.NewMembership{{TeamID: team.ID, Role: care.RoleTeamManager}}})
		if err != nil {
			t.Fatal(err)
		}
		users = append(users, u)
	}
	overdue := notify.ReferralOverdue(users[0].ID, "01a1fc06-17df-7d9a-bf16-bafc03f8031a", "North Locality", care.AcknowledgeStep, care.UrgencyUrgent)
	msgs := []notify.Message{overdue,
		notify.NewReferral(users[0].ID, "01a1fc06-17df-7d9a-bf16-bafc03f8031b", "North Locality", care.UrgencyRoutine),
		notify.NewReferral(users[1].ID, "01a1fc06-17df-7d9a-bf16-bafc03f8031b", "North Locality", care.UrgencyRoutine)}
	if _, err := st.SendNotifications(ctx, sys, msgs); err != nil {
		t.Fatal(err)
	}
	addr, sink := startSMTPSink(t)
	mailer := mail.Sender{Addr: addr, From: "alerts@joinedup.example", BaseURL: "https://joinedup.example", Timeout: 5 * time.Second}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sent, err := deliverEmails(ctx, st, mailer.Send, time.Now(), log)
	if err != nil || sent != 2 {
		t.Fatalf("sent %d: %v", sent, err)
	}
	got := sink.to("manager@council.example")
	if len(got) != 1 {
		t.Fatalf("the manager got %d emails for 2 notifications", len(got))
	}
	_, body, _ := strings.Cut(got[0], "\r\n\r\n")
	if body != mail.AlertBody("https://joinedup.example") || strings.Contains(got[0], "North Locality") || strings.Contains(got[0], "8031A") {
		t.Errorf("the email says more than that there is an update:\n%s", got[0])
	}
	// Nothing is sent twice.
	if sent, err := deliverEmails(ctx, st, mailer.Send, time.Now(), log); err != nil || sent != 0 {
		t.Errorf("second run sent %d: %v", sent, err)
	}
	// A failing server leaves the alert to be tried again.
	if _, err := st.SendNotifications(ctx, sys, []notify.Message{notify.ReferralAssigned(users[1].ID, "01a1fc06-17df-7d9a-bf16-bafc03f8031c", "North Locality")}); err != nil {
		t.Fatal(err)
	}
	broken := mail.Sender{Addr: "127.0.0.1:1", From: "alerts@joinedup.example", Timeout: time.Second}
	if sent, err := deliverEmails(ctx, st, broken.Send, time.Now(), log); err != nil || sent != 0 {
		t.Fatalf("broken server: %d %v", sent, err)
	}
	if sent, err := deliverEmails(ctx, st, mailer.Send, time.Now(), log); err != nil || sent != 1 || len(sink.to("worker@council.example")) != 2 {
		t.Errorf("retry: %d %v", sent, err)
	}
	// Without a server, no email job runs at all.
	for _, j := range referralJobs(st, mail.Sender{}, log) {
		if j.Name == "email-alerts" {
			t.Error("an email job runs with no SMTP server")
		}
	}
}
