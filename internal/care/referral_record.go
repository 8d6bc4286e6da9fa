package care

import (
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds what the referral record needs beyond the workflow: who
// may see a referral at all, how it appears on the person's timeline, the
// reference it goes by in notifications, the rules for attachments, and the
// messages of its thread.

// CanSeeReferral reports whether the actor may see the referral: someone
// who may act for either of its sides (see CanActFor), or joinedup itself.
// A referral is the referrer's and the receiving team's shared piece of
// work, so they keep seeing it after it closes; seeing it never opens the
// rest of the person's record, which follows PersonAccess.
func CanSeeReferral(a Actor, r ReferralTask) bool {
	return a.System || len(r.SidesOf(a)) > 0
}

// ReferralEvent is the timeline event type for a referral reaching status
// to, such as "referral.accepted".
func ReferralEvent(to ReferralStatus) EventType { return EventType("referral." + string(to)) }

// Timeline event types for a referral that are not moves of its status.
const (
	EventReferralMessage  EventType = "referral.message"
	EventReferralAssigned EventType = "referral.assigned"
)

// ReferralReference is the short reference a referral goes by where its
// details must not appear, such as a notification or an email: the last
// eight characters of its id, upper-cased ("Referral 3F9A12BC"). It says
// nothing about the person, and is unique enough for people to tell their
// own referrals apart.
func ReferralReference(id string) string {
	clean := strings.ReplaceAll(id, "-", "")
	if len(clean) > 8 {
		clean = clean[len(clean)-8:]
	}
	return strings.ToUpper(clean)
}

// MaxAttachmentBytes is the largest file that can be attached to a referral
// or a message: enough for a scanned letter or a photograph of a wound.
const MaxAttachmentBytes = 10 << 20

// attachmentTypes are the kinds of file a referral takes, by the media type
// their content shows (never the name or the type the browser claims):
// documents and pictures that open safely in any browser.
var attachmentTypes = map[string]string{
	"application/pdf": "PDF",
	"image/png":       "PNG image",
	"image/jpeg":      "JPEG image",
	"image/gif":       "GIF image",
	"image/webp":      "WebP image",
}

// AttachmentTypeLabel names an allowed media type as people say it, or ""
// when the type is not allowed.
func AttachmentTypeLabel(mediaType string) string { return attachmentTypes[mediaType] }

// CheckAttachment decides whether a file may be attached, given the media
// type its content was found to have and its size. Problems are at the
// field "attachments".
func CheckAttachment(name, detectedType string, size int) error {
	var errs FieldErrors
	shown := CleanFilename(name)
	switch {
	case size == 0:
		errs.Add("attachments", "The file "+shown+" is empty")
	case size > MaxAttachmentBytes:
		errs.Add("attachments", "The file "+shown+" must be smaller than 10 MB")
	case attachmentTypes[detectedType] == "":
		errs.Add("attachments", "The file "+shown+" must be a PDF, JPG, PNG, GIF or WebP")
	}
	return errs.Err()
}

// CleanFilename keeps the last part of a file name as a browser sent it,
// without control characters, quotes or slashes, and at most 100
// characters, so it is safe to show and to send back in a download header.
func CleanFilename(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' || r == '/' || r == ';' || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == ".." {
		return "attachment"
	}
	if utf8.RuneCountInString(name) > 100 {
		r := []rune(name)
		name = string(r[:100])
	}
	return name
}

// ReferralMessageKind says what a message in a referral's thread is.
type ReferralMessageKind string

const (
	MessagePlain ReferralMessageKind = "message"
	// MessageQuestion is the receiving team asking the referrer for
	// information, which puts the referral on hold.
	MessageQuestion ReferralMessageKind = "question"
	// MessageAnswer is the referrer answering a question.
	MessageAnswer ReferralMessageKind = "answer"
)

// Valid reports whether k is a known kind.
func (k ReferralMessageKind) Valid() bool {
	return k == MessagePlain || k == MessageQuestion || k == MessageAnswer
}

// CheckReferralMessage checks the words of a message: something, and not
// more than a page or two. The problem is at the field "body".
func CheckReferralMessage(body string) error {
	var errs FieldErrors
	checkReferralText(&errs, "body", "Your message", body, referralLongText, "Write your message")
	return errs.Err()
}

// ReferralMessageSide is the side the actor writes on in a referral's
// thread: the referrer's side when they may act for it, otherwise the
// receiving team's. Someone whose team refers to itself writes as the
// referrer; ok is false for someone on neither side.
func (r ReferralTask) ReferralMessageSide(a Actor) (side ReferralSide, ok bool) {
	sides := r.SidesOf(a)
	if len(sides) == 0 {
		return "", false
	}
	return sides[0], true
}
