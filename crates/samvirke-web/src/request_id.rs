//! Every request's id: made by this server (an id sent by the client is not trusted), put in the
//! log span of everything the request logs, sent back as `X-Request-Id`, and shown on error pages
//! and in problem documents, so that a person who reports an error gives the line to look for.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::HeaderValue;
use tracing::Instrument as _;

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The header the id is sent back in.
pub(crate) const HEADER: &str = "x-request-id";

/// A new id: this server process's start (microseconds since 1970, base 36) and a counter, such
/// as `mbq3k2x1ab-42`; unique across restarts and across servers started at different moments.
fn new_id() -> String {
    static START: OnceLock<String> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let start = START.get_or_init(|| base36(crate::now().micros().unsigned_abs()));
    format!("{start}-{}", COUNTER.fetch_add(1, Ordering::Relaxed) + 1)
}

fn base36(mut n: u64) -> String {
    let mut out = Vec::new();
    loop {
        // `n % 36` is a digit of base 36.
        out.extend(char::from_digit((n % 36) as u32, 36));
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.iter().rev().collect()
}

/// The id of the request being served, if any.
pub(crate) fn current() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// The middleware: gives the request its id, runs it inside a log span that carries the id, and
/// sends the id back.
pub(crate) async fn layer(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let id = new_id();
    let span = tracing::info_span!(
        "request",
        id = %id,
        method = %request.method(),
        path = %request.uri().path()
    );
    let mut response = REQUEST_ID
        .scope(id.clone(), next.run(request).instrument(span))
        .await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_distinct_and_short() {
        let (a, b) = (super::new_id(), super::new_id());
        assert_ne!(a, b);
        assert!(a.len() < 20 && a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        assert_eq!(super::base36(0), "0");
        assert_eq!(super::base36(36 * 36 + 35), "10z");
    }
}
