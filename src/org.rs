//! Which accounts a run covers, and how each is reached.
//!
//! An organization run lists the accounts (Organizations `ListAccounts`, or
//! the accounts under an organizational unit and its children), narrows them
//! with `--accounts` / `--exclude-accounts` and `--shard K/N`, then reaches
//! each by assuming a role in it (the caller's own account is used as is).
//! Selection is pure ([`select`], [`in_shard`]); only [`list_accounts`] and
//! [`reach`] call AWS.

use aws_config::sts::AssumeRoleProvider;
use aws_types::sdk_config::SdkConfig;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::aws::{Aws, AwsError, Classify};

/// The role assumed in every member account unless `--role` names another:
/// the one Organizations creates in accounts it creates.
pub use crate::settings::DEFAULT_ORG_ROLE as DEFAULT_ROLE;

/// The session name every assumed session carries (it shows in CloudTrail).
pub const SESSION_NAME: &str = "remediate";

/// One account of the run.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    /// As Organizations names it (empty for an account given by id only).
    #[serde(default)]
    pub name: String,
}

/// `--shard K/N`: the K-th (1-based) of N disjoint parts of the accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("--shard {s:?}: use K/N with 1 <= K <= N, e.g. 2/4");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u32, u32) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if count == 0 || index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Whether an account belongs to a shard. The hash of the account id (not
/// its position in a list) decides, so adding an account to the
/// organization never moves the others between shards.
pub fn in_shard(account: &str, shard: Shard) -> bool {
    let h = Sha256::digest(account.as_bytes());
    let n = u64::from_be_bytes(h[..8].try_into().expect("8 bytes"));
    (n % u64::from(shard.count)) as u32 == shard.index - 1
}

/// What the command line and `[org]` ask for.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Every ACTIVE account of the organization (or of `ou`).
    pub org: bool,
    pub ou: Option<String>,
    /// Only these (with `org`), or exactly these (without).
    pub accounts: Vec<String>,
    pub exclude: Vec<String>,
    pub shard: Option<Shard>,
}

impl Selection {
    /// More than the caller's own account is asked for.
    pub fn is_multi_account(&self) -> bool {
        self.org || self.ou.is_some() || !self.accounts.is_empty() || self.shard.is_some()
    }
}

/// The accounts of the run, sorted by id: the listed ones (or the given
/// ids), narrowed by the includes, the excludes and the shard. Pure.
pub fn select(listed: Option<Vec<Account>>, sel: &Selection) -> Vec<Account> {
    let mut out: Vec<Account> = match listed {
        Some(all) => all
            .into_iter()
            .filter(|a| sel.accounts.is_empty() || sel.accounts.contains(&a.id))
            .collect(),
        None => sel
            .accounts
            .iter()
            .map(|id| Account {
                id: id.clone(),
                name: String::new(),
            })
            .collect(),
    };
    out.retain(|a| !sel.exclude.contains(&a.id));
    if let Some(s) = sel.shard {
        out.retain(|a| in_shard(&a.id, s));
    }
    out.sort();
    out.dedup_by(|a, b| a.id == b.id);
    out
}

/// Whether Organizations lists the account as ACTIVE. AWS retired the
/// `Status` field of an `Account` on 2026-09-09 and answers `State` only
/// (<https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html>):
/// `State` decides; `Status` only where `State` is absent (an older
/// endpoint or emulator).
pub fn is_active(a: &aws_sdk_organizations::types::Account) -> bool {
    use aws_sdk_organizations::types::{AccountState, AccountStatus};
    match a.state() {
        Some(state) => *state == AccountState::Active,
        None => a.status() == Some(&AccountStatus::Active),
    }
}

