//! Inventory input for analysts: many systems as two spreadsheet exports, the way a
//! 시스템현황분석서 lists them.
//!
//! - **systems CSV** — one row per system with the project-level fields: `system` (an id,
//!   required), `name`, `kind`, `service_model`, `budget_year`, `service_start`, `usage_years`,
//!   `midterm_years`, `basis`, `discount_pct`, `price_escalation_pct`, `vat_pct`.
//! - **resources CSV** — one row per resource line with a `system` column and a `resource`
//!   column saying what the row is:
//!
//!   | `resource` | columns used |
//!   | --- | --- |
//!   | `server` | `name`, `vcpu`, `memory_gb`, `count`, `os`, `extra_disk_gb`, `extra_disk_class` |
//!   | `storage` | `name`, `class`, `gb`, `annual_growth_gb` |
//!   | `load_balancer`, `public_ip`, `vpn` | `quantity` (rows of one system add up) |
//!   | `traffic` | `gb` (outbound GB per month), `annual_growth_gb` |
//!   | `backup` | `name`, `gb`, `annual_growth_gb`, `count` |
//!   | `security` | `item` (`waf`, `antivirus`, …), `quantity` (a count or `per_server`) |
//!   | `extra` | `name`, `category`, `item`, `quantity` |
//!   | `cost` | `name`, `item`, `year` and `amount`, or `from`, `to` and `per_year` |
//!
//! Each system becomes a SPEC §4 project and goes through the same validation as a project
//! file; a problem names the CSV file, line and column it came from.

use std::collections::BTreeMap;
use std::io::Read;

use serde_json::{Map, Value};

use crate::error::{Location, Problem, ProjectError};
use crate::project::{Project, ProjectFormat};

/// One system of an inventory: its id and its project, or why it has none.
#[derive(Debug, Clone)]
pub struct InventorySystem {
    /// The `system` id.
    pub system: String,
    /// The project, or the problems of its rows.
    pub project: Result<Project, ProjectError>,
}

const SYSTEM_FIELDS: [&str; 11] = [
    "name",
    "kind",
    "service_model",
    "budget_year",
    "service_start",
    "usage_years",
    "midterm_years",
    "basis",
    "discount_pct",
    "price_escalation_pct",
    "vat_pct",
];

struct Row {
    line: u64,
    fields: BTreeMap<String, String>,
}

fn read_rows<R: Read>(reader: R, source: &str) -> Result<Vec<Row>, ProjectError> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(reader);
    let err = |line: Option<u64>, message: String| {
        ProjectError::single(Location::new(Some(source), line, None), message)
    };
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| err(Some(1), format!("cannot read the header row: {e}")))?
        .iter()
        .enumerate()
        .map(|(i, h)| {
            if i == 0 {
                h.trim_start_matches('\u{feff}')
            } else {
                h
            }
            .trim()
            .to_owned()
        })
        .collect();
    if !headers.iter().any(|h| h == "system") {
        return Err(err(Some(1), "the header row has no `system` column".into()));
    }
    let mut rows = Vec::new();
    for record in rdr.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line());
            err(line, format!("the row cannot be read: {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let fields = headers
            .iter()
            .zip(record.iter())
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(h, v)| (h.clone(), v.trim().to_owned()))
            .collect();
        rows.push(Row { line, fields });
    }
    Ok(rows)
}

/// Where a JSON field path of a system's project came from.
struct Origins {
    system_line: u64,
    /// JSON path prefix (`servers[0]`, `network.vpn`, …) → resources line.
    resources: Vec<(String, u64)>,
}

/// Reads an inventory: the systems CSV and the resources CSV, named `systems_name` and
/// `resources_name` in messages. Systems come back in the order of the systems CSV.
///
/// ```
/// use cloud_tco::inventory::read_inventory;
/// let systems = "system,name,kind,budget_year,service_start\nS1,민원포털,conversion,2027,2027-07-01\n";
/// let resources = "system,resource,name,vcpu,memory_gb,count,class,gb,item,quantity\n\
///                  S1,server,web,2,4,2,,,,\n\
///                  S1,storage,files,,,,nas,500,,\n\
///                  S1,security,,,,,,,waf,1\n";
/// let inv = read_inventory(systems.as_bytes(), "systems.csv", resources.as_bytes(), "resources.csv").unwrap();
/// let project = inv[0].project.as_ref().unwrap();
/// assert_eq!(project.servers[0].count, 2.into());
/// assert_eq!(project.storage[0].class, "nas");
/// ```
pub fn read_inventory<S: Read, R: Read>(
    systems: S,
    systems_name: &str,
    resources: R,
    resources_name: &str,
) -> Result<Vec<InventorySystem>, ProjectError> {
    let system_rows = read_rows(systems, systems_name)?;
    let resource_rows = read_rows(resources, resources_name)?;
    let mut by_system: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    let mut problems = Vec::new();
    let known: std::collections::HashSet<&str> = system_rows
        .iter()
        .filter_map(|r| r.fields.get("system").map(String::as_str))
        .collect();
    for row in resource_rows {
        match row.fields.get("system") {
            Some(s) if known.contains(s.as_str()) => {
                by_system.entry(s.clone()).or_default().push(row)
            }
            Some(s) => problems.push(Problem {
                location: Location::new(Some(resources_name), Some(row.line), Some("system")),
                message: format!("system {s:?} is not in {systems_name}"),
            }),
            None => problems.push(Problem {
                location: Location::new(Some(resources_name), Some(row.line), Some("system")),
                message: "the system is empty; every resource row names its system".into(),
            }),
        }
    }
    if !problems.is_empty() {
        return Err(ProjectError { problems });
    }
    let mut out = Vec::new();
    for row in system_rows {
        let Some(id) = row.fields.get("system").cloned() else {
            return Err(ProjectError::single(
                Location::new(Some(systems_name), Some(row.line), Some("system")),
                "the system id is empty",
            ));
        };
        let resources = by_system.remove(&id).unwrap_or_default();
        let project =
            system_project(&id, &row, &resources, resources_name).and_then(|(json, origins)| {
                Project::parse(
                    &json.to_string(),
                    ProjectFormat::Json,
                    Some(systems_name),
                    &id,
                )
                .map_err(|e| relocate(e, &origins, systems_name, resources_name))
            });
        out.push(InventorySystem {
            system: id,
            project,
        });
    }
    Ok(out)
}

