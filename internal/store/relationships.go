package store

import (
	"context"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

// RelationshipGrant is a relationship another capability gives for a while:
// a team holding an open referral, or an MDT attendee. Exactly one of
// UserID and TeamID is set. Until is zero while it has no end yet.
type RelationshipGrant struct {
	PersonID   string
	Kind       care.GrantKind
	UserID     string
	TeamID     string
	SourceType string // "referral", "mdt_meeting"
	SourceID   string
	From       time.Time
	Until      time.Time
}

// grantRelationship writes a grant inside the caller's transaction. It is
// how referrals and MDT meetings give access: they call it in the same
// transaction as the change that creates the relationship, and
// endRelationships when it ends. The access rules need no change unless a
// new kind should allow something different.
func grantRelationship(ctx context.Context, t *tx, actor care.Actor, g RelationshipGrant) (string, error) {
	if g.Kind != care.GrantOpenReferral && g.Kind != care.GrantMDTAttendee || (g.UserID == "") == (g.TeamID == "") ||
		g.PersonID == "" || g.SourceType == "" || g.SourceID == "" {
		return "", care.Errorf(care.KindInvalid, "A relationship needs a kind, a person, a source, and either a user or a team.")
	}
	if g.From.IsZero() {
		g.From = t.now
	}
	var until any
	if !g.Until.IsZero() {
		until = g.Until
	}
	id := newID()
	if _, err := t.exec(ctx, `INSERT INTO care_relationships (id, person_id, kind, user_id, team_id, source_type, source_id,
		valid_from, valid_until, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, g.PersonID, string(g.Kind), nullString(g.UserID), nullString(g.TeamID), g.SourceType, g.SourceID, g.From, until, t.now); err != nil {
		return "", err
	}
	return id, t.appendAudit(ctx, actor, auditEntry{Action: "relationship.grant", ResourceType: "Consent", ResourceID: id,
		PersonID: g.PersonID, Detail: "kind=" + string(g.Kind) + " source=" + g.SourceType})
}

// endRelationships ends, from now, every open grant a source gave.
func endRelationships(ctx context.Context, t *tx, sourceType, sourceID string) error {
	_, err := t.exec(ctx, `UPDATE care_relationships SET valid_until = ?
		WHERE source_type = ? AND source_id = ? AND (valid_until IS NULL OR valid_until > ?)`, t.now, sourceType, sourceID, t.now)
	return err
}

// GrantRelationship writes a grant on its own. Only joinedup itself may:
// people gain relationships through the care team, referrals and meetings,
// never by asking for one. It exists for imports and tests; the referral
// and MDT capabilities call grantRelationship inside their own transactions.
func (s *Store) GrantRelationship(ctx context.Context, actor care.Actor, g RelationshipGrant) (string, error) {
	if !actor.System {
		return "", s.denied(ctx, actor, auditEntry{Action: "relationship.grant", ResourceType: "Consent", PersonID: g.PersonID},
			care.Errorf(care.KindForbidden, "Relationships are given by referrals, meetings and care teams, not directly."))
	}
	var id string
	err := s.write(ctx, func(t *tx) error {
		var err error
		id, err = grantRelationship(ctx, t, actor, g)
		return err
	})
	return id, err
}

// EndRelationships ends the grants a source gave. Like GrantRelationship it
// is for joinedup itself.
func (s *Store) EndRelationships(ctx context.Context, actor care.Actor, sourceType, sourceID string) error {
	if !actor.System {
		return s.denied(ctx, actor, auditEntry{Action: "relationship.end", ResourceType: "Consent", ResourceID: sourceID},
			care.Errorf(care.KindForbidden, "Relationships are ended by referrals, meetings and care teams, not directly."))
	}
	return s.write(ctx, func(t *tx) error {
		if err := endRelationships(ctx, t, sourceType, sourceID); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "relationship.end", ResourceType: "Consent", ResourceID: sourceID,
			Detail: "source=" + sourceType})
	})
}
