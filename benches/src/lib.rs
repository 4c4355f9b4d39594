//! Fixtures for the cloud-tco benchmarks (`benches/engine.rs`).
//!
//! Everything here is deterministic: the generated catalog is the same bytes on every run and
//! every machine, so MB/s figures are comparable between runs and between criterion baselines.
//!
//! - [`generate_catalog_csv`]: a large, realistic price catalog (SPEC §2) for the load benchmark.
//! - [`PROJECT_20_SERVERS_TOML`] / [`project_20_servers`]: a 20-server, 7-year project that
//!   exercises every kind of plan line (SPEC §4.4) for the plan benchmark, with its known totals.

use cloud_tco::{Catalog, Project};

/// Provider names of the generated catalog: the guide's A–D plus four named ones.
pub const PROVIDERS: [&str; 8] = [
    "A",
    "B",
    "C",
    "D",
    "NaverCloud",
    "KTCloud",
    "NHNCloud",
    "Gabia",
];

/// The header of the generated catalog (every column of SPEC §2).
pub const CATALOG_HEADER: &str =
    "provider,category,item,unit,price,vcpu,memory_gb,disk_gb,included_gb,included_per,note,source\n";

/// The fixed-key rows each provider lists once (SPEC §2 item keys):
/// (category, item, unit, base price in won, included_gb, included_per, note).
const FIXED_ROWS: [(&str, &str, &str, u64, &str, &str, &str); 18] = [
    (
        "storage",
        "block_ssd",
        "gb_month",
        150,
        "",
        "",
        "블록 스토리지 SSD (고성능)",
    ),
    (
        "storage",
        "block_hdd",
        "gb_month",
        75,
        "",
        "",
        "블록 스토리지 HDD (일반)",
    ),
    (
        "storage",
        "nas",
        "gb_month",
        65,
        "",
        "",
        "NAS 공유파일 스토리지",
    ),
    (
        "storage",
        "object",
        "gb_month",
        28,
        "",
        "",
        "오브젝트 스토리지 (대용량)",
    ),
    (
        "os_license",
        "windows",
        "vm_month",
        38000,
        "",
        "",
        "\"Windows Server 라이선스, VM당\"",
    ),
    (
        "load_balancer",
        "standard",
        "each_month",
        28000,
        "",
        "",
        "\"로드밸런서, 구성당\"",
    ),
    (
        "public_ip",
        "ipv4",
        "each_month",
        3800,
        "",
        "",
        "\"공인 IP, IP당\"",
    ),
    (
        "vpn",
        "ipsec",
        "each_month",
        240000,
        "",
        "",
        "\"IPsec VPN (단독형), 구성당\"",
    ),
    (
        "traffic",
        "outbound",
        "gb",
        95,
        "1024",
        "vm",
        "\"아웃바운드 트래픽, VM당 월 1024GB 무료 후 GB당 과금\"",
    ),
    (
        "backup",
        "base",
        "each_month",
        68000,
        "1000",
        "",
        "\"백업 기본 요금, 월 1,000GB 포함\"",
    ),
    (
        "backup",
        "additional",
        "gb_month",
        48,
        "",
        "",
        "\"백업 추가 용량, GB당\"",
    ),
    (
        "security",
        "waf",
        "each_month",
        290000,
        "",
        "",
        "\"웹방화벽 WAF (standard급), 대당\"",
    ),
    (
        "security",
        "ips_ids",
        "each_month",
        240000,
        "",
        "",
        "\"IPS/IDS 침입방지·탐지, 대당\"",
    ),
    (
        "security",
        "ddos",
        "each_month",
        340000,
        "",
        "",
        "\"Anti-DDoS, 대당\"",
    ),
    (
        "security",
        "db_access_control",
        "each_month",
        195000,
        "",
        "",
        "\"DB 접근제어, VM당\"",
    ),
    (
        "security",
        "db_encryption",
        "each_month",
        240000,
        "",
        "",
        "\"DB 암호화, VM당\"",
    ),
    (
        "security",
        "server_access_control",
        "each_month",
        145000,
        "",
        "",
        "\"서버 접근제어, 기본 구성\"",
    ),
    (
        "security",
        "antivirus",
        "each_month",
        48000,
        "",
        "",
        "\"백신 Anti-Virus, OS당\"",
    ),
];

