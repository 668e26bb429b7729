//! Forms as a browser fills them, for tests that drive staff pages over HTTP: the values of a
//! page's form sent back unchanged, a hidden field, and the urlencoded body.
#![allow(dead_code)]

/// The value of hidden input `name` in a page.
pub fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {page}"))
        + marker.len();
    page[start..].split('"').next().unwrap().to_string()
}

/// `text` urlencoded as a form field.
pub fn enc(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// A form body from its fields.
pub fn body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The values of a form as the browser would send them back unchanged: hidden inputs, text and
/// date inputs, the selected option of each select, ticked boxes and text areas.
pub fn form_values(page: &str) -> Vec<(String, String)> {
    fn unescape(text: &str) -> String {
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }
    fn attr(tag: &str, name: &str) -> Option<String> {
        let re = regex::Regex::new(&format!(r#"\s{name}(?:="([^"]*)")?[\s/>]"#)).unwrap();
        re.captures(tag)
            .map(|c| c.get(1).map_or(String::new(), |m| unescape(m.as_str())))
    }
    let start = page.find("<form method=\"post\"").expect("a form");
    let form = &page[start..start + page[start..].find("</form>").unwrap()];
    let mut out = Vec::new();
    for tag in regex::Regex::new(r"<input[^>]*>").unwrap().find_iter(form) {
        let tag = tag.as_str();
        let Some(name) = attr(tag, "name") else {
            continue;
        };
        let kind = attr(tag, "type").unwrap_or_else(|| "text".into());
        if (kind == "checkbox" || kind == "radio") && attr(tag, "checked").is_none() {
            continue;
        }
        out.push((name, attr(tag, "value").unwrap_or_default()));
    }
    let select = regex::Regex::new(r"(?s)<select([^>]*)>(.*?)</select>").unwrap();
    let option = regex::Regex::new(r"<option[^>]*>").unwrap();
    for c in select.captures_iter(form) {
        let name = attr(&format!("{}>", &c[1]), "name").unwrap();
        let value = option
            .find_iter(&c[2])
            .map(|o| o.as_str())
            .find(|o| attr(o, "selected").is_some())
            .and_then(|o| attr(o, "value"))
            .unwrap_or_default();
        out.push((name, value));
    }
    let area = regex::Regex::new(r"(?s)<textarea([^>]*)>(.*?)</textarea>").unwrap();
    for c in area.captures_iter(form) {
        let name = attr(&format!("{}>", &c[1]), "name").unwrap();
        out.push((name, unescape(&c[2])));
    }
    out
}
