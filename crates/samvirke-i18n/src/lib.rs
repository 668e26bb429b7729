//! # samvirke-i18n
//!
//! Every word Samvirke shows a person, in Danish, Swedish, Norwegian Bokmål and English, from the
//! Fluent files in `locales/` (compiled in), and dates, numbers and money as each language writes
//! them. The web pages, the CLI, the reminder mails and the report all take their words from here.
//!
//! A page's language is the `samvirke_lang` cookie (set by the switch in the page header) or else
//! the best match in `Accept-Language`, else English ([`negotiate`]).
#![deny(missing_docs)]

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use samvirke_core::Date;

/// A page language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// Dansk
    Da,
    /// Svenska
    Sv,
    /// Norsk bokmål
    Nb,
    /// English
    En,
}

/// The cookie that remembers the choice.
pub const COOKIE: &str = "samvirke_lang";

impl Lang {
    /// Every language, in the order the switch shows them.
    pub const ALL: [Lang; 4] = [Lang::Da, Lang::Sv, Lang::Nb, Lang::En];

    /// BCP 47 code, as in `lang` attributes.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Da => "da",
            Lang::Sv => "sv",
            Lang::Nb => "nb",
            Lang::En => "en",
        }
    }

    /// The language's own name, for the switch.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::Da => "Dansk",
            Lang::Sv => "Svenska",
            Lang::Nb => "Norsk bokmål",
            Lang::En => "English",
        }
    }

    /// `da`, `sv`, `nb` (also `no`, `nn`), `en`, with or without a region (`da-DK`).
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "da" => Some(Lang::Da),
            "sv" => Some(Lang::Sv),
            "nb" | "no" | "nn" => Some(Lang::Nb),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The page language of a model language.
    pub fn of(language: samvirke_core::model::Language) -> Lang {
        use samvirke_core::model::Language;
        match language {
            Language::Da => Lang::Da,
            Language::Sv => Lang::Sv,
            Language::Nb => Lang::Nb,
            Language::En => Lang::En,
        }
    }

    /// The model language of a page language.
    pub fn language(self) -> samvirke_core::model::Language {
        use samvirke_core::model::Language;
        match self {
            Lang::Da => Language::Da,
            Lang::Sv => Language::Sv,
            Lang::Nb => Language::Nb,
            Lang::En => Language::En,
        }
    }

    /// The language of `LANG` / `LC_ALL` / `LC_MESSAGES` style values (`da_DK.UTF-8`); `None` for
    /// `C`, `POSIX` or a language Samvirke does not speak.
    pub fn from_locale(value: &str) -> Option<Lang> {
        Lang::parse(value.split(['.', '@']).next().unwrap_or_default())
    }

    fn index(self) -> usize {
        match self {
            Lang::Da => 0,
            Lang::Sv => 1,
            Lang::Nb => 2,
            Lang::En => 3,
        }
    }
}

/// The language for a request: the cookie's value, else `Accept-Language` by quality, else
/// English.
pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
    if let Some(lang) = cookie.and_then(Lang::parse) {
        return lang;
    }
    let mut offers: Vec<(u32, Lang)> = accept_language
        .unwrap_or_default()
        .split(',')
        .filter_map(|item| {
            let mut parts = item.split(';');
            let lang = Lang::parse(parts.next()?)?;
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            Some(((quality * 1000.0) as u32, lang))
        })
        .collect();
    offers.sort_by_key(|o| std::cmp::Reverse(o.0));
    offers.first().map_or(Lang::En, |(_, lang)| *lang)
}

const SOURCES: [(&str, &str); 4] = [
    ("da", include_str!("../locales/da.ftl")),
    ("sv", include_str!("../locales/sv.ftl")),
    ("nb", include_str!("../locales/nb.ftl")),
    ("en", include_str!("../locales/en.ftl")),
];

