//! A stored file as pages link to it.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileLink {
    pub id: i64,
    pub name: String,
    pub content_type: String,
    pub byte_size: i64,
}

impl FileLink {
    pub fn url(&self) -> String {
        format!("/files/{}/{}", self.id, self.name)
    }

    pub fn is_image(&self) -> bool {
        self.content_type.starts_with("image/")
    }

    /// "2,4 MB", "830 KB": sizes as a person reads them.
    pub fn size_label(&self) -> String {
        if self.byte_size >= 1_000_000 {
            format!("{:.1} MB", self.byte_size as f64 / 1_000_000.0).replace('.', ",")
        } else {
            format!("{} KB", (self.byte_size + 999) / 1000)
        }
    }
}
