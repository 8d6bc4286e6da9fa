package care

import (
	"strings"
	"time"
)

// SectionKey names a section of the care and support plan.
type SectionKey string

// The sections of the PRSB Personalised Care and Support Plan that joinedup
// keeps, in the standard's order.
const (
	SectionAboutMe     SectionKey = "about_me"
	SectionGoals       SectionKey = "goals"
	SectionNeeds       SectionKey = "needs"
	SectionActions     SectionKey = "actions"
	SectionContingency SectionKey = "contingency"
	SectionReview      SectionKey = "review"
)

// FieldKind says how a plan field is entered and checked.
type FieldKind string

const (
	FieldText FieldKind = "text" // several lines of writing
	FieldDate FieldKind = "date" // a date, YYYY-MM-DD
)

// PlanField is one thing a section asks for.
type PlanField struct {
	Name  string
	Label string
	Hint  string
	Kind  FieldKind
}

// SectionSpec describes a section: its title, what it asks for, and why.
type SectionSpec struct {
	Key    SectionKey
	Title  string
	Intro  string
	Fields []PlanField
}

// PlanSections lists the plan's sections in order. Actions are a list of
// their own (see PlanAction) and have no fields here.
func PlanSections() []SectionSpec {
	return []SectionSpec{
		{Key: SectionAboutMe, Title: "About me", Intro: "Written with the person, in their words where possible.", Fields: []PlanField{
			{Name: "what_matters", Label: "What matters to me", Hint: "The people, places, activities and things that are important to them.", Kind: FieldText},
			{Name: "how_to_support", Label: "How to support me", Hint: "Please do and please don't: what helps and what does not.", Kind: FieldText},
			{Name: "how_to_communicate", Label: "How to communicate with me", Hint: "For example: speak slowly, face me, my daughter helps me understand letters.", Kind: FieldText},
		}},
		{Key: SectionGoals, Title: "My goals", Intro: "What the person wants to achieve, in their own words.", Fields: []PlanField{
			{Name: "goals", Label: "Goals in my own words", Hint: "One goal on each line, as the person says it.", Kind: FieldText},
		}},
		{Key: SectionNeeds, Title: "My needs", Intro: "The needs the plan is there to meet.", Fields: []PlanField{
			{Name: "needs", Label: "Needs", Hint: "One need on each line: health, care, housing, money, company.", Kind: FieldText},
		}},
		{Key: SectionActions, Title: "Actions", Intro: "Who will do what, and by when."},
		{Key: SectionContingency, Title: "Contingency and crisis plan", Intro: "What to do if things change, and who to call in a crisis.", Fields: []PlanField{
			{Name: "contingency", Label: "If things change", Hint: "For example: if my carer is ill, call my son; if I stop eating, tell my GP.", Kind: FieldText},
			{Name: "crisis", Label: "In a crisis", Hint: "Who to call, day and night, and what they need to know.", Kind: FieldText},
		}},
		{Key: SectionReview, Title: "Review", Intro: "When the plan will next be looked at together.", Fields: []PlanField{
			{Name: "review_date", Label: "Review date", Kind: FieldDate},
			{Name: "review_notes", Label: "How the review will happen", Hint: "For example: home visit with my daughter there.", Kind: FieldText},
		}},
	}
}

// SectionFor finds a section by key.
func SectionFor(key SectionKey) (SectionSpec, bool) {
	for _, s := range PlanSections() {
		if s.Key == key {
			return s, true
		}
	}
	return SectionSpec{}, false
}

// PlanSection is a section's current content and who last changed it.
// Version is 0 for a section nobody has written yet.
type PlanSection struct {
	Key       SectionKey
	Fields    map[string]string
	Version   int
	UpdatedAt time.Time
	UpdatedBy string // name
	UpdatedIn string // team and organisation, so readers know whom to ask
}

// Value returns one field, or "".
func (s PlanSection) Value(name string) string { return s.Fields[name] }

// Empty reports whether nothing has been written in the section.
func (s PlanSection) Empty() bool {
	for _, v := range s.Fields {
		if v != "" {
			return false
		}
	}
	return true
}

// NormaliseSection keeps only the section's own fields, trimmed, with
// Windows line ends made plain, so what is stored is what is shown.
func NormaliseSection(spec SectionSpec, in map[string]string) map[string]string {
	out := make(map[string]string, len(spec.Fields))
	for _, f := range spec.Fields {
		v := strings.TrimSpace(strings.ReplaceAll(in[f.Name], "\r\n", "\n"))
		if v != "" {
			out[f.Name] = v
		}
	}
	return out
}

// ValidateSection checks a section's fields before they are saved.
func ValidateSection(spec SectionSpec, fields map[string]string) FieldErrors {
	var errs FieldErrors
	if spec.Key == SectionActions || len(spec.Fields) == 0 {
		errs.Add("section", "This section is changed one action at a time")
		return errs
	}
	for _, f := range spec.Fields {
		v := fields[f.Name]
		switch f.Kind {
		case FieldDate:
			if v == "" {
				continue
			}
			if _, err := time.Parse(time.DateOnly, v); err != nil {
				errs.Add(f.Name, "Enter a real date")
			}
		default:
			checkText(&errs, f.Name, "“"+f.Label+"”", v, maxLongText, "")
		}
	}
	return errs
}

