//! Combining providers into one reference unit price — the price basis (SPEC §3).
//!
//! The guide estimates with the average of the providers' unit prices (평균단가). For each line
//! every provider's monthly charge for one unit is computed from its own rows (flavor matching,
//! traffic allowance, backup base and additional GB), then the charges are combined by the basis
//! and rounded by R1. The result keeps its provenance: which providers and flavors it came from.

use std::fmt;
use std::str::FromStr;

use arcstr::ArcStr;
use rust_decimal::Decimal;

use crate::catalog::{AllowanceScope, Catalog, CatalogRow, Category, Unit};
use crate::error::{Error, PricingError};
use crate::money::round_unit_price;

/// How the providers' charges are combined into one unit price.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum PriceBasis {
    /// The mean of the providers' charges (평균단가) — the guide's method and the default.
    #[default]
    Average,
    /// The cheapest provider's charge.
    Min,
    /// The dearest provider's charge.
    Max,
    /// The middle charge (mean of the two middle ones for an even count).
    Median,
    /// One provider's own charge; an error if it has none for a needed line.
    Provider(String),
}

impl fmt::Display for PriceBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PriceBasis::Average => f.write_str("average"),
            PriceBasis::Min => f.write_str("min"),
            PriceBasis::Max => f.write_str("max"),
            PriceBasis::Median => f.write_str("median"),
            PriceBasis::Provider(p) => write!(f, "provider:{p}"),
        }
    }
}

impl FromStr for PriceBasis {
    type Err = PricingError;

    /// ```
    /// use cloud_tco::PriceBasis;
    /// assert_eq!("median".parse::<PriceBasis>().unwrap(), PriceBasis::Median);
    /// assert_eq!("provider:B".parse::<PriceBasis>().unwrap(), PriceBasis::Provider("B".into()));
    /// assert!("mean".parse::<PriceBasis>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "average" => Ok(PriceBasis::Average),
            "min" => Ok(PriceBasis::Min),
            "max" => Ok(PriceBasis::Max),
            "median" => Ok(PriceBasis::Median),
            other => match other.strip_prefix("provider:") {
                Some(name) if !name.trim().is_empty() => {
                    Ok(PriceBasis::Provider(name.trim().to_owned()))
                }
                _ => Err(PricingError::UnknownBasis(s.to_owned())),
            },
        }
    }
}

/// One provider's monthly charge for one unit of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderCharge {
    /// Provider name.
    pub provider: ArcStr,
    /// The flavor matched, for server lines.
    pub flavor: Option<ArcStr>,
    /// The charge before R1.
    pub charge: Decimal,
}

/// A combined reference unit price (R1-rounded) and the charges it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CombinedPrice {
    /// The reference unit price, rounded half-up to 2 decimals.
    pub price: Decimal,
    /// The providers' charges that entered the combination, in provider order.
    pub providers: Vec<ProviderCharge>,
}

/// Combines charges by `basis` and rounds by R1.
///
/// ```
/// use cloud_tco::pricing::{combine, ProviderCharge};
/// use cloud_tco::PriceBasis;
/// use rust_decimal::Decimal;
/// let charges: Vec<ProviderCharge> = [("A", 160), ("B", 150), ("C", 155)]
///     .iter()
///     .map(|(p, c)| ProviderCharge { provider: (*p).into(), flavor: None, charge: Decimal::new(*c, 0) })
///     .collect();
/// assert_eq!(combine(&PriceBasis::Average, charges.clone()).unwrap().price.to_string(), "155.00");
/// assert_eq!(combine(&PriceBasis::Min, charges).unwrap().price.to_string(), "150.00");
/// ```
pub fn combine(basis: &PriceBasis, charges: Vec<ProviderCharge>) -> Result<CombinedPrice, Error> {
    let chosen: Vec<ProviderCharge> = match basis {
        PriceBasis::Provider(name) => charges
            .into_iter()
            .filter(|c| &c.provider == name)
            .collect(),
        _ => charges,
    };
    let value = match basis {
        PriceBasis::Average => average(&chosen)?,
        PriceBasis::Min => chosen.iter().map(|c| c.charge).min(),
        PriceBasis::Max => chosen.iter().map(|c| c.charge).max(),
        PriceBasis::Median => median(&chosen)?,
        PriceBasis::Provider(_) => chosen.first().map(|c| c.charge),
    };
    let value = value.ok_or_else(|| Error::TooLarge("no charge to combine".into()))?;
    Ok(CombinedPrice {
        price: round_unit_price(value),
        providers: chosen,
    })
}

