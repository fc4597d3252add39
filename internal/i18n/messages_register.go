package i18n

// Messages of document numbering (internal/docs/register): document types,
// registers, numbers and symbols. That package's tests check that every
// key its source uses is here.
func init() {
	register(map[string][2]string{
		// Document types.
		"register.type.forbidden": {
			"Chỉ quản trị hệ thống của cơ quan cấp tỉnh mới thay đổi được danh mục loại văn bản.",
			"Only the province's system administrator can change the list of document types.",
		},
		"register.type.not_found": {
			"Không có loại văn bản với mã \"%s\".",
			"There is no document type with code \"%s\".",
		},
		"register.type.code_invalid": {
			"Mã loại văn bản \"%s\" không hợp lệ: dùng chữ thường không dấu, chữ số và dấu gạch dưới, 2–40 ký tự, bắt đầu bằng chữ (ví dụ quyet_dinh).",
			"The document type code \"%s\" is not valid: use lower-case ASCII letters, digits and underscores, 2–40 characters, starting with a letter (e.g. quyet_dinh).",
		},
		"register.type.code_taken": {
			"Mã loại văn bản \"%s\" đã được dùng; hãy chọn mã khác.",
			"The document type code \"%s\" is already used; choose another.",
		},
		"register.type.name_invalid": {
			"Tên loại văn bản không được để trống (tối đa %d ký tự).",
			"The document type name is required (at most %d characters).",
		},
		"register.type.name_taken": {
			"Đã có loại văn bản \"%s\" (có thể đang ngừng sử dụng); hãy kích hoạt lại loại đó thay vì thêm mới.",
			"The document type \"%s\" already exists (it may be inactive); activate it again instead of adding it.",
		},
		"register.type.abbreviation_taken": {
			"Chữ viết tắt \"%s\" đã dùng cho loại văn bản \"%s\"; hai loại không được trùng chữ viết tắt.",
			"The abbreviation \"%s\" is already used by the document type \"%s\"; two types cannot share one.",
		},
		"register.type.added_meanwhile": {
			"Vừa có người thêm một loại văn bản trùng mã, tên hoặc chữ viết tắt; hãy tải lại danh mục rồi thử lại.",
			"Someone has just added a document type with the same code, name or abbreviation; reload the list and try again.",
		},

		// Abbreviations and symbols.
		"register.abbreviation_invalid": {
			"Chữ viết tắt \"%s\" không hợp lệ: chỉ gồm chữ cái, chữ số, dấu & và dấu chấm, không có dấu cách, \"/\" hay \"-\" (ví dụ QĐ, QyĐ, UBND, BCVT&CNTT).",
			"The abbreviation \"%s\" is not valid: use letters, digits, & and dots only, with no spaces, \"/\" or \"-\" (e.g. QĐ, QyĐ, UBND, BCVT&CNTT).",
		},
		"register.abbreviation_too_long": {
			"Chữ viết tắt \"%s\" dài quá %d ký tự.",
			"The abbreviation \"%s\" is longer than %d characters.",
		},
		"register.abbreviation_not_nfc": {
			"Chữ viết tắt \"%s\" chứa dấu tổ hợp (không ở dạng Unicode dựng sẵn NFC); hãy nhập lại bằng bộ gõ Unicode dựng sẵn.",
			"The abbreviation \"%s\" contains combining marks (it is not in Unicode NFC); type it again with a precomposed Unicode input method.",
		},
		"register.agency_abbreviation_required": {
			"Cơ quan ban hành chưa có tên viết tắt; hãy nhập tên viết tắt của cơ quan trước khi cấp số.",
			"The issuing agency has no abbreviation; enter the agency's abbreviation before numbering.",
		},
		"register.type_abbreviation_required": {
			"Văn bản quy phạm pháp luật cần chữ viết tắt tên loại trong số, ký hiệu.",
			"A legal normative document needs its type's abbreviation in its number and symbol.",
		},
		"register.unit_required": {
			"Ký hiệu công văn gồm chữ viết tắt tên cơ quan và tên đơn vị soạn thảo; hãy chọn đơn vị soạn thảo.",
			"The symbol of an official letter is the agency's and the drafting unit's abbreviations; choose the drafting unit.",
		},
		"register.notation_too_long": {
			"Ký hiệu \"%s\" dài quá %d ký tự (giới hạn của trường ký hiệu văn bản khi liên thông); hãy rút gọn chữ viết tắt.",
			"The symbol \"%s\" is longer than %d characters (the limit of the symbol field in document exchange); shorten the abbreviations.",
		},
		"register.number_invalid": {
			"Số văn bản phải từ 01 trở lên.",
			"A document number starts at 01.",
		},

		// Registers.
		"register.agency_required": {
			"Chưa chọn cơ quan của sổ đăng ký.",
			"No agency was given for the register.",
		},
		"register.agency_not_found": {
			"Không tìm thấy cơ quan của sổ đăng ký.",
			"The register's agency was not found.",
		},
		"register.direction_invalid": {
			"Loại sổ \"%s\" không hợp lệ; dùng out (văn bản đi) hoặc in (văn bản đến).",
			"The register direction \"%s\" is not valid; use out (outgoing) or in (incoming).",
		},
		"register.series_invalid": {
			"Hệ thống số \"%s\" không hợp lệ: dùng chữ thường không dấu, chữ số và các dấu _ : . -, tối đa 64 ký tự.",
			"The series \"%s\" is not valid: use lower-case ASCII letters, digits and _ : . -, at most 64 characters.",
		},
		"register.year_invalid": {
			"Năm %d của sổ đăng ký nằm ngoài khoảng %d–%d.",
			"The register year %d is outside %d–%d.",
		},
		"register.number_taken": {
			"Số %d năm %d của sổ đăng ký đã được cấp trước đó: bộ đếm của sổ đã bị sửa ngoài hệ thống. Không cấp số trùng; hãy báo quản trị hệ thống kiểm tra sổ.",
			"Number %d of %d was already given by this register: its counter was changed outside kyso. No duplicate was issued; ask the system administrator to check the register.",
		},
		"register.inconsistent": {
			"Sổ đăng ký %s không liền mạch: bộ đếm ở số %d nhưng có %d số đã cấp được ghi lại; dữ liệu đã bị sửa ngoài hệ thống.",
			"The register %s is not continuous: its counter is at %d but %d given numbers are recorded; the data was changed outside kyso.",
		},
	})
}
