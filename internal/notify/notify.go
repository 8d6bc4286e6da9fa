// Package notify is joinedup's in-app inbox: what a notification is, the
// messages joinedup sends, and the rules every message keeps. Notifications
// are stored by the store package and listed on the inbox page; later
// capabilities (referrals, meetings) send their own kinds through the same
// inbox.
//
// A notification never leaves joinedup: email alerts (package mail) say
// only that there is an update. Still, so that a notification could be
// copied anywhere without harm, a subject and body never contain personal
// data about a person receiving care. They name directory entries,
// referrals by reference, and where to look in joinedup. This package is
// pure: it does no I/O.
package notify

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/joinedup/joinedup/internal/care"
)

// Kind says what a notification is about, so the inbox can group them and
// a later email digest can decide which to send.
type Kind string

const (
	// KindDirectoryReminder asks an entry's owners to check it is still right.
	KindDirectoryReminder Kind = "directory.verify"
)

// Message is a notification to be sent to one user.
type Message struct {
	UserID  string
	Kind    Kind
	Subject string
	Body    string
	// Link is a path in joinedup where the user can act on the message.
	Link string
	// DedupeKey, when set, makes sending idempotent: a user never gets two
	// messages with the same key, so a job that runs again sends nothing new.
	DedupeKey string
}

// Notification is a message as it sits in a user's inbox.
type Notification struct {
	ID      string
	UserID  string
	Kind    Kind
	Subject string
	Body    string
	Link    string
	Created time.Time
	// Read is when the user marked it read; zero while unread.
	Read time.Time
}

// Unread reports whether the user has not yet marked it read.
func (n Notification) Unread() bool { return n.Read.IsZero() }

const (
	maxSubject = 200
	maxBody    = 2000
)

// Validate checks a message before it is stored: it must say something,
// stay short, and link only to a page of joinedup itself.
func (m Message) Validate() error {
	switch {
	case m.UserID == "":
		return care.Errorf(care.KindInvalid, "A notification needs someone to send it to.")
	case m.Kind == "":
		return care.Errorf(care.KindInvalid, "A notification needs a kind.")
	case strings.TrimSpace(m.Subject) == "":
		return care.Errorf(care.KindInvalid, "A notification needs a subject.")
	case utf8.RuneCountInString(m.Subject) > maxSubject || utf8.RuneCountInString(m.Body) > maxBody:
		return care.Errorf(care.KindInvalid, "A notification is too long.")
	case m.Link != "" && (!strings.HasPrefix(m.Link, "/") || strings.HasPrefix(m.Link, "//") || strings.HasPrefix(m.Link, "/\\")):
		return care.Errorf(care.KindInvalid, "A notification may only link to a page of joinedup.")
	}
	return nil
}

// DirectoryEntry names a directory entry for a reminder: only its type, id,
// name and when it was last checked, none of which is about a person.
type DirectoryEntry struct {
	Type       string // "service", "team" or "organisation"
	ID         string
	Name       string
	Link       string
	VerifiedAt time.Time
}

// VerifyReminder asks an owner to check an entry that has become due. Its
// key is the entry and the verification it follows, so each owner is
// reminded once per cycle however often the job runs.
func VerifyReminder(userID string, e DirectoryEntry, loc *time.Location) Message {
	last, key := "have never been confirmed", "never"
	if !e.VerifiedAt.IsZero() {
		last = "were last confirmed on " + e.VerifiedAt.In(loc).Format("2 January 2006")
		key = e.VerifiedAt.UTC().Format(time.RFC3339Nano)
	}
	return Message{
		UserID:  userID,
		Kind:    KindDirectoryReminder,
		Subject: fmt.Sprintf("Check the directory entry for %s", e.Name),
		Body: fmt.Sprintf("The details of %s %s. People rely on the directory to reach the right service: "+
			"check the details, change anything that is wrong, and confirm they are still correct.", e.Name, last),
		Link:      e.Link,
		DedupeKey: "verify:" + e.Type + ":" + e.ID + ":" + key,
	}
}
