#include "net/oci/metadatajob.h"

#include "net/core/digest.h"
#include "net/formats/imageconfig.h"
#include "net/formats/mediatypes.h"
#include "net/oci/registryclient.h"

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

bool isIndexMediaType(QStringView mediaType)
{
    return mediaType == MediaType::OciIndex || mediaType == MediaType::DockerManifestList;
}

bool isAttestationEntry(const Descriptor &descriptor)
{
    return (descriptor.platform && descriptor.platform->isUnknown())
           || descriptor.annotations.value(u"vnd.docker.reference.type"_s)
                      == u"attestation-manifest";
}

QString describePlatform(const PlatformImage &image)
{
    const QString text = image.platform.toString();
    if (!image.platform.os.isEmpty() || !image.platform.architecture.isEmpty())
        return u"platform "_s + text;
    return u"manifest "_s + Digest::shortForm(image.digest);
}

//! The parts of the metadata a manifest tells by itself.
ImageMetadata describeManifest(const FetchedManifest &fetched)
{
    const Manifest &manifest = fetched.manifest;
    ImageMetadata meta;
    meta.digest = fetched.digest;
    meta.mediaType = fetched.mediaType;
    meta.kind = classifyManifest(manifest);
    meta.artifactType = manifest.artifactType;
    meta.annotations = manifest.annotations;
    return meta;
}

QDateTime annotatedCreated(const ImageMetadata &meta)
{
    return parseRfc3339(meta.annotations.value(u"org.opencontainers.image.created"_s));
}

} // namespace

MetadataJob::MetadataJob(RegistryClient *client, const QString &repository,
                         const QString &reference, Priority priority, const QStringList &ancestors,
                         QObject *parent)
    : ResultJob<ImageMetadata>(priority, parent)
    , m_client(client)
    , m_repository(repository)
    , m_ancestors(ancestors)
{
    // A tag is only a pointer: its manifest GET tells the digest too. An index's child is a
    // later step of its index.
    awaitJob(m_client->getManifest(repository, reference, priority, !ancestors.isEmpty()),
             [this](const Result<FetchedManifest> &fetched) { onManifest(fetched); });
}

MetadataJob::MetadataJob(RegistryClient *client, const QString &repository,
                         const QString &reference, Priority priority,
                         const MetadataSources &sources, QObject *parent)
    : ResultJob<ImageMetadata>(priority, parent)
    , m_client(client)
    , m_repository(repository)
    , m_children(sources.children)
{
    if (!sources.manifest) {
        // Asked for once its tag was resolved (or as an index's child): a later step.
        awaitJob(m_client->getManifest(repository, reference, priority, true),
                 [this](const Result<FetchedManifest> &fetched) { onManifest(fetched); });
        return;
    }
    // Never synchronously: the caller connects to finished() after construction.
    QMetaObject::invokeMethod(
            this,
            [this, manifest = *sources.manifest] {
                if (!isFinished()) // cancelled before it began
                    onManifest(manifest);
            },
            Qt::QueuedConnection);
}

void MetadataJob::onManifest(const Result<FetchedManifest> &fetched)
{
    if (!fetched.ok()) {
        finish(fetched.error());
        return;
    }
    if (fetched->manifest.kind == ManifestKind::Index)
        assembleIndex(*fetched);
    else
        assembleImage(*fetched);
}

void MetadataJob::assembleImage(const FetchedManifest &fetched)
{
    const Manifest &manifest = fetched.manifest;
    m_metadata = describeManifest(fetched);
    if (m_metadata.artifactType.isEmpty()
        && (m_metadata.kind == ArtifactKind::HelmChart
            || m_metadata.kind == ArtifactKind::Artifact)) {
        // OCI: an artifact without artifactType is typed by its config's media type.
        m_metadata.artifactType = manifest.config.mediaType;
    }
    m_metadata.layers = manifest.layers;
    m_metadata.configDigest = manifest.config.digest;
    m_metadata.configMediaType = manifest.config.mediaType;

    m_self.digest = fetched.digest;
    m_self.mediaType = fetched.mediaType;
    if (manifest.kind == ManifestKind::Schema1) {
        m_metadata.size = -1; // schema1 does not record layer sizes
        m_metadata.created = parseRfc3339(manifest.schema1Created);
        m_self.platform.architecture = manifest.schema1Architecture;
    } else {
        m_metadata.size = manifest.storedSize();
    }
    if (!m_metadata.created.isValid())
        m_metadata.created = annotatedCreated(m_metadata);
    m_self.size = m_metadata.size;
    m_self.created = m_metadata.created;

    const bool imageConfig = manifest.config.mediaType == MediaType::DockerConfig
                             || manifest.config.mediaType == MediaType::OciConfig;
    // Attestations and signatures carry placeholder configs: not worth a request each.
    const bool wantConfig = manifest.kind == ManifestKind::Image && imageConfig
                            && m_metadata.kind != ArtifactKind::Attestation
                            && m_metadata.kind != ArtifactKind::Signature
                            && Digest::isValid(manifest.config.digest);
    if (!wantConfig) {
        m_metadata.platforms = {m_self};
        finish(m_metadata);
        return;
    }
    m_configDigest = manifest.config.digest;
    awaitJob(m_client->getBlob(m_repository, m_configDigest, MaxConfigBytes, priority(), -1, true),
             [this](const Result<QByteArray> &blob) { onConfig(blob); });
}

