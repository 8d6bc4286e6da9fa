package store

import (
	"context"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/notify"
)

func TestInboxIsPrivateAndIdempotent(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		f := newDirFixture(t, s)
		msg := notify.Message{UserID: f.manager.UserID, Kind: notify.KindDirectoryReminder, Subject: "Check Hackney Reablement",
			Link: "/directory/services/x", DedupeKey: "verify:service:x:never"}
		for range 2 {
			if _, err := s.SendNotifications(ctx, care.SystemActor("test"), []notify.Message{msg}); err != nil {
				t.Fatal(err)
			}
		}
		other := msg
		other.UserID, other.DedupeKey = f.outsider.UserID, ""
		if n, err := s.SendNotifications(ctx, care.SystemActor("test"), []notify.Message{other, other}); err != nil || n != 2 {
			t.Fatalf("without a key both are sent: %d, %v", n, err)
		}
		list, unread, err := s.Inbox(ctx, f.manager, 10)
		if err != nil || len(list) != 1 || unread != 1 || !list[0].Unread() || list[0].Subject != msg.Subject {
			t.Fatalf("inbox = %+v, %d, %v", list, unread, err)
		}
		// Someone else cannot mark it read, and learns nothing.
		if err := s.MarkNotificationRead(ctx, f.outsider, list[0].ID); !care.IsKind(err, care.KindNotFound) {
			t.Fatalf("outsider marked it read: %v", err)
		}
		if err := s.MarkNotificationRead(ctx, f.manager, list[0].ID); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.UnreadNotifications(ctx, f.manager); n != 0 {
			t.Fatalf("unread after marking = %d", n)
		}
		if err := s.MarkAllNotificationsRead(ctx, f.outsider); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.UnreadNotifications(ctx, f.outsider); n != 0 {
			t.Fatalf("outsider unread = %d", n)
		}
		bad := msg
		bad.Link = "https://evil.example/"
		if _, err := s.SendNotifications(ctx, care.SystemActor("test"), []notify.Message{bad}); !care.IsKind(err, care.KindInvalid) {
			t.Fatalf("off-site link accepted: %v", err)
		}
	})
}

func TestEntriesDueForReminder(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		f := newDirFixture(t, s)
		sys := care.SystemActor("test")
		sv := f.service()
		sv.Verified = care.Verification{At: time.Now().Add(-100 * 24 * time.Hour), ByName: "Demo"}
		due, err := s.CreateService(ctx, sys, sv)
		if err != nil {
			t.Fatal(err)
		}
		sv.Name, sv.Verified = "Fresh service", care.Verification{At: time.Now()}
		if _, err := s.CreateService(ctx, sys, sv); err != nil {
			t.Fatal(err)
		}
		admin := seedUser(t, s, "admin@example.nhs.uk", care.RoleOrgAdmin, f.team)

		cutoff := time.Now().Add(-care.FreshFor)
		list, err := s.EntriesDueForReminder(ctx, cutoff, 100)
		if err != nil {
			t.Fatal(err)
		}
		var found *DueEntry
		for i, e := range list {
			if e.Ref.ID == due.ID {
				found = &list[i]
			}
			if e.Name == "Fresh service" {
				t.Error("a fresh service is due")
			}
		}
		if found == nil || found.TeamID != f.team.ID || found.VerifiedAt.IsZero() {
			t.Fatalf("due entries = %+v", list)
		}
		owners, err := s.DirectoryOwners(ctx, found.OrganisationID, found.TeamID)
		if err != nil || len(owners) != 2 || !contains(owners, f.manager.UserID) || !contains(owners, admin.ID) {
			t.Fatalf("owners = %v, %v (manager %s, admin %s)", owners, err, f.manager.UserID, admin.ID)
		}
		if err := s.RemindOwners(ctx, sys, []Reminder{{Ref: found.Ref, Messages: []notify.Message{{UserID: f.manager.UserID,
			Kind: notify.KindDirectoryReminder, Subject: "Check it", DedupeKey: "k"}}}}); err != nil {
			t.Fatal(err)
		}
		if err := s.RemindOwners(ctx, f.manager, nil); !care.IsKind(err, care.KindForbidden) {
			t.Fatalf("a person sent reminders: %v", err)
		}
		list, _ = s.EntriesDueForReminder(ctx, cutoff, 100)
		for _, e := range list {
			if e.Ref.ID == due.ID {
				t.Fatal("an entry was due again straight after its reminder")
			}
		}
		// Verifying starts a new cycle: due again once it is old enough.
		if _, err := s.VerifyService(ctx, f.manager, due.ID, due.Version); err != nil {
			t.Fatal(err)
		}
		list, _ = s.EntriesDueForReminder(ctx, time.Now().Add(time.Hour), 100)
		again := false
		for _, e := range list {
			again = again || e.Ref.ID == due.ID
		}
		if !again {
			t.Fatal("a re-verified entry never comes due again")
		}
	})
}
