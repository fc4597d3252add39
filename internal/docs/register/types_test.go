package register

import (
	"context"
	"slices"
	"testing"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
	"github.com/kyso-vn/kyso/internal/textnorm"
	"golang.org/x/text/unicode/norm"
)

// appendixIII is Decree 30's list as docs/notes give it (§1, Appendix III),
// in Art. 7's order, with công văn and thư công, which have no
// abbreviation, then the copies. Written out again here so that a typo in
// the migration's seed shows.
var appendixIII = []struct{ code, name, abbreviation string }{
	{"nghi_quyet", "Nghị quyết (cá biệt)", "NQ"},
	{"quyet_dinh", "Quyết định", "QĐ"},
	{"chi_thi", "Chỉ thị", "CT"},
	{"quy_che", "Quy chế", "QC"},
	{"quy_dinh", "Quy định", "QyĐ"},
	{"thong_cao", "Thông cáo", "TC"},
	{"thong_bao", "Thông báo", "TB"},
	{"huong_dan", "Hướng dẫn", "HD"},
	{"chuong_trinh", "Chương trình", "CTr"},
	{"ke_hoach", "Kế hoạch", "KH"},
	{"phuong_an", "Phương án", "PA"},
	{"de_an", "Đề án", "ĐA"},
	{"du_an", "Dự án", "DA"},
	{"bao_cao", "Báo cáo", "BC"},
	{"bien_ban", "Biên bản", "BB"},
	{"to_trinh", "Tờ trình", "TTr"},
	{"hop_dong", "Hợp đồng", "HĐ"},
	{"cong_van", "Công văn", ""},
	{"cong_dien", "Công điện", "CĐ"},
	{"ban_ghi_nho", "Bản ghi nhớ", "BGN"},
	{"ban_thoa_thuan", "Bản thỏa thuận", "BTT"},
	{"giay_uy_quyen", "Giấy ủy quyền", "GUQ"},
	{"giay_moi", "Giấy mời", "GM"},
	{"giay_gioi_thieu", "Giấy giới thiệu", "GGT"},
	{"giay_nghi_phep", "Giấy nghỉ phép", "GNP"},
	{"phieu_gui", "Phiếu gửi", "PG"},
	{"phieu_chuyen", "Phiếu chuyển", "PC"},
	{"phieu_bao", "Phiếu báo", "PB"},
	{"thu_cong", "Thư công", ""},
	{"ban_sao_y", "Bản sao y", "SY"},
	{"ban_trich_sao", "Bản trích sao", "TrS"},
	{"ban_sao_luc", "Bản sao lục", "SL"},
}

func TestSeededTypesAreAppendixIII(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		types, err := Types(context.Background(), db, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(types) != len(appendixIII) {
			t.Fatalf("%d types seeded, want %d", len(types), len(appendixIII))
		}
		for i, want := range appendixIII {
			got := types[i]
			if got.Code != want.code || got.Name != want.name || got.Abbreviation != want.abbreviation {
				t.Errorf("type %d = %s %q %q, want %s %q %q", i, got.Code, got.Name, got.Abbreviation, want.code, want.name, want.abbreviation)
			}
			if !got.Active || got.Legal || !got.CreatedAt.IsZero() {
				t.Errorf("%s: active %v legal %v created %v; want a built-in active administrative type", got.Code, got.Active, got.Legal, got.CreatedAt)
			}
			if !textnorm.IsNFC(got.Name) || !textnorm.IsNFC(got.Abbreviation) {
				t.Errorf("%s: not stored in NFC", got.Code)
			}
			if got.Abbreviation != "" {
				if err := checkAbbreviation(got.Abbreviation); err != nil {
					t.Errorf("%s: the seeded abbreviation fails Symbol's check: %v", got.Code, err)
				}
			}
		}
	})
}

