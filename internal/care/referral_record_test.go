package care

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCanSeeReferral(t *testing.T) {
	t.Parallel()
	r := draftReferral(t)
	tests := []struct {
		name  string
		actor Actor
		want  bool
	}{
		{"referrer", refGP, true},
		{"referrer's colleague", refPracticeStaff, true},
		{"receiving team", refWorker, true},
		{"receiving team's manager", refManager, true},
		{"another team, same role", refOutsider, false},
		{"analyst in the receiving team", refAnalyst, false},
		{"nobody", Actor{}, false},
		{"joinedup itself", refSystem, true},
	}
	for _, tt := range tests {
		if got := CanSeeReferral(tt.actor, r); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCheckAttachment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, detected string
		size           int
		ok             bool
	}{
		{"letter.pdf", "application/pdf", 1000, true},
		{"photo.jpg", "image/jpeg", MaxAttachmentBytes, true},
		{"wound.png", "image/png", 10, true},
		{"page.pdf", "text/html; charset=utf-8", 10, false},
		{"big.pdf", "application/pdf", MaxAttachmentBytes + 1, false},
		{"empty.pdf", "application/pdf", 0, false},
		{"script.svg", "text/xml; charset=utf-8", 10, false},
		{"archive.zip", "application/zip", 10, false},
	}
	for _, tt := range tests {
		err := CheckAttachment(tt.name, tt.detected, tt.size)
		if (err == nil) != tt.ok {
			t.Errorf("%s (%s, %d bytes): %v", tt.name, tt.detected, tt.size, err)
		}
		if err != nil && FieldsOf(err).Message("attachments") == "" {
			t.Errorf("%s: the problem is not at the attachments field", tt.name)
		}
	}
}

func TestReferralReference(t *testing.T) {
	t.Parallel()
	if got := ReferralReference("01a1fc06-17df-7d9a-bf16-bafc03f8031a"); got != "C03F8031A"[1:] {
		t.Errorf("reference = %q", got)
	}
}

func FuzzCleanFilename(f *testing.F) {
	for _, s := range []string{"letter.pdf", `C:\Users\me\a "b".png`, "../../etc/passwd", "a\r\nContent-Type: x", "", "..", "日本語.pdf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := CleanFilename(name)
		if got == "" || !utf8.ValidString(got) || utf8.RuneCountInString(got) > 100 {
			t.Fatalf("CleanFilename(%q) = %q", name, got)
		}
		if strings.ContainsAny(got, "\"/\\\r\n;") || got == "." || got == ".." {
			t.Fatalf("CleanFilename(%q) = %q, which is not safe in a header or a path", name, got)
		}
	})
}
