package textnorm_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/kyso-vn/kyso/internal/textnorm"
)

func TestFold(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"abc", "abc"},
		{"ABC def", "abc def"},
		{"Quyết định số 05/QĐ-UBND", "quyet dinh so 05/qd-ubnd"},
		{"ĐÀ NẴNG", "da nang"},
		{"Ký số", "ky so"},
		{"ky so", "ky so"},
		{"Nguyễn Thị Hằng", "nguyen thi hang"},
		{"Trường", "truong"},
		{"Sở Thông tin và Truyền thông", "so thong tin va truyen thong"},
		{"Hà Nội", "ha noi"},
		{"Thành phố Hồ Chí Minh", "thanh pho ho chi minh"},
		{"Thừa Thiên Huế", "thua thien hue"},
		// Every Vietnamese letter with its own base shape, both cases.
		{"ăâđêôơư", "aadeoou"},
		{"ĂÂĐÊÔƠƯ", "aadeoou"},
		// Every tone on a plain and a modified vowel, both cases.
		{"a à á ả ã ạ", "a a a a a a"},
		{"A À Á Ả Ã Ạ", "a a a a a a"},
		{"ă ằ ắ ẳ ẵ ặ Ă Ằ Ắ Ẳ Ẵ Ặ", "a a a a a a a a a a a a"},
		{"â ầ ấ ẩ ẫ ậ Â Ầ Ấ Ẩ Ẫ Ậ", "a a a a a a a a a a a a"},
		{"ê ề ế ể ễ ệ Ê Ề Ế Ể Ễ Ệ", "e e e e e e e e e e e e"},
		{"ô ồ ố ổ ỗ ộ Ô Ồ Ố Ổ Ỗ Ộ", "o o o o o o o o o o o o"},
		{"ơ ờ ớ ở ỡ ợ Ơ Ờ Ớ Ở Ỡ Ợ", "o o o o o o o o o o o o"},
		{"ư ừ ứ ử ữ ự Ư Ừ Ứ Ử Ữ Ự", "u u u u u u u u u u u u"},
		{"i ì í ỉ ĩ ị I Ì Í Ỉ Ĩ Ị", "i i i i i i i i i i i i"},
		{"y ỳ ý ỷ ỹ ỵ Y Ỳ Ý Ỷ Ỹ Ỵ", "y y y y y y y y y y y y"},
		{"e è é ẻ ẽ ẹ u ù ú ủ ũ ụ o ò ó ỏ õ ọ", "e e e e e e u u u u u u o o o o o o"},
		// Windows-1258 style text: precomposed vowel, separate combining tone.
		{"Vi\u00ea\u0323t Nam", "viet nam"},
		// Marks in either order, canonical or not.
		{"Vie\u0323\u0302t", "viet"},
		{"Vie\u0302\u0323t", "viet"},
		// Whitespace of every kind collapses; the ends are trimmed.
		{"  Hà\t\tNội \n", "ha noi"},
		{"Hà\u00a0Nội", "ha noi"},       // no-break space
		{"Hà\u3000\u2003Nội", "ha noi"}, // ideographic and em space
		{"\r\n", ""},
		{"   ", ""},
		// A mark standing alone between spaces is dropped without leaving a
		// double space.
		{"a \u0301 b", "a b"},
		{"\u0301", ""},
		// Invalid UTF-8 is replaced, never passed through.
		{"a\xffb", "a\ufffdb"},
		{"Hà\xc3", "ha\ufffd"},
		{"\xe1\xbb", "\ufffd\ufffd"},
		// Other scripts are lowercased and stripped the same way.
		{"Ærøskøbing Straße", "ærøskøbing straße"},
		{"Ελληνικά", "ελληνικα"},
		{"İstanbul", "istanbul"},
		{"ＡＢＣ", "ａｂｃ"},                                              // fullwidth is not compatibility-folded (NFD, not NFKD)
		{"한국어", "\u1112\u1161\u11ab\u1100\u116e\u11a8\u110b\u1165"}, // Hangul decomposes to jamo
		{"“Điều 1” – Hà Nội…", "“dieu 1” – ha noi…"},
		// Spacing marks that are non-starters (here U+1D165) force the exact
		// path; the result must not depend on which path ran.
		{"\U0001D15E\u0301x", "\U0001D157\U0001D165x"},
	}
	for _, tt := range tests {
		got := textnorm.Fold(tt.in)
		if got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if again := textnorm.Fold(got); again != got {
			t.Errorf("Fold not idempotent on %q: %q then %q", tt.in, got, again)
		}
	}
}

