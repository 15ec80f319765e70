//! Charts as SVG, drawn by Rust on the server (and again in the browser when the data
//! changes): line charts for equity curves, an area for drawdowns, a heatmap for a
//! two-parameter grid. No charting script: the page is readable before any JavaScript
//! runs. Colours come from the design system's tokens, so both themes read; every chart
//! has a title and a text alternative that says what it shows.

use app_model::heatmap::MetricHeatmap;
use leptos::prelude::*;

/// At most this many points are drawn per series; more only blur into the same pixels.
pub const MAX_POINTS: usize = 2_000;

const WIDTH: f64 = 800.0;
const HEIGHT: f64 = 280.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 32.0;

/// One line of a chart: `(x, y)` points in x order.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub label: String,
    pub points: Vec<(f64, f64)>,
    /// Drawn dashed and muted: a reference such as buy-and-hold.
    pub reference: bool,
}

/// Keeps at most `max` points: the first and last, and in each bucket between them its
/// lowest and highest point in their own order, so peaks and troughs survive.
pub fn downsample(points: &[(f64, f64)], max: usize) -> Vec<(f64, f64)> {
    if points.len() <= max || max < 4 {
        return points.to_vec();
    }
    let (first, last) = (points[0], points[points.len() - 1]);
    let inner = &points[1..points.len() - 1];
    let buckets = (max - 2) / 2;
    let size = inner.len().div_ceil(buckets);
    let mut kept = Vec::with_capacity(max);
    kept.push(first);
    for bucket in inner.chunks(size) {
        let low = bucket
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.1.total_cmp(&b.1.1))
            .map(|(index, _)| index)
            .unwrap_or(0);
        let high = bucket
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.1.total_cmp(&b.1.1))
            .map(|(index, _)| index)
            .unwrap_or(0);
        let (a, b) = if low <= high {
            (low, high)
        } else {
            (high, low)
        };
        kept.push(bucket[a]);
        if a != b {
            kept.push(bucket[b]);
        }
    }
    kept.push(last);
    kept
}

/// Equity over its running peak, minus one: 0 at a new high, negative below it.
pub fn underwater(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut peak = f64::MIN;
    points
        .iter()
        .map(|&(x, y)| {
            peak = peak.max(y);
            let depth = if peak > 0.0 { y / peak - 1.0 } else { 0.0 };
            (x, depth)
        })
        .collect()
}

/// Round numbers between `low` and `high` for grid lines (four to six of them).
#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
fn ticks(low: f64, high: f64) -> Vec<f64> {
    let span = high - low;
    if !(span.is_finite() && span > 0.0) {
        return vec![low];
    }
    let raw = span / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|factor| factor * magnitude)
        .find(|step| *step >= raw)
        .unwrap_or(raw);
    let first = (low / step).ceil() as i64;
    (first..)
        .map(|index| index as f64 * step)
        .take_while(|tick| *tick <= high + step * 1e-9)
        .take(12)
        // `-0` reads oddly on an axis.
        .map(|tick| if tick == 0.0 { 0.0 } else { tick })
        .collect()
}

struct Frame {
    x: (f64, f64),
    y: (f64, f64),
}

