//! One pilot in public: what it is and where it came from, who answers for it, the timeline of
//! milestones (on time, late, finished late, dates moved and why), the KPIs from baseline to
//! target, the budget, updates with comments, citizens' ratings, and the record of decisions.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use server_fn::ServerFn;

use crate::api::pilot::{CommentOnUpdate, FollowPilot, HidePilotComment, RatePilot, get_pilot};
use crate::challenge::model::HistoryEntry;
use crate::error::AppError;
use crate::i18n::{Locale, format_datetime, format_vnd, k, lookup, t, tf, use_locale};
use crate::layout::{
    FieldInput, FieldTextarea, FormAlert, Loaded, MultipartForm, error_signal, field_error,
};
use crate::layout::{ReadAloud, Share, SharedAs, viewer_resource};
use crate::pages::pilot::charts::KpiChart;
use crate::pages::pilot::{PilotStatusBadge, ProgressBar, ShareBar, TimingBadge, day};
use crate::pilot::model::{KpiView, MilestoneView, PilotPage as Page, Ratings, UpdateView};
use crate::pilot::rules::{MilestoneStatus, format_figure, kpi_progress};

#[derive(Clone, Copy)]
struct Actions {
    follow: ServerAction<FollowPilot>,
    comment: ServerAction<CommentOnUpdate>,
    hide: ServerAction<HidePilotComment>,
    rate: ServerAction<RatePilot>,
}

