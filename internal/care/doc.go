// Package care holds joinedup's domain: the types, validation rules, state
// machines and permission rules shared by every surface. It is pure: it does
// not touch the network or the database, so every rule here can be tested as a
// table.
package care
