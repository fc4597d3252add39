// Package demo creates a demo province modelled on the seed documents
// (Quảng Ngãi's report on Directive 02/CT-TTg): the provincial People's
// Committee and its Office, the Department of Information and
// Communications, two more departments, two districts with communes, and
// users of every role, so that a newcomer can log in and look around.
//
// The identifier codes follow the real scheme (H56) but the people are
// invented.
package demo

import (
	"context"
	"fmt"

	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/password"
)

// Province is the default demo province's name, used in CA subjects.
const Province = "Quảng Ngãi"

// A province is one demo data set: its agencies and their users.
type province struct {
	name     string
	agencies []agencySpec
	users    []userSpec
}

// provinces are the demo data sets by the name --demo-province takes. Kon
// Tum is smaller; it exists so that two demo deployments (each with its own
// agencies and identifier codes) can exchange documents through an axis.
var provinces = map[string]province{
	"quang-ngai": {name: Province, agencies: agencies, users: users},
	"kon-tum":    {name: "Kon Tum", agencies: konTumAgencies, users: konTumUsers},
}

// Names lists the demo provinces, default first.
func Names() []string { return []string{"quang-ngai", "kon-tum"} }

// ProvinceName is the province a demo data set is for ("" is the default).
func ProvinceName(key string) (string, error) {
	p, err := lookup(key)
	if err != nil {
		return "", err
	}
	return p.name, nil
}

func lookup(key string) (province, error) {
	if key == "" {
		key = "quang-ngai"
	}
	p, ok := provinces[key]
	if !ok {
		return province{}, fmt.Errorf("no demo province %q: choose one of %v", key, Names())
	}
	return p, nil
}

// User is a demo login.
type User struct {
	User     *org.User
	Password string
	Agency   string
}

type agencySpec struct {
	key, parent           string
	code, name, shortName string
	kind                  org.Kind
	address, email, phone string
	departments           [][2]string // name, short name
}

var agencies = []agencySpec{
	{key: "ubnd", code: "000.00.00.H56", name: "Ủy ban nhân dân tỉnh Quảng Ngãi", shortName: "UBND", kind: org.KindProvince,
		address: "52 Hùng Vương, phường Cẩm Thành, tỉnh Quảng Ngãi", email: "ubnd@quangngai.gov.vn", phone: "0255 3822 000"},
	{key: "vp", parent: "ubnd", code: "000.00.01.H56", name: "Văn phòng Ủy ban nhân dân tỉnh", shortName: "VP", kind: org.KindOffice,
		departments: [][2]string{{"Phòng Hành chính - Tổ chức", "HCTC"}, {"Phòng Kinh tế tổng hợp", "KTTH"}, {"Phòng Văn hóa - Xã hội", "VX"}}},
	{key: "stttt", parent: "ubnd", code: "000.00.31.H56", name: "Sở Thông tin và Truyền thông", shortName: "STTTT", kind: org.KindDepartment,
		email: "stttt@quangngai.gov.vn", departments: [][2]string{{"Văn phòng Sở", "VP"}, {"Phòng Bưu chính, Viễn thông và Công nghệ thông tin", "BCVT&CNTT"}}},
	{key: "snv", parent: "ubnd", code: "000.00.09.H56", name: "Sở Nội vụ", shortName: "SNV", kind: org.KindDepartment,
		departments: [][2]string{{"Văn phòng Sở", "VP"}, {"Phòng Cải cách hành chính và Văn thư - Lưu trữ", "CCHC&VTLT"}}},
	{key: "stc", parent: "ubnd", code: "000.00.12.H56", name: "Sở Tài chính", shortName: "STC", kind: org.KindDepartment,
		departments: [][2]string{{"Văn phòng Sở", "VP"}, {"Phòng Quản lý ngân sách", "QLNS"}}},
	{key: "sontinh", parent: "ubnd", code: "000.00.70.H56", name: "Ủy ban nhân dân huyện Sơn Tịnh", shortName: "UBND", kind: org.KindDistrict,
		departments: [][2]string{{"Văn phòng HĐND và UBND huyện", "VP"}}},
	{key: "tinhha", parent: "sontinh", code: "000.01.70.H56", name: "Ủy ban nhân dân xã Tịnh Hà", shortName: "UBND", kind: org.KindCommune},
	{key: "tinhson", parent: "sontinh", code: "000.02.70.H56", name: "Ủy ban nhân dân xã Tịnh Sơn", shortName: "UBND", kind: org.KindCommune},
	{key: "tunghia", parent: "ubnd", code: "000.00.71.H56", name: "Ủy ban nhân dân huyện Tư Nghĩa", shortName: "UBND", kind: org.KindDistrict,
		departments: [][2]string{{"Văn phòng HĐND và UBND huyện", "VP"}}},
	{key: "laha", parent: "tunghia", code: "000.01.71.H56", name: "Ủy ban nhân dân thị trấn La Hà", shortName: "UBND", kind: org.KindCommune},
	{key: "nghiaky", parent: "tunghia", code: "000.02.71.H56", name: "Ủy ban nhân dân xã Nghĩa Kỳ", shortName: "UBND", kind: org.KindCommune},
}

