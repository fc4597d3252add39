package i18n

// Messages of the certificate pages.
func init() {
	register(map[string][2]string{
		"nav.certificates":            {"Chứng thư số", "Certificates"},
		"page.certificates":           {"Chứng thư số", "Certificates"},
		"page.certificate":            {"Chứng thư số", "Certificate"},
		"page.cert_requests":          {"Đề nghị về chứng thư số", "Certificate requests"},
		"page.cert_request_new":       {"Lập đề nghị", "New request"},
		"page.cert_request":           {"Đề nghị", "Request"},
		"action.new_cert_request":     {"Lập đề nghị", "New request"},
		"action.export_csv":           {"Xuất CSV", "Export CSV"},
		"action.download":             {"Tải chứng thư (PEM)", "Download (PEM)"},
		"action.file_request":         {"Gửi đề nghị", "File the request"},
		"action.approve":              {"Phê duyệt", "Approve"},
		"action.reject":               {"Từ chối", "Reject"},
		"inv.personal":                {"cá nhân", "personal"},
		"inv.organization":            {"tổ chức", "organization"},
		"inv.expiring":                {"hết hạn trong %d ngày", "expire within %d days"},
		"inv.recall":                  {"cần thu hồi", "to recall"},
		"inv.recall_title":            {"Chứng thư của người đã nghỉ việc hoặc chuyển công tác — cần thu hồi", "Certificates of people who left — to recall"},
		"inv.by_agency":               {"Theo từng cơ quan", "By agency"},
		"status.suspended":            {"Tạm dừng", "Suspended"},
		"status.revoked":              {"Đã thu hồi", "Revoked"},
		"profile.personal":            {"Cá nhân", "Personal"},
		"profile.organization":        {"Tổ chức", "Organization"},
		"profile.ocsp":                {"Dịch vụ OCSP", "OCSP responder"},
		"profile.tsa":                 {"Dịch vụ cấp dấu thời gian", "Time-stamping"},
		"profile.service":             {"Dịch vụ (TLS)", "Service (TLS)"},
		"cert.serial":                 {"Số hiệu", "Serial"},
		"cert.profile":                {"Loại", "Profile"},
		"cert.status":                 {"Trạng thái", "Status"},
		"cert.holder":                 {"Chủ thể", "Holder"},
		"cert.subject":                {"Tên phân biệt", "Subject"},
		"cert.not_before":             {"Hiệu lực từ", "Valid from"},
		"cert.not_after":              {"Hết hạn", "Expires"},
		"cert.revoked_at":             {"Thu hồi lúc", "Revoked at"},
		"cert.none":                   {"Không có chứng thư nào.", "No certificates."},
		"cert.server_key":             {"khóa lưu trên hệ thống (ký từ xa)", "key held by kyso (remote signing)"},
		"ra.kind":                     {"Loại đề nghị", "Request"},
		"ra.kind.new":                 {"Cấp mới", "New certificate"},
		"ra.kind.renew":               {"Gia hạn", "Renewal"},
		"ra.kind.change":              {"Thay đổi thông tin", "Change of information"},
		"ra.kind.suspend":             {"Tạm dừng", "Suspension"},
		"ra.kind.resume":              {"Khôi phục", "Resumption"},
		"ra.kind.revoke":              {"Thu hồi", "Revocation"},
		"ra.state":                    {"Trạng thái", "State"},
		"ra.state.pending":            {"Chờ phê duyệt", "Pending"},
		"ra.state.done":               {"Đã thực hiện", "Done"},
		"ra.state.rejected":           {"Bị từ chối", "Rejected"},
		"ra.all":                      {"Tất cả", "All"},
		"ra.none":                     {"Không có đề nghị nào.", "No requests."},
		"ra.requested_by":             {"Người lập", "Filed by"},
		"ra.decided_by":               {"Người quyết định", "Decided by"},
		"ra.result":                   {"Chứng thư", "Certificate"},
		"ra.for_new":                  {"Cấp mới: cho ai", "New: for whom"},
		"ra.for_existing":             {"Gia hạn, thay đổi, tạm dừng, khôi phục, thu hồi: chứng thư nào", "Renew, change, suspend, resume, revoke: which certificate"},
		"ra.identity_number":          {"Số CCCD (không bắt buộc)", "Identity number (CCCD, optional)"},
		"ra.reason":                   {"Lý do thu hồi", "Revocation reason"},
		"ra.key":                      {"Khóa", "Key"},
		"ra.key_csr":                  {"Khóa tạo trên thiết bị (USB token): dán CSR", "Key made on the token: paste the CSR"},
		"ra.key_server":               {"Hệ thống tạo và giữ khóa (ký từ xa)", "kyso makes and keeps the key (remote signing)"},
		"ra.note":                     {"Ghi chú", "Note"},
		"ra.reject_reason_label":      {"Lý do từ chối", "Reason for rejecting"},
		"reason.unspecified":          {"Không nêu lý do", "Unspecified"},
		"reason.keyCompromise":        {"Lộ khóa bí mật", "Key compromise"},
		"reason.cACompromise":         {"CA bị lộ khóa", "CA compromise"},
		"reason.affiliationChanged":   {"Nghỉ việc, chuyển công tác", "Affiliation changed"},
		"reason.superseded":           {"Được thay thế", "Superseded"},
		"reason.cessationOfOperation": {"Ngừng hoạt động", "Cessation of operation"},
		"reason.privilegeWithdrawn":   {"Rút quyền", "Privilege withdrawn"},
		"cert.csv_note":               {"Tệp CSV mở được bằng Excel (UTF-8).", "The CSV opens in Excel (UTF-8)."},
	})
}

