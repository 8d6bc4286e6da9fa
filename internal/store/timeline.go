package store

import (
	"context"

	"github.com/joinedup/joinedup/internal/care"
)

// appendTimeline writes a timeline event inside the caller's transaction, so
// the event exists exactly when the change it describes does. Every
// capability that changes something about a person calls it with its own
// event type and a visibility the access rules understand.
func appendTimeline(ctx context.Context, t *tx, actor care.Actor, ev care.TimelineEvent) error {
	ev.ID, ev.At = newID(), t.now
	if ev.Visibility == "" {
		ev.Visibility = care.VisibleToRecord
	}
	name, team := actor.Name, actorTeam(actor)
	if actor.System {
		name, team = "joinedup", ""
	}
	_, err := t.exec(ctx, `INSERT INTO timeline_events (id, person_id, occurred_at, type, summary, actor_user_id,
		actor_name, actor_team, visibility, link) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ev.ID, ev.PersonID, ev.At, string(ev.Type), ev.Summary, auditUserID(actor), name, team, string(ev.Visibility), ev.Link)
	return err
}

// actorTeam names the team and organisation someone acts for, as pages
// show it beside their name.
func actorTeam(a care.Actor) string {
	if a.Acting.TeamName == "" {
		return a.Acting.OrgName
	}
	if a.Acting.OrgName == "" || a.Acting.OrgName == a.Acting.TeamName {
		return a.Acting.TeamName
	}
	return a.Acting.TeamName + ", " + a.Acting.OrgName
}

// maxTimeline bounds one page of the timeline.
const maxTimeline = 500

// Timeline returns the person's record header and the events the actor may
// see, newest first. The read is audited, naming how many events were shown
// and how many withheld.
func (s *Store) Timeline(ctx context.Context, actor care.Actor, personID string) (care.PersonRecord, []care.TimelineEvent, error) {
	var rec care.PersonRecord
	var events []care.TimelineEvent
	err := s.personWrite(ctx, actor, func(t *tx) error {
		a, err := findAccess(ctx, t, actor, personID)
		if err != nil {
			return err
		}
		if a.level != care.AccessFull {
			return refuse("person.read.timeline", "Patient", personID, personID, "no-relationship-or-objection", errCannotSeeDetails(a.level))
		}
		rec = care.PersonRecord{Person: a.person, Access: a.level, Relationships: a.rel, BreakGlassUntil: a.breakGlassUntil}.WithPermissions(actor)
		rows, err := t.query(ctx, `SELECT id, occurred_at, type, summary, actor_name, actor_team, visibility, link
			FROM timeline_events WHERE person_id = ? ORDER BY occurred_at DESC, id DESC LIMIT ?`, personID, maxTimeline)
		if err != nil {
			return err
		}
		withheld := 0
		for rows.Next() {
			ev := care.TimelineEvent{PersonID: personID}
			var typ, vis string
			if err := rows.Scan(&ev.ID, &ev.At, &typ, &ev.Summary, &ev.ActorName, &ev.ActorTeam, &vis, &ev.Link); err != nil {
				rows.Close()
				return err
			}
			ev.Type, ev.Visibility = care.EventType(typ), care.Visibility(vis)
			if !actor.System && !care.CanSeeEvent(actor, a.level, ev.Visibility) {
				withheld++
				continue
			}
			events = append(events, ev)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "person.read.timeline", ResourceType: "Patient", ResourceID: personID,
			PersonID: personID, Detail: "parts=timeline:" + itoa(len(events)) + "-shown:" + itoa(withheld) + "-withheld " + a.via(actor)})
	})
	return rec, events, err
}

// errCannotSeeDetails explains a refusal: no relationship, or an objection that
// limits the actor to knowing the record exists.
func errCannotSeeDetails(level care.AccessLevel) error {
	if level == care.AccessExistence {
		return care.Errorf(care.KindForbidden, "This person has objected to sharing their record, so you cannot see it. Contact their GP practice.")
	}
	return errNoRelationship()
}
