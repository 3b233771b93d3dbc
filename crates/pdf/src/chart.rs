//! Line charts as vector marks.
//!
//! Drawn with lines and dots rather than embedded as an image so they stay
//! sharp when printed, stay small, and need no image encoder.

use crate::fonts::{Fonts, Style};
use crate::layout::{baseline_below, wrap, Color, Mark, LARGEST, LINE_HEIGHT, MUTED};
use crate::Chart;

/// Height of the plot box at the largest body size; it shrinks with the type
/// when a document is fitted to one page.
const PLOT_HEIGHT: f32 = 140.0;
const FRAME: Color = Color::gray(0.7);
const GRID: Color = Color::gray(0.88);
const DOTS: Color = Color::gray(0.55);
/// A calm blue that stays distinct from the grey dots when printed in colour
/// and dark enough when printed in black and white.
const LINE: Color = Color(0.17, 0.42, 0.62);

/// The chart's parts, measured once so that [`height`] and [`draw`] agree.
struct Frame {
    title: Vec<String>,
    title_height: f32,
    plot_height: f32,
    label_size: f32,
    labels_height: f32,
}

fn frame(chart: &Chart, fonts: &Fonts, size: f32, width: f32) -> Frame {
    let title = if chart.title.trim().is_empty() {
        Vec::new()
    } else {
        wrap(&chart.title, fonts.get(Style::Bold), size, width)
    };
    let label_size = 0.8 * size;
    Frame {
        // A little air between the title and the box.
        title_height: title.len() as f32 * LINE_HEIGHT * size
            + if title.is_empty() { 0.0 } else { 0.3 * size },
        title,
        plot_height: PLOT_HEIGHT * size / LARGEST,
        label_size,
        labels_height: if chart.x_labels.is_empty() {
            0.0
        } else {
            0.25 * size + LINE_HEIGHT * label_size
        },
    }
}

/// Vertical space the chart takes at body size `size`.
pub(crate) fn height(chart: &Chart, fonts: &Fonts, size: f32, width: f32) -> f32 {
    let frame = frame(chart, fonts, size, width);
    frame.title_height + frame.plot_height + frame.labels_height
}

/// Draws the chart with its top left corner at `origin`, `width` points wide.
pub(crate) fn draw(
    chart: &Chart,
    fonts: &Fonts,
    size: f32,
    origin: (f32, f32),
    width: f32,
) -> Vec<Mark> {
    let (left, top) = origin;
    let frame = frame(chart, fonts, size, width);
    let font = fonts.get(Style::Regular);
    let scale = size / LARGEST;
    let label_size = frame.label_size;
    let mut marks = Vec::new();

    let mut y = top;
    for line in &frame.title {
        marks.push(Mark::Text {
            style: Style::Bold,
            size,
            x: left,
            y: baseline_below(y, fonts.get(Style::Bold), size),
            color: crate::layout::INK,
            text: line.clone(),
        });
        y -= LINE_HEIGHT * size;
    }
    if !frame.title.is_empty() {
        y -= 0.3 * size;
    }

    let (y_min, y_max) = value_range(chart);
    let y_labels: Vec<(f64, &str)> = chart
        .y_labels
        .iter()
        .filter(|(value, _)| value.is_finite() && (y_min..=y_max).contains(value))
        .map(|(value, label)| (*value, label.trim()))
        .collect();
    let label_column = y_labels
        .iter()
        .map(|(_, label)| font.width(label, label_size))
        .fold(0.0, f32::max);
    let box_left = if label_column > 0.0 {
        left + label_column + 0.5 * label_size
    } else {
        left
    };
    let box_right = left + width;
    let box_top = y;
    let box_bottom = y - frame.plot_height;
    // Keep dots at the extremes inside the frame.
    let pad = 5.0 * scale;
    let plot = Plot {
        left: box_left + pad,
        right: box_right - pad,
        bottom: box_bottom + pad,
        top: box_top - pad,
        y_min,
        y_max,
    };

    for (value, label) in &y_labels {
        let grid_y = plot.y(*value);
        marks.push(Mark::Polyline {
            points: vec![(box_left, grid_y), (box_right, grid_y)],
            width: 0.4,
            color: GRID,
        });
        marks.push(Mark::Text {
            style: Style::Regular,
            size: label_size,
            x: box_left - 0.4 * label_size - font.width(label, label_size),
            y: grid_y - 0.35 * label_size,
            color: MUTED,
            text: (*label).to_owned(),
        });
    }

    marks.push(Mark::Polyline {
        points: vec![
            (box_left, box_bottom),
            (box_right, box_bottom),
            (box_right, box_top),
            (box_left, box_top),
            (box_left, box_bottom),
        ],
        width: 0.6,
        color: FRAME,
    });

    let mut x_labels: Vec<(f64, &str)> = chart
        .x_labels
        .iter()
        .filter(|(x, label)| x.is_finite() && !label.trim().is_empty())
        .map(|(x, label)| (*x, label.trim()))
        .collect();
    x_labels.sort_by(|a, b| a.0.total_cmp(&b.0));
    let label_baseline = baseline_below(box_bottom - 0.25 * size, font, label_size);
    let mut free_from = f32::NEG_INFINITY;
    for (x, label) in x_labels {
        let tick_x = plot.x(x);
        let label_width = font.width(label, label_size);
        let label_x = (tick_x - label_width / 2.0).clamp(left, (box_right - label_width).max(left));
        // Crowded labels would print over each other; skip those that collide.
        if label_x < free_from {
            continue;
        }
        free_from = label_x + label_width + 0.5 * label_size;
        marks.push(Mark::Polyline {
            points: vec![(tick_x, box_bottom), (tick_x, box_bottom - 3.0 * scale)],
            width: 0.6,
            color: FRAME,
        });
        marks.push(Mark::Text {
            style: Style::Regular,
            size: label_size,
            x: label_x,
            y: label_baseline,
            color: MUTED,
            text: label.to_owned(),
        });
    }

    for &(x, y) in &chart.points {
        if x.is_finite() && y.is_finite() {
            marks.push(Mark::Dot {
                x: plot.x(x),
                y: plot.y(y),
                radius: 1.6 * scale,
                color: DOTS,
            });
        }
    }

    let line: Vec<(f32, f32)> = chart
        .line
        .iter()
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .map(|&(x, y)| (plot.x(x), plot.y(y)))
        .collect();
    if line.len() >= 2 {
        marks.push(Mark::Polyline {
            points: line,
            width: 1.6 * scale,
            color: LINE,
        });
    }

    marks
}

/// The value axis range, repaired if the caller's is empty or inverted so a
/// chart is always drawable.
fn value_range(chart: &Chart) -> (f64, f64) {
    let (low, high) = (chart.y_min, chart.y_max);
    if !low.is_finite() || !high.is_finite() {
        (0.0, 1.0)
    } else if low < high {
        (low, high)
    } else if low > high {
        (high, low)
    } else {
        (low - 1.0, high + 1.0)
    }
}

/// Maps data coordinates into the plot area, clamping to its edges.
struct Plot {
    left: f32,
    right: f32,
    bottom: f32,
    top: f32,
    y_min: f64,
    y_max: f64,
}

impl Plot {
    fn x(&self, x: f64) -> f32 {
        let t = x.clamp(0.0, 1.0) as f32;
        self.left + t * (self.right - self.left)
    }

    fn y(&self, y: f64) -> f32 {
        let t = ((y.clamp(self.y_min, self.y_max) - self.y_min) / (self.y_max - self.y_min)) as f32;
        self.bottom + t * (self.top - self.bottom)
    }
}
