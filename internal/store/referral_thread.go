package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"slices"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/notify"
)

// This file keeps what a referral's page shows beside the referral itself:
// its history, its escalations, its message thread with read receipts, and
// the files attached to it or to its messages.

// Attachment is a file sent with a referral or a message. Content is only
// loaded to download the file.
type Attachment struct {
	ID          string
	ReferralID  string
	MessageID   string
	Filename    string
	ContentType string
	Size        int
	UploadedAt  time.Time
	Content     []byte
}

// TypeLabel names the kind of file, such as "PDF".
func (a Attachment) TypeLabel() string { return care.AttachmentTypeLabel(a.ContentType) }

// SizeText says the size as people read it, such as "1.2 MB".
func (a Attachment) SizeText() string {
	switch {
	case a.Size >= 1<<20:
		return itoa(a.Size*10/(1<<20)/10) + "." + itoa(a.Size*10/(1<<20)%10) + " MB"
	case a.Size >= 1<<10:
		return itoa(a.Size/(1<<10)) + " KB"
	}
	return itoa(a.Size) + " bytes"
}

// MessageRead is a read receipt: who on the other side read a message.
type MessageRead struct {
	Name string
	At   time.Time
}

// ReferralMessage is one message in a referral's thread.
type ReferralMessage struct {
	ID           string
	Side         care.ReferralSide
	Kind         care.ReferralMessageKind
	AuthorUserID string
	AuthorName   string
	AuthorTeam   string
	Body         string
	SentAt       time.Time
	Reads        []MessageRead
	Attachments  []Attachment
}

// HistoryEntry is one change in a referral's history, with the names a
// page needs.
type HistoryEntry struct {
	care.ReferralTransition
	AssignedName  string
	TargetService string
}

// EscalationEntry is a missed target that was escalated to managers.
type EscalationEntry struct {
	Step         care.ReferralStep
	Deadline     time.Time
	At           time.Time
	ManagersTold int
}

// ReferralView is a referral as its page shows it.
type ReferralView struct {
	Task care.ReferralTask
	// Person is who the referral is about: identity only.
	Person                      care.Person
	ServiceName                 string
	ToTeamName, ToOrgName       string
	FromTeamName, FromOrgName   string
	ReferrerName, AssignedName  string
	RedirectedToService         string
	RedirectedFromService       string
	Targets                     care.ReferralTargets
	History                     []HistoryEntry
	Escalations                 []EscalationEntry
	Messages                    []ReferralMessage
	Attachments                 []Attachment
	Members                     []TeamMember
	LoopClosedAt, OutcomeSeenAt time.Time
	Now                         time.Time
	Deadlines                   care.ReferralDeadlines
	HasDeadlines                bool
	Overdue                     []care.ReferralStep
	Wait                        care.ReferralWait
	UnreadForActor              int
	AnsweredSinceQuestion       bool
	OutcomeSeenNow              bool
	FromOrgPhone, ToTeamPhone   string
	ServiceMustInclude          string
	ServiceOrganisationID       string
}

func nameOf(ctx context.Context, t *tx, query, id string) (string, error) {
	if id == "" {
		return "", nil
	}
	var name sql.NullString
	err := t.queryRow(ctx, query, id).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return name.String, err
}

const (
	userNameQuery    = `SELECT display_name FROM users WHERE id = ?`
	teamNameQuery    = `SELECT name FROM teams WHERE id = ?`
	orgNameQuery     = `SELECT name FROM organisations WHERE id = ?`
	serviceNameQuery = `SELECT name FROM services WHERE id = ?`
)

