//! A challenge as a card in a list.

use leptos::prelude::*;

use crate::challenge::model::ChallengeCard;
use crate::i18n::{format_datetime, format_vnd, k, t, use_locale};
use crate::layout::{Countdown, PhaseBadge};

#[component]
pub fn ChallengeCardView(card: ChallengeCard) -> impl IntoView {
    let locale = use_locale();
    let href = format!("/challenges/{}", card.slug);
    view! {
        <li class="card challenge-card">
            {match card.cover.clone() {
                Some(cover) => view! { <img class="card-cover" src=cover.url() alt="" loading="lazy"/> }.into_any(),
                None => view! { <div class=format!("card-cover cover-{}", card.category.code()) aria-hidden="true"><span>{t(card.category.label())}</span></div> }.into_any(),
            }}
            <div class="card-body">
                <div class="card-meta">
                    <PhaseBadge phase=card.phase/>
                    <span class="muted">{card.organisation.name(locale).to_owned()}</span>
                </div>
                <h3><a href=href>{card.title.clone()}</a></h3>
                <p>{card.summary.clone()}</p>
                <div class="card-foot">
                    {card.next.map(|(milestone, at)| view! {
                        <p class="next-deadline">
                            <span>{t(milestone.label())}</span>": "
                            <span title=format_datetime(at)><Countdown at/></span>
                        </p>
                    })}
                    {(card.prize_total_vnd > 0).then(|| view! {
                        <p class="prize-total">{t(k::CHALLENGE_PRIZES_TOTAL)}": "<strong>{format_vnd(card.prize_total_vnd)}</strong></p>
                    })}
                </div>
            </div>
        </li>
    }
}
