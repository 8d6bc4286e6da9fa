package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

// The directory is organisations and their teams (directory_orgs.go),
// services (directory_services.go) and contacts (directory_contacts.go),
// and which teams cover which GP practices. This file holds the one path
// every change to an existing entry takes, whatever its kind: the change
// is checked against care.CanManageDirectoryEntry inside its transaction,
// bumps the entry's version (a stale edit is a conflict, never a silent
// overwrite), writes the entry as it now is to directory_versions, and
// appends an audit row, all in one transaction.

// Entry types, as directory_versions and the audit trail name them.
const (
	EntryOrganisation = "organisation"
	EntryTeam         = "team"
	EntryService      = "service"
	EntryContact      = "contact"
)

// Changes recorded in directory_versions.
const (
	ChangeCreate = "create"
	ChangeEdit   = "edit"
	ChangeVerify = "verify"
	ChangeRemove = "remove"
	ChangeImport = "import"
)

// entryKind is what the one path that changes directory entries needs to
// know about one kind of entry.
type entryKind[E any] struct {
	typ          string // EntryOrganisation and the rest
	table        string
	what         string // what messages to users call it
	resourceType string // what the audit trail calls it
	find         func(ctx context.Context, t *tx, id string) (E, error)
	// owner is the organisation whose managers look after the entry.
	owner   func(E) string
	version func(E) int
}

// The four kinds of entry. Contacts are never verified on their own: a
// team's verification covers its contacts.
var (
	organisationEntries = entryKind[care.Organisation]{typ: EntryOrganisation, table: "organisations", what: "organisation",
		resourceType: "Organization", find: findOrganisation,
		owner: func(o care.Organisation) string { return o.ID }, version: func(o care.Organisation) int { return o.Version }}
	teamEntries = entryKind[care.Team]{typ: EntryTeam, table: "teams", what: "team", resourceType: "Team", find: findTeamEntry,
		owner: func(tm care.Team) string { return tm.OrganisationID }, version: func(tm care.Team) int { return tm.Version }}
	serviceEntries = entryKind[care.Service]{typ: EntryService, table: "services", what: "service",
		resourceType: "HealthcareService", find: findService,
		owner: func(sv care.Service) string { return sv.OrganisationID }, version: func(sv care.Service) int { return sv.Version }}
	contactEntries = entryKind[care.Contact]{typ: EntryContact, table: "contacts", what: "contact",
		resourceType: "PractitionerRole", find: findContact,
		owner: func(c care.Contact) string { return c.OrganisationID }, version: func(c care.Contact) int { return c.Version }}
)

// action is the audit action of a change, such as directory.team.update.
func (k entryKind[E]) action(verb string) string { return "directory." + k.typ + "." + verb }

// change makes one change to an existing entry, in one transaction: it
// loads the entry, checks the actor looks after it, lets apply change the
// row (guarded by the version the actor started from, see update), then
// records the entry as it now is and audits the change. A refusal is
// audited in a transaction of its own.
func (k entryKind[E]) change(ctx context.Context, s *Store, actor care.Actor, id, change, verb string, apply func(t *tx, cur E) error) (E, error) {
	var out E
	err := s.write(ctx, func(t *tx) error {
		cur, err := k.find(ctx, t, id)
		if err != nil {
			return err
		}
		if !care.CanManageDirectoryEntry(actor, k.owner(cur)) {
			return errDeniedEntry
		}
		if err := apply(t, cur); err != nil {
			return err
		}
		out, err = k.saved(ctx, t, actor, id, change, verb)
		return err
	})
	return out, s.deniedEntry(ctx, actor, err, k.action(verb), k.resourceType, id)
}

// saved reads the entry after a change, records it and audits the change.
func (k entryKind[E]) saved(ctx context.Context, t *tx, actor care.Actor, id, change, verb string) (E, error) {
	out, err := k.find(ctx, t, id)
	if err != nil {
		return out, err
	}
	return out, k.record(ctx, t, actor, id, out, change, verb)
}

