//! Open data: what the platform knows in public, for journalists, researchers, other cities and
//! citizens' apps, as JSON (`/api/v1/`, described by a generated OpenAPI document) and as CSV.

pub mod challenges;
pub mod commitments;
pub mod csv;
pub mod model;
pub mod pilots;
pub mod query;
