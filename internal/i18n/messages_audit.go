package i18n

// Names of audited actions, for the audit log page.
func init() {
	register(map[string][2]string{
		"audit.action.agency.create":        {"Thêm cơ quan", "Agency created"},
		"audit.action.agency.update":        {"Sửa cơ quan", "Agency changed"},
		"audit.action.department.create":    {"Thêm đơn vị", "Department created"},
		"audit.action.department.update":    {"Sửa đơn vị", "Department changed"},
		"audit.action.user.create":          {"Thêm người dùng", "User created"},
		"audit.action.user.update":          {"Sửa người dùng", "User changed"},
		"audit.action.user.password_reset":  {"Đặt lại mật khẩu", "Password reset"},
		"audit.action.user.password_change": {"Đổi mật khẩu", "Password changed"},
		"audit.action.auth.login":           {"Đăng nhập", "Logged in"},
		"audit.action.auth.login_failed":    {"Đăng nhập không thành công", "Failed login"},
		"audit.action.auth.logout":          {"Đăng xuất", "Logged out"},
		"audit.action.auth.token_create":    {"Tạo mã truy cập API", "API token created"},
		"audit.action.auth.token_revoke":    {"Thu hồi mã truy cập API", "API token revoked"},
		"audit.action.ca.create":            {"Tạo CA", "CA created"},
		"audit.action.cert.issue":           {"Cấp chứng thư số", "Certificate issued"},
		"audit.action.cert.revoke":          {"Thu hồi chứng thư số", "Certificate revoked"},
		"audit.action.cert.suspend":         {"Tạm dừng chứng thư số", "Certificate suspended"},
		"audit.action.cert.resume":          {"Khôi phục chứng thư số", "Certificate resumed"},
		"audit.action.cert_request.file":    {"Lập đề nghị chứng thư số", "Certificate request filed"},
		"audit.action.cert_request.approve": {"Phê duyệt đề nghị", "Request approved"},
		"audit.action.cert_request.reject":  {"Từ chối đề nghị", "Request rejected"},
	})
}
