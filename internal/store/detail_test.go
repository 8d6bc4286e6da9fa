package store

import (
	"strings"
	"testing"
)

func TestDetailField(t *testing.T) {
	t.Parallel()
	cases := []struct{ detail, key, want string }{
		{"parts=identity,care-team via=registered-practice+break-glass", "parts", "identity, care team"},
		{"parts=identity,care-team via=registered-practice+break-glass", "via", "registered practice, break glass"},
		{"parts=alerts:1-shown:0-withheld", "parts", "alerts 1 shown 0 withheld"},
		{"by=nhs-number results=1", "parts", ""},
		{"", "via", ""},
	}
	for _, c := range cases {
		if got := detailField(c.detail, c.key); got != c.want {
			t.Errorf("detailField(%q, %q) = %q, want %q", c.detail, c.key, got, c.want)
		}
	}
}

// FuzzDetailField reads audit details, which the access log turns into
// words: whatever a row holds, the result is one value with no key in it.
func FuzzDetailField(f *testing.F) {
	f.Add("parts=identity,care-team via=care-team")
	f.Add("via==x parts=")
	f.Add("parts=a parts=b")
	f.Fuzz(func(t *testing.T, detail string) {
		got := detailField(detail, "parts")
		if strings.ContainsAny(got, "\n\t") && !strings.ContainsAny(detail, "\n\t") {
			t.Fatalf("detailField(%q) = %q", detail, got)
		}
		if strings.Contains(got, "parts=") || strings.ContainsAny(got, "-+:") {
			t.Fatalf("detailField(%q) = %q still has separators", detail, got)
		}
	})
}
