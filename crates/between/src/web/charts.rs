//! Small server-rendered SVG charts (no JavaScript), sized for phones: lines
//! of points over time with optional bands and zones, a yes/no calendar
//! strip, the practice heatmap and a sparkline. Every chart has a `<title>`
//! and a `<desc>` with its key numbers, and tells its lines apart by marker
//! shape and dash as well as colour. Colours are presentation attributes, so
//! the page's CSP (no inline styles) allows them.
//!
//! The drawing is 360 user units wide with text of at least 12, shown at
//! the width of the page (at most 34rem): on a 390 px phone it is drawn at
//! about 1:1, so its text stays at least 11 CSS px.

use std::fmt::Write;

/// How a line is drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mark {
    /// Points only (e.g. each day's mood).
    Dots,
    /// A line only (e.g. a smoothed line).
    Line,
    /// A line through its points.
    #[default]
    LineAndDots,
}

/// One line of a chart.
#[derive(Default)]
pub struct Line<'a> {
    pub label: &'a str,
    pub colour: &'a str,
    /// (x, y) points; x is any increasing number (e.g. days), y in the range.
    pub points: Vec<(f64, f64)>,
    pub mark: Mark,
}

#[derive(Default)]
pub struct Chart<'a> {
    pub title: &'a str,
    /// The key numbers in words, for screen readers; when empty, each line's
    /// count, lowest, highest and last value.
    pub desc: String,
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
    /// Height of the plot area in user units (0: the usual 150).
    pub plot_height: f64,
}

/// A day as a number for the x axis: days since 2000-01-01.
pub fn day_x(d: jiff::civil::Date) -> f64 {
    d.since(jiff::civil::date(2000, 1, 1))
        .map(|s| s.get_days())
        .unwrap_or(0) as f64
}

/// A day as people read it in a chart: "3 Dec 2026".
pub fn day_label(d: jiff::civil::Date) -> String {
    d.strftime("%-d %b %Y").to_string()
}

/// Width of every chart, in user units (about CSS px on a phone).
pub const W: f64 = 360.0;
/// The smallest text in a chart, in user units.
pub const FONT: f64 = 12.0;
const PAD_L: f64 = 34.0;
const PAD_R: f64 = 10.0;
const PAD_T: f64 = 10.0;
/// Below the plot: the x labels.
const PAD_X: f64 = 22.0;
const LEGEND_ROW: f64 = 20.0;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// About how wide a text is at `FONT`, in user units.
fn text_width(s: &str) -> f64 {
    s.chars().count() as f64 * FONT * 0.56
}

/// Round ticks covering `lo..=hi`: about `count` of them at 1, 2 or 5 times
/// a power of ten, the first at or below `lo`, the last at or above `hi`.
pub fn nice_ticks(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - 1.0, lo + 1.0)
    };
    let raw = (hi - lo) / count.max(1) as f64;
    let power = 10f64.powf(raw.log10().floor());
    // The round step nearest above (or a little under) the raw one.
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|s| *s >= raw * 0.7)
        .unwrap_or(10.0 * power);
    let first = (lo / step).floor() * step;
    let mut ticks = Vec::new();
    let mut t = first;
    while ticks.len() < 50 {
        ticks.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
        if t >= hi - step * 1e-9 {
            break;
        }
        t += step;
    }
    ticks
}

/// A marker of shape `n` (circle, square, triangle, diamond) at (x, y).
fn marker(n: usize, x: f64, y: f64, colour: &str, tip: &str) -> String {
    let tip = format!("<title>{}</title>", escape(tip));
    match n % 4 {
        0 => format!(r#"<circle cx="{x:.1}" cy="{y:.1}" r="3.5" fill="{colour}">{tip}</circle>"#),
        1 => format!(
            r#"<rect x="{:.1}" y="{:.1}" width="7" height="7" fill="{colour}">{tip}</rect>"#,
            x - 3.5,
            y - 3.5
        ),
        2 => format!(
            r#"<path d="M{x:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z" fill="{colour}">{tip}</path>"#,
            y - 4.5,
            x + 4.5,
            y + 3.5,
            x - 4.5,
            y + 3.5
        ),
        _ => format!(
            r#"<path d="M{x:.1} {:.1}L{:.1} {y:.1}L{x:.1} {:.1}L{:.1} {y:.1}Z" fill="{colour}">{tip}</path>"#,
            y - 4.5,
            x + 4.5,
            y + 4.5,
            x - 4.5
        ),
    }
}

/// The dash pattern of line `n`: solid, dashed, dotted, dash-dot.
fn dash(n: usize) -> &'static str {
    match n % 4 {
        0 => "",
        1 => r#" stroke-dasharray="6 3""#,
        2 => r#" stroke-dasharray="2 3""#,
        _ => r#" stroke-dasharray="8 3 2 3""#,
    }
}

