//! Report pages: the public list with filters, the form a citizen fills, and one report with its
//! answer, its supporters and, for staff, the triage panel.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use server_fn::ServerFn;

use crate::api::org::list_organisations;
use crate::api::report::{
    ApologiseReport, AskReportSms, ClaimReport, ConfirmReportSms, CreateAssistedReport,
    CreateReport, ForwardReport, RateReport, SetReportUrgency, SupportReport, TriageReport,
    get_report, list_reports,
};
use crate::error::AppError;
use crate::i18n::{format_date, format_datetime, k, t, tf, use_locale};
use crate::layout::{
    FieldInput, FieldSelect, FieldTextarea, FormAlert, Loaded, MultipartForm, Pager, SignInPrompt,
    SubmitButton, error_signal, field_error, query_string, url_error,
};
use crate::layout::{ReadAloud, Share, SharedAs, viewer_resource};
use crate::report::model::{Category, ReportDetail, ReportStatus, ReportSummary};

fn category_options() -> Vec<(String, String)> {
    Category::ALL
        .into_iter()
        .map(|c| (c.code().to_owned(), t(c.label()).to_owned()))
        .collect()
}

/// One report in a list: what, where, how it stands, how many it affects.
#[component]
pub fn ReportItem(report: ReportSummary) -> impl IntoView {
    let locale = use_locale();
    view! {
        <li class="card report-item">
            <div class="report-badges">
                <span class=format!("status status-{}", report.status.code())>{t(report.status.label())}</span>
                <span class=format!("timeliness tone-{}", report.timeliness.tone())>{t(report.timeliness.label())}</span>
                {report.urgent.then(|| view! { <span class="timeliness tone-warn">{t(k::REPORT_URGENT)}</span> })}
                {report.assisted.then(|| view! { <span class="tag">{t(k::ASSISTED_BADGE)}</span> })}
                {report.appointed_due_at.map(|at| view! { <span class="tag">{tf(k::REPORT_APPOINTED_BADGE, &[("date", &format_date(at))])}</span> })}
            </div>
            <h3><a href=format!("/reports/{}", report.id)>{report.title.clone()}</a></h3>
            <p class="muted">
                {report.organisation.name(locale).to_owned()}" · "{t(report.category.label())}" · "{format_date(report.created_at)}
            </p>
            {(report.supporters > 0).then(|| view! {
                <p class="supporters">{tf(k::REPORT_SUPPORTERS, &[("n", &report.supporters.to_string())])}</p>
            })}
        </li>
    }
}

#[component]
pub fn ReportListPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).filter(|v| !v.is_empty());
    let reports = Resource::new(
        move || {
            (
                param("organisation_id"),
                param("category"),
                param("status"),
                param("sort"),
                param("page"),
            )
        },
        |(org, category, status, sort, page)| {
            list_reports(
                org.and_then(|o| o.parse().ok()),
                category,
                status,
                sort,
                page.and_then(|p| p.parse().ok()),
            )
        },
    );
    let orgs = Resource::new(|| (), |_| list_organisations());
    view! {
        <Title text=t(k::REPORTS_TITLE)/>
        <div class="page-head">
            <div>
                <h1>{t(k::REPORTS_TITLE)}</h1>
                <p class="lead">{t(k::REPORTS_INTRO)}</p>
                <p><a href="/receipt">{t(k::RECEIPT_FIND_LINK)}</a>" · "<a href="/helpers">{t(k::HELPERS_LINK)}</a></p>
            </div>
            <a class="button" href="/reports/new">{t(k::REPORTS_NEW)}</a>
        </div>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let orgs = orgs.await.unwrap_or_default();
                let org_options: Vec<(String, String)> = orgs.iter().map(|o| (o.id.to_string(), o.name(locale).to_owned())).collect();
                let status_options: Vec<(String, String)> = ReportStatus::ALL.into_iter().map(|s| (s.code().to_owned(), t(s.label()).to_owned()))
                    .chain([("overdue".to_owned(), t(k::REPORT_TIMELINESS_OVERDUE).to_owned())])
                    .collect();
                let sort_options = vec![
                    ("newest".to_owned(), t(k::REPORTS_SORT_NEWEST).to_owned()),
                    ("supported".to_owned(), t(k::REPORTS_SORT_SUPPORTED).to_owned()),
                ];
                let none = Signal::derive(|| None::<String>);
                view! {
                    <form method="get" action="/reports" class="filter-bar card" role="search">
                        <FieldSelect name="organisation_id" label=k::FIELD_WARD options=org_options selected=param("organisation_id").unwrap_or_default() empty_option=k::FILTER_ALL error=none/>
                        <FieldSelect name="category" label=k::FIELD_CATEGORY options=category_options() selected=param("category").unwrap_or_default() empty_option=k::FILTER_ALL error=none/>
                        <FieldSelect name="status" label=k::FIELD_STATUS options=status_options selected=param("status").unwrap_or_default() empty_option=k::FILTER_ALL error=none/>
                        <FieldSelect name="sort" label=k::FIELD_SORT options=sort_options selected=param("sort").unwrap_or_default() error=none/>
                        <button type="submit" class="button-secondary">{t(k::FILTER_APPLY)}</button>
                    </form>
                }
            })}
        </Suspense>
        <Loaded resource=reports let:data>
            {match data {
                page if page.items.is_empty() => view! { <p class="empty">{t(k::REPORTS_EMPTY)}</p> }.into_any(),
                page => {
                    let filters = (param("organisation_id"), param("category"), param("status"), param("sort"));
                    view! {
                        <p class="muted">{tf(k::LIST_TOTAL, &[("n", &page.total.to_string())])}</p>
                        <h2 class="visually-hidden">{t(k::REPORTS_LIST_HEADING)}</h2>
                        <ul class="report-list">
                            {page.items.into_iter().map(|r| view! { <ReportItem report=r/> }).collect_view()}
                        </ul>
                        <Pager page=page.page pages=page.pages href=move |n| format!("/reports{}", query_string(&[
                            ("organisation_id", filters.0.clone()),
                            ("category", filters.1.clone()),
                            ("status", filters.2.clone()),
                            ("sort", filters.3.clone()),
                            ("page", Some(n.to_string())),
                        ]))/>
                    }.into_any()
                }
            }}
        </Loaded>
    }
}

