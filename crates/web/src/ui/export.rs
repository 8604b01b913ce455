//! 导出: the case list as CSV or XLSX, as the filters show it (issue 17). Masked as on screen unless
//! the person asks for the full data, which `huiyin_app::cases::export` logs (COM-4). A POST with
//! the page's CSRF token: a full export is a logged view another site must not cause.

use axum::extract::{Form, State};
use chrono::Utc;
use serde::Deserialize;

use super::list::ListForm;
use super::{PageError, PageResult, Staff, check_csrf};
use huiyin_app::cases::export::{EXPORT_HEADERS, ExportTable, export_cases, truncation_note};
use huiyin_app::context::AppState;

#[derive(Deserialize)]
pub(super) struct ExportForm {
    csrf: Option<String>,
    /// `csv` or `xlsx`.
    #[serde(default)]
    format: String,
    /// Present: ID numbers and phones in full.
    #[serde(default)]
    full: Option<String>,
    #[serde(flatten)]
    filters: ListForm,
}

pub(super) async fn export(State(state): State<AppState>, staff: Staff, Form(f): Form<ExportForm>) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let full = f.full.as_deref().is_some_and(|v| !v.is_empty());
    // A large export holds its finished file in memory until it is sent: a few at a time.
    let _turn = EXPORTS_AT_ONCE
        .acquire()
        .await
        .map_err(|_| PageError(axum::http::StatusCode::SERVICE_UNAVAILABLE, "导出暂不可用,请稍后再试。".into()))?;
    let stamp = huiyin_app::views::local_input(Utc::now()).replace([':', 'T'], "");
    let params = f.filters.params();
    // Row by row from the store's pages into the file: a large export never holds its list.
    let (media_type, extension, bytes) = match f.format.as_str() {
        "xlsx" => {
            let mut sheet = SheetWriter::new("信访件", &EXPORT_HEADERS, &CASE_WIDTHS, true)?;
            let exported = export_cases(&state, &staff.actor, &params, full, |row| sheet.row(&row)).await?;
            if exported.truncated {
                sheet.note(&truncation_note(exported.rows));
            }
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", sheet.finish()?)
        }
        _ => {
            let mut csv = CsvWriter::new(&EXPORT_HEADERS);
            let exported = export_cases(&state, &staff.actor, &params, full, |row| csv.row(&row)).await?;
            if exported.truncated {
                csv.note(&truncation_note(exported.rows));
            }
            ("text/csv; charset=utf-8", "csv", csv.finish().into_bytes())
        }
    };
    let blob = huiyin_store::Blob { sha256: String::new(), media_type: media_type.into(), bytes };
    Ok(crate::attachment_response(&format!("信访件-{stamp}.{extension}"), blob))
}

/// How many case exports a server writes at once; the others wait their turn.
static EXPORTS_AT_ONCE: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// The case table's column widths, as [`EXPORT_HEADERS`].
const CASE_WIDTHS: [f64; 13] = [18.0, 17.0, 8.0, 14.0, 10.0, 6.0, 20.0, 14.0, 28.0, 60.0, 14.0, 8.0, 12.0];

/// A sheet that failed to write, as the page's error.
fn failed(e: rust_xlsxwriter::XlsxError) -> PageError {
    tracing::error!(error = %e, "export failed");
    PageError(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "导出失败,请稍后再试。".into())
}

/// A cell as a spreadsheet must not read it: text that starts like a formula is kept as text.
fn inert(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}") } else { cell.to_owned() }
}

/// RFC 4180 CSV with a byte-order mark, which spreadsheet programs need to read Chinese as UTF-8,
/// written a row at a time.
pub(super) struct CsvWriter {
    out: String,
}

impl CsvWriter {
    pub(super) fn new(headers: &[&str]) -> CsvWriter {
        let mut csv = CsvWriter { out: String::from("\u{feff}") };
        csv.line(headers.iter().copied());
        csv
    }

    /// A line of these cells; none makes an empty line.
    fn line<'a>(&mut self, cells: impl Iterator<Item = &'a str>) {
        let mut first = true;
        for cell in cells {
            if !first {
                self.out.push(',');
            }
            first = false;
            let cell = inert(cell);
            if cell.contains([',', '"', '\n', '\r']) {
                self.out.push('"');
                self.out.push_str(&cell.replace('"', "\"\""));
                self.out.push('"');
            } else {
                self.out.push_str(&cell);
            }
        }
        self.out.push_str("\r\n");
    }

    pub(super) fn row(&mut self, cells: &[String]) {
        self.line(cells.iter().map(String::as_str));
    }

    /// A line of its own under the table.
    pub(super) fn note(&mut self, text: &str) {
        self.line(std::iter::once(text));
    }

    pub(super) fn finish(self) -> String {
        self.out
    }
}

/// One worksheet written a row at a time: headings bold and frozen, every cell a string, the
/// columns as wide as given. `constant_memory`: the rows go to a temporary file as they are
/// written, not kept (for large exports). A write that fails is remembered, the rows after it
/// skipped, and [`SheetWriter::finish`] answers with it.
pub(super) struct SheetWriter {
    workbook: rust_xlsxwriter::Workbook,
    next_row: u32,
    failure: Option<rust_xlsxwriter::XlsxError>,
}

impl SheetWriter {
    pub(super) fn new(name: &str, headers: &[&str], widths: &[f64], constant_memory: bool) -> Result<Self, PageError> {
        use rust_xlsxwriter::{Format, Workbook};
        let mut workbook = Workbook::new();
        let sheet = if constant_memory {
            workbook.add_worksheet_with_constant_memory().map_err(failed)?
        } else {
            workbook.add_worksheet()
        };
        sheet.set_name(name).map_err(failed)?;
        sheet.set_freeze_panes(1, 0).map_err(failed)?;
        for (col, width) in (0u16..).zip(widths) {
            sheet.set_column_width(col, *width).map_err(failed)?;
        }
        let bold = Format::new().set_bold();
        for (col, heading) in (0u16..).zip(headers) {
            sheet.write_string_with_format(0, col, *heading, &bold).map_err(failed)?;
        }
        Ok(SheetWriter { workbook, next_row: 1, failure: None })
    }

