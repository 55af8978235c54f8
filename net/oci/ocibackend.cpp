#include "net/oci/ocibackend.h"

#include "net/core/digest.h"
#include "net/core/imagereference.h"
#include "net/core/netlogging.h"
#include "net/formats/mediatypes.h"
#include "net/oci/metadatafetcher.h"
#include "net/oci/ocirepositorypager.h"
#include "net/oci/ocitagpager.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTimer>

#include <memory>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

// Copying a blob across repositories when the registry refuses to mount it goes through
// memory (GET then upload). Mounts succeed within one registry almost always; this cap keeps a
// refused mount of a multi-GB layer from exhausting memory (it fails with TooLarge instead).
constexpr qint64 MaxCopiedBlobBytes = 512 * 1024 * 1024;

// The OCI empty descriptor: the blob "{}" (image-manifest.md, "Guidance for an Empty Descriptor").
constexpr QLatin1StringView EmptyBlobDigest{
        "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"};

bool isForeignLayer(const Descriptor &layer)
{
    // Windows base layers live outside the registry and cannot be mounted or copied.
    return layer.mediaType.contains(u"foreign"_s)
           || layer.mediaType.contains(u"nondistributable"_s);
}

//! Runs count steps concurrently and calls done once, with the first error, after all ended.
void runAll(qsizetype count, const std::function<void(qsizetype, std::function<void(Error)>)> &step,
            std::function<void(Error)> done)
{
    if (count == 0) {
        done(Error());
        return;
    }
    struct State
    {
        qsizetype remaining;
        Error first;
        std::function<void(Error)> done;
    };
    auto state = std::make_shared<State>(State{count, Error(), std::move(done)});
    for (qsizetype i = 0; i < count; ++i) {
        step(i, [state](Error error) {
            if (error.isError() && !state->first.isError())
                state->first = error;
            if (--state->remaining == 0)
                state->done(state->first);
        });
    }
}

template<typename T>
std::function<void(Result<T>)> guarded(QObject *context, std::function<void(Result<T>)> done)
{
    return [guard = QPointer<QObject>(context), done](Result<T> result) {
        if (guard)
            done(std::move(result));
    };
}

template<typename T>
void failLater(QObject *context, std::function<void(Result<T>)> done, Error error)
{
    QTimer::singleShot(0, context, [done, error] { done(error); });
}

} // namespace

OciBackend::OciBackend(const RegistryEndpoint &endpoint, RequestScheduler *scheduler,
                       QObject *parent)
    : RegistryBackend(parent)
    , m_client(new RegistryClient(endpoint, scheduler, this))
    , m_metadata(new MetadataFetcher(m_client, this))
{}

QString OciBackend::registryHost() const
{
    return m_client->endpoint().host;
}

void OciBackend::connectToRegistry(QObject *context, Callback<void> done)
{
    m_client->ping(context, std::move(done));
}

Pager *OciBackend::createRepositoryPager(const QString &prefix, QObject *parent)
{
    return new OciRepositoryPager(m_client, prefix, parent);
}

Pager *OciBackend::createTagPager(const QString &repository, QObject *parent)
{
    return new OciTagPager(m_client, repository, parent);
}

void OciBackend::resolveTag(const QString &repository, const QString &tag,
                            const CallOptions &options, QObject *context, Callback<TagDigest> done)
{
    auto deliver = guarded<TagDigest>(context, std::move(done));
    m_client->headManifest(
            repository, tag, options, this,
            [this, repository, tag, options, deliver](Result<ManifestHead> head) {
                if (!head.ok()) {
                    deliver(head.error());
                    return;
                }
                if (!head->digest.isEmpty()) {
                    deliver(TagDigest{tag, head->digest, head->mediaType});
                    return;
                }
                // Some registries omit Docker-Content-Digest on HEAD: the body tells.
                m_client->getManifest(
                        repository, tag, options, this,
                        [tag, deliver](Result<FetchedManifest> manifest) {
                            if (!manifest.ok()) {
                                deliver(manifest.error());
                                return;
                            }
                            deliver(TagDigest{tag, manifest->digest, manifest->mediaType});
                        });
            });
}

void OciBackend::fetchMetadata(const QString &repository, const QString &reference,
                               const CallOptions &options, QObject *context,
                               Callback<ImageMetadata> done)
{
    m_metadata->fetch(repository, reference, options, context, std::move(done));
}

void OciBackend::fetchManifest(const QString &repository, const QString &reference,
                               const CallOptions &options, QObject *context,
                               Callback<FetchedManifest> done)
{
    m_client->getManifest(repository, reference, options, context, std::move(done));
}

