package i18n

// Documents and work records (internal/docs): errors, notifications, the
// names of statuses and timeline steps.
func init() {
	register(map[string][2]string{
		"docs.assignee_invalid":               {"Người được giao phải là cán bộ đang làm việc của cơ quan.", "The assignee must be an active member of the agency."},
		"docs.cannot_draft":                   {"Bạn không có quyền soạn văn bản.", "You may not draft documents."},
		"docs.comment_required":               {"Hãy nhập nội dung ý kiến.", "Enter the comment."},
		"docs.confidential_no_electronic":     {"Văn bản MẬT không được gửi qua mạng: hãy phát hành bản giấy theo quy định bảo vệ bí mật nhà nước.", "A document marked secret (MẬT) is never sent electronically: issue it on paper as the rules on state secrets require."},
		"docs.confidentiality_invalid":        {"Độ mật không hợp lệ.", "Unknown confidentiality level."},
		"docs.convert_failed":                 {"Không chuyển được tệp sang PDF; hãy tải lên tệp PDF.", "The file could not be converted to PDF; upload a PDF."},
		"docs.deadline_past":                  {"Hạn xử lý đã qua; hãy chọn ngày khác.", "That deadline has passed; choose another date."},
		"docs.file_required":                  {"Hãy chọn tệp văn bản (PDF hoặc DOCX).", "Choose the document's file (PDF or DOCX)."},
		"docs.file_type":                      {"Chỉ nhận tệp PDF, DOCX, DOC hoặc ODT.", "Only PDF, DOCX, DOC or ODT files are accepted."},
		"docs.no_file":                        {"Văn bản chưa có tệp.", "The document has no file."},
		"docs.no_libreoffice":                 {"Máy chủ chưa cài LibreOffice nên không chuyển được DOCX sang PDF; hãy tải lên tệp PDF (hoặc cài gói libreoffice-writer).", "LibreOffice is not installed on the server, so DOCX cannot be converted; upload a PDF (or install libreoffice-writer)."},
		"docs.not_assignee":                   {"Bạn không được giao xử lý văn bản này.", "This document is not assigned to you."},
		"docs.not_found":                      {"Không tìm thấy văn bản (hoặc bạn không có quyền xem).", "Document not found (or you may not see it)."},
		"docs.not_reviewer":                   {"Bạn không có trong danh sách cho ý kiến của văn bản này.", "You are not a reviewer of this document."},
		"docs.not_signed_yet":                 {"Văn bản chưa được lãnh đạo ký.", "The leader has not signed the document yet."},
		"docs.not_signer":                     {"Chỉ người có thẩm quyền được chỉ định mới ký văn bản này.", "Only the designated signer may sign this document."},
		"docs.only_clerk":                     {"Chỉ văn thư của cơ quan mới thực hiện bước này.", "Only the agency's clerk does this step."},
		"docs.only_drafter":                   {"Chỉ người soạn thảo mới thực hiện bước này.", "Only the drafter does this step."},
		"docs.only_leader_assigns":            {"Chỉ lãnh đạo cơ quan mới giao xử lý văn bản đến.", "Only the agency's leaders assign incoming documents."},
		"docs.pdf_encrypted":                  {"Tệp PDF có mật khẩu; hãy bỏ bảo vệ rồi tải lên lại.", "The PDF is password-protected; remove the protection and upload it again."},
		"docs.pdf_invalid":                    {"Tệp PDF không đọc được: %s.", "The PDF cannot be read: %s."},
		"docs.recipient_code_invalid":         {"Mã định danh nơi nhận không hợp lệ: %s.", "Invalid recipient identifier code: %s."},
		"docs.recipient_invalid":              {"Nơi nhận không tồn tại hoặc đã ngừng hoạt động: %s.", "The recipient does not exist or is inactive: %s."},
		"docs.reply_to_invalid":               {"Văn bản được trả lời không tồn tại.", "The document being answered does not exist."},
		"docs.return_needs_comment":           {"Hãy ghi lý do trả lại để người soạn thảo sửa.", "Say why you return it, so that the drafter can fix it."},
		"docs.reviewer_invalid":               {"Người cho ý kiến phải là cán bộ khác của cơ quan.", "Reviewers must be other members of the agency."},
		"docs.sender_required":                {"Hãy nhập cơ quan gửi.", "Enter the sending agency."},
		"docs.signer_invalid":                 {"Người ký phải là lãnh đạo của cơ quan.", "The signer must be one of the agency's leaders."},
		"docs.stats_forbidden":                {"Bạn không có quyền xem số liệu thống kê này.", "You may not see these statistics."},
		"docs.subject_required":               {"Hãy nhập trích yếu nội dung.", "Enter the subject (trích yếu)."},
		"docs.subject_too_long":               {"Trích yếu quá dài.", "The subject is too long."},
		"docs.type_invalid":                   {"Hãy chọn loại văn bản trong danh mục.", "Choose a document type from the list."},
		"docs.urgency_invalid":                {"Độ khẩn không hợp lệ.", "Unknown urgency."},
		"docs.wrong_status":                   {"Văn bản đang ở trạng thái “%s” nên không thực hiện được bước này; hãy tải lại trang.", "The document is “%s”, so this step cannot be done now; reload the page."},
		"notify.assigned":                     {"Bạn được giao xử lý: %s", "Assigned to you: %s"},
		"notify.received":                     {"Văn bản đến mới: %s", "New incoming document: %s"},
		"notify.returned":                     {"Văn bản bị trả lại để sửa: %s", "Returned for changes: %s"},
		"notify.to_assign":                    {"Văn bản đến chờ phân công: %s", "Incoming document to assign: %s"},
		"notify.to_issue":                     {"Văn bản đã ký, chờ cấp số và phát hành: %s", "Signed, to number and issue: %s"},
		"notify.to_review":                    {"Văn bản chờ bạn cho ý kiến: %s", "Waiting for your review: %s"},
		"notify.to_sign":                      {"Văn bản chờ bạn ký: %s", "Waiting for your signature: %s"},
		"docs.status.draft":                   {"Dự thảo", "Draft"},
		"docs.status.in_review":               {"Đang xin ý kiến", "In review"},
		"docs.status.returned":                {"Bị trả lại", "Returned"},
		"docs.status.approved":                {"Chờ ký", "To sign"},
		"docs.status.signed":                  {"Đã ký, chờ phát hành", "Signed, to issue"},
		"docs.status.issuing":                 {"Đang phát hành", "Issuing"},
		"docs.status.issued":                  {"Đã phát hành", "Issued"},
		"docs.status.received":                {"Mới đến", "Received"},
		"docs.status.registered":              {"Đã vào sổ", "Registered"},
		"docs.status.assigned":                {"Đang xử lý", "In progress"},
		"docs.status.completed":               {"Hoàn thành", "Completed"},
		"docs.status.rejected":                {"Đã trả lại", "Rejected"},
		"docs.action.drafted":                 {"Tạo dự thảo", "Drafted"},
		"docs.action.revised":                 {"Cập nhật dự thảo", "Revised"},
		"docs.action.submitted_for_review":    {"Trình xin ý kiến", "Sent for review"},
		"docs.action.submitted_for_signature": {"Trình ký", "Sent for signature"},
		"docs.action.approved":                {"Đồng ý", "Approved"},
		"docs.action.returned":                {"Trả lại", "Returned"},
		"docs.action.signed":                  {"Ký số", "Signed"},
		"docs.action.issued":                  {"Cấp số, đóng dấu số và phát hành", "Numbered, sealed and issued"},
		"docs.action.received":                {"Nhận văn bản", "Received"},
		"docs.action.registered":              {"Vào sổ văn bản đến", "Registered"},
		"docs.action.assigned":                {"Phân công xử lý", "Assigned"},
		"docs.action.forwarded":               {"Chuyển xử lý", "Forwarded"},
		"docs.action.commented":               {"Ý kiến", "Comment"},
		"docs.action.completed":               {"Hoàn thành xử lý", "Completed"},
		"docs.action.status_received":         {"Nơi nhận đã nhận", "Received by the recipient"},
		"docs.action.status_registered":       {"Nơi nhận đã vào sổ", "Registered by the recipient"},
		"docs.action.status_assigned":         {"Nơi nhận đã phân công xử lý", "Assigned by the recipient"},
		"docs.action.status_processing":       {"Nơi nhận đang xử lý", "Being processed by the recipient"},
		"docs.action.status_completed":        {"Nơi nhận đã xử lý xong", "Completed by the recipient"},
		"docs.action.status_rejected":         {"Nơi nhận từ chối", "Rejected by the recipient"},
		"docs.action.status_withdrawn":        {"Đã thu hồi", "Withdrawn"},
		"docs.action.status_updated":          {"Đã cập nhật/thay thế", "Updated or replaced"},
		"docs.urgency.normal":                 {"Thường", "Normal"},
		"docs.urgency.urgent":                 {"Khẩn", "Urgent"},
		"docs.urgency.very_urgent":            {"Thượng khẩn", "Very urgent"},
		"docs.urgency.flash":                  {"Hỏa tốc", "Flash"},
		"docs.conf.normal":                    {"Thường", "Not classified"},
		"docs.conf.confidential":              {"Mật", "Confidential (Mật)"},
		"docs.conf.secret":                    {"Tối mật", "Secret (Tối mật)"},
		"docs.conf.top_secret":                {"Tuyệt mật", "Top secret (Tuyệt mật)"},
	})
}

