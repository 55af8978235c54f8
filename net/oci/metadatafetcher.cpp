#include "net/oci/metadatafetcher.h"

#include "net/core/digest.h"
#include "net/core/netlogging.h"
#include "net/formats/mediatypes.h"

#include <QTimer>

#include <memory>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

bool isDigestReference(QStringView reference)
{
    return reference.contains(u':');
}

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

} // namespace

bool isToleratedChildError(const Error &error)
{
    switch (error.code) {
    case ErrorCode::NotFound:
    case ErrorCode::BadResponse:
    case ErrorCode::DigestMismatch:
    case ErrorCode::TooLarge:
    case ErrorCode::Unsupported:
        return true;
    default:
        return false;
    }
}

MetadataFetcher::MetadataFetcher(RegistryClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{}

void MetadataFetcher::setCacheCapacity(int entries)
{
    m_cache.setMaxCost(entries);
    m_configCache.setMaxCost(entries);
}

void MetadataFetcher::clearCache()
{
    m_cache.clear();
    m_configCache.clear();
}

void MetadataFetcher::fetch(const QString &repository, const QString &reference,
                            const CallOptions &options, QObject *context, Done done)
{
    QPointer<QObject> guard(context);
    Done deliver = [guard, done](Result<ImageMetadata> result) {
        if (guard)
            done(std::move(result));
    };
    if (isDigestReference(reference)) {
        fetchDigest(repository, reference, options, {}, std::move(deliver));
        return;
    }
    // A tag is only a pointer: its manifest GET tells the digest, everything after that is
    // shared by every tag of the digest.
    m_client->getManifest(repository, reference, options, this,
                          [this, repository, options, deliver](Result<FetchedManifest> manifest) {
                              if (!manifest.ok()) {
                                  deliver(manifest.error());
                                  return;
                              }
                              if (joinOrStart(repository, manifest->digest, options, {}, deliver))
                                  startFromManifest(repository, *manifest, options, {});
                          });
}

bool MetadataFetcher::joinOrStart(const QString &repository, const QString &digest,
                                  const CallOptions &options, const QStringList &ancestors,
                                  Done done)
{
    if (const ImageMetadata *cached = m_cache.object(digest)) {
        // From the event loop, like a network answer: callers never see a synchronous result.
        QTimer::singleShot(0, this, [done, copy = *cached] { done(copy); });
        return false;
    }
    auto it = m_jobs.find(digest);
    if (it != m_jobs.end()) {
        it->waiters.append({repository, options, ancestors, std::move(done)});
        return false;
    }
    Job job;
    job.owner = options.owner;
    job.waiters.append({repository, options, ancestors, std::move(done)});
    m_jobs.insert(digest, job);
    return true;
}

void MetadataFetcher::fetchDigest(const QString &repository, const QString &digest,
                                  const CallOptions &options, const QStringList &ancestors,
                                  Done done)
{
    if (!joinOrStart(repository, digest, options, ancestors, std::move(done)))
        return;
    m_client->getManifest(
            repository, digest, options, this,
            [this, repository, digest, options, ancestors](Result<FetchedManifest> manifest) {
                if (!manifest.ok()) {
                    finishJob(digest, manifest.error(), false);
                    return;
                }
                startFromManifest(repository, *manifest, options, ancestors);
            });
}

void MetadataFetcher::startFromManifest(const QString &repository, const FetchedManifest &fetched,
                                        const CallOptions &options, const QStringList &ancestors)
{
    const QString digest = fetched.digest;
    assemble(repository, fetched, options, ancestors,
             [this, digest](Result<ImageMetadata> result, bool cacheable) {
                 finishJob(digest, result, cacheable);
             });
}

void MetadataFetcher::finishJob(const QString &digest, const Result<ImageMetadata> &result,
                                bool cacheable)
{
    const Job job = m_jobs.take(digest);
    // Metadata of a digest never changes; results with tolerated failures (a missing platform)
    // are not kept, so a later look can recover.
    if (result.ok() && cacheable)
        m_cache.insert(digest, new ImageMetadata(result.value()));
    for (const Waiter &waiter : job.waiters) {
        if (!result.ok() && result.error().code == ErrorCode::Cancelled
            && waiter.options.owner != job.owner) {
            // The shared request was cancelled by its owner, not by this caller: ask again.
            fetchDigest(waiter.repository, digest, waiter.options, waiter.ancestors, waiter.done);
            continue;
        }
        waiter.done(result);
    }
}

void MetadataFetcher::assemble(const QString &repository, const FetchedManifest &fetched,
                               const CallOptions &options, const QStringList &ancestors,
                               std::function<void(Result<ImageMetadata>, bool)> done)
{
    if (fetched.manifest.kind == ManifestKind::Index)
        assembleIndex(repository, fetched, options, ancestors + QStringList{fetched.digest},
                      std::move(done));
    else
        assembleImage(repository, fetched, options, std::move(done));
}

void MetadataFetcher::assembleImage(const QString &repository, const FetchedManifest &fetched,
                                    const CallOptions &options,
                                    std::function<void(Result<ImageMetadata>, bool)> done)
{
    const Manifest &manifest = fetched.manifest;
    ImageMetadata meta;
    meta.digest = fetched.digest;
    meta.mediaType = fetched.mediaType;
    meta.kind = classifyManifest(manifest);
    meta.artifactType = manifest.artifactType;
    if (meta.artifactType.isEmpty()
        && (meta.kind == ArtifactKind::HelmChart || meta.kind == ArtifactKind::Artifact)) {
        // OCI: an artifact without artifactType is typed by its config's media type.
        meta.artifactType = manifest.config.mediaType;
    }
    meta.layers = manifest.layers;
    meta.configDigest = manifest.config.digest;
    meta.configMediaType = manifest.config.mediaType;
    meta.annotations = manifest.annotations;

    PlatformImage self;
    self.digest = fetched.digest;
    self.mediaType = fetched.mediaType;
    if (manifest.kind == ManifestKind::Schema1) {
        meta.size = -1; // schema1 does not record layer sizes
        meta.created = parseRfc3339(manifest.schema1Created);
        self.platform.architecture = manifest.schema1Architecture;
    } else {
        meta.size = manifest.storedSize();
    }
    if (!meta.created.isValid())
        meta.created
                = parseRfc3339(manifest.annotations.value(u"org.opencontainers.image.created"_s));
    self.size = meta.size;
    self.created = meta.created;

    const bool imageConfig = manifest.config.mediaType == MediaType::DockerConfig
                             || manifest.config.mediaType == MediaType::OciConfig;
    // Attestations and signatures carry placeholder configs: not worth a request each.
    const bool wantConfig = manifest.kind == ManifestKind::Image && imageConfig
                            && meta.kind != ArtifactKind::Attestation
                            && meta.kind != ArtifactKind::Signature
                            && Digest::isValid(manifest.config.digest);
    if (!wantConfig) {
        meta.platforms = {self};
        done(meta, true);
        return;
    }
    fetchConfig(repository, manifest.config.digest, options,
                [meta, self, done](Result<ImageConfig> config) mutable {
                    if (!config.ok()) {
                        if (!isToleratedChildError(config.error())) {
                            done(config.error(), false);
                            return;
                        }
                        self.error = config.error().message;
                        meta.warnings.append(u"config: "_s + config.error().message);
                        meta.platforms = {self};
                        done(meta, false);
                        return;
                    }
                    meta.config = *config;
                    if (config->created.isValid())
                        meta.created = config->created;
                    self.created = meta.created;
                    self.platform.os = config->os;
                    self.platform.architecture = config->architecture;
                    self.platform.variant = config->variant;
                    meta.platforms = {self};
                    done(meta, true);
                });
}

void MetadataFetcher::assembleIndex(const QString &repository, const FetchedManifest &fetched,
                                    const CallOptions &options, const QStringList &chain,
                                    std::function<void(Result<ImageMetadata>, bool)> done)
{
    const Manifest &manifest = fetched.manifest;
    if (chain.size() > MaxIndexDepth) {
        done(Error(ErrorCode::TooLarge,
                   u"index %1 is nested more than %2 levels deep; not followed"_s
                           .arg(Digest::shortForm(fetched.digest))
                           .arg(MaxIndexDepth)),
             false);
        return;
    }
    for (const Descriptor &child : manifest.manifests) {
        if (chain.contains(child.digest)) {
            done(Error(ErrorCode::BadResponse,
                       u"index %1 lists itself (or an index that contains it)"_s.arg(
                               Digest::shortForm(fetched.digest))),
                 false);
            return;
        }
    }

    ImageMetadata meta;
    meta.digest = fetched.digest;
    meta.mediaType = fetched.mediaType;
    meta.kind = classifyManifest(manifest);
    meta.artifactType = manifest.artifactType;
    meta.annotations = manifest.annotations;

    struct State
    {
        ImageMetadata meta;
        QList<PlatformImage> slots;
        QList<bool> attestation;
        QList<std::optional<ImageMetadata>> nested; //!< child indexes: their lists are merged
        int remaining = 0;
        Error fatal;
        bool cacheable = true;
        std::function<void(Result<ImageMetadata>, bool)> done;
    };
    auto state = std::make_shared<State>();
    state->meta = meta;
    state->remaining = int(manifest.manifests.size());
    state->done = std::move(done);

    const auto finish = [](State &s) {
        if (s.fatal.isError()) {
            s.done(s.fatal, false);
            return;
        }
        ImageMetadata &m = s.meta;
        for (qsizetype i = 0; i < s.slots.size(); ++i) {
            if (s.nested[i]) {
                m.platforms += s.nested[i]->platforms;
                m.attestations += s.nested[i]->attestations;
                continue;
            }
            (s.attestation[i] ? m.attestations : m.platforms).append(s.slots[i]);
        }
        qint64 total = 0;
        bool anyKnown = false;
        for (const PlatformImage &platform : std::as_const(m.platforms)) {
            if (platform.size >= 0) {
                total += platform.size;
                anyKnown = true;
            }
            if (platform.created.isValid()
                && (!m.created.isValid() || platform.created > m.created)) {
                m.created = platform.created;
            }
        }
        m.size = anyKnown || m.platforms.isEmpty() ? total : -1;
        if (!m.created.isValid())
            m.created = parseRfc3339(m.annotations.value(u"org.opencontainers.image.created"_s));
        s.done(m, s.cacheable);
    };

    if (manifest.manifests.isEmpty()) {
        finish(*state);
        return;
    }
    for (const Descriptor &child : manifest.manifests) {
        PlatformImage slot;
        if (child.platform)
            slot.platform = *child.platform;
        slot.digest = child.digest;
        slot.mediaType = child.mediaType;
        state->slots.append(slot);
        state->attestation.append(isAttestationEntry(child));
        state->nested.append(std::nullopt);
    }
    for (qsizetype i = 0; i < manifest.manifests.size(); ++i) {
        const Descriptor &child = manifest.manifests.at(i);
        fetchDigest(repository, child.digest, options, chain,
                    [state, i, finish,
                     hasPlatform = child.platform.has_value()](Result<ImageMetadata> result) {
                        PlatformImage &slot = state->slots[i];
                        if (!result.ok()) {
                            if (isToleratedChildError(result.error())) {
                                slot.error = result.error().message;
                                state->meta.warnings.append(describePlatform(slot) + u": "_s
                                                            + result.error().message);
                                state->cacheable = false;
                            } else if (!state->fatal.isError()) {
                                state->fatal = result.error();
                            }
                        } else if (isIndexMediaType(result->mediaType)
                                   || result->kind == ArtifactKind::Index) {
                            state->nested[i] = *result;
                            state->meta.warnings += result->warnings;
                            if (!result->warnings.isEmpty())
                                state->cacheable = false;
                        } else {
                            slot.size = result->size;
                            slot.created = result->created;
                            if (!hasPlatform && !result->platforms.isEmpty())
                                slot.platform = result->platforms.constFirst().platform;
                            if (!result->warnings.isEmpty()) {
                                slot.error = result->platforms.isEmpty()
                                                     ? QString()
                                                     : result->platforms.constFirst().error;
                                for (const QString &warning : result->warnings)
                                    state->meta.warnings.append(describePlatform(slot) + u": "_s
                                                                + warning);
                                state->cacheable = false;
                            }
                        }
                        if (--state->remaining == 0)
                            finish(*state);
                    });
    }
}

void MetadataFetcher::fetchConfig(const QString &repository, const QString &digest,
                                  const CallOptions &options, ConfigDone done)
{
    if (const ImageConfig *cached = m_configCache.object(digest)) {
        QTimer::singleShot(0, this, [done, copy = *cached] { done(copy); });
        return;
    }
    auto it = m_configJobs.find(digest);
    if (it != m_configJobs.end()) {
        it->waiters.append(std::move(done));
        return;
    }
    ConfigJob job;
    job.owner = options.owner;
    job.waiters.append(std::move(done));
    m_configJobs.insert(digest, job);
    m_client->getBlob(repository, digest, MaxConfigBytes, options, this,
                      [this, digest](Result<QByteArray> blob) {
                          Result<ImageConfig> config = blob.ok()
                                                               ? parseImageConfig(*blob)
                                                               : Result<ImageConfig>(blob.error());
                          if (!config.ok() && blob.ok()) {
                              Error error = config.error();
                              error.message = u"config %1: "_s.arg(Digest::shortForm(digest))
                                              + error.message;
                              config = Result<ImageConfig>(error);
                          }
                          if (config.ok())
                              m_configCache.insert(digest, new ImageConfig(*config));
                          const ConfigJob finished = m_configJobs.take(digest);
                          for (const ConfigDone &waiter : finished.waiters)
                              waiter(config);
                      });
}

} // namespace Berth
