package i18n

// Recall of issued documents and the exchange's statuses.
func init() {
	register(map[string][2]string{
		"docs.recall_reason_required":       {"Hãy nêu lý do thu hồi văn bản.", "Give the reason for recalling the document."},
		"docs.status.withdrawn":             {"Đã thu hồi", "Withdrawn"},
		"docs.action.recalled":              {"Thu hồi văn bản", "Recalled"},
		"docs.action.withdrawn_by_sender":   {"Nơi gửi đã thu hồi văn bản", "Withdrawn by the sender"},
		"docs.action.status_recall_refused": {"Nơi nhận từ chối thu hồi", "The recipient refused the recall"},
		"notify.withdrawn":                  {"Văn bản đã bị nơi gửi thu hồi: %s", "Document withdrawn by its sender: %s"},
		"docact.recall_title":               {"Thu hồi văn bản", "Recall the document"},
		"docact.recall_note":                {"Nơi nhận trong hệ thống thấy văn bản bị thu hồi ngay; nơi nhận ngoài hệ thống nhận thông điệp thu hồi qua trục liên thông.", "Recipients on this system see it withdrawn at once; those elsewhere are sent the recall over the exchange axis."},
		"docact.recall":                     {"Thu hồi", "Recall"},
		"docfield.reason":                   {"Lý do", "Reason"},
		"docs.replaces_invalid":             {"Chỉ thay thế được văn bản đã phát hành của cơ quan mình.", "Only an issued document of your agency can be replaced."},
		"docs.action.replaced":              {"Được thay thế bởi văn bản", "Replaced by"},
		"docact.replace":                    {"Ban hành văn bản thay thế", "Issue a replacement"},
		"docpage.replaces":                  {"Văn bản thay thế cho %s", "Replacement for %s"},
		"flash.doc_recalled":                {"Đã thu hồi văn bản.", "The document was recalled."},
	})
}
