//! A file as it is kept: cleaned of what could tell who made it, or where (see [`super::images`]
//! and [`super::pdf`]).

use super::file_type::{FileKind, Malformed};

/// The image without EXIF (where GPS positions live), XMP, IPTC, comments and text chunks; the
/// PDF rewritten without its document information, XMP and scripts (see [`super::pdf::strip_pdf`]).
pub fn strip_metadata(kind: FileKind, bytes: &[u8]) -> Result<Vec<u8>, Malformed> {
    match kind {
        FileKind::Jpeg => super::images::strip_jpeg(bytes),
        FileKind::Png => super::images::strip_png(bytes),
        FileKind::Webp => super::images::strip_webp(bytes),
        FileKind::Pdf => super::pdf::strip_pdf(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upload::file_type::sniff;

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
