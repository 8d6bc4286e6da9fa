// Command assetgen builds the web interface's static files: it copies what
// the pages need from the nhsuk-frontend npm package and our own files in
// static/src into static/dist under content-hashed names, so they can be
// served with a year-long cache lifetime, and writes static/dist/manifest.json
// mapping each logical name to its hashed file name.
//
// It runs as `go generate ./internal/web` after `npm ci`. Its outputs are
// committed, so building the binary never needs npm.
//
// Logical names in manifest.json (templates ask for these, never for a file):
//
//	nhsuk.css    the NHS.UK design system's compiled, minified stylesheet
//	nhsuk.js     its JavaScript, an ES module exporting initAll; only app.js imports it
//	app.css      our small additions (static/src/app.css)
//	app.js       our only script (static/src/app.js), loaded with <script type="module">
//	favicon.ico, favicon.svg, nhsuk-icon-180.png, nhsuk-icon-192.png,
//	nhsuk-icon-512.png, nhsuk-icon-mask.svg, nhsuk-opengraph-image.png and the
//	other nhsuk-icon-*.svg files: nhsuk-frontend's assets/images, by file name
//
// Any other file added to static/src appears under its own file name.
//
// References between files are rewritten to hashed names, so that a change
// to one file changes the name of every file that points at it:
//   - url(...) in CSS that points at an nhsuk image (the package writes them as
//     /assets/images/NAME) or at a logical name becomes a relative url() of
//     the hashed file, which resolves wherever static/dist is mounted;
//   - a relative import in our JavaScript, such as `from './nhsuk.js'`, becomes
//     `from './nhsuk-frontend.<hash>.min.js'`.
//
// The package's @font-face rules are dropped: they load the Frutiger font from
// an NHS host, which the font's licence ties to nhs.uk and our Content Security
// Policy (self only) would block anyway, so pages fall back to Arial as the
// design system intends. Source map comments are dropped as the maps are not
// shipped.
//
// The package's licence travels with the copied files as
// nhsuk-frontend.LICENSE.txt. Files in static/dist that this run did not write
// are removed.
package main

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// manifestName and licenceName are written unhashed: the server reads the
// manifest by name, and the licence is for people, not pages.
const (
	manifestName = "manifest.json"
	licenceName  = "nhsuk-frontend.LICENSE.txt"
)

// fallbackLicence is the licence of the nhsuk-frontend repository; the npm
// package (at least 10.6.1) ships none of its own, yet MIT asks that the
// notice travel with copies.
//
//go:embed nhsuk-frontend.LICENSE.txt
var fallbackLicence []byte

// vendorFile is one file taken from the nhsuk-frontend package.
type vendorFile struct {
	logical string // name in manifest.json
	src     string // path under node_modules/nhsuk-frontend/dist/nhsuk
	out     string // output name before hashing; the hash goes before the first dot
}

var vendorCore = []vendorFile{
	{logical: "nhsuk.css", src: "nhsuk-frontend.min.css", out: "nhsuk-frontend.min.css"},
	{logical: "nhsuk.js", src: "nhsuk-frontend.min.js", out: "nhsuk-frontend.min.js"},
}

// vendorImages is where the package keeps favicons, touch icons and icons.
const vendorImages = "assets/images"

func main() {
	root := findModuleRoot()
	nodeModules := flag.String("node-modules", filepath.Join(root, "node_modules"), "the `directory` npm ci installed into")
	src := flag.String("src", filepath.Join(root, "internal", "web", "static", "src"), "`directory` of our own static files")
	out := flag.String("out", filepath.Join(root, "internal", "web", "static", "dist"), "output `directory`")
	flag.Parse()

	if _, err := generate(*nodeModules, *src, *out); err != nil {
		fmt.Fprintln(os.Stderr, "assetgen:", err)
		os.Exit(1)
	}
}

// findModuleRoot returns the directory of the nearest go.mod above the
// working directory. go generate runs us in internal/web, but the defaults
// must not depend on that; "../.." is the answer if no go.mod is found.
func findModuleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return filepath.Join("..", "..")
	}
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return filepath.Join("..", "..")
		}
		d = parent
	}
}

