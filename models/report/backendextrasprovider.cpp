#include "models/report/backendextrasprovider.h"

#include "net/backend/pager.h"
#include "net/backend/registrybackend.h"

#include <QMetaObject>

using namespace Qt::StringLiterals;

namespace Berth {

BackendExtrasProvider::BackendExtrasProvider(RegistryBackend *backend, QObject *parent)
    : QObject(parent)
    , m_backend(backend)
    , m_owner(newOwnerId())
{}

BackendExtrasProvider::~BackendExtrasProvider()
{
    if (m_backend)
        m_backend->cancel(m_owner);
}

TagExtras BackendExtrasProvider::fromHarbor(const HarborTagExtras &extras)
{
    TagExtras result;
    result.pushed = extras.pushed;
    result.pulled = extras.pulled;
    result.labels = extras.labelNames();
    // Only a finished scan has counts; a running or failed one reads as not scanned.
    if (extras.vulnerabilities.scanStatus.compare(u"Success"_s, Qt::CaseInsensitive) == 0) {
        result.scanned = true;
        for (auto it = extras.vulnerabilities.bySeverity.cbegin();
             it != extras.vulnerabilities.bySeverity.cend(); ++it) {
            if (it.value() > 0)
                result.vulnerabilities.insert(it.key(), it.value());
        }
    }
    return result;
}

Pager *BackendExtrasProvider::createTagPager(const QString &repository, QObject *parent)
{
    if (!m_backend || !m_backend->supportsServerSort())
        return nullptr;
    // Any non-default query selects the artifact listing that carries extras; newest first is
    // Harbor's own default order. The job re-sorts the names anyway.
    TagQuery query;
    query.sortField = TagQuery::SortField::PushTime;
    query.descending = true;
    Pager *pager = m_backend->createTagPager(repository, query, parent);
    m_listedRepository = repository;
    m_listed.clear();
    connect(pager, &Pager::extrasReady, this,
            [this, repository](const QHash<QString, HarborTagExtras> &extras) {
                onListedExtras(repository, extras);
            });
    return pager;
}

void BackendExtrasProvider::onListedExtras(const QString &repository,
                                           const QHash<QString, HarborTagExtras> &extras)
{
    if (repository != m_listedRepository)
        return;
    m_listed.reserve(m_listed.size() + extras.size());
    for (auto it = extras.cbegin(); it != extras.cend(); ++it) {
        if (it.value().isValid())
            m_listed.insert(it.key(), fromHarbor(it.value()));
    }
}

void BackendExtrasProvider::fetchTagExtras(const QString &repository, const QString &tag,
                                           QObject *context, Callback done)
{
    if (repository == m_listedRepository) {
        const auto found = m_listed.constFind(tag);
        if (found != m_listed.cend()) {
            // Asked once per row: drop it, so what is held shrinks as the report goes.
            TagExtras extras = *found;
            m_listed.erase(found);
            ++m_listedHits;
            // Never synchronously: the job inserts its bookkeeping after the call.
            QMetaObject::invokeMethod(
                    context, [done, extras] { done(extras); }, Qt::QueuedConnection);
            return;
        }
    }
    if (!m_backend) {
        QMetaObject::invokeMethod(
                context,
                [done] { done(Error(ErrorCode::Cancelled, u"the registry session is closed"_s)); },
                Qt::QueuedConnection);
        return;
    }
    ++m_tagFetches;
    CallOptions options;
    // Behind what a person is looking at, as the report's metadata requests.
    options.priority = Priority::Background;
    options.owner = m_owner;
    m_backend->fetchTagExtras(repository, tag, options, context,
                              [done](Result<HarborTagExtras> result) {
                                  if (!result.ok()) {
                                      done(result.error());
                                      return;
                                  }
                                  done(fromHarbor(*result));
                              });
}

void BackendExtrasProvider::reset()
{
    m_listed.clear();
    m_listed.squeeze();
    m_listedRepository.clear();
    if (m_backend) {
        m_backend->cancel(m_owner);
        m_owner = newOwnerId();
    }
}

} // namespace Berth
