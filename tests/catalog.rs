//! Catalog loading: exact decimals, merging, and one test per kind of bad input that asserts
//! the file, line and column in the message.

use cloud_tco::pricing::{Pricer, ServerRequest};
use cloud_tco::{price_table, Catalog, CatalogError, CatalogRow, Category, PriceBasis, Unit};

use crate::support::{catalog, dec};

const HEADER: &str = "provider,category,item,unit,price,vcpu,memory_gb,disk_gb,included_gb,included_per,note,source\n";

fn load_err(body: &str) -> CatalogError {
    Catalog::from_reader(format!("{HEADER}{body}").as_bytes(), Some("quotes.csv")).unwrap_err()
}

/// Asserts that the single problem sits at `line` in `column` and says `words`.
fn assert_problem(err: &CatalogError, line: u64, column: Option<&str>, words: &str) {
    let p = err
        .problems
        .iter()
        .find(|p| p.location.line == Some(line))
        .unwrap_or_else(|| panic!("no problem at line {line}: {err}"));
    assert_eq!(p.location.file.as_deref(), Some("quotes.csv"));
    assert_eq!(p.location.field.as_deref(), column, "{err}");
    assert!(
        p.message.contains(words),
        "{:?} should mention {words:?}",
        p.message
    );
    let text = err.to_string();
    assert!(text.contains(&format!("quotes.csv, line {line}")), "{text}");
}

#[test]
fn prices_load_exactly_from_their_text() {
    let c = catalog(
        "provider,category,item,unit,price\n\
         A,storage,nas,gb_month,0.1000\n\
         B,storage,nas,gb_month,256.30\n\
         C,storage,nas,gb_month,12345678901234567.89\n",
    );
    let prices: Vec<String> = c.rows().iter().map(|r| r.price.to_string()).collect();
    assert_eq!(prices, ["0.1000", "256.30", "12345678901234567.89"]);
}

#[test]
fn columns_in_any_order_with_bom_crlf_quotes_and_unknown_columns() {
    let text = "\u{feff}price,item,extra,provider,unit,category,note\r\n\
                \"1,5\"\r\n";
    // A ragged row is reported, not guessed.
    let err = Catalog::from_reader(text.as_bytes(), Some("quotes.csv")).unwrap_err();
    assert_problem(&err, 2, None, "fields");

    let text = "\u{feff}price,item,extra,provider,unit,category,note\r\n\
                160,block_ssd,x,A,gb_month,storage,\"SSD, 블록 스토리지\"\r\n";
    let c = Catalog::from_reader(text.as_bytes(), Some("quotes.csv")).unwrap();
    assert_eq!(c.rows()[0].price, dec("160"));
    assert_eq!(c.rows()[0].note.as_deref(), Some("SSD, 블록 스토리지"));
}

#[test]
fn every_problem_of_a_file_is_reported_at_once() {
    let err = load_err(
        "A,storage,nas,gb_month,12.5.0,,,,,,,\n\
         A,storage,nas2,gb_month,-3,,,,,,,\n\
         A,stroage,nas,gb_month,3,,,,,,,\n",
    );
    assert_eq!(err.problems.len(), 3, "{err}");
    assert_problem(&err, 2, Some("price"), "not usable");
    assert_problem(&err, 3, Some("price"), "negative");
    assert_problem(&err, 4, Some("category"), "unknown category");
}

#[test]
fn unknown_unit() {
    let err = load_err("A,storage,nas,per_gb,3,,,,,,,\n");
    assert_problem(&err, 2, Some("unit"), "unknown unit");
}

#[test]
fn price_that_is_not_a_plain_decimal() {
    for bad in ["NaN", "inf", "1e5", "\"1,000\"", "abc"] {
        let err = load_err(&format!("A,storage,nas,gb_month,{bad},,,,,,,\n"));
        assert_problem(&err, 2, Some("price"), "not usable");
    }
}

#[test]
fn empty_price() {
    let err = load_err("A,storage,nas,gb_month,,,,,,,,\n");
    assert_problem(&err, 2, Some("price"), "empty");
}

#[test]
fn server_row_without_its_spec() {
    let err = load_err("A,server,a-2c4g,vm_month,52000,,4,,,,,\n");
    assert_problem(&err, 2, Some("vcpu"), "vcpu");
    let err = load_err("A,server,a-2c4g,vm_month,52000,2,,,,,,\n");
    assert_problem(&err, 2, Some("memory_gb"), "memory_gb");
    let err = load_err("A,server,a-2c4g,vm_month,52000,2.5,4,,,,,\n");
    assert_problem(&err, 2, Some("vcpu"), "whole number");
}

#[test]
fn same_item_twice_names_both_places() {
    let err = load_err("A,storage,nas,gb_month,3,,,,,,,\nB,storage,nas,gb_month,4,,,,,,,\nA,storage,nas,gb_month,5,,,,,,,\n");
    assert_problem(&err, 4, Some("item"), "twice");
    assert!(err.to_string().contains("quotes.csv, line 2"), "{err}");
}

#[test]
fn same_item_twice_across_files_names_both_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    std::fs::write(
        &a,
        "provider,category,item,unit,price\nA,storage,nas,gb_month,3\n",
    )
    .unwrap();
    std::fs::write(
        &b,
        "provider,category,item,unit,price\nB,storage,nas,gb_month,4\nA,storage,nas,gb_month,5\n",
    )
    .unwrap();
    let err = Catalog::from_paths(&[&a, &b]).unwrap_err();
    let text = err.to_string();
    assert!(text.contains(&format!("{}, line 3", b.display())), "{text}");
    assert!(text.contains(&format!("{}, line 2", a.display())), "{text}");
}

