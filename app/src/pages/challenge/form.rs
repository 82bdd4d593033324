//! The fields of a challenge, shared by the create and edit pages. Names are `form[…]`, the
//! server function's one argument; errors come back per field.

use leptos::prelude::*;

use crate::challenge::draft::{PRIZE_ROWS, SUMMARY_MAX};
use crate::challenge::model::ChallengeForm;
use crate::error::AppError;
use crate::i18n::{k, t};
use crate::layout::{FieldInput, FieldSelect, FieldTextarea, field_error};
use crate::report::model::Category;

#[component]
pub fn ChallengeFields(
    form: ChallengeForm,
    error: Signal<Option<AppError>>,
    /// A published challenge's dates move one at a time, with a reason: shown, not edited here.
    #[prop(default = false)]
    dates_locked: bool,
) -> impl IntoView {
    let categories: Vec<(String, String)> = Category::ALL
        .into_iter()
        .map(|c| (c.code().to_owned(), t(c.label()).to_owned()))
        .collect();
    let rows = (form.prize_label.len() + 1).clamp(3, PRIZE_ROWS);
    let vote_on = form.vote_enabled.is_some();
    let locale = crate::i18n::use_locale();
    let date = move |name: &'static str, field: &'static str, label, value: String| {
        let error_text = field_error(error, field);
        let id = format!("field-{field}");
        view! {
            <div class="field" class:has-error=move || error_text.get().is_some()>
                <label for=id.clone()>{t(label)}</label>
                <input id=id type="datetime-local" name=name value=value readonly=dates_locked
                    aria-invalid=move || error_text.get().is_some().then_some("true")/>
                <p class="field-error" role="alert" hidden=move || error_text.get().is_none()>{move || error_text.get()}</p>
            </div>
        }
    };
    view! {
        <fieldset>
            <legend>{t(k::CHALLENGE_FORM_ABOUT)}</legend>
            <FieldInput name="form[title]" label=k::FIELD_CHALLENGE_TITLE value=form.title.clone() hint=k::HINT_CHALLENGE_TITLE error=field_error(error, "title")/>
            <FieldTextarea name="form[summary]" id="summary" label=k::FIELD_SUMMARY rows=3 maxlength=SUMMARY_MAX value=form.summary.clone() error=field_error(error, "summary")/>
            <FieldTextarea name="form[brief]" id="brief" label=k::FIELD_BRIEF hint=k::HINT_BRIEF rows=12 required=false value=form.brief.clone() error=field_error(error, "brief")/>
            <FieldSelect name="form[category]" label=k::FIELD_CATEGORY options=categories selected=form.category.clone() empty_option=k::FIELD_CHOOSE error=field_error(error, "category")/>
        </fieldset>
        <fieldset>
            <legend>{t(k::CHALLENGE_FORM_WHO)}</legend>
            <FieldTextarea name="form[eligibility]" id="eligibility" label=k::FIELD_ELIGIBILITY rows=3 required=false value=form.eligibility.clone() error=field_error(error, "eligibility")/>
            <div class="grid-2 tight">
                <FieldInput name="form[team_min]" label=k::FIELD_TEAM_MIN kind="number" inputmode="numeric" value=form.team_min.clone() error=field_error(error, "team_min")/>
                <FieldInput name="form[team_max]" label=k::FIELD_TEAM_MAX kind="number" inputmode="numeric" value=form.team_max.clone() error=field_error(error, "team_max")/>
            </div>
        </fieldset>
        <fieldset>
            <legend>{t(k::CHALLENGE_FORM_MONEY)}</legend>
            <p class="hint">{t(k::HINT_PRIZES)}</p>
            {(0..rows).map(|i| {
                let label = form.prize_label.get(i).cloned().unwrap_or_default();
                let amount = form.prize_amount.get(i).cloned().unwrap_or_default();
                let field = format!("prize_{i}");
                let error_text = Signal::derive(move || error.get().and_then(|e| e.field_message(&field, locale)));
                view! {
                    <div class="prize-row" class:has-error=move || error_text.get().is_some()>
                        <div class="field">
                            <label for=format!("prize-label-{i}")>{t(k::FIELD_PRIZE_LABEL)}" "{i + 1}</label>
                            <input id=format!("prize-label-{i}") name=format!("form[prize_label][{i}]") value=label/>
                        </div>
                        <div class="field">
                            <label for=format!("prize-amount-{i}")>{t(k::FIELD_PRIZE_AMOUNT)}</label>
                            <input id=format!("prize-amount-{i}") name=format!("form[prize_amount][{i}]") value=amount inputmode="numeric"/>
                        </div>
                        <p class="field-error" role="alert" hidden=move || error_text.get().is_none()>{move || error_text.get()}</p>
                    </div>
                }
            }).collect_view()}
            <FieldInput name="form[pilot_budget]" label=k::FIELD_PILOT_BUDGET inputmode="numeric" required=false value=form.pilot_budget.clone() error=field_error(error, "pilot_budget")/>
        </fieldset>
        <fieldset>
            <legend>{t(k::CHALLENGE_FORM_TIMETABLE)}</legend>
            <p class="hint">{if dates_locked { t(k::HINT_DATES_LOCKED) } else { t(k::HINT_DATES) }}</p>
            {date("form[opens_at]", "opens_at", k::MILESTONE_OPENS, form.opens_at.clone())}
            {date("form[entries_close_at]", "entries_close_at", k::MILESTONE_ENTRIES_CLOSE, form.entries_close_at.clone())}
            {date("form[judging_closes_at]", "judging_closes_at", k::MILESTONE_JUDGING_CLOSES, form.judging_closes_at.clone())}
            <label class="check">
                {if dates_locked {
                    view! {
                        <input type="checkbox" checked=vote_on disabled=true/>
                        {vote_on.then(|| view! { <input type="hidden" name="form[vote_enabled]" value="on"/> })}
                    }.into_any()
                } else {
                    view! { <input type="checkbox" name="form[vote_enabled]" checked=vote_on/> }.into_any()
                }}
                <span>{t(k::FIELD_VOTE_ENABLED)}</span>
            </label>
            <p class="hint">{t(k::HINT_VOTE)}</p>
            {date("form[vote_opens_at]", "vote_opens_at", k::MILESTONE_VOTE_OPENS, form.vote_opens_at.clone())}
            {date("form[vote_closes_at]", "vote_closes_at", k::MILESTONE_VOTE_CLOSES, form.vote_closes_at.clone())}
            {date("form[results_at]", "results_at", k::MILESTONE_RESULTS, form.results_at.clone())}
        </fieldset>
    }
}