// The Kon Tum codes follow the scheme with an invented province suffix.
var konTumAgencies = []agencySpec{
	{key: "ubnd", code: "000.00.00.H36", name: "Ủy ban nhân dân tỉnh Kon Tum", shortName: "UBND", kind: org.KindProvince,
		address: "61 Trần Phú, phường Quyết Thắng, thành phố Kon Tum", email: "ubnd@kontum.gov.vn"},
	{key: "vp", parent: "ubnd", code: "000.00.01.H36", name: "Văn phòng Ủy ban nhân dân tỉnh", shortName: "VP", kind: org.KindOffice,
		departments: [][2]string{{"Phòng Hành chính - Tổ chức", "HCTC"}}},
	{key: "stttt", parent: "ubnd", code: "000.00.31.H36", name: "Sở Thông tin và Truyền thông", shortName: "STTTT", kind: org.KindDepartment,
		email: "stttt@kontum.gov.vn", departments: [][2]string{{"Văn phòng Sở", "VP"}, {"Phòng Công nghệ thông tin", "CNTT"}}},
	{key: "snv", parent: "ubnd", code: "000.00.09.H36", name: "Sở Nội vụ", shortName: "SNV", kind: org.KindDepartment,
		departments: [][2]string{{"Văn phòng Sở", "VP"}, {"Phòng Văn thư - Lưu trữ", "VTLT"}}},
}

var konTumUsers = []userSpec{
	{"ubnd", "", "admin", "Y Ngọc", "Quản trị hệ thống", []org.Role{org.RoleAdmin}},
	{"ubnd", "", "chutich", "A Pớt", "Chủ tịch Ủy ban nhân dân tỉnh", []org.Role{org.RoleLeader}},
	{"vp", "", "chanhvp", "Nguyễn Đức Tuy", "Chánh Văn phòng", []org.Role{org.RoleLeader}},
	{"vp", "HCTC", "vanthu.vp", "Y Thị Hoa", "Văn thư", []org.Role{org.RoleClerk}},
	{"stttt", "", "giamdoc.stttt", "Trần Văn Thuận", "Giám đốc", []org.Role{org.RoleLeader}},
	{"stttt", "VP", "vanthu.stttt", "Lê Thị Hằng", "Văn thư", []org.Role{org.RoleClerk}},
	{"stttt", "CNTT", "chuyenvien.stttt", "A Sang", "Chuyên viên", []org.Role{org.RoleSpecialist}},
	{"snv", "", "giamdoc.snv", "Võ Thị Bích Vân", "Giám đốc", []org.Role{org.RoleLeader}},
	{"snv", "VP", "vanthu.snv", "Đinh Thị Lan", "Văn thư", []org.Role{org.RoleClerk}},
	{"snv", "VTLT", "chuyenvien.snv", "Rơ Chăm Ly", "Chuyên viên", []org.Role{org.RoleSpecialist}},
}

type userSpec struct {
	agency, dept, username, fullName, title string
	roles                                   []org.Role
}

