package main

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/notify"
)

// What the multi-instance harness (TestThreeInstancesShareOnePostgreSQL)
// checks: how the instances migrated, and, in the database and the
// instances' metrics after the run, writes, escalations, emails and jobs.

var appliedLine = regexp.MustCompile(`msg="applied migration" version=(\d+)`)

// checkMigratedOnce checks that the instances, started together with
// --migrate, applied each migration exactly once between them.
func checkMigratedOnce(t *testing.T, all []*instance) {
	t.Helper()
	by := map[string][]string{}
	for _, in := range all {
		for _, m := range appliedLine.FindAllStringSubmatch(in.log.String(), -1) {
			by[m[1]] = append(by[m[1]], in.String())
		}
	}
	if len(by) == 0 {
		t.Fatal("no instance applied a migration")
	}
	for v := 1; v <= len(by); v++ {
		if got := by[strconv.Itoa(v)]; len(got) != 1 {
			t.Errorf("migration %d was applied by %v, want exactly one instance", v, got)
		}
	}
}

// pollClaims records who held each job over the run.
func pollClaims(ctx context.Context, db *sql.DB, holders map[string]map[string]bool) {
	for ctx.Err() == nil {
		rows, err := db.QueryContext(ctx, `SELECT job, COALESCE(holder, '') FROM job_claims`)
		if err == nil {
			for rows.Next() {
				var job, holder string
				if rows.Scan(&job, &holder) == nil && holder != "" {
					if holders[job] == nil {
						holders[job] = map[string]bool{}
					}
					holders[job][holder] = true
				}
			}
			rows.Close()
		}
		sleep(ctx, 150*time.Millisecond)
	}
}

var jobMetric = regexp.MustCompile(`(?m)^joinedup_job_(runs|skips)_total\{job="([^"]+)"\} (\S+)$`)