fn bundles() -> &'static Vec<FluentBundle<FluentResource>> {
    static BUNDLES: OnceLock<Vec<FluentBundle<FluentResource>>> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        SOURCES
            .iter()
            .map(|(code, text)| {
                let id = code.parse().unwrap_or_default();
                let mut bundle = FluentBundle::new_concurrent(vec![id]);
                // Plain text into HTML: no Unicode isolation marks around values.
                bundle.set_use_isolating(false);
                let resource = FluentResource::try_new(text.to_string()).unwrap_or_else(
                    |(partial, errors)| {
                        tracing::error!(
                            language = code,
                            ?errors,
                            "Fluent resource has errors; the rest is used"
                        );
                        partial
                    },
                );
                if let Err(errors) = bundle.add_resource(resource) {
                    tracing::error!(language = code, ?errors, "Fluent messages clash");
                }
                bundle
            })
            .collect()
    })
}

/// The message `key` with `args` in `lang`; English when the language lacks it, the key itself when
/// no language has it (a build defect the tests catch).
pub fn message(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        // A whole number written canonically ("4", not "04" or "0185") goes in as a number, so
        // that a message can choose its plural form ("1 uge", "4 uger"); anything else, codes
        // with leading zeros included, stays text.
        match value.parse::<i64>() {
            Ok(n) if n.to_string() == *value => fluent_args.set(*name, n),
            _ => fluent_args.set(*name, value.to_string()),
        }
    }
    for bundle in [&bundles()[lang.index()], &bundles()[Lang::En.index()]] {
        if let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
            return text.into_owned();
        }
    }
    tracing::error!(key, "no Fluent message with this key");
    key.to_string()
}

/// A step of the resolver's proof chain in `lang` (the core writes English and keeps each step's
/// parts): the message `basis-{step}[-{variant}]` with the parts; dates as the language writes
/// them, legal forms and statuses in words, the service by `service_name` when given. A step
/// without parts is `text` as the core wrote it.
pub fn basis_step<K: AsRef<str>>(
    lang: Lang,
    step: &str,
    text: &str,
    args: &[(K, String)],
    service_name: &str,
) -> String {
    if args.is_empty() {
        return text.to_string();
    }
    let variant = args
        .iter()
        .find(|(k, _)| k.as_ref() == "variant")
        .map(|(_, v)| v.as_str());
    let key = match variant {
        Some(v) => format!("basis-{}-{v}", step.replace('_', "-")),
        None => format!("basis-{}", step.replace('_', "-")),
    };
    let values: Vec<(&str, String)> = args
        .iter()
        .filter(|(k, _)| k.as_ref() != "variant")
        .map(|(k, v)| {
            let shown = match k.as_ref() {
                "form" => samvirke_core::model::LegalForm::parse(v)
                    .map_or_else(|| v.clone(), |f| t(lang, &format!("form-{}", f.as_str()))),
                "status" => t(lang, &format!("status-{v}")),
                "service" if !service_name.is_empty() => service_name.to_string(),
                _ => Date::parse(v).map_or_else(|_| v.clone(), |d| date(lang, d)),
            };
            (k.as_ref(), shown)
        })
        .collect();
    let args: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    message(lang, &key, &args)
}

/// A citation of the legal basis in `lang`: "Serviceloven § 86" for `DK:SEL §86` (see
/// `samvirke_core::laws`), the citation as written when the law is not in the catalogue.
pub fn citation(lang: Lang, text: &str) -> String {
    match samvirke_core::laws::cite(text) {
        Some(c) if c.section.is_empty() => c.law.name.get_in(lang.language()).0.to_string(),
        Some(c) => format!("{} {}", c.law.name.get_in(lang.language()).0, c.section),
        None => text.to_string(),
    }
}

/// A dispute's subject in words: one line by its sub-agreement's number and title, or the
/// whole statement of the year (the pages and `samvirke disputes`).
pub fn dispute_line(
    lang: Lang,
    doc: &samvirke_core::model::CooperationDoc,
    sub_agreement: Option<u32>,
    year: i32,
) -> String {
    match sub_agreement {
        Some(n) => {
            let title = doc
                .sub_agreements
                .iter()
                .find(|s| s.number == n)
                .map(|s| s.title.as_str())
                .unwrap_or_default();
            message(
                lang,
                "dispute-line-one",
                &[("number", &n.to_string()), ("title", title)],
            )
        }
        None => message(lang, "dispute-line-all", &[("year", &year.to_string())]),
    }
}

