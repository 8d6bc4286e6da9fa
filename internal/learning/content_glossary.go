package learning

// How to edit the glossary
//
// The glossary is kept in three files by the first letter of each term:
// content_glossary_a_d.go, content_glossary_e_m.go and
// content_glossary_n_z.go. Each term is one block between { and }, in the
// file for its first letter. The order within a file doesn't matter: pages
// sort terms alphabetically, but keeping each file roughly in order makes
// terms easier to find. To add a term, copy a block and change every line.
//
//   - Slug is part of the web address. Use lower case and hyphens, and never
//     change it once published.
//   - Term is how people write it; Expansion spells out an acronym (leave it
//     as "" if the term is already plain words).
//   - Meaning is one to three short sentences in plain English. Say what it
//     means for someone working with the other sector. Don't use "e.g." or
//     "etc": write "such as" or "for example".
//   - Sector is SectorHealth, SectorSocialCare, SectorVoluntary,
//     SectorHealthAndCare or SectorDataAndSystems.
//   - SeeAlso lists the slugs of related terms.
//
// Then run the tests ("go test ./internal/learning"). They check that every
// field is filled in, every SeeAlso slug exists and every term is in the
// file for its first letter.

// glossaryParts are the files the glossary is kept in, each with the first
// letters of the terms it holds.
var glossaryParts = []struct {
	from, to rune
	terms    func() []Term
}{
	{'a', 'd', glossaryAToD},
	{'e', 'm', glossaryEToM},
	{'n', 'z', glossaryNToZ},
}

// glossaryTerms returns every term, in no particular order.
func glossaryTerms() []Term {
	var all []Term
	for _, part := range glossaryParts {
		all = append(all, part.terms()...)
	}
	return all
}
