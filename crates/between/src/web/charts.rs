//! Small server-rendered SVG charts (no JavaScript): lines of points over
//! time with an optional shaded band. Colours are presentation attributes,
//! so the page's CSP (no inline styles) allows them.

use std::fmt::Write;

/// One line of a chart.
pub struct Line<'a> {
    pub label: &'a str,
    pub colour: &'a str,
    /// (x, y) points; x is any increasing number (e.g. days), y in the range.
    pub points: Vec<(f64, f64)>,
}

pub struct Chart<'a> {
    pub title: &'a str,
    pub y_min: f64,
    pub y_max: f64,
    pub lines: Vec<Line<'a>>,
    /// Labels under the first and last points.
    pub x_labels: (String, String),
    /// A shaded horizontal band (from, to) in y, e.g. the expected level.
    pub band: Option<(f64, f64)>,
    /// Labelled, coloured horizontal zones (from, to, colour, label), e.g.
    /// severity bands.
    pub zones: Vec<(f64, f64, &'a str, &'a str)>,
}

/// A day as a number for the x axis: days since 2000-01-01.
pub fn day_x(d: jiff::civil::Date) -> f64 {
    d.since(jiff::civil::date(2000, 1, 1))
        .map(|s| s.get_days())
        .unwrap_or(0) as f64
}

const W: f64 = 640.0;
const H: f64 = 240.0;
const PAD_L: f64 = 36.0;
const PAD_R: f64 = 12.0;
const PAD_T: f64 = 12.0;
const PAD_B: f64 = 44.0;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl Chart<'_> {
    /// The chart as an accessible SVG element.
    pub fn svg(&self) -> String {
        let xs: Vec<f64> = self
            .lines
            .iter()
            .flat_map(|l| l.points.iter().map(|p| p.0))
            .collect();
        let (x_min, x_max) = xs
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(*x), b.max(*x)));
        let x_span = if x_max > x_min { x_max - x_min } else { 1.0 };
        let y_span = if self.y_max > self.y_min {
            self.y_max - self.y_min
        } else {
            1.0
        };
        let px = |x: f64| PAD_L + (x - x_min) / x_span * (W - PAD_L - PAD_R);
        let py = |y: f64| {
            PAD_T + (self.y_max - y.clamp(self.y_min, self.y_max)) / y_span * (H - PAD_T - PAD_B)
        };
        let mut s = String::new();
        let _ = write!(
            s,
            r#"<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
            escape(self.title)
        );
        for (lo, hi, colour, label) in &self.zones {
            let (top, bottom) = (py(hi.max(*lo)), py(hi.min(*lo)));
            let _ = write!(
                s,
                r#"<rect x="{PAD_L}" y="{top:.1}" width="{:.1}" height="{:.1}" fill="{colour}" fill-opacity="0.18"/><text x="{:.1}" y="{:.1}" font-size="10" text-anchor="end" fill="currentColor" fill-opacity="0.7">{}</text>"#,
                W - PAD_L - PAD_R,
                (bottom - top).max(1.0),
                W - PAD_R - 4.0,
                top + 11.0,
                escape(label)
            );
        }
        if let Some((lo, hi)) = self.band {
            let (top, bottom) = (py(hi.max(lo)), py(hi.min(lo)));
            let _ = write!(
                s,
                r##"<rect x="{PAD_L}" y="{top:.1}" width="{:.1}" height="{:.1}" fill="#8fb38f" fill-opacity="0.25"/>"##,
                W - PAD_L - PAD_R,
                (bottom - top).max(1.0)
            );
        }
        // Horizontal grid lines with labels at min, middle and max.
        for y in [self.y_min, (self.y_min + self.y_max) / 2.0, self.y_max] {
            let _ = write!(
                s,
                r##"<line x1="{PAD_L}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#999" stroke-opacity="0.4"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end" fill="currentColor">{}</text>"##,
                W - PAD_R,
                py(y),
                py(y),
                PAD_L - 6.0,
                py(y) + 4.0,
                trim_number(y)
            );
        }
        for line in &self.lines {
            if line.points.is_empty() {
                continue;
            }
            let path: Vec<String> = line
                .points
                .iter()
                .map(|(x, y)| format!("{:.1},{:.1}", px(*x), py(*y)))
                .collect();
            let _ = write!(
                s,
                r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>"#,
                path.join(" "),
                line.colour
            );
            for (x, y) in &line.points {
                let _ = write!(
                    s,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="{}"><title>{}: {}</title></circle>"#,
                    px(*x),
                    py(*y),
                    line.colour,
                    escape(line.label),
                    trim_number(*y)
                );
            }
        }
        let _ = write!(
            s,
            r#"<text x="{PAD_L}" y="{:.1}" font-size="11" fill="currentColor">{}</text>"#,
            H - PAD_B + 16.0,
            escape(&self.x_labels.0)
        );
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end" fill="currentColor">{}</text>"#,
            W - PAD_R,
            H - PAD_B + 16.0,
            escape(&self.x_labels.1)
        );
        let mut lx = PAD_L;
        for line in &self.lines {
            let _ = write!(
                s,
                r#"<rect x="{lx:.1}" y="{:.1}" width="10" height="10" fill="{}"/><text x="{:.1}" y="{:.1}" font-size="11" fill="currentColor">{}</text>"#,
                H - 14.0,
                line.colour,
                lx + 14.0,
                H - 5.0,
                escape(line.label)
            );
            lx += 14.0 + 6.5 * line.label.chars().count() as f64 + 16.0;
        }
        s.push_str("</svg>");
        s
    }
}