const VCPUS: [u32; 9] = [1, 2, 4, 8, 16, 24, 32, 48, 64];
const GB_PER_VCPU: [u32; 4] = [1, 2, 4, 8];
const FAMILIES: [&str; 6] = ["std", "cpu", "mem", "hicpu", "gpu", "ssd"];

/// A tiny deterministic PRNG (SplitMix64), so that the fixture needs no `rand` dependency.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator with a fixed seed.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next pseudo-random number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// Writes `won` + `cents`/100 the way price lists do: `256.30`, `69300` or `27.5`.
fn push_price(out: &mut String, rng: &mut SplitMix64, won: u64) {
    use std::fmt::Write;
    match rng.below(4) {
        // Whole won, as most Korean price lists quote.
        0 | 1 => write!(out, "{won}").unwrap(),
        // Two decimals, trailing zero kept: "256.30".
        2 => write!(out, "{won}.{:02}", rng.below(10) * 10).unwrap(),
        _ => write!(out, "{won}.{:02}", rng.below(100)).unwrap(),
    }
}

/// A generated catalog CSV and what a correct load of it must yield.
#[derive(Debug, Clone)]
pub struct GeneratedCatalog {
    /// The CSV text (UTF-8, header row first).
    pub csv: String,
    /// Data rows (= `Catalog::rows().len()` after loading).
    pub rows: usize,
    /// Server rows among them.
    pub server_rows: usize,
    /// Providers (= `Catalog::providers().len()`).
    pub providers: usize,
}

