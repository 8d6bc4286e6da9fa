package store

import (
	"context"

	"github.com/joinedup/joinedup/internal/care"
)

// RecordServiceGap notes a search that found no eligible service. It has no
// actor and writes no audit row, on purpose: a gap must never be traceable
// to who searched, because a searcher, a need, a small area and a date
// together could point at the person they were searching for.
func (s *Store) RecordServiceGap(ctx context.Context, g care.ServiceGap) error {
	return s.write(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `INSERT INTO service_gaps (id, occurred_on, need_code, outcode, local_authority, recorded_at)
			VALUES (?, ?, ?, ?, ?, ?)`, newID(), g.Day.String(), g.NeedCode, g.Outcode, g.LocalAuthority, t.now)
		return err
	})
}

// GapSummary counts the gaps for one need in one area.
type GapSummary struct {
	NeedCode       string
	Outcode        string
	LocalAuthority string
	Searches       int
	First, Last    string // YYYY-MM-DD
}

// GapFilter selects gaps to list.
type GapFilter struct {
	// From and To bound the days, inclusive, as YYYY-MM-DD.
	From, To       string
	LocalAuthority string
	Limit          int
}

// ServiceGaps lists gaps in service grouped by need and area, most searched
// first. Only organisation administrators and analysts may list them.
func (s *Store) ServiceGaps(ctx context.Context, actor care.Actor, f GapFilter) ([]GapSummary, error) {
	if !care.Allowed(actor, care.ActionViewServiceGaps) {
		return nil, s.denied(ctx, actor, auditEntry{Action: "directory.gaps.list", ResourceType: "ServiceGap"},
			care.Errorf(care.KindForbidden, "Only organisation administrators and analysts can see gaps in service."))
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	var list []GapSummary
	err := s.read(ctx, func(t *tx) error {
		where, args := `WHERE occurred_on >= ? AND occurred_on <= ?`, []any{f.From, f.To}
		if f.LocalAuthority != "" {
			where += ` AND local_authority = ?`
			args = append(args, f.LocalAuthority)
		}
		args = append(args, f.Limit)
		rows, err := t.query(ctx, `SELECT need_code, outcode, local_authority, COUNT(*), MIN(occurred_on), MAX(occurred_on)
			FROM service_gaps `+where+` GROUP BY need_code, outcode, local_authority
			ORDER BY COUNT(*) DESC, need_code, outcode, local_authority LIMIT ?`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var g GapSummary
			if err := rows.Scan(&g.NeedCode, &g.Outcode, &g.LocalAuthority, &g.Searches, &g.First, &g.Last); err != nil {
				return err
			}
			list = append(list, g)
		}
		return rows.Err()
	})
	return list, err
}
