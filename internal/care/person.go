package care

// Person is someone whose care joinedup helps to join up. This is the
// identity part of the record; the rest of the record is built on it.
type Person struct {
	ID          string
	NHSNumber   NHSNumber
	GivenName   string
	FamilyName  string
	DateOfBirth string // YYYY-MM-DD
	Postcode    string
	// RegisteredPracticeID is the organisation id of the GP practice the
	// person is registered with.
	RegisteredPracticeID string
	Version              int
}
