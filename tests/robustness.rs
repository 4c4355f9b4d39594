//! Arbitrary input never panics: catalog CSV, project TOML and JSON, and the whole pipeline.
//! (The cargo-fuzz targets in `fuzz/` run the same entry points for much longer.)

use cloud_tco::{plan, Catalog, Project};
use proptest::prelude::*;

/// Bytes that look like a catalog: a real header, then fragments of real rows and noise.
fn catalog_text() -> impl Strategy<Value = Vec<u8>> {
    let fragments = prop::sample::select(vec![
        "A",
        "B",
        ",",
        "\n",
        "\r\n",
        "\"",
        "server",
        "storage",
        "traffic",
        "backup",
        "vm_month",
        "gb_month",
        "gb",
        "each_month",
        "block_ssd",
        "base",
        "additional",
        "outbound",
        "1",
        "2",
        "4",
        "0.5",
        "-1",
        "1e9",
        "NaN",
        "99999999999999999999999999999",
        "vm",
        "project",
        "한글",
        "\u{feff}",
        "\u{0}",
    ]);
    (prop::collection::vec(fragments, 0..80), prop::collection::vec(any::<u8>(), 0..8)).prop_map(|(parts, noise)| {
        let mut bytes = b"provider,category,item,unit,price,vcpu,memory_gb,disk_gb,included_gb,included_per\n".to_vec();
        for p in parts {
            bytes.extend_from_slice(p.as_bytes());
        }
        bytes.extend(noise);
        bytes
    })
}

fn toml_text() -> impl Strategy<Value = String> {
    let fragments = prop::sample::select(vec![
        "kind = \"new\"\n",
        "kind = \"conversion\"\n",
        "budget_year = 2027\n",
        "budget_year = 99999999999\n",
        "service_start = \"2027-07-01\"\n",
        "service_start = \"2024-02-29\"\n",
        "service_start = 2027-12-31\n",
        "usage_years = 400\n",
        "usage_years = 0\n",
        "[options]\n",
        "discount_pct = 100\n",
        "price_escalation_pct = 900\n",
        "price_escalation_pct = -99.9\n",
        "vat_pct = 10\n",
        "[[servers]]\n",
        "vcpu = 2\n",
        "memory_gb = 4\n",
        "count = 9223372036854775807\n",
        "count = 1e300\n",
        "os = \"windows\"\n",
        "extra_disk_gb = 1000\n",
        "[[storage]]\n",
        "class = \"nas\"\n",
        "gb = \"99999999999999999999999999\"\n",
        "annual_growth_gb = 100\n",
        "[network]\n",
        "outbound_gb_per_month = 5000\n",
        "[[backup]]\n",
        "[security]\n",
        "waf = \"per_server\"\n",
        "[[costs]]\n",
        "item = \"conversion\"\n",
        "year = 2027\n",
        "amount = 1\n",
        "from = 2027\n",
        "to = 2031\n",
        "per_year = 5\n",
        "nan = nan\n",
        "= \n",
        "[[\n",
    ]);
    prop::collection::vec(fragments, 0..30).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn catalog_parser_never_panics(bytes in catalog_text()) {
        let _ = Catalog::from_reader(bytes.as_slice(), Some("fuzz.csv"));
    }

    #[test]
    fn project_parsers_never_panic(text in toml_text()) {
        if let Ok(project) = Project::from_toml_str(&text) {
            // The whole pipeline on the embedded catalog: a plan or an error, never a panic.
            let _ = plan(&project, &Catalog::embedded(), None);
        }
        let _ = Project::from_json_str(&text);
    }

    #[test]
    fn arbitrary_strings_never_panic(text in ".{0,200}") {
        let _ = Project::from_toml_str(&text);
        let _ = Project::from_json_str(&text);
        let _ = Catalog::from_reader(text.as_bytes(), None);
    }
}