// scrapeJobMetrics adds an instance's job runs and skips to the totals.
func scrapeJobMetrics(t *testing.T, in *instance, runs, skips map[string]float64) {
	t.Helper()
	res, err := http.Get(in.url + "/metrics")
	if err != nil {
		t.Fatalf("%s /metrics: %v", in, err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, m := range jobMetric.FindAllStringSubmatch(string(b), -1) {
		v, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			t.Fatalf("%s /metrics: %q", in, m[0])
		}
		if m[1] == "runs" {
			runs[m[2]] += v
		} else {
			skips[m[2]] += v
		}
	}
	if len(runs) == 0 {
		t.Fatalf("%s /metrics has no job runs", in)
	}
}

// checkAcknowledgedWrites looks up every write an instance acknowledged,
// with the audit row written in the same transaction.
func checkAcknowledgedWrites(t *testing.T, db *sql.DB, acks []ack) {
	t.Helper()
	queries := map[string]string{
		"referral": `SELECT COUNT(*) FROM referrals r WHERE r.id = $1 AND $2 = '' AND EXISTS (
			SELECT 1 FROM audit_events a WHERE a.action = 'referral.send' AND a.resource_id = r.id)`,
		"message": `SELECT COUNT(*) FROM referral_messages m WHERE m.body = $1 AND $2 = '' AND EXISTS (
			SELECT 1 FROM audit_events a WHERE a.action = 'referral.message' AND a.resource_id = m.id)`,
		"move": `SELECT COUNT(*) FROM referral_transitions x WHERE x.referral_id = $1 AND x.to_status = $2 AND EXISTS (
			SELECT 1 FROM audit_events a WHERE a.action = 'referral.change' AND a.resource_id = x.referral_id
			AND a.detail LIKE '%to=' || x.to_status || '%')`,
		// extra is the person and the audit detail of the save.
		"plan": `SELECT COUNT(*) FROM plan_changes c WHERE c.after_text LIKE '%' || $1 || '%' AND EXISTS (
			SELECT 1 FROM audit_events a WHERE a.action = 'plan.section' AND a.resource_id = c.person_id
			AND c.person_id || ' ' || a.detail = $2)`,
	}
	missing := 0
	for _, a := range acks {
		var n int
		if err := db.QueryRow(queries[a.kind], a.key, a.extra).Scan(&n); err != nil {
			t.Fatalf("looking up a %s: %v", a.kind, err)
		}
		if n == 0 {
			if missing++; missing <= 10 {
				t.Errorf("%s acknowledged a %s (%q %q) that is not in the database with its audit row", a.instance, a.kind, a.key, a.extra)
			}
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d acknowledged writes are missing", missing, len(acks))
	}
}

// checkEscalations checks that each missed target was escalated once: one
// escalation, one audit row and one inbox notification per manager told.
// It returns how many of the overdue referrals were escalated.
func checkEscalations(t *testing.T, db *sql.DB, overdue []string) int {
	t.Helper()
	count := func(q string, args ...any) int {
		var n int
		if err := db.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(`SELECT COUNT(*) FROM (SELECT 1 FROM referral_escalations GROUP BY referral_id, step HAVING COUNT(*) > 1) d`); n > 0 {
		t.Errorf("%d missed targets were escalated more than once", n)
	}
	escalations := count(`SELECT COUNT(*) FROM referral_escalations`)
	if audited := count(`SELECT COUNT(*) FROM audit_events WHERE action = 'referral.escalate'`); audited != escalations {
		t.Errorf("%d escalations have %d audit rows", escalations, audited)
	}
	if n := count(`SELECT COUNT(*) FROM (SELECT 1 FROM notifications WHERE kind = $1 GROUP BY user_id, dedupe_key HAVING COUNT(*) > 1) d`,
		string(notify.KindReferralOverdue)); n > 0 {
		t.Errorf("%d managers were told of the same overdue referral more than once", n)
	}
	told := count(`SELECT COALESCE(SUM(managers_told), 0) FROM referral_escalations`)
	if sent := count(`SELECT COUNT(*) FROM notifications WHERE kind = $1`, string(notify.KindReferralOverdue)); sent != told {
		t.Errorf("escalations told %d managers, but %d notifications were sent", told, sent)
	}
	escalated := 0
	for _, id := range overdue {
		escalated += min(1, count(`SELECT COUNT(*) FROM referral_escalations WHERE referral_id = $1`, id))
	}
	if escalated == 0 {
		t.Errorf("none of the %d overdue referrals was escalated", len(overdue))
	}
	return escalated
}

// checkEmails checks that every email alert covered a batch of
// notifications marked emailed, so none was sent twice. The one allowance
// is the killed instance's: email is sent before it is marked, so an
// instance killed between the two leaves one alert to be sent again.
func checkEmails(t *testing.T, db *sql.DB, all []*instance, killed *instance) int {
	t.Helper()
	batches := map[string]int{}
	rows, err := db.Query(`SELECT u.email, COUNT(DISTINCT n.emailed_at) FROM notifications n JOIN users u ON u.id = n.user_id
		WHERE n.emailed_at IS NOT NULL GROUP BY u.email`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var email string
		var n int
		if err := rows.Scan(&email, &n); err != nil {
			t.Fatal(err)
		}
		batches[email] = n
	}
	rows.Close()
	received, fromKilled := map[string]int{}, map[string]int{}
	total := 0
	for _, in := range all {
		in.sink.mu.Lock()
		for to, msgs := range in.sink.mail {
			received[to] += len(msgs)
			total += len(msgs)
			if in == killed {
				fromKilled[to] += len(msgs)
			}
		}
		in.sink.mu.Unlock()
	}
	if total == 0 {
		t.Error("no email alert was sent")
	}
	resent := 0
	for to, n := range received {
		switch extra := n - batches[to]; {
		case extra == 1 && fromKilled[to] > 0 && resent == 0:
			resent++
			t.Logf("%s: one alert sent again after the instance that sent it was killed before marking it", to)
		case extra != 0:
			t.Errorf("%s was sent %d email alerts for %d batches of notifications", to, n, batches[to])
		}
	}
	for to, n := range batches {
		if received[to] == 0 {
			t.Errorf("%s has %d batches of notifications marked emailed but no email arrived", to, n)
		}
	}
	return total
}

// perInstanceJobs run on every instance without claims: the directory
// sync keeps each instance's index, and sealing is woken by each
// instance's own audit rows and safe side by side.
var perInstanceJobs = map[string]bool{"sync-directory": true, "seal-audit": true}

// checkJobClaims checks that every shared job ran once per interval at
// most across the instances, from their metrics: a claim sets the next
// run nine tenths of an interval ahead, so over elapsed no more than
// elapsed/(0.9 interval) + 1 runs are possible. The claims left in the
// table must all be the instances'; only the killed one's may still be
// live after the others stopped cleanly, and the jobs that run every
// second must have been claimed again after the kill, unless the killed
// instance died holding one (its claim then lasts out its lease).
func checkJobClaims(t *testing.T, db *sql.DB, all []*instance, killed *instance, killedAt time.Time, runs, skips map[string]float64,
	elapsed time.Duration, holders map[string]map[string]bool) {
	t.Helper()
	ours := func(holder string) *instance {
		for _, in := range all {
			if in.holds(holder) {
				return in
			}
		}
		return nil
	}
	for job, n := range runs {
		interval, ok := harnessIntervals[job]
		if !ok {
			t.Errorf("job %s has no interval in harnessIntervals", job)
			continue
		}
		if perInstanceJobs[job] {
			if n == 0 {
				t.Errorf("the surviving instances never ran %s, which every instance runs for itself", job)
			}
			continue
		}
		limit := int(elapsed/(interval-interval/10)) + 1
		if int(n) > limit {
			t.Errorf("%s ran %v times on the two surviving instances in %s, but once every %s allows at most %d",
				job, n, elapsed.Round(time.Millisecond), interval, limit)
		}
		var names []string
		for h := range holders[job] {
			if in := ours(h); in != nil {
				names = append(names, in.String())
			}
		}
		slices.Sort(names)
		t.Logf("%-25s ran %3v times on the survivors, skipped %3v ticks; held by %v", job, n, skips[job], names)
	}
	rows, err := db.Query(`SELECT job, COALESCE(holder, ''), lease_until IS NOT NULL, claimed_at FROM job_claims`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	claimed := map[string]bool{}
	for rows.Next() {
		var job, holder string
		var live bool
		var at sql.NullTime
		if err := rows.Scan(&job, &holder, &live, &at); err != nil {
			t.Fatal(err)
		}
		claimed[job] = true
		in := ours(holder)
		switch {
		case in == nil:
			t.Errorf("job %s is held by %q, not one of the instances", job, holder)
		case live && in != killed:
			t.Errorf("job %s is still claimed by %s, which stopped cleanly", job, in)
		case live:
			t.Logf("job %s: the killed instance died holding it; no instance runs it until its lease runs out", job)
		case harnessIntervals[job] == time.Second && !live && !at.Time.After(killedAt):
			t.Errorf("job %s was last claimed at %s, before the kill at %s: the surviving instances stopped running it",
				job, at.Time.Format(time.StampMilli), killedAt.Format(time.StampMilli))
		}
		for h := range holders[job] {
			if ours(h) == nil {
				t.Errorf("job %s was held by %q, not one of the instances", job, h)
			}
		}
	}
	for job := range harnessIntervals {
		if claimed[job] && perInstanceJobs[job] {
			t.Errorf("job %s runs on every instance, but was claimed", job)
		}
		if !claimed[job] && !perInstanceJobs[job] {
			t.Errorf("job %s was never claimed", job)
		}
	}
}
