//! The real server on a random port, against a fresh SQLite file and a fresh PostgreSQL database.

#[path = "../../../tests/support/pg.rs"]
mod pg;

use std::sync::Arc;

use samvirke_core::Timestamp;
use samvirke_core::format::parse_file;
use samvirke_store::Store;
use samvirke_web::{AppState, serve};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/cooperations");

struct App {
    base: String,
    db: String,
    agent: ureq::Agent,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    _dir: Option<tempfile::TempDir>,
    _pg: Option<pg::TestDatabase>,
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn load_examples(db: &str) {
    let mut store = Store::open(db).unwrap();
    let projection = store.projection(None).unwrap();
    let mut changes = Vec::new();
    for entry in std::fs::read_dir(EXAMPLES).unwrap() {
        let path = entry.unwrap().path();
        let parsed = parse_file(
            &path.display().to_string(),
            &std::fs::read_to_string(&path).unwrap(),
        )
        .unwrap();
        changes.extend(Store::diff(
            &projection,
            &parsed.doc.cooperation.id,
            &parsed.doc.to_facts(),
        ));
    }
    store
        .commit(
            projection.head,
            "test",
            "examples",
            changes,
            Timestamp::from_micros(1_700_000_000_000_000),
        )
        .unwrap();
}

fn spawn_app(db: String, dir: Option<tempfile::TempDir>, pg: Option<pg::TestDatabase>) -> App {
    load_examples(&db);
    let db_location = db.clone();
    let state: Arc<AppState> = AppState::open(&db).unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            ready_tx.send(listener.local_addr().unwrap()).unwrap();
            serve(listener, state, async move {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
    });
    let address = ready_rx.recv().unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    App {
        base: format!("http://{address}"),
        db: db_location,
        agent,
        stop: Some(stop),
        thread: Some(thread),
        _dir: dir,
        _pg: pg,
    }
}

fn sqlite_app() -> App {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("web.db").to_string_lossy().to_string();
    spawn_app(db, Some(dir), None)
}

fn postgres_app() -> App {
    let database = pg::TestDatabase::create();
    let url = database.url().to_string();
    spawn_app(url, None, Some(database))
}

impl App {
    fn get(&self, path: &str) -> (u16, String, String) {
        let mut response = self
            .agent
            .get(&format!("{}{path}", self.base))
            .call()
            .unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let body = response.body_mut().read_to_string().unwrap();
        (status, content_type, body)
    }

    fn json(&self, path: &str) -> (u16, serde_json::Value) {
        let (status, _, body) = self.get(path);
        (
            status,
            serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}")),
        )
    }
}

macro_rules! both {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[test]
            fn sqlite() {
                let f: fn(&App) = $body;
                f(&sqlite_app());
            }
            #[test]
            fn postgres() {
                let f: fn(&App) = $body;
                f(&postgres_app());
            }
        }
    };
}

both!(health_and_who_api, |app| {
    let (status, health) = app.json("/health");
    assert_eq!(status, 200);
    assert_eq!(health["status"], "ok");
    assert!(health["journal_head"].as_u64().unwrap() > 0);

    let (status, answer) =
        app.json("/api/v1/who?municipality=DK-0155&service=genoptraening-sel86&on=2021-08-31");
    assert_eq!(status, 200);
    assert_eq!(answer["responsible"]["id"], "DK-0185");
    assert_eq!(answer["complaints_to"]["id"], "DK-0185");
    assert_eq!(answer["basis"][3]["step"], "delegation");
    let (_, after) =
        app.json("/api/v1/who?municipality=DK-155&service=genoptraening-sel86&on=2021-09-01");
    assert_eq!(after["responsible"]["id"], "DK-0155");
    let (_, early) = app.json("/api/v1/who?municipality=DK-0155&service=genoptraening-sel86&on=2021-08-31&as_known_on=2020-01-01");
    assert_eq!(
        early["title"], "Not found",
        "nothing was recorded by 2020: {early}"
    );
    let response = app
        .agent
        .get(&format!(
            "{}/api/v1/who?municipality=DK-0183&service=beskaeftigelse",
            app.base
        ))
        .call()
        .unwrap();
    assert_eq!(
        response
            .headers()
            .get("access-control-allow-origin")
            .unwrap(),
        "*"
    );
});

