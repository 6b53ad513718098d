//! Typed clients of our Durable Objects, one per object class, of the outside
//! services we call (the SMS gateway) and of the photo bucket (R2). Services and objects both
//! call through them (a live room hands units back to a `StockKeeper`), so they sit below
//! both. Each object's routes are one enum, shared by its client and its `fetch`.

pub mod desk;
pub mod photos;
pub mod room;
pub mod sms;
pub mod stock;
pub mod throttle;

use crate::error::{AppError, AppResult};
use serde::{de::DeserializeOwned, Serialize};
use shared_model::{problem::PROBLEM_CONTENT_TYPE, Problem};
use worker::{Method, ObjectNamespace, Request, RequestInit};

/// Declares an object's routes as an enum with its paths, for the client to call and the
/// object to dispatch on.
macro_rules! object_routes {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $path:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vdoc])* $variant),*
        }

        impl $name {
            /// The path this route is served at inside the object.
            pub fn path(self) -> &'static str {
                match self {
                    $(Self::$variant => $path),*
                }
            }

            /// The route a request's path names, if any.
            pub fn from_path(path: &str) -> Option<Self> {
                match path {
                    $($path => Some(Self::$variant),)*
                    _ => None,
                }
            }
        }
    };
}
pub(crate) use object_routes;

/// POSTs `body` as JSON to the object named `name` at `path`, and decodes its answer: JSON
/// on 200, a problem+json passed on unchanged (so the caller never re-types an error), any
/// other answer an internal error.
async fn call_object<B: Serialize, T: DeserializeOwned>(
    namespace: &ObjectNamespace,
    name: &str,
    path: &str,
    body: &B,
) -> AppResult<T> {
    let stub = namespace.id_from_name(name)?.get_stub()?;
    let init = RequestInit { method: Method::Post, body: Some(serde_json::to_string(body)?.into()), ..RequestInit::default() };
    let req = Request::new_with_init(&format!("https://object{path}"), &init)?;
    let mut resp = stub.fetch_with_request(req).await?;
    match resp.status_code() {
        200 => Ok(resp.json().await?),
        _ if resp.headers().get("Content-Type")?.as_deref() == Some(PROBLEM_CONTENT_TYPE) => {
            let problem: Problem = resp.json().await?;
            Err(AppError::Problem(problem))
        }
        status => Err(AppError::Internal(format!("object {name} {path}: status {status}"))),
    }
}