/// Generates a valid catalog CSV of exactly `rows` data rows, spread evenly over [`PROVIDERS`].
///
/// Per provider: the 18 fixed-key rows of SPEC §2 (storage classes, Windows licence, load
/// balancer, IP, VPN, traffic with a per-VM allowance, backup base/additional, the seven
/// security items), then generated rows: about 88 % server flavors (distinct names such as
/// `navercloud-mem-g3-16c64g-1234`, vCPU 1–64, 1–8 GB per vCPU, boot disk 50/100 GB or empty),
/// 4 % monitoring and 4 % managed items (shared keys across providers, so items have several
/// providers to combine) and 4 % OS licences. Prices are decimals such as `256.30`, `69300` and
/// `27.5`; every row has a `note` (quoted when it contains a comma) and a `source`.
///
/// # Panics
/// When `rows < 18 × 8`, the fixed rows alone.
pub fn generate_catalog_csv(rows: usize) -> GeneratedCatalog {
    use std::fmt::Write;
    let p = PROVIDERS.len();
    assert!(
        rows >= FIXED_ROWS.len() * p,
        "at least {} rows",
        FIXED_ROWS.len() * p
    );
    let mut rng = SplitMix64::new(0x5EE_DC10_D7C0);
    let mut out = String::with_capacity(rows * 150 + 256);
    out.push_str(CATALOG_HEADER);
    let mut server_rows = 0;
    for (pi, provider) in PROVIDERS.iter().enumerate() {
        let slug = provider.to_ascii_lowercase();
        let source = format!("\"{provider} 공공기관용 요금표 2026-01 (VAT 별도, 월 단가)\"");
        let mine = rows / p + usize::from(pi < rows % p);
        // Providers differ by a few percent, as in the guide's A–D tables.
        let markup = 95 + (pi as u64 * 7) % 13;
        for (category, item, unit, base, included, per, note) in FIXED_ROWS {
            write!(out, "{provider},{category},{item},{unit},").unwrap();
            push_price(&mut out, &mut rng, base * markup / 100);
            writeln!(out, ",,,,{included},{per},{note},{source}").unwrap();
        }
        for k in 0..mine - FIXED_ROWS.len() {
            match k % 50 {
                0 | 1 => {
                    write!(out, "{provider},monitoring,mon-{k},each_month,").unwrap();
                    let won = (30 + rng.below(600)) * 1000;
                    push_price(&mut out, &mut rng, won);
                    writeln!(
                        out,
                        ",,,,,,\"모니터링 서비스 #{k}, 서버당 (임계치 알람 포함)\",{source}"
                    )
                    .unwrap();
                }
                2 | 3 => {
                    write!(out, "{provider},managed,msp-{k},each_month,").unwrap();
                    let won = (300 + rng.below(1500)) * 1000;
                    push_price(&mut out, &mut rng, won);
                    writeln!(
                        out,
                        ",,,,,,\"매니지드 서비스 #{k}: 기술지원, 운영, 관리(24×7), 단위당\",{source}"
                    )
                    .unwrap();
                }
                4 | 5 => {
                    write!(out, "{provider},os_license,os-{k},vm_month,").unwrap();
                    let won = (10 + rng.below(90)) * 1000;
                    push_price(&mut out, &mut rng, won);
                    writeln!(out, ",,,,,,OS 라이선스 VM당,{source}").unwrap();
                }
                _ => {
                    server_rows += 1;
                    let vcpu = VCPUS[rng.below(VCPUS.len() as u64) as usize];
                    let mem = vcpu * GB_PER_VCPU[rng.below(GB_PER_VCPU.len() as u64) as usize];
                    let family = FAMILIES[rng.below(FAMILIES.len() as u64) as usize];
                    let generation = 1 + rng.below(4);
                    let won = (u64::from(vcpu) * 24_000 + u64::from(mem) * 5_500) * markup / 100
                        + rng.below(5_000);
                    write!(
                        out,
                        "{provider},server,{slug}-{family}-g{generation}-{vcpu}c{mem}g-{k},vm_month,"
                    )
                    .unwrap();
                    push_price(&mut out, &mut rng, won);
                    let (disk, disk_text) = match rng.below(5) {
                        0 => ("", "boot disk not included".to_owned()),
                        1 | 2 => ("50", "boot disk 50 GB".to_owned()),
                        _ => ("100", "boot disk 100 GB".to_owned()),
                    };
                    writeln!(
                        out,
                        ",{vcpu},{mem},{disk},,,\"{vcpu} vCPU / {mem} GB, {disk_text}\",{source}"
                    )
                    .unwrap();
                }
            }
        }
    }
    GeneratedCatalog {
        csv: out,
        rows,
        server_rows,
        providers: p,
    }
}

/// A 20-server conversion/rebuild project over 7 years that produces every kind of plan line:
/// 20 server groups (Windows and RHEL licences, extra SSD/HDD disks), growing storage, load
/// balancers, IPs, VPN, growing outbound traffic above the per-VM allowance (repriced every
/// year), two growing backup sets, all seven security items (antivirus per server), extras
/// (MSP, monitoring, backup agents) and one-off and recurring costs. The service starts in
/// mid-month (2026-07-15, so the first and last months are prorated), with a 5 % discount and
/// 2.5 % yearly escalation.
///
/// Item keys are those of the embedded catalog (`data/catalogs/default.csv`).
pub const PROJECT_20_SERVERS_TOML: &str = r#"
name = "통합민원포털 재구축 (20 VM)"
kind = "rebuild"
service_model = "iaas"
budget_year = 2026
service_start = "2026-07-15"
usage_years = 7
midterm_years = 5

[options]
basis = "average"
discount_pct = 5
price_escalation_pct = 2.5
vat_pct = 10

