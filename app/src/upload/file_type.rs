//! What a file really is, read from its first bytes (never from its name or the browser's word),
//! images cleaned of the metadata that could tell where a photo was taken, and PDFs of what could
//! tell who wrote them (author, title, XMP) or run when opened (scripts, open actions).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Jpeg,
    Png,
    Webp,
    Pdf,
}

impl FileKind {
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Webp => "image/webp",
            FileKind::Pdf => "application/pdf",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Jpeg => "jpg",
            FileKind::Png => "png",
            FileKind::Webp => "webp",
            FileKind::Pdf => "pdf",
        }
    }

    pub fn is_image(self) -> bool {
        !matches!(self, FileKind::Pdf)
    }
}

pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileKind::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(FileKind::Png)
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(FileKind::Webp)
    } else if bytes.starts_with(b"%PDF-") {
        Some(FileKind::Pdf)
    } else {
        None
    }
}

/// The file is not the image its first bytes promised.
#[derive(Debug, PartialEq, Eq)]
pub struct Malformed;

/// The image without EXIF (where GPS positions live), XMP, IPTC, comments and text chunks; the
/// PDF rewritten without its document information, XMP and scripts (see [`strip_pdf`]).
pub fn strip_metadata(kind: FileKind, bytes: &[u8]) -> Result<Vec<u8>, Malformed> {
    match kind {
        FileKind::Jpeg => strip_jpeg(bytes),
        FileKind::Png => strip_png(bytes),
        FileKind::Webp => strip_webp(bytes),
        FileKind::Pdf => strip_pdf(bytes),
    }
}

/// The most one stream of a PDF may inflate to while it is read: far above what a slide deck's
/// object streams hold, far below what a crafted file could make of a few kilobytes.
const PDF_STREAM_MAX: usize = 16 * 1024 * 1024;

/// The most objects a PDF may hold, and how much larger than the file its rewrite may be: a
/// deck of a hundred slides holds some tens of thousands; more is a file made to cost memory.
const PDF_OBJECTS_MAX: usize = 300_000;
const PDF_GROWTH_MAX: usize = 4;

/// Keys whose values name the author or run something: the document information (author,
/// creator, producer, title, dates) hangs off the trailer; XMP packets hang off the catalogue
/// and any page or image as `/Metadata`; scripts and actions run on opening, on page events or
/// from the names tree. Whatever they point to is dropped with them.
const PDF_KEYS_REMOVED: [&[u8]; 7] = [
    b"Metadata",
    b"PieceInfo",
    b"OpenAction",
    b"AA",
    b"JS",
    b"JavaScript",
    b"EmbeddedFiles",
];

/// The PDF read and written again without its document information, XMP metadata, scripts,
/// automatic actions and embedded files: what a judge downloads cannot name the team through
/// its properties, nor run anything. A file that cannot be read as a PDF (damaged, or locked
/// with a password) is [`Malformed`].
pub fn strip_pdf(bytes: &[u8]) -> Result<Vec<u8>, Malformed> {
    use lopdf::{Document, LoadOptions, Object};
    fn clean(object: &mut Object) {
        let dict = match object {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &mut s.dict,
            Object::Array(items) => {
                items.iter_mut().for_each(clean);
                return;
            }
            _ => return,
        };
        for key in PDF_KEYS_REMOVED {
            dict.remove(key);
        }
        // Actions a reader runs on a click: opening another program or file, sending a form,
        // or a link that is a script lose what they would open or send.
        let action = match dict.get(b"S") {
            Ok(Object::Name(name)) => name.clone(),
            _ => Vec::new(),
        };
        match action.as_slice() {
            b"Launch" | b"SubmitForm" | b"ImportData" | b"GoToE" | b"GoToR" | b"Rendition" => {
                for key in [b"F".as_slice(), b"Win", b"Mac", b"Unix", b"R"] {
                    dict.remove(key);
                }
            }
            b"URI" => {
                let scripted = match dict.get(b"URI") {
                    Ok(Object::String(uri, _)) => {
                        let uri = String::from_utf8_lossy(uri).trim().to_ascii_lowercase();
                        !(uri.starts_with("http://")
                            || uri.starts_with("https://")
                            || uri.starts_with("mailto:"))
                    }
                    _ => false,
                };
                if scripted {
                    dict.remove(b"URI");
                }
            }
            _ => {}
        }
        dict.iter_mut().for_each(|(_, v)| clean(v));
    }
    let options = LoadOptions {
        max_decompressed_size: Some(PDF_STREAM_MAX),
        ..Default::default()
    };
    let mut doc = Document::load_mem_with_options(bytes, options).map_err(|_| Malformed)?;
    if doc.is_encrypted() || doc.objects.len() > PDF_OBJECTS_MAX || doc.get_pages().is_empty() {
        return Err(Malformed);
    }
    doc.trailer.remove(b"Info");
    doc.trailer.remove(b"ID");
    doc.objects.values_mut().for_each(clean);
    doc.prune_objects();
    let mut out = Vec::with_capacity(bytes.len());
    doc.save_to(&mut out).map_err(|_| Malformed)?;
    if out.len() > bytes.len().saturating_mul(PDF_GROWTH_MAX) + 1_000_000 {
        return Err(Malformed);
    }
    Ok(out)
}