fn average(charges: &[ProviderCharge]) -> Result<Option<Decimal>, Error> {
    if charges.is_empty() {
        return Ok(None);
    }
    let mut sum = Decimal::ZERO;
    for c in charges {
        sum = sum.checked_add(c.charge).ok_or_else(|| {
            Error::TooLarge(format!("sum of the providers' prices for {}", c.provider))
        })?;
    }
    let n = Decimal::from(charges.len());
    // Round exactly: R1 of sum/n = round_half_up(sum × 100 / n) / 100 in integers.
    let (m, s) = (sum.mantissa(), sum.scale());
    if let Some(q) = exact_round_ratio(m, s, charges.len() as i128) {
        return Ok(Some(q));
    }
    sum.checked_div(n)
        .map(Some)
        .ok_or_else(|| Error::TooLarge("average of the providers' prices".into()))
}

/// `round_half_up(m / 10^s / n, 2)` exactly, or `None` when it does not fit in i128.
fn exact_round_ratio(m: i128, s: u32, n: i128) -> Option<Decimal> {
    let (num, den) = if s <= 2 {
        (m.checked_mul(10i128.checked_pow(2 - s)?)?, n)
    } else {
        (m, n.checked_mul(10i128.checked_pow(s - 2)?)?)
    };
    let q = num / den;
    let r = num % den;
    let q = if r.checked_mul(2)?.abs() >= den {
        q + num.signum()
    } else {
        q
    };
    Decimal::try_from_i128_with_scale(q, 2).ok()
}

fn median(charges: &[ProviderCharge]) -> Result<Option<Decimal>, Error> {
    let mut v: Vec<Decimal> = charges.iter().map(|c| c.charge).collect();
    v.sort();
    let n = v.len();
    Ok(match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => {
            let sum = v[n / 2 - 1]
                .checked_add(v[n / 2])
                .ok_or_else(|| Error::TooLarge("median of the providers' prices".into()))?;
            Some(sum / Decimal::TWO)
        }
    })
}

/// Prices lines from a catalog under one basis.
#[derive(Debug, Clone, Copy)]
pub struct Pricer<'a> {
    catalog: &'a Catalog,
    basis: &'a PriceBasis,
}

impl<'a> Pricer<'a> {
    /// A pricer over `catalog`; a `provider:NAME` basis must name a provider of the catalog.
    pub fn new(catalog: &'a Catalog, basis: &'a PriceBasis) -> Result<Self, PricingError> {
        if let PriceBasis::Provider(name) = basis {
            if !catalog.has_provider(name) {
                return Err(PricingError::UnknownProvider(name.clone()));
            }
        }
        Ok(Pricer { catalog, basis })
    }

    /// The basis in use.
    pub fn basis(&self) -> &PriceBasis {
        self.basis
    }

    /// The catalog in use.
    pub fn catalog(&self) -> &Catalog {
        self.catalog
    }

