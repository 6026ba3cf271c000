// Package templates embeds the files evipack renders with: the Noto Sans SC
// fonts (SIL Open Font License 1.1, text in fonts/OFL.txt) and, later, the
// checklist rules and letter templates.
//
// It exists as a Go file only because //go:embed patterns cannot reach ".."
// (golang/go#46056); tests may pass an fstest.MapFS instead of FS.
package templates

import "embed"

// FS holds the embedded template tree.
//
//go:embed fonts/NotoSansSC_400Regular.ttf fonts/NotoSansSC_700Bold.ttf fonts/OFL.txt letters checklists
var FS embed.FS

// Font file names inside FS.
const (
	FontRegular = "fonts/NotoSansSC_400Regular.ttf"
	FontBold    = "fonts/NotoSansSC_700Bold.ttf"
)
