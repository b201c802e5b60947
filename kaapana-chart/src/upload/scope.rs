//! Whether a Kubernetes kind is namespaced or cluster-scoped, decided by its
//! API group *and* kind.
//!
//! A static checker has no API server to ask (no discovery, no RESTMapper),
//! so it carries tables: the built-in kinds of Kubernetes and the common
//! add-ons Kaapana-style charts use. The group matters: a CRD may define a
//! namespaced `ClusterRole` in its own group, and `clusterrolebinding` (wrong
//! case) is not a kind at all. A (group, kind) in neither table is
//! *unknown*; the checker flags it unless the policy names it.
//!
//! ```
//! use kaapana_chart::upload::scope::{scope_of, Scope};
//!
//! assert_eq!(scope_of("rbac.authorization.k8s.io", "ClusterRoleBinding"), Some(Scope::Cluster));
//! assert_eq!(scope_of("", "ConfigMap"), Some(Scope::Namespaced));
//! assert_eq!(scope_of("example.com", "ClusterRole"), None);
//! assert_eq!(scope_of("rbac.authorization.k8s.io", "clusterrolebinding"), None);
//! ```

/// Where objects of a kind live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// In a namespace (`metadata.namespace`, or the release namespace).
    Namespaced,
    /// Outside every namespace; `metadata.namespace` is ignored.
    Cluster,
}

/// Cluster-scoped kinds by (API group, kind); `""` is the core group.
///
/// ```
/// use kaapana_chart::upload::scope::CLUSTER_SCOPED;
/// assert!(CLUSTER_SCOPED.contains(&("", "Namespace")));
/// ```
pub const CLUSTER_SCOPED: &[(&str, &str)] = &[
    ("", "Namespace"),
    ("", "Node"),
    ("", "PersistentVolume"),
    ("", "ComponentStatus"),
    ("rbac.authorization.k8s.io", "ClusterRole"),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    ("apiextensions.k8s.io", "CustomResourceDefinition"),
    (
        "admissionregistration.k8s.io",
        "MutatingWebhookConfiguration",
    ),
    (
        "admissionregistration.k8s.io",
        "ValidatingWebhookConfiguration",
    ),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
    (
        "admissionregistration.k8s.io",
        "ValidatingAdmissionPolicyBinding",
    ),
    ("admissionregistration.k8s.io", "MutatingAdmissionPolicy"),
    (
        "admissionregistration.k8s.io",
        "MutatingAdmissionPolicyBinding",
    ),
    ("apiregistration.k8s.io", "APIService"),
    ("storage.k8s.io", "StorageClass"),
    ("storage.k8s.io", "CSIDriver"),
    ("storage.k8s.io", "CSINode"),
    ("storage.k8s.io", "VolumeAttachment"),
    ("storage.k8s.io", "VolumeAttributesClass"),
    ("scheduling.k8s.io", "PriorityClass"),
    ("node.k8s.io", "RuntimeClass"),
    ("networking.k8s.io", "IngressClass"),
    ("networking.k8s.io", "IPAddress"),
    ("networking.k8s.io", "ServiceCIDR"),
    ("certificates.k8s.io", "CertificateSigningRequest"),
    ("certificates.k8s.io", "ClusterTrustBundle"),
    ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
    ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
    ("policy", "PodSecurityPolicy"),
    ("resource.k8s.io", "DeviceClass"),
    ("resource.k8s.io", "ResourceSlice"),
    ("gateway.networking.k8s.io", "GatewayClass"),
    ("cert-manager.io", "ClusterIssuer"),
    ("snapshot.storage.k8s.io", "VolumeSnapshotClass"),
    ("snapshot.storage.k8s.io", "VolumeSnapshotContent"),
    ("kyverno.io", "ClusterPolicy"),
    ("traefik.io", "TLSStore"),
];