#[component]
pub fn PilotPage() -> impl IntoView {
    let params = use_params_map();
    let actions = Actions {
        follow: ServerAction::new(),
        comment: ServerAction::new(),
        hide: ServerAction::new(),
        rate: ServerAction::new(),
    };
    let pilot = Resource::new(
        move || {
            (
                params
                    .read()
                    .get("id")
                    .and_then(|id| id.parse::<i64>().ok()),
                actions.follow.version().get(),
                actions.comment.version().get(),
                actions.hide.version().get(),
                actions.rate.version().get(),
            )
        },
        |(id, ..)| async move {
            match id {
                Some(id) => get_pilot(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Title text=t(k::NAV_PILOTS)/>
        <Loaded resource=pilot let:p>
            {view! { <PilotBody page=p actions/> }}
        </Loaded>
    }
    .into_any()
}

#[component]
fn PilotBody(page: Page, actions: Actions) -> impl IntoView {
    let locale = use_locale();
    let card = page.card.clone();
    let id = card.id;
    let viewer = viewer_resource();
    let signed_in = move || viewer.get().and_then(|v| v.ok()).flatten().is_some();
    let sign_in_next = format!("/sign-in?next=/pilots/{id}");
    let spent = if page.budget_vnd > 0 {
        ((page.disbursed_vnd as f64 / page.budget_vnd as f64) * 100.0).round() as u8
    } else {
        0
    };
    let following = page.following;
    view! {
        <Title text=card.title.clone()/>
        <SharedAs title=card.title.clone() description=page.summary.clone() path=format!("/pilots/{id}") image=None/>
        <article class="pilot">
            {view! {
            <header class="challenge-head">
                <div>
                    <p class="eyebrow">{card.organisation.name(locale).to_owned()}" · "{t(k::PILOT_EYEBROW)}</p>
                    <h1>{card.title.clone()}</h1>
                    <p class="lead">{page.summary.clone()}</p>
                    <div class="card-meta"><PilotStatusBadge status=card.status/></div>
                    <ReadAloud text=format!("{}. {}", card.title, page.summary)/>
                    <Share title=card.title.clone() path=format!("/pilots/{id}")/>
                    {page.can_manage.then(|| view! {
                        <p><a class="button-secondary" href=format!("/pilots/{id}/manage")>{t(k::PILOT_MANAGE)}</a></p>
                    })}
                </div>
                <aside class="card deadline-box">
                    <ProgressBar done=card.milestones_done total=card.milestones_total percent=card.progress/>
                    {(card.late_now > 0).then(|| view! { <p class="timeliness tone-bad">{tf(k::PILOT_LATE_NOW, &[("n", &card.late_now.to_string())])}</p> })}
                    <p class="muted">{tf(k::PILOT_FOLLOWERS, &[("n", &page.followers.to_string())])}</p>
                    <Show when=signed_in fallback=move || view! { <a class="button-secondary" href=sign_in_next.clone()>{t(k::PILOT_SIGN_IN_TO_FOLLOW)}</a> }>
                        <ActionForm action=actions.follow>
                            <input type="hidden" name="id" value=id.to_string()/>
                            <input type="hidden" name="follow" value=(!following).to_string()/>
                            <button type="submit" class=if following { "button-secondary" } else { "button" } aria-pressed=following.to_string()>
                                {if following { t(k::PILOT_UNFOLLOW) } else { t(k::PILOT_FOLLOW) }}
                            </button>
                        </ActionForm>
                    </Show>
                </aside>
            </header>
            }.into_any()}
            {page.closing_statement.clone().map(|s| view! {
                <section class="alert alert-success closing" aria-labelledby="closing-heading">
                    <h2 id="closing-heading">{t(card.status.label())}</h2>
                    <p class="pre-line">{s}</p>
                    {page.closed_at.map(|at| view! { <p class="muted small">{format_datetime(at)}</p> })}
                </section>
            })}
            <nav class="section-nav" aria-label=t(k::CHALLENGE_SECTIONS)>
                <a href="#milestones">{t(k::PILOT_MILESTONES)}</a>
                <a href="#kpis">{t(k::PILOT_KPIS)}</a>
                <a href="#updates">{t(k::PILOT_UPDATES)}</a>
                <a href="#ratings">{t(k::PILOT_RATINGS)}</a>
                <a href="#history">{t(k::CHALLENGE_HISTORY)}</a>
            </nav>
            <div class="challenge-layout">
                <div class="challenge-main">
                    <Milestones milestones=page.milestones.clone()/>
                    <Kpis kpis=page.kpis.clone() starts_on=card.starts_on ends_on=card.planned_end_on/>
                    <Updates pilot_id=id updates=page.updates.clone() can_post=page.can_post can_moderate=page.can_manage is_team=page.is_team_member actions/>
                    <RatingsSection pilot_id=id ratings=page.ratings.clone() actions/>
                    <History history=page.history.clone() locale feed=format!("/pilots/{id}/feed.atom")/>
                </div>
                {view! {
                <aside class="challenge-side">
                    <section class="card section-tight" aria-labelledby="facts-heading">
                        <h2 id="facts-heading">{t(k::PILOT_FACTS)}</h2>
                        <dl class="facts">
                            <div><dt>{t(k::PILOT_OFFICIAL)}</dt><dd>{page.official_name.clone()}<br/><span class="muted small">{page.official_role.clone()}</span></dd></div>
                            <div><dt>{t(k::PILOT_TEAM)}</dt><dd>{page.origin.team_name.clone()}</dd></div>
                            <div><dt>{t(k::PILOT_PERIOD)}</dt><dd>{format!("{} – {}", day(card.starts_on), day(card.planned_end_on))}</dd></div>
                            <div><dt>{t(k::PILOT_BUDGET)}</dt><dd>{format_vnd(page.budget_vnd)}</dd></div>
                            <div><dt>{t(k::PILOT_DISBURSED)}</dt><dd>{format_vnd(page.disbursed_vnd)}" ("{spent}"%)"</dd></div>
                        </dl>
                        <ShareBar percent=i64::from(spent)/>
                    </section>
                    <section class="card section-tight" aria-labelledby="origin-heading">
                        <h2 id="origin-heading">{t(k::PILOT_ORIGIN)}</h2>
                        <ol class="origin">
                            {page.origin.reports.clone().into_iter().map(|(rid, title)| view! {
                                <li><span class="muted small">{t(k::PILOT_ORIGIN_REPORT)}</span><a href=format!("/reports/{rid}")>{title}</a></li>
                            }).collect_view()}
                            <li><span class="muted small">{t(k::PILOT_ORIGIN_CHALLENGE)}</span><a href=format!("/challenges/{}", page.origin.challenge_slug)>{page.origin.challenge_title.clone()}</a></li>
                            <li><span class="muted small">{t(k::PILOT_ORIGIN_ENTRY)}</span><a href=format!("/challenges/{}/entries", page.origin.challenge_slug)>{page.origin.entry_title.clone()}</a></li>
                            <li><span class="muted small">{t(k::PILOT_ORIGIN_AWARD)}</span><a href=format!("/challenges/{}/results", page.origin.challenge_slug)>{page.origin.award.clone()}</a></li>
                        </ol>
                    </section>
                </aside>
                }.into_any()}
            </div>
        </article>
    }
    .into_any()
}

#[component]
fn Milestones(milestones: Vec<MilestoneView>) -> impl IntoView {
    view! {
        <section id="milestones" class="section">
            <h2>{t(k::PILOT_MILESTONES)}</h2>
            {if milestones.is_empty() {
                view! { <p class="empty">{t(k::PILOT_NO_MILESTONES)}</p> }.into_any()
            } else {
                view! {
                    <ol class="milestones">
                        {milestones.into_iter().map(|m| view! { <MilestoneItem m/> }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn MilestoneItem(m: MilestoneView) -> impl IntoView {
    let id = m.id;
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let field = move |name: &'static str| field_error(error.into(), name);
    let owner = if m.owner_is_team {
        tf(k::MILESTONE_OWNER_TEAM, &[("team", &m.owner_name)])
    } else {
        m.owner_name.clone()
    };
    let status_id = format!("status-{id}");
    view! {
        <li id=format!("milestone-{id}") class=format!("milestone timing-{}", m.timing.code())>
            <div class="milestone-head">
                <h3>{m.title.clone()}</h3>
                <TimingBadge timing=m.timing days=m.days_overdue/>
            </div>
            <p class="milestone-meta">
                <span>{t(m.status.label())}</span>" · "
                <span>{t(k::MILESTONE_OWNER)}": "{owner}</span>" · "
                <span>{t(k::MILESTONE_DUE)}": "<time>{day(m.due_on)}</time></span>
                {m.last_day.map(|last| view! { " "<a class="muted small" href="/calendar">{tf(k::MILESTONE_LAST_DAY, &[("date", &day(last))])}</a> })}
                {m.done_at.map(|at| view! { " · "<span>{t(k::MILESTONE_DONE_AT)}": "{format_datetime(at)}</span> })}
            </p>
            {m.original_due_on.map(|first| view! {
                <p class="moved small">
                    {t(k::MILESTONE_FIRST_DUE)}": "<del>{day(first)}</del>" → "{day(m.due_on)}
                    {m.move_reason.clone().map(|r| view! { <span class="muted">" — "{r}</span> })}
                </p>
            })}
            {m.blocked_reason.clone().map(|r| view! { <p class="alert alert-error small">{t(k::MILESTONE_BLOCKED_BECAUSE)}": "{r}</p> })}
            {(m.evidence_text.is_some() || m.evidence_url.is_some() || m.evidence_file.is_some()).then(|| view! {
                <div class="evidence">
                    <p class="small"><strong>{t(k::MILESTONE_EVIDENCE)}</strong></p>
                    {m.evidence_text.clone().map(|text| view! { <p class="pre-line small">{text}</p> })}
                    {m.evidence_url.clone().map(|url| view! { <p class="small"><a href=url.clone() rel="noopener nofollow">{url.clone()}</a></p> })}
                    {m.evidence_file.clone().map(|f| view! { <p class="small"><a href=f.url()>{f.name.clone()}</a>" ("{f.size_label()}")"</p> })}
                </div>
            })}
            {m.can_update.then(|| view! {
                <details class="secondary-form">
                    <summary>{t(k::MILESTONE_UPDATE_STATUS)}</summary>
                    <MultipartForm action=crate::api::pilot::SetMilestoneStatus::PATH>
                        <input type="hidden" name="milestone_id" value=id.to_string()/>
                        <FormAlert error=error/>
                        <div class="field">
                            <label for=status_id.clone()>{t(k::MILESTONE_NEW_STATUS)}</label>
                            <select id=status_id.clone() name="status">
                                {MilestoneStatus::ALL.into_iter().map(|s| view! { <option value=s.code() selected=s == m.status>{t(s.label())}</option> }).collect_view()}
                            </select>
                        </div>
                        <FieldTextarea id=format!("blocked-{id}") name="blocked_reason" label=k::MILESTONE_BLOCKED_REASON hint=k::HINT_BLOCKED_REASON error=field("blocked_reason") rows=3 required=false/>
                        <FieldTextarea id=format!("evidence-{id}") name="evidence_text" label=k::MILESTONE_EVIDENCE_TEXT hint=k::HINT_EVIDENCE error=field("evidence_text") rows=3 required=false/>
                        <FieldInput id=format!("evidence-url-{id}") name="evidence_url" label=k::MILESTONE_EVIDENCE_URL hint=k::HINT_EVIDENCE_URL error=field("evidence_url") kind="url" required=false/>
                        <FieldInput id=format!("evidence-file-{id}") name="evidence_file" label=k::MILESTONE_EVIDENCE_FILE hint=k::HINT_EVIDENCE_FILE error=field("evidence_file") kind="file" required=false/>
                        <button type="submit" class="button" disabled=move || pending.get()>{t(k::MILESTONE_SAVE_STATUS)}</button>
                    </MultipartForm>
                </details>
            })}
        </li>
    }
    .into_any()
}

/// A sentence saying what the chart shows, for those who cannot see it.
fn describe_kpi(kpi: &KpiView, locale: Locale) -> String {
    let now = kpi
        .latest()
        .map(|m| {
            locale.tf(
                k::KPI_NOW_ON,
                &[
                    ("value", &format_figure(m.value)),
                    ("unit", &kpi.unit),
                    ("date", &day(m.measured_on)),
                ],
            )
        })
        .unwrap_or_else(|| locale.t(k::KPI_NOT_MEASURED).to_owned());
    locale.tf(
        k::KPI_DESCRIBE,
        &[
            ("baseline", &format_figure(kpi.baseline)),
            ("target", &format_figure(kpi.target)),
            ("unit", &kpi.unit),
            ("now", &now),
        ],
    )
}

#[component]
fn Kpis(
    kpis: Vec<KpiView>,
    starts_on: chrono::NaiveDate,
    ends_on: chrono::NaiveDate,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section id="kpis" class="section">
            <h2>{t(k::PILOT_KPIS)}</h2>
            {if kpis.is_empty() {
                view! { <p class="empty">{t(k::PILOT_NO_KPIS)}</p> }.into_any()
            } else {
                kpis.into_iter().map(|kpi| {
                    let describe = describe_kpi(&kpi, locale);
                    let reached = kpi.latest().map(|m| kpi_progress(kpi.baseline, kpi.target, m.value));
                    let rows = kpi.measurements.clone();
                    view! {
                        <div class="card kpi">
                            <h3>{kpi.name.clone()}<span class="muted">" ("{kpi.unit.clone()}")"</span></h3>
                            <p class="kpi-line">
                                <span>{t(k::KPI_BASELINE)}" "<strong>{format_figure(kpi.baseline)}</strong></span>
                                <span aria-hidden="true">" → "</span>
                                <span>{t(k::KPI_NOW)}" "<strong>{kpi.latest().map(|m| format_figure(m.value)).unwrap_or_else(|| "–".into())}</strong></span>
                                <span aria-hidden="true">" → "</span>
                                <span>{t(k::KPI_TARGET)}" "<strong>{format_figure(kpi.target)}</strong></span>
                                {reached.map(|r| view! { <span class="tag">{tf(k::KPI_REACHED, &[("percent", &r.to_string())])}</span> })}
                            </p>
                            <KpiChart kpi=kpi.clone() starts_on ends_on describe/>
                            <details>
                                <summary>{t(k::KPI_MEASUREMENTS)}</summary>
                                <table class="data-table">
                                    <thead><tr><th scope="col">{t(k::KPI_DATE)}</th><th scope="col">{t(k::KPI_VALUE)}</th><th scope="col">{t(k::KPI_NOTE)}</th></tr></thead>
                                    <tbody>
                                        {rows.into_iter().map(|m| view! { <tr><td>{day(m.measured_on)}</td><td>{format_figure(m.value)}</td><td>{m.note}</td></tr> }).collect_view()}
                                    </tbody>
                                </table>
                            </details>
                        </div>
                    }
                }).collect_view().into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn Updates(
    pilot_id: i64,
    updates: Vec<UpdateView>,
    can_post: bool,
    can_moderate: bool,
    is_team: bool,
    actions: Actions,
) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let body_error = field_error(error.into(), "body");
    let photos_error = field_error(error.into(), "photos");
    view! {
        <section id="updates" class="section">
            <h2>{t(k::PILOT_UPDATES)}</h2>
            {can_post.then(|| view! {
                <details class="card section-tight post-update">
                    <summary>{if is_team { t(k::PILOT_POST_FOR_TEAM) } else { t(k::PILOT_POST_FOR_CITY) }}</summary>
                    <MultipartForm action=crate::api::pilot::PostPilotUpdate::PATH>
                        <input type="hidden" name="pilot_id" value=pilot_id.to_string()/>
                        <FormAlert error=error/>
                        <crate::layout::FieldTextarea name="body" id="update-body" label=k::PILOT_UPDATE_BODY error=body_error rows=4 maxlength=5000/>
                        <div class="field" class:has-error=move || photos_error.get().is_some()>
                            <label for="update-photos">{t(k::PILOT_UPDATE_PHOTOS)}</label>
                            <p class="hint" id="update-photos-hint">{t(k::HINT_UPDATE_PHOTOS)}</p>
                            <input id="update-photos" name="photos" type="file" accept="image/jpeg,image/png,image/webp" multiple aria-describedby="update-photos-hint"/>
                            <p class="field-error" role="alert" hidden=move || photos_error.get().is_none()>{move || photos_error.get()}</p>
                        </div>
                        <button type="submit" class="button" disabled=move || pending.get()>{t(k::PILOT_POST)}</button>
                    </MultipartForm>
                </details>
            })}
            {if updates.is_empty() {
                view! { <p class="empty">{t(k::PILOT_NO_UPDATES)}</p> }.into_any()
            } else {
                view! {
                    <ol class="updates">
                        {updates.into_iter().map(|u| view! { <UpdateItem u can_moderate actions/> }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn UpdateItem(u: UpdateView, can_moderate: bool, actions: Actions) -> impl IntoView {
    let viewer = viewer_resource();
    let signed_in = move || viewer.get().and_then(|v| v.ok()).flatten().is_some();
    let uid = u.id;
    let comment_error = error_signal(move || actions.comment.value().get());
    let comment_field = field_error(comment_error, "body");
    view! {
        <li class="card update" id=format!("update-{uid}")>
            <p class="update-meta">
                <strong>{if u.author_name.is_empty() { t(k::ACCOUNT_DELETED).to_owned() } else { u.author_name.clone() }}</strong>
                <span class="tag">{if u.by_team { t(k::PILOT_BY_TEAM) } else { t(k::PILOT_BY_CITY) }}</span>
                <time class="muted small">{format_datetime(u.created_at)}</time>
            </p>
            <p class="pre-line">{u.body.clone()}</p>
            {(!u.photos.is_empty()).then(|| view! {
                <div class="photo-grid">
                    {u.photos.clone().into_iter().map(|p| view! { <a href=p.url()><img src=p.url() alt=t(k::PILOT_PHOTO_ALT) loading="lazy"/></a> }).collect_view()}
                </div>
            })}
            <div class="comments">
                <h3 class="visually-hidden">{t(k::PILOT_COMMENTS)}</h3>
                {u.comments.clone().into_iter().map(|c| {
                    let cid = c.id;
                    let reason_id = format!("hide-reason-{cid}");
                    view! {
                        <div class="comment" id=format!("comment-{cid}")>
                            {match c.hidden_reason.clone() {
                                Some(reason) => view! { <p class="muted small">{t(k::PILOT_COMMENT_HIDDEN)}" "{reason}</p> }.into_any(),
                                None => view! {
                                    <p class="small"><strong>{if c.author_name.is_empty() { t(k::ACCOUNT_DELETED).to_owned() } else { c.author_name.clone() }}</strong>" · "<time class="muted">{format_datetime(c.created_at)}</time></p>
                                    <p class="pre-line">{c.body.clone()}</p>
                                    {can_moderate.then(|| view! {
                                        <details class="small">
                                            <summary>{t(k::PILOT_HIDE_COMMENT)}</summary>
                                            <ActionForm action=actions.hide attr:class="inline-form">
                                                <input type="hidden" name="comment_id" value=cid.to_string()/>
                                                <label for=reason_id.clone()>{t(k::PILOT_HIDE_REASON)}</label>
                                                <input id=reason_id.clone() name="reason" required minlength="5"/>
                                                <button type="submit" class="button-secondary button-small">{t(k::PILOT_HIDE)}</button>
                                            </ActionForm>
                                        </details>
                                    })}
                                }.into_any(),
                            }}
                        </div>
                    }
                }).collect_view()}
                <Show when=signed_in fallback=|| ()>
                    <ActionForm action=actions.comment attr:class="comment-form">
                        <input type="hidden" name="update_id" value=uid.to_string()/>
                        <label for=format!("comment-body-{uid}")>{t(k::PILOT_COMMENT_LABEL)}</label>
                        <textarea id=format!("comment-body-{uid}") name="body" rows="2" required maxlength="1000"></textarea>
                        <p class="field-error" role="alert" hidden=move || comment_field.get().is_none()>{move || comment_field.get()}</p>
                        <button type="submit" class="button-secondary button-small">{t(k::PILOT_COMMENT_SEND)}</button>
                    </ActionForm>
                </Show>
            </div>
        </li>
    }
    .into_any()
}

fn stars(n: i32) -> String {
    (1..=5).map(|i| if i <= n { '★' } else { '☆' }).collect()
}

#[component]
fn RatingsSection(pilot_id: i64, ratings: Ratings, actions: Actions) -> impl IntoView {
    let viewer = viewer_resource();
    let signed_in = move || viewer.get().and_then(|v| v.ok()).flatten().is_some();
    let error = error_signal(move || actions.rate.value().get());
    let saved = crate::layout::succeeded(actions.rate);
    let (mine, my_text) = ratings.mine.clone().unwrap_or((0, String::new()));
    let my_text = StoredValue::new(my_text);
    let total = ratings.count.max(1);
    let sign_in = format!("/sign-in?next=/pilots/{pilot_id}%23ratings");
    view! {
        <section id="ratings" class="section">
            <h2>{t(k::PILOT_RATINGS)}</h2>
            <div class="grid-2">
                <div>
                    {match ratings.average {
                        Some(avg) => view! {
                            <p class="big-number" aria-label=tf(k::RATING_AVERAGE, &[("avg", &format!("{avg:.1}").replace('.', ",")), ("n", &ratings.count.to_string())])>
                                {format!("{avg:.1}").replace('.', ",")}<span class="stars" aria-hidden="true">" "{stars(avg.round() as i32)}</span>
                            </p>
                            <p class="muted">{tf(k::RATING_COUNT, &[("n", &ratings.count.to_string())])}</p>
                            <table class="histogram">
                                <caption class="visually-hidden">{t(k::RATING_HISTOGRAM)}</caption>
                                <tbody>
                                    {(1..=5).rev().map(|s| {
                                        let n = ratings.histogram[(s - 1) as usize];
                                        let pct = n * 100 / total;
                                        view! {
                                            <tr>
                                                <th scope="row">{tf(k::RATING_STARS, &[("n", &s.to_string())])}</th>
                                                <td><ShareBar percent=pct as i64/></td>
                                                <td class="small">{n.to_string()}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        None => view! { <p class="empty">{t(k::RATING_NONE)}</p> }.into_any(),
                    }}
                </div>
                <Show when=signed_in fallback=move || view! { <p><a class="button-secondary" href=sign_in.clone()>{t(k::RATING_SIGN_IN)}</a></p> }>
                    <ActionForm action=actions.rate attr:class="card section-tight rating-form">
                        <input type="hidden" name="pilot_id" value=pilot_id.to_string()/>
                        <fieldset class="plain-fieldset">
                            <legend>{if mine > 0 { t(k::RATING_CHANGE) } else { t(k::RATING_ASK) }}</legend>
                            // What the person gave, as the page now knows it: the confirmation a
                            // rating sent without the page's code comes back to.
                            {(mine > 0).then(|| view! { <p class="muted small">{tf(k::RATING_YOURS, &[("n", &mine.to_string())])}</p> })}
                            <div class="star-choice">
                                {(1..=5).map(|s| view! {
                                    <label>
                                        <input type="radio" name="stars" value=s.to_string() checked=s == mine required/>
                                        <span>{tf(k::RATING_STARS, &[("n", &s.to_string())])}</span>
                                    </label>
                                }).collect_view()}
                            </div>
                        </fieldset>
                        <label for="rating-comment">{t(k::RATING_COMMENT)}</label>
                        <textarea id="rating-comment" name="comment" rows="2" maxlength="1000">{crate::layout::textarea_text(my_text.get_value())}</textarea>
                        <FormAlert error/>
                        <p class="field-error" role="alert" hidden=move || error.get().is_none()>{move || error.get().map(|e| e.message(use_locale()))}</p>
                        <button type="submit" class="button">{t(k::RATING_SAVE)}</button>
                        <p class="muted small" role="status">{move || saved.get().then(|| t(k::RATING_SAVED))}</p>
                    </ActionForm>
                </Show>
            </div>
            {(!ratings.recent.is_empty()).then(|| view! {
                <ul class="plain-list ratings">
                    {ratings.recent.clone().into_iter().map(|r| view! {
                        <li>
                            <p><span class="stars" aria-label=tf(k::RATING_STARS, &[("n", &r.stars.to_string())])>{stars(r.stars)}</span>" "<strong>{if r.author_name.is_empty() { t(k::ACCOUNT_DELETED).to_owned() } else { r.author_name.clone() }}</strong></p>
                            <p class="pre-line">{r.comment.clone()}</p>
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
    .into_any()
}

#[component]
fn History(history: Vec<HistoryEntry>, locale: Locale, feed: String) -> impl IntoView {
    view! {
        <section id="history" class="section">
            <h2>{t(k::CHALLENGE_HISTORY)}</h2>
            <p class="muted small"><a href=feed type="application/atom+xml" rel="external">{t(k::FEED_FOLLOW)}</a></p>
            <ol class="history">
                {history.into_iter().map(|h| {
                    let action = lookup(&format!("history.{}", h.action.replace('.', "_")))
                        .map(|text| locale.t(text).to_owned())
                        .unwrap_or_else(|| h.action.clone());
                    let detail = |name: &str| h.details.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
                    let what = match (detail("milestone"), detail("from"), detail("to")) {
                        (Some(m), Some(from), Some(to)) => Some(format!("{m}: {from} → {to}")),
                        (Some(m), _, _) => Some(match detail("status").and_then(|s| MilestoneStatus::from_code(&s)) {
                            Some(s) => format!("{m}: {}", locale.t(s.label())),
                            None => m,
                        }),
                        (None, Some(from), Some(to)) => Some(format!("{from} → {to}")),
                        _ => None,
                    };
                    let who = match (&h.actor_title, h.actor_name.is_empty()) {
                        (_, true) => t(k::HISTORY_PARTICIPANT).to_owned(),
                        (Some(title), false) => format!("{} ({title})", h.actor_name),
                        (None, false) => h.actor_name.clone(),
                    };
                    view! {
                        <li>
                            <p><strong>{action}</strong>{what.map(|w| format!(" — {w}"))}</p>
                            <p class="muted small">{who}" · "{format_datetime(h.at)}</p>
                            {h.reason.clone().map(|r| view! { <p class="pre-line small">{tf(k::HISTORY_REASON, &[("reason", &r)])}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
    .into_any()
}
