//! PDFs cleaned of what could tell who wrote them (author, title, XMP, comments, forms,
//! signatures, attachments, the EXIF of photos on the pages) or run when opened (scripts, open
//! actions). They are read within a budget ([`super::pdf_budget`]).

use super::file_type::Malformed;
use super::images::strip_jpeg;
use super::pdf_budget::{PDF_OBJECTS_MAX, load_pdf};

/// How much larger than the file its rewrite may be.
pub(crate) const PDF_GROWTH_MAX: usize = 4;

/// Keys whose values name the author or run something, removed wherever they appear: the
/// document information (author, creator, producer, title, dates) hangs off the trailer; XMP
/// packets hang off the catalogue and any page, font or image as `/Metadata`; applications keep
/// private data (with names) in `/PieceInfo`; scripts and actions run on opening, on page events
/// or from the names tree; files ride inside as embedded files (`/EF` of a file specification,
/// the names tree, portfolios); a form (`/AcroForm`, with its XFA) keeps field values and
/// signatures, and `/Perms` points at those signatures. Whatever they point to is dropped with
/// them.
pub(crate) const PDF_KEYS_REMOVED: [&[u8]; 13] = [
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
pub(crate) const PDF_ANNOTATION_KEYS_REMOVED: [&[u8]; 9] = [
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
pub(crate) const PDF_SIGNATURE_KEYS_REMOVED: [&[u8]; 7] = [
    b"Name",
    b"ContactInfo",
    b"Location",
    b"Reason",
    b"Contents",
    b"Cert",
    b"Prop_Build",
];

/// The PDF read and written again without what names its authors or runs something (see
/// [`PDF_KEYS_REMOVED`], [`PDF_ANNOTATION_KEYS_REMOVED`], [`PDF_SIGNATURE_KEYS_REMOVED`]), and
/// with its JPEG images cleaned as uploaded photos are: what a judge downloads cannot name the
/// team through its properties, comments, form or signatures, nor run anything. What its pages
/// show is left as the team made it. A file that cannot be read as a PDF (damaged, locked with a
/// password, or costing more than [`super::pdf_budget`] allows to read) is [`Malformed`].
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upload::file_type::{FileKind, sniff};

    fn segment(marker: u8, data: &[u8]) -> Vec<u8> {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&((data.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(data);
        s
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
        let clean = strip_pdf(&pdf).unwrap();
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
        let again = strip_pdf(&clean).unwrap();
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
        let clean = strip_pdf(&pdf).unwrap();
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

    #[test]
    fn a_pdf_that_cannot_be_read_is_refused() {
        assert_eq!(strip_pdf(b"%PDF-1.7 x"), Err(Malformed));
        let pdf = telling_pdf();
        assert_eq!(
            strip_pdf(&pdf[..40]),
            Err(Malformed),
            "a file cut off before its first page"
        );
    }
}
