//! The Kaapana layer: what makes this engine Kaapana's and not just another
//! Helm.
//!
//! Kaapana (a medical-imaging platform on Kubernetes) ships every service,
//! workflow and app as a Helm chart rooted in `kaapana-admin-chart`. Its
//! charts name their dependencies without a repository; its build resolves
//! them by chart name over the whole source tree, and its backend turns the
//! `extension_params` a chart declares into `global.<key>` values.

pub mod params;
pub mod release;
