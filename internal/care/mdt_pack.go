package care

import "time"

// PreReadPack is what an attendee reads about one person before an MDT
// meeting: the question the team is asked, and sections built from the
// person's record at the moment the pack is opened.
//
// A pack is a list of sections so that each capability adds its own: the
// plan summary, open referrals, open actions and recent timeline come from
// the person record, the referrals and the meetings. Pages show every
// section alike.
type PreReadPack struct {
	Item     MDTAgendaItem
	Person   Person
	Sections []PackSection
}

// PackSection is one part of a pre-read pack, such as "Open actions".
type PackSection struct {
	// Key names the section for links and tests: "plan", "actions",
	// "referrals", "timeline".
	Key   string
	Title string
	Lines []PackLine
	// None is what the section says when it has no lines, such as "No
	// open actions"; saying so is part of the picture.
	None string
}

// PackLine is one fact in a section.
type PackLine struct {
	// Label, when set, names the fact ("Goals", "Due 12 May 2026").
	Label string
	Text  string
	At    time.Time
	// Flag marks something to notice, such as "Overdue".
	Flag string
	// Link, when set, is a page of joinedup with more.
	Link string
}

// Section returns the section with the key, and false if the pack has none.
func (p PreReadPack) Section(key string) (PackSection, bool) {
	for _, s := range p.Sections {
		if s.Key == key {
			return s, true
		}
	}
	return PackSection{}, false
}