/// A number without needless decimals: 7 → "7", 7.25 → "7.3".
pub fn trim_number(y: f64) -> String {
    if (y - y.round()).abs() < 1e-9 {
        format!("{}", y.round() as i64)
    } else {
        format!("{y:.1}")
    }
}

impl Chart<'_> {
    /// Each line's count, lowest, highest and last value, in words.
    fn default_desc(&self) -> String {
        let mut out = Vec::new();
        for line in &self.lines {
            let ys: Vec<f64> = line.points.iter().map(|p| p.1).collect();
            let Some(last) = ys.last() else {
                out.push(format!("{}: no values.", line.label));
                continue;
            };
            let lo = ys.iter().copied().fold(f64::MAX, f64::min);
            let hi = ys.iter().copied().fold(f64::MIN, f64::max);
            out.push(format!(
                "{}: {} {}, lowest {}, highest {}, last {}.",
                line.label,
                ys.len(),
                if ys.len() == 1 { "value" } else { "values" },
                trim_number(lo),
                trim_number(hi),
                trim_number(*last)
            ));
        }
        if !self.x_labels.0.is_empty() {
            out.push(format!("From {} to {}.", self.x_labels.0, self.x_labels.1));
        }
        out.join(" ")
    }

    /// Each line's dash pattern: the drawn lines (not dots alone) in turn.
    fn dashes(&self) -> Vec<usize> {
        let mut next = 0;
        self.lines
            .iter()
            .map(|l| {
                let n = next;
                if l.mark != Mark::Dots {
                    next += 1;
                }
                n
            })
            .collect()
    }

    /// Legend rows: (x, row) of each line's key, wrapped to the width.
    fn legend(&self) -> Vec<(f64, usize)> {
        let mut out = Vec::new();
        let (mut x, mut row) = (PAD_L, 0);
        for line in &self.lines {
            let w = 26.0 + text_width(line.label) + 14.0;
            if x > PAD_L && x + w > W {
                x = PAD_L;
                row += 1;
            }
            out.push((x, row));
            x += w;
        }
        out
    }

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
        let plot_h = if self.plot_height > 0.0 {
            self.plot_height
        } else {
            150.0
        };
        // A single line needs no legend: the title names it.
        let legend = if self.lines.len() > 1 {
            self.legend()
        } else {
            Vec::new()
        };
        let legend_rows = legend.iter().map(|(_, r)| r + 1).max().unwrap_or(0);
        let h = PAD_T + plot_h + PAD_X + legend_rows as f64 * LEGEND_ROW;
        let single = x_max <= x_min;
        let px = |x: f64| {
            if single {
                PAD_L + (W - PAD_L - PAD_R) / 2.0
            } else {
                PAD_L + (x - x_min) / x_span * (W - PAD_L - PAD_R)
            }
        };
        let py = |y: f64| PAD_T + (self.y_max - y.clamp(self.y_min, self.y_max)) / y_span * plot_h;
        let desc = if self.desc.is_empty() {
            self.default_desc()
        } else {
            self.desc.clone()
        };
        let mut s = String::new();
        let _ = write!(
            s,
            r#"<svg class="chart" viewBox="0 0 {W} {h:.0}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title><desc>{d}</desc>"#,
            t = escape(self.title),
            d = escape(&desc)
        );
        let mut zone_labels = String::new();
        for (lo, hi, colour, label) in &self.zones {
            let (top, bottom) = (py(hi.max(*lo)), py(hi.min(*lo)));
            let _ = write!(
                s,
                r#"<rect x="{PAD_L}" y="{top:.1}" width="{:.1}" height="{:.1}" fill="{colour}" fill-opacity="0.18"/>"#,
                W - PAD_L - PAD_R,
                (bottom - top).max(1.0),
            );
            // A label only where it fits inside its zone, drawn over the lines.
            if bottom - top >= FONT {
                let _ = write!(
                    zone_labels,
                    r#"<text class="zone-label" x="{:.1}" y="{:.1}" font-size="{FONT}" text-anchor="end" fill="currentColor">{}</text>"#,
                    W - PAD_R - 4.0,
                    (top + bottom) / 2.0 + FONT * 0.35,
                    escape(label)
                );
            }
        }
        if let Some((lo, hi)) = self.band {
            let (top, bottom) = (py(hi.max(lo)), py(hi.min(lo)));
            let _ = write!(
                s,
                r##"<rect x="{PAD_L}" y="{top:.1}" width="{:.1}" height="{:.1}" fill="#8fb38f" fill-opacity="0.3" stroke="#5d8a5d" stroke-dasharray="4 3"/>"##,
                W - PAD_L - PAD_R,
                (bottom - top).max(1.0)
            );
        }
        for y in nice_ticks(self.y_min, self.y_max, (plot_h / 36.0) as usize)
            .into_iter()
            .filter(|y| *y >= self.y_min - 1e-9 && *y <= self.y_max + 1e-9)
        {
            let _ = write!(
                s,
                r##"<line x1="{PAD_L}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#999" stroke-opacity="0.4"/><text x="{:.1}" y="{:.1}" font-size="{FONT}" text-anchor="end" fill="currentColor">{}</text>"##,
                W - PAD_R,
                py(y),
                py(y),
                PAD_L - 5.0,
                py(y) + 4.0,
                trim_number(y)
            );
        }
        let dashes = self.dashes();
        for (n, line) in self.lines.iter().enumerate() {
            if line.points.is_empty() {
                continue;
            }
            if line.mark != Mark::Dots && line.points.len() > 1 {
                let path: Vec<String> = line
                    .points
                    .iter()
                    .map(|(x, y)| format!("{:.1},{:.1}", px(*x), py(*y)))
                    .collect();
                let _ = write!(
                    s,
                    r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"{}/>"#,
                    path.join(" "),
                    line.colour,
                    dash(dashes[n])
                );
            }
            if line.mark != Mark::Line || line.points.len() == 1 {
                for (x, y) in &line.points {
                    s.push_str(&marker(
                        n,
                        px(*x),
                        py(*y),
                        line.colour,
                        &format!("{}: {}", line.label, trim_number(*y)),
                    ));
                }
            }
        }
        s.push_str(&zone_labels);
        let base = PAD_T + plot_h + 16.0;
        if single {
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{base:.1}" font-size="{FONT}" text-anchor="middle" fill="currentColor">{}</text>"#,
                px(x_min),
                escape(&self.x_labels.1)
            );
        } else {
            let _ = write!(
                s,
                r#"<text x="{PAD_L}" y="{base:.1}" font-size="{FONT}" fill="currentColor">{}</text><text x="{:.1}" y="{base:.1}" font-size="{FONT}" text-anchor="end" fill="currentColor">{}</text>"#,
                escape(&self.x_labels.0),
                W - PAD_R,
                escape(&self.x_labels.1)
            );
        }
        for ((x, row), (n, line)) in legend.iter().zip(self.lines.iter().enumerate()) {
            let y = PAD_T + plot_h + PAD_X + *row as f64 * LEGEND_ROW + 10.0;
            if line.mark != Mark::Dots {
                let _ = write!(
                    s,
                    r#"<line x1="{x:.1}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}" stroke="{}" stroke-width="2.5"{}/>"#,
                    x + 20.0,
                    line.colour,
                    dash(dashes[n])
                );
            }
            if line.mark != Mark::Line {
                s.push_str(&marker(n, x + 10.0, y, line.colour, line.label));
            }
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{:.1}" font-size="{FONT}" fill="currentColor">{}</text>"#,
                x + 26.0,
                y + 4.0,
                escape(line.label)
            );
        }
        s.push_str("</svg>");
        s
    }
}

