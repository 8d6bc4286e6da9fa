package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// fakeTree lays out a node_modules with a tiny nhsuk-frontend shaped like
// the real 10.x package, our static/src, and an output directory holding a
// stale file from an earlier run.
func fakeTree(t *testing.T) (nodeModules, src, out string) {
	t.Helper()
	root := t.TempDir()
	nodeModules = filepath.Join(root, "node_modules")
	pkgDist := filepath.Join(nodeModules, "nhsuk-frontend", "dist", "nhsuk")
	src = filepath.Join(root, "src")
	out = filepath.Join(root, "dist")
	write(t, filepath.Join(pkgDist, "nhsuk-frontend.min.css"),
		`@font-face{font-family:Frutiger W01;src:url(https://fonts.example/f.woff2) format("woff2")}`+
			`.a{background:url(/assets/images/nhsuk-icon-cross.svg)}`+
			`.b{mask:url("/assets/images/nhsuk-icon-cross.svg")}`+
			`.c{background:url(data:image/png;base64,AAAA)}`+"\n"+
			`/*# sourceMappingURL=nhsuk-frontend.min.css.map */`)
	write(t, filepath.Join(pkgDist, "nhsuk-frontend.min.js"),
		"function initAll(){}export{initAll};\n//# sourceMappingURL=nhsuk-frontend.min.js.map")
	write(t, filepath.Join(pkgDist, "assets", "images", "favicon.ico"), "ico")
	write(t, filepath.Join(pkgDist, "assets", "images", "nhsuk-icon-cross.svg"), "<svg/>")
	write(t, filepath.Join(pkgDist, "assets", "manifest.json"), "{}")
	write(t, filepath.Join(src, "app.css"), ".app-badge{color:#fff}\n")
	write(t, filepath.Join(src, "app.js"), "import { initAll } from './nhsuk.js';\ninitAll();\n")
	write(t, filepath.Join(out, "app.00000000.css"), "stale")
	write(t, filepath.Join(out, ".gitattributes"), "stale too")
	return nodeModules, src, out
}