void OciBackend::addTag(const QString &repository, const QString &sourceReference,
                        const QString &targetRepository, const QString &newTag, QObject *context,
                        Callback<QString> done)
{
    auto deliver = guarded<QString>(context, std::move(done));
    if (!ImageReference::isValidTag(newTag)) {
        failLater<QString>(this, deliver,
                           Error(ErrorCode::InvalidInput, u"not a valid tag: %1"_s.arg(newTag)));
        return;
    }
    const QString target = targetRepository.isEmpty() ? repository : targetRepository;
    if (!ImageReference::isValidRepositoryPath(target)) {
        failLater<QString>(
                this, deliver,
                Error(ErrorCode::InvalidInput, u"not a valid repository name: %1"_s.arg(target)));
        return;
    }
    CallOptions options;
    options.priority = Priority::Interactive;
    m_client->getManifest(
            repository, sourceReference, options, this,
            [this, repository, target, newTag, deliver](Result<FetchedManifest> source) {
                if (!source.ok()) {
                    deliver(source.error());
                    return;
                }
                const FetchedManifest fetched = *source;
                const auto put = [this, target, newTag, deliver, fetched] {
                    // The exact bytes: any re-serialisation would change the digest.
                    m_client->putManifest(
                            target, newTag, fetched.bytes, fetched.mediaType, this,
                            [target, newTag, deliver, fetched](Result<QString> stored) {
                                if (!stored.ok()) {
                                    deliver(stored.error());
                                    return;
                                }
                                if (*stored != fetched.digest) {
                                    deliver(Error(ErrorCode::DigestMismatch,
                                                  u"Tagging %1:%2: the registry stored %3, "
                                                  u"expected %4"_s.arg(target, newTag, *stored,
                                                                       fetched.digest)));
                                    return;
                                }
                                deliver(*stored);
                            });
                };
                if (target == repository) {
                    put();
                    return;
                }
                copyContent(repository, target, fetched.manifest, 1, [deliver, put](Error error) {
                    if (error.isError())
                        deliver(error);
                    else
                        put();
                });
            });
}

void OciBackend::copyContent(const QString &source, const QString &target, const Manifest &manifest,
                             int depth, std::function<void(Error)> done)
{
    if (manifest.kind != ManifestKind::Index) {
        QList<Descriptor> blobs;
        if (Digest::isValid(manifest.config.digest))
            blobs.append(manifest.config);
        for (const Descriptor &layer : manifest.layers) {
            if (!isForeignLayer(layer))
                blobs.append(layer);
        }
        runAll(
                blobs.size(),
                [this, source, target, blobs](qsizetype i, std::function<void(Error)> next) {
                    copyBlob(source, target, blobs.at(i), std::move(next));
                },
                std::move(done));
        return;
    }
    if (depth >= MetadataFetcher::MaxIndexDepth + 1) {
        done(Error(ErrorCode::TooLarge,
                   u"indexes nested more than %1 levels deep are not copied"_s.arg(
                           MetadataFetcher::MaxIndexDepth)));
        return;
    }
    // Children first: an index may only be stored once everything it lists is present.
    const QList<Descriptor> children = manifest.manifests;
    runAll(
            children.size(),
            [this, source, target, children, depth](qsizetype i, std::function<void(Error)> next) {
                const Descriptor child = children.at(i);
                CallOptions options;
                options.priority = Priority::Interactive;
                m_client->getManifest(
                        source, child.digest, options, this,
                        [this, source, target, depth, child,
                         next](Result<FetchedManifest> fetched) {
                            if (!fetched.ok()) {
                                next(fetched.error());
                                return;
                            }
                            const FetchedManifest copy = *fetched;
                            copyContent(
                                    source, target, copy.manifest, depth + 1,
                                    [this, target, child, copy, next](Error error) {
                                        if (error.isError()) {
                                            next(error);
                                            return;
                                        }
                                        m_client->putManifest(
                                                target, child.digest, copy.bytes, copy.mediaType,
                                                this, [next](Result<QString> stored) {
                                                    next(stored.ok() ? Error() : stored.error());
                                                });
                                    });
                        });
            },
            std::move(done));
}

void OciBackend::copyBlob(const QString &source, const QString &target, const Descriptor &blob,
                          std::function<void(Error)> done)
{
    m_client->mountBlob(
            target, blob.digest, source, this,
            [this, source, target, blob, done](Result<bool> mounted) {
                if (!mounted.ok()) {
                    done(mounted.error());
                    return;
                }
                if (*mounted) {
                    done(Error());
                    return;
                }
                if (blob.size > MaxCopiedBlobBytes) {
                    done(Error(
                            ErrorCode::TooLarge,
                            u"the registry refused to mount %1 (%2 bytes) into %3 and it is "
                            u"too large to copy through Berth"_s.arg(Digest::shortForm(blob.digest))
                                    .arg(blob.size)
                                    .arg(target)));
                    return;
                }
                CallOptions options;
                options.priority = Priority::Interactive;
                m_client->getBlob(source, blob.digest, MaxCopiedBlobBytes, options, this,
                                  [this, target, blob, done, options](Result<QByteArray> bytes) {
                                      if (!bytes.ok()) {
                                          done(bytes.error());
                                          return;
                                      }
                                      m_client->uploadBlob(
                                              target, *bytes, options, this,
                                              [done](Result<QString> uploaded) {
                                                  done(uploaded.ok() ? Error() : uploaded.error());
                                              });
                                  });
            });
}