// findReferralHeading loads a referral for someone on one of its sides,
// with who it is about (identity only) and the service it was sent to:
// what every page about a referral shows.
func findReferralHeading(ctx context.Context, t *tx, actor care.Actor, id string) (ReferralView, referralRow, error) {
	row, err := findReferral(ctx, t, id)
	if err != nil {
		return ReferralView{}, row, err
	}
	r := row.task
	if !care.CanSeeReferral(actor, r) {
		return ReferralView{}, row, refuse("referral.read", "Task", r.ID, r.PersonID, "not-on-side", errNoReferralAccess())
	}
	v := ReferralView{Task: r, LoopClosedAt: row.loopClosedAt, OutcomeSeenAt: row.outcomeSeenAt, Now: t.now}
	p, err := findPerson(ctx, t, r.PersonID)
	if err != nil {
		return v, row, err
	}
	v.Person = care.Person{ID: p.ID, NHSNumber: p.NHSNumber, GivenName: p.GivenName, FamilyName: p.FamilyName,
		DateOfBirth: p.DateOfBirth, Postcode: p.Postcode, RegisteredPracticeID: p.RegisteredPracticeID}
	v.ServiceName, err = nameOf(ctx, t, serviceNameQuery, r.ServiceID)
	return v, row, err
}

// auditReferralRead records that the actor looked at a referral, and on
// which of its sides.
func auditReferralRead(ctx context.Context, t *tx, actor care.Actor, r care.ReferralTask) error {
	detail := "sides="
	for i, sd := range r.SidesOf(actor) {
		if i > 0 {
			detail += "+"
		}
		detail += string(sd)
	}
	return t.appendAudit(ctx, actor, auditEntry{Action: "referral.read", ResourceType: "Task", ResourceID: r.ID,
		PersonID: r.PersonID, Detail: detail})
}

// ReferralHeading loads what a form that acts on a referral shows: the
// referral itself, who it is about and the service it was sent to; the
// rest of the view is left empty. Unlike Referral it changes nothing: no
// message is marked read and no outcome seen. The read is audited.
func (s *Store) ReferralHeading(ctx context.Context, actor care.Actor, id string) (ReferralView, error) {
	var v ReferralView
	err := s.readAudited(ctx, actor, func(t *tx) error {
		var err error
		if v, _, err = findReferralHeading(ctx, t, actor, id); err != nil {
			return err
		}
		return auditReferralRead(ctx, t, actor, v.Task)
	})
	return v, err
}

