package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

// BenchmarkReferralWriteVsRawCommit measures durable, audited referral
// writes against the commit rate of raw SQLite on the same disk in the
// same run. Each iteration is one referral sent, acknowledged and
// accepted: three transactions, each with its audit rows, history,
// timeline event and notifications, committed with synchronous=FULL.
// The raw loop then commits one small row per transaction, three times as
// many, on a database opened with the same settings in the same directory.
// It reports referrals/s, referral-tx/s, raw-commits/s and tx-ratio, the
// referral transactions per second as a share of raw commits per second.
func BenchmarkReferralWriteVsRawCommit(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	s, err := Open(ctx, "sqlite:"+filepath.Join(dir, "referrals.db"), Options{Calendar: testCalendar(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	sys := care.SystemActor("bench")
	org := func(o care.Organisation) care.Organisation {
		created, err := s.CreateOrganisation(ctx, sys, o)
		if err != nil {
			b.Fatal(err)
		}
		return created
	}
	practice := org(care.Organisation{Name: "Practice", Kind: care.OrgGPPractice, ODSCode: "F84003"})
	council := org(care.Organisation{Name: "Council", Kind: care.OrgLocalAuthority, GSSCode: "E09000012"})
	actor := func(o care.Organisation, email string, role care.Role) (care.Actor, care.Team) {
		tm, err := s.CreateTeam(ctx, sys, care.Team{OrganisationID: o.ID, Name: email, Kind: "team"})
		if err != nil {
			b.Fatal(err)
		}
		u, err := s.CreateUser(ctx, sys, NewUser{Email: email, Name: email, PasswordHash: "h",
			Memberships: []NewMembership{{TeamID: tm.ID, Role: role}}})
		if err != nil {
			b.Fatal(err)
		}
		return care.Actor{UserID: u.ID, Name: u.Name, Acting: u.Memberships[0], Memberships: u.Memberships}, tm
	}
	gp, _ := actor(practice, "gp@example.nhs.uk", care.RoleGP)
	sw, swTeam := actor(council, "sw@example.gov.uk", care.RoleSocialWorker)
	sv, err := s.CreateService(ctx, sys, care.Service{OrganisationID: council.ID, TeamID: swTeam.ID, Name: "Social work",
		Description: "Social work.", Status: care.ServiceActive, Needs: []string{"personal-care"},
		Catchment: []care.CatchmentArea{{Kind: care.CatchLocalAuthority, Code: "E09000012"}},
		Referral:  care.Referral{Methods: []care.ReferralMethod{care.ReferThroughJoinedup}}, Capacity: care.Capacity{State: care.CapacityAccepting}})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.RegisterPerson(ctx, sys, care.Person{NHSNumber: "9990000026", GivenName: "Ada", FamilyName: "Lovelace",
		DateOfBirth: "1941-05-17", Address: "1 Road", Postcode: "E5 0PQ", RegisteredPracticeID: practice.ID}, nil, false); err != nil {
		b.Fatal(err)
	}
	form := NewReferral{NHSNumber: "9990000026", ServiceID: sv.ID, NeedCode: "personal-care", Wants: "Help at home",
		Urgency: care.UrgencyRoutine, LegalBasis: care.LegalBasisConsent, Contact: "Phone", ConfirmDuplicate: true}

	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "raw.db")+
		"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	if _, err := raw.Exec(`CREATE TABLE raw (id TEXT PRIMARY KEY, body TEXT NOT NULL)`); err != nil {
		b.Fatal(err)
	}

	n := 0
	started := time.Now()
	for b.Loop() {
		r, err := s.SendReferral(ctx, gp, form)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.ChangeReferral(ctx, sw, r.ID, care.ReceiverSide, care.ReferralChange{To: care.ReferralReceived}, 1); err != nil {
			b.Fatal(err)
		}
		if _, err := s.ChangeReferral(ctx, sw, r.ID, care.ReceiverSide, care.ReferralChange{To: care.ReferralAccepted}, 2); err != nil {
			b.Fatal(err)
		}
		n++
	}
	referrals := time.Since(started)
	started = time.Now()
	for i := range 3 * n {
		tx, err := raw.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Exec(`INSERT INTO raw (id, body) VALUES (?, ?)`, newID(), "row "+itoa(i)); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	rawTime := time.Since(started)
	txRate := float64(3*n) / referrals.Seconds()
	rawRate := float64(3*n) / rawTime.Seconds()
	b.ReportMetric(float64(n)/referrals.Seconds(), "referrals/s")
	b.ReportMetric(txRate, "referral-tx/s")
	b.ReportMetric(rawRate, "raw-commits/s")
	b.ReportMetric(txRate/rawRate, "tx-ratio")
}
