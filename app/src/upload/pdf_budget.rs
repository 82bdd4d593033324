//! What reading a PDF may cost, kept while it is read: a file made to cost memory is refused
//! before it is parsed.

use super::file_type::Malformed;

/// What reading a PDF may cost: its object streams (where most of a modern file's dictionaries
/// are packed, compressed) are inflated while it is read, each to at most [`PDF_STREAM_MAX`] and
/// all together to at most [`PDF_INFLATED_MAX`]; it may hold at most [`PDF_OBJECTS_MAX`] objects,
/// counted before they are parsed. A slide deck of a hundred pages holds some tens of thousands of
/// objects in a few megabytes of object streams; more is a file made to cost memory.
pub const PDF_STREAM_MAX: usize = 8 * 1024 * 1024;
pub const PDF_INFLATED_MAX: usize = 32 * 1024 * 1024;
pub const PDF_OBJECTS_MAX: usize = 300_000;
/// The most words (numbers, names, brackets) a PDF's structure may hold, outside its streams'
/// contents and inside its object streams: each becomes a value of some 240 bytes once read, so
/// a 10 MB file of `[0 0 0 …]` took 1.1 GB to read, and this budget bounds a read to about
/// 125 MB. A 40-page manual holds some 10,000 words; a thousand-page book a few hundred thousand.
pub const PDF_WORDS_MAX: usize = 500_000;

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
pub fn load_pdf(bytes: &[u8]) -> Result<lopdf::Document, Malformed> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upload::pdf::strip_pdf;

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
        assert!(strip_pdf(&packed_pdf(2, 1024 * 1024, 100)).is_ok());
        // One stream above its own limit.
        assert_eq!(
            strip_pdf(&packed_pdf(1, PDF_STREAM_MAX + 1, 1)),
            Err(Malformed)
        );
        // Each stream under its limit, all together over the budget of the file.
        let many = packed_pdf(5, PDF_STREAM_MAX - 1024, 1);
        assert!(many.len() < 1_000_000, "{} bytes on the wire", many.len());
        assert_eq!(strip_pdf(&many), Err(Malformed));
        // More objects announced than a file may hold, counted before any is parsed.
        assert_eq!(strip_pdf(&packed_pdf(2, 0, 160_000)), Err(Malformed));
        assert!(strip_pdf(&packed_pdf(2, 0, 1_000)).is_ok());
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
        assert_eq!(strip_pdf(&pdf), Err(Malformed));
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
}