[[servers]]
name = "web-01"
vcpu = 2
memory_gb = 4
[[servers]]
name = "web-02"
vcpu = 2
memory_gb = 4
[[servers]]
name = "web-03"
vcpu = 2
memory_gb = 8
[[servers]]
name = "web-04"
vcpu = 2
memory_gb = 8
[[servers]]
name = "was-01"
vcpu = 4
memory_gb = 8
extra_disk_gb = 200
[[servers]]
name = "was-02"
vcpu = 4
memory_gb = 8
extra_disk_gb = 200
[[servers]]
name = "was-03"
vcpu = 4
memory_gb = 16
extra_disk_gb = 200
[[servers]]
name = "was-04"
vcpu = 4
memory_gb = 16
extra_disk_gb = 200
[[servers]]
name = "api-01"
vcpu = 4
memory_gb = 12
os = "rhel"
[[servers]]
name = "api-02"
vcpu = 4
memory_gb = 12
os = "rhel"
[[servers]]
name = "search-01"
vcpu = 8
memory_gb = 16
extra_disk_gb = 300
extra_disk_class = "block_hdd"
[[servers]]
name = "search-02"
vcpu = 8
memory_gb = 32
extra_disk_gb = 300
extra_disk_class = "block_hdd"
[[servers]]
name = "db-01"
vcpu = 16
memory_gb = 64
os = "windows"
extra_disk_gb = 1000
[[servers]]
name = "db-02"
vcpu = 16
memory_gb = 64
os = "windows"
extra_disk_gb = 1000
[[servers]]
name = "batch-01"
vcpu = 8
memory_gb = 32
os = "rhel"
[[servers]]
name = "gis-01"
vcpu = 32
memory_gb = 128
os = "windows"
extra_disk_gb = 2000
[[servers]]
name = "dev-01"
vcpu = 1
memory_gb = 2
[[servers]]
name = "dev-02"
vcpu = 1
memory_gb = 1.5
[[servers]]
name = "mgmt-01"
vcpu = 2
memory_gb = 4
os = "windows"
[[servers]]
name = "log-01"
vcpu = 4
memory_gb = 16
extra_disk_gb = 500.5
extra_disk_class = "block_hdd"

[[storage]]
name = "첨부파일 NAS"
class = "nas"
gb = 2000
annual_growth_gb = 350.5
[[storage]]
name = "아카이브"
class = "object"
gb = 10000
annual_growth_gb = 2500

[network]
load_balancers = 2
public_ips = 4
vpn = 1
outbound_gb_per_month = 25000
outbound_annual_growth_gb = 1500

[[backup]]
name = "DB 백업"
gb = 1500
annual_growth_gb = 200
count = 2
[[backup]]
name = "파일 백업"
gb = 800
annual_growth_gb = 150

[security]
waf = 2
ips_ids = 1
ddos = 1
db_access_control = 2
db_encryption = 2
server_access_control = 1
antivirus = "per_server"

[[extras]]
name = "MSP 24×7"
category = "managed"
item = "iaas_ops_24x7"
quantity = 1
[[extras]]
category = "monitoring"
item = "infra_monitoring"
quantity = 20
[[extras]]
category = "monitoring"
item = "security_monitoring"
[[extras]]
category = "backup"
item = "agent"
quantity = 3

[[costs]]
name = "데이터 이관"
item = "conversion"
year = 2026
amount = 180000000
[[costs]]
name = "포털 재개발"
item = "sw_build"
year = 2026
amount = 420000000.5
[[costs]]
name = "유지보수"
item = "maintenance"
from = 2027
to = 2031
per_year = 36500000
"#;

/// [`PROJECT_20_SERVERS_TOML`], parsed.
///
/// # Panics
/// When the project no longer parses (a schema change): fix the fixture.
pub fn project_20_servers() -> Project {
    Project::from_toml_str(PROJECT_20_SERVERS_TOML)
        .unwrap_or_else(|e| panic!("the benchmark project does not parse: {e}"))
}

