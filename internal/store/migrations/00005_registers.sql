-- Document numbering (Decree 30/2020/NĐ-CP, Art. 15 and Appendix III): the
-- catalog of document types, the registers ("sổ đăng ký") that number
-- outgoing and incoming documents, and the numbers they gave.
-- Written once for SQLite and PostgreSQL: see package store's doc comment.
-- The code that uses these tables is internal/docs/register.

-- +goose Up
-- Document types are data, not code, so that an administrator can add a
-- type the decree does not list (a legal normative type with its own series)
-- or retire one without a release. code is a stable ASCII identifier;
-- abbreviation is what the symbol carries ("QĐ" in 05/QĐ-UBND), empty for
-- the types written without one (công văn, thư công). legal marks a legal
-- normative type: it is numbered in a series of its own (Art. 15) and its
-- symbol carries the year. position keeps the decree's order in lists.
-- A type is never deleted, only deactivated: issued documents refer to it.
CREATE TABLE doc_types (
    code          TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    abbreviation  TEXT NOT NULL DEFAULT '',
    legal         BOOLEAN NOT NULL DEFAULT FALSE,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    position      INTEGER NOT NULL,
    created_at    BIGINT NOT NULL DEFAULT 0,
    updated_at    BIGINT NOT NULL DEFAULT 0
);
-- Two administrative types with one abbreviation would make symbols
-- ambiguous. A legal normative type may share one with an administrative
-- type (Quyết định: 05/QĐ-UBND and 05/2026/QĐ-UBND), as its symbol carries
-- the year.
CREATE UNIQUE INDEX doc_types_abbreviation ON doc_types (legal, abbreviation) WHERE abbreviation <> '';

-- The administrative types of Art. 7 in its order, with the abbreviations
-- of Appendix III, then the three forms of copy. None is legal normative:
-- Appendix III is the administrative list ("Nghị quyết (cá biệt)" is the
-- individual, non-normative resolution). created_at 0 marks the decree's
-- own rows.
INSERT INTO doc_types (code, name, abbreviation, legal, active, position) VALUES
    ('nghi_quyet',      'Nghị quyết (cá biệt)', 'NQ',  FALSE, TRUE, 10),
    ('quyet_dinh',      'Quyết định',           'QĐ',  FALSE, TRUE, 20),
    ('chi_thi',         'Chỉ thị',              'CT',  FALSE, TRUE, 30),
    ('quy_che',         'Quy chế',              'QC',  FALSE, TRUE, 40),
    ('quy_dinh',        'Quy định',             'QyĐ', FALSE, TRUE, 50),
    ('thong_cao',       'Thông cáo',            'TC',  FALSE, TRUE, 60),
    ('thong_bao',       'Thông báo',            'TB',  FALSE, TRUE, 70),
    ('huong_dan',       'Hướng dẫn',            'HD',  FALSE, TRUE, 80),
    ('chuong_trinh',    'Chương trình',         'CTr', FALSE, TRUE, 90),
    ('ke_hoach',        'Kế hoạch',             'KH',  FALSE, TRUE, 100),
    ('phuong_an',       'Phương án',            'PA',  FALSE, TRUE, 110),
    ('de_an',           'Đề án',                'ĐA',  FALSE, TRUE, 120),
    ('du_an',           'Dự án',                'DA',  FALSE, TRUE, 130),
    ('bao_cao',         'Báo cáo',              'BC',  FALSE, TRUE, 140),
    ('bien_ban',        'Biên bản',             'BB',  FALSE, TRUE, 150),
    ('to_trinh',        'Tờ trình',             'TTr', FALSE, TRUE, 160),
    ('hop_dong',        'Hợp đồng',             'HĐ',  FALSE, TRUE, 170),
    ('cong_van',        'Công văn',             '',    FALSE, TRUE, 180),
    ('cong_dien',       'Công điện',            'CĐ',  FALSE, TRUE, 190),
    ('ban_ghi_nho',     'Bản ghi nhớ',          'BGN', FALSE, TRUE, 200),
    ('ban_thoa_thuan',  'Bản thỏa thuận',       'BTT', FALSE, TRUE, 210),
    ('giay_uy_quyen',   'Giấy ủy quyền',        'GUQ', FALSE, TRUE, 220),
    ('giay_moi',        'Giấy mời',             'GM',  FALSE, TRUE, 230),
    ('giay_gioi_thieu', 'Giấy giới thiệu',      'GGT', FALSE, TRUE, 240),
    ('giay_nghi_phep',  'Giấy nghỉ phép',       'GNP', FALSE, TRUE, 250),
    ('phieu_gui',       'Phiếu gửi',            'PG',  FALSE, TRUE, 260),
    ('phieu_chuyen',    'Phiếu chuyển',         'PC',  FALSE, TRUE, 270),
    ('phieu_bao',       'Phiếu báo',            'PB',  FALSE, TRUE, 280),
    ('thu_cong',        'Thư công',             '',    FALSE, TRUE, 290),
    ('ban_sao_y',       'Bản sao y',            'SY',  FALSE, TRUE, 300),
    ('ban_trich_sao',   'Bản trích sao',        'TrS', FALSE, TRUE, 310),
    ('ban_sao_luc',     'Bản sao lục',          'SL',  FALSE, TRUE, 320);

-- A register numbers one agency's documents of one direction (out: văn bản
-- đi, in: văn bản đến), one series and one calendar year (Vietnam time);
-- numbering restarts at 1 each year (Art. 15). last_number is the counter:
-- the last number given, 0 before the first. The row is created by the
-- first allocation and then locked by each one until its transaction ends,
-- which is what makes numbers gap-free (see register.Next).
CREATE TABLE registers (
    id           TEXT PRIMARY KEY,
    agency_id    TEXT NOT NULL REFERENCES agencies(id),
    direction    TEXT NOT NULL CHECK (direction IN ('out', 'in')),
    series       TEXT NOT NULL,
    year         INTEGER NOT NULL CHECK (year BETWEEN 1945 AND 9999),
    last_number  BIGINT NOT NULL CHECK (last_number >= 0),
    created_at   BIGINT NOT NULL,
    UNIQUE (agency_id, direction, series, year)
);

-- Every number a register gave, written in the same transaction as the
-- counter. The primary key is the database's own guarantee that a number is
-- never given twice, even if the counter is edited by hand or restored from
-- an older backup. A document row can point here with a foreign key.
CREATE TABLE register_entries (
    register_id   TEXT NOT NULL REFERENCES registers(id),
    number        BIGINT NOT NULL CHECK (number > 0),
    allocated_at  BIGINT NOT NULL,
    PRIMARY KEY (register_id, number)
);

-- +goose Down
DROP TABLE register_entries;
DROP TABLE registers;
DROP INDEX doc_types_abbreviation;
DROP TABLE doc_types;
