#include "net/oci/tagcopyjob.h"

#include "net/oci/contentcopyjob.h"
#include "net/oci/registryclient.h"

using namespace Qt::StringLiterals;

namespace Berth {

TagCopyJob::TagCopyJob(RegistryClient *client, const QString &sourceRepository,
                       const QString &sourceReference, const QString &targetRepository,
                       const QString &newTag, QObject *parent)
    : ResultJob<QString>(Priority::Interactive, parent)
    , m_client(client)
    , m_sourceRepository(sourceRepository)
    , m_targetRepository(targetRepository)
    , m_newTag(newTag)
{
    awaitJob(m_client->getManifest(sourceRepository, sourceReference, priority()),
             [this](const Result<FetchedManifest> &source) { onSource(source); });
}

void TagCopyJob::onSource(const Result<FetchedManifest> &source)
{
    if (!source.ok()) {
        finish(source.error());
        return;
    }
    m_source = *source;
    if (m_targetRepository == m_sourceRepository)
        put();
    else
        copyContent();
}

void TagCopyJob::copyContent()
{
    awaitJob(new ContentCopyJob(m_client, m_sourceRepository, m_targetRepository, m_source.manifest,
                                1, this),
             [this](const Result<void> &copied) {
                 if (!copied.ok())
                     finish(copied.error());
                 else
                     put();
             });
}

void TagCopyJob::put()
{
    awaitJob(
            m_client->putManifest(m_targetRepository, m_newTag, m_source.bytes, m_source.mediaType),
            [this](const Result<QString> &stored) { onStored(stored); });
}

void TagCopyJob::onStored(const Result<QString> &stored)
{
    if (!stored.ok()) {
        finish(stored.error());
        return;
    }
    if (*stored != m_source.digest) {
        finish(Error(ErrorCode::DigestMismatch,
                     u"Tagging %1:%2: the registry stored %3, expected %4"_s.arg(
                             m_targetRepository, m_newTag, *stored, m_source.digest)));
        return;
    }
    finish(*stored);
}

} // namespace Berth
