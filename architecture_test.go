package joinedup_test

// This test keeps docs/architecture.md and the code in step. The table under
// "## Packages" there is the rule for which joinedup packages each package
// imports, and its "Pure" line names the packages that must do no I/O; the
// test asks the go command what the code really imports and fails on any
// difference. It reads the real dependency graph, as the compiler sees it,
// so an import hidden behind another package is caught too.

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/joinedup/joinedup"

// pkg is what go list says about one package.
type pkg struct {
	ImportPath string
	Standard   bool
	GoFiles    []string
	Imports    []string // direct, without tests
	Deps       []string // the whole closure, without tests
}

// goList describes every package of the module and everything they link.
func goList(t *testing.T) map[string]pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-json=ImportPath,Standard,GoFiles,Imports,Deps", "./...")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}

// ours returns the module's own packages with code to build, by their path
// inside the module ("internal/care"), leaving out test-only packages such
// as this one.
func ours(pkgs map[string]pkg) map[string]pkg {
	out := map[string]pkg{}
	for path, p := range pkgs {
		if rel, ok := strings.CutPrefix(path, module+"/"); ok && len(p.GoFiles) > 0 {
			out[rel] = p
		}
	}
	return out
}

// rule is one row of the table.
type rule struct {
	everything bool
	imports    []string // paths inside the module, sorted
}

var backticked = regexp.MustCompile("`([^`]+)`")

// readArchitecture parses the package table and the list of pure packages
// from docs/architecture.md.
func readArchitecture(t *testing.T) (rules map[string]rule, pure []string) {
	t.Helper()
	f, err := os.Open("docs/architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rules = map[string]rule{}
	inSection, inTable := false, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## "):
			inSection = line == "## Packages"
			inTable = false
			continue
		case !inSection:
			continue
		case strings.HasPrefix(line, "**Pure**"):
			for _, m := range backticked.FindAllStringSubmatch(line, -1) {
				pure = append(pure, inModule(m[1]))
			}
			continue
		case !strings.HasPrefix(line, "|"):
			inTable = false
			continue
		case strings.HasPrefix(line, "| package |") || strings.HasPrefix(line, "|---"):
			inTable = true
			continue
		case !inTable:
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 3 {
			t.Fatalf("docs/architecture.md: a package row needs three cells: %q", line)
		}
		name := backticked.FindStringSubmatch(cells[0])
		if name == nil {
			t.Fatalf("docs/architecture.md: no backticked package in %q", cells[0])
		}
		var r rule
		may := cells[2]
		if strings.TrimSpace(may) == "everything" {
			r.everything = true
		}
		for _, m := range backticked.FindAllStringSubmatch(may, -1) {
			r.imports = append(r.imports, inModule(m[1]))
		}
		slices.Sort(r.imports)
		if _, dup := rules[name[1]]; dup {
			t.Errorf("docs/architecture.md lists %s twice", name[1])
		}
		rules[name[1]] = r
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(rules) == 0 || len(pure) == 0 {
		t.Fatal("docs/architecture.md has no package table or no Pure line under ## Packages")
	}
	return rules, pure
}

// inModule turns a name from the table into a path inside the module:
// "care" is "internal/care"; "cmd/joinedup" and "internal/web/assetgen"
// stay as they are.
func inModule(name string) string {
	if strings.HasPrefix(name, "cmd/") || strings.HasPrefix(name, "internal/") {
		return name
	}
	return "internal/" + name
}

// isIO reports whether a standard library package does I/O: files and the
// process (os), the kernel (syscall), databases and the network. net/url
// and net/netip only parse text.
func isIO(path string) bool {
	if path == "net/url" || path == "net/netip" {
		return false
	}
	for _, p := range []string{"os", "syscall", "database/sql", "net"} {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

func TestArchitecture(t *testing.T) {
	all := goList(t)
	code := ours(all)
	rules, pure := readArchitecture(t)

	t.Run("the table lists every package and only those", func(t *testing.T) {
		for path := range code {
			if _, ok := rules[path]; !ok {
				t.Errorf("%s is not in the package table of docs/architecture.md: add a row saying what it is for and what it may import", path)
			}
		}
		for path, r := range rules {
			if _, ok := code[path]; !ok {
				t.Errorf("docs/architecture.md has a row for %s, which does not exist", path)
			}
			for _, imp := range r.imports {
				if _, ok := code[imp]; !ok {
					t.Errorf("docs/architecture.md says %s may import %s, which does not exist", path, imp)
				}
			}
		}
		for _, p := range pure {
			if _, ok := code[p]; !ok {
				t.Errorf("docs/architecture.md calls %s pure, but it does not exist", p)
			}
		}
	})

	t.Run("imports follow the table", func(t *testing.T) {
		for path, p := range code {
			r, ok := rules[path]
			if !ok || r.everything {
				continue
			}
			var got []string
			for _, imp := range p.Imports {
				if rel, ok := strings.CutPrefix(imp, module+"/"); ok {
					got = append(got, rel)
				}
			}
			slices.Sort(got)
			for _, imp := range got {
				if !slices.Contains(r.imports, imp) {
					t.Errorf("%s imports %s, which docs/architecture.md does not allow: remove the import, or change the table if the design has changed", path, imp)
				}
			}
			for _, imp := range r.imports {
				if !slices.Contains(got, imp) {
					t.Errorf("docs/architecture.md says %s may import %s, but it no longer does: take it out of the table", path, imp)
				}
			}
		}
	})

	t.Run("pure packages do no I/O", func(t *testing.T) {
		for _, path := range pure {
			p, ok := code[path]
			if !ok {
				continue
			}
			for _, dep := range append([]string{p.ImportPath}, p.Deps...) {
				d := all[dep]
				// The standard library's fmt links os (to print to standard
				// output) and time links syscall (to find the zone database),
				// so those two are in every closure.
				if isIO(dep) && dep != "os" && dep != "syscall" {
					t.Errorf("%s is pure but links %s", path, dep)
				}
				if d.Standard {
					continue
				}
				// Ours or a dependency's: it may not import any I/O at all,
				// even what the standard library links anyway.
				for _, imp := range d.Imports {
					switch {
					case !isIO(imp):
					case dep == p.ImportPath:
						t.Errorf("%s is pure but imports %s", path, imp)
					default:
						t.Errorf("%s is pure but %s, which it uses, imports %s", path, strings.TrimPrefix(dep, module+"/"), imp)
					}
				}
			}
		}
	})

	t.Run("only mail reaches a mail server", func(t *testing.T) {
		mail := module + "/internal/mail"
		for path, p := range code {
			if slices.Contains(p.Deps, "net/smtp") && path != "internal/mail" && !slices.Contains(p.Deps, mail) {
				t.Errorf("%s links net/smtp: email is sent only through internal/mail", path)
			}
		}
		if store := code["internal/store"]; slices.Contains(store.Deps, "net/smtp") {
			t.Error("internal/store links net/smtp: storage must never reach a mail server")
		}
	})
}
