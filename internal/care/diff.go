package care

import "strings"

// DiffOp says what happened to a line between two versions.
type DiffOp byte

const (
	DiffKeep   DiffOp = '='
	DiffRemove DiffOp = '-'
	DiffAdd    DiffOp = '+'
)

// DiffLine is one line of a difference.
type DiffLine struct {
	Op   DiffOp
	Text string
}

// maxDiffCells bounds the work of one comparison. A plan section is a few
// dozen lines, so this is never reached in use; it stops a pasted book from
// costing seconds, by showing the middle as all removed and all added.
const maxDiffCells = 1 << 22

// DiffLines compares two texts line by line and returns the lines removed,
// kept and added, in reading order, with the fewest lines changed (a longest
// common subsequence). Plan sections are short, so the plain quadratic
// method is fast and easy to check; a library would add a dependency for
// inputs a thousand times larger than ours.
func DiffLines(before, after string) []DiffLine {
	a, b := splitLines(before), splitLines(after)
	// Common lines at either end need no table.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	out := make([]DiffLine, 0, len(a)+len(b))
	for _, l := range a[:pre] {
		out = append(out, DiffLine{DiffKeep, l})
	}
	out = append(out, diffMiddle(a[pre:len(a)-suf], b[pre:len(b)-suf])...)
	for _, l := range a[len(a)-suf:] {
		out = append(out, DiffLine{DiffKeep, l})
	}
	return out
}

func diffMiddle(a, b []string) []DiffLine {
	n, m := len(a), len(b)
	var out []DiffLine
	if n == 0 || m == 0 || (n+1)*(m+1) > maxDiffCells {
		for _, l := range a {
			out = append(out, DiffLine{DiffRemove, l})
		}
		for _, l := range b {
			out = append(out, DiffLine{DiffAdd, l})
		}
		return out
	}
	// lcs[i][j] is the length of the longest common subsequence of a[i:]
	// and b[j:], kept in one slice.
	w := m + 1
	lcs := make([]int32, (n+1)*w)
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			out = append(out, DiffLine{DiffKeep, a[i]})
			i++
			j++
		case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
			out = append(out, DiffLine{DiffRemove, a[i]})
			i++
		default:
			out = append(out, DiffLine{DiffAdd, b[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, DiffLine{DiffRemove, a[i]})
	}
	for ; j < m; j++ {
		out = append(out, DiffLine{DiffAdd, b[j]})
	}
	return out
}

// splitLines splits text into lines, ignoring one final line end, so "a\n"
// and "a" are the same one line and "" is no lines.
func splitLines(s string) []string {
	s = strings.TrimSuffix(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// Added reports whether the line is only in the new text.
func (l DiffLine) Added() bool { return l.Op == DiffAdd }

// Removed reports whether the line is only in the old text.
func (l DiffLine) Removed() bool { return l.Op == DiffRemove }
