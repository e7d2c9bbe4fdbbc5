//! `put_delivery_channel`: put a Config delivery channel; undone by putting
//! back (or deleting) the old one.

use crate::cost::PriceKey;
use serde::{Deserialize, Serialize};

use super::DeleteDeliveryChannel;
use super::config::ChannelState;
use super::config::*;
use super::ctx::{Ctx, Done, Fail, with_created};
use super::{Change, Kind, Past, Reversal};
use crate::snapshot::Snapshot;
use aws_sdk_config::types::DeliveryChannel;
use serde_json::Value;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct PutDeliveryChannel {
    pub name: String,
    pub bucket: String,
    pub prefix: Option<String>,
}

impl Kind for PutDeliveryChannel {
    const NAME: &'static str = "put_delivery_channel";
    const RANK: u8 = 16;
    const CHANGE: Change = Change::Update;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = true;
    const CALLS: &'static [&'static str] = &[
        "config:DescribeDeliveryChannels",
        "config:PutDeliveryChannel",
    ];
    const SERIAL_UNDO: bool = true;
    type Prior = ChannelState;

    fn prices(&self) -> Vec<PriceKey> {
        vec![PriceKey::S3Storage]
    }

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let name = &self.name;
        match &past.prior {
            None => {
                if !past.created {
                    return None;
                }
                Reversal::remove(
                    DeleteDeliveryChannel { name: name.clone() },
                    format!("delete delivery channel {name}, which this run created"),
                )
            }
            Some(c) => Reversal::restore(
                PutDeliveryChannel {
                    name: name.clone(),
                    bucket: c.s3_bucket.clone().unwrap_or_default(),
                    prefix: c.s3_prefix.clone().filter(|p| !p.is_empty()),
                },
                format!("put back delivery channel {name} as it was"),
                past,
            )
            .map(|r| r.watching(&["/s3_bucket", "/s3_prefix"])),
        }
    }

    fn simulate(&self, s: &mut Snapshot, region: &str, _target: &str) {
        let PutDeliveryChannel {
            name,
            bucket,
            prefix,
        } = self;
        let c = s.config.entry(region.to_string()).or_default();
        c.channels.retain(|ch| &ch.name != name);
        c.channels.push(crate::snapshot::DeliveryChannel {
            name: name.clone(),
            s3_bucket: Some(bucket.clone()),
            s3_prefix: prefix.clone(),
            sns_topic_arn: None,
        });
    }
}

impl PutDeliveryChannel {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let PutDeliveryChannel {
            name,
            bucket,
            prefix,
        } = self;
        put_delivery_channel(cx, name, bucket, prefix.as_deref()).await
    }
}

/// Puts the channel's bucket and prefix; what the op does not name (SNS
/// topic, KMS key, snapshot frequency) is kept as it is.
async fn put_delivery_channel(
    cx: &Ctx<'_>,
    name: &str,
    bucket: &str,
    prefix: Option<&str>,
) -> Result<Done, Fail> {
    let prior = read_channel(cx, name)
        .await
        .map_err(|e| Fail::reading("delivery channel", e))?;
    let created = prior.is_none();
    let mut b = DeliveryChannel::builder()
        .name(name)
        .s3_bucket_name(bucket)
        .set_s3_key_prefix(prefix.filter(|p| !p.is_empty()).map(str::to_string));
    if let Some((_, c)) = &prior {
        b = b
            .set_sns_topic_arn(c.sns_topic_arn().map(str::to_string))
            .set_s3_kms_key_arn(c.s3_kms_key_arn().map(str::to_string))
            .set_config_snapshot_delivery_properties(
                c.config_snapshot_delivery_properties().cloned(),
            );
    }
    let channel = b.build();
    cx.before(prior.map(|(v, _)| v).unwrap_or(Value::Null))?;
    let cfg = cx.aws.configservice(cx.region());
    cx.retry("PutDeliveryChannel", || {
        cfg.put_delivery_channel()
            .delivery_channel(channel.clone())
            .send()
    })
    .await?;
    let (now, _) = read_channel(cx, name).await?.ok_or_else(|| {
        Fail::mismatch(
            format!("delivery channel {name} cannot be found"),
            Value::Null,
        )
    })?;
    let result = with_created(now.clone(), created);
    if now["s3_bucket"].as_str() != Some(bucket)
        || now["s3_prefix"].as_str() != prefix.filter(|p| !p.is_empty())
    {
        return Err(Fail::mismatch(
            format!("delivery channel {name} reads back as {now}"),
            result,
        ));
    }
    Ok(Done::new(
        format!(
            "{} delivery channel {name} to s3://{bucket}/{}",
            if created { "created" } else { "updated" },
            prefix.unwrap_or("")
        ),
        result,
    ))
}
