package store

import (
	"context"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

// DirectoryData is directory entries in bulk, for building the in-memory
// search index and keeping it current.
type DirectoryData struct {
	Organisations []care.Organisation
	Teams         []care.Team
	Services      []care.Service
	Contacts      []care.Contact
}

// EntryRef names one directory entry.
type EntryRef struct {
	Type string
	ID   string
}

// DirectorySnapshot reads the whole directory in one consistent snapshot.
// It reads each table once, so it costs a few queries however many
// services there are.
func (s *Store) DirectorySnapshot(ctx context.Context) (DirectoryData, error) {
	var d DirectoryData
	err := s.read(ctx, func(t *tx) error {
		var err error
		if d.Organisations, err = queryOrganisations(ctx, t, ``); err != nil {
			return err
		}
		if d.Teams, err = queryTeams(ctx, t, ``); err != nil {
			return err
		}
		if d.Services, err = queryServices(ctx, t, ``); err != nil {
			return err
		}
		d.Contacts, err = queryContacts(ctx, t, ``)
		return err
	})
	return d, err
}

// DirectoryEntries reads the named entries, for refreshing the index after
// they changed. Entries that no longer exist (a removed contact) are
// returned in gone.
func (s *Store) DirectoryEntries(ctx context.Context, refs []EntryRef) (d DirectoryData, gone []EntryRef, err error) {
	byType := map[string][]any{}
	for _, r := range refs {
		byType[r.Type] = append(byType[r.Type], r.ID)
	}
	err = s.read(ctx, func(t *tx) error {
		for typ, ids := range byType {
			for start := 0; start < len(ids); start += 500 {
				chunk := ids[start:min(start+500, len(ids))]
				where := ` WHERE id IN (` + placeholders(1, len(chunk)) + `)`
				found := map[string]bool{}
				switch typ {
				case EntryOrganisation:
					list, err := queryOrganisations(ctx, t, where, chunk...)
					if err != nil {
						return err
					}
					for _, o := range list {
						found[o.ID] = true
					}
					d.Organisations = append(d.Organisations, list...)
				case EntryTeam:
					list, err := queryTeams(ctx, t, where, chunk...)
					if err != nil {
						return err
					}
					for _, tm := range list {
						found[tm.ID] = true
					}
					d.Teams = append(d.Teams, list...)
				case EntryService:
					list, err := queryServices(ctx, t, where, chunk...)
					if err != nil {
						return err
					}
					for _, sv := range list {
						found[sv.ID] = true
					}
					d.Services = append(d.Services, list...)
				case EntryContact:
					list, err := queryContacts(ctx, t, where, chunk...)
					if err != nil {
						return err
					}
					for _, c := range list {
						found[c.ID] = true
					}
					d.Contacts = append(d.Contacts, list...)
				default:
					continue
				}
				for _, id := range chunk {
					if !found[id.(string)] {
						gone = append(gone, EntryRef{Type: typ, ID: id.(string)})
					}
				}
			}
		}
		return nil
	})
	return d, gone, err
}

// ChangedEntry is an entry and when it last changed.
type ChangedEntry struct {
	Ref EntryRef
	At  time.Time
}

// DirectoryChangesSince lists the entries changed at or after since, each
// with the time of its latest change, so an instance can catch up with
// changes made by others. Callers should ask again from a little before
// the time they last asked, because a transaction that began earlier may
// commit later.
func (s *Store) DirectoryChangesSince(ctx context.Context, since time.Time) ([]ChangedEntry, error) {
	var list []ChangedEntry
	err := s.read(ctx, func(t *tx) error {
		rows, err := t.query(ctx, `SELECT entry_type, entry_id, MAX(changed_at) FROM directory_versions
			WHERE changed_at >= ? GROUP BY entry_type, entry_id`, since)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c ChangedEntry
			var at timeScan
			if err := rows.Scan(&c.Ref.Type, &c.Ref.ID, &at); err != nil {
				return err
			}
			c.At = at.t
			list = append(list, c)
		}
		return rows.Err()
	})
	return list, err
}

