#include "net/oci/untagjob.h"

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

// The OCI empty descriptor: the blob "{}" (image-manifest.md, "Guidance for an Empty Descriptor").
constexpr QLatin1StringView EmptyBlobDigest{
        "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"};

//! A manifest nobody else has: empty config, one empty layer, a nonce.
QByteArray placeholderManifest()
{
    const QJsonObject empty{
            {u"mediaType"_s, QString(MediaType::OciEmpty)},
            {u"digest"_s, QString(EmptyBlobDigest)},
            {u"size"_s, 2},
    };
    const QString nonce = QString::number(QRandomGenerator::system()->generate64(), 16);
    const QJsonObject manifest{
            {u"schemaVersion"_s, 2},
            {u"mediaType"_s, QString(MediaType::OciManifest)},
            {u"config"_s, empty},
            // One layer: some registries insist on at least one.
            {u"layers"_s, QJsonArray{empty}},
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
                   QObject *parent)
    : ResultJob<void>(Priority::Interactive, parent)
    , m_client(client)
    , m_repository(repository)
    , m_tag(tag)
{
    checkTag();
}

void UntagJob::checkTag()
{
    awaitJob(m_client->headManifest(m_repository, m_tag, priority()),
             [this](const Result<ManifestHead> &head) {
                 if (!head.ok())
                     finish(head.error());
                 else
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

void UntagJob::putPlaceholder()
{
    awaitJob(m_client->putManifest(m_repository, m_tag, placeholderManifest(),
                                   QString(MediaType::OciManifest)),
             [this](const Result<QString> &stored) {
                 if (!stored.ok())
                     finish(stored.error());
                 else
                     deletePlaceholder(*stored);
             });
}

void UntagJob::deletePlaceholder(const QString &digest)
{
    awaitJob(m_client->deleteManifest(m_repository, digest), [this](const Result<void> &deleted) {
        if (deleted.ok()) {
            finish(Result<void>());
            return;
        }
        Error error = deleted.error();
        error.message = u"Removing tag %1:%2: the tag was moved to a placeholder that could not "
                        u"be deleted: "_s.arg(m_repository, m_tag)
                        + error.message;
        finish(error);
    });
}

} // namespace Berth
