//! The whole pipeline: the input holds a catalog CSV and a TOML project separated by a line
//! `---`; both are parsed and planned. A plan or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (catalog_text, project_text) = text.split_once("\n---\n").unwrap_or((text, ""));
    let catalog = match cloud_tco::Catalog::from_reader(catalog_text.as_bytes(), Some("fuzz.csv")) {
        Ok(c) if !c.rows().is_empty() => c,
        _ => cloud_tco::Catalog::embedded(),
    };
    if let Ok(project) = cloud_tco::Project::from_toml_str(project_text) {
        if let Ok(plan) = cloud_tco::plan(&project, &catalog, None) {
            let _ = cloud_tco::report::json::plan_json(&plan);
        }
    }
});
