package i18n

// Messages of the certificate authority.
func init() {
	register(map[string][2]string{
		"pki.profile_unknown":          {"Không có loại chứng thư \"%s\"; chọn một trong: personal, organization, ocsp, tsa, service.", "There is no certificate profile \"%s\"; choose personal, organization, ocsp, tsa or service."},
		"pki.reason_unknown":           {"Lý do thu hồi \"%s\" không hợp lệ; dùng một trong: unspecified, keyCompromise, cACompromise, affiliationChanged, superseded, cessationOfOperation, privilegeWithdrawn.", "The revocation reason \"%s\" is not valid; use unspecified, keyCompromise, cACompromise, affiliationChanged, superseded, cessationOfOperation or privilegeWithdrawn."},
		"pki.serial_invalid":           {"Số hiệu chứng thư phải là số hệ 16 (tối đa 40 chữ số).", "The serial number must be hexadecimal (at most 40 digits)."},
		"pki.cert_not_found":           {"Không có chứng thư số với số hiệu %s.", "There is no certificate with serial %s."},
		"pki.ca_not_found":             {"Không tìm thấy CA.", "CA not found."},
		"pki.csr_invalid":              {"Yêu cầu cấp chứng thư (CSR) không đọc được: %s. Hãy gửi tệp PKCS#10 dạng PEM hoặc DER.", "The certificate request (CSR) cannot be read: %s. Send a PKCS#10 file, PEM or DER."},
		"pki.csr_mismatch":             {"Chữ ký của CSR không khớp với khóa công khai trong đó; hãy tạo lại CSR từ đúng cặp khóa.", "The CSR's signature does not match its public key; make the CSR again from the right key pair."},
		"pki.csr_or_server_key":        {"Hãy gửi CSR (khóa tạo trên thiết bị) hoặc chọn để hệ thống tạo khóa, không được cả hai.", "Send a CSR (key made on the token) or ask kyso to generate the key, not both."},
		"pki.key_weak":                 {"Khóa %s không được chấp nhận; dùng RSA từ 2048 bit hoặc ECDSA P-256/P-384.", "The key %s is not accepted; use RSA of 2048 bits or more, or ECDSA P-256/P-384."},
		"pki.key_algorithm":            {"Thuật toán khóa %s không được hỗ trợ.", "The key algorithm %s is not supported."},
		"pki.lint_failed":              {"Chứng thư không đạt kiểm tra trước khi ký (%s); không có gì được ký.", "The certificate failed the checks before signing (%s); nothing was signed."},
		"pki.holder_unknown":           {"Không tìm thấy cơ quan hoặc người dùng được cấp chứng thư.", "The agency or user the certificate is for was not found."},
		"pki.already_revoked":          {"Chứng thư %s đã bị thu hồi.", "Certificate %s is already revoked."},
		"pki.not_active":               {"Chứng thư %s không ở trạng thái hoạt động.", "Certificate %s is not active."},
		"pki.not_suspended":            {"Chứng thư %s không bị tạm dừng.", "Certificate %s is not suspended."},
		"pki.subject.common_name":      {"Tên chủ thể (CN) không được để trống.", "The subject name (CN) is required."},
		"pki.subject.identity_number":  {"Số định danh cá nhân (CCCD) gồm 9–12 chữ số.", "The personal identity number (CCCD) has 9–12 digits."},
		"pki.subject.agency_code":      {"Chứng thư tổ chức cần mã định danh của cơ quan.", "An organization certificate needs the agency's identifier code."},
		"pki.subject.dns_names":        {"Chứng thư dịch vụ cần ít nhất một tên miền hoặc địa chỉ IP.", "A service certificate needs at least one DNS name or IP address."},
		"pki.subject.dns_name_invalid": {"Tên miền \"%s\" không hợp lệ.", "The DNS name \"%s\" is not valid."},
	})
}

// Messages of the registration workflow.
func init() {
	register(map[string][2]string{
		"ra.not_manager":             {"Chỉ người quản lý chứng thư số của cơ quan mới lập được đề nghị.", "Only the agency's certificate manager can file requests."},
		"ra.not_approver":            {"Chỉ người phê duyệt chứng thư số mới quyết định được đề nghị.", "Only a certificate approver can decide requests."},
		"ra.own_request":             {"Người lập đề nghị không được tự phê duyệt; hãy để một người phê duyệt khác quyết định.", "Whoever filed a request cannot approve it; another approver must decide."},
		"ra.not_found":               {"Không tìm thấy đề nghị.", "Request not found."},
		"ra.already_decided":         {"Đề nghị này đã được quyết định.", "This request has already been decided."},
		"ra.kind_unknown":            {"Loại đề nghị \"%s\" không hợp lệ.", "Unknown request kind \"%s\"."},
		"ra.profile_not_requestable": {"Chỉ đề nghị cấp chứng thư cá nhân hoặc tổ chức.", "Requests are for personal or organization certificates."},
		"ra.holder_required":         {"Hãy chọn người được cấp chứng thư.", "Choose the person the certificate is for."},
		"ra.holder_not_in_agency":    {"Người được cấp phải thuộc cơ quan của đề nghị.", "The holder must belong to the request's agency."},
		"ra.holder_inactive":         {"Người này đã nghỉ việc hoặc chuyển công tác; không cấp chứng thư mới.", "This person has left the agency; no new certificate is issued."},
		"ra.target_required":         {"Hãy nhập số hiệu chứng thư cần xử lý.", "Enter the serial of the certificate concerned."},
		"ra.wrong_status":            {"Chứng thư %s đang ở trạng thái %s, không thực hiện được đề nghị này.", "Certificate %s is %s; this request cannot apply to it."},
		"ra.note_too_long":           {"Ghi chú dài tối đa 1000 ký tự.", "The note may have at most 1000 characters."},
		"ra.reject_reason":           {"Hãy ghi lý do từ chối (tối đa 1000 ký tự).", "Give the reason for rejecting (at most 1000 characters)."},
	})
}

func init() {
	register(map[string][2]string{
		"pki.no_signing_certificate": {"Không có chứng thư số loại %s còn hiệu lực với khóa lưu trên hệ thống; hãy đề nghị cấp chứng thư (ký từ xa) hoặc ký bằng USB token.", "There is no valid %s certificate with a key held by kyso; request one (remote signing) or sign with your USB token."},
		"pki.no_server_key":          {"Khóa của chứng thư %s không lưu trên hệ thống; hãy ký bằng thiết bị giữ khóa.", "The key of certificate %s is not held by kyso; sign with the device that holds it."},
	})
}