// Work records (hồ sơ công việc).
func init() {
	register(map[string][2]string{
		"records.forbidden":         {"Bạn không có quyền lập hồ sơ.", "You may not open work records."},
		"records.code_invalid":      {"Mã hồ sơ chỉ gồm chữ, số và các dấu . / _ - (tối đa 64 ký tự).", "A record code has letters, digits and . / _ - only (64 at most)."},
		"records.title_required":    {"Hãy nhập tiêu đề hồ sơ.", "Enter the record's title."},
		"records.retention_invalid": {"Thời hạn bảo quản phải từ 0 (vĩnh viễn) đến 100 năm.", "Retention must be 0 (permanent) to 100 years."},
		"records.code_taken":        {"Mã hồ sơ này đã được dùng trong cơ quan.", "This record code is already used in the agency."},
		"records.not_found":         {"Không tìm thấy hồ sơ.", "Record not found."},
		"records.closed":            {"Hồ sơ đã đóng.", "The record is closed."},
		"records.not_closed":        {"Chỉ xuất được hồ sơ đã đóng; hãy đóng hồ sơ trước.", "Only a closed record can be exported; close it first."},
		"docs.action.filed":         {"Đưa vào hồ sơ", "Filed in a record"},
	})
}

func init() {
	register(map[string][2]string{
		"docs.no_exchange":        {"Văn bản có nơi nhận ngoài hệ thống nhưng chưa cấu hình kết nối trục liên thông; hãy bỏ nơi nhận đó hoặc cấu hình KYSO_AXIS_URL.", "The document has recipients outside this system but no exchange axis is configured; remove them or set KYSO_AXIS_URL."},
		"docs.action.status_sent": {"Đã gửi lên trục liên thông", "Sent to the exchange axis"},
	})
}

func init() {
	register(map[string][2]string{
		"docs.needs_department": {"Ký hiệu công văn gồm tên viết tắt của đơn vị soạn thảo, nhưng tài khoản của bạn chưa thuộc phòng/ban nào; hãy nhờ quản trị gán phòng/ban.", "A công văn's symbol names the drafting unit, but your account has no department; ask an administrator to set it."},
	})
}

func init() {
	register(map[string][2]string{
		"notify.signed":               {"Lãnh đạo đã ký văn bản bạn soạn: %s", "The leader signed your draft: %s"},
		"docs.action.issued_on_paper": {"Cấp số và phát hành bản giấy (văn bản mật)", "Numbered and issued on paper (classified)"},
	})
}