/// Where a dispute stands on `today`, with the day it was answered or is to be answered by.
pub fn dispute_state(lang: Lang, d: &samvirke_core::model::Dispute, today: Date) -> String {
    let (key, day) = match &d.answer {
        Some(a) if a.accepted => ("dispute-accepted-on", a.on),
        Some(a) => ("dispute-rejected-on", a.on),
        None if d.respond_by < today => ("dispute-overdue", d.respond_by),
        None => ("dispute-open-until", d.respond_by),
    };
    message(lang, key, &[("date", &date(lang, day))])
}

/// A mapping criterion's name in `lang`: the name the agreement file gives it, else a default
/// criterion's from the translations (`criterion-{id}`).
pub fn criterion_name(lang: Lang, criterion: &samvirke_core::model::Criterion) -> String {
    match &criterion.names {
        Some(names) => names.get(lang.language()).to_string(),
        None => t(lang, &format!("criterion-{}", criterion.id)),
    }
}

impl samvirke_core::words::Words for Lang {
    fn due_in(&self, days: i32) -> String {
        match days {
            0 => t(*self, "mail-due-today"),
            n => message(*self, "mail-due-in", &[("n", &n.to_string())]),
        }
    }

    fn phrase(&self, phrase: samvirke_core::words::Phrase) -> String {
        use samvirke_core::words::Phrase;
        let key = match phrase {
            Phrase::Overdue => "mail-overdue",
            Phrase::Coming => "mail-coming",
            Phrase::Cases => "mail-cases",
            Phrase::Digest => "mail-digest",
            Phrase::Owners => "mail-owners",
            Phrase::Basis => "mail-basis",
            Phrase::Footer => "mail-footer",
            Phrase::StatuteUnsure => "ics-statute-unsure",
            Phrase::State => "ics-state",
            Phrase::Disputes => "mail-disputes",
            Phrase::Reason => "mail-reason",
            Phrase::DisputeFooter => "mail-dispute-footer",
        };
        t(*self, key)
    }

    fn date(&self, day: Date) -> String {
        date(*self, day)
    }

    fn status(&self, status: samvirke_core::deadlines::Status) -> String {
        t(*self, &format!("deadline-{}", status.as_str()))
    }
}

/// A piece of a formatted message: text, or the place of argument `n` (in the order given).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Words of the message itself.
    Text(String),
    /// Where the argument with this index goes.
    Arg(usize),
}

/// Placeholders that cannot occur in a message or an argument: private-use characters.
const ARG_OPEN: char = '\u{F8F0}';
const ARG_CLOSE: char = '\u{F8F1}';

/// The message `key` cut into its own words and the places of its arguments, so that a caller can
/// escape the words and put in arguments that are markup of their own (the web's typed arguments).
/// Argument values only choose plural forms and selectors here through `select`, given as plain
/// text; each argument's place is marked by [`Piece::Arg`] with its index in `args`.
pub fn pieces(lang: Lang, key: &str, args: &[(&str, &str)]) -> Vec<Piece> {
    let marked: Vec<(&str, String)> = args
        .iter()
        .enumerate()
        .map(|(i, (name, _))| (*name, format!("{ARG_OPEN}{i}{ARG_CLOSE}")))
        .collect();
    let marked_refs: Vec<(&str, &str)> = marked.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let text = message(lang, key, &marked_refs);
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while let Some(open) = rest.find(ARG_OPEN) {
        if open > 0 {
            out.push(Piece::Text(rest[..open].to_string()));
        }
        let after = &rest[open + ARG_OPEN.len_utf8()..];
        let Some(close) = after.find(ARG_CLOSE) else {
            break;
        };
        match after[..close].parse::<usize>() {
            Ok(i) if i < args.len() => out.push(Piece::Arg(i)),
            _ => out.push(Piece::Text(after[..close].to_string())),
        }
        rest = &after[close + ARG_CLOSE.len_utf8()..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest.to_string()));
    }
    out
}

/// Whether a message with this key exists in every language.
pub fn exists(key: &str) -> bool {
    bundles().iter().all(|b| b.get_message(key).is_some())
}

/// A message without arguments.
pub fn t(lang: Lang, key: &str) -> String {
    message(lang, key, &[])
}

