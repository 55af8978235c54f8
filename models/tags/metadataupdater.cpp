#include "models/tags/metadataupdater.h"

#include "models/modelslogging.h"
#include "models/tags/tagtablemodel.h"

#include <QAbstractProxyModel>
#include <QTimer>

namespace Berth {

MetadataUpdater::MetadataUpdater(TagTableModel *model)
    : QObject(model)
    , m_model(model)
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &MetadataUpdater::update);
}

MetadataUpdater::~MetadataUpdater()
{
    cancelAll();
}

void MetadataUpdater::cancelAll()
{
    for (const Request &request : std::as_const(m_requests)) {
        if (request.job)
            request.job->cancel();
    }
    for (const auto &job : std::as_const(m_extrasRequests)) {
        if (job)
            job->cancel();
    }
    m_requests.clear();
    m_extrasRequests.clear();
}

void MetadataUpdater::setInterval(int ms)
{
    m_intervalMs = ms;
}

void MetadataUpdater::reset(MetadataService *service, const QString &repository)
{
    cancelAll();
    m_extrasFailed.clear();
    m_service = service;
    m_repository = repository;
    m_first = m_last = -1;
    m_view = nullptr;
    m_hasView = false;
    m_visibleRows.clear();
    m_timer->stop();
    m_loadAll = false;
    m_loadAllPump.reset();
}

void MetadataUpdater::setVisibleRange(int first, int last, const QAbstractProxyModel *view)
{
    if (first > last)
        std::swap(first, last);
    first = std::max(0, first);
    last = std::max(0, last);
    // Through a view the same range may hold other rows after a sort or a filter (views report
    // their range again on layoutChanged): only a plain range that did not move is skipped.
    if (!view && !m_hasView && first == m_first && last == m_last)
        return;
    m_first = first;
    m_last = last;
    m_view = view;
    m_hasView = view != nullptr;
    schedule();
}

void MetadataUpdater::clearVisibleRange()
{
    m_first = m_last = -1;
    m_view = nullptr;
    m_hasView = false;
    m_visibleRows.clear();
}

void MetadataUpdater::schedule()
{
    if (m_intervalMs == 0) {
        update();
        return;
    }
    // The first window of a listing is asked for on the next turn of the event loop: its rows
    // are final (handed out in their order) and a person waits for them. Later reports come
    // from scrolling: a row is asked for once the view stayed on it for the interval.
    m_timer->start(m_visibleRows.isEmpty() ? 0 : m_intervalMs);
}

void MetadataUpdater::rowsAppended(int first)
{
    // New rows may fall into the window (the first page, or rows below a short list).
    if (m_first < 0 || m_hasView || m_last + (m_last - m_first + 1) >= first)
        schedule();
    if (m_loadAll)
        pumpLoadAll();
}

void MetadataUpdater::rowRemoved(int row, const QString &tag)
{
    cancelRequest(tag);
    m_extrasFailed.remove(tag);
    // Hints past the row move up by one; findRow() would find them anyway, but the window
    // check in cancelOutside() goes by hint.
    for (Request &request : m_requests) {
        if (request.rowHint > row)
            --request.rowHint;
    }
}

void MetadataUpdater::window(QList<int> *visible, QList<int> *prefetch) const
{
    if (m_first < 0 || (m_hasView && !m_view))
        return;
    const int count = m_hasView ? m_view->rowCount() : m_model->rowCount();
    if (count == 0)
        return;
    // The one margin rule: one screen above and one below the visible rows, in the view's
    // order, so that a scroll by a page finds its rows loaded.
    const int first = std::min(m_first, count - 1);
    const int last = std::min(m_last, count - 1);
    const int margin = last - first + 1;
    const auto toModelRow = [this](int viewRow) {
        if (!m_hasView)
            return viewRow;
        // Down a chain of proxies (filter over the grouped view) to the model's own row.
        QModelIndex index = m_view->mapToSource(m_view->index(viewRow, 0));
        while (index.isValid() && index.model() != m_model) {
            const auto *proxy = qobject_cast<const QAbstractProxyModel *>(index.model());
            if (!proxy)
                return -1;
            index = proxy->mapToSource(index);
        }
        return index.row();
    };
    for (int row = std::max(0, first - margin); row <= std::min(count - 1, last + margin); ++row) {
        const int modelRow = toModelRow(row);
        if (modelRow < 0)
            continue;
        (row >= first && row <= last ? visible : prefetch)->append(modelRow);
    }
}

