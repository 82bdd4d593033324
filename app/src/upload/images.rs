//! Images cleaned of the metadata that could tell where a photo was taken or by whom: EXIF (where
//! GPS positions live), XMP, IPTC, comments and text chunks.

use super::file_type::Malformed;

pub fn strip_jpeg(bytes: &[u8]) -> Result<Vec<u8>, Malformed> {
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

pub fn strip_png(bytes: &[u8]) -> Result<Vec<u8>, Malformed> {
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

pub fn strip_webp(bytes: &[u8]) -> Result<Vec<u8>, Malformed> {
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