    /// `needed_by` names the line for error messages; it is only called on an error, so the
    /// success path formats nothing.
    fn finish(
        &self,
        category: Category,
        item: &str,
        needed_by: &dyn Fn() -> String,
        listed: bool,
        charges: Vec<ProviderCharge>,
        left_out: Vec<String>,
    ) -> Result<CombinedPrice, Error> {
        if let PriceBasis::Provider(name) = self.basis {
            if !charges.iter().any(|c| &c.provider == name) {
                return Err(PricingError::ProviderMissing {
                    provider: name.clone(),
                    category: category.key().to_owned(),
                    item: item.to_owned(),
                    needed_by: needed_by(),
                }
                .into());
            }
        }
        if charges.is_empty() {
            return Err(if listed && !left_out.is_empty() {
                PricingError::NotPriceable {
                    category: category.key().to_owned(),
                    item: item.to_owned(),
                    needed_by: needed_by(),
                    reason: left_out.join("; "),
                }
            } else {
                PricingError::NotListed {
                    category: category.key().to_owned(),
                    item: item.to_owned(),
                    needed_by: needed_by(),
                }
            }
            .into());
        }
        combine(self.basis, charges)
    }

    /// A plain item: each provider's charge is its price.
    ///
    /// ```
    /// use cloud_tco::{Catalog, PriceBasis, Category};
    /// use cloud_tco::pricing::Pricer;
    /// let csv = "provider,category,item,unit,price\nA,storage,block_ssd,gb_month,160\nB,storage,block_ssd,gb_month,150\nC,storage,block_ssd,gb_month,155.5\n";
    /// let catalog = Catalog::from_reader(csv.as_bytes(), None).unwrap();
    /// let pricer = Pricer::new(&catalog, &PriceBasis::Average).unwrap();
    /// let p = pricer.item(Category::Storage, "block_ssd", "storage[0]").unwrap();
    /// assert_eq!(p.price.to_string(), "155.17");
    /// assert_eq!(p.providers.len(), 3);
    /// ```
    pub fn item(
        &self,
        category: Category,
        item: &str,
        needed_by: &str,
    ) -> Result<CombinedPrice, Error> {
        self.item_for(category, item, &|| needed_by.to_owned())
    }

    /// [`Pricer::item`], naming the line only if there is an error.
    pub(crate) fn item_for(
        &self,
        category: Category,
        item: &str,
        needed_by: &dyn Fn() -> String,
    ) -> Result<CombinedPrice, Error> {
        self.item_unit_for(category, item, needed_by)
            .map(|(price, _)| price)
    }

    /// [`Pricer::item_for`] and the item's unit (that of its first row), in one lookup.
    pub(crate) fn item_unit_for(
        &self,
        category: Category,
        item: &str,
        needed_by: &dyn Fn() -> String,
    ) -> Result<(CombinedPrice, Option<Unit>), Error> {
        let mut unit = None;
        let charges = self
            .catalog
            .item_rows(category, item)
            .map(|r| {
                unit.get_or_insert(r.unit);
                ProviderCharge {
                    provider: r.provider.clone(),
                    flavor: (category == Category::Server).then(|| r.item.clone()),
                    charge: r.price,
                }
            })
            .collect();
        let price = self.finish(category, item, needed_by, true, charges, vec![])?;
        Ok((price, unit))
    }

    /// A server: each provider's cheapest flavor with at least the requested vCPU and memory.
    pub fn server(
        &self,
        vcpu: u32,
        memory_gb: Decimal,
        needed_by: &str,
    ) -> Result<CombinedPrice, Error> {
        self.server_for(vcpu, memory_gb, &|| needed_by.to_owned())
    }

    /// [`Pricer::server`], naming the line only if there is an error.
    pub(crate) fn server_for(
        &self,
        vcpu: u32,
        memory_gb: Decimal,
        needed_by: &dyn Fn() -> String,
    ) -> Result<CombinedPrice, Error> {
        let charges: Vec<ProviderCharge> = self
            .catalog
            .providers()
            .iter()
            .filter_map(|p| best_flavor(self.catalog, p, vcpu, memory_gb))
            .map(|row| ProviderCharge {
                provider: row.provider.clone(),
                flavor: Some(row.item.clone()),
                charge: row.price,
            })
            .collect();
        if charges.is_empty() {
            return Err(PricingError::NoFittingFlavor {
                vcpu,
                memory_gb: memory_gb.normalize().to_string(),
                needed_by: needed_by(),
            }
            .into());
        }
        if let PriceBasis::Provider(name) = self.basis {
            if !charges.iter().any(|c| &c.provider == name) {
                return Err(PricingError::ProviderMissing {
                    provider: name.clone(),
                    category: "server".into(),
                    item: format!("{vcpu}vCPU/{}GB", memory_gb.normalize()),
                    needed_by: needed_by(),
                }
                .into());
            }
        }
        combine(self.basis, charges)
    }

