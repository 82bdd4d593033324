//! A page as it travels: the Open Graph tags a messaging app reads when its link is pasted (Zalo,
//! Messenger and the rest show its title, a line about it and its picture), and a way to share it
//! that opens the phone's own share sheet, with what works before any code has loaded (a text
//! message, an email, the address to copy). No third party's script is loaded.

use leptos::prelude::*;
use leptos_meta::Meta;

use crate::i18n::{k, t};

/// The site's own address (`https://vidan.example`), for what leaves the site (a shared page's
/// address and picture); the app's shell provides it.
#[derive(Clone, Debug, Default)]
pub struct SiteOrigin(pub String);

/// The site's own address, as the app's shell gives it.
pub fn site_origin() -> String {
    use_context::<SiteOrigin>()
        .map(|origin| origin.0)
        .unwrap_or_default()
}

/// What a link to this page shows where it is pasted: `title`, a line of `description`, the page's
/// address (`path`) and its picture (`image`, a path on this site), all as addresses a crawler
/// can fetch.
#[component]
pub fn SharedAs(
    title: String,
    description: String,
    path: String,
    image: Option<String>,
) -> impl IntoView {
    let origin = site_origin();
    let description = one_line(&description, 200);
    let card = if image.is_some() {
        "summary_large_image"
    } else {
        "summary"
    };
    let image = image.map(|image| format!("{origin}{image}"));
    view! {
        <Meta property="og:site_name" content="Vì Dân"/>
        <Meta property="og:type" content="website"/>
        <Meta property="og:title" content=title/>
        <Meta property="og:description" content=description/>
        <Meta property="og:url" content=format!("{origin}{path}")/>
        {image.map(|image| view! { <Meta property="og:image" content=image/> })}
        <Meta name="twitter:card" content=card/>
    }
}

/// `text` on one line, cut at a word before `max` characters.
fn one_line(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max).collect();
    match cut.rsplit_once(' ') {
        Some((head, _)) => format!("{head}…"),
        None => format!("{cut}…"),
    }
}

/// Sharing this page: the phone's own share sheet (Zalo, Messenger, text messages, whatever the
/// phone has) once the page's code runs, or a copied address where there is no sheet; and, with
/// or without code, a text message or an email with the link, and the address to copy.
#[component]
pub fn Share(title: String, path: String) -> impl IntoView {
    let url = format!("{}{path}", site_origin());
    let message = format!("{title} {url}");
    let sms = format!("sms:?&body={}", crate::links::url_encode(&message));
    let mail = format!(
        "mailto:?subject={}&body={}",
        crate::links::url_encode(&title),
        crate::links::url_encode(&url)
    );
    view! {
        <details class="share">
            <summary>{t(k::SHARE)}</summary>
            <div class="share-body">
                <ShareSheet title=title.clone() url=url.clone()/>
                <p><a href=sms>{t(k::SHARE_BY_SMS)}</a>" · "<a href=mail>{t(k::SHARE_BY_EMAIL)}</a></p>
                <label class="share-address">
                    <span>{t(k::SHARE_ADDRESS)}</span>
                    <input type="text" readonly value=url/>
                </label>
            </div>
        </details>
    }
}

/// The button that opens the phone's share sheet (the page's code handles its press,
/// `layout::in_place`), with what it may have to say.
#[component]
fn ShareSheet(title: String, url: String) -> impl IntoView {
    view! {
        <button
            type="button"
            class="button-secondary"
            data-share-sheet=url
            data-title=title
            data-copied=t(k::SHARE_COPIED)
            data-copy-by-hand=t(k::SHARE_COPY_BY_HAND)
        >
            {t(k::SHARE_SHEET)}
        </button>
        <p class="hint" role="status"></p>
    }
}

/// What the button does in the browser.
#[cfg(feature = "hydrate")]
pub(crate) mod browser {
    use web_sys::Element;

    /// Opens the phone's share sheet with the page; a browser without one gets the address
    /// copied, and the button's status line says whether it was.
    pub fn pressed(button: &Element) {
        let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
            return;
        };
        let word = |name: &str| button.get_attribute(name).unwrap_or_default();
        let url = word("data-share-sheet");
        let data = web_sys::ShareData::new();
        data.set_title(&word("data-title"));
        data.set_url(&url);
        if navigator.can_share_with_data(&data) {
            // Closing the sheet without choosing rejects the promise: nothing to say then.
            let _ = navigator.share_with_data(&data);
            return;
        }
        let copied = navigator.clipboard().write_text(&url);
        let (copied_word, by_hand) = (word("data-copied"), word("data-copy-by-hand"));
        let status = button.next_element_sibling();
        leptos::task::spawn_local(async move {
            let done = wasm_bindgen_futures::JsFuture::from(copied).await.is_ok();
            if let Some(status) = status {
                status.set_text_content(Some(if done { &copied_word } else { &by_hand }));
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_description_is_one_line_cut_at_a_word() {
        assert_eq!(one_line("Hàng chờ\n\nhai giờ", 200), "Hàng chờ hai giờ");
        assert_eq!(
            one_line("Người dân chờ hai giờ ở bộ phận một cửa", 20),
            "Người dân chờ hai…"
        );
    }
}
