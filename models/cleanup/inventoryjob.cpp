#include "models/cleanup/inventoryjob.h"

#include "models/metadata/metadataservice.h"
#include "net/backend/pager.h"
#include "net/backend/registrybackend.h"
#include "net/core/tagquery.h"

using namespace Qt::StringLiterals;

namespace Berth {

InventoryJob::InventoryJob(MetadataService *service, const QString &repository, Parts parts,
                           QObject *parent)
    : ResultJob<Inventory>(Priority::Background, parent)
    , m_service(service)
    , m_withPushed(parts.testFlag(PushTimes) && service->hasTagExtras())
    , m_withUntagged(parts.testFlag(UntaggedImages) && service->backend()->listsUntaggedImages())
{
    m_inventory.repository = repository;
    RegistryBackend *backend = service->backend();
    if (m_withPushed && backend->supportsServerSort()) {
        // Harbor 2.x's artifact listing brings every tag's extras (push time) with its page.
        TagQuery query;
        query.sortField = TagQuery::SortField::PushTime;
        query.descending = true;
        m_pager = backend->createTagPager(repository, query, this);
        connect(m_pager, &Pager::extrasReady, this,
                [this](const QHash<QString, TagExtras> &extras) {
                    if (m_service)
                        m_service->rememberExtras(m_inventory.repository, extras);
                });
    } else {
        m_pager = backend->createTagPager(repository, this);
    }
    m_pager->setPageSize(1000);
    connect(m_pager, &Pager::pageReady, this, [this](const QStringList &names) {
        for (const QString &name : names)
            m_inventory.tags.append(InventoryTag{name, {}, {}, {}, {}, false});
        Q_EMIT progressed();
        if (m_pager->hasMore()) {
            m_pager->fetchNext();
        } else {
            m_inventory.listed = true;
            m_pager->deleteLater();
            m_pager = nullptr;
        }
        pump();
    });
    connect(m_pager, &Pager::failed, this, [this](const Error &error) {
        finish(Error(error.code,
                     u"listing the tags of %1: %2"_s.arg(m_inventory.repository, error.message),
                     error.httpStatus));
    });
    m_pager->fetchNext();
    if (m_withUntagged)
        listUntagged();
}

void InventoryJob::listUntagged()
{
    awaitJob(m_service->backend()->untaggedImages(m_inventory.repository),
             [this](const Result<QList<UntaggedImage>> &images) {
                 if (!images.ok()) {
                     return finish(Error(images.error().code,
                                         u"listing the untagged images of %1: %2"_s.arg(
                                                 m_inventory.repository, images.error().message),
                                         images.error().httpStatus));
                 }
                 for (const UntaggedImage &image : *images)
                     m_inventory.untagged.append(InventoryImage{image, {}, {}, false});
                 m_inventory.untaggedListed = true;
                 Q_EMIT progressed();
                 pump();
             });
}

bool InventoryJob::takeMetadata(const Result<MetadataService::TagMetadata> &result,
                                const QString &what, QString *itemError)
{
    if (result.ok()) {
        m_inventory.images.insert(result->digest, result->metadata);
        return true;
    }
    if (result.error().isItemError()) {
        *itemError = result.error().toString();
        return true;
    }
    finish(Error(result.error().code, u"reading %1: %2"_s.arg(what, result.error().message),
                 result.error().httpStatus));
    return false;
}

bool InventoryJob::startUntagged(qint64 index)
{
    if (!m_service) {
        finish(Error(ErrorCode::Cancelled, u"the session was closed"_s));
        return false;
    }
    ++m_running;
    awaitJob(m_service->metadata(m_inventory.repository,
                                 m_inventory.untagged.at(index).image.digest, Priority::Background),
             [this, index](const Result<MetadataService::TagMetadata> &result) {
                 InventoryImage &entry = m_inventory.untagged[index];
                 if (!takeMetadata(result,
                                   u"%1@%2"_s.arg(m_inventory.repository, entry.image.digest),
                                   &entry.error))
                     return;
                 if (result.ok())
                     entry.created = result->metadata->created;
                 entry.loaded = true;
                 ++m_loaded;
                 --m_running;
                 Q_EMIT progressed();
                 pump();
             });
    return true;
}

void InventoryJob::pump()
{
    if (isFinished())
        return;
    m_pump.run(m_inventory.tags.size(), m_running,
               [this](qint64 index) { return startTag(index); });
    if (!isFinished()) {
        m_untaggedPump.run(m_inventory.untagged.size(), m_running,
                           [this](qint64 index) { return startUntagged(index); });
    }
    finishIfDone();
}

bool InventoryJob::startTag(qint64 index)
{
    if (!m_service) {
        finish(Error(ErrorCode::Cancelled, u"the session was closed"_s));
        return false;
    }
    const QString repository = m_inventory.repository;
    const QString tag = m_inventory.tags.at(index).tag;
    ++m_running;
    m_outstanding.insert(index, m_withPushed ? 2 : 1);
    awaitJob(m_service->metadata(repository, tag, Priority::Background),
             [this, index](const Result<MetadataService::TagMetadata> &result) {
                 InventoryTag &entry = m_inventory.tags[index];
                 if (!takeMetadata(result, u"%1:%2"_s.arg(m_inventory.repository, entry.tag),
                                   &entry.error))
                     return;
                 if (result.ok()) {
                     entry.digest = result->digest;
                     entry.created = result->metadata->created;
                 }
                 tagDone(index);
             });
    if (m_withPushed) {
        awaitJob(m_service->tagExtras(repository, tag, Priority::Background),
                 [this, index](const Result<TagExtras> &extras) {
                     // A tag without extras keeps an unknown push time (and is kept by
                     // age rules); only connection-level failures end the job.
                     if (extras.ok())
                         m_inventory.tags[index].pushed = extras->pushed;
                     else if (!extras.error().isItemError())
                         return finish(extras.error());
                     tagDone(index);
                 });
    }
    return true;
}

void InventoryJob::tagDone(qint64 index)
{
    if (--m_outstanding[index] > 0)
        return;
    m_outstanding.remove(index);
    m_inventory.tags[index].loaded = true;
    ++m_loaded;
    --m_running;
    Q_EMIT progressed();
    pump();
}

void InventoryJob::finishIfDone()
{
    if (!isFinished() && m_inventory.listed && m_running == 0
        && m_pump.next() >= m_inventory.tags.size()
        && (!m_withUntagged
            || (m_inventory.untaggedListed
                && m_untaggedPump.next() >= m_inventory.untagged.size())))
        finish(m_inventory);
}

} // namespace Berth