    /// Outbound traffic of `volume_gb` per month: `price × max(0, volume − allowance)` per provider.
    pub fn traffic(
        &self,
        volume_gb: Decimal,
        server_count: Decimal,
        needed_by: &str,
    ) -> Result<CombinedPrice, Error> {
        let rows = self.catalog.item_rows(Category::Traffic, "outbound");
        let mut charges = Vec::with_capacity(rows.size_hint().0);
        for row in rows {
            let mut allowance = row.included_gb.unwrap_or(Decimal::ZERO);
            if row.included_per == Some(AllowanceScope::Vm) {
                allowance = allowance
                    .checked_mul(server_count)
                    .ok_or_else(|| Error::TooLarge("traffic allowance".into()))?;
            }
            let billable = (volume_gb - allowance).max(Decimal::ZERO);
            let charge = row.price.checked_mul(billable).ok_or_else(|| {
                Error::TooLarge(format!("traffic charge of provider {}", row.provider))
            })?;
            charges.push(ProviderCharge {
                provider: row.provider.clone(),
                flavor: None,
                charge,
            });
        }
        self.finish(
            Category::Traffic,
            "outbound",
            &|| needed_by.to_owned(),
            true,
            charges,
            vec![],
        )
    }

    /// One backup set of `gb`: `base + additional × max(0, gb − included_gb)` per provider.
    pub fn backup(&self, gb: Decimal, needed_by: &str) -> Result<CombinedPrice, Error> {
        self.backup_for(gb, &|| needed_by.to_owned())
    }

    /// [`Pricer::backup`], naming the line only if there is an error.
    pub(crate) fn backup_for(
        &self,
        gb: Decimal,
        needed_by: &dyn Fn() -> String,
    ) -> Result<CombinedPrice, Error> {
        let bases = self.catalog.item_rows(Category::Backup, "base");
        let listed = bases.size_hint().0 > 0;
        let mut charges = Vec::with_capacity(bases.size_hint().0);
        let mut left_out = Vec::new();
        // Both lists are in provider order: walk them together to pair each base with its
        // provider's additional price.
        let mut additional = self
            .catalog
            .item_rows(Category::Backup, "additional")
            .peekable();
        for base in bases {
            let included = base.included_gb.unwrap_or(Decimal::ZERO);
            let extra_gb = (gb - included).max(Decimal::ZERO);
            while additional.next_if(|a| a.provider < base.provider).is_some() {}
            let charge = if extra_gb.is_zero() {
                base.price
            } else {
                match additional.peek().filter(|a| a.provider == base.provider) {
                    Some(add) => add
                        .price
                        .checked_mul(extra_gb)
                        .and_then(|x| x.checked_add(base.price))
                        .ok_or_else(|| {
                            Error::TooLarge(format!("backup charge of provider {}", base.provider))
                        })?,
                    None => {
                        left_out.push(format!(
                            "provider {} includes {} GB and has no price for additional GB",
                            base.provider,
                            included.normalize()
                        ));
                        continue;
                    }
                }
            };
            charges.push(ProviderCharge {
                provider: base.provider.clone(),
                flavor: None,
                charge,
            });
        }
        self.finish(
            Category::Backup,
            "base",
            needed_by,
            listed,
            charges,
            left_out,
        )
    }
}

