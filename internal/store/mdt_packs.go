package store

import (
	"context"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

// This file builds pre-read packs: each is built when it is opened, from
// the person's record as it is then, by the section builders in
// packBuilders, and each opening is recorded so the agenda can show how
// many invitees read it beforehand.

// maxPackEvents is how many recent timeline events a pack shows.
const maxPackEvents = 10

// packBuilder adds one section to a pack from the record. Each capability
// that has something an MDT should read adds its builder to packBuilders.
type packBuilder func(ctx context.Context, t *tx, actor care.Actor, a access, pack *care.PreReadPack) error

var packBuilders = []packBuilder{packPlan, packReferrals, packActions, packTimeline}

// MDTPack builds an item's pre-read pack from the person's record as it is
// now, records that the actor opened it, and audits the read. Invitees read
// it through the relationship the agenda gives them.
func (s *Store) MDTPack(ctx context.Context, actor care.Actor, meetingID, itemID string) (care.PreReadPack, MDTMeetingSummary, error) {
	var pack care.PreReadPack
	var summary MDTMeetingSummary
	err := s.meetingWrite(ctx, actor, func(t *tx) error {
		m, _, _, err := meetingFor(ctx, t, actor, meetingID, care.MeetingReadPack, "mdt.pack.read")
		if err != nil {
			return err
		}
		summary = m.MDTMeetingSummary
		it, err := findItem(ctx, t, meetingID, itemID)
		if err != nil {
			return err
		}
		a, err := findAccess(ctx, t, actor, it.PersonID)
		if err != nil {
			return err
		}
		if a.level != care.AccessFull {
			return refuse("mdt.pack.read", "Patient", it.PersonID, it.PersonID, "no-relationship-or-objection", errCannotSeeDetails(a.level))
		}
		pack = care.PreReadPack{Item: it.MDTAgendaItem, Person: a.person}
		for _, build := range packBuilders {
			if err := build(ctx, t, actor, a, &pack); err != nil {
				return err
			}
		}
		if _, err := t.exec(ctx, `INSERT INTO mdt_pack_opens (id, item_id, user_id, opened_at) VALUES (?, ?, ?, ?)`,
			newID(), itemID, auditUserID(actor), t.now); err != nil {
			return err
		}
		keys := make([]string, len(pack.Sections))
		for i, sec := range pack.Sections {
			keys[i] = sec.Key
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "mdt.pack.read", ResourceType: "Patient", ResourceID: it.PersonID,
			PersonID: it.PersonID, Detail: "parts=" + strings.Join(keys, ",") + " item=" + itemID + " " + a.via(actor)})
	})
	return pack, summary, err
}

// packPlan summarises the care and support plan: goals, needs, the
// contingency plan and the review date.
func packPlan(ctx context.Context, t *tx, actor care.Actor, a access, pack *care.PreReadPack) error {
	sections, err := findSections(ctx, t, a.person.ID)
	if err != nil {
		return err
	}
	sec := care.PackSection{Key: "plan", Title: "Care and support plan", None: "There is no care and support plan yet."}
	for _, spec := range care.PlanSections() {
		saved, ok := sections[spec.Key]
		if !ok {
			continue
		}
		for _, f := range spec.Fields {
			v := strings.TrimSpace(saved.Fields[f.Name])
			if v == "" {
				continue
			}
			if f.Kind == care.FieldDate {
				v = care.ReadableDate(v)
			}
			sec.Lines = append(sec.Lines, care.PackLine{Label: f.Label, Text: v})
		}
	}
	if len(sec.Lines) > 0 {
		sec.Lines = append(sec.Lines, care.PackLine{Text: "The whole plan", Link: "/people/" + a.person.ID + "/plan"})
	}
	pack.Sections = append(pack.Sections, sec)
	return nil
}

// packActions lists what is still to do for the person: open actions of the
// plan and of earlier meetings, overdue ones flagged.
func packActions(ctx context.Context, t *tx, actor care.Actor, a access, pack *care.PreReadPack) error {
	sec := care.PackSection{Key: "actions", Title: "Open actions", None: "No open actions."}
	plan, err := findActions(ctx, t, a.person.ID)
	if err != nil {
		return err
	}
	today := care.CivilDateOf(t.now.In(t.cal.Location())).String()
	for _, p := range plan {
		if !p.Status.Open() {
			continue
		}
		line := care.PackLine{Label: "Plan: " + p.OwnerLabel + ", due " + care.ReadableDate(p.DueDate), Text: p.Description}
		if p.DueDate != "" && p.DueDate < today {
			line.Flag = "Overdue"
		}
		sec.Lines = append(sec.Lines, line)
	}
	mdt, err := findActionViews(ctx, t, actor, `a.person_id = ? AND a.status = ?`, a.person.ID, string(care.MDTActionOpen))
	if err != nil {
		return err
	}
	for _, v := range mdt {
		line := care.PackLine{Label: "MDT: " + v.OwnerLabel + ", due " + care.ReadableDate(v.Action.Due.String()), Text: v.Action.Description}
		if v.Overdue {
			line.Flag = "Overdue"
		}
		sec.Lines = append(sec.Lines, line)
	}
	pack.Sections = append(pack.Sections, sec)
	return nil
}

// packTimeline lists the latest timeline events the actor may see.
func packTimeline(ctx context.Context, t *tx, actor care.Actor, a access, pack *care.PreReadPack) error {
	sec := care.PackSection{Key: "timeline", Title: "Recent events", None: "Nothing has happened yet."}
	rows, err := t.query(ctx, `SELECT occurred_at, summary, actor_name, visibility FROM timeline_events WHERE person_id = ?
		ORDER BY occurred_at DESC, id DESC LIMIT ?`, a.person.ID, 4*maxPackEvents)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() && len(sec.Lines) < maxPackEvents {
		var at time.Time
		var summary, by, vis string
		if err := rows.Scan(&at, &summary, &by, &vis); err != nil {
			return err
		}
		if !actor.System && !care.CanSeeEvent(actor, a.level, care.Visibility(vis)) {
			continue
		}
		sec.Lines = append(sec.Lines, care.PackLine{Label: by, Text: summary, At: at.UTC()})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(sec.Lines) > 0 {
		sec.Lines = append(sec.Lines, care.PackLine{Text: "The whole timeline", Link: "/people/" + a.person.ID + "/timeline"})
	}
	pack.Sections = append(pack.Sections, sec)
	return nil
}
