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

/// What reading a PDF may cost: its object streams (where most of a modern file's dictionaries
/// are packed, compressed) are inflated while it is read, each to at most [`PDF_STREAM_MAX`] and
/// all together to at most [`PDF_INFLATED_MAX`]; it may hold at most [`PDF_OBJECTS_MAX`] objects,
/// counted before they are parsed. A slide deck of a hundred pages holds some tens of thousands of
/// objects in a few megabytes of object streams; more is a file made to cost memory.
const PDF_STREAM_MAX: usize = 8 * 1024 * 1024;
const PDF_INFLATED_MAX: usize = 32 * 1024 * 1024;
const PDF_OBJECTS_MAX: usize = 300_000;
/// The most words (numbers, names, brackets) a PDF's structure may hold, outside its streams'
/// contents and inside its object streams: each becomes a value of some 240 bytes once read, so
/// a 10 MB file of `[0 0 0 …]` took 1.1 GB to read, and this budget bounds a read to about
/// 125 MB. A 40-page manual holds some 10,000 words; a thousand-page book a few hundred thousand.
const PDF_WORDS_MAX: usize = 500_000;
/// How much larger than the file its rewrite may be.
const PDF_GROWTH_MAX: usize = 4;

/// Keys whose values name the author or run something, removed wherever they appear: the
/// document information (author, creator, producer, title, dates) hangs off the trailer; XMP
/// packets hang off the catalogue and any page, font or image as `/Metadata`; applications keep
/// private data (with names) in `/PieceInfo`; scripts and actions run on opening, on page events
/// or from the names tree; files ride inside as embedded files (`/EF` of a file specification,
/// the names tree, portfolios); a form (`/AcroForm`, with its XFA) keeps field values and
/// signatures, and `/Perms` points at those signatures. Whatever they point to is dropped with
/// them.
const PDF_KEYS_REMOVED: [&[u8]; 13] = [
    b"Metadata",
    b"PieceInfo",
    b"OpenAction",
    b"AA",
    b"JS",
    b"JavaScript",
    b"EmbeddedFiles",
    b"EF",
    b"RF",
    b"Collection",
    b"AcroForm",
    b"Perms",
    b"SpiderInfo",
];

/// What an annotation says about who wrote it, kept apart from what it shows (its appearance):
/// the author (`/T`), the comment and its rich text, its subject, its name and dates. A reply or
/// a sticky note is a comment by someone; a widget's value is a form's answer.
const PDF_ANNOTATION_KEYS_REMOVED: [&[u8]; 9] = [
    b"T",
    b"Contents",
    b"RC",
    b"Subj",
    b"NM",
    b"M",
    b"CreationDate",
    b"IRT",
    b"V",
];

/// What a signature says about its signer: name, contact, place, reason, the certificate
/// (which names the person) and the software.
const PDF_SIGNATURE_KEYS_REMOVED: [&[u8]; 7] = [
    b"Name",
    b"ContactInfo",
    b"Location",
    b"Reason",
    b"Contents",
    b"Cert",
    b"Prop_Build",
];

/// The budget of one PDF's reading, kept for the thread that reads it (lopdf reads on the
/// caller's thread: its `rayon` feature is off). A read on any other thread finds no budget and
/// keeps nothing, so the file is refused rather than read unbounded.
#[derive(Default)]
struct PdfBudget {
    objects: usize,
    inflated: usize,
    words: usize,
    exceeded: bool,
}

/// How many words `text` (a PDF's structure) holds: runs of regular characters, and the
/// delimiters that open a value. An upper bound on the values it reads into (a string's words
/// count each, a comment's too).
fn pdf_words(text: &[u8]) -> usize {
    let mut words = 0;
    let mut in_word = false;
    for &b in text {
        let regular = !matches!(
            b,
            b' ' | b'\t'
                | b'\r'
                | b'\n'
                | b'\x0c'
                | b'\0'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'('
                | b')'
                | b'{'
                | b'}'
                | b'/'
                | b'%'
        );
        if (regular && !in_word) || matches!(b, b'[' | b'<' | b'(') {
            words += 1;
        }
        in_word = regular;
    }
    words
}

