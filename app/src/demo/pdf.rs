//! A small, valid one-page PDF for demo attachments, written by hand so the demo needs no files.

/// A PDF whose page shows `heading` (ASCII only: the standard Helvetica font has no Vietnamese).
pub fn one_page(heading: &str) -> String {
    let text: String = heading
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ')
        .collect();
    let stream = format!(
        "BT /F1 28 Tf 72 720 Td ({text}) Tj ET\nBT /F1 14 Tf 72 680 Td (Vi Dan - demo pitch deck) Tj ET"
    );
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    document(&objects, "")
}

/// A PDF of `objects`, numbered from 1 (the first is the catalogue), with `trailer` added to its
/// trailer dictionary (`/Info 6 0 R`, say).
pub fn document(objects: &[String], trailer: &str) -> String {
    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.push_str(&format!("{} 0 obj\n{body}\nendobj\n", i + 1));
    }
    let xref = pdf.len();
    pdf.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objects.len() + 1
    ));
    for offset in offsets {
        pdf.push_str(&format!("{offset:010} 00000 n \n"));
    }
    pdf.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R {trailer}>>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    pdf
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_cross_reference_table_points_at_each_object() {
        let pdf = super::one_page("Tong Dai Xanh");
        assert!(pdf.starts_with("%PDF-1.4"));
        let xref_at: usize = pdf.lines().rev().nth(1).unwrap().parse().unwrap();
        assert!(pdf[xref_at..].starts_with("xref"));
        let first = pdf[xref_at..].lines().nth(3).unwrap();
        let offset: usize = first[..10].parse().unwrap();
        assert!(pdf[offset..].starts_with("1 0 obj"));
    }
}