fn trim_number(y: f64) -> String {
    if (y - y.round()).abs() < 1e-9 {
        format!("{}", y.round() as i64)
    } else {
        format!("{y:.1}")
    }
}

/// A calendar heatmap: one column per week (Monday on top), one cell per
/// day, coloured by state; each cell has a tooltip for screen readers.
pub fn heatmap(
    days: &[(
        jiff::civil::Date,
        between_domain::practice::adherence::DayState,
    )],
) -> String {
    use between_domain::practice::adherence::DayState;
    const CELL: f64 = 16.0;
    const GAP: f64 = 3.0;
    let Some(first) = days.first().map(|(d, _)| *d) else {
        return String::new();
    };
    let monday = between_domain::practice::schedule::week_start(first);
    let weeks = days
        .last()
        .map(|(d, _)| monday.until(*d).map(|s| s.get_days() / 7 + 1).unwrap_or(1))
        .unwrap_or(1);
    let width = 28.0 + weeks as f64 * (CELL + GAP);
    let height = 7.0 * (CELL + GAP) + 8.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="heatmap" viewBox="0 0 {width} {height}" role="img" aria-label="Calendar of the last weeks: done, missed and free days" xmlns="http://www.w3.org/2000/svg">"#
    );
    for (row, label) in ["M", "", "W", "", "F", "", "S"].iter().enumerate() {
        let _ = write!(
            s,
            r#"<text x="0" y="{:.1}" font-size="10" fill="currentColor">{label}</text>"#,
            row as f64 * (CELL + GAP) + 12.0
        );
    }
    for (date, state) in days {
        let offset = monday.until(*date).map(|s| s.get_days()).unwrap_or(0);
        let (col, row) = (
            offset / 7,
            i64::from(date.weekday().to_monday_zero_offset()),
        );
        let (fill, opacity, word) = match state {
            DayState::Done => ("#2e8b57", "1", "done"),
            DayState::Missed => ("#c0392b", "0.55", "missed"),
            DayState::Pending => ("#e9a23b", "0.9", "due today"),
            DayState::Free => ("#8a9aa6", "0.25", "not scheduled"),
            DayState::Outside => ("#8a9aa6", "0.08", "outside the practice"),
        };
        let _ = write!(
            s,
            r#"<rect x="{:.1}" y="{:.1}" width="{CELL}" height="{CELL}" rx="3" fill="{fill}" fill-opacity="{opacity}"><title>{date}: {word}</title></rect>"#,
            24.0 + col as f64 * (CELL + GAP),
            row as f64 * (CELL + GAP),
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_has_a_point_per_value_and_escapes_labels() {
        let chart = Chart {
            title: "Scores <over> time",
            y_min: 0.0,
            y_max: 10.0,
            lines: vec![Line {
                label: "heard & respected",
                colour: "#123456",
                points: vec![(0.0, 8.0), (7.0, 6.0), (14.0, 9.0)],
            }],
            x_labels: ("1 Jan".into(), "15 Jan".into()),
            band: Some((7.0, 9.0)),
            zones: Vec::new(),
        };
        let svg = chart.svg();
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains("Scores &lt;over&gt; time") && svg.contains("heard &amp; respected"));
        assert!(
            svg.contains("<rect x=\"36\"") && svg.starts_with("<svg") && svg.ends_with("</svg>")
        );
        assert!(!svg.contains("style="), "no inline styles under the CSP");
    }

    #[test]
    fn a_single_point_does_not_divide_by_zero() {
        let chart = Chart {
            title: "t",
            y_min: -2.0,
            y_max: 2.0,
            lines: vec![Line {
                label: "x",
                colour: "red",
                points: vec![(3.0, 1.0)],
            }],
            x_labels: (String::new(), String::new()),
            band: None,
            zones: Vec::new(),
        };
        assert!(!chart.svg().contains("NaN"));
    }
}
