//! Every parser of a request, through the real application: the query strings of the pages and
//! the API, path segments (ids, years, form names), staff form bodies (signed in, with the CSRF
//! token) and the write API's JSON. The first byte picks the route, the second the reader's
//! language, the rest is the query, segment or body. No input may cost a 500 (a panic aborts the
//! run), and markup sent in never comes back unescaped: the tag `<samvirke-fuzz` in any HTML
//! page is a failure, wherever it was stored.
#![no_main]

use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use libfuzzer_sys::fuzz_target;
use samvirke_core::format::parse_file;
use samvirke_core::time::Timestamp;
use samvirke_store::Store;
use samvirke_store::accounts::{Role, User};
use tower::ServiceExt as _;

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/cooperations");
const EMAIL: &str = "fuzz@samvirke.test";
const SESSION: &str = "fuzz-session-token";
const CSRF: &str = "fuzzcsrf";
const TOKEN: &str = "fuzz-api-token";
const MARKUP: &[u8] = b"<samvirke-fuzz";

enum Shape {
    /// GET the path with the input as its query string.
    Query(&'static str),
    /// GET the path with the input as the segment `{}`.
    Segment(&'static str),
    /// POST the input as a staff form body (after the CSRF field).
    Form(&'static str),
    /// A write of the API: the input is the JSON body.
    Json(Method, &'static str),
}

const ROUTES: &[Shape] = &[
    Shape::Query("/"),
    Shape::Query("/who"),
    Shape::Query("/search"),
    Shape::Query("/cooperations/dragoer-taarnby/history"),
    Shape::Query("/cooperations/dragoer-taarnby/diff"),
    Shape::Query("/cooperations/dragoer-taarnby/scenarios/compare"),
    Shape::Query("/matrix"),
    Shape::Query("/matrix.csv"),
    Shape::Query("/municipalities/DK-0155"),
    Shape::Query("/lang/da"),
    Shape::Query("/staff/login"),
    Shape::Query("/staff/cooperations/dragoer-taarnby"),
    Shape::Query("/staff/cases/new"),
    Shape::Query("/api/v1/who"),
    Shape::Query("/api/v1/municipalities"),
    Shape::Query("/api/v1/cooperations"),
    Shape::Query("/api/v1/services"),
    Shape::Query("/api/v1/deadlines"),
    Shape::Query("/api/v1/cooperations/dragoer-taarnby/history"),
    Shape::Segment("/cooperations/{}"),
    Shape::Segment("/municipalities/{}"),
    Shape::Segment("/about/{}"),
    Shape::Segment("/cooperations/dragoer-taarnby/settlement/{}"),
    Shape::Segment("/cooperations/dragoer-taarnby/scenarios/{}"),
    Shape::Segment("/api/v1/cooperations/{}"),
    Shape::Segment("/api/v1/cooperations/dragoer-taarnby/settlements/{}"),
    Shape::Segment("/api/v1/cases/{}"),
    Shape::Segment("/staff/cooperations/dragoer-taarnby/{}"),
    Shape::Segment("/staff/cooperations/marker-ostfold-kartlegging/{}"),
    Shape::Segment("/staff/cases/{}"),
    Shape::Form("/staff/cooperations/dragoer-taarnby/details"),
    Shape::Form("/staff/cooperations/dragoer-taarnby/sub-1"),
    Shape::Form("/staff/cooperations/dragoer-taarnby/delegation-1"),
    Shape::Form("/staff/cooperations/dragoer-taarnby/take-back"),
    Shape::Form("/staff/cooperations/dragoer-taarnby/scenario-new"),
    Shape::Form("/staff/cooperations/dragoer-taarnby/deadline"),
    Shape::Form("/staff/cooperations/vastra-malardalen/project-new"),
    Shape::Form("/staff/cases/new"),
    Shape::Form("/staff/tokens"),
    Shape::Json(Method::PUT, "/api/v1/cooperations/dragoer-taarnby"),
    Shape::Json(Method::POST, "/api/v1/cooperations"),
];

const LANGUAGES: &[&str] = &["da", "sv", "nb", "en"];

struct World {
    _dir: tempfile::TempDir,
    runtime: tokio::runtime::Runtime,
    app: axum::Router,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("samvirke-fuzz-web-")
            .tempdir()
            .unwrap_or_else(|e| panic!("no temporary directory: {e}"));
        let db = dir.path().join("fuzz.db").to_string_lossy().to_string();
        let now = Timestamp::from_micros(1_700_000_000_000_000);
        let mut store = Store::open(&db).unwrap_or_else(|e| panic!("{e}"));
        let projection = store.projection(None).unwrap_or_else(|e| panic!("{e}"));
        let mut changes = Vec::new();
        let mut paths: Vec<_> = std::fs::read_dir(EXAMPLES)
            .unwrap_or_else(|e| panic!("{EXAMPLES}: {e}"))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
            let parsed = parse_file(&path.display().to_string(), &text)
                .unwrap_or_else(|e| panic!("{e:?}"));
            changes.extend(Store::diff(
                &projection,
                &parsed.doc.cooperation.id,
                &parsed.doc.to_facts(),
            ));
        }
        store
            .commit(projection.head, "fuzz", "examples", changes, now)
            .unwrap_or_else(|e| panic!("{e}"));
        let user = User {
            email: EMAIL.to_string(),
            name: "Fuzz".to_string(),
            role: Role::Admin,
            scopes: Vec::new(),
            password_hash: samvirke_web::auth::hash_password("a long pass phrase for fuzzing")
                .unwrap_or_else(|e| panic!("{e}")),
            created_at: now,
            updated_at: now,
            disabled: false,
        };
        store
            .user_put(&user, "fuzz", "created", now)
            .unwrap_or_else(|e| panic!("{e}"));
        let far = Timestamp::from_micros(4_000_000_000_000_000);
        let session = samvirke_web::auth::token_hash(SESSION);
        store
            .session_create(&session, EMAIL, CSRF, now, far)
            .unwrap_or_else(|e| panic!("{e}"));
        store
            .api_token_create(&samvirke_web::auth::token_hash(TOKEN), EMAIL, "fuzz", now, far)
            .unwrap_or_else(|e| panic!("{e}"));
        drop(store);
        let state = samvirke_web::AppState::open(&db).unwrap_or_else(|e| panic!("{e}"));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let app = samvirke_web::app(Arc::clone(&state));
        World { _dir: dir, runtime, app }
    })
}

/// Percent-encodes what a URI may not hold; with `segment`, also `/`, `?` and `#`.
fn encode(data: &[u8], segment: bool) -> String {
    let mut out = String::new();
    for &b in data {
        let plain = b.is_ascii_alphanumeric()
            || b"-._~!$&'()*+,;=:@%".contains(&b)
            || (!segment && b"/?".contains(&b));
        if plain {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let [route, language, rest @ ..] = data else {
        return;
    };
    let Some(shape) = ROUTES.get(usize::from(*route) % ROUTES.len()) else {
        return;
    };
    let language = LANGUAGES[usize::from(*language) % LANGUAGES.len()];
    let cookie = format!("samvirke_session={SESSION}; samvirke_lang={language}");
    let builder = Request::builder().header(header::COOKIE, &cookie);
    let request = match shape {
        Shape::Query(path) => builder
            .uri(format!("{path}?{}", encode(rest, false)))
            .body(Body::empty()),
        Shape::Segment(path) => builder
            .uri(path.replace("{}", &encode(rest, true)))
            .body(Body::empty()),
        Shape::Form(path) => {
            let mut body = format!("csrf={CSRF}&").into_bytes();
            body.extend_from_slice(rest);
            builder
                .method(Method::POST)
                .uri(*path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
        }
        Shape::Json(method, path) => builder
            .method(method.clone())
            .uri(*path)
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(rest.to_vec())),
    };
    // A URI the HTTP library itself refuses never reaches Samvirke.
    let Ok(request) = request else {
        return;
    };
    let world = world();
    let (status, html, body) = world.runtime.block_on(async {
        let response = world
            .app
            .clone()
            .oneshot(request)
            .await
            .unwrap_or_else(|e| match e {});
        let status = response.status();
        let html = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        let body = axum::body::to_bytes(response.into_body(), 64 << 20)
            .await
            .unwrap_or_else(|e| panic!("the body did not arrive: {e}"));
        (status, html, body)
    });
    assert_ne!(
        status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        String::from_utf8_lossy(&body)
    );
    // In a page; JSON, CSV and calendars carry text as text, under nosniff.
    assert!(
        !html || !body.windows(MARKUP.len()).any(|w| w == MARKUP),
        "markup came back unescaped: {}",
        String::from_utf8_lossy(&body)
    );
});
