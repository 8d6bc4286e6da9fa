package care

import (
	"math"
	"slices"
	"strconv"
	"time"
)

// This file holds loop closure, whether each referral's outcome got back to
// the referrer, and the response figures a service shows in directory
// results. A figure drawn from too few referrals says "not enough data"
// rather than a number: a median of two is an anecdote, and a small count
// can point at a person.

// ReferralLoop is whether a referral's outcome has come back to the
// referrer.
type ReferralLoop string

const (
	// ReferralLoopNotStarted: a draft, or a draft discarded before sending.
	ReferralLoopNotStarted ReferralLoop = "not-started"
	// ReferralLoopOpen: sent, and the referrer is still waiting to hear
	// how it ended.
	ReferralLoopOpen ReferralLoop = "open"
	// ReferralLoopClosed: the referrer knows how it ended: completed with an
	// outcome, declined with a reason, redirected to a named referral,
	// closed as unable to complete with a reason, or cancelled by the
	// referrer themselves.
	ReferralLoopClosed ReferralLoop = "closed"
	// ReferralLoopVoid: entered in error; it never really existed.
	ReferralLoopVoid ReferralLoop = "void"
)

// Label is the loop state as people say it.
func (l ReferralLoop) Label() string {
	switch l {
	case ReferralLoopNotStarted:
		return "Not sent"
	case ReferralLoopOpen:
		return "Waiting for the outcome"
	case ReferralLoopClosed:
		return "Outcome returned"
	case ReferralLoopVoid:
		return "Entered in error"
	}
	return string(l)
}

// Loop reports whether the referral's outcome has come back to the
// referrer. A terminal status only closes the loop if it carries what the
// referrer needs to hear, so a referral closed without its outcome, reason
// or target stays open and keeps showing as such.
func (r ReferralTask) Loop() ReferralLoop {
	switch r.Status {
	case ReferralEnteredInError:
		return ReferralLoopVoid
	case ReferralDraft:
		return ReferralLoopNotStarted
	case ReferralCancelled:
		if r.SentAt.IsZero() {
			return ReferralLoopNotStarted
		}
		return ReferralLoopClosed
	case ReferralCompleted:
		if r.Outcome.Valid() && r.OutcomeSummary != "" {
			return ReferralLoopClosed
		}
	case ReferralRejected:
		if ReferralRejectReason(r.StatusReason).Valid() {
			return ReferralLoopClosed
		}
	case ReferralRedirected:
		if r.RedirectedTo.ReferralID != "" {
			return ReferralLoopClosed
		}
	case ReferralFailed:
		if ReferralFailReason(r.StatusReason).Valid() {
			return ReferralLoopClosed
		}
	}
	return ReferralLoopOpen
}

// LoopClosed reports whether the referral's outcome has come back to the
// referrer (see Loop).
func (r ReferralTask) LoopClosed() bool { return r.Loop() == ReferralLoopClosed }

// The response figures' rules: a figure needs at least
// ReferralFiguresMinimum referrals behind it, drawn from those sent in the
// last ReferralFiguresWindowDays days.
const (
	ReferralFiguresMinimum    = 5
	ReferralFiguresWindowDays = 90
)

// WorkingTimeMedian is a median length of working time, or "not enough
// data". Its number can only be read through Value, which says whether
// there is one.
type WorkingTimeMedian struct {
	sample int
	median time.Duration
}

// Sample is how many referrals the median was taken over.
func (m WorkingTimeMedian) Sample() int { return m.sample }

// Value returns the median and true, or false when there were fewer than
// ReferralFiguresMinimum referrals.
func (m WorkingTimeMedian) Value() (time.Duration, bool) {
	if m.sample < ReferralFiguresMinimum {
		return 0, false
	}
	return m.median, true
}

// String says the median in working hours ("3.5 working hours"), or "Not
// enough data".
func (m WorkingTimeMedian) String() string {
	d, ok := m.Value()
	if !ok {
		return "Not enough data"
	}
	h := math.Round(d.Hours()*10) / 10
	switch {
	case h == 0:
		return "Less than 0.1 working hours"
	case h == 1:
		return "1 working hour"
	}
	return strconv.FormatFloat(h, 'f', -1, 64) + " working hours"
}

