// Package learning holds the "Learning together" content: role profiles that
// explain what each profession does and needs, and a glossary that decodes the
// acronyms of health and social care. GPs and social workers describe not
// knowing each other's roles or language as a daily barrier, so the directory
// and the learning pages both show this content.
//
// The content lives in content_roles.go and content_glossary_*.go (the
// glossary in three files by first letter, as content_glossary.go explains),
// one entry per block, so that someone who is not a programmer can edit it.
// The tests check every entry for missing fields, broken links and style.
package learning
