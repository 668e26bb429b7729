//! Form handling in the GOV.UK pattern: a form body with repeated names kept, fields that render
//! their label, hint, error and the value typed, and the error summary that lists every problem of
//! a submission at once, takes focus and links to each field.

use maud::{Markup, html};

use super::tr;

/// A form body, with repeated names kept (checkboxes).
#[derive(Clone, Debug, Default)]
pub(crate) struct FormData(Vec<(String, String)>);

impl FormData {
    /// Parses an `application/x-www-form-urlencoded` body.
    pub(crate) fn parse(body: &[u8]) -> FormData {
        FormData(form_urlencoded::parse(body).into_owned().collect())
    }

    /// The first value of `name` ("" when absent).
    pub(crate) fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of `name`, in order.
    pub(crate) fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Sets `name` to one value.
    pub(crate) fn set(&mut self, name: &str, value: impl Into<String>) {
        self.0.retain(|(k, _)| k != name);
        self.0.push((name.to_string(), value.into()));
    }

    /// Adds a value of `name` (checkboxes).
    pub(crate) fn push(&mut self, name: &str, value: impl Into<String>) {
        self.0.push((name.to_string(), value.into()));
    }
}

/// How a field is entered.
pub(crate) enum Input {
    Text,
    Date,
    Number,
    Area,
    Select(Vec<(String, String)>),
    /// One of hundreds (the municipalities): a select that the script turns into a type-ahead.
    Search(Vec<(String, String)>),
    /// Several of many (a list box; the browser jumps to a name as it is typed).
    Several(Vec<(String, String)>),
    Checks(Vec<(String, String)>),
}

/// A field of a form: its name in the body, label, input, whether it is required, and a hint.
pub(crate) struct Field {
    pub(crate) name: String,
    pub(crate) label: String,
    pub(crate) input: Input,
    pub(crate) required: bool,
    pub(crate) hint: Option<String>,
    /// The group of fields it belongs to (one change of a scenario, one budget year), shown as a
    /// fieldset with this legend.
    pub(crate) group: Option<String>,
}

/// A field labelled by the message `label`.
pub(crate) fn field(name: &str, label: &str, input: Input, required: bool) -> Field {
    Field {
        name: name.to_string(),
        label: tr(label),
        input,
        required,
        hint: None,
        group: None,
    }
}

impl Field {
    /// The same field labelled by a text of its own (a section title from a report template).
    pub(crate) fn labelled(mut self, label: String) -> Field {
        self.label = label;
        self
    }

    /// The same field in the group with the legend `legend` (fields next to each other with the
    /// same legend share one fieldset).
    pub(crate) fn in_group(mut self, legend: String) -> Field {
        self.group = Some(legend);
        self
    }

    /// The same field with a hint below its label.
    pub(crate) fn hint(mut self, hint: String) -> Field {
        self.hint = Some(hint);
        self
    }

    /// The id of its input (the error summary links to it).
    pub(crate) fn input_id(&self) -> String {
        match self.input {
            Input::Checks(_) => format!("f-{}-0", self.name),
            _ => format!("f-{}", self.name),
        }
    }
}

/// The problem of one field: the field's name and the message in plain words.
pub(crate) type Problem = (String, String);