void MetadataUpdater::update()
{
    m_timer->stop();
    if (!m_service || m_model->rowCount() == 0)
        return;
    QList<int> visible;
    QList<int> prefetch;
    window(&visible, &prefetch);
    m_visibleRows = visible;
    if (visible.isEmpty())
        return;
    QSet<int> rows(visible.cbegin(), visible.cend());
    rows.unite(QSet<int>(prefetch.cbegin(), prefetch.cend()));
    cancelOutside(rows);
    for (int row : std::as_const(visible))
        ensureRequested(row, Priority::Visible);
    for (int row : std::as_const(prefetch))
        ensureRequested(row, Priority::Prefetch);
}

void MetadataUpdater::cancelOutside(const QSet<int> &window)
{
    // Rows far away: their requests go, unless a full load (sort/export) wants them anyway.
    QStringList stale;
    for (auto it = m_requests.begin(); it != m_requests.end(); ++it) {
        const int row = it->rowHint;
        if (window.contains(row))
            continue;
        if (!m_loadAll) {
            stale.append(it.key());
        } else if (it->priority == Priority::Background) {
            continue;
        } else if (row < m_loadAllPump.next()) {
            // A row the full load has passed over (it was in flight for the screen then) is not
            // asked again by it: cancelling would leave it NotLoaded and the full load would
            // never finish. It keeps its request, at the full load's priority.
            it->priority = Priority::Background;
            if (it->job)
                it->job->setPriority(Priority::Background);
        } else {
            stale.append(it.key());
        }
    }
    for (const QString &tag : std::as_const(stale))
        cancelRequest(tag);
}

void MetadataUpdater::cancelRequest(const QString &tag)
{
    const Request request = m_requests.take(tag);
    if (request.job)
        request.job->cancel();
    const int row = m_model->findRow(request.rowHint, tag);
    if (row >= 0)
        m_model->markNotLoaded(row);
}

void MetadataUpdater::ensureRequested(int row, Priority priority)
{
    if (row < 0 || row >= m_model->rowCount())
        return;
    ensureExtras(row, priority);
    const TagTableModel::LoadState state = m_model->stateAt(row);
    if (state == TagTableModel::LoadState::Loaded || state == TagTableModel::LoadState::Failed)
        return;
    const QString &tag = m_model->tagAt(row);
    if (const auto it = m_requests.find(tag); it != m_requests.end()) {
        if (it->priority < priority) {
            it->priority = priority;
            if (it->job)
                it->job->setPriority(priority);
        }
        return;
    }
    // Known from an earlier session: show it now, confirm it with a HEAD below.
    m_model->showCachedState(row);
    if (!m_model->isOffline())
        request(row, priority);
}

void MetadataUpdater::request(int row, Priority priority)
{
    const QString tag = m_model->tagAt(row);
    auto *job = m_service->metadata(m_repository, tag, priority);
    m_requests.insert(tag, Request{job, row, priority});
    job->onFinished(this, [this, tag, job](const Result<MetadataService::TagMetadata> &result) {
        // A request cancelled (or replaced) by us has left m_requests: nothing to do.
        const auto it = m_requests.constFind(tag);
        if (it == m_requests.cend() || it->job != job)
            return;
        onMetadata(tag, result);
    });
    m_model->markLoading(row);
}

