package i18n

// What changed in a PDF after a signature (internal/validate/changes), as
// reports list it. The English is also the change's stable What.
func init() {
	register(map[string][2]string{
		"changes.pages":              {"số trang thay đổi từ %s thành %s", "the number of pages changed from %s to %s"},
		"changes.unreadable":         {"một đối tượng không còn đọc được", "object became unreadable"},
		"changes.dss_updated":        {"cập nhật dữ liệu kiểm tra hiệu lực (DSS)", "validation data (DSS) updated"},
		"changes.xmp_updated":        {"cập nhật siêu dữ liệu của tài liệu (XMP)", "document metadata (XMP) updated"},
		"changes.extensions_updated": {"cập nhật khai báo phần mở rộng", "developer extensions updated"},
		"changes.info_updated":       {"cập nhật thông tin tài liệu (/Info)", "document information (/Info) updated"},
		"changes.signature_updated":  {"thêm hoặc cập nhật một chữ ký", "a signature updated"},
		"changes.appearance_updated": {"cập nhật hình thức hiển thị của một chữ ký", "a signature's appearance updated"},
		"changes.page_content":       {"nội dung trang bị thay đổi", "page content changed"},
		"changes.object":             {"đối tượng %s bị thay đổi", "%s changed"},
		"changes.catalog_allowed":    {"danh mục tài liệu: biểu mẫu, dữ liệu kiểm tra hoặc siêu dữ liệu (%s)", "catalog: form, validation data or metadata (%s)"},
		"changes.catalog":            {"danh mục tài liệu: %s bị thay đổi", "catalog: %s changed"},
		"changes.annotations":        {"trang: thêm hoặc sửa chú thích", "page: annotations added or changed"},
		"changes.page":               {"trang: %s bị thay đổi", "page: %s changed"},
		"changes.fields_added":       {"biểu mẫu: thêm trường", "form: fields added"},
		"changes.form":               {"biểu mẫu: %s bị thay đổi", "form: %s changed"},
		"changes.field_signed":       {"một ô chữ ký trống đã được ký", "an empty signature field was signed"},
		"changes.field_filled":       {"một trường biểu mẫu được điền", "a form field was filled in"},
		"changes.keys":               {"%s: %s bị thay đổi", "%s %s changed"},
		"changes.annotations_mdp3":   {"thêm chú thích (chữ ký chứng nhận cho phép, DocMDP 3)", "annotations added (permitted by the certification, DocMDP 3)"},
		"changes.text_added":         {"viết thêm chữ lên trang: %s", "text added on the page: %s"},
		"changes.signature_fields":   {"thêm ô chữ ký", "signature fields added"},
	})
}