func write(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestGenerate(t *testing.T) {
	t.Parallel()
	nodeModules, src, out := fakeTree(t)
	manifest, err := generate(nodeModules, src, out)
	if err != nil {
		t.Fatal(err)
	}

	patterns := map[string]string{
		"nhsuk.css":            `^nhsuk-frontend\.[0-9a-f]{8}\.min\.css$`,
		"nhsuk.js":             `^nhsuk-frontend\.[0-9a-f]{8}\.min\.js$`,
		"app.css":              `^app\.[0-9a-f]{8}\.css$`,
		"app.js":               `^app\.[0-9a-f]{8}\.js$`,
		"favicon.ico":          `^favicon\.[0-9a-f]{8}\.ico$`,
		"nhsuk-icon-cross.svg": `^nhsuk-icon-cross\.[0-9a-f]{8}\.svg$`,
	}
	if len(manifest) != len(patterns) {
		t.Errorf("manifest has %d entries, want %d: %v", len(manifest), len(patterns), manifest)
	}
	for logical, pat := range patterns {
		if !regexp.MustCompile(pat).MatchString(manifest[logical]) {
			t.Errorf("manifest[%q] = %q, want match for %s", logical, manifest[logical], pat)
		}
	}

	var onDisk map[string]string
	if err := json.Unmarshal([]byte(read(t, filepath.Join(out, manifestName))), &onDisk); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	if len(onDisk) != len(manifest) {
		t.Errorf("manifest.json has %d entries, generate returned %d", len(onDisk), len(manifest))
	}
	for logical, name := range manifest {
		if onDisk[logical] != name {
			t.Errorf("manifest.json[%q] = %q, want %q", logical, onDisk[logical], name)
		}
	}

	// Exactly the hashed files, the manifest and the licence remain.
	want := map[string]bool{manifestName: true, licenceName: true}
	for _, name := range manifest {
		want[name] = true
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !want[e.Name()] {
			t.Errorf("unexpected file %s left in output (stale removal?)", e.Name())
		}
		delete(want, e.Name())
	}
	for name := range want {
		t.Errorf("missing output %s", name)
	}

	css := read(t, filepath.Join(out, manifest["nhsuk.css"]))
	icon := manifest["nhsuk-icon-cross.svg"]
	for _, c := range []struct{ what, substr string }{
		{"image url rewritten", ".a{background:url(" + icon + ")}"},
		{"quoted image url rewritten", ".b{mask:url(" + icon + ")}"},
		{"data url kept", "url(data:image/png;base64,AAAA)"},
	} {
		if !strings.Contains(css, c.substr) {
			t.Errorf("%s: %q not in %q", c.what, c.substr, css)
		}
	}
	for _, gone := range []string{"@font-face", "fonts.example", "sourceMappingURL", "/assets/"} {
		if strings.Contains(css, gone) {
			t.Errorf("nhsuk.css still contains %q: %q", gone, css)
		}
	}

	js := read(t, filepath.Join(out, manifest["app.js"]))
	if wantImport := "from './" + manifest["nhsuk.js"] + "'"; !strings.Contains(js, wantImport) {
		t.Errorf("app.js = %q, want it to contain %q", js, wantImport)
	}
	if strings.Contains(read(t, filepath.Join(out, manifest["nhsuk.js"])), "sourceMappingURL") {
		t.Error("nhsuk.js still points at a source map")
	}
	if !strings.Contains(read(t, filepath.Join(out, licenceName)), "MIT License") {
		t.Error("licence file does not carry the MIT licence")
	}
}

func TestGenerateIsStable(t *testing.T) {
	t.Parallel()
	nodeModules, src, out := fakeTree(t)
	first, err := generate(nodeModules, src, out)
	if err != nil {
		t.Fatal(err)
	}
	second, err := generate(nodeModules, src, out)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range first {
		if second[k] != v {
			t.Errorf("%s: %s then %s; names must depend on content only", k, v, second[k])
		}
	}

	// Changing nhsuk's script must rename app.js too, since app.js names it.
	write(t, filepath.Join(nodeModules, "nhsuk-frontend", "dist", "nhsuk", "nhsuk-frontend.min.js"),
		"function initAll(){}export{initAll};// changed")
	third, err := generate(nodeModules, src, out)
	if err != nil {
		t.Fatal(err)
	}
	if third["nhsuk.js"] == first["nhsuk.js"] || third["app.js"] == first["app.js"] {
		t.Errorf("nhsuk.js %s→%s, app.js %s→%s: both must change", first["nhsuk.js"], third["nhsuk.js"], first["app.js"], third["app.js"])
	}
	if third["app.css"] != first["app.css"] {
		t.Errorf("app.css renamed %s→%s though it did not change", first["app.css"], third["app.css"])
	}
	if _, err := os.Stat(filepath.Join(out, first["app.js"])); !os.IsNotExist(err) {
		t.Errorf("old app.js %s not removed: %v", first["app.js"], err)
	}
}

func TestGenerateRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		mutate  func(t *testing.T, nodeModules, src string)
		wantErr string
	}{
		{
			name:    "no node_modules",
			mutate:  func(t *testing.T, nm, _ string) { os.RemoveAll(nm) },
			wantErr: "npm ci",
		},
		{
			name: "stylesheet points at an image the package does not ship",
			mutate: func(t *testing.T, nm, _ string) {
				write(t, filepath.Join(nm, "nhsuk-frontend", "dist", "nhsuk", "nhsuk-frontend.min.css"), ".a{background:url(/assets/images/missing.svg)}")
			},
			wantErr: "missing.svg",
		},
		{
			name: "stylesheet points at another host",
			mutate: func(t *testing.T, nm, _ string) {
				write(t, filepath.Join(nm, "nhsuk-frontend", "dist", "nhsuk", "nhsuk-frontend.min.css"), ".a{background:url(https://cdn.example/nhsuk-icon-cross.svg)}")
			},
			wantErr: "cdn.example",
		},
		{
			name: "script imports a bare module name",
			mutate: func(t *testing.T, _, src string) {
				write(t, filepath.Join(src, "app.js"), "import { initAll } from 'nhsuk-frontend';\n")
			},
			wantErr: "'nhsuk-frontend'",
		},
		{
			name: "script imports an unknown file",
			mutate: func(t *testing.T, _, src string) {
				write(t, filepath.Join(src, "app.js"), "import './nope.js';\n")
			},
			wantErr: "./nope.js",
		},
		{
			name: "our file clashes with an nhsuk image",
			mutate: func(t *testing.T, _, src string) {
				write(t, filepath.Join(src, "favicon.ico"), "ours")
			},
			wantErr: `"favicon.ico"`,
		},
		{
			name: "subdirectory in src",
			mutate: func(t *testing.T, _, src string) {
				write(t, filepath.Join(src, "img", "x.png"), "x")
			},
			wantErr: "flat",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nodeModules, src, out := fakeTree(t)
			tt.mutate(t, nodeModules, src)
			_, err := generate(nodeModules, src, out)
			if err == nil || !strings.Contains(err.Error(), strings.Trim(tt.wantErr, "'")) {
				t.Fatalf("err = %v, want it to mention %s", err, tt.wantErr)
			}
			if _, statErr := os.Stat(filepath.Join(out, "app.00000000.css")); statErr != nil {
				t.Errorf("a failed run touched the output: %v", statErr)
			}
		})
	}
}

func TestHashedName(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"app.css", `^app\.[0-9a-f]{8}\.css$`},
		{"nhsuk-frontend.min.js", `^nhsuk-frontend\.[0-9a-f]{8}\.min\.js$`},
		{"README", `^README\.[0-9a-f]{8}$`},
	}
	for _, tt := range tests {
		if got := hashedName(tt.in, []byte("x")); !regexp.MustCompile(tt.want).MatchString(got) {
			t.Errorf("hashedName(%q) = %q, want match for %s", tt.in, got, tt.want)
		}
	}
	if hashedName("a.css", []byte("x")) == hashedName("a.css", []byte("y")) {
		t.Error("different content, same name")
	}
}