fn strip_jpeg(bytes: &[u8]) -> Result<Vec<u8>, Malformed> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..2]);
    let mut at = 2;
    loop {
        // Markers may be preceded by fill bytes 0xFF.
        while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (bytes.get(at), bytes.get(at + 1)) else {
            return Err(Malformed);
        };
        match marker {
            // Start of scan: the compressed image follows to the end; copy it as it is.
            0xDA => {
                out.extend_from_slice(&bytes[at..]);
                return Ok(out);
            }
            0xD9 => {
                out.extend_from_slice(&bytes[at..at + 2]);
                return Ok(out);
            }
            0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&bytes[at..at + 2]);
                at += 2;
            }
            _ => {
                let len_bytes = bytes.get(at + 2..at + 4).ok_or(Malformed)?;
                let len = u16::from_be_bytes([len_bytes[0], len_bytes[1]]) as usize;
                let end = at + 2 + len;
                if len < 2 || end > bytes.len() {
                    return Err(Malformed);
                }
                // APP1 (EXIF, XMP), APP13 (IPTC) and comments go; the rest (JFIF, ICC colour
                // profiles, Adobe, the image tables) stays.
                if !matches!(marker, 0xE1 | 0xED | 0xFE) {
                    out.extend_from_slice(&bytes[at..end]);
                }
                at = end;
            }
        }
    }
}

fn strip_png(bytes: &[u8]) -> Result<Vec<u8>, Malformed> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..8]);
    let mut at = 8;
    while at < bytes.len() {
        let header = bytes.get(at..at + 8).ok_or(Malformed)?;
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = &header[4..8];
        let end = at
            .checked_add(12)
            .and_then(|n| n.checked_add(len))
            .ok_or(Malformed)?;
        if end > bytes.len() {
            return Err(Malformed);
        }
        if !matches!(kind, b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME") {
            out.extend_from_slice(&bytes[at..end]);
        }
        at = end;
        if kind == b"IEND" {
            return Ok(out);
        }
    }
    Err(Malformed)
}