impl Frame {
    fn of(series: &[Series], floor_zero: bool) -> Self {
        let all = series.iter().flat_map(|line| line.points.iter());
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for &(x, y) in all {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
        if floor_zero {
            y1 = y1.max(0.0);
        }
        if x0 > x1 {
            (x0, x1, y0, y1) = (0.0, 1.0, 0.0, 1.0);
        }
        if (y1 - y0).abs() < f64::EPSILON {
            (y0, y1) = (y0 - 0.5, y1 + 0.5);
        }
        let pad = (y1 - y0) * 0.05;
        Self {
            x: (x0, x1.max(x0 + 1.0)),
            y: (y0 - pad, y1 + pad),
        }
    }

    fn px(&self, x: f64) -> f64 {
        LEFT + (x - self.x.0) / (self.x.1 - self.x.0) * (WIDTH - LEFT - RIGHT)
    }

    fn py(&self, y: f64) -> f64 {
        TOP + (1.0 - (y - self.y.0) / (self.y.1 - self.y.0)) * (HEIGHT - TOP - BOTTOM)
    }

    fn path(&self, points: &[(f64, f64)]) -> String {
        let mut path = String::with_capacity(points.len() * 16);
        for (index, &(x, y)) in points.iter().enumerate() {
            let command = if index == 0 { 'M' } else { 'L' };
            path.push_str(&format!("{command}{:.1},{:.1}", self.px(x), self.py(y)));
        }
        path
    }
}

/// What a chart shows, for screen readers: each series' start, end, low and high.
fn summary(series: &[Series], format_y: fn(f64) -> String) -> String {
    series
        .iter()
        .filter(|line| !line.points.is_empty())
        .map(|line| {
            let first = line.points[0].1;
            let last = line.points[line.points.len() - 1].1;
            let low = line.points.iter().map(|p| p.1).fold(f64::MAX, f64::min);
            let high = line.points.iter().map(|p| p.1).fold(f64::MIN, f64::max);
            format!(
                "{}: from {} to {}, lowest {}, highest {}.",
                line.label,
                format_y(first),
                format_y(last),
                format_y(low),
                format_y(high)
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A line chart (or, with `area`, a filled area down to zero) of one or more series.
#[component]
pub fn LineChart(
    /// Shown above the chart and read out as its name.
    title: String,
    series: Vec<Series>,
    /// How y values read (`12.3 %`, `1.05`).
    format_y: fn(f64) -> String,
    /// How x values read (dates).
    format_x: fn(f64) -> String,
    /// An id prefix unique on the page, for the title and description.
    id: &'static str,
    #[prop(optional)] area: bool,
) -> impl IntoView {
    let series: Vec<Series> = series
        .into_iter()
        .map(|line| Series {
            points: downsample(&line.points, MAX_POINTS),
            ..line
        })
        .collect();
    let frame = Frame::of(&series, area);
    let description = summary(&series, format_y);
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let grid = ticks(frame.y.0, frame.y.1)
        .into_iter()
        .map(|value| {
            let y = frame.py(value);
            view! {
                <line class="chart-grid" x1=LEFT x2=WIDTH - RIGHT y1=y y2=y />
                <text class="chart-label" x=LEFT - 8.0 y=y + 4.0 text-anchor="end">{format_y(value)}</text>
            }
        })
        .collect_view();
    let x_labels = [frame.x.0, (frame.x.0 + frame.x.1) / 2.0, frame.x.1]
        .into_iter()
        .zip(["start", "middle", "end"])
        .map(|(value, anchor)| {
            let anchor = match anchor {
                "start" => "start",
                "end" => "end",
                _ => "middle",
            };
            view! {
                <text class="chart-label" x=frame.px(value) y=HEIGHT - 10.0 text-anchor=anchor>{format_x(value)}</text>
            }
        })
        .collect_view();
    let lines = series
        .iter()
        .enumerate()
        .map(|(index, line)| {
            let class = if line.reference {
                "chart-line-reference".to_owned()
            } else {
                format!("chart-line chart-line-{}", index % 4 + 1)
            };
            let path = frame.path(&line.points);
            let fill = (area && !line.points.is_empty()).then(|| {
                let zero = frame.py(0.0);
                let first = frame.px(line.points[0].0);
                let last = frame.px(line.points[line.points.len() - 1].0);
                view! { <path class="chart-area" d=format!("{path}L{last:.1},{zero:.1}L{first:.1},{zero:.1}Z") /> }
            });
            view! {
                {fill}
                <path class=class d=path />
            }
        })
        .collect_view();
    let legend = (series.len() > 1).then(|| {
        view! {
            <ul class="chart-legend" aria-hidden="true">
                {series
                    .iter()
                    .enumerate()
                    .map(|(index, line)| {
                        let swatch = if line.reference {
                            "chart-swatch chart-swatch-reference".to_owned()
                        } else {
                            format!("chart-swatch chart-swatch-{}", index % 4 + 1)
                        };
                        view! { <li><span class=swatch></span>{line.label.clone()}</li> }
                    })
                    .collect_view()}
            </ul>
        }
    });
    view! {
        <figure class="chart">
            <figcaption class="chart-title" id=title_id.clone()>{title.clone()}</figcaption>
            {legend}
            <svg
                class="chart-svg"
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                role="img"
                aria-labelledby=format!("{title_id} {desc_id}")
                preserveAspectRatio="none"
            >
                <title>{title}</title>
                <desc id=desc_id.clone()>{description}</desc>
                {grid}
                {x_labels}
                {lines}
            </svg>
        </figure>
    }
}

/// A heatmap of a metric over a two-parameter grid: greener is higher, redder lower
/// (relative to zero when values have both signs), grey where no result exists yet.
#[component]
pub fn Heatmap(
    title: String,
    data: MetricHeatmap,
    format_value: fn(f64) -> String,
) -> impl IntoView {
    let MetricHeatmap { x, y, cells, .. } = data;
    let (x_name, xs, y_name, ys) = (x.name, x.labels, y.name, y.labels);
    let columns = xs.len().max(1);
    let values: Vec<f64> = cells.iter().flatten().copied().collect();
    let low = values.iter().copied().fold(f64::MAX, f64::min);
    let high = values.iter().copied().fold(f64::MIN, f64::max);
    let scale = low.abs().max(high.abs()).max(f64::EPSILON);
    let both_signs = low < 0.0 && high > 0.0;
    let spread = (high - low).max(f64::EPSILON);
    let cell = move |value: Option<f64>| -> String {
        let Some(value) = value else {
            return "heat-empty".to_owned();
        };
        let (class, strength) = if both_signs || high <= 0.0 {
            let class = if value >= 0.0 { "heat-up" } else { "heat-down" };
            (class, value.abs() / scale)
        } else {
            ("heat-up", (value - low) / spread)
        };
        // Ten steps of strength as classes: the content security policy refuses inline
        // styles, and ten shades are as many as the eye tells apart here.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let level = (strength.clamp(0.0, 1.0) * 9.0).round() as u8 + 1;
        format!("{class}-{level}")
    };
    let show_values = columns <= 12;
    let rows = ys
        .iter()
        .enumerate()
        .map(|(row, y)| {
            let row_cells = xs
                .iter()
                .enumerate()
                .map(|(column, x)| {
                    let value = cells.get(row * columns + column).copied().flatten();
                    let class = cell(value);
                    let text = value.map_or_else(|| "no result".to_owned(), format_value);
                    let label = format!("{x_name} {x}, {y_name} {y}: {text}");
                    let title = label.clone();
                    view! {
                        <td class=format!("heat-cell {class}") title=title>
                            {if show_values {
                                view! { <span class="heat-value">{text}</span> }.into_any()
                            } else {
                                view! { <span class="sr-only">{label}</span> }.into_any()
                            }}
                        </td>
                    }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{y.clone()}</th>
                    {row_cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <figcaption class="chart-title">{title}</figcaption>
            <div class="table-wrap" role="region" aria-label="Heatmap" tabindex="0">
                <table class="heatmap">
                    <caption class="sr-only">{format!("Rows: {y_name}; columns: {x_name}")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{format!("{y_name} \\ {x_name}")}</th>
                            {xs.iter().map(|x| view! { <th scope="col">{x.clone()}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downsampling_keeps_the_ends_and_the_extremes() {
        #[allow(clippy::cast_precision_loss)]
        let mut points: Vec<(f64, f64)> = (0..10_000).map(|i| (i as f64, 1.0)).collect();
        points[4_321].1 = 9.0;
        points[7_654].1 = -3.0;
        let kept = downsample(&points, MAX_POINTS);
        assert!(kept.len() <= MAX_POINTS, "{}", kept.len());
        assert_eq!(kept.first(), points.first());
        assert_eq!(kept.last(), points.last());
        assert!(kept.contains(&(4_321.0, 9.0)));
        assert!(kept.contains(&(7_654.0, -3.0)));
        assert!(
            kept.windows(2).all(|pair| pair[0].0 < pair[1].0),
            "x stays in order"
        );
        let short = vec![(0.0, 1.0), (1.0, 2.0)];
        assert_eq!(downsample(&short, MAX_POINTS), short);
    }

    #[test]
    fn underwater_is_the_fall_below_the_running_peak() {
        let curve = [(0.0, 1.0), (1.0, 1.2), (2.0, 0.9), (3.0, 1.3)];
        let depth: Vec<f64> = underwater(&curve).into_iter().map(|p| p.1).collect();
        assert_eq!(depth[0], 0.0);
        assert_eq!(depth[1], 0.0);
        assert!((depth[2] - (0.9 / 1.2 - 1.0)).abs() < 1e-12);
        assert_eq!(depth[3], 0.0);
    }

    #[test]
    fn ticks_are_round_and_inside_the_range() {
        let unit = ticks(0.0, 1.0);
        assert_eq!(unit.len(), 6, "{unit:?}");
        assert!((unit[3] - 0.6).abs() < 1e-12, "{unit:?}");
        let wide = ticks(-0.37, 0.81);
        assert!(wide.iter().all(|t| (-0.37..=0.81).contains(t)), "{wide:?}");
        assert!(wide.len() >= 3, "{wide:?}");
    }
}