/// Mood over a period: each day's mean `(day, mean, smoothed)` as dots and
/// the smoothed line, described with `sentence` (how mood moved) and the
/// range of the days. Empty without a day.
pub fn mood(days: &[(jiff::civil::Date, f64, f64)], sentence: &str) -> String {
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return String::new();
    };
    let (lo, hi) = days
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), d| (a.min(d.1), b.max(d.1)));
    let desc = format!(
        "{} with a mood from {} to {}, each day between {} and {}. {sentence}",
        plural(days.len(), "day"),
        day_label(first.0),
        day_label(last.0),
        trim_number(lo),
        trim_number(hi)
    );
    Chart {
        title: "Mood each day (dots) and the smoothed line, 1 to 10",
        desc,
        y_min: 1.0,
        y_max: 10.0,
        lines: vec![
            Line {
                label: "each day",
                colour: "#6b7d8a",
                points: days.iter().map(|d| (day_x(d.0), d.1)).collect(),
                mark: Mark::Dots,
            },
            Line {
                label: "smoothed line",
                colour: "#1f4e6e",
                points: days.iter().map(|d| (day_x(d.0), d.2)).collect(),
                mark: Mark::Line,
            },
        ],
        x_labels: (day_label(first.0), day_label(last.0)),
        ..Chart::default()
    }
    .svg()
}