    /// Writes the next row's cells from the first column.
    fn write<'a>(&mut self, cells: impl Iterator<Item = &'a str>) {
        if self.failure.is_some() {
            return;
        }
        let row = self.next_row;
        let written = self.workbook.worksheet_from_index(0).and_then(|sheet| {
            for (col, cell) in (0u16..).zip(cells) {
                sheet.write_string(row, col, cell)?;
            }
            Ok(())
        });
        self.failure = written.err();
        self.next_row += 1;
    }

    pub(super) fn row(&mut self, cells: &[String]) {
        self.write(cells.iter().map(String::as_str));
    }

    /// A line of its own under the table.
    pub(super) fn note(&mut self, text: &str) {
        self.write(std::iter::once(text));
    }

    pub(super) fn finish(mut self) -> Result<Vec<u8>, PageError> {
        if let Some(failure) = self.failure {
            return Err(failed(failure));
        }
        self.workbook.save_to_buffer().map_err(failed)
    }
}

/// A whole table as CSV ([`CsvWriter`]).
pub(super) fn csv(table: &ExportTable) -> String {
    let mut csv = CsvWriter::new(&table.headers);
    for row in &table.rows {
        csv.row(row);
    }
    if table.truncated {
        csv.note(&truncation_note(table.rows.len()));
    }
    csv.finish()
}

/// A whole table as one worksheet named `name` ([`SheetWriter`]), the columns `widths` wide.
pub(super) fn xlsx_sheet(table: &ExportTable, name: &str, widths: &[f64]) -> Result<Vec<u8>, PageError> {
    let mut sheet = SheetWriter::new(name, &table.headers, widths, false)?;
    for row in &table.rows {
        sheet.row(row);
    }
    if table.truncated {
        sheet.note(&truncation_note(table.rows.len()));
    }
    sheet.finish()
}

/// A report's tables as one workbook, a sheet a table: headings bold and frozen, counts as numbers,
/// rates as percentages (`暂无数据` where nothing was counted).
pub(super) fn xlsx_book(sheets: &[huiyin_app::statistics::ReportTable]) -> Result<Vec<u8>, PageError> {
    use huiyin_app::statistics::Cell;
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let percent = Format::new().set_num_format("0.0%");
    let points = Format::new().set_num_format("+0.0;-0.0;0.0");
    for table in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(&table.name).map_err(failed)?;
        for (col, heading) in (0u16..).zip(&table.headers) {
            sheet.write_string_with_format(0, col, heading, &bold).map_err(failed)?;
            let width = if col == 0 { 24.0 } else { 14.0 };
            sheet.set_column_width(col, width).map_err(failed)?;
        }
        for (row, cells) in (1u32..).zip(&table.rows) {
            for (col, cell) in (0u16..).zip(cells) {
                match cell {
                    Cell::Text(text) => sheet.write_string(row, col, inert(text)).map(|_| ()),
                    Cell::Count(n) => sheet.write_number(row, col, *n as f64).map(|_| ()),
                    Cell::Rate(Some(p)) => sheet.write_number_with_format(row, col, p / 100.0, &percent).map(|_| ()),
                    Cell::Rate(None) => sheet.write_string(row, col, "暂无数据").map(|_| ()),
                    Cell::Points(None, _) => sheet.write_string(row, col, "—").map(|_| ()),
                    Cell::Points(Some(p), _) => sheet.write_number_with_format(row, col, *p, &points).map(|_| ()),
                }
                .map_err(failed)?;
            }
        }
        sheet.set_freeze_panes(1, 0).map_err(failed)?;
    }
    workbook.save_to_buffer().map_err(failed)
}

/// A report's tables as one CSV: the report's title, then each table under its name, a blank line
/// between.
pub(super) fn csv_book(title: &str, sheets: &[huiyin_app::statistics::ReportTable]) -> String {
    use huiyin_app::statistics::Cell;
    let mut out = CsvWriter::new(&[title]);
    for table in sheets {
        out.line(std::iter::empty());
        out.note(&table.name);
        out.line(table.headers.iter().map(String::as_str));
        for row in &table.rows {
            let cells: Vec<String> = row
                .iter()
                .map(|c| match c {
                    Cell::Text(t) => t.clone(),
                    Cell::Count(n) => n.to_string(),
                    Cell::Rate(Some(p)) => format!("{p:.1}%"),
                    Cell::Rate(None) => "暂无数据".into(),
                    Cell::Points(change, higher_is_better) => {
                        huiyin_app::statistics::change_words(*change, *higher_is_better)
                    }
                })
                .collect();
            out.row(&cells);
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn com_4_a_csv_keeps_every_cell_as_text() {
        let table = ExportTable {
            headers: vec!["信访人", "反映内容"],
            rows: vec![vec!["=HYPERLINK(\"x\")".into(), "多行\n\"引号\",逗号".into()]],
            truncated: false,
        };
        let text = csv(&table);
        assert!(text.starts_with('\u{feff}'));
        assert!(text.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{text}");
        assert!(text.contains("\"多行\n\"\"引号\"\",逗号\""), "{text}");
        let Ok(bytes) = xlsx_sheet(&table, "信访件", &CASE_WIDTHS) else { panic!("the XLSX is written") };
        assert_eq!(&bytes[..2], b"PK", "an XLSX is a zip");
    }
}