void MetadataUpdater::onMetadata(const QString &tag,
                                 const Result<MetadataService::TagMetadata> &result)
{
    const Request request = m_requests.take(tag);
    const int row = m_model->findRow(request.rowHint, tag);
    if (row >= 0) {
        if (!result.ok() && result.error().code == ErrorCode::Cancelled) {
            m_model->markNotLoaded(row);
            // Cancelled below us (not by the updater): a full load that passed this row asks
            // again, or it would wait for it forever.
            if (m_loadAll)
                m_loadAllPump.rewind(row);
        } else {
            m_model->applyMetadata(row, result);
        }
    }
    if (m_loadAll)
        pumpLoadAll();
}

void MetadataUpdater::retryRow(int row)
{
    if (!m_service || row < 0 || row >= m_model->rowCount()
        || m_requests.contains(m_model->tagAt(row)))
        return;
    m_model->clearFailure(row);
    request(row, Priority::Interactive);
}

void MetadataUpdater::requestRow(int row)
{
    if (m_service && row >= 0 && row < m_model->rowCount())
        request(row, Priority::Interactive);
}

void MetadataUpdater::ensureExtras(int row, Priority priority)
{
    if (m_model->isOffline() || !m_model->hasHarborColumns())
        return;
    const QString &tag = m_model->tagAt(row);
    if (m_model->hasExtras(tag) || m_extrasRequests.contains(tag) || m_extrasFailed.contains(tag))
        return;
    auto *job = m_service->tagExtras(m_repository, tag, priority);
    m_extrasRequests.insert(tag, job);
    job->onFinished(this, [this, row, tag, job](const Result<TagExtras> &result) {
        if (m_extrasRequests.value(tag) != job)
            return;
        m_extrasRequests.remove(tag);
        if (result.ok()) {
            m_model->setExtras(row, tag, *result);
        } else if (result.error().code != ErrorCode::Cancelled) {
            // Not asked again for this listing: the other columns still show, and a refresh
            // tries again.
            qCDebug(lcModels) << "Harbor details of" << tag
                              << "failed:" << result.error().toString();
            m_extrasFailed.insert(tag);
        }
    });
}

void MetadataUpdater::loadAll()
{
    if (!m_service)
        return;
    m_loadAll = true;
    m_loadAllPump.reset();
    m_model->fetchAll();
    pumpLoadAll();
}

void MetadataUpdater::cancelLoadAll()
{
    if (!m_loadAll)
        return;
    m_loadAll = false;
    m_model->stopFetchAll();
    QStringList background;
    for (auto it = m_requests.cbegin(); it != m_requests.cend(); ++it) {
        if (it->priority == Priority::Background)
            background.append(it.key());
    }
    for (const QString &tag : std::as_const(background))
        cancelRequest(tag);
    schedule();
}

int MetadataUpdater::backgroundRequests() const
{
    int count = 0;
    for (const Request &request : std::as_const(m_requests))
        count += request.priority == Priority::Background ? 1 : 0;
    return count;
}

void MetadataUpdater::pumpLoadAll()
{
    if (!m_loadAll || !m_service)
        return;
    const int count = m_model->rowCount();
    m_loadAllPump.run(count, backgroundRequests(), [this](qint64 index) {
        const int row = int(index);
        const TagTableModel::LoadState state = m_model->stateAt(row);
        if (state == TagTableModel::LoadState::Loaded || state == TagTableModel::LoadState::Failed
            || m_requests.contains(m_model->tagAt(row)))
            return false;
        request(row, Priority::Background);
        return true;
    });
    const int done = m_model->rowsInState(TagTableModel::LoadState::Loaded)
                     + m_model->rowsInState(TagTableModel::LoadState::Failed);
    const qint64 total = m_model->totalCount() >= 0 ? m_model->totalCount() : qint64(count);
    if (m_model->isAtEnd() && done >= count)
        m_loadAll = false; // before the signal: listeners see the load over
    Q_EMIT loadAllProgress(done, int(total));
}

} // namespace Berth