/// The smoothed mood line of a trend as a sparkline, for home: pair it with
/// `trend.movement.sentence` so the picture and the words agree.
pub fn mood_sparkline(t: &between_domain::trend::Trend) -> String {
    let points: Vec<(f64, f64)> = t.days.iter().map(|d| (day_x(d.date), d.trend)).collect();
    sparkline("Mood, smoothed line", &points)
}

/// A small sparkline (120×32) of `points` (x, y), for lists and home: no
/// axes, the last point marked, and an `aria-label` that says `what` with
/// the first, last, lowest and highest values. Empty without points.
pub fn sparkline(what: &str, points: &[(f64, f64)]) -> String {
    const SW: f64 = 120.0;
    const SH: f64 = 32.0;
    let Some(&(_, last)) = points.last() else {
        return String::new();
    };
    let first = points[0].1;
    let lo = points.iter().map(|p| p.1).fold(f64::MAX, f64::min);
    let hi = points.iter().map(|p| p.1).fold(f64::MIN, f64::max);
    let (x0, x1) = (points[0].0, points[points.len() - 1].0);
    let x_span = if x1 > x0 { x1 - x0 } else { 1.0 };
    let y_span = if hi > lo { hi - lo } else { 1.0 };
    let px = |x: f64| {
        if x1 > x0 {
            3.0 + (x - x0) / x_span * (SW - 6.0)
        } else {
            SW / 2.0
        }
    };
    let py = |y: f64| {
        if hi > lo {
            3.0 + (hi - y) / y_span * (SH - 6.0)
        } else {
            SH / 2.0
        }
    };
    let label = format!(
        "{what}: {} {}, from {} to {}, lowest {}, highest {}",
        points.len(),
        if points.len() == 1 { "value" } else { "values" },
        trim_number(first),
        trim_number(last),
        trim_number(lo),
        trim_number(hi)
    );
    let path: Vec<String> = points
        .iter()
        .map(|(x, y)| format!("{:.1},{:.1}", px(*x), py(*y)))
        .collect();
    let (lx, ly) = (px(x1), py(last));
    format!(
        r#"<svg class="sparkline" viewBox="0 0 {SW} {SH}" width="{SW}" height="{SH}" role="img" aria-label="{l}" xmlns="http://www.w3.org/2000/svg"><title>{l}</title><polyline points="{}" fill="none" stroke="currentColor" stroke-width="1.8"/><circle cx="{lx:.1}" cy="{ly:.1}" r="2.8" fill="currentColor"/></svg>"#,
        path.join(" "),
        l = escape(&label)
    )
}

