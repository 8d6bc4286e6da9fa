// Package mail sends email alerts through an SMTP server. An email leaves
// joinedup's control, so every alert is the same: it says only that there is
// an update and where to sign in, never whom it is about, what happened, or
// any reference that could be looked up without signing in. What the update
// is stays in the in-app inbox (package notify).
package mail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"net"
	"net/smtp"
	"strings"
	"time"
)

// AlertSubject is the subject of every email alert.
const AlertSubject = "You have an update in joinedup"

// AlertBody is the whole text of every email alert: the one sentence and
// a link to the inbox, where the user signs in to see what it is.
func AlertBody(baseURL string) string {
	return "You have an update in joinedup.\r\n\r\nSign in to see it: " + strings.TrimRight(baseURL, "/") + "/inbox\r\n"
}

// Sender sends email alerts through an SMTP server. The zero value sends
// nothing: email is only sent when a server is configured.
type Sender struct {
	// Addr is the server's host:port.
	Addr string
	// From is the sender's address.
	From string
	// Username and Password, when set, sign in with PLAIN authentication,
	// which is only done over TLS (or to a server on this machine).
	Username string
	Password string
	// BaseURL is where users reach joinedup, for the link.
	BaseURL string
	// Timeout bounds one delivery; 0 means 30 seconds.
	Timeout time.Duration
}

// Configured reports whether there is a server to send through.
func (m Sender) Configured() bool { return m.Addr != "" && m.From != "" }

// validAddress accepts one plain address with nothing that could start a
// new header line.
func validAddress(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && at < len(s)-1 && !strings.ContainsAny(s, "\r\n<>,;\" ")
}

// Send emails the alert to one address. It uses STARTTLS whenever the
// server offers it, and refuses to send a password without it.
func (m Sender) Send(ctx context.Context, to string) error {
	if !m.Configured() {
		return fmt.Errorf("no SMTP server is configured")
	}
	if !validAddress(to) || !validAddress(m.From) {
		return fmt.Errorf("not a plain email address")
	}
	timeout := m.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	host, _, err := net.SplitHostPort(m.Addr)
	if err != nil {
		return fmt.Errorf("the SMTP address %q is not host:port", m.Addr)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", m.Addr)
	if err != nil {
		return err
	}
	if deadline, ok := ctx.Deadline(); ok {
		conn.SetDeadline(deadline)
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if err := c.Hello("joinedup"); err != nil {
		return err
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}); err != nil {
			return err
		}
	}
	if m.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", m.Username, m.Password, host)); err != nil {
			return err
		}
	}
	if err := c.Mail(m.From); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	var id [12]byte
	rand.Read(id[:])
	msg := "From: joinedup <" + m.From + ">\r\n" +
		"To: <" + to + ">\r\n" +
		"Subject: " + AlertSubject + "\r\n" +
		"Date: " + time.Now().UTC().Format(time.RFC1123Z) + "\r\n" +
		"Message-ID: <" + hex.EncodeToString(id[:]) + "@joinedup>\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"Auto-Submitted: auto-generated\r\n" +
		"\r\n" + AlertBody(m.BaseURL)
	if _, err := w.Write([]byte(msg)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}
