#include "net/formats/artifactkind.h"

#include "net/formats/manifest.h"
#include "net/formats/mediatypes.h"

#include <algorithm>
#include <array>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

struct KindName
{
    ArtifactKind kind;
    QLatin1StringView name;
};

constexpr std::array KindNames{
        KindName{ArtifactKind::Image, "image"_L1},
        KindName{ArtifactKind::Index, "index"_L1},
        KindName{ArtifactKind::Attestation, "attestation"_L1},
        KindName{ArtifactKind::Signature, "signature"_L1},
        KindName{ArtifactKind::HelmChart, "chart"_L1},
        KindName{ArtifactKind::Artifact, "artifact"_L1},
};

bool anyLayerHasType(const Manifest &manifest, QLatin1StringView type)
{
    return std::any_of(manifest.layers.cbegin(), manifest.layers.cend(),
                       [type](const Descriptor &layer) { return layer.mediaType == type; });
}

bool isAttestation(const Manifest &manifest)
{
    return manifest.annotations.value(u"vnd.docker.reference.type"_s) == u"attestation-manifest"
           || anyLayerHasType(manifest, MediaType::InTotoLayer);
}

bool isSignature(const Manifest &manifest)
{
    return anyLayerHasType(manifest, MediaType::CosignSignatureLayer)
           || manifest.artifactType == MediaType::NotarySignature
           || manifest.config.mediaType == MediaType::NotarySignature;
}

bool hasImageConfig(const Manifest &manifest)
{
    return manifest.config.mediaType == MediaType::OciConfig
           || manifest.config.mediaType == MediaType::DockerConfig;
}

} // namespace

QString artifactKindName(ArtifactKind kind)
{
    for (const KindName &entry : KindNames) {
        if (entry.kind == kind)
            return entry.name;
    }
    return u"image"_s;
}

ArtifactKind artifactKindFromName(QStringView name, bool *ok)
{
    for (const KindName &entry : KindNames) {
        if (name.compare(entry.name, Qt::CaseInsensitive) == 0) {
            if (ok)
                *ok = true;
            return entry.kind;
        }
    }
    if (ok)
        *ok = false;
    return ArtifactKind::Image;
}

ArtifactKind classifyManifest(const Manifest &manifest)
{
    if (manifest.kind == ManifestKind::Index)
        return ArtifactKind::Index;
    if (manifest.kind == ManifestKind::Schema1)
        return ArtifactKind::Image;
    if (isAttestation(manifest))
        return ArtifactKind::Attestation;
    if (isSignature(manifest))
        return ArtifactKind::Signature;
    if (manifest.config.mediaType == MediaType::HelmConfig
        || manifest.artifactType == MediaType::HelmConfig)
        return ArtifactKind::HelmChart;
    if (!manifest.artifactType.isEmpty() || !hasImageConfig(manifest))
        return ArtifactKind::Artifact;
    return ArtifactKind::Image;
}

} // namespace Berth