func TestFoldAgreesAcrossForms(t *testing.T) {
	inputs := []string{
		"Hà Nội",
		"Nguyễn Thị Hằng",
		"Quyết định số 05/QĐ-UBND",
		"Sở Thông tin và Truyền thông",
		"ĐẶNG VĂN ƯỚC",
	}
	for _, in := range inputs {
		nfc, nfd := norm.NFC.String(in), norm.NFD.String(in)
		if nfc == nfd {
			t.Fatalf("test input %q has no decomposable letters", in)
		}
		if a, b := textnorm.Fold(nfc), textnorm.Fold(nfd); a != b {
			t.Errorf("Fold(NFC %q) = %q but Fold(NFD) = %q", in, a, b)
		}
	}
}

// TestFoldEveryRune checks the fold's invariants on each code point alone,
// which finds the odd letters whose lowercase decomposes differently from
// their uppercase.
func TestFoldEveryRune(t *testing.T) {
	if testing.Short() {
		t.Skip("walks all of Unicode")
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r >= 0xd800 && r <= 0xdfff {
			continue // surrogates cannot be encoded
		}
		s := string(r)
		checkFold(t, s, textnorm.Fold(s))
	}
}

func TestClean(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"  Nguyễn   Thị  Hằng  ", "Nguyễn Thị Hằng"},
		{"Sở\tThông tin\r\nvà Truyền thông", "Sở Thông tin và Truyền thông"},
		{"Hà\u00a0Nội", "Hà Nội"},
		{norm.NFD.String("Trường ĐẠI HỌC"), "Trường ĐẠI HỌC"},
		{"a\x00b\x07c\x7fd\u0085e\u009bf", "abcd ef"}, // C0, DEL and C1 (U+0085 is a line break)
		{"\x1b[31mĐỏ\x1b[0m", "[31mĐỏ[0m"},
		{"a\xffb", "a\ufffdb"},
		// Dropping the control character lets the mark compose with the a.
		{"a\x01\u0300", "à"},
		{"\u200bKý\u200b", "\u200bKý\u200b"}, // format characters are not controls
	}
	for _, tt := range tests {
		got := textnorm.Clean(tt.in)
		if got != tt.want {
			t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
		checkClean(t, tt.in, got)
	}
}

