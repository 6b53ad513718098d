//! The review photos' bucket (R2 binding `PHOTOS`): bytes in under a key with their media
//! type, out again, and gone when the row that would name them could not be written.

use crate::error::AppResult;
use worker::{Bucket, Env, HttpMetadata};

/// A photo as stored: its bytes and media type.
pub struct StoredPhoto {
    pub bytes: Vec<u8>,
    pub content_type: String,
}

pub struct PhotoBucket {
    bucket: Bucket,
}

impl PhotoBucket {
    pub fn new(env: &Env) -> AppResult<Self> {
        Ok(Self { bucket: env.bucket("PHOTOS")? })
    }

    /// Stores `bytes` under `key` with `content_type` (a second put of the same key
    /// replaces it).
    pub async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> AppResult<()> {
        let metadata = HttpMetadata { content_type: Some(content_type.to_owned()), ..HttpMetadata::default() };
        self.bucket.put(key, bytes).http_metadata(metadata).execute().await?;
        Ok(())
    }

    /// Whether `key` is stored.
    pub async fn exists(&self, key: &str) -> AppResult<bool> {
        Ok(self.bucket.head(key).await?.is_some())
    }

    /// The photo under `key`, if any.
    pub async fn get(&self, key: &str) -> AppResult<Option<StoredPhoto>> {
        let Some(object) = self.bucket.get(key).execute().await? else { return Ok(None) };
        let content_type = object.http_metadata().content_type.unwrap_or_else(|| "application/octet-stream".into());
        let Some(body) = object.body() else { return Ok(None) };
        Ok(Some(StoredPhoto { bytes: body.bytes().await?, content_type }))
    }

    /// Removes `key`; removing what is not there is not an error.
    pub async fn delete(&self, key: &str) -> AppResult<()> {
        self.bucket.delete(key).await?;
        Ok(())
    }
}