/// A date as the language writes it: 31.08.2021 (da, nb), 2021-08-31 (sv, en).
pub fn date(lang: Lang, day: Date) -> String {
    let (y, m, d) = day.ymd();
    match lang {
        Lang::Da | Lang::Nb => format!("{d:02}.{m:02}.{y}"),
        // Swedish and international English write ISO 8601.
        Lang::Sv | Lang::En => day.to_string(),
    }
}

/// A month of a year as the language writes it: marts 2025 (da), mars 2025 (sv, nb), March 2025
/// (en).
pub fn month(lang: Lang, year: i32, month: u8) -> String {
    message(
        lang,
        &format!("month-{}", month.clamp(1, 12)),
        &[("year", &year.to_string())],
    )
}

/// A date as precise as its source, as the language writes it: 31.08.2021 (a day), september
/// 2016, efteråret 2019, første halvår 2019, starten af 2017, 2016, 8. september (a day without a
/// year) in Danish.
pub fn partial_date(lang: Lang, date: samvirke_core::PartialDate) -> String {
    use samvirke_core::PartialDate as P;
    use samvirke_core::partial_date::YearPart;
    match date {
        P::Day(d) => self::date(lang, d),
        P::Month { year, month } => self::month(lang, year, u8::try_from(month).unwrap_or(1)),
        P::Season { year, season } => message(
            lang,
            &format!("season-{}", season.as_str()),
            &[
                ("year", &year.to_string()),
                ("next", &(year + 1).to_string()),
            ],
        ),
        P::Half { year, half } => message(
            lang,
            if half == 1 {
                "half-first"
            } else {
                "half-second"
            },
            &[("year", &year.to_string())],
        ),
        P::Part { year, part } => message(
            lang,
            match part {
                YearPart::Early => "year-early",
                YearPart::Late => "year-late",
            },
            &[("year", &year.to_string())],
        ),
        P::Year(year) => year.to_string(),
        P::DayOfMonth { month, day } => message(
            lang,
            "day-without-year",
            &[
                ("day", &day.to_string()),
                (
                    "month",
                    &t(lang, &format!("month-name-{}", month.clamp(1, 12))),
                ),
            ],
        ),
    }
}

/// A record time as the language writes it, in Nordic civil time: 01.09.2021 kl. 14.05 (da),
/// 2021-09-01 kl. 14.05 (sv), 01.09.2021 kl. 14:05 (nb), 2021-09-01 14:05 (en).
pub fn datetime(lang: Lang, at: samvirke_core::Timestamp) -> String {
    let (day, hour, minute) = at.nordic_civil();
    let d = date(lang, day);
    match lang {
        Lang::Da | Lang::Sv => format!("{d} kl. {hour:02}.{minute:02}"),
        Lang::Nb => format!("{d} kl. {hour:02}:{minute:02}"),
        Lang::En => format!("{d} {hour:02}:{minute:02}"),
    }
}

/// The thousands separator of a language: `.` (da), a no-break space (sv, nb), `,` (en).
fn group_separator(lang: Lang) -> &'static str {
    match lang {
        Lang::Da => ".",
        Lang::Sv | Lang::Nb => "\u{a0}",
        Lang::En => ",",
    }
}

/// The decimal separator: a comma in the Nordic languages, a point in English.
fn decimal_separator(lang: Lang) -> &'static str {
    match lang {
        Lang::Da | Lang::Sv | Lang::Nb => ",",
        Lang::En => ".",
    }
}

/// Names as a list the language writes: "A", "A and B", "A, B and C" (the word from the
/// translations).
pub fn and_list(lang: Lang, items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {} {last}", rest.join(", "), t(lang, "list-and")),
    }
}

/// A whole number as the language writes it: 12.345 (da), 12 345 (sv, nb), 12,345 (en).
pub fn integer(lang: Lang, n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 2);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(group_separator(lang));
        }
        out.push(ch);
    }
    out
}

/// An amount in hundredths (minor units, basis points) with two decimals: 1.234,56 (da),
/// 1 234,56 (sv, nb), 1,234.56 (en); a minus sign in front when negative.
pub fn hundredths(lang: Lang, value: i64) -> String {
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    format!(
        "{sign}{}{}{:02}",
        integer(lang, abs / 100),
        decimal_separator(lang),
        abs % 100
    )
}

