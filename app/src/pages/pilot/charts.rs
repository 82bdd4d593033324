//! Charts drawn as SVG on the server, each with a title and a description for screen readers
//! and a table or list beside it that says the same in words.

use chrono::NaiveDate;
use leptos::prelude::*;

use crate::pilot::model::KpiView;
use crate::pilot::rules::format_figure;

const W: f64 = 340.0;
const H: f64 = 170.0;
const LEFT: f64 = 12.0;
const RIGHT: f64 = 96.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 26.0;

/// A KPI over time: the baseline and the target as dashed lines, the measurements joined.
#[component]
pub fn KpiChart(
    kpi: KpiView,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    #[prop(into)] describe: String,
) -> impl IntoView {
    let id = format!("kpi-{}", kpi.id);
    let last_day = kpi
        .measurements
        .last()
        .map(|m| m.measured_on)
        .unwrap_or(ends_on)
        .max(ends_on);
    let span = (last_day - starts_on).num_days().max(1) as f64;
    let values: Vec<f64> = kpi
        .measurements
        .iter()
        .map(|m| m.value)
        .chain([kpi.baseline, kpi.target])
        .collect();
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let pad = ((hi - lo).abs() * 0.12).max(1.0);
    let (lo, hi) = (lo - pad, hi + pad);
    let x =
        move |d: NaiveDate| LEFT + ((d - starts_on).num_days() as f64 / span) * (W - LEFT - RIGHT);
    let y = move |v: f64| TOP + (hi - v) / (hi - lo) * (H - TOP - BOTTOM);
    let points: Vec<(f64, f64)> = kpi
        .measurements
        .iter()
        .map(|m| (x(m.measured_on), y(m.value)))
        .collect();
    let path = points
        .iter()
        .map(|(px, py)| format!("{px:.1},{py:.1}"))
        .collect::<Vec<_>>()
        .join(" ");
    let right = W - RIGHT;
    let label_x = right + 6.0;
    let (yb, yt) = (y(kpi.baseline), y(kpi.target));
    // Keep the two labels apart when baseline and target are close.
    let (lb, lt) = if (yb - yt).abs() < 14.0 {
        if yb > yt {
            (yb + 7.0, yt - 7.0)
        } else {
            (yb - 7.0, yt + 7.0)
        }
    } else {
        (yb, yt)
    };
    let last = points.last().copied();
    let last_value = kpi.latest().map(|m| format_figure(m.value));
    view! {
        <svg class="chart kpi-chart" viewBox=format!("0 0 {W} {H}") role="img" aria-labelledby=format!("{id}-title {id}-desc")>
            <title id=format!("{id}-title")>{kpi.name.clone()}</title>
            <desc id=format!("{id}-desc")>{describe}</desc>
            <line class="axis" x1=LEFT y1=H - BOTTOM x2=right y2=H - BOTTOM/>
            <line class="baseline" x1=LEFT y1=yb x2=right y2=yb/>
            <line class="target" x1=LEFT y1=yt x2=right y2=yt/>
            <text class="label" x=label_x y=lb + 4.0>{format_figure(kpi.baseline)}</text>
            <text class="label label-target" x=label_x y=lt + 4.0>{format!("→ {}", format_figure(kpi.target))}</text>
            <polyline class="series" points=path/>
            {points.iter().map(|(px, py)| view! { <circle class="point" cx=*px cy=*py r="3.5"/> }).collect_view()}
            {last.zip(last_value).map(|((px, py), v)| view! { <text class="label label-now" x=px y=py - 9.0 text-anchor="middle">{v}</text> })}
            <text class="tick" x=LEFT y=H - 8.0>{starts_on.format("%m/%Y").to_string()}</text>
            <text class="tick" x=right y=H - 8.0 text-anchor="end">{last_day.format("%m/%Y").to_string()}</text>
        </svg>
    }
    .into_any()
}

