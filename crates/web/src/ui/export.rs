//! 导出: the case list as CSV or XLSX, as the filters show it (issue 17). Masked as on screen unless
//! the person asks for the full data, which `huiyin_app::cases::export` logs (COM-4). A POST with
//! the page's CSRF token: a full export is a logged view another site must not cause.

use axum::extract::{Form, State};
use chrono::Utc;
use serde::Deserialize;

use super::list::ListForm;
use super::{PageError, PageResult, Staff, check_csrf};
use huiyin_app::cases::export::{ExportTable, export_cases};
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
    let table = export_cases(&state, &staff.actor, &f.filters.params(), full).await?;
    let stamp = huiyin_app::views::local_input(Utc::now()).replace([':', 'T'], "");
    let (media_type, extension, bytes) = match f.format.as_str() {
        "xlsx" => ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", xlsx(&table)?),
        _ => ("text/csv; charset=utf-8", "csv", csv(&table).into_bytes()),
    };
    let blob = huiyin_store::Blob { sha256: String::new(), media_type: media_type.into(), bytes };
    Ok(crate::attachment_response(&format!("信访件-{stamp}.{extension}"), blob))
}

/// A cell as a spreadsheet must not read it: text that starts like a formula is kept as text.
fn inert(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}") } else { cell.to_owned() }
}

/// RFC 4180 CSV with a byte-order mark, which spreadsheet programs need to read Chinese as UTF-8.
pub(super) fn csv(table: &ExportTable) -> String {
    let field = |cell: &str| {
        let cell = inert(cell);
        if cell.contains([',', '"', '\n', '\r']) { format!("\"{}\"", cell.replace('"', "\"\"")) } else { cell }
    };
    let mut out = String::from("\u{feff}");
    let lines = std::iter::once(table.headers.iter().map(|h| field(h)).collect::<Vec<_>>())
        .chain(table.rows.iter().map(|row| row.iter().map(|c| field(c)).collect()));
    for line in lines {
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    if table.truncated {
        out.push_str(&field(&format!("(仅导出前 {} 条,请缩小筛选范围)", table.rows.len())));
        out.push_str("\r\n");
    }
    out
}

/// The case table as one worksheet.
fn xlsx(table: &ExportTable) -> Result<Vec<u8>, PageError> {
    let widths = [18.0, 17.0, 8.0, 14.0, 10.0, 6.0, 20.0, 14.0, 28.0, 60.0, 14.0, 8.0, 12.0];
    xlsx_sheet(table, "信访件", &widths)
}

/// A table as one worksheet named `name`, headings bold and frozen, every cell a string, the columns
/// `widths` wide.
pub(super) fn xlsx_sheet(table: &ExportTable, name: &str, widths: &[f64]) -> Result<Vec<u8>, PageError> {
    use rust_xlsxwriter::{Format, Workbook};
    let failed = |e: rust_xlsxwriter::XlsxError| {
        tracing::error!(error = %e, "export failed");
        PageError(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "导出失败,请稍后再试。".into())
    };
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(name).map_err(failed)?;
    let bold = Format::new().set_bold();
    for (col, heading) in (0u16..).zip(&table.headers) {
        sheet.write_string_with_format(0, col, *heading, &bold).map_err(failed)?;
    }
    for (row, cells) in (1u32..).zip(&table.rows) {
        for (col, cell) in (0u16..).zip(cells) {
            sheet.write_string(row, col, cell).map_err(failed)?;
        }
    }
    if table.truncated {
        let row = u32::try_from(table.rows.len() + 1).unwrap_or(u32::MAX);
        sheet.write_string(row, 0, format!("(仅导出前 {} 件,请缩小筛选范围)", table.rows.len())).map_err(failed)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(failed)?;
    for (col, width) in (0u16..).zip(widths) {
        sheet.set_column_width(col, *width).map_err(failed)?;
    }
    workbook.save_to_buffer().map_err(failed)
}

/// A report's tables as one workbook, a sheet a table: headings bold and frozen, counts as numbers,
/// rates as percentages (`暂无数据` where nothing was counted).
pub(super) fn xlsx_book(sheets: &[huiyin_app::statistics::ReportTable]) -> Result<Vec<u8>, PageError> {
    use huiyin_app::statistics::Cell;
    use rust_xlsxwriter::{Format, Workbook};
    let failed = |e: rust_xlsxwriter::XlsxError| {
        tracing::error!(error = %e, "export failed");
        PageError(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "导出失败,请稍后再试。".into())
    };
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
    let mut out = String::from("\u{feff}");
    let field = |cell: &str| {
        let cell = inert(cell);
        if cell.contains([',', '"', '\n', '\r']) { format!("\"{}\"", cell.replace('"', "\"\"")) } else { cell }
    };
    out.push_str(&field(title));
    out.push_str("\r\n");
    for table in sheets {
        out.push_str("\r\n");
        out.push_str(&field(&table.name));
        out.push_str("\r\n");
        out.push_str(&table.headers.iter().map(|h| field(h)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
        for row in &table.rows {
            let cells: Vec<String> = row
                .iter()
                .map(|c| match c {
                    Cell::Text(t) => field(t),
                    Cell::Count(n) => n.to_string(),
                    Cell::Rate(Some(p)) => format!("{p:.1}%"),
                    Cell::Rate(None) => "暂无数据".into(),
                    Cell::Points(change, higher_is_better) => {
                        field(&huiyin_app::statistics::change_words(*change, *higher_is_better))
                    }
                })
                .collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        }
    }
    out
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
        let Ok(bytes) = xlsx(&table) else { panic!("the XLSX is written") };
        assert_eq!(&bytes[..2], b"PK", "an XLSX is a zip");
    }
}
