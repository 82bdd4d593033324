//! The working-day calendar of a year: which days offices do not work (and why), which Saturdays
//! they work, and the decision behind them. Every deadline a citizen is given counts in it. An
//! administrator enters or changes the year's decision here.

use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::calendar::{SaveCalendarYear, calendar_year};
use crate::calendar::{Decision, YearView};
use crate::i18n::{Text, format_datetime, k, t, tf};
use crate::layout::{
    FieldInput, FieldTextarea, FormAlert, Loaded, SubmitButton, error_signal, field_error,
};

const WEEKDAYS: [Text; 7] = [
    k::CALENDAR_MON,
    k::CALENDAR_TUE,
    k::CALENDAR_WED,
    k::CALENDAR_THU,
    k::CALENDAR_FRI,
    k::CALENDAR_SAT,
    k::CALENDAR_SUN,
];

fn weekday(date: NaiveDate) -> &'static str {
    t(WEEKDAYS[date.weekday().num_days_from_monday() as usize])
}

fn day(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

#[component]
pub fn CalendarPage() -> impl IntoView {
    let query = use_query_map();
    let save = ServerAction::<SaveCalendarYear>::new();
    let year = Memo::new(move |_| query.read().get("year").and_then(|y| y.parse::<i32>().ok()));
    // Read again after a save that worked: one refused keeps the form as typed, to be mended.
    let saved = RwSignal::new(0u32);
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            saved.update(|n| *n += 1);
        }
    });
    let shown = Resource::new(
        move || (year.get(), saved.get()),
        |(year, _)| calendar_year(year),
    );
    let viewer = crate::layout::viewer_resource();
    view! {
        <Loaded resource=shown let:shown>
            {
                let (view, entered_years) = shown;
                let y = view.year;
                view! {
                    <Title text=tf(k::CALENDAR_TITLE, &[("year", &y.to_string())])/>
                    <h1>{tf(k::CALENDAR_TITLE, &[("year", &y.to_string())])}</h1>
                    <p class="lead">{t(k::CALENDAR_INTRO)}</p>
                    <nav class="pager" aria-label=t(k::CALENDAR_YEARS)>
                        <a href=format!("/calendar?year={}", y - 1)>{format!("← {}", y - 1)}</a>
                        {entered_years.iter().filter(|e| **e != y).map(|e| view! {
                            <a href=format!("/calendar?year={e}")>{e.to_string()}</a>
                        }).collect_view()}
                        <a href=format!("/calendar?year={}", y + 1)>{format!("{} →", y + 1)}</a>
                    </nav>
                    <YearDecision view=view.clone()/>
                    <YearDays view=view.clone()/>
                    <Suspense fallback=|| ()>
                        {move || {
                            let view = view.clone();
                            Suspend::new(async move {
                                let admin = viewer.await.ok().flatten().is_some_and(|v| v.is_admin);
                                admin.then(|| view! { <YearForm view=view save=save/> })
                            })
                        }}
                    </Suspense>
                }.into_any()
            }
        </Loaded>
    }
}

#[component]
fn YearDecision(view: YearView) -> impl IntoView {
    match view.entered {
        Some(entered) => view! {
            <section class="card" aria-labelledby="calendar-decision">
                <h2 id="calendar-decision">{t(k::CALENDAR_DECISION)}</h2>
                <p>{entered.source}</p>
                <p class="muted">
                    {tf(k::CALENDAR_ENTERED_AT, &[("date", &format_datetime(entered.entered_at))])}
                    {entered.changed_at.map(|at| view! { " · "{tf(k::CALENDAR_CHANGED_AT, &[("date", &format_datetime(at))])} })}
                </p>
            </section>
        }.into_any(),
        None => view! {
            <p class="alert alert-info">{t(k::CALENDAR_NO_DECISION)}</p>
        }.into_any(),
    }
}

#[component]
fn YearDays(view: YearView) -> impl IntoView {
    let y = view.year.to_string();
    view! {
        <section aria-labelledby="calendar-days-off">
            <h2 id="calendar-days-off">{t(k::CALENDAR_DAYS_OFF)}</h2>
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="calendar-days-off">
                <table class="data-table">
                    <caption class="visually-hidden">{tf(k::CALENDAR_TITLE, &[("year", &y)])}</caption>
                    <thead><tr>
                        <th scope="col">{t(k::CALENDAR_DATE)}</th>
                        <th scope="col">{t(k::CALENDAR_WHY)}</th>
                    </tr></thead>
                    <tbody>
                        {view.days_off.into_iter().map(|d| view! {
                            <tr>
                                <td class="nowrap">{weekday(d.date)}<br/>{day(d.date)}</td>
                                <td>{t(crate::i18n::lookup(d.why.key()).unwrap_or(k::CALENDAR_DECIDED))}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {(!view.days_worked.is_empty()).then(|| view! {
                <h2 id="calendar-days-worked">{t(k::CALENDAR_DAYS_WORKED)}</h2>
                <ul>
                    {view.days_worked.into_iter().map(|d| view! {
                        <li>{format!("{} {}", weekday(d), day(d))}</li>
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}

/// The administrator's form: enter the year's decision, or change the one entered.
#[component]
fn YearForm(view: YearView, save: ServerAction<SaveCalendarYear>) -> impl IntoView {
    let error = error_signal(move || save.value().get());
    let entered = view.entered.is_some();
    let listed = |decision: Decision| {
        view.decisions
            .iter()
            .filter(|(_, d)| *d == decision)
            .map(|(date, _)| day(*date))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (off, worked) = (listed(Decision::Off), listed(Decision::Worked));
    let source = view.entered.as_ref().map(|e| e.source.clone());
    let saved = crate::layout::succeeded(save);
    view! {
        <section class="card" aria-labelledby="calendar-enter">
            <h2 id="calendar-enter">
                {if entered { t(k::CALENDAR_CHANGE) } else { t(k::CALENDAR_ENTER) }}
            </h2>
            <p class="hint">{t(k::CALENDAR_ENTER_HINT)}</p>
            <ActionForm action=save>
                <FormAlert error=error/>
                {move || saved.get().then(|| view! {
                    <p class="alert alert-success" role="status">{t(k::CALENDAR_SAVED)}</p>
                })}
                <input type="hidden" name="replace" value=if entered { view.year.to_string() } else { String::new() }/>
                <FieldInput name="year" label=k::FIELD_CALENDAR_YEAR inputmode="numeric"
                    value=view.year.to_string() error=field_error(error, "year")/>
                <FieldInput name="source" label=k::FIELD_CALENDAR_SOURCE hint=k::FIELD_CALENDAR_SOURCE_HINT
                    value=source.unwrap_or_default() error=field_error(error, "source")/>
                <div class="grid-2 tight">
                    <FieldTextarea name="days_off" label=k::FIELD_CALENDAR_DAYS_OFF hint=k::FIELD_CALENDAR_DATES_HINT
                        required=false rows=4 value=off error=field_error(error, "days_off")/>
                    <FieldTextarea name="days_worked" label=k::FIELD_CALENDAR_DAYS_WORKED hint=k::FIELD_CALENDAR_DATES_HINT
                        required=false rows=4 value=worked error=field_error(error, "days_worked")/>
                </div>
                <SubmitButton label=k::CALENDAR_SAVE pending=save.pending()/>
            </ActionForm>
        </section>
    }
}
