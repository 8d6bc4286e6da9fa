// Package auth signs people in and keeps them signed in: argon2id password
// hashes, server-side sessions with idle and absolute timeouts, and sign-in
// throttling per account and per address. Sessions record how the user
// proved who they are, so single sign-on and a second factor can be added as
// further methods without changing the session model.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/joinedup/joinedup/internal/care"
)

// Argon2Params are the argon2id cost settings stored with each hash, so they
// can be raised later without invalidating existing passwords.
type Argon2Params struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// DefaultArgon2 follows the OWASP minimum for argon2id (19 MiB, 2 passes).
var DefaultArgon2 = Argon2Params{MemoryKiB: 19 * 1024, Time: 2, Threads: 1}

const (
	saltLen = 16
	keyLen  = 32
)

// HashPassword returns a PHC-format argon2id hash of the password.
func HashPassword(password string, p Argon2Params) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches the encoded hash, in time
// that does not depend on where the two differ.
func CheckPassword(password, encoded string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, fmt.Errorf("not an argon2id hash")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, fmt.Errorf("unsupported argon2 version %q", parts[2])
	}
	var p Argon2Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil {
		return false, fmt.Errorf("bad argon2 parameters %q", parts[3])
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("bad salt: %w", err)
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, fmt.Errorf("bad key")
	}
	if p.MemoryKiB == 0 || p.MemoryKiB > 1<<21 || p.Time == 0 || p.Time > 16 || p.Threads == 0 {
		return false, fmt.Errorf("argon2 parameters out of range")
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// MinPasswordLength follows the NCSC's advice that length beats complexity
// rules: three random words easily pass it.
const MinPasswordLength = 12

// ValidatePassword checks a new password, reporting problems at the field.
func ValidatePassword(field, password string) error {
	var errs care.FieldErrors
	n := utf8.RuneCountInString(password)
	switch {
	case n == 0:
		errs.Add(field, "Enter a password")
	case n < MinPasswordLength:
		errs.Add(field, fmt.Sprintf("Your password must be at least %d characters long. Three random words work well", MinPasswordLength))
	case n > 256:
		errs.Add(field, "Your password must be 256 characters or fewer")
	}
	return errs.Err()
}