// timeScan reads a time from an aggregate, which SQLite returns as text
// because MAX loses the column's declared type.
type timeScan struct{ t time.Time }

func (ts *timeScan) Scan(v any) error {
	switch x := v.(type) {
	case time.Time:
		ts.t = x.UTC()
	case string:
		t, err := time.Parse(sqliteTime, x)
		if err != nil {
			return err
		}
		ts.t = t
	case []byte:
		t, err := time.Parse(sqliteTime, string(x))
		if err != nil {
			return err
		}
		ts.t = t
	}
	return nil
}

func queryOrganisations(ctx context.Context, t *tx, where string, args ...any) ([]care.Organisation, error) {
	rows, err := t.query(ctx, `SELECT `+orgColumns+` FROM organisations`+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []care.Organisation
	for rows.Next() {
		o, err := scanOrganisation(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, o)
	}
	return list, rows.Err()
}

func queryTeams(ctx context.Context, t *tx, where string, args ...any) ([]care.Team, error) {
	rows, err := t.query(ctx, `SELECT `+teamColumns+` FROM teams`+where, args...)
	if err != nil {
		return nil, err
	}
	var list []care.Team
	index := map[string]int{}
	for rows.Next() {
		tm, err := scanTeam(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		index[tm.ID] = len(list)
		list = append(list, tm)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	pwhere := strings.Replace(where, "WHERE id", "WHERE team_id", 1)
	prows, err := t.query(ctx, `SELECT team_id, practice_id FROM team_practices`+pwhere+` ORDER BY team_id, practice_id`, args...)
	if err != nil {
		return nil, err
	}
	defer prows.Close()
	for prows.Next() {
		var teamID, practiceID string
		if err := prows.Scan(&teamID, &practiceID); err != nil {
			return nil, err
		}
		if i, ok := index[teamID]; ok {
			list[i].Practices = append(list[i].Practices, practiceID)
		}
	}
	return list, prows.Err()
}

func queryServices(ctx context.Context, t *tx, where string, args ...any) ([]care.Service, error) {
	rows, err := t.query(ctx, `SELECT `+serviceColumns+` FROM services`+where+` ORDER BY name, id`, args...)
	if err != nil {
		return nil, err
	}
	var list []care.Service
	for rows.Next() {
		sv, err := scanService(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		list = append(list, sv)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	byID := make(map[string]*care.Service, len(list))
	ids := make([]any, len(list))
	for i := range list {
		byID[list[i].ID] = &list[i]
		ids[i] = list[i].ID
	}
	if where == "" {
		return list, loadServiceLists(ctx, t, byID, "")
	}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		if err := loadServiceLists(ctx, t, byID, `WHERE service_id IN (`+placeholders(1, len(chunk))+`)`, chunk...); err != nil {
			return nil, err
		}
	}
	return list, nil
}

func queryContacts(ctx context.Context, t *tx, where string, args ...any) ([]care.Contact, error) {
	rows, err := t.query(ctx, `SELECT `+contactColumns+` FROM contacts`+where+` ORDER BY duty DESC, name, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []care.Contact
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, c)
	}
	return list, rows.Err()
}

// ServicesOf lists the services of an organisation, or of one of its teams
// when teamID is set, by name.
func (s *Store) ServicesOf(ctx context.Context, orgID, teamID string) ([]care.Service, error) {
	var list []care.Service
	err := s.read(ctx, func(t *tx) error {
		var err error
		if teamID != "" {
			list, err = queryServices(ctx, t, ` WHERE team_id = ?`, teamID)
		} else {
			list, err = queryServices(ctx, t, ` WHERE organisation_id = ?`, orgID)
		}
		return err
	})
	return list, err
}

// ContactsOfTeam lists a team's contacts: duty lines first, then people.
func (s *Store) ContactsOfTeam(ctx context.Context, teamID string) ([]care.Contact, error) {
	var list []care.Contact
	err := s.read(ctx, func(t *tx) error {
		var err error
		list, err = queryContacts(ctx, t, ` WHERE team_id = ?`, teamID)
		return err
	})
	return list, err
}
