//! The site's own address, for the links that leave it (in emails). A plain value: each request
//! builds it from the settings at its edge, each background worker from the configuration, and
//! whatever writes an email is handed one, so no email is written without it. And the one way
//! a value goes into an address's query.

/// `value` as it goes into an address's query (`lan+1@x.vn` is `lan%2B1%40x.vn`).
pub fn url_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Absolute links to the site's pages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Links {
    base: String,
}

impl Links {
    /// Links under `base_url` (`https://vidan.phuong1.gov.vn`; a trailing `/` is dropped).
    pub fn new(base_url: &str) -> Self {
        Links {
            base: base_url.trim_end_matches('/').to_owned(),
        }
    }

    /// The absolute address of the site's `path` (`/teams/7`).
    pub fn to(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_in_a_query_keeps_only_unreserved_characters() {
        assert_eq!(url_encode("lan+test@example.vn"), "lan%2Btest%40example.vn");
    }

    #[test]
    fn a_link_is_the_site_address_and_the_path() {
        let links = Links::new("https://vidan.phuong1.gov.vn/");
        assert_eq!(links.to("/teams/7"), "https://vidan.phuong1.gov.vn/teams/7");
    }
}