/// What every report says: where it goes, what it is about, the problem, and a photo.
#[component]
fn ReportFields(
    org_options: Vec<(String, String)>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    view! {
        <FieldSelect name="organisation_id" label=k::FIELD_WARD options=org_options empty_option=k::FIELD_CHOOSE error=field_error(error, "organisation_id")/>
        <FieldSelect name="category" label=k::FIELD_CATEGORY options=category_options() empty_option=k::FIELD_CHOOSE error=field_error(error, "category")/>
        <FieldInput name="title" label=k::FIELD_REPORT_TITLE hint=k::HINT_REPORT_TITLE error=field_error(error, "title")/>
        <FieldTextarea name="description" label=k::FIELD_DESCRIPTION hint=k::HINT_REPORT_DESCRIPTION rows=7 maxlength=crate::report::rules::DESCRIPTION_MAX error=field_error(error, "description")/>
        <div class="field" class:has-error=move || field_error(error, "photo").get().is_some()>
            <label for="field-photo">{t(k::FIELD_PHOTO)}</label>
            <p class="hint" id="field-photo-hint">{t(k::HINT_PHOTO)}</p>
            <input id="field-photo" type="file" name="photo" accept="image/jpeg,image/png,image/webp" aria-describedby="field-photo-hint"/>
            <p class="field-error" role="alert" hidden=move || field_error(error, "photo").get().is_none()>{move || field_error(error, "photo").get()}</p>
        </div>
    }
}