func TestNFC(t *testing.T) {
	tests := []struct {
		in, want string
		isNFC    bool
	}{
		{"", "", true},
		{"Hà Nội", "Hà Nội", true},
		{norm.NFD.String("Hà Nội"), "Hà Nội", false},
		{"A\u0300", "À", false},
		{"Nguyễn", "Nguyễn", true},
		{"e\u0302\u0301", "ế", false},
		{"a\xffb", "a\ufffdb", false},
		{"H\xe1\xbbi", "H\ufffd\ufffdi", false}, // truncated sequence: one U+FFFD per byte
	}
	for _, tt := range tests {
		if got := textnorm.NFC(tt.in); got != tt.want {
			t.Errorf("NFC(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := textnorm.IsNFC(tt.in); got != tt.isNFC {
			t.Errorf("IsNFC(%q) = %v, want %v", tt.in, got, tt.isNFC)
		}
		if !textnorm.IsNFC(textnorm.NFC(tt.in)) {
			t.Errorf("IsNFC(NFC(%q)) = false", tt.in)
		}
	}
}

func TestFoldASCIIDoesNotAllocate(t *testing.T) {
	const key = "quyet dinh so 05/qd-ubnd"
	if n := testing.AllocsPerRun(100, func() { _ = textnorm.Fold(key) }); n != 0 {
		t.Errorf("Fold of a folded ASCII key allocates %v times, want 0", n)
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{
		"", "Quyết định số 05/QĐ-UBND", "ĐÀ NẴNG", "Nguyễn Thị Hằng",
		norm.NFD.String("Trường"), "a \u0301 b", "\xff\xfe", "İ", "Ǆ ǅ ǆ", "ΐ",
		"\u1e9e", "\u0345", "\U0001D165\u1B44\u0301", "한국어", "“Điều 1”", "a\u0300\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308\u0309\u030a\u030b\u030c\u030d\u030e\u030f\u0310\u0311\u0312\u0313\u0314\u0315\u0316\u0317\u0318\u0319\u031a\u031b\u031c\u031d\u031e\u031f\u0320",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fold := textnorm.Fold(s)
		checkFold(t, s, fold)
		checkClean(t, s, textnorm.Clean(s))
		nfc := textnorm.NFC(s)
		if !utf8.ValidString(nfc) || !textnorm.IsNFC(nfc) || textnorm.NFC(nfc) != nfc {
			t.Fatalf("NFC(%q) = %q, not valid stable NFC", s, nfc)
		}
		if textnorm.IsNFC(s) != (nfc == s) {
			t.Fatalf("IsNFC(%q) = %v, but NFC gives %q", s, textnorm.IsNFC(s), nfc)
		}
		if f := textnorm.Fold(nfc); f != fold {
			t.Fatalf("Fold(NFC(%q)) = %q, Fold = %q", s, f, fold)
		}
	})
}

func checkFold(t *testing.T, in, got string) {
	t.Helper()
	if ref := textnorm.FoldNFD(in); got != ref {
		t.Fatalf("Fold(%q) = %q, but the NFD definition gives %q", in, got, ref)
	}
	if !utf8.ValidString(got) {
		t.Fatalf("Fold(%q) = %q, not valid UTF-8", in, got)
	}
	if again := textnorm.Fold(got); again != got {
		t.Fatalf("Fold not idempotent on %q: %q then %q", in, got, again)
	}
	if got != strings.TrimSpace(got) || strings.Contains(got, "  ") {
		t.Fatalf("Fold(%q) = %q, whitespace not trimmed and collapsed", in, got)
	}
	for _, r := range got {
		// ToLower rather than IsUpper: letters such as ℂ (U+2102) are
		// uppercase but have no lowercase, so no fold can remove them.
		if unicode.ToLower(r) != r {
			t.Fatalf("Fold(%q) = %q, contains %q which lowercases", in, got, r)
		}
		if unicode.Is(unicode.Mn, r) {
			t.Fatalf("Fold(%q) = %q, contains combining mark %U", in, got, r)
		}
		if unicode.IsSpace(r) && r != ' ' {
			t.Fatalf("Fold(%q) = %q, contains whitespace %U", in, got, r)
		}
		if r == 'đ' || r == 'Đ' {
			t.Fatalf("Fold(%q) = %q, contains %q", in, got, r)
		}
	}
}

func checkClean(t *testing.T, in, got string) {
	t.Helper()
	if !utf8.ValidString(got) {
		t.Fatalf("Clean(%q) = %q, not valid UTF-8", in, got)
	}
	if !norm.NFC.IsNormalString(got) {
		t.Fatalf("Clean(%q) = %q, not NFC", in, got)
	}
	if again := textnorm.Clean(got); again != got {
		t.Fatalf("Clean not idempotent on %q: %q then %q", in, got, again)
	}
	if got != strings.TrimSpace(got) || strings.Contains(got, "  ") {
		t.Fatalf("Clean(%q) = %q, whitespace not trimmed and collapsed", in, got)
	}
	for _, r := range got {
		if unicode.IsControl(r) || (unicode.IsSpace(r) && r != ' ') {
			t.Fatalf("Clean(%q) = %q, contains %U", in, got, r)
		}
	}
}

// paragraph is about 1 KB of ordinary administrative Vietnamese.
const paragraph = `Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; ` +
	`Căn cứ Luật Giao dịch điện tử ngày 22 tháng 6 năm 2023; Căn cứ Nghị định số ` +
	`130/2018/NĐ-CP ngày 27 tháng 9 năm 2018 của Chính phủ quy định chi tiết thi hành ` +
	`Luật Giao dịch điện tử về chữ ký số và dịch vụ chứng thực chữ ký số; Theo đề nghị ` +
	`của Giám đốc Sở Thông tin và Truyền thông tại Tờ trình số 45/TTr-STTTT. ỦY BAN ` +
	`NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG QUYẾT ĐỊNH: Điều 1. Ban hành kèm theo Quyết định này ` +
	`Quy chế quản lý, sử dụng chữ ký số, chứng thư số trong hoạt động của các cơ quan ` +
	`nhà nước trên địa bàn thành phố. Điều 2. Quyết định này có hiệu lực kể từ ngày ký. ` +
	`Điều 3. Chánh Văn phòng Ủy ban nhân dân thành phố, Giám đốc các sở, Thủ trưởng ` +
	`các ban, ngành, Chủ tịch Ủy ban nhân dân các quận, huyện chịu trách nhiệm thi hành.`

func BenchmarkFold(b *testing.B) {
	b.SetBytes(int64(len(paragraph)))
	b.ReportAllocs()
	for b.Loop() {
		_ = textnorm.Fold(paragraph)
	}
}

func BenchmarkFoldASCII(b *testing.B) {
	ascii := textnorm.Fold(paragraph)
	b.SetBytes(int64(len(ascii)))
	b.ReportAllocs()
	for b.Loop() {
		_ = textnorm.Fold(ascii)
	}
}