/// A yes/no tracker as a calendar strip: one row per week (Monday first),
/// a square per day — filled with a tick for yes, outlined with a dash for
/// no, dotted and empty when nothing was recorded — and "N of 7 days" at
/// the end of each row. `weeks` are (Monday, the seven days' answers, the
/// days of that week that are not in the future).
pub fn yes_no_strip(
    title: &str,
    weeks: &[(jiff::civil::Date, [Option<bool>; 7], usize)],
) -> String {
    const CELL: f64 = 28.0;
    const GAP: f64 = 4.0;
    const LEFT: f64 = 52.0;
    let h = 22.0 + weeks.len() as f64 * (CELL + GAP);
    let mut rows = String::new();
    let mut said = Vec::new();
    for (row, (monday, days, known)) in weeks.iter().enumerate() {
        let y = 22.0 + row as f64 * (CELL + GAP);
        let label = monday.strftime("%-d %b").to_string();
        let yes = days
            .iter()
            .take(*known)
            .filter(|d| **d == Some(true))
            .count();
        let _ = write!(
            rows,
            r#"<text x="0" y="{:.1}" font-size="{FONT}" fill="currentColor">{label}</text>"#,
            y + CELL / 2.0 + 4.0
        );
        for (col, answer) in days.iter().enumerate().take(*known) {
            let x = LEFT + col as f64 * (CELL + GAP);
            let day = monday
                .checked_add(jiff::Span::new().days(col as i64))
                .map(|d| d.strftime("%a %-d %b").to_string())
                .unwrap_or_default();
            let (cell, word) = match answer {
                Some(true) => (
                    format!(
                        r##"<rect x="{x:.1}" y="{y:.1}" width="{CELL}" height="{CELL}" rx="4" fill="#35566f"/><path d="M{:.1} {:.1}l5 5l9 -11" fill="none" stroke="#fff" stroke-width="3"/>"##,
                        x + 7.0,
                        y + 14.0
                    ),
                    "yes",
                ),
                Some(false) => (
                    format!(
                        r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="4" fill="none" stroke="currentColor" stroke-width="1.5"/><path d="M{:.1} {:.1}h10" stroke="currentColor" stroke-width="2"/>"##,
                        x + 0.75,
                        y + 0.75,
                        CELL - 1.5,
                        CELL - 1.5,
                        x + 9.0,
                        y + CELL / 2.0
                    ),
                    "no",
                ),
                None => (
                    format!(
                        r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="4" fill="none" stroke="currentColor" stroke-opacity="0.5" stroke-dasharray="2 3"/>"##,
                        x + 0.75,
                        y + 0.75,
                        CELL - 1.5,
                        CELL - 1.5
                    ),
                    "not recorded",
                ),
            };
            let _ = write!(rows, "<g><title>{day}: {word}</title>{cell}</g>");
        }
        let count = format!(
            "{yes} of {known} {}",
            if *known == 1 { "day" } else { "days" }
        );
        let _ = write!(
            rows,
            r#"<text x="{W}" y="{:.1}" font-size="{FONT}" text-anchor="end" fill="currentColor">{count}</text>"#,
            y + CELL / 2.0 + 4.0
        );
        said.push(format!("week of {label}: yes on {count}"));
    }
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {W} {h:.0}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title><desc>{}</desc>"#,
        escape(&said.join("; ")),
        t = escape(title),
    );
    for (col, d) in ["M", "T", "W", "T", "F", "S", "S"].iter().enumerate() {
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="14" font-size="{FONT}" text-anchor="middle" fill="currentColor">{d}</text>"#,
            LEFT + col as f64 * (CELL + GAP) + CELL / 2.0
        );
    }
    s.push_str(&rows);
    s.push_str("</svg>");
    s
}