fn text(v: &str) -> Value {
    Value::String(v.to_owned())
}

fn system_project(
    id: &str,
    row: &Row,
    resources: &[Row],
    resources_name: &str,
) -> Result<(Value, Origins), ProjectError> {
    let mut project = Map::new();
    for key in SYSTEM_FIELDS {
        if let Some(v) = row.fields.get(key) {
            if key == "basis" || key.ends_with("_pct") {
                let options = project
                    .entry("options")
                    .or_insert_with(|| Value::Object(Map::new()));
                options[key] = text(v);
            } else {
                project.insert(key.into(), text(v));
            }
        }
    }
    project.entry("name").or_insert_with(|| text(id));
    let mut origins = Origins {
        system_line: row.line,
        resources: Vec::new(),
    };
    let mut arrays: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    let mut network = Map::new();
    let mut security = Map::new();
    let pick = |r: &Row, keys: &[&str]| -> Map<String, Value> {
        keys.iter()
            .filter_map(|k| r.fields.get(*k).map(|v| ((*k).to_owned(), text(v))))
            .collect()
    };
    for r in resources {
        let kind = r.fields.get("resource").map(String::as_str).unwrap_or("");
        let (array, entry) = match kind {
            "server" => ("servers", pick(r, &["name", "vcpu", "memory_gb", "count", "os", "extra_disk_gb", "extra_disk_class"])),
            "storage" => ("storage", pick(r, &["name", "class", "gb", "annual_growth_gb"])),
            "backup" => ("backup", pick(r, &["name", "gb", "annual_growth_gb", "count"])),
            "extra" => ("extras", pick(r, &["name", "category", "item", "quantity"])),
            "cost" => ("costs", pick(r, &["name", "item", "year", "amount", "from", "to", "per_year"])),
            "load_balancer" | "public_ip" | "vpn" => {
                let key = match kind {
                    "load_balancer" => "load_balancers",
                    "public_ip" => "public_ips",
                    _ => "vpn",
                };
                let q = r.fields.get("quantity").cloned().unwrap_or_else(|| "1".into());
                let sum = add_text(network.get(key).and_then(Value::as_str), &q);
                network.insert(key.into(), text(&sum));
                origins.resources.push((format!("network.{key}"), r.line));
                continue;
            }
            "traffic" => {
                if let Some(v) = r.fields.get("gb") {
                    network.insert("outbound_gb_per_month".into(), text(v));
                }
                if let Some(v) = r.fields.get("annual_growth_gb") {
                    network.insert("outbound_annual_growth_gb".into(), text(v));
                }
                origins.resources.push(("network.outbound".into(), r.line));
                continue;
            }
            "security" => {
                let item = r.fields.get("item").cloned().unwrap_or_default();
                let q = r.fields.get("quantity").cloned().unwrap_or_else(|| "1".into());
                security.insert(item.clone(), text(&q));
                origins.resources.push((format!("security.{item}"), r.line));
                continue;
            }
            other => {
                return Err(ProjectError::single(
                    Location::new(Some(resources_name), Some(r.line), Some("resource")),
                    format!(
                        "resource {other:?} is not known; use server, storage, load_balancer, public_ip, vpn, traffic, backup, security, extra or cost"
                    ),
                ))
            }
        };
        let list = arrays.entry(array).or_default();
        origins
            .resources
            .push((format!("{array}[{}]", list.len()), r.line));
        list.push(Value::Object(entry));
    }
    for (k, v) in arrays {
        project.insert(k.into(), Value::Array(v));
    }
    if !network.is_empty() {
        project.insert("network".into(), Value::Object(network));
    }
    if !security.is_empty() {
        project.insert("security".into(), Value::Object(security));
    }
    Ok((Value::Object(project), origins))
}

/// `a + b` for texts of numbers (quantities of rows that add up); non-numbers are kept for the
/// project validation to report.
fn add_text(a: Option<&str>, b: &str) -> String {
    match a {
        None => b.to_owned(),
        Some(a) => match (
            crate::money::parse_decimal(a),
            crate::money::parse_decimal(b),
        ) {
            (Ok(x), Ok(y)) => x
                .checked_add(y)
                .map_or_else(|| b.to_owned(), |s| s.to_string()),
            _ => b.to_owned(),
        },
    }
}

/// Points each problem at the CSV file and line its field came from.
fn relocate(
    mut e: ProjectError,
    origins: &Origins,
    systems_name: &str,
    resources_name: &str,
) -> ProjectError {
    for p in &mut e.problems {
        let field = p.location.field.clone().unwrap_or_default();
        let resource = origins.resources.iter().rev().find(|(prefix, _)| {
            field.starts_with(prefix.as_str())
                || (prefix == "network.outbound" && field.starts_with("network.outbound"))
        });
        match resource {
            Some((_, line)) => {
                p.location.file = Some(resources_name.to_owned());
                p.location.line = Some(*line);
            }
            None => {
                p.location.file = Some(systems_name.to_owned());
                p.location.line = Some(origins.system_line);
            }
        }
    }
    e
}
