// Package audit defines joinedup's tamper-evident audit trail: what an audit
// event records, how each event is digested, how sealed events are chained,
// and how a chain is verified. Storage lives in the store package; this
// package only holds the rules, so they can be tested without a database.
//
// The design (see docs/security.md) keeps the chain from becoming a global
// lock. A business transaction appends its events unsealed, each carrying a
// digest of its own content. A sealing step, run shortly afterwards by any
// instance, takes the unsealed events in order, gives each the next sequence
// number and a chain hash that covers the previous chain hash, and moves the
// chain head forward. Verification recomputes every digest and chain hash,
// checks the sequence has no gaps and ends at the head, and accepts only a
// short tail of recent unsealed events.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// Outcome says how an attempt ended.
type Outcome string

const (
	OutcomeSuccess Outcome = "success"
	OutcomeDenied  Outcome = "denied"
	OutcomeFailure Outcome = "failure"
)

// Event is one audited action: who did what, to which resource and person,
// when, from where, why, and how it ended.
type Event struct {
	ID           string
	At           time.Time
	UserID       string
	Role         string
	TeamID       string
	Action       string
	ResourceType string
	ResourceID   string
	// PersonID is set whenever the action concerns a person's record, so the
	// person's own access log can be built from it.
	PersonID string
	IP       string
	// Reason is the stated reason where one is required, such as break-glass.
	Reason  string
	Outcome Outcome
	// Detail says more about what happened, for example which parts of a
	// record were shown. It never holds free text typed about a person.
	Detail string
}

// digestVersion is written into every digest so the canonical encoding can
// change in future without making old rows look tampered.
const digestVersion = "v1"

// Digest is the SHA-256 of the event's canonical encoding, in hex. Every
// field is included, so editing any field of a stored row changes it.
func Digest(e Event) string {
	var b strings.Builder
	b.WriteString(digestVersion)
	for _, f := range []string{
		e.ID, e.At.UTC().Format(time.RFC3339Nano), e.UserID, e.Role, e.TeamID, e.Action,
		e.ResourceType, e.ResourceID, e.PersonID, e.IP, e.Reason, string(e.Outcome), e.Detail,
	} {
		// Length-prefixing each field makes the encoding unambiguous: no
		// choice of field values can produce the same bytes as another.
		b.WriteByte('|')
		b.WriteString(strconv.Itoa(len(f)))
		b.WriteByte(':')
		b.WriteString(f)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// GenesisHash is the chain hash before the first sealed event.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// ChainHash links a sealed event to everything sealed before it.
func ChainHash(prev string, seq int64, digest string) string {
	sum := sha256.Sum256([]byte(prev + "|" + strconv.FormatInt(seq, 10) + "|" + digest))
	return hex.EncodeToString(sum[:])
}

// Origin is where a request came from. The web layer puts it in the request
// context so every audit event written while serving the request records it.
type Origin struct {
	IP string
}

type originKey struct{}

// WithOrigin returns a context carrying the request's origin.
func WithOrigin(ctx context.Context, o Origin) context.Context {
	return context.WithValue(ctx, originKey{}, o)
}

// OriginFrom returns the origin stored in ctx, or the zero Origin for work
// that did not come from a request (jobs, the command line).
func OriginFrom(ctx context.Context) Origin {
	o, _ := ctx.Value(originKey{}).(Origin)
	return o
}