// generate writes the assets into outDir and returns the manifest it wrote.
func generate(nodeModules, srcDir, outDir string) (map[string]string, error) {
	pkg := filepath.Join(nodeModules, "nhsuk-frontend")
	pkgDist := filepath.Join(pkg, "dist", "nhsuk")
	if _, err := os.Stat(pkgDist); err != nil {
		return nil, fmt.Errorf("nhsuk-frontend not found in %s (run `npm ci` at the repository root first): %w", nodeModules, err)
	}
	g := &generator{
		manifest: map[string]string{},
		files:    map[string][]byte{},
	}

	// Images first: the stylesheet points at them.
	images, err := os.ReadDir(filepath.Join(pkgDist, filepath.FromSlash(vendorImages)))
	if err != nil {
		return nil, fmt.Errorf("reading nhsuk-frontend images: %w", err)
	}
	for _, e := range images {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(pkgDist, filepath.FromSlash(vendorImages), e.Name()))
		if err != nil {
			return nil, err
		}
		if err := g.add(e.Name(), e.Name(), b); err != nil {
			return nil, err
		}
	}
	for _, v := range vendorCore {
		b, err := os.ReadFile(filepath.Join(pkgDist, filepath.FromSlash(v.src)))
		if err != nil {
			return nil, fmt.Errorf("nhsuk-frontend has changed shape: %w", err)
		}
		b = stripSourceMap(b)
		if strings.HasSuffix(v.src, ".css") {
			b = dropRemoteFontFaces(b)
			if b, err = g.rewriteCSS(v.src, b); err != nil {
				return nil, err
			}
		}
		if err := g.add(v.logical, v.out, b); err != nil {
			return nil, err
		}
	}

	// Our own files: anything but JavaScript first, then JavaScript in name
	// order, so a script can import anything added before it.
	ours, err := os.ReadDir(srcDir)
	if err != nil {
		return nil, fmt.Errorf("reading our static files: %w", err)
	}
	var names []string
	for _, e := range ours {
		if e.IsDir() {
			return nil, fmt.Errorf("%s: static/src is flat; move %s up", srcDir, e.Name())
		}
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		names = append(names, e.Name())
	}
	isJS := func(n string) bool { return strings.HasSuffix(n, ".js") || strings.HasSuffix(n, ".mjs") }
	sort.SliceStable(names, func(i, j int) bool { return !isJS(names[i]) && isJS(names[j]) })
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(srcDir, n))
		if err != nil {
			return nil, err
		}
		switch {
		case strings.HasSuffix(n, ".css"):
			b, err = g.rewriteCSS(n, b)
		case isJS(n):
			b, err = g.rewriteJS(n, b)
		}
		if err != nil {
			return nil, err
		}
		if err := g.add(n, n, b); err != nil {
			return nil, err
		}
	}

	licence, err := readLicence(pkg)
	if err != nil {
		return nil, err
	}
	g.files[licenceName] = licence

	mj, err := json.MarshalIndent(g.manifest, "", "  ")
	if err != nil {
		return nil, err
	}
	g.files[manifestName] = append(mj, '\n')

	if err := g.write(outDir); err != nil {
		return nil, err
	}
	return g.manifest, nil
}

type generator struct {
	manifest map[string]string // logical name → hashed file name
	files    map[string][]byte // file name in outDir → content
}

// add records content under logical, named after out with its hash.
func (g *generator) add(logical, out string, content []byte) error {
	if _, dup := g.manifest[logical]; dup {
		return fmt.Errorf("two files claim the logical name %q; rename ours in static/src", logical)
	}
	name := hashedName(out, content)
	if _, dup := g.files[name]; dup {
		return fmt.Errorf("two files would both be written as %q", name)
	}
	g.manifest[logical] = name
	g.files[name] = content
	return nil
}

// hashedName puts the first 8 hex digits of content's SHA-256 before the
// first dot of name: app.css → app.1a2b3c4d.css, x.min.js → x.5e6f7a8b.min.js.
func hashedName(name string, content []byte) string {
	sum := sha256.Sum256(content)
	h := hex.EncodeToString(sum[:4])
	stem, ext, ok := strings.Cut(name, ".")
	if !ok {
		return name + "." + h
	}
	return stem + "." + h + "." + ext
}

