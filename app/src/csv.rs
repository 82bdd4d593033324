//! Writing CSV that spreadsheets read right: UTF-8 with a byte-order mark, CRLF line ends, and
//! cells quoted when they hold a comma, a quote or a line break.

/// The byte-order mark that makes a spreadsheet read the file as UTF-8 (Vietnamese marks intact).
pub const BOM: &str = "\u{feff}";

/// One cell, quoted when it needs to be. Text that a spreadsheet would run as a formula (it
/// starts with `=`, `+`, `-` or `@` and is not a number) gets a leading apostrophe.
pub fn cell(value: &str) -> String {
    let formula =
        value.starts_with(['=', '+', '-', '@', '\t', '\r']) && value.parse::<f64>().is_err();
    let value = if formula {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// One line of cells, ended with CRLF.
pub fn line<S: AsRef<str>>(cells: &[S]) -> String {
    let mut out = cells
        .iter()
        .map(|c| cell(c.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn cells_with_commas_quotes_or_breaks_are_quoted() {
        assert_eq!(super::cell("Phường 1"), "Phường 1");
        assert_eq!(super::cell("a,b"), "\"a,b\"");
        assert_eq!(super::cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(super::line(&["a", "b\nc"]), "a,\"b\nc\"\r\n");
    }

    #[test]
    fn text_a_spreadsheet_would_run_is_defused_but_numbers_stay() {
        assert_eq!(
            super::cell("=HYPERLINK(\"x\")"),
            "\"'=HYPERLINK(\"\"x\"\")\""
        );
        assert_eq!(super::cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(super::cell("-3"), "-3");
        assert_eq!(super::cell("+84 912"), "'+84 912");
    }
}