func medianOf(ds []time.Duration) WorkingTimeMedian {
	if len(ds) == 0 {
		return WorkingTimeMedian{}
	}
	slices.Sort(ds)
	mid := len(ds) / 2
	m := ds[mid]
	if len(ds)%2 == 0 {
		m = ds[mid-1] + (ds[mid]-ds[mid-1])/2
	}
	return WorkingTimeMedian{sample: len(ds), median: m}
}

// ReferralShare is the share of a set of referrals that did something, or
// "not enough data".
type ReferralShare struct {
	part, sample int
}

// Sample is how many referrals the share was taken over.
func (s ReferralShare) Sample() int { return s.sample }

// Value returns the share, from 0 to 1, and true, or false when there were
// fewer than ReferralFiguresMinimum referrals.
func (s ReferralShare) Value() (float64, bool) {
	if s.sample < ReferralFiguresMinimum {
		return 0, false
	}
	return float64(s.part) / float64(s.sample), true
}

// Percent returns the share as a whole percentage and true, or false when
// there is not enough data.
func (s ReferralShare) Percent() (int, bool) {
	v, ok := s.Value()
	return int(math.Round(v * 100)), ok
}

// String says the share as a percentage ("80%"), or "Not enough data".
func (s ReferralShare) String() string {
	p, ok := s.Percent()
	if !ok {
		return "Not enough data"
	}
	return strconv.Itoa(p) + "%"
}

// ReferralFigures are one service's response figures.
type ReferralFigures struct {
	// Since and Until bound the referrals counted: those sent after Since
	// and no later than Until.
	Since, Until time.Time
	// Acknowledge is the median working time from sending to the first
	// response, over the referrals that have had one.
	Acknowledge WorkingTimeMedian
	// Decide is the median working time from sending to the decision, over
	// the referrals decided, holds included: it is how long referrers
	// actually waited.
	Decide WorkingTimeMedian
	// Accepted is the share of the decided referrals that were accepted,
	// rather than declined or redirected.
	Accepted ReferralShare
}

// ReferralResponseFigures works out the response figures over refs, which
// are the referrals sent to one service, at now: those sent in the last 90
// days count, except drafts and those entered in error. A referral counts
// towards each figure once it has reached the step the figure measures, so
// a referral still waiting is not yet in the medians; the overdue flags
// show those.
func ReferralResponseFigures(refs []ReferralTask, cal *Calendar, now time.Time) ReferralFigures {
	since := now.AddDate(0, 0, -ReferralFiguresWindowDays)
	var ack, dec []time.Duration
	var accepted int
	for _, r := range refs {
		if r.SentAt.IsZero() || r.Status == ReferralEnteredInError ||
			!r.SentAt.After(since) || r.SentAt.After(now) {
			continue
		}
		if !r.AcknowledgedAt.IsZero() {
			ack = append(ack, cal.WorkingDurationBetween(r.SentAt, r.AcknowledgedAt))
		}
		if !r.DecidedAt.IsZero() {
			dec = append(dec, cal.WorkingDurationBetween(r.SentAt, r.DecidedAt))
			if r.Decision == ReferralAccepted {
				accepted++
			}
		}
	}
	return ReferralFigures{
		Since: since, Until: now,
		Acknowledge: medianOf(ack),
		Decide:      medianOf(dec),
		Accepted:    ReferralShare{part: accepted, sample: len(dec)},
	}
}

// MissingInfoCount is how many referrals lacked one kind of information.
type MissingInfoCount struct {
	Category ReferralMissingInfo
	Count    int
}

// CountMissingInfo counts the receiving teams' feedback over refs: the
// categories marked at least once, most often marked first, ties in the
// order the feedback form lists them. Referrals entered in error are left
// out. The caller chooses the referrals (one service, a period).
func CountMissingInfo(refs []ReferralTask) []MissingInfoCount {
	counts := make([]MissingInfoCount, len(missingInfoCategories))
	for i, c := range missingInfoCategories {
		counts[i].Category = ReferralMissingInfo(c.Code)
	}
	for _, r := range refs {
		if r.Status == ReferralEnteredInError {
			continue
		}
		for i := range counts {
			if slices.Contains(r.MissingInfo, counts[i].Category) {
				counts[i].Count++
			}
		}
	}
	counts = slices.DeleteFunc(counts, func(c MissingInfoCount) bool { return c.Count == 0 })
	slices.SortStableFunc(counts, func(a, b MissingInfoCount) int { return b.Count - a.Count })
	return counts
}