var (
	sourceMapRE = regexp.MustCompile(`(?m)\n?(?://# sourceMappingURL=[^\n]*|/\*# sourceMappingURL=[^*]*\*/)\s*$`)
	fontFaceRE  = regexp.MustCompile(`@font-face\s*\{[^}]*\}`)
	remoteURLRE = regexp.MustCompile(`url\(\s*['"]?(?:https?:)?//`)
	cssURLRE    = regexp.MustCompile(`url\(\s*(['"]?)([^'")]+)(['"]?)\s*\)`)
	jsImportRE  = regexp.MustCompile(`((?:\bfrom|\bimport)\s*\(?\s*)(['"])([^'"\n]+)(['"])`)
)

func stripSourceMap(b []byte) []byte {
	return sourceMapRE.ReplaceAll(b, nil)
}

// dropRemoteFontFaces removes @font-face rules that fetch from another host.
func dropRemoteFontFaces(b []byte) []byte {
	return fontFaceRE.ReplaceAllFunc(b, func(rule []byte) []byte {
		if remoteURLRE.Match(rule) {
			return nil
		}
		return rule
	})
}

// rewriteCSS points every url() at a hashed file in the same directory. A
// url() that names no known file is an error, so that an upgrade of
// nhsuk-frontend that adds one cannot ship a broken link unnoticed.
func (g *generator) rewriteCSS(name string, b []byte) ([]byte, error) {
	var bad []string
	out := cssURLRE.ReplaceAllFunc(b, func(m []byte) []byte {
		sub := cssURLRE.FindSubmatch(m)
		ref := string(sub[2])
		if strings.HasPrefix(ref, "data:") || strings.HasPrefix(ref, "#") {
			return m
		}
		if hashed, ok := g.manifest[path.Base(ref)]; ok && isLocalRef(ref) {
			return []byte("url(" + hashed + ")")
		}
		bad = append(bad, ref)
		return m
	})
	if len(bad) > 0 {
		return nil, fmt.Errorf("%s: url() points at files assetgen does not ship: %s", name, strings.Join(bad, ", "))
	}
	return out, nil
}

// isLocalRef accepts the package's /assets/images/NAME, a relative path and
// a bare logical name; anything on another host is refused.
func isLocalRef(ref string) bool {
	if strings.Contains(ref, "://") || strings.HasPrefix(ref, "//") {
		return false
	}
	return !strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "/assets/")
}

// rewriteJS turns relative imports of logical names into imports of the
// hashed files.
func (g *generator) rewriteJS(name string, b []byte) ([]byte, error) {
	var bad []string
	out := jsImportRE.ReplaceAllFunc(b, func(m []byte) []byte {
		sub := jsImportRE.FindSubmatch(m)
		ref := string(sub[3])
		if !strings.HasPrefix(ref, "./") || strings.Contains(ref[2:], "/") {
			bad = append(bad, ref)
			return m
		}
		hashed, ok := g.manifest[ref[2:]]
		if !ok {
			bad = append(bad, ref)
			return m
		}
		return slices.Concat(sub[1], sub[2], []byte("./"+hashed), sub[4])
	})
	if len(bad) > 0 {
		return nil, fmt.Errorf("%s: imports must be ./<logical name> of a file generated before it: %s", name, strings.Join(bad, ", "))
	}
	return out, nil
}

// readLicence prefers a licence file in the package, in case a later
// release ships one, over the copy kept here.
func readLicence(pkg string) ([]byte, error) {
	for _, n := range []string{"LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "LICENCE.md", "LICENCE.txt"} {
		b, err := os.ReadFile(filepath.Join(pkg, n))
		if err == nil {
			return b, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return fallbackLicence, nil
}

// write makes outDir hold exactly g.files. Unchanged files are left alone so
// their modification times stay put.
func (g *generator) write(outDir string) error {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	for name, content := range g.files {
		p := filepath.Join(outDir, name)
		if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, content) {
			continue
		}
		tmp := p + ".tmp"
		if err := os.WriteFile(tmp, content, 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmp, p); err != nil {
			return err
		}
	}
	entries, err := os.ReadDir(outDir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if _, keep := g.files[e.Name()]; keep || e.IsDir() {
			continue
		}
		if err := os.Remove(filepath.Join(outDir, e.Name())); err != nil {
			return fmt.Errorf("removing stale %s: %w", e.Name(), err)
		}
	}
	return nil
}