// Referral loads a referral for its page, for someone on one of its sides.
// Looking at it marks the other side's messages read by the actor, and,
// once the outcome is back, records that the referring side has seen it.
// The read is audited against the person.
func (s *Store) Referral(ctx context.Context, actor care.Actor, id string) (ReferralView, error) {
	var v ReferralView
	err := s.personWrite(ctx, actor, func(t *tx) error {
		var row referralRow
		var err error
		if v, row, err = findReferralHeading(ctx, t, actor, id); err != nil {
			return err
		}
		r := row.task
		for _, n := range []struct {
			dst         *string
			query, from string
		}{
			{&v.ToTeamName, teamNameQuery, r.ToTeamID},
			{&v.ToOrgName, orgNameQuery, r.ToOrgID}, {&v.FromTeamName, teamNameQuery, r.FromTeamID},
			{&v.FromOrgName, orgNameQuery, r.FromOrgID}, {&v.ReferrerName, userNameQuery, r.ReferrerUserID},
			{&v.AssignedName, userNameQuery, r.AssignedTo}, {&v.RedirectedToService, serviceNameQuery, r.RedirectedTo.ServiceID},
			{&v.ToTeamPhone, `SELECT phone FROM teams WHERE id = ?`, r.ToTeamID},
			{&v.FromOrgPhone, `SELECT phone FROM organisations WHERE id = ?`, r.FromOrgID},
		} {
			if *n.dst, err = nameOf(ctx, t, n.query, n.from); err != nil {
				return err
			}
		}
		if r.RedirectedFrom != "" {
			if v.RedirectedFromService, err = nameOf(ctx, t, `SELECT s.name FROM referrals r JOIN services s ON s.id = r.service_id WHERE r.id = ?`, r.RedirectedFrom); err != nil {
				return err
			}
		}
		sv, err := findService(ctx, t, r.ServiceID)
		if err != nil {
			return err
		}
		v.ServiceMustInclude, v.ServiceOrganisationID = sv.Referral.MustInclude, sv.OrganisationID
		if v.Targets, _, err = findTargets(ctx, t, r.ServiceID); err != nil {
			return err
		}
		v.Deadlines, v.HasDeadlines = r.Deadlines(t.cal, v.Targets)
		v.Overdue = r.Overdue(t.cal, v.Targets, t.now)
		v.Wait = r.Wait(t.cal, t.now)
		history, err := findTransitions(ctx, t, r.ID)
		if err != nil {
			return err
		}
		for _, h := range history {
			e := HistoryEntry{ReferralTransition: h}
			if h.Assignment {
				if e.AssignedName, err = nameOf(ctx, t, userNameQuery, h.AssignedTo); err != nil {
					return err
				}
			}
			if h.Target.ReferralID != "" {
				if e.TargetService, err = nameOf(ctx, t, `SELECT s.name FROM referrals r JOIN services s ON s.id = r.service_id WHERE r.id = ?`, h.Target.ReferralID); err != nil {
					return err
				}
			}
			v.History = append(v.History, e)
		}
		if v.Escalations, err = findEscalations(ctx, t, r.ID); err != nil {
			return err
		}
		side, _ := r.ReferralMessageSide(actor)
		if err := markMessagesRead(ctx, t, actor, r.ID, side); err != nil {
			return err
		}
		if v.Messages, err = findMessages(ctx, t, r.ID); err != nil {
			return err
		}
		if v.Attachments, err = findAttachments(ctx, t, `WHERE referral_id = ? AND message_id IS NULL`, r.ID); err != nil {
			return err
		}
		for _, m := range v.Messages {
			switch {
			case m.Kind == care.MessageQuestion:
				v.AnsweredSinceQuestion = false
			case m.Side == care.ReferrerSide:
				v.AnsweredSinceQuestion = true
			}
		}
		if slices.Contains(r.SidesOf(actor), care.ReceiverSide) {
			if v.Members, err = referralTeamMembers(ctx, t, r.ToTeamID); err != nil {
				return err
			}
		}
		if r.LoopClosed() && row.outcomeSeenAt.IsZero() && r.CanActFor(actor, care.ReferrerSide) {
			if _, err := t.exec(ctx, `UPDATE referrals SET outcome_seen_at = ? WHERE id = ? AND outcome_seen_at IS NULL`, t.now, r.ID); err != nil {
				return err
			}
			v.OutcomeSeenAt, v.OutcomeSeenNow = t.now, true
		}
		return auditReferralRead(ctx, t, actor, r)
	})
	return v, err
}

