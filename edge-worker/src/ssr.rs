//! Server rendering of the Leptos app inside the worker. Data for the first paint is
//! loaded while rendering: the app's API calls run in-process through [`ServerApi`], with
//! the visitor's cookie, and their results are serialised into the page for hydration.

use futures::StreamExt;
use hydration_context::{SharedContext, SsrSharedContext};
use leptos::{prelude::*, reactive::owner::IsHydrating};
use leptos_meta::ServerMetaContext;
use leptos_router::location::RequestUrl;
use linli_app::{
    api::{RawCall, RawReply, ServerApi},
    i18n::Locale,
    Bundle, PageStatus, SessionCookie, SiteOrigin,
};
use send_wrapper::SendWrapper;
use std::sync::Arc;
use worker::{Env, Headers, Method, Request, RequestInit, Response};

/// Cache-busting tag for the hydration bundle and stylesheet, set by `scripts/build`.
const ASSET_VERSION: &str = match option_env!("LINLI_ASSET_VERSION") {
    Some(v) => v,
    None => "dev",
};

/// Leptos resources are driven by `wasm-bindgen-futures` in the worker.
pub fn init_executor() {
    let _ = any_spawner::Executor::init_wasm_bindgen();
}

/// Runs one API call from a page in-process, as the visitor; `origin` is the page's, so
/// the call is read as over https when the page was (its session cookie's name).
async fn call_api(call: RawCall, env: Env, origin: &str, cookie: Option<String>) -> RawReply {
    let failed = RawReply { status: 500, body: String::new() };
    let headers = Headers::new();
    let _ = headers.set("Accept", "application/json");
    if let Some(cookie) = &cookie {
        let _ = headers.set("Cookie", cookie);
    }
    if let Some(key) = &call.idempotency_key {
        let _ = headers.set("Idempotency-Key", key);
    }
    let method = Method::from(call.method.to_string());
    let mut init = RequestInit { method, headers, ..RequestInit::default() };
    if let Some(body) = call.body {
        let _ = init.headers.set("Content-Type", "application/json");
        init.body = Some(body.into());
    }
    let Ok(req) = Request::new_with_init(&format!("{origin}{}", call.path), &init) else { return failed };
    let Ok(mut resp) = crate::routes::handle_api(req, env).await else { return failed };
    let status = resp.status_code();
    RawReply { status, body: resp.text().await.unwrap_or_default() }
}

/// Renders the page for `req` as a complete HTML document.
pub async fn render_page(req: Request, env: Env) -> worker::Result<Response> {
    init_executor();
    let url = req.url()?;
    let path = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    };
    let cookie = req.headers().get("Cookie")?;
    let has_session = crate::http::session_cookie_value(&req).is_some();
    let locale = Locale::negotiate(cookie.as_deref(), req.headers().get("Accept-Language")?.as_deref());

    let origin = url.origin().ascii_serialization();
    let api = {
        let env = SendWrapper::new(env);
        let cookie = cookie.clone();
        let origin = origin.clone();
        ServerApi(Arc::new(move |call| {
            let (env, cookie, origin) = ((*env).clone(), cookie.clone(), origin.clone());
            Box::pin(SendWrapper::new(async move { call_api(call, env, &origin, cookie).await }))
        }))
    };
    let nonce = crate::guard::page_nonce()?;

    let (meta_context, meta_output) = ServerMetaContext::new();
    // A page that hydrates whole is rendered for hydration throughout (its islands as plain
    // components); an islands page only inside its islands.
    let bundle = Bundle::for_path(&path);
    let whole_page = bundle.hydrates_whole_page();
    let shared_context = match whole_page {
        true => Arc::new(SsrSharedContext::new()),
        false => Arc::new(SsrSharedContext::new_islands()),
    } as Arc<dyn SharedContext + Send + Sync>;
    let owner = Owner::new_root(Some(Arc::clone(&shared_context)));
    let status = PageStatus::default();
    let app = owner.with(|| {
        provide_context(RequestUrl::new(&path));
        provide_context(meta_context);
        provide_context(api);
        provide_context(locale);
        provide_context(status.clone());
        provide_context(SiteOrigin(origin));
        if whole_page {
            provide_context(IsHydrating(true));
        } else {
            provide_context(SessionCookie(has_session));
        }
        linli_app::shell(ASSET_VERSION.to_string(), &path).to_html_stream_in_order()
    });
    let body: String = app.collect::<Vec<String>>().await.concat();
    while let Some(pending) = shared_context.await_deferred() {
        pending.await;
    }
    // Resource values, serialised for hydration, follow the document.
    let data = shared_context
        .pending_data()
        .map(|s| s.map(|chunk| format!("<script nonce=\"{nonce}\">{chunk}</script>")).collect::<Vec<_>>());
    let data = match data {
        Some(data) => data.await.concat(),
        None => String::new(),
    };
    let document = futures::stream::once(futures::future::ready(body + &data));
    let html: String = meta_output.inject_meta_context(document).await.collect::<Vec<String>>().await.concat();
    let html = bundle.with_boot(html, ASSET_VERSION, &nonce);
    owner.unset();

    let headers = Headers::new();
    headers.set("Content-Type", "text/html; charset=utf-8")?;
    headers.set("Cache-Control", "private, no-store")?;
    let mut response = Response::ok(html)?.with_status(status.get()).with_headers(headers);
    crate::guard::set_page_headers(&mut response, &nonce)?;
    Ok(response)
}
