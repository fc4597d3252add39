package i18n

// E-mail notifications (internal/notify): the words around a notification's
// own text, which comes from the notify.* keys the in-app list shows.
func init() {
	register(map[string][2]string{
		"mail.open_document": {"Mở văn bản", "Open the document"},
		"mail.open_list":     {"Xem thông báo", "See your notifications"},
		"mail.footer": {"Thư này do kyso tự động gửi khi bạn có thông báo mới; vui lòng không trả lời thư.",
			"kyso sent this message because you have a new notification; please do not reply."},
	})
}