/// Known results of `plan(&project_20_servers(), &Catalog::embedded(), None)`, in whole won.
///
/// Pinned from the engine that passed the conformance suite (before any optimisation) and
/// re-derived independently with exact fractions from SPEC §1–§6 by `benches/verify_fixture.py`
/// (over `data/catalogs/default.csv`); an optimisation that changes one of them changed
/// behaviour.
pub mod expected_20_servers {
    /// Reported fiscal years: 2026 … 2033.
    pub const YEARS: std::ops::RangeInclusive<i32> = 2026..=2033;
    /// Number of plan lines.
    pub const LINES: usize = 59;
    /// 총사업비, VAT excluded.
    pub const PROJECT_TOTAL: &str = "2199845974";
    /// 총사업비 with VAT.
    pub const PROJECT_TOTAL_WITH_VAT: &str = "2419830567";
    /// Usage fees over the 7-year window.
    pub const USAGE_WINDOW_FEE: &str = "1417345974";
    /// Mid-term plan (2026–2030) total with VAT.
    pub const MIDTERM_TOTAL_WITH_VAT: &str = "1760164516";
}

/// Checks a plan of [`project_20_servers`] against [`expected_20_servers`].
///
/// # Panics
/// On any difference, naming it.
pub fn check_plan_20_servers(plan: &cloud_tco::Plan) {
    use expected_20_servers as e;
    let years: Vec<i32> = e::YEARS.collect();
    assert_eq!(plan.years, years, "reported years");
    assert_eq!(plan.lines.len(), e::LINES, "line count");
    assert_eq!(
        plan.totals.project_total.to_string(),
        e::PROJECT_TOTAL,
        "project total"
    );
    assert_eq!(
        plan.totals.project_total_with_vat.to_string(),
        e::PROJECT_TOTAL_WITH_VAT,
        "project total with VAT"
    );
    assert_eq!(
        plan.totals.usage_window.usage_fee.to_string(),
        e::USAGE_WINDOW_FEE,
        "usage window fee"
    );
    assert_eq!(
        plan.totals.midterm.amounts.total_with_vat.to_string(),
        e::MIDTERM_TOTAL_WITH_VAT,
        "mid-term total with VAT"
    );
}

/// The embedded catalog, loaded once (the plan benchmarks price against it).
pub fn embedded_catalog() -> Catalog {
    Catalog::embedded()
}

/// Checks `price_table(&Catalog::embedded(), &PriceBasis::Average, None)`: 26 non-server items
/// whose average prices sum to 5,094,490.00 won, and the guide's two reference specs at their
/// averages (2 vCPU/4 GB: 69,470.00; 4 vCPU/16 GB: 182,542.50). Re-derived independently
/// from `data/catalogs/default.csv`.
///
/// # Panics
/// On any difference, naming it.
pub fn check_price_table_default(table: &cloud_tco::PriceTable) {
    assert_eq!(table.items.len(), 26, "non-server items");
    let sum: cloud_tco::Decimal = table.items.iter().map(|i| i.price.price).sum();
    assert_eq!(sum.to_string(), "5094490.00", "sum of the item prices");
    let servers: Vec<String> = table
        .servers
        .iter()
        .map(|s| s.price.price.to_string())
        .collect();
    assert_eq!(
        servers,
        ["69470.00", "182542.50"],
        "reference server prices"
    );
}

/// Server sizes of the generated batch projects (vCPU, memory GB): every one fits at least
/// one provider of the embedded catalog; 1x1 and 4x12 are fitted by larger flavors at some
/// providers.
const BATCH_SIZES: [(u32, &str); 12] = [
    (1, "1"),
    (1, "2"),
    (2, "4"),
    (2, "8"),
    (4, "8"),
    (4, "12"),
    (4, "16"),
    (8, "16"),
    (8, "32"),
    (16, "64"),
    (32, "64"),
    (32, "128"),
];