func findEscalations(ctx context.Context, t *tx, id string) ([]EscalationEntry, error) {
	rows, err := t.query(ctx, `SELECT step, deadline, escalated_at, managers_told FROM referral_escalations
		WHERE referral_id = ? ORDER BY escalated_at, step`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []EscalationEntry
	for rows.Next() {
		var e EscalationEntry
		var step string
		if err := rows.Scan(&step, &e.Deadline, &e.At, &e.ManagersTold); err != nil {
			return nil, err
		}
		e.Step, e.Deadline, e.At = care.ReferralStep(step), e.Deadline.UTC(), e.At.UTC()
		list = append(list, e)
	}
	return list, rows.Err()
}

// insertMessage adds a message to a referral's thread.
func insertMessage(ctx context.Context, t *tx, actor care.Actor, r care.ReferralTask, side care.ReferralSide, kind care.ReferralMessageKind, body string) (string, error) {
	id := newID()
	_, err := t.exec(ctx, `INSERT INTO referral_messages (id, referral_id, sent_at, side, kind, author_user_id, author_name,
		author_team, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, r.ID, t.now, string(side), string(kind), actor.UserID, actor.Name, actorTeam(actor), body)
	return id, err
}

// markMessagesRead records that the actor has read every message written
// on the other side of the referral.
func markMessagesRead(ctx context.Context, t *tx, actor care.Actor, referralID string, side care.ReferralSide) error {
	if side == "" || actor.System {
		return nil
	}
	_, err := t.exec(ctx, `INSERT INTO referral_message_reads (message_id, user_id, user_name, read_at)
		SELECT m.id, ?, ?, ? FROM referral_messages m
		WHERE m.referral_id = ? AND m.side <> ? AND m.author_user_id <> ?
		AND NOT EXISTS (SELECT 1 FROM referral_message_reads x WHERE x.message_id = m.id AND x.user_id = ?)`,
		actor.UserID, actor.Name, t.now, referralID, string(side), actor.UserID, actor.UserID)
	return err
}

func findMessages(ctx context.Context, t *tx, referralID string) ([]ReferralMessage, error) {
	rows, err := t.query(ctx, `SELECT id, side, kind, author_user_id, author_name, author_team, body, sent_at
		FROM referral_messages WHERE referral_id = ? ORDER BY sent_at, id`, referralID)
	if err != nil {
		return nil, err
	}
	var list []ReferralMessage
	index := map[string]int{}
	for rows.Next() {
		var m ReferralMessage
		var side, kind string
		if err := rows.Scan(&m.ID, &side, &kind, &m.AuthorUserID, &m.AuthorName, &m.AuthorTeam, &m.Body, &m.SentAt); err != nil {
			rows.Close()
			return nil, err
		}
		m.Side, m.Kind, m.SentAt = care.ReferralSide(side), care.ReferralMessageKind(kind), m.SentAt.UTC()
		index[m.ID] = len(list)
		list = append(list, m)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, nil
	}
	rows, err = t.query(ctx, `SELECT d.message_id, d.user_name, d.read_at FROM referral_message_reads d
		JOIN referral_messages m ON m.id = d.message_id WHERE m.referral_id = ? ORDER BY d.read_at`, referralID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id string
		var rd MessageRead
		if err := rows.Scan(&id, &rd.Name, &rd.At); err != nil {
			rows.Close()
			return nil, err
		}
		rd.At = rd.At.UTC()
		if i, ok := index[id]; ok {
			list[i].Reads = append(list[i].Reads, rd)
		}
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	atts, err := findAttachments(ctx, t, `WHERE referral_id = ? AND message_id IS NOT NULL`, referralID)
	if err != nil {
		return nil, err
	}
	for _, a := range atts {
		if i, ok := index[a.MessageID]; ok {
			list[i].Attachments = append(list[i].Attachments, a)
		}
	}
	return list, nil
}

// PostReferralMessage adds a message to a referral's thread, from the side
// the actor is on, with any files they uploaded, and tells the other side.
// A message from the referrer while the team is waiting for information is
// recorded as the answer.
func (s *Store) PostReferralMessage(ctx context.Context, actor care.Actor, id, body string, attachments []string) error {
	return s.personWrite(ctx, actor, func(t *tx) error {
		row, err := findReferral(ctx, t, id)
		if err != nil {
			return err
		}
		r := row.task
		side, ok := r.ReferralMessageSide(actor)
		if !ok {
			return refuse("referral.message", "Task", r.ID, r.PersonID, "not-on-side", errNoReferralAccess())
		}
		if err := care.CheckReferralMessage(body); err != nil {
			return err
		}
		kind := care.MessagePlain
		if side == care.ReferrerSide && r.Status == care.ReferralOnHold && r.StatusReason == string(care.HoldInformationRequested) {
			kind = care.MessageAnswer
		}
		msgID, err := insertMessage(ctx, t, actor, r, side, kind, body)
		if err != nil {
			return err
		}
		if err := linkAttachments(ctx, t, actor, r.ID, msgID, attachments); err != nil {
			return err
		}
		if err := t.appendAudit(ctx, actor, auditEntry{Action: "referral.message", ResourceType: "Communication", ResourceID: msgID,
			PersonID: r.PersonID, Detail: "referral=" + r.ID + " kind=" + string(kind) + " attachments=" + itoa(len(attachments))}); err != nil {
			return err
		}
		name, err := serviceName(ctx, t, r.ServiceID)
		if err != nil {
			return err
		}
		summary := "Message in the referral to " + name
		if kind == care.MessageAnswer {
			summary = "Answer to the question about the referral to " + name
		}
		if err := appendTimeline(ctx, t, actor, care.TimelineEvent{PersonID: r.PersonID, Type: care.EventReferralMessage,
			Summary: summary, Link: "/referrals/" + r.ID, Visibility: referralVisibility(r)}); err != nil {
			return err
		}
		users := []string{r.ReferrerUserID}
		if side == care.ReferrerSide {
			if users, err = receivingUsers(ctx, t, r); err != nil {
				return err
			}
		}
		return notifyUsers(ctx, t, actor, users, func(uid string) notify.Message {
			return notify.ReferralMessage(uid, r.ID, name, kind == care.MessageAnswer)
		})
	})
}

const attachmentColumns = `id, referral_id, message_id, filename, content_type, size_bytes, uploaded_at`

func findAttachments(ctx context.Context, t *tx, where string, args ...any) ([]Attachment, error) {
	rows, err := t.query(ctx, `SELECT `+attachmentColumns+` FROM referral_attachments `+where+` ORDER BY uploaded_at, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []Attachment
	for rows.Next() {
		var a Attachment
		var ref, msg sql.NullString
		if err := rows.Scan(&a.ID, &ref, &msg, &a.Filename, &a.ContentType, &a.Size, &a.UploadedAt); err != nil {
			return nil, err
		}
		a.ReferralID, a.MessageID, a.UploadedAt = ref.String, msg.String, a.UploadedAt.UTC()
		list = append(list, a)
	}
	return list, rows.Err()
}

// UploadAttachment keeps a file someone is attaching to a referral form or
// a message before the form is sent, so a form that fails does not lose
// it. detectedType is the media type the file's content shows. Until it is
// sent, only its uploader can use it, and it is removed after a day.
func (s *Store) UploadAttachment(ctx context.Context, actor care.Actor, filename, detectedType string, content []byte) (Attachment, error) {
	if !care.CanRefer(actor) || actor.System {
		return Attachment{}, s.denied(ctx, actor, auditEntry{Action: "referral.attachment.upload", ResourceType: "Binary"},
			care.Errorf(care.KindForbidden, "Your role does not send referrals or messages."))
	}
	if err := care.CheckAttachment(filename, detectedType, len(content)); err != nil {
		return Attachment{}, err
	}
	sum := sha256.Sum256(content)
	a := Attachment{ID: newID(), Filename: care.CleanFilename(filename), ContentType: detectedType, Size: len(content)}
	err := s.write(ctx, func(t *tx) error {
		a.UploadedAt = t.now
		if _, err := t.exec(ctx, `INSERT INTO referral_attachments (id, filename, content_type, size_bytes, sha256, content,
			uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, a.Filename, a.ContentType, a.Size, hex.EncodeToString(sum[:]), content, actor.UserID, t.now); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "referral.attachment.upload", ResourceType: "Binary", ResourceID: a.ID,
			Detail: "type=" + a.ContentType + " bytes=" + itoa(a.Size)})
	})
	return a, err
}

// PendingAttachments describes files the actor uploaded with a form that
// has not been sent yet. Ids that are not theirs, or already sent, are
// left out.
func (s *Store) PendingAttachments(ctx context.Context, actor care.Actor, ids []string) ([]Attachment, error) {
	var list []Attachment
	err := s.read(ctx, func(t *tx) error {
		for _, id := range ids {
			atts, err := findAttachments(ctx, t, `WHERE id = ? AND uploaded_by = ? AND referral_id IS NULL`, id, actor.UserID)
			if err != nil {
				return err
			}
			list = append(list, atts...)
		}
		return nil
	})
	return list, err
}

// linkAttachments attaches the actor's uploaded files to a referral, or to
// one of its messages.
func linkAttachments(ctx context.Context, t *tx, actor care.Actor, referralID, messageID string, ids []string) error {
	for _, id := range ids {
		if err := t.execOne(ctx, care.FieldErrors{{Field: "attachments", Message: "A file you attached is no longer available. Attach it again"}}.Err(),
			`UPDATE referral_attachments SET referral_id = ?, message_id = ? WHERE id = ? AND uploaded_by = ? AND referral_id IS NULL`,
			referralID, nullString(messageID), id, actor.UserID); err != nil {
			return err
		}
	}
	return nil
}

// copyAttachments gives a redirected referral the files of the original,
// so the new team sees what the first one did.
func copyAttachments(ctx context.Context, t *tx, fromID, toID string) error {
	atts, err := findAttachments(ctx, t, `WHERE referral_id = ? AND message_id IS NULL`, fromID)
	if err != nil {
		return err
	}
	for _, a := range atts {
		if _, err := t.exec(ctx, `INSERT INTO referral_attachments (id, referral_id, filename, content_type, size_bytes, sha256,
			content, uploaded_by, uploaded_at) SELECT ?, ?, filename, content_type, size_bytes, sha256, content, uploaded_by, uploaded_at
			FROM referral_attachments WHERE id = ?`, newID(), toID, a.ID); err != nil {
			return err
		}
	}
	return nil
}

// ReferralAttachment returns a file attached to a referral or its
// messages, with its content, for someone on one of the referral's sides.
// Opening it is audited against the person.
func (s *Store) ReferralAttachment(ctx context.Context, actor care.Actor, referralID, id string) (Attachment, error) {
	var a Attachment
	err := s.personWrite(ctx, actor, func(t *tx) error {
		row, err := findReferral(ctx, t, referralID)
		if err != nil {
			return err
		}
		r := row.task
		if !care.CanSeeReferral(actor, r) {
			return refuse("referral.attachment", "Binary", id, r.PersonID, "not-on-side", errNoReferralAccess())
		}
		var ref, msg sql.NullString
		err = t.queryRow(ctx, `SELECT `+attachmentColumns+`, content FROM referral_attachments WHERE id = ? AND referral_id = ?`, id, r.ID).
			Scan(&a.ID, &ref, &msg, &a.Filename, &a.ContentType, &a.Size, &a.UploadedAt, &a.Content)
		if errors.Is(err, sql.ErrNoRows) {
			return care.Errorf(care.KindNotFound, "That file is not attached to this referral.")
		}
		if err != nil {
			return err
		}
		a.ReferralID, a.MessageID = ref.String, msg.String
		return t.appendAudit(ctx, actor, auditEntry{Action: "referral.attachment", ResourceType: "Binary", ResourceID: a.ID,
			PersonID: r.PersonID, Detail: "referral=" + r.ID})
	})
	return a, err
}

// PurgePendingAttachments removes files uploaded with forms that were never
// sent, once they are older than age, and reports how many.
func (s *Store) PurgePendingAttachments(ctx context.Context, age time.Duration) (int, error) {
	n := 0
	err := s.write(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `DELETE FROM referral_attachments WHERE referral_id IS NULL AND uploaded_at < ?`, t.now.Add(-age))
		if err != nil {
			return err
		}
		c, err := res.RowsAffected()
		n = int(c)
		if err != nil || n == 0 {
			return err
		}
		return t.appendAudit(ctx, care.SystemActor("attachment clean-up"), auditEntry{Action: "referral.attachment.purge",
			ResourceType: "Binary", Detail: itoa(n) + " unsent files removed"})
	})
	return n, err
}