// record keeps the entry as it is after a change in directory_versions, so
// its history can be shown and any earlier version recovered, and audits
// the change.
func (k entryKind[E]) record(ctx context.Context, t *tx, actor care.Actor, id string, e E, change, verb string) error {
	if err := t.recordVersion(ctx, actor, k.typ, id, k.version(e), change, e); err != nil {
		return err
	}
	return t.appendAudit(ctx, actor, auditEntry{Action: k.action(verb), ResourceType: k.resourceType, ResourceID: id})
}

// update sets the columns (set is "a = ?, b = ?", args their values) of the
// entry, if it is still at version, and moves its version on; otherwise
// nothing changes and the error is a conflict.
func (k entryKind[E]) update(ctx context.Context, t *tx, id string, version int, set string, args ...any) error {
	return t.execOne(ctx, conflictError(k.what), `UPDATE `+k.table+` SET `+set+`, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`, append(args, t.now, id, version)...)
}

// verify records that the actor confirmed the entry's details are still
// correct, as long as they are the details the actor saw (version).
func (k entryKind[E]) verify(ctx context.Context, s *Store, actor care.Actor, id string, version int) (E, error) {
	return k.change(ctx, s, actor, id, ChangeVerify, "verify", func(t *tx, _ E) error {
		return t.execOne(ctx, care.Errorf(care.KindConflict, "This %s changed after you opened it, so it has not been marked as checked. Look at the details again and confirm them if they are right.", k.what),
			`UPDATE `+k.table+` SET verified_at = ?, verified_by_id = ?, verified_by_name = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ?`, t.now, auditUserID(actor), actorName(actor), t.now, id, version)
	})
}

// errDeniedEntry is returned from inside a transaction when the actor may
// not change the entry; deniedEntry turns it into an audited refusal once
// the transaction has been rolled back.
var errDeniedEntry = care.Errorf(care.KindForbidden, "Only team managers and administrators of the organisation that owns this entry can change it.")

func (s *Store) deniedEntry(ctx context.Context, actor care.Actor, err error, action, resourceType, id string) error {
	if err != errDeniedEntry {
		return err
	}
	return s.denied(ctx, actor, auditEntry{Action: action, ResourceType: resourceType, ResourceID: id}, err)
}

func actorName(a care.Actor) string {
	if a.System {
		return "joinedup (" + a.Name + ")"
	}
	return a.Name
}

// recordVersion keeps the entry as it is after a change, so its history
// can be shown and any earlier version recovered.
func (t *tx) recordVersion(ctx context.Context, actor care.Actor, entryType, entryID string, version int, change string, entry any) error {
	snap, err := json.Marshal(entry)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO directory_versions (id, entry_type, entry_id, version, change, changed_at,
		changed_by_id, changed_by_name, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		newID(), entryType, entryID, version, change, t.now, auditUserID(actor), actorName(actor), string(snap))
	return err
}

func conflictError(what string) error {
	return care.Errorf(care.KindConflict, "Someone else changed this %s after you opened it. Your changes have not been saved.", what)
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ---- History ----

// EntryVersion is one saved version of a directory entry.
type EntryVersion struct {
	Version       int
	Change        string
	At            time.Time
	ByName        string
	Snapshot      []byte
	PreviousState []byte
}

// EntryHistory lists an entry's versions, newest first, each with the
// version before it so a page can say what changed.
func (s *Store) EntryHistory(ctx context.Context, entryType, id string, limit int) ([]EntryVersion, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var list []EntryVersion
	err := s.read(ctx, func(t *tx) error {
		rows, err := t.query(ctx, `SELECT version, change, changed_at, changed_by_name, snapshot FROM directory_versions
			WHERE entry_type = ? AND entry_id = ? ORDER BY version DESC, changed_at DESC LIMIT ?`, entryType, id, limit+1)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var v EntryVersion
			var snap string
			if err := rows.Scan(&v.Version, &v.Change, &v.At, &v.ByName, &snap); err != nil {
				return err
			}
			v.At, v.Snapshot = v.At.UTC(), []byte(snap)
			list = append(list, v)
		}
		return rows.Err()
	})
	for i := 0; i+1 < len(list); i++ {
		list[i].PreviousState = list[i+1].Snapshot
	}
	if len(list) > limit {
		list = list[:limit]
	}
	return list, err
}