void OciBackend::deleteTag(const QString &repository, const QString &tag, QObject *context,
                           Callback<void> done)
{
    auto deliver = guarded<void>(context, std::move(done));
    if (!ImageReference::isValidTag(tag)) {
        failLater<void>(this, deliver,
                        Error(ErrorCode::InvalidInput, u"not a valid tag: %1"_s.arg(tag)));
        return;
    }
    // Distribution cannot delete a tag, only a manifest (and with it every tag of it). So the
    // tag is first moved onto a tiny manifest of its own (unique by a nonce), which is then
    // deleted by digest: the tag goes, the image and its other tags stay.
    CallOptions options;
    options.priority = Priority::Interactive;
    const QString what = u"Removing tag %1:%2"_s.arg(repository, tag);
    m_client->headManifest(
            repository, tag, options, this,
            [this, repository, tag, options, what, deliver](Result<ManifestHead> head) {
                if (!head.ok()) {
                    deliver(head.error());
                    return;
                }
                m_client->blobExists(
                        repository, EmptyBlobDigest, options, this,
                        [this, repository, tag, options, what, deliver](Result<bool> exists) {
                            if (!exists.ok()) {
                                deliver(exists.error());
                                return;
                            }
                            const auto placeholder = [this, repository, tag, what, deliver] {
                                const QJsonObject empty{
                                        {u"mediaType"_s, QString(MediaType::OciEmpty)},
                                        {u"digest"_s, QString(EmptyBlobDigest)},
                                        {u"size"_s, 2},
                                };
                                const QString nonce = QString::number(
                                        QRandomGenerator::system()->generate64(), 16);
                                const QJsonObject manifest{
                                        {u"schemaVersion"_s, 2},
                                        {u"mediaType"_s, QString(MediaType::OciManifest)},
                                        {u"config"_s, empty},
                                        // One layer: some registries insist on at least one.
                                        {u"layers"_s, QJsonArray{empty}},
                                        {u"annotations"_s,
                                         QJsonObject{
                                                 {u"org.opencontainers.image.created"_s,
                                                  QDateTime::currentDateTimeUtc().toString(
                                                          Qt::ISODateWithMs)},
                                                 {u"io.berth.untag.nonce"_s, nonce},
                                         }},
                                };
                                const QByteArray bytes
                                        = QJsonDocument(manifest).toJson(QJsonDocument::Compact);
                                m_client->putManifest(
                                        repository, tag, bytes, QString(MediaType::OciManifest),
                                        this,
                                        [this, repository, what, deliver](Result<QString> stored) {
                                            if (!stored.ok()) {
                                                deliver(stored.error());
                                                return;
                                            }
                                            m_client->deleteManifest(
                                                    repository, *stored, this,
                                                    [what, deliver](Result<void> deleted) {
                                                        if (deleted.ok()) {
                                                            deliver(Result<void>());
                                                            return;
                                                        }
                                                        Error error = deleted.error();
                                                        error.message
                                                                = what
                                                                  + u": the tag was moved to a "
                                                                    u"placeholder that could not "
                                                                    u"be "
                                                                    u"deleted: "_s
                                                                  + error.message;
                                                        deliver(error);
                                                    });
                                        });
                            };
                            if (*exists) {
                                placeholder();
                                return;
                            }
                            m_client->uploadBlob(repository, "{}"_ba, options, this,
                                                 [placeholder, deliver](Result<QString> uploaded) {
                                                     if (!uploaded.ok()) {
                                                         deliver(uploaded.error());
                                                         return;
                                                     }
                                                     placeholder();
                                                 });
                        });
            });
}

void OciBackend::deleteImage(const QString &repository, const QString &digest, QObject *context,
                             Callback<void> done)
{
    m_client->deleteManifest(repository, digest, context, std::move(done));
}

void OciBackend::cancel(OwnerId owner)
{
    scheduler()->cancelOwner(owner);
}

void OciBackend::setOwnerPriority(OwnerId owner, Priority priority)
{
    scheduler()->setOwnerPriority(owner, priority);
}

RequestScheduler *OciBackend::scheduler() const
{
    return m_client->scheduler();
}

} // namespace Berth
