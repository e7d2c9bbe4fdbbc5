//! The Elastic Load Balancing account of each Region that predates August
//! 2022: the principal (`arn:<partition>:iam::<id>:root`) of the legacy
//! bucket policy that lets a load balancer write its access logs. Regions
//! not listed never supported that policy; there (and everywhere, as AWS
//! now recommends) the policy names the service principal
//! `logdelivery.elasticloadbalancing.amazonaws.com` instead.
//! <https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html>
//! (step 2, "Attach a policy to your S3 bucket"). The strict emulator
//! (`tests/strict/strict_moto.py`, `ELB_ACCOUNTS`) holds the same table.
//! A leaf: it depends on nothing in the crate.

/// (region, Elastic Load Balancing account id), sorted by region.
pub const ELB_ACCOUNTS: &[(&str, &str)] = &[
    ("af-south-1", "098369216593"),
    ("ap-east-1", "754344448648"),
    ("ap-northeast-1", "582318560864"),
    ("ap-northeast-2", "600734575887"),
    ("ap-northeast-3", "383597477331"),
    ("ap-south-1", "718504428378"),
    ("ap-southeast-1", "114774131450"),
    ("ap-southeast-2", "783225319266"),
    ("ap-southeast-3", "589379963580"),
    ("ca-central-1", "985666609251"),
    // China (aws-cn): the Regions' ELB accounts, same page.
    ("cn-north-1", "638102146993"),
    ("cn-northwest-1", "037604701340"),
    ("eu-central-1", "054676820928"),
    ("eu-north-1", "897822967062"),
    ("eu-south-1", "635631232127"),
    ("eu-west-1", "156460612806"),
    ("eu-west-2", "652711504416"),
    ("eu-west-3", "009996457667"),
    ("me-south-1", "076674570225"),
    ("sa-east-1", "507241528517"),
    ("us-east-1", "127311923021"),
    ("us-east-2", "033677994240"),
    ("us-gov-east-1", "190560391635"),
    ("us-gov-west-1", "048591011584"),
    ("us-west-1", "027434742980"),
    ("us-west-2", "797873946194"),
];

/// The Elastic Load Balancing account id of `region`, if the region has one.
pub fn elb_account(region: &str) -> Option<&'static str> {
    ELB_ACCOUNTS
        .binary_search_by(|(r, _)| (*r).cmp(region))
        .ok()
        .map(|i| ELB_ACCOUNTS[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_unique() {
        assert!(ELB_ACCOUNTS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn looks_up() {
        assert_eq!(elb_account("us-east-1"), Some("127311923021"));
        assert_eq!(elb_account("eu-west-1"), Some("156460612806"));
        assert_eq!(elb_account("us-gov-west-1"), Some("048591011584"));
        assert_eq!(elb_account("eu-central-2"), None);
        assert_eq!(elb_account("cn-north-1"), Some("638102146993"));
        assert_eq!(elb_account("cn-northwest-1"), Some("037604701340"));
    }
}
