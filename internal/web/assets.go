package web

//go:generate go run ./assetgen

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
)

// staticFiles holds the NHS.UK frontend and joinedup's own CSS and script,
// copied under content-hashed names by the asset generator.
//
//go:embed static/dist
var staticFiles embed.FS

type assets struct {
	files    fs.FS
	manifest map[string]string
}

func loadAssets() (*assets, error) {
	files, err := fs.Sub(staticFiles, "static/dist")
	if err != nil {
		return nil, err
	}
	raw, err := fs.ReadFile(files, "manifest.json")
	if err != nil {
		return nil, fmt.Errorf("the web assets are missing; run go generate ./internal/web: %w", err)
	}
	a := &assets{files: files}
	if err := json.Unmarshal(raw, &a.manifest); err != nil {
		return nil, fmt.Errorf("the web asset manifest is broken: %w", err)
	}
	return a, nil
}

// path returns the URL of an asset by its logical name, such as "nhsuk.css".
// An unknown name is a programming error caught when the page first renders.
func (a *assets) path(name string) (string, error) {
	hashed, ok := a.manifest[name]
	if !ok {
		return "", fmt.Errorf("no asset called %q", name)
	}
	return "/static/" + hashed, nil
}

// handler serves assets with a year-long cache: their names change whenever
// their content does.
func (a *assets) handler() http.Handler {
	files := http.StripPrefix("/static/", http.FileServerFS(a.files))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		files.ServeHTTP(w, r)
	})
}
