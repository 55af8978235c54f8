#pragma once

#include <QString>

namespace Berth {

struct Manifest;

enum class ArtifactKind {
    Image,
    Index,
    Attestation, //!< in-toto / buildx attestation manifests
    Signature,   //!< cosign / notary signatures
    HelmChart,
    Artifact, //!< any other OCI artifact
};

//! "image", "index", "attestation", "signature", "chart", "artifact".
QString artifactKindName(ArtifactKind kind);
ArtifactKind artifactKindFromName(QStringView name, bool *ok = nullptr);

//! Kind from the manifest alone (artifactType, config media type, layer types, annotations such
//! as "vnd.docker.reference.type": "attestation-manifest").
ArtifactKind classifyManifest(const Manifest &manifest);

} // namespace Berth
