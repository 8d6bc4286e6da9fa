package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/geo"
)

// ImportPeople adds many people in one transaction, auditing each, for
// loading a demo area or a migration from another system. NHS numbers are
// validated and must be unique: one bad person fails the whole import, so
// nothing is saved in part.
func (s *Store) ImportPeople(ctx context.Context, actor care.Actor, people []care.Person) ([]care.Person, error) {
	if !actor.System {
		return nil, s.denied(ctx, actor, auditEntry{Action: "person.import", ResourceType: "Patient"},
			care.Errorf(care.KindForbidden, "Only joinedup itself can import people in bulk."))
	}
	out := make([]care.Person, len(people))
	err := s.write(ctx, func(t *tx) error {
		for i, p := range people {
			n, err := care.ParseNHSNumber(string(p.NHSNumber))
			if err != nil {
				return care.Errorf(care.KindInvalid, "person %d: %s", i+1, care.MessageOf(err))
			}
			p.ID, p.NHSNumber, p.Version = newID(), n, 1
			if err := insertPerson(ctx, t, p); err != nil {
				return err
			}
			if err := t.appendAudit(ctx, actor, auditEntry{Action: "person.create", ResourceType: "Patient", ResourceID: p.ID, PersonID: p.ID}); err != nil {
				return err
			}
			out[i] = p
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func insertPerson(ctx context.Context, t *tx, p care.Person) error {
	_, err := t.exec(ctx, `INSERT INTO people (id, nhs_number, given_name, family_name, date_of_birth, postcode,
		registered_practice_id, created_at, updated_at, version, preferred_name, address, local_authority_gss, phone,
		email, contact_preference, contact_notes, language, interpreter, accessible_formats, communication_notes,
		given_name_folded, family_name_folded)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, string(p.NHSNumber), p.GivenName, p.FamilyName, p.DateOfBirth, p.Postcode,
		nullString(p.RegisteredPracticeID), t.now, t.now, p.Version, p.PreferredName, p.Address, p.LocalAuthorityGSS,
		p.Phone, p.Email, string(p.ContactPreference), p.ContactNotes, p.Language, boolInt(p.Interpreter),
		joinFormats(p.AccessibleFormats), p.CommunicationNotes, care.FoldName(p.GivenName), care.FoldName(p.FamilyName))
	return err
}

// CountPeople reports how many people have a record.
func (s *Store) CountPeople(ctx context.Context) (int, error) {
	var n int
	err := s.read(ctx, func(t *tx) error {
		return t.queryRow(ctx, `SELECT COUNT(*) FROM people`).Scan(&n)
	})
	return n, err
}

func joinFormats(fs []care.AccessibleFormat) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = string(f)
	}
	return strings.Join(parts, ",")
}

func splitFormats(s string) []care.AccessibleFormat {
	if s == "" {
		return nil
	}
	var out []care.AccessibleFormat
	for _, p := range strings.Split(s, ",") {
		out = append(out, care.AccessibleFormat(p))
	}
	return out
}

const personColumns = `p.id, p.nhs_number, p.given_name, p.family_name, p.preferred_name, p.date_of_birth, p.address,
	p.postcode, p.local_authority_gss, p.registered_practice_id, p.phone, p.email, p.contact_preference, p.contact_notes,
	p.language, p.interpreter, p.accessible_formats, p.communication_notes, p.objection_org_id, p.objection_recorded_at,
	p.version`

// rowScanner is what *sql.Row and *sql.Rows have in common, so that one
// scan function reads a row either way.
type rowScanner interface{ Scan(dest ...any) error }

func scanPerson(r rowScanner) (care.Person, error) {
	var p care.Person
	var nhs, pref, formats string
	var practice, objOrg sql.NullString
	var objAt sql.NullTime
	var interpreter int
	err := r.Scan(&p.ID, &nhs, &p.GivenName, &p.FamilyName, &p.PreferredName, &p.DateOfBirth, &p.Address,
		&p.Postcode, &p.LocalAuthorityGSS, &practice, &p.Phone, &p.Email, &pref, &p.ContactNotes,
		&p.Language, &interpreter, &formats, &p.CommunicationNotes, &objOrg, &objAt, &p.Version)
	p.NHSNumber = care.NHSNumber(nhs)
	p.RegisteredPracticeID = practice.String
	p.ContactPreference = care.ContactMethod(pref)
	p.Interpreter = interpreter == 1
	p.AccessibleFormats = splitFormats(formats)
	if objAt.Valid {
		p.Objection = care.Objection{Recorded: true, OrgID: objOrg.String, RecordedAt: objAt.Time.UTC()}
	}
	return p, err
}

func findPerson(ctx context.Context, t *tx, id string) (care.Person, error) {
	p, err := scanPerson(t.queryRow(ctx, `SELECT `+personColumns+` FROM people p WHERE p.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, errNoPerson()
	}
	return p, err
}

// RegisterPerson creates a person's record, with what matters to them as the
// first section of their plan when it is given. A second record with the
// same NHS number is refused. Someone with the same name and date of birth
// but another NHS number is a warning (a care.Error of kind Conflict at the
// field "confirm_duplicate") until confirmDuplicate says the user checked.
// Someone who registers a person outside their own practice joins the care
// team, so they can go on to see what they registered.
func (s *Store) RegisterPerson(ctx context.Context, actor care.Actor, p care.Person, aboutMe map[string]string, confirmDuplicate bool) (care.Person, error) {
	if !actor.System && !care.Allowed(actor, care.ActionRegisterPerson) {
		return p, s.denied(ctx, actor, auditEntry{Action: "person.register", ResourceType: "Patient"},
			care.Errorf(care.KindForbidden, "Your role does not register people."))
	}
	p, errs := normaliseAndCheck(p, s.now().In(s.cal.Location()))
	if err := errs.Err(); err != nil {
		return p, err
	}
	aboutSpec, _ := care.SectionFor(care.SectionAboutMe)
	aboutMe = care.NormaliseSection(aboutSpec, aboutMe)
	if errs := care.ValidateSection(aboutSpec, aboutMe); len(errs) > 0 {
		return p, errs.Err()
	}
	p.ID, p.Version = newID(), 1
	var duplicateOf string
	err := s.write(ctx, func(t *tx) error {
		if err := checkPlaces(ctx, t, p); err != nil {
			return err
		}
		var existing string
		err := t.queryRow(ctx, `SELECT id FROM people WHERE nhs_number = ?`, string(p.NHSNumber)).Scan(&existing)
		if err == nil {
			return &care.Error{Kind: care.KindConflict, Message: "There is already a record with this NHS number.",
				Fields: care.FieldErrors{{Field: "nhs_number", Message: "There is already a record with this NHS number. Search for it instead of registering the person again"}}}
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if !confirmDuplicate {
			err := t.queryRow(ctx, `SELECT id FROM people WHERE date_of_birth = ? AND family_name_folded = ? AND given_name_folded = ? LIMIT 1`,
				p.DateOfBirth, care.FoldName(p.FamilyName), care.FoldName(p.GivenName)).Scan(&duplicateOf)
			if err == nil {
				return &care.Error{Kind: care.KindConflict, Message: "This may be someone who already has a record.",
					Fields: care.FieldErrors{{Field: "confirm_duplicate", Message: "Someone with the same name and date of birth already has a record, under a different NHS number. Check the NHS number. If you are sure this is a different person, confirm it below"}}}
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		if err := insertPerson(ctx, t, p); err != nil {
			return err
		}
		detail := "duplicate-check=clear"
		if confirmDuplicate {
			detail = "duplicate-check=confirmed-different"
		}
		if err := t.appendAudit(ctx, actor, auditEntry{Action: "person.register", ResourceType: "Patient",
			ResourceID: p.ID, PersonID: p.ID, Detail: detail}); err != nil {
			return err
		}
		if err := appendTimeline(ctx, t, actor, care.TimelineEvent{PersonID: p.ID, Type: care.EventPersonRegistered,
			Summary: "Record registered in joinedup", Visibility: care.VisibleToRecord}); err != nil {
			return err
		}
		if len(aboutMe) > 0 {
			if err := writeSection(ctx, t, actor, p.ID, aboutSpec, aboutMe, 0); err != nil {
				return err
			}
		}
		if actor.System || actor.Acting.OrgID == p.RegisteredPracticeID {
			return nil
		}
		_, err = insertMember(ctx, t, actor, care.CareTeamMember{PersonID: p.ID, Kind: care.MemberUser, UserID: actor.UserID,
			TeamID: actor.Acting.TeamID, Role: actor.Role(), Responsibility: "Registered the person in joinedup"})
		return err
	})
	if duplicateOf != "" {
		// The warning disclosed that a similar record exists; that is
		// recorded against the record it was about.
		if auditErr := s.write(ctx, func(t *tx) error {
			return t.appendAudit(ctx, actor, auditEntry{Action: "person.duplicate_warn", ResourceType: "Patient",
				ResourceID: duplicateOf, PersonID: duplicateOf, Detail: "same-name-and-birth-date"})
		}); auditErr != nil {
			return p, auditErr
		}
	}
	return p, err
}

// normaliseAndCheck trims a person's details, puts the postcode in its
// standard form and validates everything. today is now in the calendar's
// zone, where a date of birth is judged.
func normaliseAndCheck(p care.Person, today time.Time) (care.Person, care.FieldErrors) {
	p = care.NormalisePerson(p)
	if n, err := care.ParseNHSNumber(string(p.NHSNumber)); err == nil {
		p.NHSNumber = n
	}
	errs := care.ValidatePerson(p, today)
	if p.Postcode != "" {
		pc, err := geo.ParsePostcode(p.Postcode)
		if err != nil {
			errs.Add("postcode", care.MessageOf(err))
		} else {
			p.Postcode = pc.String()
		}
	}
	return p, errs
}

// checkPlaces makes sure the practice is a GP practice and the local
// authority, when given, is a council joinedup knows.
func checkPlaces(ctx context.Context, t *tx, p care.Person) error {
	var kind string
	err := t.queryRow(ctx, `SELECT kind FROM organisations WHERE id = ?`, p.RegisteredPracticeID).Scan(&kind)
	if errors.Is(err, sql.ErrNoRows) || err == nil && kind != string(care.OrgGPPractice) {
		return care.FieldErrors{{Field: "registered_practice", Message: "Choose a GP practice from the list"}}.Err()
	}
	if err != nil {
		return err
	}
	if p.LocalAuthorityGSS == "" {
		return nil
	}
	err = t.queryRow(ctx, `SELECT kind FROM organisations WHERE gss_code = ?`, p.LocalAuthorityGSS).Scan(&kind)
	if errors.Is(err, sql.ErrNoRows) || err == nil && kind != string(care.OrgLocalAuthority) {
		return care.FieldErrors{{Field: "local_authority", Message: "Choose a local authority from the list"}}.Err()
	}
	return err
}

// UpdatePerson changes a person's details. p.Version must be the version
// the user started from: if someone else saved in between, nothing is saved
// and the error is of kind Conflict. The NHS number and the objection are
// not changed here.
func (s *Store) UpdatePerson(ctx context.Context, actor care.Actor, p care.Person) (care.Person, error) {
	var out care.Person
	err := s.personWrite(ctx, actor, func(t *tx) error {
		a, err := findAccess(ctx, t, actor, p.ID)
		if err != nil {
			return err
		}
		if !a.may(actor, care.PersonEdit) {
			return refuse("person.update", "Patient", p.ID, p.ID, "no-edit-relationship",
				care.Errorf(care.KindForbidden, "You cannot change this person's details."))
		}
		p.NHSNumber = a.person.NHSNumber
		var errs care.FieldErrors
		p, errs = normaliseAndCheck(p, t.now.In(t.cal.Location()))
		if err := errs.Err(); err != nil {
			return err
		}
		if err := checkPlaces(ctx, t, p); err != nil {
			return err
		}
		if err := t.execOne(ctx, errChangedMeanwhile(), `UPDATE people SET given_name = ?, family_name = ?, preferred_name = ?,
			date_of_birth = ?, address = ?, postcode = ?, local_authority_gss = ?, registered_practice_id = ?, phone = ?,
			email = ?, contact_preference = ?, contact_notes = ?, language = ?, interpreter = ?, accessible_formats = ?,
			communication_notes = ?, given_name_folded = ?, family_name_folded = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ?`,
			p.GivenName, p.FamilyName, p.PreferredName, p.DateOfBirth, p.Address, p.Postcode, p.LocalAuthorityGSS,
			p.RegisteredPracticeID, p.Phone, p.Email, string(p.ContactPreference), p.ContactNotes, p.Language,
			boolInt(p.Interpreter), joinFormats(p.AccessibleFormats), p.CommunicationNotes, care.FoldName(p.GivenName),
			care.FoldName(p.FamilyName), t.now, p.ID, p.Version); err != nil {
			return err
		}
		changed := changedDetails(a.person, p)
		if err := t.appendAudit(ctx, actor, auditEntry{Action: "person.update", ResourceType: "Patient", ResourceID: p.ID,
			PersonID: p.ID, Detail: "changed=" + strings.Join(changed, ",")}); err != nil {
			return err
		}
		if len(changed) > 0 {
			if err := appendTimeline(ctx, t, actor, care.TimelineEvent{PersonID: p.ID, Type: care.EventPersonUpdated,
				Summary: "Details changed: " + strings.Join(changed, ", "), Visibility: care.VisibleToRecord}); err != nil {
				return err
			}
		}
		out, err = findPerson(ctx, t, p.ID)
		return err
	})
	return out, err
}

func errChangedMeanwhile() error {
	return care.Errorf(care.KindConflict, "Someone else changed this record while you were editing it. Nothing you typed has been saved yet.")
}

// changedDetails names what changed, in words, for the timeline and audit.
func changedDetails(was, now care.Person) []string {
	var out []string
	add := func(changed bool, what string) {
		if changed {
			out = append(out, what)
		}
	}
	add(was.GivenName != now.GivenName || was.FamilyName != now.FamilyName || was.PreferredName != now.PreferredName, "name")
	add(was.DateOfBirth != now.DateOfBirth, "date of birth")
	add(was.Address != now.Address || was.Postcode != now.Postcode || was.LocalAuthorityGSS != now.LocalAuthorityGSS, "address")
	add(was.RegisteredPracticeID != now.RegisteredPracticeID, "registered practice")
	add(was.Phone != now.Phone || was.Email != now.Email || was.ContactPreference != now.ContactPreference || was.ContactNotes != now.ContactNotes, "contact details")
	add(was.Language != now.Language || was.Interpreter != now.Interpreter || joinFormats(was.AccessibleFormats) != joinFormats(now.AccessibleFormats) ||
		was.CommunicationNotes != now.CommunicationNotes, "communication needs")
	return out
}

// SetObjection records, or withdraws, the person's objection to sharing.
// The actor's organisation is recorded with it: its care-team members go on
// seeing the record, with the registered practice.
func (s *Store) SetObjection(ctx context.Context, actor care.Actor, personID string, objects bool, version int) error {
	return s.personWrite(ctx, actor, func(t *tx) error {
		a, err := findAccess(ctx, t, actor, personID)
		if err != nil {
			return err
		}
		if !a.may(actor, care.PersonEdit) {
			return refuse("person.objection", "Patient", personID, personID, "no-edit-relationship",
				care.Errorf(care.KindForbidden, "You cannot record an objection for this person."))
		}
		var org, at any
		summary, event, detail := "Objection to sharing withdrawn", care.EventObjectionWithdrawn, "withdrawn"
		if objects {
			org, at = nullString(actor.Acting.OrgID), t.now
			summary, event, detail = "Objection to sharing recorded by "+actor.Acting.OrgName, care.EventObjectionRecorded, "recorded"
		}
		if err := t.execOne(ctx, errChangedMeanwhile(), `UPDATE people SET objection_org_id = ?, objection_recorded_at = ?,
			updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`, org, at, t.now, personID, version); err != nil {
			return err
		}
		if err := t.appendAudit(ctx, actor, auditEntry{Action: "person.objection", ResourceType: "Consent", ResourceID: personID,
			PersonID: personID, Detail: detail}); err != nil {
			return err
		}
		return appendTimeline(ctx, t, actor, care.TimelineEvent{PersonID: personID, Type: event, Summary: summary, Visibility: care.VisibleToRecord})
	})
}

// PersonRecord returns a person's record as the actor may see it, and
// audits the read naming the parts shown. Without a relationship it is
// refused, and the refusal audited.
func (s *Store) PersonRecord(ctx context.Context, actor care.Actor, personID string) (care.PersonRecord, error) {
	var rec care.PersonRecord
	err := s.readAudited(ctx, actor, func(t *tx) error {
		var err error
		rec, err = readRecord(ctx, t, actor, personID, "person.read")
		return err
	})
	return rec, err
}

// readRecord loads the record for the actor and audits the read as action.
func readRecord(ctx context.Context, t *tx, actor care.Actor, personID, action string) (care.PersonRecord, error) {
	a, err := findAccess(ctx, t, actor, personID)
	if err != nil {
		return care.PersonRecord{}, err
	}
	if a.level == care.AccessNone {
		return care.PersonRecord{}, refuse(action, "Patient", personID, personID, "no-relationship", errNoRelationship())
	}
	rec := care.PersonRecord{Access: a.level, Relationships: a.rel, BreakGlassUntil: a.breakGlassUntil}
	if rec.Practice, err = findOrganisationIfAny(ctx, t, "id", a.person.RegisteredPracticeID); err != nil {
		return rec, err
	}
	if a.level == care.AccessExistence {
		p := a.person
		rec.Person = care.Person{ID: p.ID, NHSNumber: p.NHSNumber, GivenName: p.GivenName, FamilyName: p.FamilyName,
			DateOfBirth: p.DateOfBirth, RegisteredPracticeID: p.RegisteredPracticeID, Objection: p.Objection, Version: p.Version}
	} else {
		rec.Person = a.person
		if err := fillRecord(ctx, t, actor, &rec); err != nil {
			return rec, err
		}
	}
	if rec.Person.Objection.Recorded {
		org, err := findOrganisationIfAny(ctx, t, "id", rec.Person.Objection.OrgID)
		if err != nil {
			return rec, err
		}
		rec.ObjectionOrgName = org.Name
	}
	rec = rec.WithPermissions(actor)
	return rec, t.appendAudit(ctx, actor, auditEntry{Action: action, ResourceType: "Patient", ResourceID: personID,
		PersonID: personID, Detail: "parts=" + rec.Parts() + " " + a.via(actor)})
}

// fillRecord loads everything a full record shows.
func fillRecord(ctx context.Context, t *tx, actor care.Actor, rec *care.PersonRecord) error {
	id := rec.Person.ID
	var err error
	if rec.Person.LocalAuthorityGSS != "" {
		if rec.LocalAuthority, err = findOrganisationIfAny(ctx, t, "gss_code", rec.Person.LocalAuthorityGSS); err != nil {
			return err
		}
	}
	if rec.CareTeam, err = findCareTeam(ctx, t, id); err != nil {
		return err
	}
	for _, m := range rec.CareTeam {
		if m.Coordinator {
			rec.Coordinator = m
		}
	}
	if rec.Carers, err = findCarers(ctx, t, id); err != nil {
		return err
	}
	alerts, err := findAlerts(ctx, t, id)
	if err != nil {
		return err
	}
	for _, al := range alerts {
		if actor.System || care.CanSeeAlert(actor, al.Sensitivity) {
			rec.Alerts = append(rec.Alerts, al)
		} else {
			rec.HiddenAlerts++
		}
	}
	spec, _ := care.SectionFor(care.SectionAboutMe)
	rec.AboutMe, err = findSection(ctx, t, id, spec.Key)
	return err
}

// findOrganisation finds an organisation by id or by GSS code; a missing
// one is an empty Organisation, since a record must still show without it.
func findOrganisationIfAny(ctx context.Context, t *tx, column, value string) (care.Organisation, error) {
	if value == "" {
		return care.Organisation{}, nil
	}
	o, err := scanOrganisation(t.queryRow(ctx, `SELECT `+orgColumns+` FROM organisations WHERE `+column+` = ?`, value))
	if errors.Is(err, sql.ErrNoRows) {
		return care.Organisation{}, nil
	}
	return o, err
}

func itoa(n int) string { return strconv.Itoa(n) }
