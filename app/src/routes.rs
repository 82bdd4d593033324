//! Which pages load code in the browser.

/// Whether the page at `path` is sent with the scripts that load its islands' code.
///
/// Some pages have nothing to do in the browser: they read, link, and filter with plain `GET`
/// forms, and the forms every page has (the language switch, signing out) work without
/// JavaScript. They are sent without the scripts, so a first visit to one (the home page, above
/// all) downloads no WebAssembly. Every other page loads the islands' code: its forms show their
/// errors in place (`layout::FormsInPlace`), and some have more (live vote totals, a score sheet
/// that saves itself).
///
/// A page not listed here, a new one included, gets its code.
pub fn runs_in_browser(path: &str) -> bool {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    !matches!(
        segments.as_slice(),
        [] | ["organisations"]
            | ["challenges"]
            | ["challenges", _, "results"]
            | ["pilots"]
            | ["dashboard"]
            | ["open-data"]
            | ["reports"]
            | ["commitments"]
    )
}

#[cfg(test)]
mod tests {
    use super::runs_in_browser;

    #[test]
    fn pages_with_nothing_to_do_in_the_browser_are_sent_without_their_code() {
        for path in [
            "/",
            "/challenges",
            "/challenges/",
            "/pilots",
            "/dashboard",
            "/open-data",
        ] {
            assert!(!runs_in_browser(path), "{path}");
        }
        assert!(!runs_in_browser("/challenges/mot-cua/results"));
        assert!(!runs_in_browser("/reports"));
        assert!(!runs_in_browser("/organisations"));
        assert!(!runs_in_browser("/commitments"));
    }

    #[test]
    fn pages_with_forms_or_live_parts_get_their_code() {
        for path in [
            "/challenges/mot-cua",
            "/challenges/mot-cua/entries",
            "/pilots/3",
            "/reports/new",
            "/reports/12",
            "/sign-in",
            "/register",
            "/judging/entries/4",
            "/staff/challenges/new",
            "/account",
            "/some-page-added-later",
        ] {
            assert!(runs_in_browser(path), "{path}");
        }
    }
}
