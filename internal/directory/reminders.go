package directory

import (
	"context"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/notify"
	"github.com/joinedup/joinedup/internal/store"
)

// reminderBatch is how many entries one reminder transaction handles.
const reminderBatch = 200

// SendReminders reminds the owners of every entry that has become due for
// checking (see care.FreshFor) since they were last reminded, in their
// in-app inboxes. It is safe to run on several instances at once: each
// entry is marked in the same transaction as its reminders, and a repeated
// reminder is dropped by its dedupe key. It returns how many entries it
// handled.
func SendReminders(ctx context.Context, st *store.Store, now time.Time, loc *time.Location) (int, error) {
	sys := care.SystemActor("directory reminders")
	total := 0
	for {
		due, err := st.EntriesDueForReminder(ctx, now.Add(-care.FreshFor), reminderBatch)
		if err != nil {
			return total, err
		}
		batch := make([]store.Reminder, 0, len(due))
		for _, e := range due {
			owners, err := st.DirectoryOwners(ctx, e.OrganisationID, e.TeamID)
			if err != nil {
				return total, err
			}
			r := store.Reminder{Ref: e.Ref}
			entry := notify.DirectoryEntry{Type: e.Ref.Type, ID: e.Ref.ID, Name: e.Name, Link: entryLink(e.Ref), VerifiedAt: e.VerifiedAt}
			for _, userID := range owners {
				r.Messages = append(r.Messages, notify.VerifyReminder(userID, entry, loc))
			}
			batch = append(batch, r)
		}
		if len(batch) > 0 {
			if err := st.RemindOwners(ctx, sys, batch); err != nil {
				return total, err
			}
		}
		total += len(due)
		if len(due) < reminderBatch {
			return total, nil
		}
	}
}

// entryLink is the page where an entry's owners check and confirm it.
func entryLink(ref store.EntryRef) string {
	switch ref.Type {
	case store.EntryService:
		return "/directory/services/" + ref.ID
	case store.EntryTeam:
		return "/directory/teams/" + ref.ID
	default:
		return "/directory/organisations/" + ref.ID
	}
}
