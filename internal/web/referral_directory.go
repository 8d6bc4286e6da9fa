package web

import (
	"context"
	"net/http"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/directory"
)

// This file adds referrals to the directory's pages: each service's
// response figures in search results and on its page, what referrers most
// often leave out, its response targets, and the way in to refer to it;
// and the directory to referrals: the services a person could be referred
// to, as a page offers them.

// figuresView is a service's response figures as a page says them.
type figuresView struct {
	Enough      bool
	Acknowledge string
	Decide      string
	Accepted    string
	Sample      int
}

func viewFigures(f care.ReferralFigures) figuresView {
	v := figuresView{Acknowledge: f.Acknowledge.String(), Decide: f.Decide.String(), Accepted: f.Accepted.String(),
		Sample: max(f.Acknowledge.Sample(), f.Decide.Sample())}
	_, ack := f.Acknowledge.Value()
	_, dec := f.Decide.Value()
	v.Enough = ack || dec
	return v
}

// fillHitFigures adds the response figures to search results.
func (s *Server) fillHitFigures(ctx context.Context, lists ...[]hitView) error {
	var ids []string
	for _, l := range lists {
		for _, h := range l {
			ids = append(ids, h.Service.ID)
		}
	}
	figs, err := s.store.ReferralFigures(ctx, ids)
	if err != nil {
		return err
	}
	for _, l := range lists {
		for i := range l {
			l[i].Figures = viewFigures(figs[l[i].Service.ID])
		}
	}
	return nil
}

// serviceReferrals is what a service's page shows about referrals to it.
type serviceReferrals struct {
	Figures     figuresView
	Missing     []missingLine
	CanRefer    bool
	Targets     []targetLine
	ViaJoinedup bool
}

type missingLine struct {
	Label string
	Count int
}

func (s *Server) fillServiceReferrals(r *http.Request, actor care.Actor, sv care.Service) (serviceReferrals, error) {
	ctx := r.Context()
	var out serviceReferrals
	figs, err := s.store.ReferralFigures(ctx, []string{sv.ID})
	if err != nil {
		return out, err
	}
	out.Figures = viewFigures(figs[sv.ID])
	counts, err := s.store.ServiceMissingInfo(ctx, sv.ID)
	if err != nil {
		return out, err
	}
	for _, c := range counts {
		out.Missing = append(out.Missing, missingLine{Label: c.Category.Label(), Count: c.Count})
	}
	out.ViaJoinedup = sv.Status == care.ServiceActive && sv.TeamID != "" && sv.Referral.Has(care.ReferThroughJoinedup)
	out.CanRefer = out.ViaJoinedup && care.CanRefer(actor)
	tg, _, err := s.store.ServiceReferralTargets(ctx, sv.ID)
	if err != nil {
		return out, err
	}
	out.Targets = targetLines(tg)
	return out, nil
}

// maxServiceChoices is how many services a page offers to refer to: those
// covering the person, then the nearest others. A select longer than this
// is no help to anyone.
const maxServiceChoices = 200

// referralPerson is what the directory needs to know about a person to
// judge which services cover them.
func (s *Server) referralPerson(p care.Person) directory.ReferralPerson {
	rp := directory.ReferralPerson{Postcode: p.Postcode}
	if o, ok := s.dir.Organisation(p.RegisteredPracticeID); ok {
		rp.PracticeODS = o.ODSCode
	}
	return rp
}

// serviceChoices groups the services a person could be referred to for a
// select: those covering them under near, then the rest under others, in
// ReferralTargets' order, leaving out the service skip.
func serviceChoices(targets []directory.ReferralTarget, skip, chosen, near, others string) []choiceGroup {
	covering, rest := choiceGroup{Label: near}, choiceGroup{Label: others}
	for _, tg := range targets {
		if tg.Service.ID == skip {
			continue
		}
		c := choice{Value: tg.Service.ID, Label: tg.Service.Name + " (" + tg.Organisation.Name + ")", Checked: chosen == tg.Service.ID}
		if tg.Covers {
			covering.Choices = append(covering.Choices, c)
		} else {
			rest.Choices = append(rest.Choices, c)
		}
	}
	var out []choiceGroup
	for _, g := range []choiceGroup{covering, rest} {
		if len(g.Choices) > 0 {
			out = append(out, g)
		}
	}
	return out
}
