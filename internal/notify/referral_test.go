package notify

import (
	"strings"
	"testing"
)

func TestReferralMessagesNameNobody(t *testing.T) {
	msgs := []Message{
		NewReferral("u", "01a1fc06-17df-7d9a-bf16-bafc03f8031a", "Hackney Reablement", "urgent"),
		ReferralUpdate("u", "01a1fc06-17df-7d9a-bf16-bafc03f8031a", "Hackney Reablement", "Accepted", true),
		ReferralMessage("u", "01a1fc06-17df-7d9a-bf16-bafc03f8031a", "Hackney Reablement", true),
		ReferralAssigned("u", "01a1fc06-17df-7d9a-bf16-bafc03f8031a", "Hackney Reablement"),
		ReferralOverdue("u", "01a1fc06-17df-7d9a-bf16-bafc03f8031a", "Hackney Reablement", "acknowledge", "routine"),
	}
	for _, m := range msgs {
		if err := m.Validate(); err != nil {
			t.Errorf("%s: %v", m.Kind, err)
		}
		if !strings.Contains(m.Subject, "BFC03F8031A"[3:]) || m.Link != "/referrals/01a1fc06-17df-7d9a-bf16-bafc03f8031a" {
			t.Errorf("%s: subject %q link %q", m.Kind, m.Subject, m.Link)
		}
	}
	if msgs[1].Kind != KindReferralOutcome || msgs[4].DedupeKey == "" {
		t.Error("the outcome or the escalation is not marked as such")
	}
}