/// Operating systems of the generated batch projects (`linux` has no licence line).
const BATCH_OS: [&str; 4] = ["linux", "linux", "rhel", "windows"];

/// Writes one generated 20-server project (SPEC §4, JSON form, one line without the newline).
///
/// Deterministic in `index`: 20 server groups (count 1–4, sizes 1x1 … 32x128, Linux/RHEL/Windows,
/// an extra SSD or HDD disk on about a third), a growing SSD storage entry and one NAS or object
/// entry, a load balancer and public IPs, antivirus per server on half of them, service starts
/// on any day of 2026–2028 (mostly mid-month), discounts 0–9 %, escalation 0–4.5 % in steps of
/// 0.5 %, and a one-off conversion cost on every fourth (kind `conversion`).
pub fn push_batch_project(out: &mut String, index: u64) {
    use std::fmt::Write;
    let mut rng = SplitMix64::new(0xBA7C_0000 ^ index.wrapping_mul(0x9E37_79B9));
    let year = 2026 + rng.below(3) as u32;
    let month = 1 + rng.below(12) as u32;
    let day = 1 + rng.below(28) as u32;
    let kind = if index.is_multiple_of(4) {
        "conversion"
    } else {
        "new"
    };
    write!(
        out,
        r#"{{"name":"p{index:06}","kind":"{kind}","budget_year":{year},"service_start":"{year}-{month:02}-{day:02}","usage_years":7,"options":{{"basis":"average","discount_pct":{},"price_escalation_pct":"{}.{}","vat_pct":10}},"servers":["#,
        rng.below(10),
        rng.below(5),
        if rng.below(2) == 0 { 0 } else { 5 },
    )
    .unwrap();
    for s in 0..20 {
        let (vcpu, mem) = BATCH_SIZES[rng.below(BATCH_SIZES.len() as u64) as usize];
        let os = BATCH_OS[rng.below(BATCH_OS.len() as u64) as usize];
        if s > 0 {
            out.push(',');
        }
        write!(
            out,
            r#"{{"name":"s{s}","vcpu":{vcpu},"memory_gb":{mem},"count":{},"os":"{os}""#,
            1 + rng.below(4)
        )
        .unwrap();
        match rng.below(6) {
            0 => write!(out, r#","extra_disk_gb":{}"#, 50 * (1 + rng.below(20))).unwrap(),
            1 => write!(
                out,
                r#","extra_disk_gb":{},"extra_disk_class":"block_hdd""#,
                100 * (1 + rng.below(30))
            )
            .unwrap(),
            _ => {}
        }
        out.push('}');
    }
    let other = if rng.below(2) == 0 { "nas" } else { "object" };
    write!(
        out,
        r#"],"storage":[{{"class":"block_ssd","gb":{},"annual_growth_gb":"{}.5"}},{{"class":"{other}","gb":{}}}],"network":{{"load_balancers":{},"public_ips":{}}}"#,
        100 * (1 + rng.below(50)),
        rng.below(500),
        500 * (1 + rng.below(40)),
        rng.below(3),
        1 + rng.below(4),
    )
    .unwrap();
    if rng.below(2) == 0 {
        out.push_str(r#","security":{"antivirus":"per_server","waf":1}"#);
    }
    if kind == "conversion" {
        write!(
            out,
            r#","costs":[{{"item":"conversion","year":{year},"amount":{}}}]"#,
            1_000_000 * (10 + rng.below(200))
        )
        .unwrap();
    }
    out.push('}');
}

/// `n` generated 20-server projects ([`push_batch_project`]) as JSON Lines, the input of
/// `cloud_tco::batch::run_jsonl` (about 2 KB a project).
pub fn generate_batch_jsonl(n: usize) -> Vec<u8> {
    let mut out = String::with_capacity(n * 2_400);
    for i in 0..n as u64 {
        push_batch_project(&mut out, i);
        out.push('\n');
    }
    out.into_bytes()
}
