//! `remediate permissions --format cloudformation`: a CloudFormation
//! template for the role `remediate` assumes in each member account, to
//! deploy to every account of an organization as a StackSet.
//!
//! The role's policy is exactly the one `remediate permissions --for X`
//! prints (a test holds the two equal); its trust admits the tooling
//! account (a parameter) and, when given, an external id.

use serde_json::{Value, json};

use crate::permissions::{For, policy_json};

/// The template as pretty JSON (CloudFormation reads JSON templates).
pub fn template(for_: For) -> String {
    let mut policy: Value = serde_json::from_str(&policy_json(for_)).expect("the policy is JSON");
    // The signing statements name the template's key, and exist only with
    // one; a template without them (undo) has no such parameter (cfn-lint
    // W8001: an unused condition).
    let mut signs = false;
    if let Some(list) = policy["Statement"].as_array_mut() {
        for st in list.iter_mut() {
            let sid = st["Sid"].as_str().unwrap_or_default();
            if sid.ends_with("SignPlan") || sid.ends_with("VerifyPlan") {
                signs = true;
                let mut scoped = st.clone();
                scoped["Resource"] = json!({"Ref": "PlanSigningKeyArn"});
                *st = json!({"Fn::If": ["HasSigningKey", scoped, {"Ref": "AWS::NoValue"}]});
            }
        }
    }
    let (purpose, default_role, short) = match for_ {
        For::Plan => ("plan (read only)", "RemediatePlan", "plan"),
        For::Apply => ("plan and apply", "RemediateApply", "apply"),
        For::Undo => ("undo", "RemediateUndo", "undo"),
    };
    let t = json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": format!(
            "The role remediate assumes in a member account to {purpose} (remediate {}). Deploy to every account as a StackSet; run remediate with --role <RoleName>.",
            env!("CARGO_PKG_VERSION")
        ),
        "Parameters": {
            "TrustedAccountId": {
                "Type": "String",
                "AllowedPattern": "^[0-9]{12}$",
                "Description": "The account remediate runs from (the management account or the tooling account)."
            },
            "ExternalId": {
                "Type": "String",
                "Default": "",
                "Description": "When set, remediate must pass it (--external-id)."
            },
            "RoleName": {
                "Type": "String",
                "Default": default_role,
                "Description": "The role's name (remediate --role)."
            },
            "PlanSigningKeyArn": {
                "Type": "String",
                "Default": "",
                "AllowedPattern": "^(arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+)?$",
                "Description": "The KMS key that signs approved plans (remediate plan --sign-with, apply --verify-with); empty: no signing permissions."
            }
        },
        "Conditions": {
            "HasExternalId": {"Fn::Not": [{"Fn::Equals": [{"Ref": "ExternalId"}, ""]}]},
            "HasSigningKey": {"Fn::Not": [{"Fn::Equals": [{"Ref": "PlanSigningKeyArn"}, ""]}]}
        },
        "Resources": {
            "RemediateRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": {"Ref": "RoleName"},
                    "Description": format!("remediate: {purpose}"),
                    "MaxSessionDuration": 3600,
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{
                            "Effect": "Allow",
                            "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${TrustedAccountId}:root"}},
                            "Action": "sts:AssumeRole",
                            "Condition": {"Fn::If": [
                                "HasExternalId",
                                {"StringEquals": {"sts:ExternalId": {"Ref": "ExternalId"}}},
                                {"Ref": "AWS::NoValue"}
                            ]}
                        }]
                    },
                    "Policies": [{
                        "PolicyName": format!("remediate-{short}"),
                        "PolicyDocument": policy
                    }]
                }
            }
        },
        "Outputs": {
            "RoleArn": {"Value": {"Fn::GetAtt": ["RemediateRole", "Arn"]}}
        }
    });
    let mut t = t;
    if !signs {
        t["Parameters"]
            .as_object_mut()
            .expect("parameters")
            .remove("PlanSigningKeyArn");
        t["Conditions"]
            .as_object_mut()
            .expect("conditions")
            .remove("HasSigningKey");
    }
    let mut s = serde_json::to_string_pretty(&t).expect("json");
    s.push('\n');
    s
}
