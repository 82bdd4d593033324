//! Markdown written by staff and teams, turned into HTML that cannot carry script: raw HTML is
//! shown as the text it is, and links and images keep only web, mail and same-site addresses.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, html};

pub fn to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// An allow-list, not a deny-list: `java\tscript:` and friends fall through to `#`.
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim().to_ascii_lowercase();
    let allowed = ["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
        || (lower.starts_with('/') && !lower.starts_with("//"))
        || lower.starts_with('#');
    if allowed { url } else { CowStr::from("#") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_html() {
        let html = to_safe_html("## Bối cảnh\n\nNgười dân **xếp hàng** 2 giờ.\n\n- một\n- hai");
        assert!(html.contains("<h2>Bối cảnh</h2>"));
        assert!(html.contains("<strong>xếp hàng</strong>"));
        assert!(html.contains("<li>hai</li>"));
    }

    #[test]
    fn markdown_cannot_inject_script() {
        let html = to_safe_html(
            "<script>alert(1)</script>\n\nHi <img src=x onerror=alert(2)> [a](javascript:alert(3)) \
             [b](JaVa\tScRiPt:alert(4)) ![c](data:text/html,x) [ok](https://tayninh.gov.vn)",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img src=x"), "{html}");
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.to_lowercase().contains("javascript:"), "{html}");
        assert!(!html.contains("data:text"), "{html}");
        assert!(html.contains(r#"href="https://tayninh.gov.vn""#));
    }
}