/// An amount as a person of `lang` types it (`1.234,50` in Danish, `1 234,50` in Swedish and
/// Norwegian, `1,234.50` in English; group separators optional, at most two decimals, a minus in
/// front for a negative amount) as hundredths; `None` when it is not such an amount.
pub fn parse_amount(lang: Lang, text: &str) -> Option<i64> {
    let text = text.trim();
    let (negative, rest) = match text.strip_prefix(['-', '\u{2212}']) {
        Some(rest) => (true, rest.trim_start()),
        None => (false, text),
    };
    let group = group_separator(lang);
    let is_group = |c: char| c.is_whitespace() || c == '\u{a0}' || group.contains(c);
    let decimal = decimal_separator(lang);
    let (whole, fraction) = match rest.rsplit_once(decimal) {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (rest, None),
    };
    // Groups of thousands only where they belong ("1.234.567"), so that "1234.56" typed in
    // Danish or "12,34,5" in English is refused rather than read as another amount.
    let groups: Vec<&str> = whole.split(is_group).collect();
    let grouped = groups.len() == 1
        || (matches!(groups[0].len(), 1..=3) && groups[1..].iter().all(|g| g.len() == 3));
    if !grouped || fraction.is_some_and(|f| f.contains(is_group)) {
        return None;
    }
    let mut cleaned: String = groups.concat();
    if let Some(f) = fraction {
        cleaned.push_str(decimal);
        cleaned.push_str(f);
    }
    let value =
        samvirke_core::decimal::parse_hundredths(cleaned.as_bytes(), decimal.as_bytes()[0]).ok()?;
    let value = i64::try_from(value).ok()?;
    Some(if negative { -value } else { value })
}

/// A whole number as a person of `lang` types it (`1.250` in Danish, `1 250` in Swedish and
/// Norwegian, `1,250` in English; a minus in front for a negative one); `None` when it is not
/// one (a decimal separator, letters).
pub fn parse_integer(lang: Lang, text: &str) -> Option<i64> {
    let group = group_separator(lang);
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !(c.is_whitespace() || *c == '\u{a0}' || group.contains(*c)))
        .collect();
    cleaned.parse().ok()
}

