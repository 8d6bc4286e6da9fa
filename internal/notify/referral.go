package notify

import (
	"fmt"

	"github.com/joinedup/joinedup/internal/care"
)

// Notification kinds for referrals. Like every message, they name the
// referral only by its reference and the directory service it went to:
// never the person, and never anything typed about them.
const (
	KindReferralNew     Kind = "referral.new"
	KindReferralUpdate  Kind = "referral.update"
	KindReferralOutcome Kind = "referral.outcome"
	KindReferralMessage Kind = "referral.message"
	KindReferralAssign  Kind = "referral.assigned"
	KindReferralOverdue Kind = "referral.overdue"
)

func referralLink(id string) string { return "/referrals/" + id }

// NewReferral tells someone in the receiving team that a referral has
// arrived.
func NewReferral(userID, referralID, service string, urgency care.ReferralUrgency) Message {
	ref := care.ReferralReference(referralID)
	return Message{
		UserID: userID, Kind: KindReferralNew, Link: referralLink(referralID),
		Subject: fmt.Sprintf("New %s referral %s to %s", lower(urgency.Label()), ref, service),
		Body:    "Open the referral to acknowledge it, ask the referrer a question, or decide on it.",
	}
}

// ReferralUpdate tells one side that the other has moved the referral on:
// headline is the change ("Accepted", "Put on hold"). When the change
// brought the outcome back to the referrer, it says so.
func ReferralUpdate(userID, referralID, service, headline string, outcome bool) Message {
	ref := care.ReferralReference(referralID)
	m := Message{
		UserID: userID, Kind: KindReferralUpdate, Link: referralLink(referralID),
		Subject: fmt.Sprintf("Referral %s to %s: %s", ref, service, lower(headline)),
		Body:    "Open the referral to see what changed and why.",
	}
	if outcome {
		m.Kind = KindReferralOutcome
		m.Body = "The outcome of your referral is back. Open the referral to read it."
	}
	return m
}

// ReferralMessage tells one side that the other has written in the
// referral's thread.
func ReferralMessage(userID, referralID, service string, answer bool) Message {
	ref := care.ReferralReference(referralID)
	what := "New message"
	if answer {
		what = "Answer to your question"
	}
	return Message{
		UserID: userID, Kind: KindReferralMessage, Link: referralLink(referralID),
		Subject: fmt.Sprintf("%s about referral %s to %s", what, ref, service),
		Body:    "Open the referral to read it and reply.",
	}
}

// ReferralAssigned tells someone they now hold a referral.
func ReferralAssigned(userID, referralID, service string) Message {
	ref := care.ReferralReference(referralID)
	return Message{
		UserID: userID, Kind: KindReferralAssign, Link: referralLink(referralID),
		Subject: fmt.Sprintf("Referral %s to %s is now yours", ref, service),
		Body:    "You hold this referral until it is decided or passed to someone else.",
	}
}

// ReferralOverdue escalates a missed response target to a manager of the
// receiving team. Its key makes it once per referral and step.
func ReferralOverdue(userID, referralID, service string, step care.ReferralStep, urgency care.ReferralUrgency) Message {
	ref := care.ReferralReference(referralID)
	return Message{
		UserID: userID, Kind: KindReferralOverdue, Link: referralLink(referralID),
		Subject: fmt.Sprintf("Overdue: %s referral %s to %s", lower(urgency.Label()), ref, service),
		Body: fmt.Sprintf("%s. The target was missed and the person who referred is still waiting: "+
			"make sure someone in your team picks it up.", step.Missed()),
		DedupeKey: "overdue:" + referralID + ":" + string(step),
	}
}

func lower(s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	if b[0] >= 'A' && b[0] <= 'Z' {
		b[0] += 'a' - 'A'
	}
	return string(b)
}
