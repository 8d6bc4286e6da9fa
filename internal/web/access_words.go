package web

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file writes the audit trail's notes on a record access for people,
// for "who has accessed this record": the store hands them over as the
// audit trail keeps them, lists of short words ("identity, contact, alerts
// 2 shown 0 withheld", "registered practice, care team"), and the page says
// "Their identity, contact details and 2 alerts" and "Through the person's
// GP practice and the care team". Words it does not know are shown as they
// are, so a new kind of access is never hidden.

// partWords name each part of a record an access can show.
var partWords = map[string]string{
	"identity":           "their identity",
	"contact":            "contact details",
	"communication":      "communication needs",
	"carers":             "carers",
	"care team":          "the care team",
	"about me":           "“About me”",
	"contact to ask":     "who to ask for access",
	"break glass reason": "the reason given for emergency access",
	"plan":               "the care and support plan",
	"referrals":          "open referrals",
	"actions":            "open actions",
	"timeline":           "recent events",
}

// countedWords name the parts that come with how many items were shown and
// withheld, singular then plural.
var countedWords = map[string][2]string{
	"alerts":       {"alert", "alerts"},
	"timeline":     {"timeline event", "timeline events"},
	"plan history": {"earlier version of the plan", "earlier versions of the plan"},
}

// viaWords name the relationships an access went through.
var viaWords = map[string]string{
	"registered practice": "the person's GP practice",
	"care team":           "the care team",
	"open referral":       "an open referral",
	"mdt attendee":        "an MDT meeting",
	"break glass":         "emergency access",
	"system":              "joinedup itself",
}

// describeParts writes what an access showed as a sentence, or "" when the
// audit trail noted nothing.
func describeParts(parts string) string {
	var out []string
	for _, p := range splitList(parts) {
		out = append(out, describePart(p))
	}
	return sentence(out)
}

// describePart writes one part: "2 alerts (1 more withheld)", "the care
// team", or the words as they are.
func describePart(p string) string {
	if w, ok := partWords[p]; ok {
		return w
	}
	// "alerts 2 shown 0 withheld", "timeline 19 shown 0 withheld",
	// "plan history 3".
	f := strings.Fields(p)
	var name []string
	for len(f) > 0 {
		if _, err := strconv.Atoi(f[0]); err == nil {
			break
		}
		name, f = append(name, f[0]), f[1:]
	}
	words, ok := countedWords[strings.Join(name, " ")]
	if !ok || len(f) == 0 {
		return p
	}
	shown, _ := strconv.Atoi(f[0])
	withheld := 0
	if len(f) == 4 && f[1] == "shown" && f[3] == "withheld" {
		withheld, _ = strconv.Atoi(f[2])
	} else if len(f) != 1 {
		return p
	}
	out := counted(shown, words)
	if withheld > 0 {
		out += " (" + strconv.Itoa(withheld) + " more withheld from them)"
	}
	return out
}

func counted(n int, words [2]string) string {
	switch n {
	case 0:
		return "no " + words[1]
	case 1:
		return "1 " + words[0]
	}
	return strconv.Itoa(n) + " " + words[1]
}

// describeVia writes the relationships an access went through, or "".
func describeVia(via string) string {
	var out []string
	for _, v := range splitList(via) {
		if w, ok := viaWords[v]; ok {
			v = w
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return ""
	}
	return "Through " + joinAnd(out) + "."
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// sentence joins phrases into one sentence: "Their identity, carers and
// the care team."
func sentence(phrases []string) string {
	if len(phrases) == 0 {
		return ""
	}
	r, n := utf8.DecodeRuneInString(joinAnd(phrases))
	return string(unicode.ToUpper(r)) + joinAnd(phrases)[n:] + "."
}

func joinAnd(items []string) string {
	if len(items) == 1 {
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