/// Money in minor units with its currency as the language writes it: 1.234,56 kr. (da, DKK),
/// 1 234,56 kr (sv, SEK; nb, NOK), DKK 1,234.56 (en).
pub fn money(lang: Lang, minor: i64, currency: &str) -> String {
    let amount = hundredths(lang, minor);
    match (lang, currency) {
        (Lang::En, _) => format!("{currency}\u{a0}{amount}"),
        (Lang::Da, "DKK") => format!("{amount}\u{a0}kr."),
        (_, "DKK" | "SEK" | "NOK") => format!("{amount}\u{a0}kr"),
        (_, other) => format!("{amount}\u{a0}{other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_message_and_parses() {
        let keys: Vec<&str> = SOURCES[3]
            .1
            .lines()
            .filter_map(|l| l.split_once(" = ").map(|(k, _)| k))
            .collect();
        assert!(keys.len() > 50);
        for (code, text) in SOURCES {
            assert!(
                FluentResource::try_new(text.to_string()).is_ok(),
                "{code} does not parse"
            );
            let lang = Lang::parse(code).unwrap();
            for key in &keys {
                assert!(
                    bundles()[lang.index()].get_message(key).is_some(),
                    "{code} lacks {key}"
                );
            }
        }
        assert_eq!(
            message(Lang::Da, "answer-heading", &[("name", "Tårnby")]),
            "Tårnby behandler den"
        );
    }

    #[test]
    fn no_message_is_defined_twice() {
        for (code, text) in SOURCES {
            let mut seen = std::collections::HashSet::new();
            for key in text
                .lines()
                .filter_map(|l| l.split_once(" = ").map(|(k, _)| k))
            {
                assert!(seen.insert(key), "{code} defines {key} twice");
            }
        }
    }

    #[test]
    fn whole_numbers_choose_the_plural_and_codes_stay_text() {
        assert_eq!(message(Lang::Da, "span-weeks", &[("n", "1")]), "1 uge");
        assert_eq!(message(Lang::Da, "span-weeks", &[("n", "4")]), "4 uger");
        assert_eq!(message(Lang::Sv, "span-weeks", &[("n", "3")]), "3 veckor");
        // A code with a leading zero is text, written as given.
        assert_eq!(
            message(Lang::Nb, "span-days", &[("n", "0185")]),
            "0185 dager"
        );
    }

    #[test]
    fn pieces_mark_where_each_argument_goes() {
        let p = pieces(Lang::En, "answer-heading", &[("name", "<b>")]);
        assert!(p.contains(&Piece::Arg(0)), "{p:?}");
        assert!(
            p.iter()
                .all(|x| !matches!(x, Piece::Text(t) if t.contains('<'))),
            "{p:?}"
        );
    }

    #[test]
    fn numbers_and_money_are_written_as_each_language_writes_them() {
        assert_eq!(integer(Lang::Da, 12_345), "12.345");
        assert_eq!(integer(Lang::Sv, 1_234_567), "1\u{a0}234\u{a0}567");
        assert_eq!(integer(Lang::En, 999), "999");
        assert_eq!(integer(Lang::En, 1000), "1,000");
        assert_eq!(integer(Lang::Nb, 0), "0");
        assert_eq!(hundredths(Lang::Da, 6523), "65,23");
        assert_eq!(hundredths(Lang::En, -5), "-0.05");
        assert_eq!(money(Lang::Da, 123_456, "DKK"), "1.234,56\u{a0}kr.");
        assert_eq!(money(Lang::Sv, 123_456, "SEK"), "1\u{a0}234,56\u{a0}kr");
        assert_eq!(money(Lang::Nb, -100, "NOK"), "-1,00\u{a0}kr");
        assert_eq!(money(Lang::En, 123_456, "DKK"), "DKK\u{a0}1,234.56");
        assert_eq!(parse_integer(Lang::Da, "1.250"), Some(1250));
        assert_eq!(parse_integer(Lang::En, "1,250"), Some(1250));
        assert_eq!(parse_integer(Lang::Sv, "-1 250"), Some(-1250));
        assert_eq!(
            parse_integer(Lang::Da, "1,5"),
            None,
            "a decimal is not a count"
        );
        assert_eq!(parse_amount(Lang::Da, "1.234,56"), Some(123_456));
        assert_eq!(parse_amount(Lang::Da, "1234"), Some(123_400));
        assert_eq!(parse_amount(Lang::Sv, "1 234,5"), Some(123_450));
        assert_eq!(parse_amount(Lang::Nb, "-12,00"), Some(-1200));
        assert_eq!(parse_amount(Lang::En, "1,234.56"), Some(123_456));
        assert_eq!(parse_amount(Lang::Da, "12,345"), None, "three decimals");
        assert_eq!(parse_amount(Lang::En, "12 kr"), None);
        assert_eq!(parse_amount(Lang::Da, ""), None);
        assert_eq!(
            parse_amount(Lang::Da, "1234.56"),
            None,
            "a point is a group here"
        );
        assert_eq!(parse_amount(Lang::En, "12,34,5"), None, "groups of three");
        assert_eq!(parse_amount(Lang::En, "1,234,567"), Some(123_456_700));
        assert_eq!(parse_amount(Lang::Sv, "1 234 567,89"), Some(123_456_789));
        assert_eq!(parse_amount(Lang::Nb, "1\u{a0}234"), Some(123_400));
        assert_eq!(parse_amount(Lang::En, "1,234.5,6"), None);
        for lang in Lang::ALL {
            assert_eq!(
                parse_amount(lang, &hundredths(lang, -987_654_321)),
                Some(-987_654_321)
            );
        }
    }

    #[test]
    fn negotiation_prefers_the_cookie_then_quality() {
        let accept = Some("de-DE, sv;q=0.5, nb;q=0.8");
        assert_eq!(negotiate(None, accept), Lang::Nb);
        assert_eq!(negotiate(Some("da"), accept), Lang::Da);
        assert_eq!(negotiate(None, None), Lang::En);
        assert_eq!(Lang::from_locale("da_DK.UTF-8"), Some(Lang::Da));
        assert_eq!(Lang::from_locale("C"), None);
        assert_eq!(
            date(Lang::Da, Date::parse("2021-08-31").unwrap()),
            "31.08.2021"
        );
        assert_eq!(
            date(Lang::En, Date::parse("2021-08-31").unwrap()),
            "2021-08-31"
        );
    }
}
