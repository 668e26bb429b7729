//! Every fact of the five source pages of our first customers (`shared/seeds/000`–`004`), one row
//! per fact with the line of the page it comes from, asserted through the real binary: `samvirke
//! who --json`, `samvirke export`, and, from `samvirke serve`, the cooperation's JSON and the text
//! of its pages in the page's language. A reviewer holding a page beside its table finds no fact
//! without a row; a line that holds no fact (navigation, a photo credit, a share button) is named
//! in the comment above the table.
//!
//! Every failing row of a table is reported at once, with its seed line.

#[path = "../../../tests/support/serve.rs"]
mod serve;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/cooperations");

/// What a row asserts.
enum Check {
    /// `samvirke who MUNICIPALITY SERVICE --on DATE --json`: the value at the JSON pointer.
    Who(
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
    ),
    /// `samvirke export COOPERATION` holds the text.
    Export(&'static str, &'static str),
    /// `GET /api/v1/cooperations/COOPERATION`: the value at the JSON pointer.
    Json(&'static str, &'static str, &'static str),
    /// The text of the page (tags removed, spaces collapsed) in the language holds the text.
    Page(&'static str, &'static str, &'static str),
}

use Check::{Export, Json, Page, Who};

/// The examples imported into a fresh SQLite file, and `samvirke serve` on a free port.
struct Registry {
    _dir: tempfile::TempDir,
    db: String,
    server: Child,
    address: String,
}

impl Registry {
    fn start() -> Registry {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("seeds.db").to_string_lossy().to_string();
        let out = Command::new(env!("CARGO_BIN_EXE_samvirke"))
            .args(["import", EXAMPLES])
            .env("SAMVIRKE_DB", &db)
            .env("SAMVIRKE_ACTOR", "test")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let (server, address) = serve::start(env!("CARGO_BIN_EXE_samvirke"), &db);
        Registry {
            _dir: dir,
            db,
            server,
            address,
        }
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_samvirke"))
            .args(args)
            .env("SAMVIRKE_DB", &self.db)
            .env("LANG", "C.UTF-8")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "samvirke {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// The body of `GET path` asked for in `lang` (HTTP/1.0: no chunks, the server closes), or
    /// the status line when it is not 200.
    fn get(&self, path: &str, lang: &str) -> Result<String, String> {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.0\r\nHost: {}\r\nAccept-Language: {lang}\r\n\r\n",
            self.address
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let (head, body) = response.split_once("\r\n\r\n").unwrap();
        match head.lines().next() {
            Some(status) if status.starts_with("HTTP/1.0 200") => Ok(body.to_string()),
            status => Err(format!("GET {path}: {}", status.unwrap_or_default())),
        }
    }

    /// Checks every row; panics with every failing row and its seed line.
    fn check(&self, seed: &str, rows: &[(u32, Check)]) {
        let mut exports = std::collections::HashMap::new();
        let mut failures = Vec::new();
        for (line, check) in rows {
            let failure = match check {
                Who(m, service, on, pointer, expected) => {
                    let answer: serde_json::Value =
                        serde_json::from_str(&self.run(&["who", m, service, "--on", on, "--json"]))
                            .unwrap();
                    at(&answer, pointer, expected)
                        .map(|f| format!("who {m} {service} --on {on}: {f}"))
                }
                Export(coop, text) => {
                    let exported = exports
                        .entry(*coop)
                        .or_insert_with(|| self.run(&["export", coop]));
                    (!exported.contains(text)).then(|| format!("export {coop} lacks {text:?}"))
                }
                Json(coop, pointer, expected) => {
                    match self.get(&format!("/api/v1/cooperations/{coop}"), "en") {
                        Ok(body) => {
                            let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
                            at(&doc, pointer, expected).map(|f| format!("JSON of {coop}: {f}"))
                        }
                        Err(e) => Some(e),
                    }
                }
                Page(lang, path, text) => match self.get(path, lang) {
                    Ok(body) => (!text_of(&body).contains(text))
                        .then(|| format!("{path} ({lang}) lacks {text:?}")),
                    Err(e) => Some(e),
                },
            };
            if let Some(f) = failure {
                failures.push(format!("{seed} line {line}: {f}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// `None` when the value at `pointer` is the JSON `expected`; else what it is.
fn at(value: &serde_json::Value, pointer: &str, expected: &str) -> Option<String> {
    let want: serde_json::Value = serde_json::from_str(expected)
        .unwrap_or_else(|e| panic!("the row's value {expected} is not JSON: {e}"));
    let got = value.pointer(pointer);
    (got != Some(&want)).then(|| format!("{pointer} is {got:?}, not {want}"))
}

/// A page's text: tags removed, entities of quotes and ampersands read, spaces collapsed.
fn text_of(html: &str) -> String {
    let without_tags: String = html
        .split('<')
        .map(|part| part.split_once('>').map_or(part, |(_, t)| t))
        .collect();
    without_tags
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

// shared/seeds/000: Vallensbæk Kommune, "Forpligtende samarbejde mellem Ishøj og Vallensbæk
// Kommune". Lines 1, 5, 7 and 9 are the breadcrumb, the photo and its credit; 26 points to links.
#[test]
fn seed_000_ishoej_vallensbaek() {
    const C: &str = "ishoej-vallensbaek";
    const PAGE: &str = "/cooperations/ishoej-vallensbaek";
    Registry::start().check(
        "000",
        &[
            (3, Json(C, "/cooperation/name", "\"Forpligtende samarbejde mellem Ishøj og Vallensbæk Kommune\"")),
            (3, Json(C, "/cooperation/parties/0/id", "\"DK-0183\"")),
            (3, Json(C, "/cooperation/parties/1/id", "\"DK-0187\"")),
            (11, Json(C, "/cooperation/legal_form", "\"dk-forpligtende-samarbejde\"")),
            (11, Export(C, "from = 2007-01-01")),
            (13, Export(C, "Vallensbæk bevarer sin selvstændighed efter kommunalreformen (egen kommunalbestyrelse og eget budget)")),
            (13, Page("da", PAGE, "løser fem centrale områder i et forpligtende samarbejde med nabokommunen Ishøj")),
            (17, Export(C, "id = \"beskaeftigelse\"\nname = { da = \"Beskæftigelse\"")),
            (18, Export(C, "id = \"genoptraening\"\nname = { da = \"Genoptræning\"")),
            (19, Export(C, "id = \"socialomraadet\"\nname = { da = \"Det sociale område\"")),
            (20, Export(C, "id = \"specialundervisning\"\nname = { da = \"Specialundervisning\"")),
            (21, Export(C, "id = \"natur-miljoe\"\nname = { da = \"Natur- og miljøområdet\"")),
            // "Vallensbæk er udførende på beskæftigelsesområdet, mens Ishøj er ansvarlig for de
            // fire andre områder", for the residents of both.
            (24, Who("DK-0183", "beskaeftigelse", "2024-01-01", "/responsible/id", "\"DK-0187\"")),
            (24, Who("DK-0187", "beskaeftigelse", "2024-01-01", "/responsible/id", "\"DK-0187\"")),
            (24, Who("DK-0187", "genoptraening", "2024-01-01", "/responsible/id", "\"DK-0183\"")),
            (24, Who("DK-0187", "socialomraadet", "2024-01-01", "/responsible/id", "\"DK-0183\"")),
            (24, Who("DK-0187", "specialundervisning", "2024-01-01", "/responsible/id", "\"DK-0183\"")),
            (24, Who("DK-0187", "natur-miljoe", "2024-01-01", "/responsible/id", "\"DK-0183\"")),
            (24, Who("DK-0183", "natur-miljoe", "2007-01-01", "/responsible/id", "\"DK-0183\"")),
            // "de i nogle tilfælde skal henvende sig andre steder": at the performer.
            (24, Who("DK-0183", "beskaeftigelse", "2024-01-01", "/contact/id", "\"DK-0187\"")),
            (24, Export(C, "Serviceniveauet skal som minimum være det samme som før.")),
            (24, Export(C, "from = \"DK-0183\"\nto = \"DK-0187\"\napprox_count = 35")),
            (24, Export(C, "from = \"DK-0187\"\nto = \"DK-0183\"\napprox_count = 60")),
            (24, Page("da", PAGE, "Omkring 35 medarbejdere fra Ishøj til Vallensbæk")),
            (30, Export(C, "question = \"Skal Vallensbæk fortsætte med at være en selvstændig kommune?\"")),
            (32, Export(C, "yes = 5620")),
            (32, Export(C, "ja 90,4 %")),
            (34, Export(C, "no = 561")),
            (34, Export(C, "nej 9,0 %")),
            (36, Export(C, "cast = 6218")),
            (38, Export(C, "valid = 6181")),
            (40, Export(C, "turnout_percent = 65.8")),
            (42, Export(C, "sidst opdateret 03.09.2013")),
            // What the page does not say, in the cooperation's note.
            (24, Json(C, "/cooperation/note", "\"Siden nævner de fem områder og hvem der udfører dem, men ingen delaftaler, ingen hovedaftaletekst og ingen lovhenvisninger. At hver udfører betjener begge kommuners borgere, er læst ud af \\\"Vallensbæk er udførende på beskæftigelsesområdet, mens Ishøj er ansvarlig for de fire andre områder\\\". Siden siger ikke, hvem der behandler klager og anmodninger om aktindsigt, og giver ikke folkeafstemningens dato.\"")),
            (24, Who("DK-0187", "genoptraening", "2024-01-01", "/complaints_to/stated_in_agreement", "false")),
        ],
    );
}

// shared/seeds/001: Kommunen.dk, "Fire kommuner i tættere samarbejde". Lines 1–10 are the site's
// menu; line 34 ("mou") is a stray word of the copy.
#[test]
fn seed_001_koebenhavn_syd() {
    const C: &str = "koebenhavn-syd";
    const PAGE: &str = "/cooperations/koebenhavn-syd";
    Registry::start().check(
        "001",
        &[
            (12, Json(C, "/cooperation/name", "\"København Syd-samarbejdet\"")),
            (14, Json(C, "/cooperation/parties/0/id", "\"DK-0253\"")),
            (14, Json(C, "/cooperation/parties/1/id", "\"DK-0269\"")),
            (14, Json(C, "/cooperation/parties/2/id", "\"DK-0259\"")),
            (14, Json(C, "/cooperation/parties/3/id", "\"DK-0336\"")),
            (14, Export(C, "dele af social- og sundhedsområdet, arbejdsmarkedsområdet, børneområdet og det tekniske område")),
            // No delegation: a resident of each of the four is served by their own municipality.
            (14, Json(C, "/delegations", "[]")),
            (16, Export(C, "[[figure]]\nid = \"borgere\"\nsubject = \"borgere i de fire kommuner tilsammen\"\nvalue = 150000\napproximate = true")),
            (16, Page("da", PAGE, "omkring 150.000 borgere i de fire kommuner tilsammen")),
            (16, Export(C, "så udgifterne deles og gevinsterne kommer flere borgere til gavn")),
            (18, Export(C, "person = \"Hans Barlach (K)\"\nrole = \"formand for København Syd-samarbejdet\"\npublic = true")),
            (18, Export(C, "person = \"Hans Barlach (K)\"\nrole = \"borgmester\"\nparty = \"DK-0253\"\npublic = true")),
            (18, Page("da", PAGE, "Hans Barlach (K) – formand for København Syd-samarbejdet")),
            (18, Export(C, "Større kvalitet i ydelserne eller et mindre ressourceforbrug")),
            (20, Export(C, "id = \"uddannelsesvejledning-unge\"\narea = \"Uddannelsesvejledning til unge\"\nkind = \"operations\"\nstatus = \"established\"")),
            (20, Export(C, "id = \"faelles-kulturtilbud\"\narea = \"Fælles kulturtilbud\"\nkind = \"operations\"\nstatus = \"established\"")),
            (20, Export(C, "id = \"erfaringsudveksling-beskaeftigelse\"")),
            (20, Export(C, "Samarbejdet har eksisteret i en årrække.")),
            (22, Export(C, "status = \"decided\"")),
            (24, Export(C, "fra primært at være et erhvervssamarbejde til et egentligt kommunesamarbejde")),
            (28, Export(C, "id = \"stu\"\narea = \"Fælles tilbud om Særligt Tilrettelagt Uddannelse (STU)")),
            (29, Export(C, "id = \"tobaksforebyggelse-boern-unge\"")),
            (30, Export(C, "id = \"virksomhedscentre\"\narea = \"Samordning af de fire kommuners virksomhedscentre")),
            (31, Export(C, "id = \"unge-misbrug\"\narea = \"Fælles indsats over for unge med misbrugsproblemer\"")),
            (32, Export(C, "id = \"strategisk-energiplanlaegning\"")),
            (32, Page("da", "/cooperations/koebenhavn-syd/projects", "Samarbejde om strategisk energiplanlægning")),
            (18, Json(C, "/cooperation/note", "\"Artiklen er udateret og nævner ingen fælles enhed: samarbejdet er registreret som aftalebaseret, uden delegationer (hver kommune betjener selv sine borgere), og de nye indsatser som besluttede (\\\"Nu er vi klar til at indgå i en række nye samarbejder\\\").\"")),
        ],
    );
}

// shared/seeds/002: Dragør Kommune, "Det forpligtende samarbejde". Lines 1, 2, 8 and 10 are the
// site's links and headings; 91 repeats 89 word for word.
#[test]
fn seed_002_dragoer_taarnby() {
    const C: &str = "dragoer-taarnby";
    const PAGE: &str = "/cooperations/dragoer-taarnby";
    Registry::start().check(
        "002",
        &[
            (6, Json(C, "/cooperation/legal_form", "\"dk-forpligtende-samarbejde\"")),
            (6, Json(C, "/cooperation/parties/0/id", "\"DK-0185\"")),
            (6, Json(C, "/cooperation/parties/1/id", "\"DK-0155\"")),
            (12, Who("DK-0155", "natur-miljoe", "2024-01-01", "/responsible/id", "\"DK-0185\"")),
            (13, Who("DK-0155", "arbejdsmarkedsforanstaltninger", "2024-01-01", "/responsible/id", "\"DK-0185\"")),
            (14, Who("DK-0155", "genoptraening-sel86", "2021-08-31", "/responsible/id", "\"DK-0185\"")),
            (15, Who("DK-0155", "socialsager-boern", "2024-01-01", "/responsible/id", "\"DK-0185\"")),
            (15, Who("DK-0155", "socialsager-voksne", "2024-01-01", "/responsible/id", "\"DK-0185\"")),
            (17, Export(C, "from = 2007-01-01")),
            (17, Who("DK-0155", "natur-miljoe", "2007-01-01", "/responsible/id", "\"DK-0185\"")),
            (19, Export(C, "[[event]]\nid = \"serviceeftersyn-2019\"\nkind = \"review\"\ndate = \"2019-autumn\"")),
            (19, Page("da", PAGE, "efteråret 2019")),
            (21, Export(C, "[[document]]\nid = \"sammenfattende-notat-2019\"\nkind = \"summary_memo\"")),
            (25, Export(C, "[[document]]\nid = \"retningslinjer-delegation\"\nkind = \"delegation_guidelines\"")),
            (27, Export(C, "[[document]]\nid = \"forretningsgang-klagebehandling\"\nkind = \"complaint_procedure\"")),
            // The take-back of 1 September 2021: 1 and 2 end, 5 and 8 are revised.
            (29, Export(C, "sub_agreements_ended = [1, 2]\nsub_agreements_revised = [5, 8]")),
            (29, Export(C, "number = 1\ntitle = \"Delaftale 1\"\nservices = [\"genoptraening-sel86\"]\nfrom = 2007-01-01\nto = 2021-09-01")),
            (29, Export(C, "[[sub_agreement.revision]]\neffective = 2021-09-01")),
            // "seks delaftaler med tilhørende betalingsaftaler" and "de 8 delaftaler" (97).
            (31, Page("da", PAGE, "8 delaftaler kendes, heraf 2 kun ved nummer; 6 har en betalingsaftale.")),
            (33, Export(C, "by = \"DK-0155\"\nfrom = \"DK-0185\"\neffective = 2021-09-01")),
            (35, Who("DK-0155", "genoptraening-sel86", "2021-09-01", "/responsible/id", "\"DK-0155\"")),
            (35, Who("DK-0155", "genoptraening-sel86", "2021-09-01", "/basis/0/step", "\"take_back\"")),
            (37, Who("DK-0155", "hjaelpemidler-sel112-116", "2021-08-31", "/responsible/id", "\"DK-0185\"")),
            (37, Who("DK-0155", "hjaelpemidler-sel112-116", "2021-09-01", "/responsible/id", "\"DK-0155\"")),
            (39, Who("DK-0155", "socialomraadet-voksne-sel82", "2021-09-01", "/responsible/id", "\"DK-0155\"")),
            (41, Who("DK-0155", "specialundervisning-visitation", "2021-09-01", "/responsible/id", "\"DK-0155\"")),
            (41, Who("DK-0155", "ppr", "2021-09-01", "/responsible/id", "\"DK-0155\"")),
            (41, Who("DK-0155", "ppr", "2021-08-31", "/responsible/id", "\"DK-0185\"")),
            (43, Export(C, "version = 2\ntitle = \"Revideret hovedaftale\"")),
            (45, Export(C, "number = \"1.1\"\nmain_agreement = 2\nsubject = \"purpose\"")),
            (49, Export(C, "number = \"1.2\"\nmain_agreement = 2\nsubject = \"purpose\"")),
            (49, Export(C, "med eget besluttet serviceniveau")),
            (53, Export(C, "number = \"1.3\"\nmain_agreement = 2\nsubject = \"purpose\"")),
            (55, Export(C, "number = \"2.1\"\nmain_agreement = 2\nsubject = \"model\"")),
            (55, Who("DK-0155", "natur-miljoe", "2024-01-01", "/clauses/0/number", "\"2.1\"")),
            (57, Export(C, "number = \"2.2\"\nmain_agreement = 2\nsubject = \"citizen\"")),
            // 2.3: the resident may be served in Dragør although Tårnby performs the task.
            (59, Export(C, "number = \"2.3\"\nmain_agreement = 2\nsubject = \"citizen\"")),
            (59, Who("DK-0155", "genoptraening-sel86", "2021-08-31", "/contact/id", "\"DK-0155\"")),
            (59, Who("DK-0155", "genoptraening-sel86", "2021-08-31", "/contact/place", "\"residence\"")),
            (59, Who("DK-0155", "genoptraening-sel86", "2021-08-31", "/clauses/2/number", "\"2.3\"")),
            (61, Export(C, "number = \"3.1\"\nmain_agreement = 2\nsubject = \"service_level\"")),
            (63, Export(C, "number = \"3.2\"\nmain_agreement = 2\nsubject = \"payment\"")),
            (65, Export(C, "number = \"3.3\"\nmain_agreement = 2\nsubject = \"cost_principle\"")),
            (67, Export(C, "number = \"3.4\"\nmain_agreement = 2\nsubject = \"savings_sharing\"")),
            (67, Page("da", PAGE, "Punkt 3.4 – Deling af besparelser")),
            (69, Export(C, "number = \"4.1\"\nmain_agreement = 2\nsubject = \"information\"")),
            (71, Export(C, "number = \"4.2\"\nmain_agreement = 2\nsubject = \"reporting\"")),
            (71, Export(C, "[[event]]\nid = \"foerste-justering-aarshjul-2020\"\nkind = \"plan\"\ndate = \"2020-02\"")),
            (73, Export(C, "number = \"4.3\"\nmain_agreement = 2\nsubject = \"data_access\"")),
            (75, Export(C, "number = \"4.4\"\nmain_agreement = 2\nsubject = \"information\"")),
            (77, Export(C, "kind = \"council_adoption\"\ndate = 2019-12-19\nbody = \"DK-0155\"")),
            (77, Export(C, "[[main_agreement.adopted]]\nparty = \"DK-0155\"\ndate = 2019-12-19")),
            (79, Export(C, "id = \"skabelon-og-aarshjul\"")),
            (83, Export(C, "id = \"aarsrapportering\"")),
            (84, Export(C, "med faktaark for hver delaftale")),
            (85, Export(C, "id = \"bestilling\"")),
            (85, Export(C, "id = \"betalingsaftaler\"")),
            (85, Page("da", PAGE, "Bestilling af ydelser for det kommende år")),
            (89, Who("DK-0155", "hjaelpemidler-sel112-116", "2021-09-01", "/basis/0/step", "\"take_back\"")),
            (93, Export(C, "title = \"Generelle retningslinjer for delegation\"\nsub_agreements = [3, 4, 5, 6, 7, 8]")),
            (93, Export(C, "kind = \"payment_principles\"\ntitle = \"Betalingsprincipper\"")),
            (97, Export(C, "number = 6\ntitle = \"Delaftale 6\"\nfrom = 2007-01-01\nplaceholder = true")),
            (97, Export(C, "number = 7\ntitle = \"Delaftale 7\"\nfrom = 2007-01-01\nplaceholder = true")),
            (99, Export(C, "Dækker klager, aktindsigt og indsigt efter databeskyttelsesforordningen")),
            (99, Who("DK-0155", "ppr", "2021-08-31", "/documents_access_to/id", "\"DK-0185\"")),
            (99, Who("DK-0155", "ppr", "2021-08-31", "/data_access_to/stated_in_agreement", "false")),
            (105, Export(C, "party = \"DK-0155\"\nunit = \"Borgmestersekretariatet\"")),
            (107, Export(C, "phone = \"32 89 01 00\"")),
            (107, Who("DK-0155", "genoptraening-sel86", "2021-08-31", "/contact/contacts/0/phone", "\"32 89 01 00\"")),
            (109, Export(C, "digital_mail = \"Digital Post til Borgmestersekretariatet\"")),
            (31, Json(C, "/cooperation/note", "\"Siden nævner både \\\"seks delaftaler\\\" og \\\"de 8 delaftaler\\\": her læst som 8 indgåede delaftaler, hvoraf 6 og 7 kun kendes ved nummer, og 6 i kraft efter hjemtagelsen 1. september 2021. Hvilke opgaver der hører til hvilken delaftale, står ikke på siden; fordelingen i denne fil er en antagelse, der passer med det, siden siger (1 og 2 ophørte helt, 5 og 8 blev revideret). Siden siger ikke, hvem der behandler klager og anmodninger om aktindsigt og indsigt, og ikke hvornår Tårnby vedtog den reviderede hovedaftale.\"")),
        ],
    );
}

// shared/seeds/003: Arboga kommun, "Fördjupad samverkan i Västra Mälardalen". Lines 5, 9, 21, 23,
// 34, 40 and 52 are headings; 56 and 74 are links ("Tipsa en kompis", "Öppettider och
// telefonnummer"); 58 is an empty contact heading.
#[test]
fn seed_003_vastra_malardalen() {
    const C: &str = "vastra-malardalen";
    const PAGE: &str = "/cooperations/vastra-malardalen";
    Registry::start().check(
        "003",
        &[
            (1, Json(C, "/cooperation/name", "\"Fördjupad samverkan i Västra Mälardalen\"")),
            (3, Json(C, "/cooperation/parties/0/id", "\"SE-1984\"")),
            (3, Json(C, "/cooperation/parties/1/id", "\"SE-1983\"")),
            (3, Json(C, "/cooperation/parties/2/id", "\"SE-1960\"")),
            (3, Export(C, "id = \"it\"\narea = \"IT\"\nkind = \"staff\"\nstatus = \"established\"")),
            (3, Export(C, "id = \"lon\"\narea = \"Lön\"")),
            (3, Export(C, "id = \"upphandling-inkop\"\narea = \"Upphandling och inköp\"")),
            (3, Export(C, "id = \"gymnasieutbildning\"\narea = \"Gymnasieutbildning\"")),
            (3, Export(C, "id = \"raddningstjanst\"\narea = \"Räddningstjänst\"")),
            (3, Export(C, "dra nytta av varandras styrkor")),
            (7, Export(C, "samordna resurser")),
            (11, Export(C, "En mer konkurrenskraftig och attraktiv region för näringslivet och invånarna")),
            (11, Export(C, "fortsatt god service till medborgare och företagare")),
            (25, Export(C, "[[figure]]\nid = \"prioriterade-omraden\"")),
            (25, Export(C, "value = 14")),
            (25, Page("nb", PAGE, "Nevnt ved navn (6)")),
            (27, Export(C, "id = \"gemensam-rekryteringsenhet\"\narea = \"Gemensam rekryteringsenhet där näringslivet inkluderas\"")),
            (28, Export(C, "id = \"strategi-naringsliv-besoksnaring\"\narea = \"Ta fram strategi för näringsliv och besöksnäring tillsammans med näringslivet\"")),
            (29, Export(C, "id = \"utbildning-efter-grundskolan\"\narea = \"Samordna all utbildningsverksamhet efter grundskolan\"")),
            (30, Export(C, "id = \"gemensam-va-organisation\"\narea = \"Gemensam VA-organisation\"")),
            (31, Export(C, "id = \"samordna-hemtjanst\"\narea = \"Samordna hemtjänst\"")),
            (32, Export(C, "id = \"samordna-socialtjanst\"\narea = \"Samordna socialtjänst\"")),
            (36, Export(C, "id = \"regeringens-utredning-2017\"\nkind = \"inquiry\"\ndate = \"2017-early\"")),
            (36, Page("sv", PAGE, "början av 2017")),
            (38, Json(C, "/cooperation/legal_form", "\"se-avtalssamverkan\"")),
            (38, Export(C, "vill bli försöksområde för att pröva hur gemensamma resurser kan användas mer effektivt genom avtalssamverkan")),
            (42, Export(C, "id = \"almedalsveckan-2016\"\nkind = \"meeting\"\ndate = \"2016\"")),
            (42, Export(C, "civilminister Ardalan Shekarabi")),
            (42, Export(C, "id = \"brev-till-civilministern-2016\"\nkind = \"letter\"")),
            (46, Export(C, "[[decision]]\nid = \"avsiktsforklaring-2016\"\nkind = \"letter_of_intent\"\ndate = 2016-08-31")),
            (46, Export(C, "[[document]]\nid = \"avsiktsforklaring\"\nkind = \"letter_of_intent\"")),
            (46, Export(C, "id = \"vastra-malardalen-i-samverkan\"\nname = \"Västra Mälardalen i Samverkan\"")),
            (46, Export(C, "id = \"industriforeningen-vastra-malardalen\"\nname = \"Industriföreningen Västra Mälardalen\"")),
            (46, Export(C, "id = \"kommunstyrelse-arboga\"\nkind = \"board_decision\"")),
            (46, Export(C, "id = \"kommunstyrelse-koping\"")),
            (46, Export(C, "id = \"kommunstyrelse-kungsor\"")),
            (50, Export(C, "id = \"plan-fordjupad-samverkan\"")),
            (50, Export(C, "id = \"gemensamt-forvaltningschefsmote\"")),
            (54, Export(C, "id = \"forsta-gemensamma-ksau-2016\"\nkind = \"meeting\"\ndate = \"2016-09\"")),
            (54, Page("sv", PAGE, "september 2016")),
            (60, Export(C, "senast uppdaterad 28 juni 2019")),
            (64, Export(C, "phone = \"0589-870 00\"")),
            (65, Export(C, "email = \"arboga.kommun@arboga.se\"")),
            (67, Export(C, "unit = \"Arboga kommun\"")),
            (69, Export(C, "address = \"Box 45, 732 21 Arboga\"")),
            (70, Export(C, "visiting_address = \"Smedjegatan 5\"")),
            (72, Export(C, "id = \"SE-1984\"\nroles = [\"member\", \"signatory\"]\norg_number = \"212000-2122\"")),
            (72, Page("nb", PAGE, "(org.nr. 212000-2122)")),
            (25, Json(C, "/cooperation/note", "\"Sidan anger inte vilken kommun eller vilket organ som utför de befintliga samverkansområdena, så de är inte registrerade som delegeringar. Av de 14 prioriterade områdena namnges sex (\\\"bland annat\\\"); de övriga åtta namnges inte. Kommunstyrelsernas beslut om avsiktsförklaringen är inte daterade på sidan.\"")),
        ],
    );
}

// shared/seeds/004: Marker kommune, "Samarbeid for bedre tjenester". Line 31 says that news will
// follow; 33 is the share and print links.
#[test]
fn seed_004_marker() {
    const C: &str = "marker-ostfold-kartlegging";
    const PAGE: &str = "/cooperations/marker-ostfold-kartlegging";
    Registry::start().check(
        "004",
        &[
            (1, Json(C, "/cooperation/name", "\"Samarbeid for bedre tjenester: felles kartlegging i Østfold\"")),
            (3, Json(C, "/cooperation/status", "\"exploring\"")),
            (3, Json(C, "/cooperation/legal_form", "\"undecided\"")),
            (5, Export(C, "id = \"smarte-samfunn\"\narea = \"Utviklingsoppgaver, f.eks. Smarte samfunn\"\nkind = \"development\"")),
            (5, Export(C, "id = \"ppt\"\narea = \"Driftsoppgaver, f.eks. PPT (pedagogisk-psykologisk tjeneste)\"\nkind = \"operations\"")),
            (5, Export(C, "id = \"juridiske-sporsmal\"\narea = \"Stabsfunksjoner, f.eks. juridiske spørsmål\"\nkind = \"staff\"")),
            (7, Export(C, "id = \"fem-kommuner-gar-videre\"\nkind = \"board_decision\"")),
            (7, Json(C, "/cooperation/parties/0/id", "\"NO-3122\"")),
            (7, Json(C, "/cooperation/parties/1/id", "\"NO-3114\"")),
            (7, Json(C, "/cooperation/parties/2/id", "\"NO-3110\"")),
            (7, Json(C, "/cooperation/parties/3/id", "\"NO-3112\"")),
            (7, Json(C, "/cooperation/parties/4/id", "\"NO-3116\"")),
            (9, Export(C, "uavhengig av størrelsen på kommunen")),
            (11, Export(C, "evaluere om aktive avtaler leverer etter hensikten og gir god effekt for pengene")),
            (11, Export(C, "Eksisterende avtaler med nabokommuner nevnes, men ikke ved navn")),
            (15, Export(C, "id = \"seminar-inspiria\"\nkind = \"seminar\"\ndate = \"--09-08\"")),
            (15, Page("nb", PAGE, "8. september (årstall ikke oppgitt)")),
            (15, Export(C, "place = \"Inspiria\"")),
            (19, Export(C, "\"Redusere sårbarhet der hvor det er små faglige miljøer\"")),
            (21, Export(C, "\"Øke kompetansen vår sammen\"")),
            (23, Export(C, "\"Veie opp for sesongvariasjoner og økt press på tjenestene i en periode\"")),
            (25, Export(C, "\"Oppnå stordriftsfordeler\"")),
            (27, Export(C, "\"Skape økonomisk handlingsrom\"")),
            (29, Export(C, "id = \"praksis-2018\"\nkind = \"plan\"\ndate = \"2018\"")),
            (29, Export(C, "forankring med tillitsvalgte, politisk nivå og de ansatte")),
            // The scores are illustrative and say so.
            (13, Export(C, "illustrative = true")),
            (13, Page("nb", "/cooperations/marker-ostfold-kartlegging/mapping", "Illustrativ")),
        ],
    );
}