// SectionText renders a section as plain text, a heading line for each
// field then its lines. It is what the history stores and compares, so a
// difference reads as the page does.
func SectionText(spec SectionSpec, fields map[string]string) string {
	var b strings.Builder
	for _, f := range spec.Fields {
		v := fields[f.Name]
		if v == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(f.Label)
		b.WriteString(":\n")
		if f.Kind == FieldDate {
			v = ReadableDate(v)
		}
		b.WriteString(v)
		b.WriteString("\n")
	}
	return b.String()
}

// ReadableDate shows YYYY-MM-DD as "27 March 2026"; anything else as it is.
func ReadableDate(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return t.Format("2 January 2006")
}

// OwnerKind says who an action belongs to.
type OwnerKind string

const (
	OwnerTeam   OwnerKind = "team"
	OwnerUser   OwnerKind = "user"
	OwnerPerson OwnerKind = "person"
	OwnerCarer  OwnerKind = "carer"
)

// ActionStatus is how far an action has got.
type ActionStatus string

const (
	StatusNotStarted ActionStatus = "not_started"
	StatusInProgress ActionStatus = "in_progress"
	StatusDone       ActionStatus = "done"
	StatusNotNeeded  ActionStatus = "not_needed"
)

// ActionStatuses lists the statuses in the order a form offers them.
var ActionStatuses = []ActionStatus{StatusNotStarted, StatusInProgress, StatusDone, StatusNotNeeded}

var statusLabels = map[ActionStatus]string{
	StatusNotStarted: "Not started",
	StatusInProgress: "In progress",
	StatusDone:       "Done",
	StatusNotNeeded:  "No longer needed",
}

// Label is the status as people say it.
func (s ActionStatus) Label() string { return statusLabels[s] }

// Open reports whether the action still needs doing.
func (s ActionStatus) Open() bool { return s == StatusNotStarted || s == StatusInProgress }

// PlanAction is something someone will do, by a date, to meet a need or
// reach a goal.
type PlanAction struct {
	ID          string
	PersonID    string
	Description string
	OwnerKind   OwnerKind
	// OwnerRef is the id of the team, user or carer; empty for the person.
	OwnerRef string
	// OwnerLabel is who the owner is, as shown, fixed when the action was
	// last changed so the history reads as it did then.
	OwnerLabel string
	DueDate    string // YYYY-MM-DD
	Status     ActionStatus
	UpdatedAt  time.Time
	UpdatedBy  string
	Version    int
}

// ActionOwner is one owner a form offers for an action.
type ActionOwner struct {
	Kind  OwnerKind
	Ref   string
	Label string
}

// Value is the owner as a form field sends it: "kind:ref".
func (o ActionOwner) Value() string { return string(o.Kind) + ":" + o.Ref }

// FindOwner picks the owner a form sent from the ones it offered, so an
// action can only belong to someone connected with the person.
func FindOwner(options []ActionOwner, value string) (ActionOwner, bool) {
	for _, o := range options {
		if o.Value() == value {
			return o, true
		}
	}
	return ActionOwner{}, false
}

// ValidateAction checks an action before it is saved. ownerOK says whether
// the owner was one of those offered.
func ValidateAction(a PlanAction, ownerOK bool) FieldErrors {
	var errs FieldErrors
	checkText(&errs, "description", "What will be done", strings.TrimSpace(a.Description), 1000, "Describe what will be done")
	if !ownerOK {
		errs.Add("owner", "Choose who will do it")
	}
	if a.DueDate == "" {
		errs.Add("due_date", "Enter the date it is due")
	} else if _, err := time.Parse(time.DateOnly, a.DueDate); err != nil {
		errs.Add("due_date", "Enter a real date")
	}
	if _, ok := statusLabels[a.Status]; !ok {
		errs.Add("status", "Choose how far it has got")
	}
	return errs
}

// ActionText renders an action as one line for the history.
func ActionText(a PlanAction) string {
	if a.ID == "" && a.Description == "" {
		return ""
	}
	return a.Description + "\nWho: " + a.OwnerLabel + "\nDue: " + ReadableDate(a.DueDate) + "\nStatus: " + a.Status.Label() + "\n"
}

// PlanChange is one entry in the plan's history: who changed which section,
// when, and the section's text before and after.
type PlanChange struct {
	ID        string
	Section   SectionKey
	Title     string
	ChangedAt time.Time
	ChangedBy string
	ChangedIn string
	Before    string
	After     string
}

// Diff is the change as lines removed, kept and added.
func (c PlanChange) Diff() []DiffLine { return DiffLines(c.Before, c.After) }

// Plan is a person's whole care and support plan.
type Plan struct {
	PersonID string
	Sections map[SectionKey]PlanSection
	Actions  []PlanAction
}

// Section returns a section, empty if never written.
func (p Plan) Section(key SectionKey) PlanSection {
	if s, ok := p.Sections[key]; ok {
		return s
	}
	return PlanSection{Key: key, Fields: map[string]string{}}
}