void MetadataJob::onConfig(const Result<QByteArray> &blob)
{
    Result<ImageConfig> config
            = blob.ok() ? parseImageConfig(*blob) : Result<ImageConfig>(blob.error());
    if (!config.ok() && blob.ok()) {
        Error error = config.error();
        error.message = u"config %1: "_s.arg(Digest::shortForm(m_configDigest)) + error.message;
        config = Result<ImageConfig>(error);
    }
    if (!config.ok()) {
        if (!config.error().isItemError()) {
            finish(config.error());
            return;
        }
        m_self.error = config.error().message;
        m_metadata.warnings.append(u"config: "_s + config.error().message);
        m_metadata.failedDigestCheck = config.error().code == ErrorCode::DigestMismatch;
        m_metadata.platforms = {m_self};
        finish(m_metadata);
        return;
    }
    m_metadata.config = *config;
    if (config->created.isValid())
        m_metadata.created = config->created;
    m_self.created = m_metadata.created;
    m_self.platform.os = config->os;
    m_self.platform.architecture = config->architecture;
    m_self.platform.variant = config->variant;
    m_metadata.platforms = {m_self};
    finish(m_metadata);
}

void MetadataJob::assembleIndex(const FetchedManifest &fetched)
{
    const Manifest &manifest = fetched.manifest;
    const QStringList chain = m_ancestors + QStringList{fetched.digest};
    if (chain.size() > MaxIndexDepth) {
        finish(Error(ErrorCode::TooLarge,
                     u"index %1 is nested more than %2 levels deep; not followed"_s
                             .arg(Digest::shortForm(fetched.digest))
                             .arg(MaxIndexDepth)));
        return;
    }
    for (const Descriptor &child : manifest.manifests) {
        if (chain.contains(child.digest)) {
            finish(Error(ErrorCode::BadResponse,
                         u"index %1 lists itself (or an index that contains it)"_s.arg(
                                 Digest::shortForm(fetched.digest))));
            return;
        }
    }
    m_metadata = describeManifest(fetched);
    for (const Descriptor &child : manifest.manifests) {
        PlatformImage slot;
        if (child.platform)
            slot.platform = *child.platform;
        slot.digest = child.digest;
        slot.mediaType = child.mediaType;
        m_slots.append(slot);
        m_attestation.append(isAttestationEntry(child));
        m_declaresPlatform.append(child.platform.has_value());
        m_nested.append(std::nullopt);
    }
    m_remaining = manifest.manifests.size();
    if (m_remaining == 0) {
        finishIndex();
        return;
    }
    // Every child at once; the scheduler keeps the host's limit.
    for (qsizetype i = 0; i < manifest.manifests.size(); ++i) {
        const QString &digest = manifest.manifests.at(i).digest;
        ResultJob<ImageMetadata> *child = m_children
                                                  ? m_children(digest, priority())
                                                  : new MetadataJob(m_client, m_repository, digest,
                                                                    priority(), chain, this);
        awaitJob(child, [this, i](const Result<ImageMetadata> &result) { onChild(i, result); });
    }
}

void MetadataJob::onChild(qsizetype index, const Result<ImageMetadata> &child)
{
    PlatformImage &slot = m_slots[index];
    // A platform that failed its digest check, or holds one that did, taints the index.
    if (child.ok() ? child->failedDigestCheck : child.error().code == ErrorCode::DigestMismatch)
        m_metadata.failedDigestCheck = true;
    if (!child.ok()) {
        if (!child.error().isItemError()) {
            finish(child.error()); // transport, auth: the index as a whole fails
            return;
        }
        slot.error = child.error().message;
        m_metadata.warnings.append(describePlatform(slot) + u": "_s + child.error().message);
    } else if (isIndexMediaType(child->mediaType) || child->kind == ArtifactKind::Index) {
        m_nested[index] = *child;
        m_metadata.warnings += child->warnings;
    } else {
        slot.size = child->size;
        slot.created = child->created;
        if (!m_declaresPlatform[index] && !child->platforms.isEmpty())
            slot.platform = child->platforms.constFirst().platform;
        if (!child->warnings.isEmpty()) {
            slot.error
                    = child->platforms.isEmpty() ? QString() : child->platforms.constFirst().error;
            for (const QString &warning : child->warnings)
                m_metadata.warnings.append(describePlatform(slot) + u": "_s + warning);
        }
    }
    if (--m_remaining == 0)
        finishIndex();
}

void MetadataJob::finishIndex()
{
    ImageMetadata &m = m_metadata;
    for (qsizetype i = 0; i < m_slots.size(); ++i) {
        if (m_nested[i]) {
            m.platforms += m_nested[i]->platforms;
            m.attestations += m_nested[i]->attestations;
            continue;
        }
        (m_attestation[i] ? m.attestations : m.platforms).append(m_slots[i]);
    }
    qint64 total = 0;
    bool anyKnown = false;
    for (const PlatformImage &platform : std::as_const(m.platforms)) {
        if (platform.size >= 0) {
            total += platform.size;
            anyKnown = true;
        }
        if (platform.created.isValid() && (!m.created.isValid() || platform.created > m.created))
            m.created = platform.created;
    }
    m.size = anyKnown || m.platforms.isEmpty() ? total : -1;
    if (!m.created.isValid())
        m.created = annotatedCreated(m);
    finish(m);
}

} // namespace Berth