/// Horizontal bars, one per row: a label and a share in percent (none is drawn empty).
#[component]
pub fn ShareBars(
    id: &'static str,
    title: String,
    describe: String,
    rows: Vec<(String, Option<u8>)>,
) -> impl IntoView {
    // Each row: its label on a line of its own, the bar below, so both stay legible on a phone.
    let row_h = 50.0;
    let height = row_h * rows.len().max(1) as f64 + 4.0;
    let bar_x = 0.0;
    let bar_w = W + 60.0 - 64.0;
    view! {
        <svg class="chart share-bars" viewBox=format!("0 0 {} {height}", W + 60.0) role="img" aria-labelledby=format!("{id}-title {id}-desc")>
            <title id=format!("{id}-title")>{title}</title>
            <desc id=format!("{id}-desc")>{describe}</desc>
            {rows.into_iter().enumerate().map(|(i, (label, share))| {
                let top = 4.0 + i as f64 * row_h;
                let w = f64::from(share.unwrap_or(0)) / 100.0 * bar_w;
                view! {
                    <g>
                        <text class="bar-label" x="0" y=top + 15.0>{label}</text>
                        <rect class="track" x=bar_x y=top + 24.0 width=bar_w height="16" rx="4"/>
                        <rect class="bar" x=bar_x y=top + 24.0 width=w height="16" rx="4"/>
                        <text class="bar-label" x=bar_x + bar_w + 8.0 y=top + 38.0>{share.map(|s| format!("{s}%")).unwrap_or_else(|| "–".into())}</text>
                    </g>
                }
            }).collect_view()}
        </svg>
    }
    .into_any()
}

/// Bars of counts that narrow from the first to the last: reports down to services rolled out.
#[component]
pub fn FunnelBars(
    id: &'static str,
    title: String,
    describe: String,
    rows: Vec<(String, u64)>,
) -> impl IntoView {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1) as f64;
    // Each row: its label on a line of its own, the bar below, so both stay legible on a phone.
    let row_h = 50.0;
    let height = row_h * rows.len().max(1) as f64 + 4.0;
    let bar_x = 0.0;
    let bar_w = W + 60.0 - 64.0;
    view! {
        <svg class="chart funnel" viewBox=format!("0 0 {} {height}", W + 60.0) role="img" aria-labelledby=format!("{id}-title {id}-desc")>
            <title id=format!("{id}-title")>{title}</title>
            <desc id=format!("{id}-desc")>{describe}</desc>
            {rows.into_iter().enumerate().map(|(i, (label, n))| {
                let top = 4.0 + i as f64 * row_h;
                let w = (n as f64 / max * bar_w).max(if n > 0 { 3.0 } else { 0.0 });
                view! {
                    <g>
                        <text class="bar-label" x="0" y=top + 15.0>{format!("{label}: {n}")}</text>
                        <rect class="bar" x=bar_x y=top + 24.0 width=w height="16" rx="4"/>
                    </g>
                }
            }).collect_view()}
        </svg>
    }
    .into_any()
}

/// A share per month as columns, oldest on the left, so a trend is seen at a glance: each column
/// its percent above it and its month below (the year under January and the first month).
#[component]
pub fn MonthColumns(
    id: &'static str,
    title: String,
    describe: String,
    /// Each month as (month, year) and its share.
    columns: Vec<((u32, i32), Option<u8>)>,
) -> impl IntoView {
    let width = W + 60.0;
    let (top, plot_h) = (22.0, 110.0);
    let n = columns.len().max(1) as f64;
    let step = width / n;
    let bar_w = (step * 0.62).min(28.0);
    let height = top + plot_h + 40.0;
    view! {
        <svg class="chart month-columns" viewBox=format!("0 0 {width} {height}") role="img" aria-labelledby=format!("{id}-title {id}-desc")>
            <title id=format!("{id}-title")>{title}</title>
            <desc id=format!("{id}-desc")>{describe}</desc>
            <line class="axis" x1="0" x2=width y1=top + plot_h y2=top + plot_h/>
            {columns.into_iter().enumerate().map(|(i, ((month, year), share))| {
                let x = i as f64 * step + (step - bar_w) / 2.0;
                let h = f64::from(share.unwrap_or(0)) / 100.0 * plot_h;
                let centre = x + bar_w / 2.0;
                view! {
                    <g>
                        <rect class="track" x=x y=top width=bar_w height=plot_h rx="3"/>
                        <rect class="bar" x=x y=top + plot_h - h width=bar_w height=h rx="3"/>
                        <text class="tick" text-anchor="middle" x=centre y=top - 6.0>{share.map(|s| s.to_string()).unwrap_or_else(|| "–".into())}</text>
                        <text class="tick" text-anchor="middle" x=centre y=top + plot_h + 16.0>{month.to_string()}</text>
                        {(month == 1 || i == 0).then(|| view! {
                            <text class="tick" text-anchor="middle" x=centre y=top + plot_h + 32.0>{year.to_string()}</text>
                        })}
                    </g>
                }
            }).collect_view()}
        </svg>
    }
    .into_any()
}
