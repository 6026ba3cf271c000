package payment

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// parseXLSX reads the first worksheet that holds a recognised header.
//
// The zip directory is checked before excelize sees it: at most
// maxZipEntries entries and maxUnzippedBytes declared uncompressed bytes in
// total (archive/zip refuses entries that inflate beyond their declared
// size, so the declared sizes bound the real ones). excelize gets the same
// caps through UnzipSizeLimit/UnzipXMLSizeLimit and reads raw cell values.
func parseXLSX(name string, data []byte) (st *Statement, err error) {
	zr, zerr := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if zerr != nil {
		return nil, &ParseError{File: name, Msg: "unreadable zip container", Zh: "文件像是 .xlsx 表格，但压缩结构已损坏", Err: fmt.Errorf("%w: %v", ErrCorrupt, zerr)}
	}
	if len(zr.File) > maxZipEntries {
		return nil, &ParseError{File: name, Msg: fmt.Sprintf("zip has %d entries", len(zr.File)), Zh: "表格文件内部条目过多，已拒绝读取（可能是压缩炸弹）", Err: ErrLimit}
	}
	var total uint64
	workbook := false
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > maxUnzippedBytes {
			return nil, &ParseError{File: name, Msg: "uncompressed size exceeds 256 MiB", Zh: "表格解压后超过 256 MiB，已拒绝读取（可能是压缩炸弹）", Err: ErrLimit}
		}
		if strings.EqualFold(strings.ReplaceAll(f.Name, "\\", "/"), "xl/workbook.xml") {
			workbook = true
		}
	}
	if !workbook {
		return nil, ErrNotStatement
	}
	defer func() {
		if r := recover(); r != nil {
			st, err = nil, &ParseError{File: name, Msg: fmt.Sprintf("corrupt workbook: %v", r), Zh: "表格文件已损坏，无法读取", Err: ErrCorrupt}
		}
	}()
	f, oerr := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		RawCellValue:      true,
		UnzipSizeLimit:    maxUnzippedBytes,
		UnzipXMLSizeLimit: maxUnzippedXML,
	})
	if oerr != nil {
		return nil, &ParseError{File: name, Msg: "unreadable workbook", Zh: "表格文件无法打开，可能已损坏", Err: fmt.Errorf("%w: %v", ErrCorrupt, oerr)}
	}
	defer f.Close()
	for _, sheet := range f.GetSheetList() {
		rows, rerr := f.Rows(sheet)
		if rerr != nil {
			continue
		}
		src := &xlsxSource{rows: rows}
		st, err = parseTable(name, src, true)
		_ = rows.Close()
		if errors.Is(err, ErrNotStatement) {
			continue
		}
		return st, err
	}
	return nil, ErrNotStatement
}

// xlsxSource yields worksheet rows numbered as in Excel; rows missing from
// the XML come back empty.
type xlsxSource struct {
	rows *excelize.Rows
	line int
}

func (s *xlsxSource) close() error { return s.rows.Close() }

func (s *xlsxSource) next() (row, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			if errors.Is(err, excelize.ErrMaxRows) {
				return row{}, &ParseError{Line: s.line, Msg: "too many rows", Zh: "表格行数超过上限", Err: ErrLimit}
			}
			return row{}, &ParseError{Line: s.line, Msg: "corrupt worksheet", Zh: "工作表已损坏", Err: fmt.Errorf("%w: %v", ErrCorrupt, err)}
		}
		return row{}, io.EOF
	}
	s.line++
	if s.line > maxTotalLines {
		return row{}, &ParseError{Line: s.line, Msg: "too many rows", Zh: "表格行数超过上限（100 万行）", Err: ErrLimit}
	}
	cells, err := s.rows.Columns()
	if err != nil {
		return row{}, &ParseError{Line: s.line, Msg: "corrupt worksheet row", Zh: "工作表该行已损坏", Err: fmt.Errorf("%w: %v", ErrCorrupt, err)}
	}
	if len(cells) > MaxFieldsPerRow {
		return row{}, &ParseError{Line: s.line, Msg: "more than 200 cells in a row", Zh: "一行超过 200 个单元格", Err: ErrLimit}
	}
	return row{line: s.line, cells: cells}, nil
}
