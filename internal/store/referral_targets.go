package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/joinedup/joinedup/internal/care"
)

// This file keeps each service's response targets ("acknowledge within 1
// working day"), from which every referral's deadlines are worked out.

// findTargets loads a service's response targets; a service that has set
// none has the defaults.
func findTargets(ctx context.Context, t *tx, serviceID string) (care.ReferralTargets, int, error) {
	var tg care.ReferralTargets
	var version int
	periods := []*care.TargetPeriod{&tg.Routine.Acknowledge, &tg.Routine.Decide, &tg.Urgent.Acknowledge, &tg.Urgent.Decide,
		&tg.SameDay.Acknowledge, &tg.SameDay.Decide}
	units := make([]string, len(periods))
	args := make([]any, 0, 2*len(periods)+1)
	for i, p := range periods {
		args = append(args, &p.Amount, &units[i])
	}
	args = append(args, &version)
	err := t.queryRow(ctx, `SELECT routine_ack_amount, routine_ack_unit, routine_decide_amount, routine_decide_unit,
		urgent_ack_amount, urgent_ack_unit, urgent_decide_amount, urgent_decide_unit, same_day_ack_amount, same_day_ack_unit,
		same_day_decide_amount, same_day_decide_unit, version FROM service_referral_targets WHERE service_id = ?`, serviceID).Scan(args...)
	if errors.Is(err, sql.ErrNoRows) {
		return care.ReferralTargets{}, 0, nil
	}
	if err != nil {
		return tg, 0, err
	}
	for i, p := range periods {
		p.Unit = care.TargetUnit(units[i])
		if p.Amount == 0 {
			*p = care.TargetPeriod{}
		}
	}
	return tg, version, nil
}

// ServiceReferralTargets returns a service's response targets as it set
// them (unset ones are zero), and their version.
func (s *Store) ServiceReferralTargets(ctx context.Context, serviceID string) (care.ReferralTargets, int, error) {
	var tg care.ReferralTargets
	var version int
	err := s.read(ctx, func(t *tx) error {
		if _, err := findService(ctx, t, serviceID); err != nil {
			return err
		}
		var err error
		tg, version, err = findTargets(ctx, t, serviceID)
		return err
	})
	return tg, version, err
}

// SetServiceReferralTargets saves a service's response targets. Only the
// people who look after the service's directory entry may. Referrals
// already sent keep the deadlines they were given until they next change.
func (s *Store) SetServiceReferralTargets(ctx context.Context, actor care.Actor, serviceID string, tg care.ReferralTargets, version int) error {
	if err := tg.Validate(); err != nil {
		return err
	}
	return s.personWrite(ctx, actor, func(t *tx) error {
		sv, err := findService(ctx, t, serviceID)
		if err != nil {
			return err
		}
		if !care.CanManageDirectoryEntry(actor, sv.OrganisationID) {
			return refuse("service.targets", "HealthcareService", serviceID, "", "not-owner",
				care.Errorf(care.KindForbidden, "Only the team managers and administrators of the organisation that runs this service can change its targets."))
		}
		_, current, err := findTargets(ctx, t, serviceID)
		if err != nil {
			return err
		}
		if current != version {
			return care.Errorf(care.KindConflict, "Someone else changed these targets while you were editing them. Nothing you typed has been saved yet.")
		}
		ps := []care.TargetPeriod{tg.Routine.Acknowledge, tg.Routine.Decide, tg.Urgent.Acknowledge, tg.Urgent.Decide,
			tg.SameDay.Acknowledge, tg.SameDay.Decide}
		args := []any{serviceID}
		for _, p := range ps {
			args = append(args, p.Amount, string(p.Unit))
		}
		args = append(args, t.now, auditUserID(actor), version+1)
		if version == 0 {
			_, err = t.exec(ctx, `INSERT INTO service_referral_targets (service_id, routine_ack_amount, routine_ack_unit,
				routine_decide_amount, routine_decide_unit, urgent_ack_amount, urgent_ack_unit, urgent_decide_amount,
				urgent_decide_unit, same_day_ack_amount, same_day_ack_unit, same_day_decide_amount, same_day_decide_unit,
				updated_at, updated_by, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
		} else {
			err = t.execOne(ctx, care.Errorf(care.KindConflict, "Someone else changed these targets while you were editing them. Nothing you typed has been saved yet."),
				`UPDATE service_referral_targets SET routine_ack_amount = ?, routine_ack_unit = ?, routine_decide_amount = ?,
				routine_decide_unit = ?, urgent_ack_amount = ?, urgent_ack_unit = ?, urgent_decide_amount = ?, urgent_decide_unit = ?,
				same_day_ack_amount = ?, same_day_ack_unit = ?, same_day_decide_amount = ?, same_day_decide_unit = ?, updated_at = ?,
				updated_by = ?, version = ? WHERE service_id = ? AND version = ?`, append(args[1:], serviceID, version)...)
		}
		if err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "service.targets", ResourceType: "HealthcareService", ResourceID: serviceID})
	})
}