fn strip_webp(bytes: &[u8]) -> Result<Vec<u8>, Malformed> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..12]);
    let mut at = 12;
    while at < bytes.len() {
        let header = bytes.get(at..at + 8).ok_or(Malformed)?;
        let len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let padded = len + (len & 1);
        let end = at
            .checked_add(8)
            .and_then(|n| n.checked_add(padded))
            .ok_or(Malformed)?;
        if end > bytes.len() {
            return Err(Malformed);
        }
        match &header[0..4] {
            b"EXIF" | b"XMP " => {}
            b"VP8X" => {
                let start = out.len();
                out.extend_from_slice(&bytes[at..end]);
                // The extended header says which optional chunks exist: no EXIF (bit 3), no XMP
                // (bit 2) any more.
                if let Some(flags) = out.get_mut(start + 8) {
                    *flags &= !0b0000_1100;
                }
            }
            _ => out.extend_from_slice(&bytes[at..end]),
        }
        at = end;
    }
    let riff_size = u32::try_from(out.len() - 8).map_err(|_| Malformed)?;
    out[4..8].copy_from_slice(&riff_size.to_le_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(marker: u8, data: &[u8]) -> Vec<u8> {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&((data.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(data);
        s
    }

    #[test]
    fn the_type_comes_from_the_bytes_not_the_name() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Some(FileKind::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some(FileKind::Png));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Some(FileKind::Webp));
        assert_eq!(sniff(b"%PDF-1.7"), Some(FileKind::Pdf));
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(sniff(b"GIF89a"), None);
    }

    #[test]
    fn a_jpeg_loses_its_gps_position() {
        let mut jpeg = vec![0xFF, 0xD8];
        jpeg.extend(segment(0xE0, b"JFIF\0\x01\x01"));
        jpeg.extend(segment(0xE1, b"Exif\0\0GPSLatitude 11.3"));
        jpeg.extend(segment(0xFE, b"taken at home"));
        jpeg.extend(segment(0xDB, &[0; 4]));
        jpeg.extend([0xFF, 0xDA, 0, 2, 1, 2, 3, 0xFF, 0xD9]);
        let clean = strip_metadata(FileKind::Jpeg, &jpeg).unwrap();
        let text = String::from_utf8_lossy(&clean);
        assert!(!text.contains("GPS") && !text.contains("home"), "{text}");
        assert!(text.contains("JFIF"));
        assert!(clean.ends_with(&[0xFF, 0xDA, 0, 2, 1, 2, 3, 0xFF, 0xD9]));
    }

    #[test]
    fn a_png_loses_its_text_and_exif_chunks() {
        let chunk = |kind: &[u8; 4], data: &[u8]| {
            let mut c = (data.len() as u32).to_be_bytes().to_vec();
            c.extend_from_slice(kind);
            c.extend_from_slice(data);
            c.extend_from_slice(&[0, 0, 0, 0]);
            c
        };
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(chunk(b"IHDR", &[0; 13]));
        png.extend(chunk(b"eXIf", b"GPS"));
        png.extend(chunk(b"tEXt", b"Location\0home"));
        png.extend(chunk(b"IDAT", &[1, 2, 3]));
        png.extend(chunk(b"IEND", &[]));
        let clean = strip_metadata(FileKind::Png, &png).unwrap();
        let text = String::from_utf8_lossy(&clean);
        assert!(!text.contains("GPS") && !text.contains("home"));
        assert!(text.contains("IHDR") && text.contains("IDAT") && text.contains("IEND"));
    }

    #[test]
    fn a_webp_loses_exif_and_says_so_in_its_header() {
        let chunk = |kind: &[u8; 4], data: &[u8]| {
            let mut c = kind.to_vec();
            c.extend_from_slice(&(data.len() as u32).to_le_bytes());
            c.extend_from_slice(data);
            if data.len() % 2 == 1 {
                c.push(0);
            }
            c
        };
        let mut body = b"WEBP".to_vec();
        body.extend(chunk(b"VP8X", &[0b0000_1100, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
        body.extend(chunk(b"VP8 ", &[9; 5]));
        body.extend(chunk(b"EXIF", b"GPS data"));
        let mut webp = b"RIFF".to_vec();
        webp.extend_from_slice(&(body.len() as u32).to_le_bytes());
        webp.extend(body);
        let clean = strip_metadata(FileKind::Webp, &webp).unwrap();
        assert!(!String::from_utf8_lossy(&clean).contains("GPS"));
        assert_eq!(clean[20], 0, "the EXIF and XMP flags are cleared");
        let size = u32::from_le_bytes([clean[4], clean[5], clean[6], clean[7]]) as usize;
        assert_eq!(size, clean.len() - 8);
    }

    /// A one-page deck that names its team in every place a PDF keeps properties, and runs a
    /// script when opened.
    fn telling_pdf() -> Vec<u8> {
        let xmp = "<?xpacket begin=''?><x:xmpmeta xmlns:x='adobe:ns:meta/'><dc:creator>Nhom Sen Hong</dc:creator></x:xmpmeta><?xpacket end='w'?>";
        let page = "BT /F1 28 Tf 72 720 Td (Xep hang qua tin nhan) Tj ET";
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R /Metadata 6 0 R /OpenAction 7 0 R /Names << /JavaScript << /Names [(a) 7 0 R] >> >> >>".to_owned(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R /AA << /O 7 0 R >> /Annots [9 0 R 10 0 R 11 0 R] >>".to_owned(),
            format!("<< /Length {} >>\nstream\n{page}\nendstream", page.len()),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
            format!("<< /Type /Metadata /Subtype /XML /Length {} >>\nstream\n{xmp}\nendstream", xmp.len()),
            "<< /S /JavaScript /JS (app.alert('Nhom Sen Hong')) >>".to_owned(),
            "<< /Author (Nhom Sen Hong) /Creator (Truong DH Tay Ninh) /Title (Bai du thi cua Nhom Sen Hong) >>".to_owned(),
            "<< /Type /Annot /Subtype /Link /Rect [0 0 100 20] /A << /S /URI /URI (javascript:app.launchURL('x')) >> >>".to_owned(),
            "<< /Type /Annot /Subtype /Link /Rect [0 20 100 40] /A << /S /Launch /F (cmd.exe) /Win << /F (cmd.exe) >> >> >>".to_owned(),
            "<< /Type /Annot /Subtype /Link /Rect [0 40 100 60] /A << /S /URI /URI (https://vidan.example/giai-phap) >> >>".to_owned(),
        ];
        crate::demo::pdf::document(&objects, "/Info 8 0 R /ID [<0123> <0123>] ").into_bytes()
    }

    #[test]
    fn a_pdf_keeps_its_pages_and_loses_its_authors_and_scripts() {
        let pdf = telling_pdf();
        assert!(
            String::from_utf8_lossy(&pdf).contains("Sen Hong"),
            "the sample tells"
        );
        let clean = strip_metadata(FileKind::Pdf, &pdf).unwrap();
        let text = String::from_utf8_lossy(&clean);
        for gone in [
            "Sen Hong",
            "Tay Ninh",
            "JavaScript",
            "app.alert",
            "xmpmeta",
            "OpenAction",
            "javascript:",
            "cmd.exe",
        ] {
            assert!(!text.contains(gone), "{gone} is still in {text}");
        }
        assert!(
            text.contains("https://vidan.example/giai-phap"),
            "a web link stays"
        );
        assert_eq!(sniff(&clean), Some(FileKind::Pdf));
        let doc = lopdf::Document::load_mem(&clean).expect("still a PDF");
        assert_eq!(doc.get_pages().len(), 1);
        let page = *doc.get_pages().values().next().unwrap();
        let content = String::from_utf8_lossy(&doc.get_page_content(page)).into_owned();
        assert!(content.contains("Xep hang qua tin nhan"), "{content}");
        // Cleaning what is clean changes nothing that matters.
        let again = strip_metadata(FileKind::Pdf, &clean).unwrap();
        assert_eq!(
            lopdf::Document::load_mem(&again).unwrap().get_pages().len(),
            1
        );
    }

    #[test]
    fn a_pdf_that_cannot_be_read_is_refused() {
        assert_eq!(strip_metadata(FileKind::Pdf, b"%PDF-1.7 x"), Err(Malformed));
        let pdf = telling_pdf();
        assert_eq!(
            strip_metadata(FileKind::Pdf, &pdf[..40]),
            Err(Malformed),
            "a file cut off before its first page"
        );
    }

    #[test]
    fn a_truncated_image_is_refused() {
        assert_eq!(
            strip_metadata(FileKind::Jpeg, &[0xFF, 0xD8, 0xFF, 0xE1, 0x40]),
            Err(Malformed)
        );
        assert_eq!(
            strip_metadata(FileKind::Png, b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR"),
            Err(Malformed)
        );
    }
}
