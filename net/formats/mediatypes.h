#pragma once

#include <QLatin1StringView>

namespace Berth::MediaType {

inline constexpr QLatin1StringView DockerManifest{
        "application/vnd.docker.distribution.manifest.v2+json"};
inline constexpr QLatin1StringView DockerManifestList{
        "application/vnd.docker.distribution.manifest.list.v2+json"};
inline constexpr QLatin1StringView DockerSchema1{
        "application/vnd.docker.distribution.manifest.v1+json"};
inline constexpr QLatin1StringView DockerSchema1Signed{
        "application/vnd.docker.distribution.manifest.v1+prettyjws"};
inline constexpr QLatin1StringView DockerConfig{"application/vnd.docker.container.image.v1+json"};
inline constexpr QLatin1StringView DockerLayer{"application/vnd.docker.image.rootfs.diff.tar.gzip"};
inline constexpr QLatin1StringView OciManifest{"application/vnd.oci.image.manifest.v1+json"};
inline constexpr QLatin1StringView OciIndex{"application/vnd.oci.image.index.v1+json"};
inline constexpr QLatin1StringView OciConfig{"application/vnd.oci.image.config.v1+json"};
inline constexpr QLatin1StringView OciLayer{"application/vnd.oci.image.layer.v1.tar+gzip"};
inline constexpr QLatin1StringView OciEmpty{"application/vnd.oci.empty.v1+json"};
inline constexpr QLatin1StringView InTotoLayer{"application/vnd.in-toto+json"};
inline constexpr QLatin1StringView HelmConfig{"application/vnd.cncf.helm.config.v1+json"};
inline constexpr QLatin1StringView CosignSignatureLayer{
        "application/vnd.dev.cosign.simplesigning.v1+json"};
inline constexpr QLatin1StringView NotarySignature{"application/vnd.cncf.notary.signature"};

//! The Accept header for manifest requests: every manifest type Berth reads. Without it
//! Distribution 2.8 converts schema2 to schema1 (another digest) and 404s OCI manifests.
QByteArray manifestAcceptHeader();

} // namespace Berth::MediaType