/// The cheapest flavor of `provider` with at least `vcpu` and `memory_gb`
/// (ties: fewer vCPU, less memory, smaller disk, then name).
pub fn best_flavor<'c>(
    catalog: &'c Catalog,
    provider: &str,
    vcpu: u32,
    memory_gb: Decimal,
) -> Option<&'c CatalogRow> {
    // The provider's flavors in the order below, cheapest first (built once per catalog): the
    // first that fits is the minimum of those that fit, the order being total (item names of
    // one provider's flavors are unique).
    catalog.servers_cheapest_first(provider).find(|r| {
        r.spec
            .as_ref()
            .is_some_and(|s| s.vcpu >= vcpu && s.memory_gb >= memory_gb)
    })
}

/// The order of [`best_flavor`]: price, then fewer vCPU, less memory, smaller disk, then name.
pub(crate) fn flavor_order(a: &CatalogRow, b: &CatalogRow) -> std::cmp::Ordering {
    let (sa, sb) = (a.spec.as_ref(), b.spec.as_ref());
    let key = |r: &CatalogRow, s: Option<&crate::catalog::ServerSpec>| {
        (
            r.price,
            s.map(|s| s.vcpu),
            s.map(|s| s.memory_gb),
            s.map(|s| s.disk_gb),
        )
    };
    key(a, sa)
        .cmp(&key(b, sb))
        .then_with(|| a.item.cmp(&b.item))
}

/// A server size asked for in a price table: `vcpu × memory_gb`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerRequest {
    /// Virtual CPUs.
    pub vcpu: u32,
    /// Memory in GB.
    pub memory_gb: Decimal,
}

impl ServerRequest {
    /// The guide's two reference specs: 2 vCPU/4 GB and 4 vCPU/16 GB.
    pub fn defaults() -> Vec<ServerRequest> {
        vec![
            ServerRequest {
                vcpu: 2,
                memory_gb: Decimal::from(4),
            },
            ServerRequest {
                vcpu: 4,
                memory_gb: Decimal::from(16),
            },
        ]
    }
}

impl FromStr for ServerRequest {
    type Err = String;

    /// Parses `VCPUxMEM`, e.g. `4x16`.
    ///
    /// ```
    /// let r: cloud_tco::pricing::ServerRequest = "4x16".parse().unwrap();
    /// assert_eq!(r.vcpu, 4);
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("server spec {s:?} must look like VCPUxMEMORY_GB, e.g. 4x16");
        let (v, m) = s.trim().split_once(['x', 'X']).ok_or_else(bad)?;
        let vcpu: u32 = v.trim().parse().map_err(|_| bad())?;
        let memory_gb = crate::money::parse_decimal(m).map_err(|_| bad())?;
        if vcpu == 0 || memory_gb <= Decimal::ZERO {
            return Err(format!(
                "server spec {s:?} needs vCPU and memory greater than 0"
            ));
        }
        Ok(ServerRequest { vcpu, memory_gb })
    }
}

/// One non-server item of a price table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemPrice {
    /// Category.
    pub category: Category,
    /// Item key.
    pub item: String,
    /// Unit.
    pub unit: Unit,
    /// Combined and R1-rounded price.
    pub price: CombinedPrice,
}

/// One requested server size of a price table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerPrice {
    /// The request.
    pub request: ServerRequest,
    /// Combined price with the flavors it came from.
    pub price: CombinedPrice,
}

/// The guide's price table: every item of the catalog and the requested server sizes,
/// each provider's own price and the combined (e.g. 평균단가) column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceTable {
    /// The basis of the combined column.
    pub basis: PriceBasis,
    /// Providers of the catalog (or the one of the basis).
    pub providers: Vec<String>,
    /// Non-server items, sorted by category and item.
    pub items: Vec<ItemPrice>,
    /// Requested server sizes.
    pub servers: Vec<ServerPrice>,
}

