// Package directory answers "who do I contact, for this need, for this
// person, today?". It keeps an in-memory read model of the directory (the
// services, the organisations and teams that run them, their contacts, and
// the postcode gazetteer) built from the database and kept current as
// entries change, and searches it in well under a millisecond per query.
//
// The database stays the only source of truth: the index is rebuilt from it
// at start-up, refreshed straight after a change made through this
// instance, and caught up every few seconds with changes made by others
// (see Index.Sync). Nothing is written here except the gaps in service a
// search finds, which the caller records.
//
// The package also reads the files directory imports take (the ODS
// epraccur list of GP practices) and works out what changed between two
// versions of an entry for its history.
package directory