// The province-wide roles (administration, certificate approval, CA
// operation, inspection) sit in the root agency, whose subtree is the
// whole province.
var users = []userSpec{
	{"ubnd", "", "admin", "Trần Quốc Huy", "Quản trị hệ thống", []org.Role{org.RoleAdmin}},
	{"ubnd", "", "chutich", "Đặng Văn Minh", "Chủ tịch Ủy ban nhân dân tỉnh", []org.Role{org.RoleLeader}},
	{"ubnd", "", "pheduyet", "Lê Thị Thu Hà", "Chuyên viên phê duyệt chứng thư số", []org.Role{org.RoleCertApprover}},
	{"ubnd", "", "vanhanh", "Phạm Đức Thắng", "Kỹ sư vận hành CA", []org.Role{org.RoleCAOperator}},
	{"ubnd", "", "thanhtra", "Võ Thị Ngọc Ánh", "Thanh tra viên", []org.Role{org.RoleInspector}},
	{"vp", "", "chanhvp", "Nguyễn Thành Nhân", "Chánh Văn phòng", []org.Role{org.RoleLeader}},
	{"vp", "HCTC", "vanthu.vp", "Huỳnh Thị Mỹ Linh", "Văn thư", []org.Role{org.RoleClerk}},
	{"vp", "KTTH", "chuyenvien.vp", "Bùi Quang Vinh", "Chuyên viên", []org.Role{org.RoleSpecialist}},
	{"stttt", "", "giamdoc.stttt", "Nguyễn Văn Đức", "Giám đốc", []org.Role{org.RoleLeader}},
	{"stttt", "VP", "vanthu.stttt", "Trương Thị Hồng Nhung", "Văn thư", []org.Role{org.RoleClerk}},
	{"stttt", "BCVT&CNTT", "chuyenvien.stttt", "Đỗ Minh Tuấn", "Chuyên viên", []org.Role{org.RoleSpecialist}},
	{"stttt", "BCVT&CNTT", "chungthu.stttt", "Lương Thị Kim Oanh", "Chuyên viên quản lý chứng thư số", []org.Role{org.RoleCertManager}},
	{"stttt", "VP", "quantri.stttt", "Hồ Sỹ Khánh", "Quản trị mạng", []org.Role{org.RoleAdmin}},
	{"snv", "", "giamdoc.snv", "Phan Thị Diệu", "Giám đốc", []org.Role{org.RoleLeader}},
	{"snv", "VP", "vanthu.snv", "Tạ Ngọc Yến", "Văn thư", []org.Role{org.RoleClerk, org.RoleCertManager}},
	{"snv", "CCHC&VTLT", "chuyenvien.snv", "Lý Văn Hùng", "Chuyên viên", []org.Role{org.RoleSpecialist}},
	{"stc", "", "giamdoc.stc", "Châu Văn Lộc", "Giám đốc", []org.Role{org.RoleLeader}},
	{"stc", "VP", "vanthu.stc", "Mai Thị Xuân", "Văn thư", []org.Role{org.RoleClerk}},
	{"stc", "QLNS", "chuyenvien.stc", "Dương Hữu Phước", "Chuyên viên", []org.Role{org.RoleSpecialist}},
	{"sontinh", "", "chutich.sontinh", "Võ Văn Ứng", "Chủ tịch Ủy ban nhân dân huyện", []org.Role{org.RoleLeader}},
	{"sontinh", "VP", "vanthu.sontinh", "Nguyễn Thị Ơn", "Văn thư", []org.Role{org.RoleClerk, org.RoleCertManager}},
	{"sontinh", "VP", "quantri.sontinh", "Đinh Công Ước", "Quản trị hệ thống huyện", []org.Role{org.RoleAdmin}},
	{"tinhha", "", "chutich.tinhha", "Trịnh Văn Ẩn", "Chủ tịch Ủy ban nhân dân xã", []org.Role{org.RoleLeader}},
	{"tinhha", "", "vanthu.tinhha", "Kiều Thị Ửng", "Văn thư", []org.Role{org.RoleClerk}},
	{"tunghia", "", "chutich.tunghia", "Lâm Quốc Ưng", "Chủ tịch Ủy ban nhân dân huyện", []org.Role{org.RoleLeader}},
	{"tunghia", "VP", "vanthu.tunghia", "Âu Thị Ỷ", "Văn thư", []org.Role{org.RoleClerk}},
	{"laha", "", "vanthu.laha", "Hà Thị Ỳ", "Văn thư", []org.Role{org.RoleClerk}},
}

// Populate creates the demo province as actor sys. Every demo user shares
// one password generated for this installation: easy to use, never a
// well-known default.
func Populate(ctx context.Context, orgs *org.Service, sys *org.Actor) ([]User, error) {
	return PopulateProvince(ctx, orgs, sys, "")
}

// PopulateProvince creates the demo province named by key (see Names; ""
// is the default).
func PopulateProvince(ctx context.Context, orgs *org.Service, sys *org.Actor, key string) ([]User, error) {
	p, err := lookup(key)
	if err != nil {
		return nil, err
	}
	ids := map[string]*org.Agency{}
	depts := map[string]string{} // agency key + "/" + short name → department ID
	for _, a := range p.agencies {
		in := org.AgencyInput{Code: a.code, Name: a.name, ShortName: a.shortName, Kind: a.kind, Address: a.address, Email: a.email, Phone: a.phone}
		if a.parent != "" {
			in.ParentID = ids[a.parent].ID
		}
		ag, err := orgs.CreateAgency(ctx, sys, in)
		if err != nil {
			return nil, fmt.Errorf("agency %s: %w", a.code, err)
		}
		ids[a.key] = ag
		for _, d := range a.departments {
			dep, err := orgs.CreateDepartment(ctx, sys, ag.ID, org.DepartmentInput{Name: d[0], ShortName: d[1]})
			if err != nil {
				return nil, fmt.Errorf("department %s of %s: %w", d[1], a.code, err)
			}
			depts[a.key+"/"+d[1]] = dep.ID
		}
	}
	pw := password.Generate()
	out := make([]User, 0, len(p.users))
	for _, u := range p.users {
		in := org.UserInput{AgencyID: ids[u.agency].ID, Username: u.username, FullName: u.fullName, Title: u.title, Roles: u.roles, Password: pw}
		if u.dept != "" {
			in.DepartmentID = depts[u.agency+"/"+u.dept]
		}
		created, err := orgs.CreateUser(ctx, sys, in)
		if err != nil {
			return nil, fmt.Errorf("user %s: %w", u.username, err)
		}
		out = append(out, User{User: created, Password: pw, Agency: ids[u.agency].Name})
	}
	return out, nil
}
