package mail

import (
	"bufio"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeSMTP is an SMTP server in the test process that accepts every message
// and keeps it.
type fakeSMTP struct {
	ln   net.Listener
	mu   sync.Mutex
	mail []fakeMail
	// auth, when set, is offered, and the server requires it.
	auth bool
}

type fakeMail struct {
	From, To, Data string
}

func startFakeSMTP(t *testing.T, auth bool) *fakeSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSMTP{ln: ln, auth: auth}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go f.serve(conn)
		}
	}()
	return f
}

func (f *fakeSMTP) serve(conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	say := func(s string) { conn.Write([]byte(s + "\r\n")) }
	say("220 fake ESMTP")
	var m fakeMail
	authed := !f.auth
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			if f.auth {
				say("250-fake")
				say("250 AUTH PLAIN")
			} else {
				say("250 fake")
			}
		case strings.HasPrefix(cmd, "AUTH PLAIN"):
			authed = true
			say("235 ok")
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			if !authed {
				say("530 authentication required")
				continue
			}
			m = fakeMail{From: strings.TrimSpace(line[len("MAIL FROM:"):])}
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			m.To = strings.TrimSpace(line[len("RCPT TO:"):])
			say("250 ok")
		case cmd == "DATA":
			say("354 go on")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			m.Data = b.String()
			f.mu.Lock()
			f.mail = append(f.mail, m)
			f.mu.Unlock()
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func (f *fakeSMTP) received() []fakeMail {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeMail(nil), f.mail...)
}

func TestSenderSendsOnlyTheUpdateAndALink(t *testing.T) {
	t.Parallel()
	srv := startFakeSMTP(t, false)
	m := Sender{Addr: srv.ln.Addr().String(), From: "alerts@joinedup.example", BaseURL: "https://joinedup.example/", Timeout: 5 * time.Second}
	if err := m.Send(context.Background(), "gp@practice.example"); err != nil {
		t.Fatal(err)
	}
	got := srv.received()
	if len(got) != 1 {
		t.Fatalf("%d messages", len(got))
	}
	msg := got[0]
	if msg.To != "<gp@practice.example>" || msg.From != "<alerts@joinedup.example>" {
		t.Errorf("envelope = %+v", msg)
	}
	header, body, ok := strings.Cut(msg.Data, "\r\n\r\n")
	if !ok {
		t.Fatalf("no body: %q", msg.Data)
	}
	if !strings.Contains(header, "Subject: You have an update in joinedup\r\n") {
		t.Errorf("header = %q", header)
	}
	if body != "You have an update in joinedup.\r\n\r\nSign in to see it: https://joinedup.example/inbox\r\n" {
		t.Errorf("body = %q", body)
	}
}

func TestSenderRefusesWhatItCannotSendSafely(t *testing.T) {
	t.Parallel()
	srv := startFakeSMTP(t, true)
	addr := srv.ln.Addr().String()
	tests := []struct {
		name string
		m    Sender
		to   string
	}{
		{"not configured", Sender{}, "a@b.example"},
		{"header injection", Sender{Addr: addr, From: "x@y.example"}, "a@b.example\r\nBcc: c@d.example"},
		{"two addresses", Sender{Addr: addr, From: "x@y.example"}, "a@b.example, c@d.example"},
		// net/smtp will not send a password in the clear to another host;
		// 127.0.0.1 counts as this machine, so this one signs in.
		{"server needs signing in", Sender{Addr: addr, From: "x@y.example"}, "a@b.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.m.Send(context.Background(), tt.to); err == nil {
				t.Error("sent")
			}
		})
	}
	signedIn := Sender{Addr: addr, From: "x@y.example", Username: "u", Password: "p", BaseURL: "http://localhost"}
	if err := signedIn.Send(context.Background(), "a@b.example"); err != nil {
		t.Errorf("signing in = %v", err)
	}
}
