// Package register numbers documents the way Decree 30/2020/NĐ-CP asks:
// the catalog of document types (Appendix III), the registers ("sổ đăng
// ký") that give outgoing and incoming documents their numbers (Art. 15,
// Arts. 20–22), and the text of the "Số, ký hiệu" and "địa danh, ngày
// tháng năm" lines (Appendix I).
//
// A register belongs to one agency, one direction (outgoing "đi" or
// incoming "đến"), one series and one calendar year. Numbers start at 01 on
// 1 January and run without gaps to 31 December. Next gives the next number
// inside the caller's transaction, the one that also records the document:
// if that transaction rolls back, the number is given again to the next
// document, so the register has no holes.
//
// The package is mechanism. Which series a document goes into (the agency
// head's numbering scheme), who may number it and when, belong to the
// document workflow that calls it; SeriesFor is the default scheme.
package register