/// [`pdf_words`] of a whole file, leaving out its streams' contents (from `stream` to the next
/// `endstream`), which are kept as bytes, not read into values.
fn pdf_structure_words(file: &[u8]) -> usize {
    let find = |from: usize, what: &[u8]| {
        file.get(from..)
            .and_then(|rest| rest.windows(what.len()).position(|w| w == what))
            .map(|at| from + at)
    };
    let mut words = 0;
    let mut at = 0;
    while at < file.len() {
        let Some(start) = find(at, b"stream") else {
            words += pdf_words(&file[at..]);
            break;
        };
        let keyword_end = start + b"stream".len();
        let opens = !file[..start].ends_with(b"end")
            && matches!(file.get(keyword_end), Some(b'\r' | b'\n'));
        if !opens {
            words += pdf_words(&file[at..keyword_end]);
            at = keyword_end;
            continue;
        }
        words += pdf_words(&file[at..start]);
        at = find(keyword_end, b"endstream").map_or(file.len(), |end| end + b"endstream".len());
    }
    words
}

thread_local! {
    static PDF_BUDGET: std::cell::RefCell<Option<PdfBudget>> = const { std::cell::RefCell::new(None) };
}

/// Called by lopdf for every object as it is read: counts it, and before an object stream is
/// inflated and parsed, inflates it here within what remains of the budget and checks that the
/// objects its index announces fit. An object past the budget is not kept, and the file is
/// refused.
fn pdf_budget_filter(
    id: lopdf::ObjectId,
    object: &mut lopdf::Object,
) -> Option<(lopdf::ObjectId, lopdf::Object)> {
    PDF_BUDGET.with(|budget| {
        let mut budget = budget.borrow_mut();
        let budget = budget.as_mut()?;
        if budget.exceeded {
            return None;
        }
        budget.objects += 1;
        if let lopdf::Object::Stream(stream) = &*object
            && stream.dict.has_type(b"ObjStm")
        {
            let room = PDF_STREAM_MAX.min(PDF_INFLATED_MAX.saturating_sub(budget.inflated));
            let announced = stream
                .get_plain_content_with_limit(room)
                .ok()
                .and_then(|plain| {
                    let first = stream.dict.get(b"First").ok()?.as_i64().ok()?;
                    let index = plain.get(..usize::try_from(first).ok()?)?;
                    budget.inflated += plain.len();
                    budget.words += pdf_words(&plain);
                    Some(
                        index
                            .split(|b| b.is_ascii_whitespace())
                            .filter(|w| !w.is_empty())
                            .count()
                            / 2,
                    )
                });
            // Its objects are counted one by one as they are read, right after it; what it
            // announces must fit before any of them is parsed.
            if announced.is_none_or(|n| budget.objects + n > PDF_OBJECTS_MAX)
                || budget.words > PDF_WORDS_MAX
            {
                budget.exceeded = true;
            }
        }
        if budget.objects > PDF_OBJECTS_MAX {
            budget.exceeded = true;
        }
        if budget.exceeded {
            return None;
        }
        // lopdf keeps what the filter answers for an object read from an object stream, and the
        // object itself (left as it is) for one read from the file; only the latter are streams.
        Some(match object {
            lopdf::Object::Stream(_) => (id, lopdf::Object::Null),
            other => (id, other.clone()),
        })
    })
}

/// The PDF read within [`PdfBudget`]; `Malformed` if it cannot be read or costs more.
fn load_pdf(bytes: &[u8]) -> Result<lopdf::Document, Malformed> {
    // The structure outside the streams is counted before anything is read.
    let words = pdf_structure_words(bytes);
    if words > PDF_WORDS_MAX {
        return Err(Malformed);
    }
    PDF_BUDGET.with(|b| {
        *b.borrow_mut() = Some(PdfBudget {
            words,
            ..PdfBudget::default()
        })
    });
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(PDF_STREAM_MAX),
        filter: Some(pdf_budget_filter),
        ..Default::default()
    };
    let loaded = lopdf::Document::load_mem_with_options(bytes, options);
    let exceeded = PDF_BUDGET.with(|b| b.borrow_mut().take().is_none_or(|b| b.exceeded));
    match loaded {
        Ok(doc) if !exceeded => Ok(doc),
        _ => Err(Malformed),
    }
}