/// A calendar heatmap: one column per week (Monday on top), one cell per
/// day, told apart by fill and by mark (a tick for done, a cross for
/// missed, a ring for due today); each cell has a tooltip for screen readers.
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
    let count = |want: DayState| days.iter().filter(|(_, s)| *s == want).count();
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="heatmap" viewBox="0 0 {width} {height}" role="img" aria-label="Calendar of the last weeks: done, missed and free days" xmlns="http://www.w3.org/2000/svg"><title>Calendar of the last weeks: done, missed and free days</title><desc>From {} to {}: done on {}, missed on {}.</desc>"#,
        first.strftime("%-d %b %Y"),
        days.last()
            .map(|(d, _)| d.strftime("%-d %b %Y").to_string())
            .unwrap_or_default(),
        plural(count(DayState::Done), "day"),
        plural(count(DayState::Missed), "day"),
    );
    for (row, label) in ["M", "", "W", "", "F", "", "S"].iter().enumerate() {
        let _ = write!(
            s,
            r#"<text x="0" y="{:.1}" font-size="{FONT}" fill="currentColor">{label}</text>"#,
            row as f64 * (CELL + GAP) + 12.5
        );
    }
    for (date, state) in days {
        let offset = monday.until(*date).map(|s| s.get_days()).unwrap_or(0);
        let (col, row) = (
            offset / 7,
            i64::from(date.weekday().to_monday_zero_offset()),
        );
        let (x, y) = (24.0 + col as f64 * (CELL + GAP), row as f64 * (CELL + GAP));
        let (fill, opacity, word, mark) = match state {
            DayState::Done => (
                "#2e8b57",
                "1",
                "done",
                format!(
                    r##"<path d="M{:.1} {:.1}l3 3l6 -7" fill="none" stroke="#fff" stroke-width="2"/>"##,
                    x + 3.5,
                    y + 8.5
                ),
            ),
            DayState::Missed => (
                "#c0392b",
                "0.55",
                "missed",
                format!(
                    r#"<path d="M{:.1} {:.1}l7 7m0 -7l-7 7" stroke="currentColor" stroke-width="1.5"/>"#,
                    x + 4.5,
                    y + 4.5
                ),
            ),
            DayState::Pending => (
                "#e9a23b",
                "0.9",
                "due today",
                format!(
                    r#"<circle cx="{:.1}" cy="{:.1}" r="4" fill="none" stroke="currentColor" stroke-width="1.5"/>"#,
                    x + CELL / 2.0,
                    y + CELL / 2.0
                ),
            ),
            DayState::Free => ("#8a9aa6", "0.25", "not scheduled", String::new()),
            DayState::Outside => ("#8a9aa6", "0.08", "outside the practice", String::new()),
        };
        let _ = write!(
            s,
            r#"<g><title>{}: {word}</title><rect x="{x:.1}" y="{y:.1}" width="{CELL}" height="{CELL}" rx="3" fill="{fill}" fill-opacity="{opacity}"/>{mark}</g>"#,
            date.strftime("%a %-d %b %Y"),
        );
    }
    s.push_str("</svg>");
    s
}

