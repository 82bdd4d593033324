//! Vietnamese first, English one click away: the locale of a request and the texts in both languages.
//!
//! Texts live in `app/locales/*.json`; `build.rs` turns each key into a constant under [`k`], so a
//! view that names a missing key does not compile.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub mod format;
pub use format::{format_date, format_datetime, format_vnd};

include!(concat!(env!("OUT_DIR"), "/i18n_keys.rs"));

/// The name of the cookie that keeps a visitor's language.
pub const LANG_COOKIE: &str = "vidan_lang";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    Vi,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Vi, Locale::En];

    pub fn code(self) -> &'static str {
        match self {
            Locale::Vi => "vi",
            Locale::En => "en",
        }
    }

    /// Reads a language code; anything unknown is Vietnamese, the platform's first language.
    pub fn from_code(code: &str) -> Locale {
        match code.trim() {
            "en" => Locale::En,
            _ => Locale::Vi,
        }
    }

    /// The locale named by the `vidan_lang` cookie in a `Cookie` header, if any.
    pub fn from_cookie_header(header: &str) -> Option<Locale> {
        header.split(';').find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == LANG_COOKIE).then(|| Locale::from_code(value))
        })
    }

    pub fn t(self, text: Text) -> &'static str {
        text.get(self)
    }

    /// A text with its `{name}` parameters filled in.
    pub fn tf(self, text: Text, params: &[(&str, &str)]) -> String {
        fill(text.get(self), params)
    }
}

/// One text in both languages, indexed by [`Locale`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Text(pub [&'static str; 2]);

impl Text {
    pub fn get(self, locale: Locale) -> &'static str {
        self.0[locale as usize]
    }
}

pub fn fill(template: &str, params: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in params {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// A parameter of a stored or sent message as `locale` shows it: a `t:key` is that key's text, and
/// a list of them (`t:field.entry_title, t:field.entry_cost`) a list of texts. Anything else, a
/// name or a number, is shown as it is.
pub fn localise_value(value: &str, locale: Locale) -> String {
    if !value.contains("t:") {
        return value.to_owned();
    }
    value
        .split(", ")
        .map(|part| {
            part.strip_prefix("t:")
                .and_then(lookup)
                .map(|text| locale.t(text).to_owned())
                .unwrap_or_else(|| part.to_owned())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The locale of the page being rendered (set once per page load from the cookie).
pub fn use_locale() -> Locale {
    use_context::<Locale>().unwrap_or_default()
}

/// Shorthand for views: the text in the page's language.
pub fn t(text: Text) -> &'static str {
    use_locale().t(text)
}

/// Shorthand for views: a text with placeholders filled in.
pub fn tf(text: Text, params: &[(&str, &str)]) -> String {
    use_locale().tf(text, params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parameter_naming_texts_is_shown_in_the_language_asked() {
        let fields = "t:field.entry_title, t:field.entry_cost";
        assert_eq!(
            localise_value(fields, Locale::En),
            format!(
                "{}, {}",
                Locale::En.t(k::FIELD_ENTRY_TITLE),
                Locale::En.t(k::FIELD_ENTRY_COST)
            )
        );
        assert_ne!(
            localise_value(fields, Locale::Vi),
            localise_value(fields, Locale::En)
        );
        assert_eq!(localise_value("Lan, Minh", Locale::En), "Lan, Minh");
    }
    use std::collections::BTreeMap;

    fn keys(json: &str) -> BTreeMap<String, String> {
        serde_json::from_str(json).expect("flat JSON object")
    }

    #[test]
    fn every_key_exists_in_both_languages() {
        let vi = keys(include_str!("../../locales/vi.json"));
        let en = keys(include_str!("../../locales/en.json"));
        let only_vi: Vec<_> = vi.keys().filter(|k| !en.contains_key(*k)).collect();
        let only_en: Vec<_> = en.keys().filter(|k| !vi.contains_key(*k)).collect();
        assert!(only_vi.is_empty(), "missing in en.json: {only_vi:?}");
        assert!(only_en.is_empty(), "missing in vi.json: {only_en:?}");
    }

    #[test]
    fn no_text_is_empty_and_parameters_match_across_languages() {
        let vi = keys(include_str!("../../locales/vi.json"));
        let en = keys(include_str!("../../locales/en.json"));
        let parameter_names = |s: &str| {
            let mut found: Vec<String> = s
                .split('{')
                .skip(1)
                .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
                .collect();
            found.sort();
            found
        };
        for (key, v) in &vi {
            assert!(!v.trim().is_empty(), "empty Vietnamese text for {key}");
            if let Some(e) = en.get(key) {
                assert!(!e.trim().is_empty(), "empty English text for {key}");
                assert_eq!(
                    parameter_names(v),
                    parameter_names(e),
                    "parameters differ for {key}"
                );
            }
        }
    }

    #[test]
    fn the_language_cookie_is_read_and_unknown_codes_mean_vietnamese() {
        assert_eq!(
            Locale::from_cookie_header("a=1; vidan_lang=en"),
            Some(Locale::En)
        );
        assert_eq!(
            Locale::from_cookie_header("vidan_lang=fr"),
            Some(Locale::Vi)
        );
        assert_eq!(Locale::from_cookie_header("other=en"), None);
    }

    #[test]
    fn parameters_are_filled() {
        assert_eq!(fill("{n} of {m}", &[("n", "7"), ("m", "12")]), "7 of 12");
    }
}