#[test]
fn one_item_with_two_units() {
    let err = load_err("A,storage,nas,gb_month,3,,,,,,,\nB,storage,nas,each_month,4,,,,,,,\n");
    assert_problem(&err, 3, Some("unit"), "one unit");
}

#[test]
fn bad_allowance_scope_and_negative_allowance() {
    let err = load_err(
        "A,traffic,outbound,gb,100,,,,1024,account,,\nB,traffic,outbound,gb,100,,,,-1,vm,,\n",
    );
    assert_problem(&err, 2, Some("included_per"), "project or vm");
    assert_problem(&err, 3, Some("included_gb"), "negative");
}

#[test]
fn missing_required_columns_empty_file_and_non_utf8() {
    let err = Catalog::from_reader(
        "provider,category,item,price\n".as_bytes(),
        Some("quotes.csv"),
    )
    .unwrap_err();
    assert_problem(&err, 1, None, "unit");
    let err = Catalog::from_reader("".as_bytes(), Some("quotes.csv")).unwrap_err();
    assert!(
        err.to_string().contains("quotes.csv: the file is empty"),
        "{err}"
    );
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(b"A,storage,n\xffs,gb_month,3,,,,,,,\n");
    let err = Catalog::from_reader(bytes.as_slice(), Some("quotes.csv")).unwrap_err();
    assert_problem(&err, 2, Some("item"), "UTF-8");
}

#[test]
fn missing_file_and_directory_name_the_path() {
    let err = Catalog::from_path("no/such/catalog.csv").unwrap_err();
    assert!(
        err.to_string()
            .contains("no/such/catalog.csv: the catalog file does not exist"),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    let err = Catalog::from_path(dir.path()).unwrap_err();
    assert!(err.to_string().contains("directory"), "{err}");
}

#[test]
fn header_only_is_an_empty_catalog() {
    let c = Catalog::from_reader(HEADER.as_bytes(), Some("quotes.csv")).unwrap();
    assert!(c.rows().is_empty());
}

#[test]
fn typed_builder_is_validated_like_a_file() {
    let rows =
        vec![
            CatalogRow::new("A", Category::Server, "a-2c4g", Unit::VmMonth, dec("52000"))
                .with_spec(2, dec("4"), dec("50")),
            CatalogRow::new("B", Category::Server, "b-2c4g", Unit::VmMonth, dec("58000"))
                .with_spec(2, dec("4"), dec("100"))
                .with_source("quote 2026-10"),
        ];
    let c = Catalog::from_rows(rows).unwrap();
    let p = price_table(
        &c,
        &PriceBasis::Average,
        Some(&[ServerRequest {
            vcpu: 2,
            memory_gb: dec("4"),
        }]),
    )
    .unwrap();
    assert_eq!(p.servers[0].price.price.to_string(), "55000.00");

    let bad = vec![CatalogRow::new(
        "A",
        Category::Server,
        "a",
        Unit::VmMonth,
        dec("-1"),
    )];
    let err = Catalog::from_rows(bad).unwrap_err();
    assert_eq!(err.problems.len(), 2, "{err}"); // negative price and no spec
}

#[test]
fn merged_catalogs_keep_every_row_and_reject_duplicates() {
    let a = catalog("provider,category,item,unit,price\nA,storage,nas,gb_month,100\n");
    let b = catalog("provider,category,item,unit,price\nB,storage,nas,gb_month,120\n");
    let merged = Catalog::merge([&a, &b]).unwrap();
    assert_eq!(merged.providers(), ["A", "B"]);
    assert!(Catalog::merge([&a, &a]).is_err());
}

#[test]
fn the_embedded_catalog_covers_every_category_and_item_key() {
    let c = Catalog::embedded();
    assert_eq!(c.providers(), ["A", "B", "C", "D"]);
    let keys = c.item_keys();
    for category in Category::ALL {
        assert!(
            keys.iter().any(|(c, _)| *c == category),
            "no {category} row"
        );
    }
    for (category, item) in [
        ("storage", "nas"),
        ("storage", "block_hdd"),
        ("storage", "block_ssd"),
        ("storage", "object"),
        ("os_license", "windows"),
        ("load_balancer", "standard"),
        ("public_ip", "ipv4"),
        ("vpn", "ipsec"),
        ("traffic", "outbound"),
        ("backup", "base"),
        ("backup", "additional"),
        ("security", "waf"),
        ("security", "ips_ids"),
        ("security", "ddos"),
        ("security", "db_access_control"),
        ("security", "db_encryption"),
        ("security", "server_access_control"),
        ("security", "antivirus"),
    ] {
        assert!(
            keys.iter().any(|(c, i)| c.key() == category && *i == item),
            "no {category}/{item}"
        );
    }
    // Flavors from 1 vCPU/1 GB to 32 vCPU/128 GB at every provider.
    let pricer = Pricer::new(&c, &PriceBasis::Average).unwrap();
    for (vcpu, mem) in [(1, "1"), (2, "4"), (4, "16"), (8, "32"), (32, "128")] {
        let p = pricer.server(vcpu, dec(mem), "test").unwrap();
        assert!(!p.providers.is_empty());
    }
    for row in c.rows() {
        assert!(
            row.source.as_deref().unwrap_or("").contains("illustrative"),
            "row at {} lacks its source",
            row.origin
        );
    }
}

#[test]
fn line_numbers_count_blank_lines_with_lf_and_crlf() {
    for eol in ["\n", "\r\n"] {
        let text = format!("provider,category,item,unit,price{eol}A,storage,nas,gb_month,1{eol}{eol}{eol}B,storage,nas,gb_month,x{eol}");
        let err = Catalog::from_reader(text.as_bytes(), Some("quotes.csv")).unwrap_err();
        assert_problem(&err, 5, Some("price"), "not usable");
    }
}