func init() {
	register(map[string][2]string{
		"page.ca":         {"Hệ thống CA", "Certificate authority"},
		"nav.ca":          {"CA", "CA"},
		"ca.intro":        {"Chuỗi chứng thư và các dịch vụ mà phần mềm khác dùng để kiểm tra chữ ký số do hệ thống cấp.", "The certificate chain and the services other software uses to check the signatures this system issues."},
		"ca.endpoints":    {"Địa chỉ dịch vụ", "Service addresses"},
		"ca.key":          {"Khóa", "Key"},
		"ca.kind.root":    {"CA gốc", "Root CA"},
		"ca.kind.issuing": {"CA cấp chứng thư", "Issuing CA"},
		"ca.kind.ocsp":    {"Dịch vụ OCSP", "OCSP responder"},
		"ca.kind.tsa":     {"Dịch vụ cấp dấu thời gian", "Time-stamping authority"},
	})
}

// Messages of signing through the API.
func init() {
	register(map[string][2]string{
		"sign.form":               {"Không đọc được dữ liệu gửi lên; hãy gửi multipart/form-data có trường file.", "The upload could not be read; send multipart/form-data with a file field."},
		"sign.no_file":            {"Hãy gửi tệp PDF cần ký trong trường file.", "Send the PDF to sign in the file field."},
		"sign.agency_needs_clerk": {"Chỉ văn thư mới được ký số của cơ quan.", "Only a clerk may apply the agency's signature."},
		"sign.level":              {"Mức chữ ký không hợp lệ; dùng B-B hoặc B-T.", "The level is not valid; use B-B or B-T."},
		"sign.no_tsa":             {"Hệ thống chưa có dịch vụ cấp dấu thời gian; hãy ký ở mức B-B.", "This installation has no time-stamping service; sign at B-B."},
		"sign.visible":            {"Vị trí chữ ký \"%s\" không đúng dạng TRANG:X,Y,RỘNG,CAO (điểm), ví dụ 1:350,500,160,90.", "The position \"%s\" is not PAGE:X,Y,W,H (points), e.g. 1:350,500,160,90."},
		"sign.input":              {"Không ký được tệp này: %s.", "This file cannot be signed: %s."},
	})
}

func init() {
	register(map[string][2]string{
		"sign.certificate":        {"Hãy gửi chứng thư số của thiết bị ký (PEM, kèm chuỗi chứng thư) trong trường certificate.", "Send the signing device's certificate (PEM, with its chain) in the certificate field."},
		"sign.pending_not_found":  {"Không tìm thấy phiên ký này (đã quá 15 phút hoặc không phải của bạn); hãy chuẩn bị lại.", "This signing session was not found (older than 15 minutes, or not yours); prepare again."},
		"sign.signature_rejected": {"Chữ ký từ thiết bị không khớp với chứng thư hoặc không hợp lệ; không có tệp nào được tạo.", "The device's signature does not match the certificate or is not valid; nothing was written."},
	})
}

// Messages of certificate validation.
func init() {
	register(map[string][2]string{
		"validate.cert.good":          {"Chứng thư số hợp lệ: chuỗi chứng thực tin cậy và chưa bị thu hồi.", "The certificate is valid: its chain is trusted and it is not revoked."},
		"validate.cert.revoked":       {"Chứng thư số đã bị thu hồi hoặc tạm dừng.", "The certificate is revoked or on hold."},
		"validate.cert.expired":       {"Chứng thư số đã hết hạn.", "The certificate has expired."},
		"validate.cert.not_yet_valid": {"Chứng thư số chưa đến thời gian có hiệu lực.", "The certificate is not valid yet."},
		"validate.cert.untrusted":     {"Không tìm được chuỗi chứng thực đến một CA tin cậy.", "No chain to a trusted CA was found."},
		"validate.cert.unknown":       {"Chưa xác định được tình trạng thu hồi (không dịch vụ OCSP/CRL nào trả lời); hãy thử lại sau.", "The revocation status could not be determined (no OCSP/CRL service answered); try again later."},
		"validate.cert.invalid":       {"Chứng thư số không hợp lệ (chữ ký, ràng buộc hoặc mục đích sử dụng không đúng).", "The certificate is not valid (signature, constraints or key usage)."},
		"validate.cert_input":         {"Hãy gửi chứng thư số dạng PEM (có thể kèm chuỗi) trong trường pem.", "Send the certificate as PEM (its chain may follow) in the pem field."},
	})
}
