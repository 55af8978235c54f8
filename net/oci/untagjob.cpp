#include "net/oci/untagjob.h"

#include "net/core/digest.h"
#include "net/formats/manifest.h"
#include "net/formats/mediatypes.h"
#include "net/oci/registryclient.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

// The blob "{}": the OCI empty descriptor's content (image-manifest.md, "Guidance for an Empty
// Descriptor"), here as the placeholder's config and its one layer.
constexpr QLatin1StringView EmptyBlobDigest{
        "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"};

//! A manifest nobody else has: an empty config, one empty layer, a nonce. Docker schema 2, not
//! OCI: Harbor 1.x's /v2/ proxy refuses every other manifest type on PUT (its quota interceptors
//! parse only Docker schema 1 and 2: src/core/middlewares/util/util.go,
//! ParseManifestInfoFromReq, v1.9/v1.10); Distribution, Harbor 2.x and OCI registries take it.
QByteArray placeholderManifest()
{
    const QJsonObject config{
            {u"mediaType"_s, QString(MediaType::DockerConfig)},
            {u"digest"_s, QString(EmptyBlobDigest)},
            {u"size"_s, 2},
    };
    const QJsonObject layer{
            {u"mediaType"_s, QString(MediaType::DockerLayer)},
            {u"digest"_s, QString(EmptyBlobDigest)},
            {u"size"_s, 2},
    };
    const QString nonce = QString::number(QRandomGenerator::system()->generate64(), 16);
    const QJsonObject manifest{
            {u"schemaVersion"_s, 2},
            {u"mediaType"_s, QString(MediaType::DockerManifest)},
            {u"config"_s, config},
            // One layer: some registries insist on at least one.
            {u"layers"_s, QJsonArray{layer}},
            // Distinct bytes per untag: two untags at once must not share a placeholder (the
            // first DELETE would take the second's tag). Schema 2 has no annotations; parsers
            // ignore the field and registries store the bytes as sent.
            {u"annotations"_s,
             QJsonObject{
                     {u"org.opencontainers.image.created"_s,
                      QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                     {u"io.berth.untag.nonce"_s, nonce},
             }},
    };
    return QJsonDocument(manifest).toJson(QJsonDocument::Compact);
}

} // namespace

UntagJob::UntagJob(RegistryClient *client, const QString &repository, const QString &tag,
                   const QString &expectedDigest, bool deletesKnownAllowed, QObject *parent)
    : ResultJob<void>(Priority::Interactive, parent)
    , m_client(client)
    , m_repository(repository)
    , m_tag(tag)
    , m_expectedDigest(expectedDigest)
    , m_deletesKnownAllowed(deletesKnownAllowed)
{
    fetchTag();
}

void UntagJob::fetchTag()
{
    awaitJob(m_client->getManifest(m_repository, m_tag, priority()),
             [this](const Result<FetchedManifest> &fetched) {
                 if (!fetched.ok())
                     return finish(fetched.error());
                 if (!m_expectedDigest.isEmpty() && fetched->digest != m_expectedDigest) {
                     return finish(Error(
                             ErrorCode::Conflict,
                             u"%1:%2 now points at %3, not %4: it moved, and was left alone"_s.arg(
                                     m_repository, m_tag, Digest::shortForm(fetched->digest),
                                     Digest::shortForm(m_expectedDigest))));
                 }
                 m_original = fetched->bytes;
                 m_originalMediaType = fetched->mediaType;
                 if (m_deletesKnownAllowed)
                     ensureEmptyBlob();
                 else
                     checkDeletesAllowed();
             });
}

void UntagJob::checkDeletesAllowed()
{
    // The digest of a random 32 bytes: no registry holds a manifest by it.
    const QString nobody = Digest::sha256(
            QByteArray(QByteArray::number(QRandomGenerator::system()->generate64(), 16)
                       + QByteArray::number(QDateTime::currentMSecsSinceEpoch())));
    awaitJob(m_client->deleteManifest(m_repository, nobody), [this](const Result<void> &probe) {
        if (!probe.ok() && probe.error().code != ErrorCode::NotFound) {
            Error error = probe.error();
            error.message = u"Removing tag %1:%2: nothing was changed, the registry does not let "
                            u"us delete: "_s.arg(m_repository, m_tag)
                            + error.message;
            return finish(error);
        }
        ensureEmptyBlob();
    });
}

void UntagJob::ensureEmptyBlob()
{
    awaitJob(m_client->blobExists(m_repository, EmptyBlobDigest, priority()),
             [this](const Result<bool> &exists) {
                 if (!exists.ok())
                     finish(exists.error());
                 else if (*exists)
                     putPlaceholder();
                 else
                     uploadEmptyBlob();
             });
}

void UntagJob::uploadEmptyBlob()
{
    awaitJob(m_client->uploadBlob(m_repository, "{}"_ba, priority()),
             [this](const Result<QString> &uploaded) {
                 if (!uploaded.ok())
                     finish(uploaded.error());
                 else
                     putPlaceholder();
             });
}

void UntagJob::onCancel()
{
    if (!m_tagMayBeMoved || !m_client)
        return;
    // A child of the client, not of this job: it runs to its end after the job is gone.
    m_client->putManifest(m_repository, m_tag, m_original, m_originalMediaType);
}

void UntagJob::putPlaceholder()
{
    m_tagMayBeMoved = true;
    awaitJob(m_client->putManifest(m_repository, m_tag, placeholderManifest(),
                                   QString(MediaType::DockerManifest)),
             [this](const Result<QString> &stored) {
                 if (stored.ok()) {
                     deletePlaceholder(*stored);
                 } else if (stored.error().code == ErrorCode::Timeout
                            || stored.error().code == ErrorCode::Network) {
                     restoreTag(stored.error()); // the PUT may have landed all the same
                 } else {
                     m_tagMayBeMoved = false;
                     finish(stored.error());
                 }
             });
}

void UntagJob::deletePlaceholder(const QString &digest)
{
    awaitJob(m_client->deleteManifest(m_repository, digest), [this](const Result<void> &deleted) {
        if (deleted.ok()) {
            m_tagMayBeMoved = false;
            finish(Result<void>());
        } else {
            restoreTag(deleted.error());
        }
    });
}

void UntagJob::restoreTag(const Error &cause)
{
    awaitJob(m_client->putManifest(m_repository, m_tag, m_original, m_originalMediaType),
             [this, cause](const Result<QString> &restored) {
                 m_tagMayBeMoved = false;
                 Error error = cause;
                 error.message
                         = restored.ok()
                                   ? u"Removing tag %1:%2 failed, the tag is back on its "
                                     u"image: "_s.arg(m_repository, m_tag)
                                             + cause.message
                                   : u"Removing tag %1:%2 failed half-way: the tag points "
                                     u"at a placeholder that could not be deleted (%3) nor "
                                     u"moved back (%4)"_s.arg(m_repository, m_tag, cause.message,
                                                              restored.error().message);
                 finish(error);
             });
}

} // namespace Berth
