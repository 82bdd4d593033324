//! Reading a `multipart/form-data` submission (a form with a file) into its text fields and
//! files, with a size limit that holds however large the request is.

use std::collections::HashMap;

use futures_util::StreamExt;
use server_fn::codec::MultipartData;

use crate::error::{AppError, FieldError};

/// A file as it arrived: the name the person's device gave it, and its bytes.
pub struct Incoming {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

pub struct MultipartForm {
    fields: HashMap<String, Vec<String>>,
    files: HashMap<String, Vec<Incoming>>,
    too_large: Vec<String>,
}

/// Text fields are short; anything longer is cut here and refused by the rules of its noun.
const MAX_TEXT_FIELD: usize = 64 * 1024;

impl MultipartForm {
    /// Reads every part. A file over `max_file_bytes` is not kept: its field is remembered as
    /// too large and the request goes on being read (up to a hard limit), so that the person gets
    /// a message next to the field instead of a broken connection.
    pub async fn read(data: MultipartData, max_file_bytes: usize) -> Result<Self, AppError> {
        let mut multipart = data
            .into_inner()
            .ok_or_else(|| crate::error::internal("multipart data on the server side"))?;
        let hard_limit = max_file_bytes * 4 + 1024 * 1024;
        let mut total = 0usize;
        let mut form = MultipartForm {
            fields: HashMap::new(),
            files: HashMap::new(),
            too_large: Vec::new(),
        };
        while let Some(mut field) = multipart
            .next_field()
            .await
            .map_err(|_| AppError::invalid("form", "error.upload_broken"))?
        {
            let name = field.name().unwrap_or_default().to_owned();
            let file_name = field.file_name().map(str::to_owned);
            let limit = if file_name.is_some() {
                max_file_bytes
            } else {
                MAX_TEXT_FIELD
            };
            let mut bytes = Vec::new();
            let mut over = false;
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(|_| AppError::invalid("form", "error.upload_broken"))?;
                total += chunk.len();
                if total > hard_limit {
                    return Err(AppError::Invalid(vec![
                        FieldError::new(&name, "error.file_too_large")
                            .with("max_mb", max_file_bytes / 1_000_000),
                    ]));
                }
                if bytes.len() + chunk.len() > limit {
                    over = true;
                    bytes.clear();
                } else if !over {
                    bytes.extend_from_slice(&chunk);
                }
            }
            match file_name {
                Some(_) if over => form.too_large.push(name),
                // An empty file input still sends a part, with no name and no bytes.
                Some(file_name) if !bytes.is_empty() || !file_name.is_empty() => {
                    form.files
                        .entry(name)
                        .or_default()
                        .push(Incoming { file_name, bytes });
                }
                Some(_) => {}
                None => form
                    .fields
                    .entry(name)
                    .or_default()
                    .push(String::from_utf8_lossy(&bytes).into_owned()),
            }
        }
        Ok(form)
    }

    /// The text of a field, empty when it was not sent.
    pub fn text(&self, name: &str) -> String {
        self.fields
            .get(name)
            .and_then(|values| values.first())
            .cloned()
            .unwrap_or_default()
    }

    /// Every value of a repeated field (checkboxes, `name[]`).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.fields.get(name).cloned().unwrap_or_default()
    }

    /// The file of a field; an error next to the field when it was over the limit.
    pub fn take_file(
        &mut self,
        name: &str,
        max_file_bytes: usize,
    ) -> Result<Option<Incoming>, FieldError> {
        if self.too_large.iter().any(|n| n == name) {
            return Err(FieldError::new(name, "error.file_too_large")
                .with("max_mb", max_file_bytes / 1_000_000));
        }
        Ok(self
            .files
            .get_mut(name)
            .and_then(|files| (!files.is_empty()).then(|| files.remove(0))))
    }

    /// Every file of a field that takes several (`<input type="file" multiple>`).
    pub fn take_files(
        &mut self,
        name: &str,
        max_file_bytes: usize,
    ) -> Result<Vec<Incoming>, FieldError> {
        if self.too_large.iter().any(|n| n == name) {
            return Err(FieldError::new(name, "error.file_too_large")
                .with("max_mb", max_file_bytes / 1_000_000));
        }
        Ok(self.files.remove(name).unwrap_or_default())
    }
}
