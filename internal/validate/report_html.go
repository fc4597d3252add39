package validate

import (
	"embed"
	"html/template"
	"io"

	"github.com/kyso-vn/kyso/internal/i18n"
)

//go:embed templates/report.html
var templateFiles embed.FS

// reportTemplate is parsed once; its functions take the language from the
// data, so one template serves every language.
var reportTemplate = template.Must(template.New("report.html").Funcs(template.FuncMap{
	"t":    func(string) string { return "" },
	"word": func(Indication) string { return "" },
	"time": FormatTime,
}).ParseFS(templateFiles, "templates/report.html"))

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
	tpl, err := reportTemplate.Clone()
	if err != nil {
		return err
	}
	tpl.Funcs(template.FuncMap{
		"t":    func(key string) string { return i18n.T(lang, key) },
		"word": func(ind Indication) string { return IndicationWord(lang, ind) },
	})
	return tpl.ExecuteTemplate(w, name, struct {
		Lang string
		R    *Report
	}{string(lang), r})
}