/// "1 day", "3 days".
pub fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(points: Vec<(f64, f64)>) -> Chart<'static> {
        Chart {
            title: "Scores <over> time",
            y_min: 0.0,
            y_max: 10.0,
            lines: vec![Line {
                label: "heard & respected",
                colour: "#123456",
                points,
                ..Line::default()
            }],
            x_labels: ("1 Jan 2026".into(), "15 Jan 2026".into()),
            band: Some((7.0, 9.0)),
            ..Chart::default()
        }
    }

    #[test]
    fn a_chart_has_a_point_per_value_a_title_a_description_and_escapes_labels() {
        let svg = chart(vec![(0.0, 8.0), (7.0, 6.0), (14.0, 9.0)]).svg();
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains("<title>Scores &lt;over&gt; time</title>"));
        assert!(
            svg.contains("<desc>heard &amp; respected: 3 values, lowest 6, highest 9, last 9. From 1 Jan 2026 to 15 Jan 2026.</desc>"),
            "{svg}"
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(!svg.contains("style="), "no inline styles under the CSP");
    }

    #[test]
    fn chart_text_is_at_least_12_units_in_a_drawing_360_wide() {
        let svg = chart(vec![(0.0, 8.0), (7.0, 6.0)]).svg();
        assert!(svg.contains(r#"viewBox="0 0 360 "#));
        for size in svg.split("font-size=\"").skip(1) {
            let n: f64 = size.split('"').next().unwrap_or("0").parse().unwrap_or(0.0);
            assert!(n >= 12.0, "font-size {n} in {svg}");
        }
    }

    #[test]
    fn lines_differ_by_marker_and_dash_not_colour_alone_and_the_legend_wraps() {
        let line = |label, n: f64| Line {
            label,
            colour: "#333",
            points: vec![(0.0, n), (1.0, n + 1.0)],
            ..Line::default()
        };
        let svg = Chart {
            title: "t",
            y_max: 10.0,
            lines: vec![
                line("I felt heard and respected", 1.0),
                line("We worked on what I wanted", 2.0),
                line("The approach fits me", 3.0),
                line("Overall right for me", 4.0),
            ],
            ..Chart::default()
        }
        .svg();
        assert!(svg.contains("<circle") && svg.contains("<rect x=") && svg.contains("<path"));
        assert!(
            svg.contains("stroke-dasharray=\"6 3\"") && svg.contains("stroke-dasharray=\"2 3\"")
        );
        assert!(
            svg.contains(">Overall right for me</text>"),
            "every legend item is drawn"
        );
        let height: f64 = svg
            .split("viewBox=\"0 0 360 ")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|h| h.parse().ok())
            .unwrap_or(0.0);
        assert!(
            height > 10.0 + 150.0 + 22.0 + 20.0,
            "the legend takes rows: {height}"
        );
    }

    #[test]
    fn a_single_point_does_not_divide_by_zero() {
        let c = Chart {
            title: "t",
            y_min: -2.0,
            y_max: 2.0,
            lines: vec![Line {
                label: "x",
                colour: "red",
                points: vec![(3.0, 1.0)],
                ..Line::default()
            }],
            ..Chart::default()
        };
        assert!(!c.svg().contains("NaN"));
        assert!(!sparkline("x", &[(3.0, 1.0)]).contains("NaN"));
    }

    #[test]
    fn ticks_are_round_numbers_covering_the_range() {
        assert_eq!(
            nice_ticks(0.0, 10.0, 4),
            vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
        );
        assert_eq!(
            nice_ticks(4.5, 9.5, 4),
            vec![4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]
        );
        assert_eq!(
            nice_ticks(0.0, 27.0, 4),
            vec![0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0]
        );
        assert_eq!(
            nice_ticks(0.0, 100.0, 4),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(nice_ticks(5.0, 5.0, 2), vec![4.0, 5.0, 6.0]);
    }

    #[test]
    fn a_sparkline_is_small_and_says_its_numbers() {
        let svg = sparkline("Mood", &[(0.0, 5.0), (1.0, 6.5), (2.0, 6.8)]);
        assert!(svg.contains(r#"viewBox="0 0 120 32""#));
        assert!(
            svg.contains(r#"aria-label="Mood: 3 values, from 5 to 6.8, lowest 5, highest 6.8""#),
            "{svg}"
        );
        assert_eq!(sparkline("Mood", &[]), "");
        let t = between_domain::trend::trend(&[(jiff::civil::date(2026, 12, 1), 6)]);
        assert!(mood_sparkline(&t).starts_with("<svg class=\"sparkline\""));
    }

    #[test]
    fn a_yes_no_strip_marks_yes_no_and_unrecorded_days_and_counts_each_week() {
        let monday = jiff::civil::date(2026, 11, 30);
        let svg = yes_no_strip(
            "Exercise",
            &[(
                monday,
                [
                    Some(true),
                    Some(false),
                    None,
                    Some(true),
                    Some(true),
                    None,
                    None,
                ],
                5,
            )],
        );
        assert!(svg.contains("<title>Mon 30 Nov: yes</title>"));
        assert!(svg.contains("<title>Tue 1 Dec: no</title>"));
        assert!(svg.contains("<title>Wed 2 Dec: not recorded</title>"));
        assert!(
            !svg.contains("Sat 5 Dec"),
            "no square for days still to come"
        );
        assert!(svg.contains(">3 of 5 days</text>"));
        assert!(svg.contains("<desc>week of 30 Nov: yes on 3 of 5 days</desc>"));
    }
}