/// The PDF read and written again without what names its authors or runs something (see
/// [`PDF_KEYS_REMOVED`], [`PDF_ANNOTATION_KEYS_REMOVED`], [`PDF_SIGNATURE_KEYS_REMOVED`]), and
/// with its JPEG images cleaned as uploaded photos are: what a judge downloads cannot name the
/// team through its properties, comments, form or signatures, nor run anything. What its pages
/// show is left as the team made it. A file that cannot be read as a PDF (damaged, locked with a
/// password, or costing more than [`PdfBudget`] allows to read) is [`Malformed`].
pub fn strip_pdf(bytes: &[u8]) -> Result<Vec<u8>, Malformed> {
    use lopdf::Object;
    fn clean(object: &mut Object) {
        let dict = match object {
            Object::Dictionary(d) => d,
            Object::Stream(s) => {
                // A JPEG image is a JPEG file, with the camera's EXIF and XMP inside.
                let jpeg = s
                    .dict
                    .get(b"Subtype")
                    .is_ok_and(|v| matches!(v, Object::Name(n) if n == b"Image"))
                    && match s.dict.get(b"Filter") {
                        Ok(Object::Name(n)) => n == b"DCTDecode",
                        Ok(Object::Array(a)) => {
                            matches!(a.as_slice(), [Object::Name(n)] if n == b"DCTDecode")
                        }
                        _ => false,
                    };
                if jpeg
                    && s.content.starts_with(&[0xFF, 0xD8])
                    && let Ok(cleaned) = strip_jpeg(&s.content)
                {
                    s.set_content(cleaned);
                }
                &mut s.dict
            }
            Object::Array(items) => {
                items.iter_mut().for_each(clean);
                return;
            }
            _ => return,
        };
        for key in PDF_KEYS_REMOVED {
            dict.remove(key);
        }
        fn name_of(dict: &lopdf::Dictionary, key: &[u8]) -> Vec<u8> {
            match dict.get(key) {
                Ok(Object::Name(name)) => name.clone(),
                _ => Vec::new(),
            }
        }
        // An annotation: a dictionary with a place on the page and a kind.
        if dict.has(b"Rect") && dict.has(b"Subtype") {
            for key in PDF_ANNOTATION_KEYS_REMOVED {
                dict.remove(key);
            }
            // A file attached to the page keeps its icon and loses the file.
            if name_of(dict, b"Subtype") == b"FileAttachment" {
                dict.remove(b"FS");
            }
        }
        // A signature, or a form field that holds one.
        if name_of(dict, b"Type") == b"Sig"
            || name_of(dict, b"FT") == b"Sig"
            || dict.has(b"ByteRange")
        {
            for key in PDF_SIGNATURE_KEYS_REMOVED {
                dict.remove(key);
            }
            dict.remove(b"V");
        }
        // Actions a reader runs on a click: opening another program or file, sending a form,
        // or a link that is a script lose what they would open or send.
        match name_of(dict, b"S").as_slice() {
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
    let mut doc = load_pdf(bytes)?;
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

    /// A one-page deck built with lopdf (binary streams and all) that names its team in its
    /// form, its comments, an attached file, a signature and the EXIF of a photo on the page.
    fn deck_with_comments_form_signature_and_photo() -> Vec<u8> {
        use lopdf::{Dictionary, Document, Object, Stream, dictionary};
        let who = "Nhom Sen Hong";
        let mut doc = Document::with_version("1.7");
        let mut exif = b"Exif\0\0".to_vec();
        exif.extend_from_slice(format!("Artist {who}").as_bytes());
        let mut jpeg = vec![0xFF, 0xD8];
        jpeg.extend(segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
        jpeg.extend(segment(0xE1, &exif));
        jpeg.extend(segment(0xDB, &[0; 65]));
        jpeg.extend([0xFF, 0xDA, 0, 2, 1, 2, 3, 0xFF, 0xD9]);
        let photo = doc.add_object(Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => 1, "Height" => 1,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8, "Filter" => "DCTDecode" },
            jpeg,
        ));
        let content = doc.add_object(Stream::new(
            Dictionary::new(),
            b"q 100 0 0 100 72 600 cm /Im1 Do Q BT /F1 28 Tf 72 720 Td (Xep hang qua tin nhan) Tj ET".to_vec(),
        ));
        let font = doc.add_object(
            dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" },
        );
        let attached = doc.add_object(Stream::new(
            dictionary! { "Type" => "EmbeddedFile" },
            format!("Danh sach thanh vien {who}").into_bytes(),
        ));
        let comment = doc.add_object(dictionary! {
            "Type" => "Annot", "Subtype" => "Text", "Rect" => vec![0.into(), 0.into(), 20.into(), 20.into()],
            "T" => Object::string_literal(who), "Contents" => Object::string_literal(format!("Sua lai trang nay - {who}")),
            "RC" => Object::string_literal(format!("<p>{who}</p>")),
        });
        let attachment = doc.add_object(dictionary! {
            "Type" => "Annot", "Subtype" => "FileAttachment", "Rect" => vec![20.into(), 0.into(), 40.into(), 20.into()],
            "FS" => dictionary! { "Type" => "Filespec", "F" => Object::string_literal("thanh-vien.txt"),
                "EF" => dictionary! { "F" => attached } },
        });
        let signature = doc.add_object(dictionary! {
            "Type" => "Sig", "Filter" => "Adobe.PPKLite", "Name" => Object::string_literal(who),
            "Location" => Object::string_literal("Tay Ninh"), "Reason" => Object::string_literal(format!("Duyet boi {who}")),
            "ByteRange" => vec![0.into(), 10.into(), 20.into(), 10.into()],
            "Contents" => Object::string_literal(format!("CN={who}")),
        });
        let field = doc.add_object(dictionary! {
            "Type" => "Annot", "Subtype" => "Widget", "FT" => "Sig", "Rect" => vec![40.into(), 0.into(), 60.into(), 20.into()],
            "T" => Object::string_literal("Chu ky"), "V" => signature,
        });
        let answer = doc.add_object(dictionary! {
            "Type" => "Annot", "Subtype" => "Widget", "FT" => "Tx", "Rect" => vec![60.into(), 0.into(), 80.into(), 20.into()],
            "T" => Object::string_literal("Ten doi"), "V" => Object::string_literal(who),
        });
        let xfa = doc.add_object(Stream::new(
            Dictionary::new(),
            format!("<xdp><team>{who}</team></xdp>").into_bytes(),
        ));
        let pages = doc.new_object_id();
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
            "Contents" => content,
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font }, "XObject" => dictionary! { "Im1" => photo } },
            "Annots" => vec![comment.into(), attachment.into(), field.into(), answer.into()],
        });
        doc.objects.insert(
            pages,
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 }.into(),
        );
        let catalog = doc.add_object(dictionary! {
            "Type" => "Catalog", "Pages" => pages,
            "AcroForm" => dictionary! { "Fields" => vec![field.into(), answer.into()], "XFA" => xfa },
            "Perms" => dictionary! { "DocMDP" => signature },
        });
        doc.trailer.set("Root", catalog);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }

    #[test]
    fn a_pdf_loses_the_names_in_its_comments_form_signature_attachments_and_photos() {
        let pdf = deck_with_comments_form_signature_and_photo();
        let has =
            |bytes: &[u8], what: &str| bytes.windows(what.len()).any(|w| w == what.as_bytes());
        for told in ["Nhom Sen Hong", "Tay Ninh", "Artist"] {
            assert!(has(&pdf, told), "the sample tells {told}");
        }
        let clean = strip_metadata(FileKind::Pdf, &pdf).unwrap();
        for gone in [
            "Nhom Sen Hong",
            "Tay Ninh",
            "Artist",
            "Exif",
            "thanh-vien",
            "Chu ky",
            "Ten doi",
            "AcroForm",
            "xdp",
        ] {
            assert!(!has(&clean, gone), "{gone} is still in the clean copy");
        }
        let doc = lopdf::Document::load_mem(&clean).expect("still a PDF");
        let page = *doc.get_pages().values().next().unwrap();
        let content = String::from_utf8_lossy(&doc.get_page_content(page)).into_owned();
        assert!(
            content.contains("Xep hang qua tin nhan") && content.contains("/Im1 Do"),
            "{content}"
        );
        let annotations = doc.get_page_annotations(page).unwrap();
        assert_eq!(
            annotations.len(),
            4,
            "the comments and fields stay on the page, mute"
        );
        let photo = doc
            .objects
            .values()
            .find_map(|o| o.as_stream().ok().filter(|s| s.dict.has(b"Width")))
            .expect("the photo stays");
        assert!(
            photo.content.starts_with(&[0xFF, 0xD8, 0xFF, 0xE0]),
            "a JPEG with its JFIF header"
        );
        assert!(photo.content.ends_with(&[0xFF, 0xD9]));
    }

    /// A PDF whose object streams (each compressed to a few kilobytes) inflate to `streams` ×
    /// `inflated` bytes, announcing `objects` objects each. Written byte by byte: lopdf's writer
    /// leaves object streams out.
    fn packed_pdf(streams: u32, inflated: usize, objects: u32) -> Vec<u8> {
        let mut bodies: Vec<Vec<u8>> = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>".to_vec(),
        ];
        for s in 0..streams {
            let mut index = String::new();
            for i in 0..objects {
                index.push_str(&format!("{} 0 ", 1_000_000 + s * objects + i));
            }
            let first = index.len();
            let mut content = index.into_bytes();
            content.extend_from_slice(b"null");
            content.resize(inflated.max(content.len()), b' ');
            let mut packed = lopdf::Stream::new(lopdf::Dictionary::new(), content);
            packed.compress().unwrap();
            let filter = if packed.dict.has(b"Filter") {
                "/Filter /FlateDecode "
            } else {
                ""
            };
            let mut body = format!(
                "<< /Type /ObjStm /N {objects} /First {first} {filter}/Length {} >>\nstream\n",
                packed.content.len()
            )
            .into_bytes();
            body.extend_from_slice(&packed.content);
            body.extend_from_slice(b"\nendstream");
            bodies.push(body);
        }
        let mut pdf = b"%PDF-1.5\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in bodies.iter().enumerate() {
            offsets.push(pdf.len());
            pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            pdf.extend_from_slice(body);
            pdf.extend_from_slice(b"\nendobj\n");
        }
        let xref = pdf.len();
        pdf.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", bodies.len() + 1).as_bytes(),
        );
        for offset in offsets {
            pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
        }
        pdf.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                bodies.len() + 1
            )
            .as_bytes(),
        );
        pdf
    }

    #[test]
    fn a_pdf_that_inflates_past_its_budget_is_refused_before_it_is_parsed() {
        // Well within the budget: read, with every packed object.
        let doc = load_pdf(&packed_pdf(2, 1024 * 1024, 100)).unwrap();
        assert!(
            doc.objects.contains_key(&(1_000_199, 0)),
            "the packed objects are read"
        );
        assert!(strip_metadata(FileKind::Pdf, &packed_pdf(2, 1024 * 1024, 100)).is_ok());
        // One stream above its own limit.
        assert_eq!(
            strip_metadata(FileKind::Pdf, &packed_pdf(1, PDF_STREAM_MAX + 1, 1)),
            Err(Malformed)
        );
        // Each stream under its limit, all together over the budget of the file.
        let many = packed_pdf(5, PDF_STREAM_MAX - 1024, 1);
        assert!(many.len() < 1_000_000, "{} bytes on the wire", many.len());
        assert_eq!(strip_metadata(FileKind::Pdf, &many), Err(Malformed));
        // More objects announced than a file may hold, counted before any is parsed.
        assert_eq!(
            strip_metadata(FileKind::Pdf, &packed_pdf(2, 0, 160_000)),
            Err(Malformed)
        );
        assert!(strip_metadata(FileKind::Pdf, &packed_pdf(2, 0, 1_000)).is_ok());
    }

    #[test]
    fn a_pdf_whose_structure_has_too_many_words_is_refused_before_it_is_read() {
        assert_eq!(pdf_words(b"<< /Type /Page /Kids [3 0 R] >>"), 9);
        assert_eq!(pdf_words(b"[0 0 0]"), 4);
        // A stream's content is not counted; the dictionary before it is.
        let stream = b"1 0 obj\n<< /Length 11 >>\nstream\n0 0 0 0 0 0\nendstream\nendobj\n";
        assert_eq!(
            pdf_structure_words(stream),
            pdf_words(b"1 0 obj << /Length 11 >> endobj")
        );
        // Ten megabytes of `0 `: five million values once read, refused before.
        let mut numbers = String::from("[");
        while numbers.len() < 2 * PDF_WORDS_MAX + 10 {
            numbers.push_str("0 ");
        }
        numbers.push(']');
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R /Extra 4 0 R >>".to_owned(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>".to_owned(),
            numbers,
        ];
        let pdf = crate::demo::pdf::document(&objects, "").into_bytes();
        assert_eq!(strip_metadata(FileKind::Pdf, &pdf), Err(Malformed));
    }

    #[test]
    fn a_pdf_read_where_its_budget_is_not_kept_is_refused() {
        // lopdf would read on other threads if its parallel reading were switched on: nothing
        // read there is kept, so the file is refused rather than read without a budget.
        let pdf = packed_pdf(1, 0, 10);
        let options = lopdf::LoadOptions {
            filter: Some(pdf_budget_filter),
            ..Default::default()
        };
        assert!(
            lopdf::Document::load_mem_with_options(&pdf, options)
                .map_or(true, |d| d.get_pages().is_empty())
        );
        assert!(load_pdf(&pdf).is_ok());
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
