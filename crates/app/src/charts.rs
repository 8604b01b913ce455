//! Charts drawn by the server as SVG (issue 21), for the report page and the printed report alike:
//! no script, from this site or any other. Each is an image with a title and a description for
//! screen readers; the page and the document put the table of its data beside it. Colours and
//! fonts are attributes, so that a document without the site's style sheet draws them the same.

/// One bar: its label and value.
pub type Bar = (String, f64);

/// Text as SVG (XML) carries it; characters XML forbids (C0 controls) are dropped.
fn escape(s: &str) -> String {
    let s: String = s.chars().filter(|c| !c.is_control() || matches!(c, '\t' | '\n')).collect();
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

const FONT: &str = "font-family=\"Noto Sans CJK SC, Source Han Sans SC, sans-serif\" font-size=\"13\"";
const BAR: &str = "fill=\"#2f5f8f\"";
const INK: &str = "fill=\"#222222\"";

const WIDTH: f64 = 640.0;
const LABEL_WIDTH: f64 = 190.0;
const ROW: f64 = 26.0;

/// A horizontal bar chart: a bar a line, the value written after it (`unit` after the number:
/// `件`, `%`). At most `max_bars` bars; the rest are left to the table beside it.
pub fn bars(id: &str, title: &str, description: &str, data: &[Bar], unit: &str, max_bars: usize) -> String {
    let shown = &data[..data.len().min(max_bars)];
    let top = shown.iter().map(|b| b.1).fold(0.0_f64, f64::max).max(1.0);
    let left_out = data.len() - shown.len();
    let height = ROW * (shown.len().max(1) + usize::from(left_out > 0)) as f64 + 10.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" aria-labelledby=\"{id}-t {id}-d\" id=\"{id}\" {FONT}>\
         <title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        escape(title),
        escape(description)
    );
    if shown.is_empty() {
        svg.push_str("<text x=\"10\" y=\"22\" class=\"chart-empty\" fill=\"#222222\">本期没有数据</text>");
    }
    let room = WIDTH - LABEL_WIDTH - 70.0;
    for (i, (label, value)) in shown.iter().enumerate() {
        let y = ROW * i as f64 + 5.0;
        let w = (value / top * room).max(if *value > 0.0 { 2.0 } else { 0.0 });
        let label: String =
            if label.chars().count() > 14 { label.chars().take(13).chain(['…']).collect() } else { label.clone() };
        svg.push_str(&format!(
            "<text x=\"{x}\" y=\"{ty}\" text-anchor=\"end\" class=\"chart-label\" {INK}>{label}</text>\
             <rect x=\"{LABEL_WIDTH}\" y=\"{y}\" width=\"{w:.1}\" height=\"{h}\" class=\"chart-bar\" {BAR}/>\
             <text x=\"{vx:.1}\" y=\"{ty}\" class=\"chart-value\" {INK}>{value}{unit}</text>",
            x = LABEL_WIDTH - 8.0,
            ty = y + 15.0,
            h = ROW - 8.0,
            vx = LABEL_WIDTH + w + 6.0,
            label = escape(&label),
            value = shown_number(*value),
            unit = escape(unit),
        ));
    }
    if left_out > 0 {
        svg.push_str(&format!(
            "<text x=\"{LABEL_WIDTH}\" y=\"{y:.1}\" class=\"chart-label\" {INK}>另有 {left_out} 项,见旁表</text>",
            y = ROW * shown.len() as f64 + 20.0
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// A column chart over time (the months of a period), the value over each column.
pub fn columns(id: &str, title: &str, description: &str, data: &[Bar], unit: &str) -> String {
    let height = 220.0;
    let base = height - 30.0;
    let top = data.iter().map(|b| b.1).fold(0.0_f64, f64::max).max(1.0);
    let step = if data.is_empty() { WIDTH } else { (WIDTH - 20.0) / data.len() as f64 };
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" aria-labelledby=\"{id}-t {id}-d\" id=\"{id}\" {FONT}>\
         <title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>\
         <line x1=\"10\" y1=\"{base}\" x2=\"{x2}\" y2=\"{base}\" class=\"chart-axis\" stroke=\"#777777\"/>",
        escape(title),
        escape(description),
        x2 = WIDTH - 10.0
    );
    if data.is_empty() {
        svg.push_str("<text x=\"10\" y=\"22\" class=\"chart-empty\" fill=\"#222222\">本期没有数据</text>");
    }
    for (i, (label, value)) in data.iter().enumerate() {
        let h = value / top * (base - 30.0);
        let x = 10.0 + step * i as f64 + step * 0.15;
        let w = step * 0.7;
        svg.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" class=\"chart-bar\" {BAR}/>\
             <text x=\"{cx:.1}\" y=\"{vy:.1}\" text-anchor=\"middle\" class=\"chart-value\" {INK}>{value}{unit}</text>\
             <text x=\"{cx:.1}\" y=\"{ly:.1}\" text-anchor=\"middle\" class=\"chart-label\" {INK}>{label}</text>",
            y = base - h,
            cx = x + w / 2.0,
            vy = base - h - 5.0,
            ly = base + 18.0,
            value = shown_number(*value),
            unit = escape(unit),
            label = escape(label),
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// A whole number as is, a rate with one decimal.
fn shown_number(v: f64) -> String {
    if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.1}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_is_an_image_with_a_title_and_escaped_labels() {
        let svg = bars("c", "按渠道", "来访最多", &[("<来访>".into(), 3.0), ("来信".into(), 1.0)], "件", 10);
        assert!(
            svg.starts_with("<svg") && svg.contains("role=\"img\"") && svg.contains("<title id=\"c-t\">按渠道</title>")
        );
        assert!(svg.contains("&lt;来访&gt;") && !svg.contains("<来访>"), "{svg}");
        assert!(svg.contains(">3件<"));
        let many: Vec<Bar> = (0..5).map(|i| (format!("第{i}项很长很长很长很长很长很长的名称"), 1.0)).collect();
        let cut = bars("m", "多", "多", &many, "件", 3);
        assert!(cut.contains("另有 2 项,见旁表") && cut.contains("…"), "{cut}");
        let empty = columns("m", "按月", "无", &[], "件");
        assert!(empty.contains("本期没有数据"));
    }
}