/// The error summary at the top of a form: every problem, each a link to its field. It takes
/// focus when the page loads (`autofocus` on a `tabindex="-1"` region needs no script).
pub(crate) fn error_summary(fields: &[Field], problems: &[Problem]) -> Markup {
    html! {
        @if !problems.is_empty() {
            div.error-summary #error-summary role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus {
                h2 #error-summary-title { (tr("error-summary-title")) }
                ul {
                    @for (name, message) in problems {
                        @let target = fields.iter().find(|f| &f.name == name).map(Field::input_id);
                        li {
                            @match target {
                                Some(id) => a href={ "#" (id) } { (message) },
                                None => (message),
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One field with its label, hint, error message and the value typed.
pub(crate) fn render_field(f: &Field, data: &FormData, problems: &[Problem]) -> Markup {
    let id = format!("f-{}", f.name);
    let error = problems
        .iter()
        .find(|(k, _)| *k == f.name)
        .map(|(_, m)| m.as_str());
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described: Vec<&str> = [
        f.hint.as_ref().map(|_| hint_id.as_str()),
        error.map(|_| error_id.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let described = (!described.is_empty()).then(|| described.join(" "));
    let invalid = error.map(|_| "true");
    let hint_and_error = html! {
        @if let Some(hint) = &f.hint { span.hint id=(hint_id) { (hint) } }
        @if let Some(message) = error {
            span.error-message id=(error_id) {
                span.visually-hidden { (tr("error-prefix")) " " }
                (message)
            }
        }
    };
    html! {
        div class=[error.map(|_| "field-error")] {
            @match &f.input {
                Input::Checks(options) => {
                    @let chosen = data.all(&f.name);
                    fieldset aria-describedby=[described.as_deref()] {
                        legend { (f.label) }
                        (hint_and_error)
                        @for (i, (value, label)) in options.iter().enumerate() {
                            div.check {
                                input type="checkbox" id={ (id) "-" (i) } name=(&f.name) value=(value)
                                    checked[chosen.contains(&value.as_str())];
                                label for={ (id) "-" (i) } { (label) }
                            }
                        }
                    }
                },
                Input::Select(options) | Input::Search(options) => {
                    label for=(id) { (f.label) }
                    (hint_and_error)
                    select id=(id) name=(&f.name) required[f.required]
                        data-autocomplete[matches!(f.input, Input::Search(_))]
                        aria-describedby=[described.as_deref()] aria-invalid=[invalid] {
                        @if !f.required || data.get(&f.name).is_empty() {
                            option value="" { (tr("choose")) }
                        }
                        @for (value, label) in options {
                            option value=(value) selected[value == data.get(&f.name)] { (label) }
                        }
                    }
                },
                Input::Several(options) => {
                    @let chosen = data.all(&f.name);
                    label for=(id) { (f.label) }
                    (hint_and_error)
                    select id=(id) name=(&f.name) multiple size="8" required[f.required]
                        aria-describedby=[described.as_deref()] aria-invalid=[invalid] {
                        @for (value, label) in options {
                            option value=(value) selected[chosen.contains(&value.as_str())] { (label) }
                        }
                    }
                },
                Input::Area => {
                    label for=(id) { (f.label) }
                    (hint_and_error)
                    textarea id=(id) name=(&f.name) rows="3" required[f.required]
                        aria-describedby=[described.as_deref()] aria-invalid=[invalid] { (data.get(&f.name)) }
                },
                input => {
                    @let kind = match input { Input::Date => "date", Input::Number => "number", _ => "text" };
                    label for=(id) { (f.label) }
                    (hint_and_error)
                    input id=(id) name=(&f.name) type=(kind) value=(data.get(&f.name)) required[f.required]
                        class=[matches!(input, Input::Date | Input::Number).then_some("narrow")]
                        aria-describedby=[described.as_deref()] aria-invalid=[invalid];
                },
            }
        }
    }
}

/// Every field, those next to each other in one group inside a fieldset with its legend.
pub(crate) fn render_fields(fields: &[Field], data: &FormData, problems: &[Problem]) -> Markup {
    let mut runs: Vec<(Option<&str>, Vec<&Field>)> = Vec::new();
    for f in fields {
        match runs.last_mut() {
            Some((group, list)) if *group == f.group.as_deref() && group.is_some() => list.push(f),
            _ => runs.push((f.group.as_deref(), vec![f])),
        }
    }
    html! {
        @for (group, list) in &runs {
            @match group {
                Some(legend) => fieldset.group {
                    legend { (legend) }
                    @for f in list { (render_field(f, data, problems)) }
                },
                None => { @for f in list { (render_field(f, data, problems)) } },
            }
        }
    }
}
