//! Reads what [`coverage`](super::coverage) judges, through the account: per region,
//! DescribeTrails (shadow and organization trails included), then GetTrailStatus and
//! GetEventSelectors of each trail that covers the region.
//!
//! A trail's status and selectors are asked in its home region by ARN, which is how
//! CloudTrail answers for shadow trails
//! (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrailStatus.html).
//! Trails seen from several regions are read once; at most [`CONCURRENCY`] calls are in
//! flight.

use super::coverage::{findings, RegionView, TrailView};
use super::needs::Needs;
use super::Finding;
use crate::account::trail::{EventSelectors, Trail};
use crate::account::Account;
use crate::config::Config;
use futures::StreamExt;
use std::collections::BTreeMap;

/// Calls in flight at once: a few regions and trails, as the account module does.
const CONCURRENCY: usize = crate::account::aws::CONCURRENCY;

/// Read the trails of every region the config uses and judge them.
pub async fn audit(cfg: &Config, account: &dyn Account) -> Vec<Finding> {
    let needs = Needs::of(cfg);
    let views = read_regions(account, &needs).await;
    findings(&needs, &views)
}

type TrailRead = (Result<bool, String>, Result<EventSelectors, String>);

pub async fn read_regions(account: &dyn Account, needs: &Needs) -> Vec<RegionView> {
    // Futures collected first: a stream `map` closure over `&dyn Account` trips the
    // compiler's `Send` check for `tokio::spawn` callers.
    let lists: Vec<_> = needs
        .regions
        .iter()
        .map(|r| async move {
            (
                r.clone(),
                account.describe_trails(r).await.map_err(|e| e.to_string()),
            )
        })
        .collect();
    let listed: Vec<(String, Result<Vec<Trail>, String>)> = futures::stream::iter(lists)
        .buffered(CONCURRENCY)
        .collect()
        .await;

    let mut unique: BTreeMap<String, Trail> = BTreeMap::new();
    for (region, trails) in &listed {
        for t in trails.iter().flatten() {
            if t.multi_region || &t.home_region == region {
                unique.entry(t.arn.clone()).or_insert_with(|| t.clone());
            }
        }
    }
    let reads: Vec<_> = unique
        .values()
        .map(|t| async move {
            let home = if t.home_region.is_empty() {
                "us-east-1"
            } else {
                t.home_region.as_str()
            };
            let status = account
                .trail_status(home, &t.arn)
                .await
                .map(|s| s.is_logging)
                .map_err(|e| e.to_string());
            let selectors = account
                .event_selectors(home, &t.arn)
                .await
                .map_err(|e| e.to_string());
            (t.arn.clone(), (status, selectors))
        })
        .collect();
    let read: BTreeMap<String, TrailRead> =
        futures::future::join_all(reads).await.into_iter().collect();

    listed
        .into_iter()
        .map(|(region, trails)| RegionView {
            region,
            trails: trails.map(|ts| {
                ts.into_iter()
                    .map(|t| {
                        let (logging, selectors) = read
                            .get(&t.arn)
                            .cloned()
                            .unwrap_or((Err("not read".to_string()), Err("not read".to_string())));
                        TrailView {
                            trail: t,
                            logging,
                            selectors,
                        }
                    })
                    .collect()
            }),
        })
        .collect()
}
