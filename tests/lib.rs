//! Integration tests over the public API and the `cloud-tco` binary, in one test binary that
//! compiles once (`autotests = false`). Test data lives in files beside the tests.

mod batch;
mod catalog;
mod cli;
mod conformance;
mod consultation;
mod hostile;
mod plan;
mod project;
mod properties;
mod reports;
mod robustness;
mod saas;
mod sla;
mod support;
mod tco;