// typesState is what a refused change must leave as it was.
func typesState(t *testing.T, db *store.DB) ([]DocType, int) {
	t.Helper()
	ctx := context.Background()
	types, err := Types(ctx, db, false)
	if err != nil {
		t.Fatal(err)
	}
	var events int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events`).Scan(&events); err != nil {
		t.Fatal(err)
	}
	return types, events
}

// actors returns the system, a province administrator, a commune
// administrator and a province clerk.
func actors(t *testing.T, db *store.DB) (system, provinceAdmin, communeAdmin, clerk *org.Actor) {
	t.Helper()
	ctx := context.Background()
	system = org.SystemActor("test")
	province, err := org.New(db).CreateAgency(ctx, system, org.AgencyInput{Code: "000.00.00.H56", Name: "UBND tỉnh Quảng Ngãi", ShortName: "UBND", Kind: org.KindProvince})
	if err != nil {
		t.Fatal(err)
	}
	commune, err := org.New(db).CreateAgency(ctx, system, org.AgencyInput{ParentID: province.ID, Code: "000.01.31.H56", Name: "UBND xã Tịnh Khê", ShortName: "UBND", Kind: org.KindCommune})
	if err != nil {
		t.Fatal(err)
	}
	provinceAdmin = &org.Actor{UserID: "u1", Username: "admin", AgencyID: province.ID, AgencyPath: province.Path, Roles: []org.Role{org.RoleAdmin}}
	communeAdmin = &org.Actor{UserID: "u2", Username: "xa", AgencyID: commune.ID, AgencyPath: commune.Path, Roles: []org.Role{org.RoleAdmin}}
	clerk = &org.Actor{UserID: "u3", Username: "vanthu", AgencyID: province.ID, AgencyPath: province.Path, Roles: []org.Role{org.RoleClerk}}
	return system, provinceAdmin, communeAdmin, clerk
}

func TestAddTypeRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, admin, communeAdmin, clerk := actors(t, db)
		ok := TypeInput{Code: "quyet_dinh_qppl", Name: "Quyết định (quy phạm pháp luật)", Abbreviation: "QĐ", Legal: true}
		tests := []struct {
			name       string
			actor      *org.Actor
			in         TypeInput
			kind       apperr.Kind
			key, field string
		}{
			{"a clerk may not", clerk, ok, apperr.Forbidden, "register.type.forbidden", ""},
			{"a commune's administrator may not", communeAdmin, ok, apperr.Forbidden, "register.type.forbidden", ""},
			{"no actor", nil, ok, apperr.Forbidden, "register.type.forbidden", ""},
			{"duplicate code", admin, TypeInput{Code: "quyet_dinh", Name: "Quyết định mới", Abbreviation: "QĐM"}, apperr.Invalid, "register.type.code_taken", "code"},
			{"duplicate name, other case", admin, TypeInput{Code: "qd2", Name: "quyết  định", Abbreviation: "QĐM"}, apperr.Invalid, "register.type.name_taken", "name"},
			{"duplicate abbreviation", admin, TypeInput{Code: "quyet_dinh_2", Name: "Quyết định khác", Abbreviation: "QĐ"}, apperr.Invalid, "register.type.abbreviation_taken", "abbreviation"},
			{"duplicate abbreviation, other case", admin, TypeInput{Code: "chuong_trinh_2", Name: "Chương trình khác", Abbreviation: "CTR"}, apperr.Invalid, "register.type.abbreviation_taken", "abbreviation"},
			{"code with capitals", admin, TypeInput{Code: "QD", Name: "Quyết định khác", Abbreviation: "QĐK"}, apperr.Invalid, "register.type.code_invalid", "code"},
			{"code in Vietnamese", admin, TypeInput{Code: "quyết_định", Name: "Quyết định khác", Abbreviation: "QĐK"}, apperr.Invalid, "register.type.code_invalid", "code"},
			{"code with a dash", admin, TypeInput{Code: "quyet-dinh-2", Name: "Quyết định khác", Abbreviation: "QĐK"}, apperr.Invalid, "register.type.code_invalid", "code"},
			{"no name", admin, TypeInput{Code: "khac", Name: "  ", Abbreviation: "K"}, apperr.Invalid, "register.type.name_invalid", "name"},
			{"abbreviation with a space", admin, TypeInput{Code: "khac", Name: "Khác", Abbreviation: "Q K"}, apperr.Invalid, "register.abbreviation_invalid", "abbreviation"},
			{"abbreviation with a slash", admin, TypeInput{Code: "khac", Name: "Khác", Abbreviation: "QĐ/K"}, apperr.Invalid, "register.abbreviation_invalid", "abbreviation"},
			{"abbreviation with a dash", admin, TypeInput{Code: "khac", Name: "Khác", Abbreviation: "QĐ-K"}, apperr.Invalid, "register.abbreviation_invalid", "abbreviation"},
			{"abbreviation with an eth", admin, TypeInput{Code: "khac", Name: "Khác", Abbreviation: "KÐ"}, apperr.Invalid, "register.abbreviation_invalid", "abbreviation"},
			{"abbreviation too long", admin, TypeInput{Code: "khac", Name: "Khác", Abbreviation: "ABCDEFGHIJK"}, apperr.Invalid, "register.abbreviation_too_long", "abbreviation"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				beforeTypes, beforeEvents := typesState(t, db)
				_, err := AddType(ctx, db, tt.actor, tt.in)
				checkAppErr(t, err, tt.kind, tt.key, tt.field)
				afterTypes, afterEvents := typesState(t, db)
				if !slices.Equal(beforeTypes, afterTypes) || beforeEvents != afterEvents {
					t.Errorf("a refused AddType changed something: %d→%d types, %d→%d audit events", len(beforeTypes), len(afterTypes), beforeEvents, afterEvents)
				}
			})
		}
	})
}

func TestAddType(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		system, admin, _, _ := actors(t, db)
		tests := []struct {
			name  string
			actor *org.Actor
			in    TypeInput
			want  DocType
		}{
			{
				"a legal type may share an administrative abbreviation", admin,
				TypeInput{Code: "quyet_dinh_qppl", Name: "Quyết định (quy phạm pháp luật)", Abbreviation: "QĐ", Legal: true},
				DocType{Code: "quyet_dinh_qppl", Name: "Quyết định (quy phạm pháp luật)", Abbreviation: "QĐ", Legal: true, Active: true, Position: 330},
			},
			{
				"input is tidied to NFC", system,
				TypeInput{Code: " nghi_quyet_qppl ", Name: norm.NFD.String("  Nghị quyết   (quy phạm pháp luật) "), Abbreviation: " NQ ", Legal: true},
				DocType{Code: "nghi_quyet_qppl", Name: "Nghị quyết (quy phạm pháp luật)", Abbreviation: "NQ", Legal: true, Active: true, Position: 340},
			},
			{
				"a type without abbreviation, like công văn", admin,
				TypeInput{Code: "thu_ngo", Name: "Thư ngỏ"},
				DocType{Code: "thu_ngo", Name: "Thư ngỏ", Active: true, Position: 350},
			},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, beforeEvents := typesState(t, db)
				got, err := AddType(ctx, db, tt.actor, tt.in)
				if err != nil {
					t.Fatal(err)
				}
				if got.CreatedAt.IsZero() {
					t.Error("CreatedAt not set")
				}
				got.CreatedAt = tt.want.CreatedAt
				if got != tt.want {
					t.Errorf("AddType = %+v, want %+v", got, tt.want)
				}
				stored, err := Type(ctx, db, tt.want.Code)
				if err != nil {
					t.Fatal(err)
				}
				stored.CreatedAt = tt.want.CreatedAt
				if stored != tt.want {
					t.Errorf("stored %+v, want %+v", stored, tt.want)
				}
				_, afterEvents := typesState(t, db)
				if afterEvents != beforeEvents+1 {
					t.Errorf("audit events %d→%d, want one more", beforeEvents, afterEvents)
				}
			})
		}
		// The two legal types now share QĐ/NQ with administrative ones, but
		// not with each other.
		_, err := AddType(ctx, db, admin, TypeInput{Code: "quyet_dinh_qppl_2", Name: "Quyết định QPPL khác", Abbreviation: "QĐ", Legal: true})
		checkAppErr(t, err, apperr.Invalid, "register.type.abbreviation_taken", "abbreviation")
	})
}

// TestAddTypeJoinsTheCallersTransaction: given a transaction, AddType's
// row and audit event go with it.
func TestAddTypeJoinsTheCallersTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		system, _, _, _ := actors(t, db)
		beforeTypes, beforeEvents := typesState(t, db)
		errAbort := apperr.New(apperr.Internal, "test.abort")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := AddType(ctx, tx, system, TypeInput{Code: "thu_ngo", Name: "Thư ngỏ"}); err != nil {
				return err
			}
			return errAbort
		})
		if err != errAbort {
			t.Fatalf("InTx = %v, want the abort", err)
		}
		afterTypes, afterEvents := typesState(t, db)
		if len(afterTypes) != len(beforeTypes) || afterEvents != beforeEvents {
			t.Errorf("rolled-back AddType left %d→%d types, %d→%d events", len(beforeTypes), len(afterTypes), beforeEvents, afterEvents)
		}
	})
}

func TestSetTypeActive(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, admin, communeAdmin, _ := actors(t, db)
		activeCodes := func() []string {
			types, err := Types(ctx, db, true)
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, ty := range types {
				codes = append(codes, ty.Code)
			}
			return codes
		}
		_, events0 := typesState(t, db)
		if err := SetTypeActive(ctx, db, admin, "thu_cong", false); err != nil {
			t.Fatal(err)
		}
		if slices.Contains(activeCodes(), "thu_cong") {
			t.Error("a deactivated type is still offered")
		}
		if ty, err := Type(ctx, db, "thu_cong"); err != nil || ty.Active {
			t.Errorf("Type(thu_cong) = %+v, %v; want it, inactive", ty, err)
		}
		// Its name and abbreviation stay reserved.
		_, err := AddType(ctx, db, admin, TypeInput{Code: "thu_cong_2", Name: "Thư công"})
		checkAppErr(t, err, apperr.Invalid, "register.type.name_taken", "name")
		// Deactivating again records nothing.
		if err := SetTypeActive(ctx, db, admin, "thu_cong", false); err != nil {
			t.Fatal(err)
		}
		if err := SetTypeActive(ctx, db, admin, "thu_cong", true); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(activeCodes(), "thu_cong") {
			t.Error("a reactivated type is not offered")
		}
		if _, events := typesState(t, db); events != events0+2 {
			t.Errorf("audit events %d→%d, want two (deactivate, activate)", events0, events)
		}
		err = SetTypeActive(ctx, db, admin, "khong_co", false)
		checkAppErr(t, err, apperr.NotFound, "register.type.not_found", "")
		err = SetTypeActive(ctx, db, communeAdmin, "thu_cong", false)
		checkAppErr(t, err, apperr.Forbidden, "register.type.forbidden", "")
		if !slices.Contains(activeCodes(), "thu_cong") {
			t.Error("a refused deactivation took effect")
		}
	})
}
