//! Organisations as pages show them, and the rules for creating one.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::i18n::{Locale, Text, k};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrgKind {
    City,
    Ward,
    Commune,
    Department,
}

impl OrgKind {
    pub const ALL: [OrgKind; 4] = [
        OrgKind::City,
        OrgKind::Ward,
        OrgKind::Commune,
        OrgKind::Department,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrgKind::City => "city",
            OrgKind::Ward => "ward",
            OrgKind::Commune => "commune",
            OrgKind::Department => "department",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> Text {
        match self {
            OrgKind::City => k::ORG_KIND_CITY,
            OrgKind::Ward => k::ORG_KIND_WARD,
            OrgKind::Commune => k::ORG_KIND_COMMUNE,
            OrgKind::Department => k::ORG_KIND_DEPARTMENT,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub user_id: i64,
    pub display_name: String,
    pub email: String,
    pub title: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: i64,
    pub slug: String,
    pub name_vi: String,
    pub name_en: String,
    pub kind: OrgKind,
    pub parent_id: Option<i64>,
    pub response_days: i32,
}

impl Organisation {
    pub fn name(&self, locale: Locale) -> &str {
        match locale {
            Locale::Vi => &self.name_vi,
            Locale::En => &self.name_en,
        }
    }
}

/// An organisation with its staff, for the admin page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationAdmin {
    pub organisation: Organisation,
    pub staff: Vec<StaffMember>,
}

/// A URL-safe name: Vietnamese letters lose their marks ("Phường Bến Thành" → "phuong-ben-thanh").
pub fn slugify(name: &str) -> String {
    let mut out = String::new();
    for ch in name.chars().flat_map(char::to_lowercase) {
        let base = crate::i18n::format::strip_diacritic(ch);
        if base.is_ascii_alphanumeric() {
            out.push(base);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').chars().take(64).collect()
}

pub fn check_names(name_vi: &str, name_en: &str) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    for (field, value) in [("name_vi", name_vi), ("name_en", name_en)] {
        let n = value.trim().chars().count();
        if !(2..=160).contains(&n) {
            errors.push(FieldError::new(field, "error.org_name_length").with("max", 160));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_drop_vietnamese_marks() {
        assert_eq!(slugify("Phường Bến Thành"), "phuong-ben-thanh");
        assert_eq!(
            slugify("  Sở Thông tin & Truyền thông "),
            "so-thong-tin-truyen-thong"
        );
        assert_eq!(slugify("Xã Quảng Trực"), "xa-quang-truc");
    }

    #[test]
    fn names_in_both_languages_are_required() {
        assert!(check_names("Phường 1", "Ward 1").is_ok());
        let errors = check_names("", "W").unwrap_err();
        assert_eq!(errors.len(), 2);
    }
}