#[component]
pub fn ReportNewPage() -> impl IntoView {
    let locale = use_locale();
    let viewer = viewer_resource();
    let orgs = Resource::new(|| (), |_| list_organisations());
    let error = RwSignal::new(url_error(CreateReport::PATH));
    let pending = RwSignal::new(false);
    let error_signal: Signal<Option<AppError>> = error.into();
    view! {
        <Title text=t(k::REPORT_NEW_TITLE)/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let viewer = viewer.await.ok().flatten();
                let orgs = orgs.await.unwrap_or_default();
                match viewer {
                    None => view! { <SignInPrompt/> }.into_any(),
                    Some(v) if !v.verified => crate::layout::refused(AppError::Forbidden, locale),
                    Some(v) => {
                        let org_options: Vec<(String, String)> = orgs.iter().map(|o| (o.id.to_string(), o.name(locale).to_owned())).collect();
                        view! {
                            <section class="card narrow-wide">
                                <h1>{t(k::REPORT_NEW_TITLE)}</h1>
                                <p class="lead">{t(k::REPORT_NEW_INTRO)}</p>
                                {v.is_staff().then(|| view! {
                                    <p class="hint"><a href="/reports/new/assisted">{t(k::ASSISTED_LINK)}</a></p>
                                })}
                                <MultipartForm action=CreateReport::PATH>
                                    <FormAlert error=error_signal/>
                                    <ReportFields org_options error=error_signal/>
                                    <SubmitButton label=k::REPORT_SUBMIT pending=pending/>
                                </MultipartForm>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// A report filed for someone else, at a one-stop desk or by a helper group's volunteer: who the
/// person is (their name as they wish it shown, their phone if they have one), how they
/// agreed, and the report itself. It opens on the report, its receipt ready to print.
#[component]
pub fn AssistedReportPage() -> impl IntoView {
    let locale = use_locale();
    let viewer = viewer_resource();
    let orgs = Resource::new(|| (), |_| list_organisations());
    let helping = Resource::new(|| (), |_| crate::api::helper::helper_overview());
    let error = RwSignal::new(url_error(CreateAssistedReport::PATH));
    let pending = RwSignal::new(false);
    let error_signal: Signal<Option<AppError>> = error.into();
    view! {
        <Title text=t(k::ASSISTED_TITLE)/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let viewer = viewer.await.ok().flatten();
                let orgs = orgs.await.unwrap_or_default();
                let desks = helping.await.map(|h| h.desks).unwrap_or_default();
                match viewer {
                    None => view! { <SignInPrompt/> }.into_any(),
                    Some(v) if !v.verified || desks.is_empty() => crate::layout::refused(v.refusal(), locale),
                    Some(_) => {
                        let org_options: Vec<(String, String)> = orgs.iter().map(|o| (o.id.to_string(), o.name(locale).to_owned())).collect();
                        let desk_options: Vec<(String, String)> = desks.iter().map(|d| {
                            let name = match d.desk {
                                crate::helper::model::Desk::Organisation(id) => {
                                    let org = orgs.iter().find(|o| o.id == id).map(|o| o.name(locale).to_owned()).unwrap_or_else(|| d.name.clone());
                                    locale.tf(k::ASSISTED_DESK_OF, &[("organisation", &org)])
                                }
                                crate::helper::model::Desk::Group(_) => d.name.clone(),
                            };
                            (d.desk.code(), name)
                        }).collect();
                        let only = (desk_options.len() == 1).then(|| desk_options[0].0.clone());
                        let consent_options: Vec<(String, String)> = crate::report::rules::Consent::ALL.iter().map(|c| (c.code().to_owned(), locale.t(c.label()).to_owned())).collect();
                        view! {
                            <section class="card narrow-wide">
                                <h1>{t(k::ASSISTED_TITLE)}</h1>
                                <p class="lead">{t(k::ASSISTED_INTRO)}</p>
                                <MultipartForm action=CreateAssistedReport::PATH>
                                    <FormAlert error=error_signal/>
                                    <fieldset>
                                        <legend>{t(k::ASSISTED_PERSON)}</legend>
                                        <FieldSelect name="desk" label=k::ASSISTED_DESK options=desk_options selected=only.unwrap_or_default() error=field_error(error_signal, "desk")/>
                                        <FieldInput name="filed_for_name" label=k::ASSISTED_NAME hint=k::ASSISTED_NAME_HINT autocomplete="off" error=field_error(error_signal, "filed_for_name")/>
                                        <FieldInput name="filed_for_phone" label=k::ASSISTED_PHONE hint=k::ASSISTED_PHONE_HINT kind="tel" inputmode="tel" autocomplete="off" required=false error=field_error(error_signal, "filed_for_phone")/>
                                        <FieldSelect name="consent" label=k::ASSISTED_CONSENT_HOW options=consent_options empty_option=k::FIELD_CHOOSE error=field_error(error_signal, "consent")/>
                                        <label class="check">
                                            <input id="field-consented" type="checkbox" name="consented" value="true"/>
                                            <span>{t(k::ASSISTED_CONSENTED)}</span>
                                        </label>
                                    </fieldset>
                                    <fieldset>
                                        <legend>{t(k::ASSISTED_REPORT)}</legend>
                                        <ReportFields org_options error=error_signal/>
                                    </fieldset>
                                    <SubmitButton label=k::ASSISTED_SUBMIT pending=pending/>
                                </MultipartForm>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let params = use_params_map();
    // Opened from a receipt (its QR code, its text message): the code says who is reading.
    let query = use_query_map();
    let support = ServerAction::<SupportReport>::new();
    let triage = ServerAction::<TriageReport>::new();
    let rate = ServerAction::<RateReport>::new();
    let apologise = ServerAction::<ApologiseReport>::new();
    let routing = Routing {
        forward: ServerAction::<ForwardReport>::new(),
        urgency: ServerAction::<SetReportUrgency>::new(),
    };
    let report = Resource::new(
        move || {
            (
                params
                    .read()
                    .get("id")
                    .and_then(|id| id.parse::<i64>().ok()),
                query.read().get("receipt"),
                support.version().get(),
                triage.version().get(),
                (rate.version().get(), apologise.version().get()),
                (
                    routing.forward.version().get(),
                    routing.urgency.version().get(),
                ),
            )
        },
        |(id, receipt, _, _, _, _)| async move {
            match id {
                Some(id) => get_report(id, receipt).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Title text=t(k::NAV_REPORTS)/>
        <Loaded resource=report let:r>
            {view! { <ReportBody report=r support triage rate apologise routing/> }}
        </Loaded>
    }
}

#[component]
fn ReportBody(
    report: ReportDetail,
    support: ServerAction<SupportReport>,
    triage: ServerAction<TriageReport>,
    rate: ServerAction<RateReport>,
    apologise: ServerAction<ApologiseReport>,
    routing: Routing,
) -> impl IntoView {
    let locale = use_locale();
    let viewer = viewer_resource();
    let s = report.summary.clone();
    let id = s.id;
    let support_error = error_signal(move || support.value().get());
    let signed_in = move || viewer.get().and_then(|v| v.ok()).flatten().is_some();
    // What the printed receipt is for: the report's number, where it went, and its title.
    let receipt_about = format!(
        "{} · {} · {}",
        tf(k::REPORT_NUMBER, &[("id", &id.to_string())]),
        s.organisation.name(locale),
        s.title
    );
    view! {
        <Title text=s.title.clone()/>
        <SharedAs title=s.title.clone() description=report.description.clone() path=format!("/reports/{id}") image=report.photo.as_ref().map(|f| f.url())/>
        <article class="report">
            <p class="eyebrow">{tf(k::REPORT_NUMBER, &[("id", &id.to_string())])}" · "{s.organisation.name(locale).to_owned()}</p>
            <h1>{s.title.clone()}</h1>
            <div class="report-badges">
                <span class=format!("status status-{}", s.status.code())>{t(s.status.label())}</span>
                <span class=format!("timeliness tone-{}", s.timeliness.tone())>{t(s.timeliness.label())}</span>
                {s.urgent.then(|| view! { <span class="timeliness tone-warn">{t(k::REPORT_URGENT)}</span> })}
                <span class="tag">{t(s.category.label())}</span>
            </div>
            <dl class="facts">
                <div><dt>{t(k::REPORT_SENT_ON)}</dt><dd>{format_datetime(s.created_at)}</dd></div>
                <div><dt>{t(k::REPORT_DUE_BY)}</dt><dd>{format_datetime(s.response_due_at)}" "<a class="muted" href="/calendar">{if s.urgent { t(k::REPORT_DUE_WORKING_HOURS) } else { t(k::REPORT_DUE_WORKING_DAYS) }}</a></dd></div>
                {report.urgent_at.map(|at| view! {
                    <div><dt>{t(k::REPORT_URGENT_SINCE)}</dt><dd>{format_datetime(at)}</dd></div>
                })}
                {report.forwards.last().map(|f| view! {
                    <div><dt>{t(k::REPORT_RECEIVED_ON)}</dt><dd>{format_datetime(f.at)}" "<a class="muted" href="#forwards-heading">{tf(k::REPORT_FORWARDED_FROM, &[("organisation", f.from.name(locale))])}</a></dd></div>
                })}
                {s.appointed_due_at.map(|at| view! {
                    <div><dt>{t(k::REPORT_APPOINTED)}</dt><dd>{format_datetime(at)}" "<a class="muted" href="#apologies-heading">{tf(k::REPORT_APPOINTED_TIMES, &[("n", &report.apologies.len().to_string())])}</a></dd></div>
                })}
            </dl>
            {report.assisted.clone().map(|a| view! { <AssistedNote assisted=a organisation=s.organisation.name(locale).to_owned()/> })}
            {report.assisted.is_some().then(|| report.receipt_code.clone().zip(report.receipt_link.clone()).map(|(code, (url, qr))| view! {
                <ReceiptCard code due=s.response_due_at url qr assisted=report.assisted.clone() about=receipt_about.clone()/>
            })).flatten()}
            <ReadAloud text=format!("{}. {}", s.title, report.description)/>
            <Share title=s.title.clone() path=format!("/reports/{id}")/>
            <div class="grid-report">
                <div>
                    <p class="prose pre-line">{report.description.clone()}</p>
                    {report.photo.clone().map(|p| view! {
                        <img class="report-photo" src=p.url() alt=t(k::REPORT_PHOTO_ALT) loading="lazy"/>
                    })}
                </div>
                <aside class="card support-box">
                    <p class="big-number">{s.supporters}</p>
                    <p>{t(k::REPORT_AFFECTED)}</p>
                    <FormAlert error=support_error/>
                    {if report.is_author {
                        view! { <p class="muted">{t(k::REPORT_YOURS)}</p> }.into_any()
                    } else {
                        view! {
                            <Show when=signed_in fallback=move || view! { <a class="button-secondary" href=format!("/sign-in?next=/reports/{id}")>{t(k::REPORT_SIGN_IN_TO_SUPPORT)}</a> }>
                                <ActionForm action=support>
                                    <input type="hidden" name="id" value=id.to_string()/>
                                    <input type="hidden" name="support" value=(!report.supported).to_string()/>
                                    <button type="submit" class=if report.supported { "button-secondary" } else { "button" } aria-pressed=report.supported.to_string()>
                                        {if report.supported { t(k::REPORT_UNSUPPORT) } else { t(k::REPORT_SUPPORT) }}
                                    </button>
                                </ActionForm>
                            </Show>
                        }.into_any()
                    }}
                </aside>
            </div>
            {(!report.forwards.is_empty()).then(|| view! { <Forwards forwards=report.forwards.clone()/> })}
            {(!report.apologies.is_empty()).then(|| view! { <Apologies apologies=report.apologies.clone() organisation=s.organisation.name(locale).to_owned()/> })}
            <ResponseSection report=report.clone()/>
            {report.reopened.clone().map(|(at, why)| view! {
                <div class="card response reopened">
                    <p class="eyebrow">{tf(k::REPORT_REOPENED_ON, &[("at", &format_datetime(at))])}</p>
                    <p class="pre-line">{why}</p>
                </div>
            })}
            {report.satisfied.map(|yes| view! {
                <p class=if yes { "verdict verdict-good" } else { "verdict verdict-bad" }>
                    {if yes { t(k::REPORT_SATISFIED) } else { t(k::REPORT_NOT_SATISFIED) }}
                </p>
            })}
            {report.can_rate.then(|| view! { <RateAnswer report_id=id rate receipt=report.receipt_holder.clone()/> })}
            {report.assisted.is_none().then(|| report.receipt_code.clone().zip(report.receipt_link.clone()).map(|(code, (url, qr))| view! {
                <ReceiptCard code due=s.response_due_at url qr assisted=None about=receipt_about.clone()/>
            })).flatten()}
            {report.claimable.then(|| view! { <ClaimReportForm/> })}
            {report.sms_updates.then(|| view! { <SmsUpdates report_id=id open=s.status.is_open()/> })}
            {report.can_apologise.then(|| view! { <ApologyForm report_id=id apologise/> })}
            {report.can_triage.then(|| view! { <TriagePanel report=report.clone() triage/> })}
            {(report.can_set_urgency || !report.forward_to.is_empty()).then(|| view! { <RoutingPanel report=report.clone() routing/> })}
        </article>
    }
}

#[component]
fn ResponseSection(report: ReportDetail) -> impl IntoView {
    let locale = use_locale();
    let org = report.summary.organisation.name(locale).to_owned();
    view! {
        <section class="section" aria-labelledby="response-heading">
            <h2 id="response-heading">{tf(k::REPORT_RESPONSE_FROM, &[("organisation", &org)])}</h2>
            {match (report.summary.status, report.response.clone(), report.responded_at) {
                (ReportStatus::Merged, _, Some(at)) => view! {
                    <div class="card response">
                        <p>{t(k::REPORT_MERGED_INTO)}" "{report.merged_into.clone().map(|l| view! { <a href=l.href>{l.title}</a> })}</p>
                        <p class="muted">{format_datetime(at)}</p>
                    </div>
                }.into_any(),
                (ReportStatus::BecameChallenge, _, at) => view! {
                    <div class="card response">
                        <p>{t(k::REPORT_BECAME_CHALLENGE)}</p>
                        <ul class="plain-list">
                            {report.challenges.clone().into_iter().map(|l| view! { <li><a href=l.href>{l.title}</a></li> }).collect_view()}
                        </ul>
                        {at.map(|at| view! { <p class="muted">{format_datetime(at)}</p> })}
                    </div>
                }.into_any(),
                (status, Some(text), Some(at)) => view! {
                    <div class="card response">
                        {(status == ReportStatus::OutOfScope).then(|| view! { <p class="eyebrow">{t(k::REPORT_STATUS_OUT_OF_SCOPE)}</p> })}
                        <p class="pre-line">{text}</p>
                        <p class="muted">{report.responder.clone().unwrap_or_default()}" · "{format_datetime(at)}</p>
                    </div>
                }.into_any(),
                _ => view! {
                    // Reopened: the answer that did not solve it stays in view.
                    {report.reopened.is_some().then(|| report.response.clone()).flatten().map(|text| view! {
                        <div class="card response previous">
                            <p class="eyebrow">{t(k::REPORT_PREVIOUS_ANSWER)}</p>
                            <p class="pre-line">{text}</p>
                            <p class="muted">{report.responder.clone().unwrap_or_default()}</p>
                        </div>
                    })}
                    <p class="empty">
                        {match report.acknowledged_at {
                            Some(at) => tf(k::REPORT_ACKNOWLEDGED_ON, &[("at", &format_datetime(at))]),
                            None => t(k::REPORT_NO_RESPONSE_YET).to_owned(),
                        }}
                    </p>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn TriagePanel(report: ReportDetail, triage: ServerAction<TriageReport>) -> impl IntoView {
    let error = error_signal(move || triage.value().get());
    let id = report.summary.id;
    let org_id = report.summary.organisation.id;
    let open = report.summary.status.is_open();
    let hidden = move |decision: &'static str| {
        view! {
            <input type="hidden" name="id" value=id.to_string()/>
            <input type="hidden" name="decision" value=decision/>
        }
    };
    view! {
        <section class="section card triage" aria-labelledby="triage-heading">
            <h2 id="triage-heading">{t(k::TRIAGE_TITLE)}</h2>
            {if !open {
                view! { <p class="muted">{t(k::TRIAGE_DONE)}</p> }.into_any()
            } else {
                view! {
                    <FormAlert error=error/>
                    <div class="triage-actions">
                        {(report.summary.status == ReportStatus::New).then(|| view! {
                            <ActionForm action=triage attr:class="inline-form">
                                {hidden("acknowledge")}
                                <button type="submit" class="button-secondary">{t(k::TRIAGE_ACKNOWLEDGE)}</button>
                            </ActionForm>
                        })}
                        <a class="button-secondary" href=format!("/staff/challenges/new?org={org_id}&from={id}")>{t(k::TRIAGE_TO_CHALLENGE)}</a>
                    </div>
                    <div class="grid-2">
                        <ActionForm action=triage>
                            {hidden("answer")}
                            <FieldTextarea name="text" id="answer" label=k::TRIAGE_ANSWER rows=4 error=field_error(error, "answer")/>
                            <SubmitButton label=k::TRIAGE_ANSWER_SUBMIT pending=triage.pending()/>
                        </ActionForm>
                        <div>
                            <ActionForm action=triage>
                                {hidden("out_of_scope")}
                                <FieldTextarea name="text" id="reason" label=k::TRIAGE_OUT_OF_SCOPE rows=3 error=field_error(error, "reason")/>
                                <button type="submit" class="button-secondary">{t(k::TRIAGE_OUT_OF_SCOPE_SUBMIT)}</button>
                            </ActionForm>
                            <ActionForm action=triage attr:class="secondary-form">
                                {hidden("merge")}
                                <FieldInput name="into_id" label=k::TRIAGE_MERGE_INTO kind="number" inputmode="numeric" hint=k::HINT_MERGE_INTO error=field_error(error, "into_id")/>
                                <button type="submit" class="button-secondary">{t(k::TRIAGE_MERGE_SUBMIT)}</button>
                            </ActionForm>
                        </div>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

/// The staff's actions that say where a report goes and how fast.
#[derive(Clone, Copy)]
struct Routing {
    forward: ServerAction<ForwardReport>,
    urgency: ServerAction<SetReportUrgency>,
}

/// Where a report has been sent on, and why: each forwarding with its reason, who signed it, and
/// whether it left within the first organisation's deadline; the clock rule said once.
#[component]
fn Forwards(forwards: Vec<crate::report::model::ForwardView>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="section" aria-labelledby="forwards-heading">
            <h2 id="forwards-heading">{t(k::FORWARD_HEADING)}</h2>
            <p class="hint">{t(k::FORWARD_CLOCK_RULE)}</p>
            {forwards.into_iter().map(|f| view! {
                <div class="card response forward">
                    <p class="eyebrow">{format_datetime(f.at)}</p>
                    <p>{tf(k::FORWARD_SAYS, &[("from", f.from.name(locale)), ("to", f.to.name(locale))])}</p>
                    <p class="pre-line">{f.reason}</p>
                    <p class="muted small">
                        <span class=if f.on_time { "timeliness tone-good" } else { "timeliness tone-warn" }>
                            {if f.returned { t(k::FORWARD_RETURNED) } else if f.on_time { t(k::FORWARD_ON_TIME) } else { t(k::FORWARD_LATE) }}
                        </span>" "
                        {tf(k::FORWARD_DUE_BEFORE, &[("date", &format_datetime(f.due_before))])}
                    </p>
                    {f.by.map(|name| view! { <p class="muted">{tf(k::APOLOGY_SIGNED, &[("name", &name)])}</p> })}
                </div>
            }).collect_view()}
        </section>
    }
}

/// Staff say how fast a report must be answered, or send it to the organisation that can act.
#[component]
fn RoutingPanel(report: ReportDetail, routing: Routing) -> impl IntoView {
    let locale = use_locale();
    let forward_error = error_signal(move || routing.forward.value().get());
    let urgency_error = error_signal(move || routing.urgency.value().get());
    let id = report.summary.id;
    let urgent = report.summary.urgent;
    let options: Vec<(String, String)> = report
        .forward_to
        .iter()
        .map(|o| (o.id.to_string(), o.name(locale).to_owned()))
        .collect();
    view! {
        <section class="section card routing" aria-labelledby="routing-heading">
            <h2 id="routing-heading">{t(k::ROUTING_TITLE)}</h2>
            {report.can_set_urgency.then(|| view! {
                <ActionForm action=routing.urgency attr:class="inline-form">
                    <FormAlert error=urgency_error/>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="urgent" value=(!urgent).to_string()/>
                    <p class="hint">{if urgent { t(k::ROUTING_URGENT_NOW) } else { t(k::ROUTING_URGENT_HINT) }}</p>
                    <button type="submit" class="button-secondary">
                        {if urgent { t(k::ROUTING_NOT_URGENT) } else { t(k::ROUTING_MAKE_URGENT) }}
                    </button>
                </ActionForm>
            })}
            {(!options.is_empty()).then(|| view! {
                <ActionForm action=routing.forward attr:class="secondary-form">
                    <h3>{t(k::ROUTING_FORWARD)}</h3>
                    <p class="hint">{t(k::FORWARD_CLOCK_RULE)}</p>
                    <FormAlert error=forward_error/>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <FieldSelect name="organisation_id" label=k::ROUTING_FORWARD_TO options empty_option=k::FIELD_CHOOSE error=field_error(forward_error, "organisation_id")/>
                    <FieldTextarea name="reason" id="forward-reason" label=k::ROUTING_FORWARD_REASON rows=3 error=field_error(forward_error, "reason")/>
                    <SubmitButton label=k::ROUTING_FORWARD_SUBMIT pending=routing.forward.pending()/>
                </ActionForm>
            })}
        </section>
    }
}

/// Missed deadlines answered in public: each apology with its reason, the date missed and the
/// one appointed, signed by the official.
#[component]
fn Apologies(
    apologies: Vec<crate::report::model::ApologyView>,
    organisation: String,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="section" aria-labelledby="apologies-heading">
            <h2 id="apologies-heading">{t(k::APOLOGY_HEADING)}</h2>
            {apologies.into_iter().map(|a| view! {
                <div class="card response apology">
                    <p class="eyebrow">{format_datetime(a.at)}</p>
                    <p>{tf(k::APOLOGY_SAYS, &[("organisation", a.organisation.as_ref().map_or(organisation.as_str(), |o| o.name(locale))), ("missed", &format_datetime(a.missed_due_at))])}</p>
                    <p class="pre-line">{a.reason}</p>
                    <p><strong>{tf(k::APOLOGY_NEW_DATE, &[("date", &format_datetime(a.new_due_at))])}</strong></p>
                    {a.by.map(|name| view! { <p class="muted">{tf(k::APOLOGY_SIGNED, &[("name", &name)])}</p> })}
                </div>
            }).collect_view()}
        </section>
    }
}

/// Staff answer a missed deadline in public: the reason, and a new appointment (a working day).
#[component]
fn ApologyForm(report_id: i64, apologise: ServerAction<ApologiseReport>) -> impl IntoView {
    let error = error_signal(move || apologise.value().get());
    view! {
        <section class="section card apology-form" aria-labelledby="apology-form-heading">
            <h2 id="apology-form-heading">{t(k::APOLOGY_FORM_TITLE)}</h2>
            <p class="hint">{t(k::APOLOGY_FORM_HINT)}</p>
            <ActionForm action=apologise>
                <FormAlert error/>
                <input type="hidden" name="id" value=report_id.to_string()/>
                <FieldTextarea name="reason" id="apology-reason" label=k::APOLOGY_REASON rows=3 error=field_error(error, "reason")/>
                <FieldInput name="new_date" label=k::APOLOGY_DATE kind="date" hint=k::APOLOGY_DATE_HINT error=field_error(error, "new_date")/>
                <SubmitButton label=k::APOLOGY_SUBMIT pending=apologise.pending()/>
            </ActionForm>
        </section>
    }
}

/// The person who filed the report says whether the answer solved it; one that did not reopens
/// the report (once) with their reason.
#[component]
fn RateAnswer(
    report_id: i64,
    rate: ServerAction<RateReport>,
    /// The receipt code of a report filed for someone, who rates it by holding it.
    receipt: Option<String>,
) -> impl IntoView {
    let error = error_signal(move || rate.value().get());
    let hidden = move |satisfied: &'static str| {
        view! {
            <input type="hidden" name="report_id" value=report_id.to_string()/>
            <input type="hidden" name="satisfied" value=satisfied/>
            {receipt.clone().map(|code| view! { <input type="hidden" name="receipt" value=code/> })}
        }
    };
    let yes = hidden.clone();
    view! {
        <section class="section card rate-answer" aria-labelledby="rate-heading">
            <h2 id="rate-heading">{t(k::REPORT_RATE_TITLE)}</h2>
            <p class="hint">{t(k::REPORT_RATE_HINT)}</p>
            <FormAlert error/>
            <div class="grid-2">
                <ActionForm action=rate>
                    {yes("true")}
                    <button type="submit" class="button">{t(k::REPORT_RATE_YES)}</button>
                </ActionForm>
                <ActionForm action=rate>
                    {hidden("false")}
                    <FieldTextarea name="reason" id="rate-reason" label=k::REPORT_RATE_REASON rows=3 error=field_error(error, "reason")/>
                    <button type="submit" class="button-secondary">{t(k::REPORT_RATE_NO)}</button>
                </ActionForm>
            </div>
        </section>
    }
}

/// Following the report by SMS without an account (or an email): a mobile number, a code texted
/// to it, then a text message at each decision staff take; the same two steps stop them. A
/// closed report is not followed anew, but its followers can stop (it texts them if it reopens).
#[component]
fn SmsUpdates(report_id: i64, open: bool) -> impl IntoView {
    let ask = ServerAction::<AskReportSms>::new();
    let stop = ServerAction::<AskReportSms>::new();
    let confirm = ServerAction::<ConfirmReportSms>::new();
    let ask_error = error_signal(move || ask.value().get());
    let stop_error = error_signal(move || stop.value().get());
    let confirm_error = error_signal(move || confirm.value().get());
    // The number a code was last sent to, by either form (sent without the page's code, the
    // answer comes back in the address).
    let query = use_query_map();
    // Sent without the page's code, the address names the number by its last three digits
    // only: a made-up link cannot make the page say anything else.
    let sent = RwSignal::new(query.with_untracked(|q| {
        q.get("sms_sent")
            .filter(|d| d.len() == 3 && d.bytes().all(|b| b.is_ascii_digit()))
            .map(|d| format!("0••• ••• {d}"))
    }));
    let confirmed_without_code = query
        .with_untracked(|q| q.get("sms"))
        .map(|now| now == "following");
    Effect::new(move |_| {
        if let Some(Ok(phone)) = ask.value().get() {
            sent.set(Some(phone));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(phone)) = stop.value().get() {
            sent.set(Some(phone));
        }
    });
    // Confirmed: the step is done, and what it said goes.
    Effect::new(move |_| {
        if let Some(Ok(_)) = confirm.value().get() {
            sent.set(None);
        }
    });
    let id = report_id.to_string();
    let hidden_id =
        move || view! { <input type="hidden" name="report_id" value=report_id.to_string()/> };
    view! {
        <section class="section card sms-updates" aria-labelledby="sms-heading">
            <h2 id="sms-heading">{t(k::REPORT_SMS_HEADING)}</h2>
            <p class="hint">{if open { t(k::REPORT_SMS_HINT) } else { t(k::REPORT_SMS_CLOSED_HINT) }}</p>
            {move || confirm.value().get().and_then(|r| r.ok()).or(confirmed_without_code).map(|following| view! {
                <p class="alert alert-success" role="status">
                    {if following { t(k::REPORT_SMS_FOLLOWING) } else { t(k::REPORT_SMS_STOPPED) }}
                </p>
            })}
            {open.then(|| view! {
                <ActionForm action=ask attr:class="sms-form">
                    {hidden_id()}
                    <FieldInput name="phone" id="sms-phone" label=k::REPORT_SMS_PHONE kind="tel" inputmode="tel" autocomplete="tel" error=field_error(ask_error, "phone")/>
                    <SubmitButton label=k::REPORT_SMS_SEND_CODE pending=ask.pending()/>
                </ActionForm>
                <FormAlert error=ask_error/>
            })}
            {move || sent.get().map(|phone| view! {
                <p class="alert alert-info" role="status">{tf(k::REPORT_SMS_CODE_SENT, &[("phone", &phone)])}</p>
            })}
            <details class="sms-step" open=move || sent.get().is_some()>
                <summary>{t(k::REPORT_SMS_HAVE_CODE)}</summary>
                <ActionForm action=confirm attr:class="sms-form">
                    {hidden_id()}
                    {move || view! {
                        <FieldInput name="phone" id="sms-confirm-phone" label=k::REPORT_SMS_PHONE kind="tel" inputmode="tel" autocomplete="tel" value=sent.get().filter(|p| !p.contains('•')).unwrap_or_default() error=field_error(confirm_error, "phone")/>
                    }}
                    <FieldInput name="code" id="sms-code" label=k::REPORT_SMS_CODE inputmode="numeric" autocomplete="one-time-code" error=field_error(confirm_error, "code")/>
                    <SubmitButton label=k::REPORT_SMS_CONFIRM pending=confirm.pending()/>
                </ActionForm>
                <FormAlert error=confirm_error/>
            </details>
            <details class="sms-step" open=!open>
                <summary>{t(k::REPORT_SMS_STOP)}</summary>
                <ActionForm action=stop attr:class="sms-form">
                    <input type="hidden" name="report_id" value=id/>
                    <input type="hidden" name="stop" value="true"/>
                    <FieldInput name="phone" id="sms-stop-phone" label=k::REPORT_SMS_PHONE kind="tel" inputmode="tel" autocomplete="tel" error=field_error(stop_error, "phone")/>
                    <button type="submit" class="button-secondary">{t(k::REPORT_SMS_SEND_CODE)}</button>
                </ActionForm>
                <FormAlert error=stop_error/>
            </details>
        </section>
    }
}

/// The report's receipt, as the desk prints it (one small page: the print style hides the rest):
/// its code, the deadline, and where to follow it, also as a QR code.
#[component]
fn ReceiptCard(
    code: String,
    due: chrono::DateTime<chrono::Utc>,
    url: String,
    qr: String,
    /// Filed for someone: the receipt names them, and says their phone is sent the news.
    assisted: Option<crate::report::model::Assisted>,
    /// The report's number, organisation and title, printed with the code.
    about: String,
) -> impl IntoView {
    let phone = assisted.as_ref().and_then(|a| a.phone.clone());
    view! {
        <section class="card receipt" aria-labelledby="receipt-title">
            <h2 id="receipt-title">{t(k::RECEIPT_TITLE)}</h2>
            <div class="receipt-body">
                <div>
                    <p class="receipt-about">{about}</p>
                    {assisted.as_ref().map(|a| view! { <p class="receipt-for">{tf(k::RECEIPT_FOR, &[("name", &a.for_name)])}</p> })}
                    <p class="receipt-code" translate="no">{code.clone()}</p>
                    <p>{tf(k::RECEIPT_DUE, &[("date", &format_datetime(due))])}</p>
                    <p class="hint">{t(k::RECEIPT_HOW)}</p>
                    <p class="receipt-url"><a href=url.clone()>{url.clone()}</a></p>
                    {phone.map(|p| view! { <p class="hint">{tf(k::RECEIPT_SMS_TO, &[("phone", &p)])}</p> })}
                </div>
                <div class="qr receipt-qr" role="img" aria-label=t(k::RECEIPT_QR) inner_html=qr></div>
            </div>
            <p class="hint no-print">{t(k::RECEIPT_PRINT_HINT)}</p>
            {assisted.is_some().then(|| view! { <PrintButton/> })}
        </section>
    }
}

/// Prints the page (its print style keeps the receipt alone): a button the page's code answers
/// (`layout::in_place`), the browser's own print command before.
#[component]
fn PrintButton() -> impl IntoView {
    view! { <button type="button" class="button no-print" data-print="">{t(k::RECEIPT_PRINT)}</button> }
}

/// Says a report was filed for someone, by whom (a helper group or the one-stop desk), and, to
/// the organisation's staff and the helper, the helper's name.
#[component]
fn AssistedNote(assisted: crate::report::model::Assisted, organisation: String) -> impl IntoView {
    let by = match &assisted.group {
        Some(group) => tf(
            k::ASSISTED_BY_GROUP,
            &[("group", group), ("name", &assisted.for_name)],
        ),
        None => tf(
            k::ASSISTED_BY_DESK,
            &[
                ("organisation", &organisation),
                ("name", &assisted.for_name),
            ],
        ),
    };
    view! {
        <p class="assisted-note">
            <span class="tag">{t(k::ASSISTED_BADGE)}</span>" "{by}
            {assisted.helper.map(|h| view! { " "<span class="muted">{tf(k::ASSISTED_HELPER, &[("name", &h)])}</span> })}
            {assisted.claimed.then(|| view! { " "<span class="muted">{t(k::ASSISTED_CLAIMED)}</span> })}
        </p>
    }
}

/// The person a report was filed for takes it into their account: with its receipt code, signed
/// in with the phone they gave at the desk.
#[component]
fn ClaimReportForm() -> impl IntoView {
    let claim = ServerAction::<ClaimReport>::new();
    let error = error_signal(move || claim.value().get());
    view! {
        <details class="section card claim">
            <summary>{t(k::CLAIM_TITLE)}</summary>
            <p class="hint">{t(k::CLAIM_HINT)}</p>
            <ActionForm action=claim>
                <FormAlert error/>
                <FieldInput name="code" id="claim-code" label=k::FIELD_RECEIPT_CODE hint=k::FIELD_RECEIPT_CODE_HINT autocomplete="off" error=field_error(error, "code")/>
                <SubmitButton label=k::CLAIM_SUBMIT pending=claim.pending()/>
            </ActionForm>
        </details>
    }
}

/// Following a report by its receipt code, without an account: the code (typed, or read from
/// the receipt's QR code) leads to the report.
#[component]
pub fn ReceiptPage() -> impl IntoView {
    use leptos_router::components::Redirect;
    let query = use_query_map();
    let code = Memo::new(move |_| query.read().get("code").filter(|c| !c.trim().is_empty()));
    let found = Resource::new(
        move || code.get(),
        |code| async move {
            match code {
                Some(code) => Some(crate::api::report::find_receipt(code).await),
                None => None,
            }
        },
    );
    view! {
        <Title text=t(k::RECEIPT_FIND_TITLE)/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let answer = found.await;
                if let Some(Ok(id)) = answer {
                    // The code goes along: the page shows its holder what the receipt is for.
                    let code = code.get_untracked().unwrap_or_default();
                    let path = format!("/reports/{id}?receipt={}", crate::links::url_encode(code.trim()));
                    return view! { <Redirect path/> }.into_any();
                }
                let error: Signal<Option<AppError>> = Signal::stored(answer.and_then(Result::err));
                view! {
                    <section class="card narrow">
                        <h1>{t(k::RECEIPT_FIND_TITLE)}</h1>
                        <p>{t(k::RECEIPT_FIND_INTRO)}</p>
                        <form method="get" action="/receipt">
                            <FormAlert error/>
                            <FieldInput name="code" label=k::FIELD_RECEIPT_CODE hint=k::FIELD_RECEIPT_CODE_HINT
                                autocomplete="off" value=code.get_untracked().unwrap_or_default()
                                error=field_error(error, "code")/>
                            <button type="submit" class="button">{t(k::RECEIPT_FIND_SUBMIT)}</button>
                        </form>
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}