both!(api_errors_are_problem_documents, |app| {
    let (status, content_type, body) = app.get("/api/v1/who?municipality=DK-0156&service=ppr");
    assert_eq!(status, 404);
    assert_eq!(content_type, "application/problem+json");
    let problem: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(problem["status"], 404);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("DK-0155 (Dragør)"),
        "{problem}"
    );
    let (status, problem) = app.json("/api/v1/who?municipality=DK-0155&service=pprr");
    assert_eq!(status, 404);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("did you mean ppr"),
        "{problem}"
    );
    let (status, problem) = app.json("/api/v1/who?municipality=DK-0155&service=ppr&on=2021-02-30");
    assert_eq!(status, 400);
    assert_eq!(problem["field"], "on");
    let (status, problem) = app.json("/api/v1/who?service=ppr");
    assert_eq!(
        (status, problem["field"].as_str()),
        (400, Some("municipality"))
    );
    let (status, problem) = app.json("/api/v1/cooperations/no-such-cooperation");
    assert_eq!(status, 404);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("/api/v1/cooperations")
    );
    let (status, problem) = app.json("/api/v1/municipalities?country=XX");
    assert_eq!((status, problem["field"].as_str()), (400, Some("country")));
});

both!(registry_endpoints, |app| {
    let (_, list) = app.json("/api/v1/cooperations");
    assert_eq!(list["items"].as_array().unwrap().len(), 5);
    let (status, coop) = app.json("/api/v1/cooperations/ishoej-vallensbaek");
    assert_eq!(status, 200);
    assert_eq!(coop["decisions"][0]["referendum"]["yes"], 5620);
    let (_, munis) = app.json("/api/v1/municipalities?country=NO&on=2019-06-01");
    assert!(
        munis["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == "NO-0119")
    );
});

both!(citizen_pages_work_without_javascript, |app| {
    let (status, content_type, front) = app.get("/");
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/html"));
    assert!(
        front.contains("<html lang=\"en\">")
            && front.contains("class=\"skip\" href=\"#main\"")
            && front.contains("<label for=\"municipality\">"),
        "{front}"
    );
    assert!(front.contains("<option value=\"DK-0155\">Dragør</option>"));
    let (status, _, before) =
        app.get("/who?municipality=DK-0155&service=genoptraening-sel86&on=2021-08-31");
    assert_eq!(status, 200);
    assert!(before.contains("Tårnby handles it"), "{before}");
    assert!(
        before.contains("<option value=\"DK-0155\" selected>"),
        "the form keeps the choice"
    );
    let (_, _, after) =
        app.get("/who?municipality=DK-0155&service=genoptraening-sel86&on=2021-09-01");
    assert!(
        after.contains("Dragør handles it") && after.contains("took"),
        "{after}"
    );
    let (status, _, bad) =
        app.get("/who?municipality=DK-0155&service=genoptraening-sel86&on=31-08-2021");
    assert_eq!(status, 400);
    assert!(
        bad.contains("role=\"alert\"") && bad.contains("YYYY-MM-DD"),
        "{bad}"
    );
    let (status, _, missing) = app.get("/no/such/page");
    assert_eq!(status, 404);
    assert!(missing.contains("Page not found"));
});

both!(registry_pages, |app| {
    let (status, _, coop) = app.get("/cooperations/dragoer-taarnby");
    assert_eq!(status, 200);
    assert!(
        coop.contains("<h1>Forpligtende samarbejde mellem Tårnby og Dragør Kommuner</h1>"),
        "{coop}"
    );
    assert!(
        coop.contains("ended 2021-09-01"),
        "ended sub-agreements are shown as ended: {coop}"
    );
    assert!(
        coop.contains("Dragør takes back"),
        "the take-back is on the timeline"
    );
    let (_, _, iv) = app.get("/cooperations/ishoej-vallensbaek");
    assert!(
        iv.contains("yes 5620, no 561, valid 6181, cast 6218, turnout 65.80 %"),
        "{iv}"
    );
    let (status, _, _) = app.get("/cooperations/nope");
    assert_eq!(status, 404);

    let (status, _, dragoer) = app.get("/municipalities/DK-0155?on=2020-06-01");
    assert_eq!(status, 200);
    assert!(
        dragoer.contains("genoptraening-sel86 by <a href=\"/municipalities/DK-0185\">Tårnby</a>"),
        "{dragoer}"
    );
    let (_, _, later) = app.get("/municipalities/DK-0155?on=2022-01-01");
    assert!(
        !later.contains("genoptraening-sel86 by <a href"),
        "after the take-back Tårnby no longer performs § 86 for Dragør"
    );
    assert!(
        later.contains("genoptraening-sel86 by Tårnby ends"),
        "but the timeline keeps the history"
    );
    let (_, _, taarnby) = app.get("/municipalities/DK-185?on=2022-01-01");
    assert!(
        taarnby.contains("Performs for others") && taarnby.contains("natur-miljoe for"),
        "{taarnby}"
    );
    assert!(
        dragoer.contains("href=\"/?municipality=DK-0155\""),
        "the page links to the form for its residents"
    );
    let (_, _, prefilled) = app.get("/?municipality=DK-0155");
    assert!(prefilled.contains("<option value=\"DK-0155\" selected>"));
    let (status, _, _) = app.get("/municipalities/DK-0156");
    assert_eq!(status, 404);
    let (status, _, bad) = app.get("/municipalities/DK-0155?on=2020-13-01");
    assert_eq!(status, 400);
    assert!(bad.contains("on:"), "{bad}");

    let (_, _, who) = app.get("/who?municipality=DK-0155&service=ppr&on=2020-01-01");
    assert!(
        who.contains("href=\"/cooperations/dragoer-taarnby\""),
        "the answer links to the agreement"
    );

    let (status, _, matrix) = app.get("/matrix?country=DK");
    assert_eq!(status, 200);
    assert!(
        matrix.contains("<a href=\"/municipalities/DK-0155\">Dragør</a>")
            && !matrix.contains("vastra-malardalen"),
        "{matrix}"
    );
    let (status, content_type, csv) = app.get("/matrix.csv?country=SE");
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/csv"));
    assert_eq!(
        csv.lines().next().unwrap(),
        "municipality,name,vastra-malardalen"
    );
    assert!(csv.contains("SE-1984,\"Arboga\",1"), "{csv}");
    let (status, _, _) = app.get("/matrix.csv?country=XX");
    assert_eq!(status, 400);
});

both!(server_sees_writes_from_other_processes, |app| {
    let (_, before) = app.json("/api/v1/cooperations");
    assert_eq!(before["items"].as_array().unwrap().len(), 5);
    // Another writer (the CLI, another server) adds a cooperation to the same journal.
    let text = r#"format = 1
[cooperation]
id = "late-arrival"
name = "Late arrival"
country = "DK"
legal_form = "dk-aftalebaseret-samarbejde"
status = "exploring"
language = "da"
[[party]]
id = "DK-0101"
roles = ["member"]
"#;
    let parsed = parse_file("late.toml", text).unwrap();
    let mut store = Store::open(&app.db).unwrap();
    let projection = store.projection(None).unwrap();
    let changes = Store::diff(
        &projection,
        &parsed.doc.cooperation.id,
        &parsed.doc.to_facts(),
    );
    store
        .commit(
            projection.head,
            "other",
            "written by another process",
            changes,
            Timestamp::from_micros(1_800_000_000_000_000),
        )
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let (_, after) = app.json("/api/v1/cooperations");
        if after["items"].as_array().unwrap().len() == 6 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not pick up the new cooperation within 5 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
});

both!(etags_pagination_and_export, |app| {
    let url = format!("{}/api/v1/cooperations", app.base);
    let first = app.agent.get(&url).call().unwrap();
    let etag = first
        .headers()
        .get("etag")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(etag.starts_with('"'), "{etag}");
    let again = app
        .agent
        .get(&url)
        .header("If-None-Match", &etag)
        .call()
        .unwrap();
    assert_eq!(again.status().as_u16(), 304);
    let other = app
        .agent
        .get(&url)
        .header("If-None-Match", "\"something-else\"")
        .call()
        .unwrap();
    assert_eq!(other.status().as_u16(), 200);
    let (_, page) = app.json("/api/v1/cooperations?limit=2");
    assert_eq!(page["total"], 5);
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert_eq!(page["next_offset"], 2);
    let (_, last) = app.json("/api/v1/cooperations?limit=2&offset=4");
    assert_eq!(last["items"].as_array().unwrap().len(), 1);
    assert!(last["next_offset"].is_null());
    let (status, problem) = app.json("/api/v1/cooperations?limit=0");
    assert_eq!((status, problem["field"].as_str()), (400, Some("limit")));
    let (_, dk) = app.json("/api/v1/municipalities?country=DK&limit=1000");
    assert_eq!(dk["total"], 98);
    let (status, export) = app.json("/api/v1/export");
    assert_eq!(status, 200);
    assert_eq!(export["cooperations"].as_array().unwrap().len(), 5);
    assert!(export["journal_head"].as_u64().unwrap() > 0);
    // Errors carry no ETag.
    let missing = app
        .agent
        .get(&format!("{}/api/v1/cooperations/nope", app.base))
        .call()
        .unwrap();
    assert!(missing.headers().get("etag").is_none());
});

both!(search_tolerates_typos, |app| {
    let (status, _, page) = app.get("/search?q=Dragor");
    assert_eq!(status, 200);
    assert!(
        page.contains("<a href=\"/municipalities/DK-0155\">Dragør</a>")
            && page.contains("/cooperations/dragoer-taarnby"),
        "{page}"
    );
    let (_, _, page) = app.get("/search?q=Vallensbek");
    assert!(
        page.contains("/municipalities/DK-0187"),
        "one typo is forgiven: {page}"
    );
    let (_, _, page) = app.get("/search?q=genoptrening");
    assert!(
        page.contains("<a href=\"/?service=genoptraening\">"),
        "{page}"
    );
    let (_, _, front) = app.get("/?service=genoptraening");
    assert!(
        front.contains("<option value=\"genoptraening\" selected>"),
        "the link preselects the service"
    );
    let (_, _, none) = app.get("/search?q=qqqqzzzz");
    assert!(none.contains("Nothing matches"), "{none}");
    let (_, _, short) = app.get("/search?q=a");
    assert!(short.contains("at least two letters"), "{short}");
});

both!(pages_in_four_languages, |app| {
    let get_with = |path: &str, name: &str, value: &str| -> (u16, String) {
        let mut r = app
            .agent
            .get(&format!("{}{path}", app.base))
            .header(name, value)
            .call()
            .unwrap();
        (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
    };
    let (_, da) = get_with(
        "/who?municipality=DK-0155&service=genoptraening-sel86&on=2021-08-31",
        "Accept-Language",
        "da-DK,da;q=0.9,en;q=0.5",
    );
    assert!(
        da.contains("<html lang=\"da\">")
            && da.contains("Tårnby behandler den")
            && da.contains("den 31.08.2021"),
        "{da}"
    );
    let (_, sv) = get_with("/", "Accept-Language", "sv-SE");
    assert!(
        sv.contains("<html lang=\"sv\">") && sv.contains("Vem handlägger mitt ärende?"),
        "{sv}"
    );
    let (_, nb) = get_with(
        "/cooperations/ishoej-vallensbaek",
        "Accept-Language",
        "nb-NO",
    );
    assert!(
        nb.contains("<html lang=\"nb\">") && nb.contains("ja 5620, nei 561"),
        "{nb}"
    );
    let (_, other) = get_with("/", "Accept-Language", "de-DE");
    assert!(
        other.contains("<html lang=\"en\">"),
        "unknown languages fall back to English"
    );
    // The cookie wins over the header.
    let (_, by_cookie) = get_with("/matrix", "Cookie", "samvirke_lang=nb");
    assert!(
        by_cookie.contains("Hvem samarbeider med hvem"),
        "{by_cookie}"
    );
    // The switch sets the cookie and goes back to the page, on this site only.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let r = agent
        .get(&format!(
            "{}/lang/sv?back=%2Fwho%3Fmunicipality%3DDK-0155",
            app.base
        ))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        r.headers().get("location").unwrap(),
        "/who?municipality=DK-0155"
    );
    assert!(
        r.headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("samvirke_lang=sv; Path=/")
    );
    let r = agent
        .get(&format!("{}/lang/da?back=%2F%2Fevil.example", app.base))
        .call()
        .unwrap();
    assert_eq!(
        r.headers().get("location").unwrap(),
        "/",
        "no open redirect"
    );
    let r = agent.get(&format!("{}/lang/xx", app.base)).call().unwrap();
    assert_eq!(r.status().as_u16(), 404);
    // Every page links to the other languages, each marked with its own language.
    assert!(
        da.contains("lang=\"sv\" hreflang=\"sv\"")
            && da.contains(">Svenska</a>")
            && da.contains("aria-current=\"true\">Dansk</a>")
    );
});

both!(services_and_history, |app| {
    let (_, services) = app.json("/api/v1/services?limit=1000");
    let items = services["items"].as_array().unwrap();
    assert!(
        items.iter().any(|s| s["id"] == "genoptraening-sel86"
            && s["legal_basis"][0] == "DK:SEL §86"
            && s["cooperation"] == "dragoer-taarnby"),
        "{services}"
    );
    let (status, history) = app.json("/api/v1/cooperations/dragoer-taarnby/history?limit=1000");
    assert_eq!(status, 200);
    let events = history["items"].as_array().unwrap();
    assert!(events.len() > 20);
    assert!(
        events
            .iter()
            .all(|e| e["key"].as_str().unwrap().starts_with("dragoer-taarnby")),
        "only this cooperation's events"
    );
    assert_eq!(events[0]["actor"], "test");
    assert_eq!(events[0]["reason"], "examples");
    assert!(events.iter().any(
        |e| e["key"] == "dragoer-taarnby/take-back/DK-0155/2021-09-01"
            && e["change"]["op"] == "put"
    ));
    let (status, _) = app.json("/api/v1/cooperations/nope/history");
    assert_eq!(status, 404);
});