/// Namespaced kinds by (API group, kind); `""` is the core group.
///
/// ```
/// use kaapana_chart::upload::scope::NAMESPACED;
/// assert!(NAMESPACED.contains(&("apps", "Deployment")));
/// ```
pub const NAMESPACED: &[(&str, &str)] = &[
    ("", "Pod"),
    ("", "Service"),
    ("", "ConfigMap"),
    ("", "Secret"),
    ("", "ServiceAccount"),
    ("", "PersistentVolumeClaim"),
    ("", "Endpoints"),
    ("", "LimitRange"),
    ("", "ResourceQuota"),
    ("", "ReplicationController"),
    ("", "PodTemplate"),
    ("", "Event"),
    ("apps", "Deployment"),
    ("apps", "StatefulSet"),
    ("apps", "DaemonSet"),
    ("apps", "ReplicaSet"),
    ("apps", "ControllerRevision"),
    ("batch", "Job"),
    ("batch", "CronJob"),
    ("autoscaling", "HorizontalPodAutoscaler"),
    ("policy", "PodDisruptionBudget"),
    ("networking.k8s.io", "Ingress"),
    ("networking.k8s.io", "NetworkPolicy"),
    ("rbac.authorization.k8s.io", "Role"),
    ("rbac.authorization.k8s.io", "RoleBinding"),
    ("coordination.k8s.io", "Lease"),
    ("discovery.k8s.io", "EndpointSlice"),
    ("events.k8s.io", "Event"),
    ("storage.k8s.io", "CSIStorageCapacity"),
    ("resource.k8s.io", "ResourceClaim"),
    ("resource.k8s.io", "ResourceClaimTemplate"),
    ("gateway.networking.k8s.io", "Gateway"),
    ("gateway.networking.k8s.io", "HTTPRoute"),
    ("gateway.networking.k8s.io", "GRPCRoute"),
    ("gateway.networking.k8s.io", "TCPRoute"),
    ("gateway.networking.k8s.io", "TLSRoute"),
    ("gateway.networking.k8s.io", "UDPRoute"),
    ("gateway.networking.k8s.io", "ReferenceGrant"),
    ("gateway.networking.k8s.io", "BackendTLSPolicy"),
    ("cert-manager.io", "Certificate"),
    ("cert-manager.io", "CertificateRequest"),
    ("cert-manager.io", "Issuer"),
    ("monitoring.coreos.com", "ServiceMonitor"),
    ("monitoring.coreos.com", "PodMonitor"),
    ("monitoring.coreos.com", "PrometheusRule"),
    ("traefik.io", "IngressRoute"),
    ("traefik.io", "IngressRouteTCP"),
    ("traefik.io", "IngressRouteUDP"),
    ("traefik.io", "Middleware"),
    ("traefik.io", "MiddlewareTCP"),
    ("traefik.io", "TLSOption"),
    ("traefik.io", "ServersTransport"),
    ("traefik.containo.us", "IngressRoute"),
    ("traefik.containo.us", "Middleware"),
    ("snapshot.storage.k8s.io", "VolumeSnapshot"),
];

/// The scope of (group, kind) from the built-in tables, or `None` when the
/// kind is unknown. Exact, case-sensitive match, as the API server matches.
///
/// ```
/// use kaapana_chart::upload::scope::{scope_of, Scope};
/// assert_eq!(scope_of("storage.k8s.io", "StorageClass"), Some(Scope::Cluster));
/// ```
pub fn scope_of(group: &str, kind: &str) -> Option<Scope> {
    if CLUSTER_SCOPED.contains(&(group, kind)) {
        Some(Scope::Cluster)
    } else if NAMESPACED.contains(&(group, kind)) {
        Some(Scope::Namespaced)
    } else {
        None
    }
}

/// The API group of an `apiVersion`: what is before the `/`, or `""` (the
/// core group) when there is none (`v1`).
///
/// ```
/// use kaapana_chart::upload::scope::api_group;
/// assert_eq!(api_group("rbac.authorization.k8s.io/v1"), "rbac.authorization.k8s.io");
/// assert_eq!(api_group("v1"), "");
/// ```
pub fn api_group(api_version: &str) -> &str {
    match api_version.split_once('/') {
        Some((group, _)) => group,
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_do_not_overlap() {
        for entry in CLUSTER_SCOPED {
            assert!(!NAMESPACED.contains(entry), "{entry:?} in both tables");
        }
    }
}