/// Builds the price table (SPEC §6 `prices`). `servers = None` asks for the default reference
/// specs, which are left out when no provider fits them; an explicit request that cannot be
/// fitted is an error.
///
/// ```
/// use cloud_tco::{Catalog, PriceBasis, pricing::price_table};
/// let table = price_table(&Catalog::embedded(), &PriceBasis::Average, None).unwrap();
/// assert_eq!(table.servers.len(), 2);
/// ```
pub fn price_table(
    catalog: &Catalog,
    basis: &PriceBasis,
    servers: Option<&[ServerRequest]>,
) -> Result<PriceTable, Error> {
    let pricer = Pricer::new(catalog, basis)?;
    let mut items = Vec::new();
    for (category, item) in catalog.item_keys() {
        if category == Category::Server {
            continue;
        }
        if let PriceBasis::Provider(name) = basis {
            if !catalog
                .item_rows(category, item)
                .any(|r| &r.provider == name)
            {
                continue;
            }
        }
        let (price, unit) =
            pricer.item_unit_for(category, item, &|| "the price table".to_owned())?;
        // A listed key has rows, so its unit is known (pricing an item without rows fails).
        if let Some(unit) = unit {
            items.push(ItemPrice {
                category,
                item: item.to_owned(),
                unit,
                price,
            });
        }
    }
    let defaults = ServerRequest::defaults();
    let (requests, explicit) = match servers {
        Some(list) => (list, true),
        None => (defaults.as_slice(), false),
    };
    let mut server_prices = Vec::new();
    for req in requests {
        let needed_by = || format!("--server {}x{}", req.vcpu, req.memory_gb.normalize());
        match pricer.server_for(req.vcpu, req.memory_gb, &needed_by) {
            Ok(price) => server_prices.push(ServerPrice {
                request: req.clone(),
                price,
            }),
            Err(e) if explicit => return Err(e),
            Err(_) => {}
        }
    }
    let providers = match basis {
        PriceBasis::Provider(p) => vec![p.clone()],
        _ => catalog.providers().to_vec(),
    };
    Ok(PriceTable {
        basis: basis.clone(),
        providers,
        items,
        servers: server_prices,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charges(v: &[(&str, &str)]) -> Vec<ProviderCharge> {
        v.iter()
            .map(|(p, c)| ProviderCharge {
                provider: (*p).into(),
                flavor: None,
                charge: c.parse().unwrap(),
            })
            .collect()
    }

    #[test]
    fn average_rounds_half_up_exactly() {
        let c = charges(&[("A", "46050"), ("B", "82980"), ("D", "76420")]);
        assert_eq!(
            combine(&PriceBasis::Average, c).unwrap().price.to_string(),
            "68483.33"
        );
        let c = charges(&[("A", "0.005"), ("B", "0.005")]);
        assert_eq!(
            combine(&PriceBasis::Average, c).unwrap().price.to_string(),
            "0.01"
        );
        let c = charges(&[("A", "1"), ("B", "2"), ("C", "2")]);
        assert_eq!(
            combine(&PriceBasis::Average, c).unwrap().price.to_string(),
            "1.67"
        );
    }

    #[test]
    fn median_of_even_count_is_mean_of_middle() {
        let c = charges(&[("A", "10"), ("B", "40"), ("C", "20"), ("D", "25.01")]);
        assert_eq!(
            combine(&PriceBasis::Median, c).unwrap().price.to_string(),
            "22.51"
        );
        let c = charges(&[("A", "10"), ("B", "40"), ("C", "20")]);
        assert_eq!(
            combine(&PriceBasis::Median, c).unwrap().price.to_string(),
            "20.00"
        );
    }

    #[test]
    fn provider_basis_takes_its_own_price() {
        let c = charges(&[("A", "10.555"), ("B", "40")]);
        let p = combine(&PriceBasis::Provider("A".into()), c).unwrap();
        assert_eq!(p.price.to_string(), "10.56");
        assert_eq!(p.providers.len(), 1);
    }

    #[test]
    fn basis_parses_and_prints() {
        for s in ["average", "min", "max", "median", "provider:NaverCloud"] {
            assert_eq!(s.parse::<PriceBasis>().unwrap().to_string(), s);
        }
        assert!("provider:".parse::<PriceBasis>().is_err());
    }
}
