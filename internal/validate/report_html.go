package validate

import (
	"embed"
	"html/template"
	"io"
	"sync"

	"github.com/kyso-vn/kyso/internal/i18n"
	"github.com/kyso-vn/kyso/internal/validate/changes"
)

//go:embed templates/report.html
var templateFiles embed.FS

// reportTemplates holds the report template once per language: the
// language is bound into its functions, and html/template's escaping
// analysis then runs once, not on every report.
var reportTemplates sync.Map // i18n.Lang → *template.Template

func reportTemplate(lang i18n.Lang) *template.Template {
	if t, ok := reportTemplates.Load(lang); ok {
		return t.(*template.Template)
	}
	t := template.Must(template.New("report.html").Funcs(template.FuncMap{
		"t":      func(key string) string { return i18n.T(lang, key) },
		"word":   func(ind Indication) string { return IndicationWord(lang, ind) },
		"time":   FormatTime,
		"change": func(c changes.Change) string { return c.Text(lang) },
	}).ParseFS(templateFiles, "templates/report.html"))
	actual, _ := reportTemplates.LoadOrStore(lang, t)
	return actual.(*template.Template)
}

// WriteHTML writes the report as a printable page in lang.
func (r *Report) WriteHTML(w io.Writer, lang i18n.Lang) error {
	return r.writeHTML(w, lang, "report.html")
}

// WriteHTMLFragment writes the report's body without the page around it,
// for a page that shows it (the public /verify page); the page must style
// it (classes verdict, TOTAL-PASSED, TOTAL-FAILED, INDETERMINATE, sig).
func (r *Report) WriteHTMLFragment(w io.Writer, lang i18n.Lang) error {
	return r.writeHTML(w, lang, "report-body")
}

func (r *Report) writeHTML(w io.Writer, lang i18n.Lang, name string) error {
	r.Localize(lang)
	if lang != i18n.EN {
		lang = i18n.VI
	}
	return reportTemplate(lang).ExecuteTemplate(w, name, struct {
		Lang string
		R    *Report
	}{string(lang), r})
}
