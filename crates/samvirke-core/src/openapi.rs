//! OpenAPI schemas of the types that serialise as strings (feature `openapi`): dates, timestamps and
//! ids, with their format or pattern, so that the API's document says what a client may send.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::{PartialSchema, ToSchema};

fn string(
    description: &str,
    pattern: Option<&str>,
    format: Option<SchemaFormat>,
    example: &str,
) -> RefOr<Schema> {
    let mut builder = ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .examples([example]);
    if let Some(p) = pattern {
        builder = builder.pattern(Some(p));
    }
    if let Some(f) = format {
        builder = builder.format(Some(f));
    }
    RefOr::T(Schema::Object(builder.build()))
}

macro_rules! string_schema {
    ($ty:ty, $description:literal, $pattern:expr, $format:expr, $example:literal) => {
        impl PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                string($description, $pattern, $format, $example)
            }
        }
        impl ToSchema for $ty {}
    };
}

string_schema!(
    crate::time::Date,
    "A calendar day, ISO 8601, years 1000–9999.",
    Some("^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$"),
    Some(SchemaFormat::KnownFormat(KnownFormat::Date)),
    "2021-09-01"
);
string_schema!(
    crate::time::Timestamp,
    "A moment in UTC, RFC 3339 with microseconds.",
    None,
    Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)),
    "2021-06-01T12:00:00Z"
);
string_schema!(
    crate::ids::MunicipalityId,
    "A municipality: country and official code.",
    Some("^(DK|SE|NO)-[0-9]{3,4}$"),
    None,
    "DK-0155"
);
string_schema!(
    crate::ids::CooperationId,
    "A cooperation's id: lower-case letters, digits and hyphens.",
    Some("^[a-z0-9]+(-[a-z0-9]+)*$"),
    None,
    "dragoer-taarnby"
);
string_schema!(
    crate::ids::ServiceId,
    "A service's id: lower-case letters, digits and hyphens.",
    Some("^[a-z0-9]+(-[a-z0-9]+)*$"),
    None,
    "genoptraening-sel86"
);
string_schema!(
    crate::ids::OrganisationId,
    "An organisation's id: lower-case letters, digits and hyphens.",
    Some("^[a-z0-9]+(-[a-z0-9]+)*$"),
    None,
    "vafab-miljo"
);
string_schema!(
    crate::ids::PartyId,
    "A party: a municipality id (DK-0155) or an organisation id.",
    Some("^((DK|SE|NO)-[0-9]{3,4}|[a-z0-9]+(-[a-z0-9]+)*)$"),
    None,
    "DK-0185"
);