/// Why the selection holds no account before `--shard` narrows it (`None`
/// when it holds one): such a run checks nothing, so it fails rather than
/// report a clean organization. An empty shard of a non-empty selection is
/// not this: it still writes its (empty) report, which merges like any
/// other. Pure.
pub fn nothing_selected(listed: Option<&[Account]>, sel: &Selection) -> Option<String> {
    let unsharded = Selection {
        shard: None,
        ..sel.clone()
    };
    if !select(listed.map(<[Account]>::to_vec), &unsharded).is_empty() {
        return None;
    }
    Some(match listed {
        Some([]) => match &sel.ou {
            Some(ou) => {
                format!("no account selected: Organizations lists no ACTIVE account under {ou}")
            }
            None => {
                "no account selected: Organizations lists no ACTIVE account in the organization"
                    .into()
            }
        },
        Some(all) => format!(
            "no account selected: --accounts / --exclude-accounts leave none of the organization's {} ACTIVE account(s)",
            all.len()
        ),
        None => "no account selected: give --org, --ou or --accounts".into(),
    })
}

/// ACTIVE accounts of the organization, or of an organizational unit and
/// every unit below it. Called from the management account or a delegated
/// administrator.
pub async fn list_accounts(aws: &Aws, ou: Option<&str>) -> Result<Vec<Account>, AwsError> {
    let client = aws.organizations(&aws.home_region());
    let mut out = vec![];
    let keep = |a: &aws_sdk_organizations::types::Account| {
        is_active(a).then(|| Account {
            id: a.id().unwrap_or_default().to_string(),
            name: a.name().unwrap_or_default().to_string(),
        })
    };
    match ou {
        None => {
            let mut pages = client.list_accounts().into_paginator().send();
            while let Some(page) = pages.next().await {
                out.extend(page.aws()?.accounts().iter().filter_map(keep));
            }
        }
        Some(root) => {
            // Breadth first over the unit and its children.
            let mut parents = vec![root.to_string()];
            while let Some(parent) = parents.pop() {
                let mut pages = client
                    .list_accounts_for_parent()
                    .parent_id(&parent)
                    .into_paginator()
                    .send();
                while let Some(page) = pages.next().await {
                    out.extend(page.aws()?.accounts().iter().filter_map(keep));
                }
                let mut pages = client
                    .list_children()
                    .parent_id(&parent)
                    .child_type(aws_sdk_organizations::types::ChildType::OrganizationalUnit)
                    .into_paginator()
                    .send();
                while let Some(page) = pages.next().await {
                    parents.extend(
                        page.aws()?
                            .children()
                            .iter()
                            .filter_map(|c| c.id().map(str::to_string)),
                    );
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

/// How a member account is reached.
#[derive(Debug, Clone)]
pub struct Reach {
    pub role: String,
    pub external_id: Option<String>,
}

/// Clients for `account`: the caller's own as they are; any other through
/// `role` in it (session `remediate`), checked with GetCallerIdentity so a
/// role that cannot be assumed fails here, for this account only.
pub async fn reach(base: &Aws, caller: &str, account: &str, how: &Reach) -> Result<Aws, AwsError> {
    if account == caller {
        return Ok(base.for_account(base.config.clone()));
    }
    let partition = base.partition_hint();
    let arn = format!("arn:{partition}:iam::{account}:role/{}", how.role);
    // Assumed once here so a refusal is AWS's own error (AccessDenied, with
    // its message), not the credential chain's "no usable credentials";
    // the provider below then assumes (and refreshes) for the session.
    let mut check = base
        .sts(&base.home_region())
        .assume_role()
        .role_arn(&arn)
        .role_session_name(SESSION_NAME);
    if let Some(id) = &how.external_id {
        check = check.external_id(id);
    }
    check.send().await.aws()?;
    let mut provider = AssumeRoleProvider::builder(arn)
        .session_name(SESSION_NAME)
        .configure(&base.config);
    if let Some(id) = &how.external_id {
        provider = provider.external_id(id);
    }
    let provider = provider.build().await;
    let config: SdkConfig = base
        .config
        .to_builder()
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(provider),
        )
        .build();
    let aws = base.for_account(config);
    let got = aws
        .sts(&aws.home_region())
        .get_caller_identity()
        .send()
        .await
        .aws()?;
    if got.account() != Some(account) {
        return Err(AwsError {
            kind: crate::snapshot::ErrorKind::Other,
            code: "WrongAccount".into(),
            message: format!(
                "assuming {} landed in account {:?}, not {account}",
                how.role,
                got.account()
            ),
        });
    }
    Ok(aws)
}

/// What the caller of an organization run needs beside its own account's
/// policy: listing the accounts (from the management account or a
/// delegated administrator) and assuming the role in each member.
pub const CALLER_ACTIONS: &[&str] = &[
    "organizations:ListAccounts",
    "organizations:ListAccountsForParent",
    "organizations:ListChildren",
];

/// `policy` (the caller's own account's) with the organization caller's
/// statements added: the listing, and `sts:AssumeRole` on `role` in any
/// account of `partition` (the run's: `aws`, `aws-cn`, `aws-us-gov`; narrow
/// the account to your organization's if you can).
pub fn caller_policy(policy: &str, role: &str, partition: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(policy).expect("the policy is JSON");
    if let Some(list) = v["Statement"].as_array_mut() {
        list.push(serde_json::json!({
            "Sid": "RemediateOrganizationAccounts",
            "Effect": "Allow",
            "Action": CALLER_ACTIONS,
            "Resource": "*"
        }));
        list.push(serde_json::json!({
            "Sid": "RemediateAssumeMemberRole",
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": format!("arn:{partition}:iam::*:role/{role}")
        }));
    }
    let mut s = serde_json::to_string_pretty(&v).expect("json");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accounts(ids: &[&str]) -> Vec<Account> {
        ids.iter()
            .map(|i| Account {
                id: i.to_string(),
                name: format!("n{i}"),
            })
            .collect()
    }

    #[test]
    fn shards_are_disjoint_cover_everything_and_stay_put_when_accounts_are_added() {
        let ids: Vec<String> = (0..200)
            .map(|i| format!("{:012}", 100_000 + i * 7919))
            .collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let of = |n: u32, list: &[&str]| -> Vec<Vec<String>> {
            (1..=n)
                .map(|k| {
                    let sel = Selection {
                        org: true,
                        shard: Some(Shard { index: k, count: n }),
                        ..Default::default()
                    };
                    select(Some(accounts(list)), &sel)
                        .into_iter()
                        .map(|a| a.id)
                        .collect()
                })
                .collect()
        };
        let parts = of(4, &refs);
        let mut all: Vec<String> = parts.concat();
        all.sort();
        assert_eq!(all, {
            let mut x = ids.clone();
            x.sort();
            x
        });
        assert!(
            parts.iter().all(|p| p.len() > 20),
            "roughly even: {:?}",
            parts.iter().map(Vec::len).collect::<Vec<_>>()
        );
        // one more account: nobody else moves
        let mut more = refs.clone();
        more.push("999999999999");
        let after = of(4, &more);
        for (k, p) in parts.iter().enumerate() {
            assert!(
                p.iter().all(|id| after[k].contains(id)),
                "shard {} lost an account",
                k + 1
            );
        }
    }

    #[test]
    fn includes_excludes_and_shard_parse() {
        let sel = Selection {
            org: true,
            accounts: vec!["2".into(), "3".into()],
            exclude: vec!["3".into()],
            ..Default::default()
        };
        assert_eq!(
            select(Some(accounts(&["1", "2", "3"])), &sel),
            accounts(&["2"])
        );
        let ids_only = Selection {
            accounts: vec!["9".into(), "8".into()],
            ..Default::default()
        };
        assert_eq!(
            select(None, &ids_only)
                .iter()
                .map(|a| a.id.as_str())
                .collect::<Vec<_>>(),
            ["8", "9"]
        );
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        for bad in ["0/4", "5/4", "1/0", "x", "1/"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}
