#include "models/tags/tagtablemodel.h"

#include "models/modelslogging.h"

#include "net/backend/pager.h"
#include "net/backend/registrybackend.h"
#include "net/core/digest.h"

#include <QLocale>
#include <QTimer>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Berth {

// A screen of a table is 30-60 rows; 200 fills it several times over with one round trip, and
// one beginInsertRows of 200 rows costs the view well under a millisecond.
static constexpr int PageSize = 200;
// Roughly one frame at 60 Hz: results arriving within it reach the view as one repaint.
static constexpr int DefaultBatchMs = 16;
// Background (sort/export) requests kept queued at once. The scheduler runs 6 per host; 16
// keeps it fed while visible rows, at a higher priority, still go first.
static constexpr int LoadAllConcurrency = 16;

static const QString Placeholder = QStringLiteral("\u2026"); // …

TagTableModel::TagTableModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_visibleTimer(new QTimer(this))
    , m_changeTimer(new QTimer(this))
{
    m_visibleTimer->setSingleShot(true);
    m_visibleTimer->setInterval(DefaultBatchMs);
    connect(m_visibleTimer, &QTimer::timeout, this, &TagTableModel::updateRequests);
    m_changeTimer->setSingleShot(true);
    m_changeTimer->setInterval(DefaultBatchMs);
    connect(m_changeTimer, &QTimer::timeout, this, &TagTableModel::flushChanges);
}

TagTableModel::~TagTableModel()
{
    if (m_service) {
        for (MetadataService::RequestId id : std::as_const(m_inFlight))
            m_service->cancel(id);
    }
}

void TagTableModel::setBatchInterval(int ms)
{
    m_visibleTimer->setInterval(ms);
    m_changeTimer->setInterval(ms);
}

void TagTableModel::setRepository(MetadataService *service, const QString &repository)
{
    beginResetModel();
    resetState();
    m_service = service;
    m_repository = repository;
    if (m_service && !m_repository.isEmpty())
        m_cachedTags = m_service->knownTags(m_repository);
    endResetModel();
    Q_EMIT countsChanged();
    if (m_service && !m_repository.isEmpty()) {
        startPager();
        fetchMore();
    }
}

void TagTableModel::refresh()
{
    setRepository(m_service, m_repository);
}

void TagTableModel::clear()
{
    setRepository(nullptr, {});
}

bool TagTableModel::hasHarborColumns() const
{
    return m_service && m_service->backend() && m_service->backend()->hasTagExtras();
}

bool TagTableModel::supportsServerSort() const
{
    return m_service && m_service->backend() && m_service->backend()->supportsServerSort();
}

void TagTableModel::setTagQuery(const TagQuery &query)
{
    if (query == m_query)
        return;
    m_query = query;
    refresh();
}

void TagTableModel::resetState()
{
    // A new generation: answers of the old one that are still on their way are dropped.
    ++m_generation;
    if (m_service) {
        for (MetadataService::RequestId id : std::as_const(m_inFlight))
            m_service->cancel(id);
    }
    if (m_pager) {
        m_pager->cancel();
        m_pager->deleteLater();
    }
    m_pager = nullptr;
    if (m_service && m_service->backend() && m_extrasOwner != 0)
        m_service->backend()->cancel(m_extrasOwner);
    m_extrasOwner = newOwnerId();
    m_extras.clear();
    m_extrasInFlight.clear();
    m_extrasFailed.clear();
    m_rows.clear();
    m_rows.shrink_to_fit();
    m_digests.clear();
    m_digestIds.clear();
    m_cachedTags.clear();
    m_errors.clear();
    m_inFlight.clear();
    m_inFlightPriority.clear();
    m_atEnd = false;
    m_pageInFlight = false;
    m_failed = false;
    const bool wasOffline = m_offline;
    m_offline = false;
    m_fetchAll = false;
    m_lastError = {};
    m_rowsWithMetadata = 0;
    m_stateCounts.fill(0);
    m_visibleFirst = m_visibleLast = -1;
    m_visibleList.clear();
    m_prefetchList.clear();
    m_changed.clear();
    m_changeTimer->stop();
    m_visibleTimer->stop();
    m_loadAll = false;
    m_loadAllNext = m_loadAllDone = 0;
    if (wasOffline)
        Q_EMIT offlineChanged(false);
}

void TagTableModel::startPager()
{
    RegistryBackend *backend = m_service->backend();
    m_pager = m_query.isDefault() ? backend->createTagPager(m_repository, this)
                                  : backend->createTagPager(m_repository, m_query, this);
    m_pager->setPageSize(PageSize);
    const quint64 generation = m_generation;
    // Extras that come with a page (Harbor's artifact listing) arrive just before its rows.
    connect(m_pager, &Pager::extrasReady, this,
            [this, generation](const QHash<QString, HarborTagExtras> &extras) {
                if (generation == m_generation)
                    m_extras.insert(extras);
            });
    connect(m_pager, &Pager::pageReady, this,
            [this, generation](const QStringList &names) { onPage(generation, names); });
    connect(m_pager, &Pager::failed, this,
            [this, generation](const Error &error) { onPageFailed(generation, error); });
}

int TagTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TagTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool TagTableModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_pager && !m_pageInFlight && !m_atEnd && !m_failed;
}

void TagTableModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    m_pageInFlight = true;
    Q_EMIT loadingChanged(true);
    m_pager->fetchNext();
}

bool TagTableModel::isFetchingPage() const
{
    return m_pageInFlight;
}

void TagTableModel::fetchAll()
{
    m_fetchAll = true;
    fetchMore();
}

void TagTableModel::onPage(quint64 generation, const QStringList &names)
{
    if (generation != m_generation)
        return;
    m_pageInFlight = false;
    m_atEnd = !m_pager->hasMore();
    const int first = int(m_rows.size());
    appendRows(names);
    Q_EMIT pageFetched(first, int(names.size()), totalCount());
    Q_EMIT loadingChanged(false);
    Q_EMIT countsChanged();
    if (m_visibleLast >= first || m_visibleFirst < 0)
        scheduleVisibleUpdate();
    if (m_loadAll)
        pumpLoadAll();
    if (m_fetchAll && !m_atEnd) {
        // One page per event-loop turn: the view repaints between pages, nothing stalls.
        QTimer::singleShot(0, this, [this, generation] {
            if (generation == m_generation)
                fetchMore();
        });
    } else if (m_atEnd) {
        m_fetchAll = false;
    }
}

void TagTableModel::onPageFailed(quint64 generation, const Error &error)
{
    if (generation != m_generation)
        return;
    m_pageInFlight = false;
    m_failed = true;
    m_fetchAll = false;
    m_lastError = error;
    qCWarning(lcModels) << "listing tags of" << m_repository << "failed:" << error.toString();
    Q_EMIT loadingChanged(false);
    Q_EMIT fetchFailed(error);

    // Nothing listed yet but the disk cache knows this repository: show its last known state,
    // marked offline, instead of an empty table.
    if (m_rows.empty() && !m_cachedTags.isEmpty()) {
        QStringList names = m_cachedTags.keys();
        std::sort(names.begin(), names.end());
        m_offline = true;
        appendRows(names);
        m_atEnd = true;
        for (int row = 0; row < int(m_rows.size()); ++row) {
            const QString digest = m_cachedTags.value(m_rows[size_t(row)].tag);
            if (auto metadata = m_service ? m_service->knownMetadata(digest) : nullptr)
                setRowDigest(row, digest, metadata);
            else
                setRowDigest(row, digest, nullptr);
            setState(row, LoadState::Cached);
        }
        Q_EMIT offlineChanged(true);
        flushChanges();
    }
    Q_EMIT countsChanged();
}

void TagTableModel::appendRows(const QStringList &names)
{
    if (names.isEmpty())
        return;
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(names.size()) - 1);
    // No exact reserve(size + page): that reallocates and moves every row on every page
    // (quadratic; a million rows never finished loading). push_back grows geometrically.
    m_stateCounts[size_t(LoadState::NotLoaded)] += int(names.size());
    for (const QString &name : names)
        m_rows.push_back(Row{name, -1, LoadState::NotLoaded});
    endInsertRows();
}

qint64 TagTableModel::totalCount() const
{
    if (m_atEnd)
        return qint64(m_rows.size());
    return m_pager ? m_pager->totalCount() : -1;
}

QString TagTableModel::countText() const
{
    const QLocale locale;
    const qint64 total = totalCount();
    if (total < 0)
        return tr("%1+").arg(locale.toString(qint64(m_rows.size())));
    if (total == qint64(m_rows.size()))
        return locale.toString(total);
    return tr("%1 of %2").arg(locale.toString(qint64(m_rows.size())), locale.toString(total));
}

void TagTableModel::setVisibleRows(int first, int last)
{
    if (first > last)
        std::swap(first, last);
    if (first == m_visibleFirst && last == m_visibleLast && m_visibleList.isEmpty())
        return;
    m_visibleList.clear();
    m_prefetchList.clear();
    m_visibleFirst = std::max(0, first);
    m_visibleLast = std::max(0, last);
    scheduleVisibleUpdate();
}

void TagTableModel::scheduleVisibleUpdate()
{
    // Coalesced: a fast scroll reports dozens of ranges; only where it stops is asked for.
    if (m_visibleTimer->interval() == 0)
        updateRequests();
    else
        m_visibleTimer->start();
}

void TagTableModel::setVisibleSourceRows(const QList<int> &visible, const QList<int> &prefetch)
{
    if (visible == m_visibleList && prefetch == m_prefetchList)
        return;
    m_visibleList = visible;
    m_prefetchList = prefetch;
    if (visible.isEmpty()) {
        m_visibleFirst = m_visibleLast = -1;
        m_prefetchList.clear();
        return;
    }
    const auto [lo, hi] = std::minmax_element(visible.cbegin(), visible.cend());
    m_visibleFirst = std::max(0, *lo);
    m_visibleLast = std::max(0, *hi);
    scheduleVisibleUpdate();
}

void TagTableModel::cancelOutside(const QSet<int> &window)
{
    // Rows far away: their requests go, unless a full load (sort/export) wants them anyway.
    QList<int> stale;
    QList<int> demoted;
    for (auto it = m_inFlight.cbegin(); it != m_inFlight.cend(); ++it) {
        const int row = it.key();
        if (window.contains(row))
            continue;
        if (!m_loadAll)
            stale.append(row);
        else if (m_inFlightPriority.value(row) == Priority::Background)
            continue;
        // A row the full load has passed over (it was in flight for the screen then) is not
        // asked again by pumpLoadAll(): cancelling it would leave it NotLoaded and the full
        // load would never finish. It keeps its request, at the full load's priority.
        else if (row < m_loadAllNext)
            demoted.append(row);
        else
            stale.append(row);
    }
    for (int row : std::as_const(demoted)) {
        m_service->setPriority(m_inFlight.value(row), Priority::Background);
        m_inFlightPriority.insert(row, Priority::Background);
    }
    for (int row : std::as_const(stale)) {
        m_service->cancel(m_inFlight.take(row));
        m_inFlightPriority.remove(row);
        if (m_rows[size_t(row)].state == LoadState::Loading) {
            setState(row, LoadState::NotLoaded);
            markChanged(row);
        }
    }
}

void TagTableModel::updateRequests()
{
    if (!m_service || m_rows.empty() || m_visibleFirst < 0)
        return;
    const int count = int(m_rows.size());
    if (!m_visibleList.isEmpty()) {
        QSet<int> window;
        window.reserve(m_visibleList.size() + m_prefetchList.size());
        for (int row : std::as_const(m_visibleList))
            window.insert(row);
        for (int row : std::as_const(m_prefetchList))
            window.insert(row);
        cancelOutside(window);
        for (int row : std::as_const(m_visibleList)) {
            if (row >= 0 && row < count)
                ensureRequested(row, Priority::Visible);
        }
        for (int row : std::as_const(m_prefetchList)) {
            if (row >= 0 && row < count)
                ensureRequested(row, Priority::Prefetch);
        }
        return;
    }
    const int first = std::min(m_visibleFirst, count - 1);
    const int last = std::min(m_visibleLast, count - 1);
    const int margin = last - first + 1; // about one screen above and below
    const int windowFirst = std::max(0, first - margin);
    const int windowLast = std::min(count - 1, last + margin);

    QSet<int> window;
    window.reserve(windowLast - windowFirst + 1);
    for (int row = windowFirst; row <= windowLast; ++row)
        window.insert(row);
    cancelOutside(window);

    for (int row = windowFirst; row <= windowLast; ++row)
        ensureRequested(row,
                        (row >= first && row <= last) ? Priority::Visible : Priority::Prefetch);
}

void TagTableModel::ensureRequested(int row, Priority priority)
{
    ensureExtras(row, priority);
    Row &r = m_rows[size_t(row)];
    if (r.state == LoadState::Loaded || r.state == LoadState::Failed)
        return;
    if (const auto it = m_inFlight.constFind(row); it != m_inFlight.cend()) {
        if (m_inFlightPriority.value(row) < priority) {
            m_service->setPriority(*it, priority);
            m_inFlightPriority.insert(row, priority);
        }
        return;
    }
    if (r.state == LoadState::NotLoaded && r.digestId < 0) {
        // Known from an earlier session: show it now, confirm it with a HEAD below.
        const QString digest = m_cachedTags.value(r.tag);
        if (!digest.isEmpty()) {
            if (auto metadata = m_service->knownMetadata(digest)) {
                setRowDigest(row, digest, metadata);
                setState(row, LoadState::Cached);
            }
        }
    }
    if (m_offline)
        return;
    requestRow(row, priority);
}

void TagTableModel::ensureExtras(int row, Priority priority)
{
    if (m_offline || !hasHarborColumns())
        return;
    const QString &tag = m_rows[size_t(row)].tag;
    if (m_extras.contains(tag) || m_extrasInFlight.contains(tag) || m_extrasFailed.contains(tag))
        return;
    requestExtras(row, priority);
}

void TagTableModel::requestExtras(int row, Priority priority)
{
    const QString tag = m_rows[size_t(row)].tag;
    const quint64 generation = m_generation;
    CallOptions options;
    options.priority = priority;
    options.owner = m_extrasOwner;
    m_extrasInFlight.insert(tag);
    m_service->backend()->fetchTagExtras(
            m_repository, tag, options, this,
            [this, generation, row, tag](const Result<HarborTagExtras> &result) {
                if (generation != m_generation)
                    return;
                m_extrasInFlight.remove(tag);
                if (result.ok()) {
                    m_extras.insert(tag, *result);
                } else if (result.error().code != ErrorCode::Cancelled) {
                    // Not asked again for this listing: the other columns still show, and a
                    // refresh tries again.
                    qCDebug(lcModels)
                            << "Harbor details of" << tag << "failed:" << result.error().toString();
                    m_extrasFailed.insert(tag);
                }
                const int found = findRow(row, tag);
                if (found >= 0)
                    markChanged(found);
            });
}

void TagTableModel::requestRow(int row, Priority priority)
{
    Row &r = m_rows[size_t(row)];
    const quint64 generation = m_generation;
    const QString tag = r.tag;
    const auto id = m_service->request(
            m_repository, tag, priority, this,
            [this, generation, row, tag](const Result<MetadataService::TagMetadata> &result) {
                onMetadata(generation, row, tag, result);
            });
    m_inFlight.insert(row, id);
    m_inFlightPriority.insert(row, priority);
    if (r.state != LoadState::Cached) {
        setState(row, LoadState::Loading);
        markChanged(row);
    }
}

void TagTableModel::retryRow(int row)
{
    if (row < 0 || row >= int(m_rows.size()) || !m_service || m_inFlight.contains(row))
        return;
    if (m_rows[size_t(row)].state == LoadState::Failed)
        setState(row, LoadState::NotLoaded);
    m_errors.remove(row);
    requestRow(row, Priority::Interactive);
}

void TagTableModel::onMetadata(quint64 generation, int row, const QString &tag,
                               const Result<MetadataService::TagMetadata> &result)
{
    if (generation != m_generation)
        return;
    const int hint = row;
    row = findRow(hint, tag);
    m_inFlight.remove(hint);
    m_inFlightPriority.remove(hint);
    if (row < 0)
        return;
    Row &r = m_rows[size_t(row)];
    if (!result) {
        if (result.error().code == ErrorCode::Cancelled) {
            if (r.state == LoadState::Loading)
                setState(row, LoadState::NotLoaded);
            // Cancelled below us (not by the model): a full load that passed this row asks
            // again, or it would wait for it forever.
            if (m_loadAll)
                m_loadAllNext = std::min(m_loadAllNext, row);
        } else {
            setState(row, LoadState::Failed);
            m_errors.insert(row, result.error().toString());
        }
    } else {
        setRowDigest(row, result->digest, result->metadata);
        setState(row, LoadState::Loaded);
        m_errors.remove(row);
    }
    markChanged(row);
    if (m_loadAll)
        pumpLoadAll();
}

void TagTableModel::setRowDigest(int row, const QString &digest,
                                 const MetadataService::MetadataPtr &metadata)
{
    Row &r = m_rows[size_t(row)];
    const bool hadMetadata = r.digestId >= 0 && m_digests[size_t(r.digestId)].metadata;
    qint32 id = m_digestIds.value(digest, -1);
    if (id < 0) {
        id = qint32(m_digests.size());
        m_digests.push_back(DigestInfo{digest, nullptr, {}, 0});
        m_digestIds.insert(digest, id);
    }
    DigestInfo &info = m_digests[size_t(id)];
    if (metadata && !info.metadata) {
        info.metadata = metadata;
        info.platformsText = metadata->platformsText();
    }
    if (r.digestId != id) {
        if (r.digestId >= 0)
            --m_digests[size_t(r.digestId)].loadedTags;
        ++info.loadedTags;
        r.digestId = id;
    }
    const bool hasMetadata = bool(m_digests[size_t(id)].metadata);
    m_rowsWithMetadata += int(hasMetadata) - int(hadMetadata);
}

int TagTableModel::findRow(int hint, const QString &tag) const
{
    if (hint >= 0 && hint < int(m_rows.size()) && m_rows[size_t(hint)].tag == tag)
        return hint;
    return rowOfTag(tag);
}

int TagTableModel::rowOfTag(const QString &tag) const
{
    const auto it = std::find_if(m_rows.cbegin(), m_rows.cend(),
                                 [&tag](const Row &r) { return r.tag == tag; });
    return it == m_rows.cend() ? -1 : int(it - m_rows.cbegin());
}

bool TagTableModel::removeTag(const QString &tag)
{
    const int row = rowOfTag(tag);
    if (row < 0)
        return false;
    if (const auto it = m_inFlight.constFind(row); it != m_inFlight.cend() && m_service)
        m_service->cancel(*it);
    beginRemoveRows({}, row, row);
    setState(row, LoadState::NotLoaded); // keeps the state counters right
    Row &r = m_rows[size_t(row)];
    if (r.digestId >= 0) {
        DigestInfo &info = m_digests[size_t(r.digestId)];
        --info.loadedTags;
        if (info.metadata)
            --m_rowsWithMetadata;
    }
    m_extras.remove(tag);
    m_extrasFailed.remove(tag);
    m_rows.erase(m_rows.begin() + row);
    // Row-keyed bookkeeping shifts down by one past the removed row.
    const auto shift = [row](auto &hash) {
        std::remove_reference_t<decltype(hash)> shifted;
        for (auto it = hash.cbegin(); it != hash.cend(); ++it) {
            if (it.key() != row)
                shifted.insert(it.key() > row ? it.key() - 1 : it.key(), it.value());
        }
        hash = std::move(shifted);
    };
    shift(m_inFlight);
    shift(m_inFlightPriority);
    shift(m_errors);
    QSet<int> changed;
    for (int r2 : std::as_const(m_changed)) {
        if (r2 != row)
            changed.insert(r2 > row ? r2 - 1 : r2);
    }
    m_changed = changed;
    endRemoveRows();
    Q_EMIT countsChanged();
    return true;
}

void TagTableModel::addTag(const QString &tag)
{
    if (rowOfTag(tag) >= 0 || !m_service)
        return;
    const int row = int(m_rows.size());
    appendRows({tag});
    requestRow(row, Priority::Interactive);
    Q_EMIT countsChanged();
}

void TagTableModel::loadAllMetadata()
{
    if (!m_service)
        return;
    m_loadAll = true;
    m_loadAllNext = 0;
    fetchAll();
    pumpLoadAll();
}

void TagTableModel::cancelLoadAll()
{
    if (!m_loadAll)
        return;
    m_loadAll = false;
    m_fetchAll = false;
    QList<int> background;
    for (auto it = m_inFlightPriority.cbegin(); it != m_inFlightPriority.cend(); ++it) {
        if (it.value() == Priority::Background)
            background.append(it.key());
    }
    for (int row : std::as_const(background)) {
        m_service->cancel(m_inFlight.take(row));
        m_inFlightPriority.remove(row);
        if (m_rows[size_t(row)].state == LoadState::Loading) {
            setState(row, LoadState::NotLoaded);
            markChanged(row);
        }
    }
    scheduleVisibleUpdate();
}

void TagTableModel::pumpLoadAll()
{
    if (!m_loadAll || !m_service)
        return;
    int background = 0;
    for (Priority p : std::as_const(m_inFlightPriority))
        background += p == Priority::Background ? 1 : 0;
    const int count = int(m_rows.size());
    while (background < LoadAllConcurrency && m_loadAllNext < count) {
        const int row = m_loadAllNext++;
        const LoadState state = m_rows[size_t(row)].state;
        if (state == LoadState::Loaded || state == LoadState::Failed || m_inFlight.contains(row))
            continue;
        requestRow(row, Priority::Background);
        ++background;
    }
    const int done = stateCount(LoadState::Loaded) + stateCount(LoadState::Failed);
    const qint64 total = totalCount() >= 0 ? totalCount() : qint64(count);
    Q_EMIT metadataProgress(done, int(total));
    if (m_atEnd && done >= count) {
        m_loadAll = false;
        Q_EMIT countsChanged();
    }
}

void TagTableModel::setState(int row, LoadState state)
{
    Row &r = m_rows[size_t(row)];
    --m_stateCounts[size_t(r.state)];
    ++m_stateCounts[size_t(state)];
    r.state = state;
}

void TagTableModel::markChanged(int row)
{
    m_changed.insert(row);
    if (!m_changeTimer->isActive())
        m_changeTimer->start();
}

void TagTableModel::flushChanges()
{
    if (m_changed.isEmpty())
        return;
    QList<int> rows(m_changed.cbegin(), m_changed.cend());
    m_changed.clear();
    std::sort(rows.begin(), rows.end());
    static const QList<int> roles{
            Qt::DisplayRole, Qt::ToolTipRole, SortRole,   DigestRole,  PlatformsRole,
            LoadStateRole,   ErrorRole,       SizeRole,   CreatedRole, KindRole,
            MediaTypeRole,   PushedRole,      PulledRole, LabelsRole,  VulnerabilitiesRole,
            ImmutableRole,   HasExtrasRole};
    const int count = int(m_rows.size());
    int start = -1;
    int previous = -2;
    const auto emitRange = [this](int from, int to) {
        Q_EMIT dataChanged(index(from, 0), index(to, ColumnCount - 1), roles);
    };
    for (int row : std::as_const(rows)) {
        if (row >= count)
            break;
        if (row != previous + 1) {
            if (start >= 0)
                emitRange(start, previous);
            start = row;
        }
        previous = row;
    }
    if (start >= 0)
        emitRange(start, previous);
    // Shared counts of rows on screen may have changed with rows elsewhere.
    if (!m_visibleList.isEmpty()) {
        // Scattered rows of a sorted view: one signal per contiguous run, never the whole span.
        QList<int> visible = m_visibleList;
        std::sort(visible.begin(), visible.end());
        int runStart = -1;
        int runEnd = -2;
        const auto emitShared = [this](int from, int to) {
            Q_EMIT dataChanged(index(from, SharedColumn), index(to, SharedColumn),
                               {Qt::DisplayRole, SortRole});
        };
        for (int row : std::as_const(visible)) {
            if (row < 0 || row >= count)
                continue;
            if (row != runEnd + 1) {
                if (runStart >= 0)
                    emitShared(runStart, runEnd);
                runStart = row;
            }
            runEnd = row;
        }
        if (runStart >= 0)
            emitShared(runStart, runEnd);
    } else if (m_visibleFirst >= 0 && m_visibleFirst < count) {
        const int last = std::min(m_visibleLast, count - 1);
        Q_EMIT dataChanged(index(m_visibleFirst, SharedColumn), index(last, SharedColumn),
                           {Qt::DisplayRole, SortRole});
    }
    Q_EMIT countsChanged();
}

QVariant TagTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[size_t(index.row())];
    const DigestInfo *info = row.digestId >= 0 ? &m_digests[size_t(row.digestId)] : nullptr;
    const ImageMetadata *metadata = info ? info->metadata.get() : nullptr;
    const HarborTagExtras *extras = extrasOf(row);
    if (isHarborColumn(index.column())) {
        if (!hasHarborColumns())
            return {};
        if (role == Qt::DisplayRole)
            return harborDisplayData(extras, index.column());
        if (role == SortRole)
            return harborSortData(extras, index.column());
        if (role == Qt::ToolTipRole && extras) {
            if (index.column() == LabelsColumn) {
                QStringList lines;
                for (const HarborLabel &label : extras->labels) {
                    lines.append(label.description.isEmpty()
                                         ? label.name
                                         : label.name + u": "_s + label.description);
                }
                return lines.join(u'\n');
            }
            if (index.column() == VulnerabilitiesColumn && extras->vulnerabilities.isValid()
                && extras->vulnerabilities.fixable >= 0) {
                return tr("%1 fixable").arg(extras->vulnerabilities.fixable);
            }
            return {};
        }
    }
    switch (role) {
    case Qt::DisplayRole:
        return displayData(row, info, index.column());
    case SortRole:
        return sortData(row, info, index.column());
    case Qt::ToolTipRole:
        if (row.state == LoadState::Failed)
            return errorFor(index.row());
        if (index.column() == DigestColumn && info)
            return info->digest;
        if (row.state == LoadState::Cached)
            return tr("Last known state from the cache; not yet confirmed by the registry.");
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == SizeColumn || index.column() == SharedColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case TagRole:
        return row.tag;
    case DigestRole:
        return info ? info->digest : QString();
    case PlatformsRole: {
        QStringList platforms;
        if (metadata) {
            for (const PlatformImage &p : metadata->platforms)
                platforms.append(p.platform.toString());
        }
        return platforms;
    }
    case LoadStateRole:
        return QVariant::fromValue(row.state);
    case ErrorRole:
        return errorFor(index.row());
    case SizeRole:
        return metadata ? metadata->size : qint64(-1);
    case CreatedRole:
        return metadata ? metadata->created : QDateTime();
    case KindRole:
        return metadata ? artifactKindName(metadata->kind) : QString();
    case MediaTypeRole:
        return metadata ? metadata->mediaType : QString();
    case PushedRole:
        return extras ? extras->pushed : QDateTime();
    case PulledRole:
        return extras ? extras->pulled : QDateTime();
    case LabelsRole:
        return extras ? extras->labelNames() : QStringList();
    case VulnerabilitiesRole:
        return extras ? QVariant::fromValue(extras->vulnerabilities) : QVariant();
    case ImmutableRole:
        return extras && extras->immutable;
    case HasExtrasRole:
        return extras != nullptr;
    default:
        return {};
    }
}

const HarborTagExtras *TagTableModel::extrasOf(const Row &row) const
{
    if (m_extras.isEmpty())
        return nullptr;
    const auto it = m_extras.constFind(row.tag);
    return it == m_extras.cend() ? nullptr : &*it;
}

QVariant TagTableModel::harborDisplayData(const HarborTagExtras *extras, int column) const
{
    if (!extras)
        return Placeholder;
    const QLocale locale;
    switch (column) {
    case PushedColumn:
        return extras->pushed.isValid()
                       ? locale.toString(extras->pushed.toLocalTime(), QLocale::ShortFormat)
                       : QString();
    case PulledColumn:
        return extras->pulled.isValid()
                       ? locale.toString(extras->pulled.toLocalTime(), QLocale::ShortFormat)
                       : tr("never");
    case LabelsColumn:
        return extras->labelNames().join(u", "_s);
    case VulnerabilitiesColumn:
        return extras->vulnerabilities.isValid() ? extras->vulnerabilities.text()
                                                 : tr("not scanned");
    case ImmutableColumn:
        return extras->immutable ? tr("immutable") : QString();
    default:
        return {};
    }
}

QVariant TagTableModel::harborSortData(const HarborTagExtras *extras, int column) const
{
    switch (column) {
    case PushedColumn:
        return extras && extras->pushed.isValid() ? extras->pushed.toMSecsSinceEpoch() : qint64(-1);
    case PulledColumn:
        return extras && extras->pulled.isValid() ? extras->pulled.toMSecsSinceEpoch() : qint64(-1);
    case LabelsColumn:
        return extras ? extras->labelNames().join(u", "_s) : QString();
    case VulnerabilitiesColumn:
        // Worst severity first, then the count: a raw number that orders "worse" higher.
        return extras ? qint64(extras->vulnerabilities.severityRank()) * 1000000
                                + std::max(0, extras->vulnerabilities.total)
                      : qint64(-2000000);
    case ImmutableColumn:
        return extras && extras->immutable ? 1 : 0;
    default:
        return {};
    }
}

QVariant TagTableModel::displayData(const Row &row, const DigestInfo *info, int column) const
{
    const ImageMetadata *metadata = info ? info->metadata.get() : nullptr;
    if (column == TagColumn)
        return row.tag;
    if (row.state == LoadState::Failed && !metadata)
        return column == DigestColumn ? tr("failed") : QString();
    switch (column) {
    case DigestColumn:
        return info ? Digest::shortForm(info->digest) : Placeholder;
    case SizeColumn:
        if (!metadata)
            return Placeholder;
        return metadata->size >= 0 ? QLocale().formattedDataSize(metadata->size) : QString();
    case CreatedColumn:
        if (!metadata)
            return Placeholder;
        return metadata->created.isValid()
                       ? QLocale().toString(metadata->created.toLocalTime(), QLocale::ShortFormat)
                       : QString();
    case PlatformsColumn:
        return metadata ? info->platformsText : Placeholder;
    case KindColumn:
        return metadata ? artifactKindName(metadata->kind) : Placeholder;
    case SharedColumn:
        return info ? info->loadedTags : QVariant(Placeholder);
    default:
        return {};
    }
}

QVariant TagTableModel::sortData(const Row &row, const DigestInfo *info, int column) const
{
    const ImageMetadata *metadata = info ? info->metadata.get() : nullptr;
    switch (column) {
    case TagColumn:
        return row.tag;
    case DigestColumn:
        return info ? info->digest : QString();
    case SizeColumn:
        return metadata ? metadata->size : qint64(-1);
    case CreatedColumn:
        return metadata && metadata->created.isValid() ? metadata->created.toMSecsSinceEpoch()
                                                       : qint64(-1);
    case PlatformsColumn:
        return info ? info->platformsText : QString();
    case KindColumn:
        return metadata ? artifactKindName(metadata->kind) : QString();
    case SharedColumn:
        return info ? info->loadedTags : 0;
    default:
        return {};
    }
}

QVariant TagTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::InitialSortOrderRole) {
        // The first click on a time or size header shows the newest / largest first: what a
        // person sorting by those looks for (and on Harbor one server page answers it).
        switch (section) {
        case SizeColumn:
        case CreatedColumn:
        case PushedColumn:
        case PulledColumn:
            return int(Qt::DescendingOrder);
        default:
            return int(Qt::AscendingOrder);
        }
    }
    if (role == Qt::DisplayRole) {
        switch (section) {
        case TagColumn:
            return tr("Tag");
        case DigestColumn:
            return tr("Digest");
        case SizeColumn:
            return tr("Size");
        case CreatedColumn:
            return tr("Created");
        case PlatformsColumn:
            return tr("Platforms");
        case KindColumn:
            return tr("Kind");
        case SharedColumn:
            return tr("Shared");
        case PushedColumn:
            return tr("Pushed");
        case PulledColumn:
            return tr("Pulled");
        case LabelsColumn:
            return tr("Labels");
        case VulnerabilitiesColumn:
            return tr("Vulnerabilities");
        case ImmutableColumn:
            return tr("Immutable");
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case SizeColumn:
            return tr("Compressed size as stored in the registry: config plus layers. For a "
                      "multi-platform index, the sum over its platform images (attestations not "
                      "counted). Layers shared between images are counted in each.");
        case DigestColumn:
            return tr("Manifest digest (the first 12 hex digits; the full digest in the tooltip).");
        case CreatedColumn:
            return tr("Creation time from the image config, in local time. For an index, the "
                      "newest of its platform images.");
        case SharedColumn:
            return tr("How many of the loaded tags point at the same digest.");
        case KindColumn:
            return tr("image, index (multi-platform), attestation, signature, chart or artifact");
        case PushedColumn:
            return tr("When the tag was last pushed (Harbor), in local time.");
        case PulledColumn:
            return tr("When the tag was last pulled (Harbor); \"never\" if it never was.");
        case LabelsColumn:
            return tr("Harbor labels of the artifact.");
        case VulnerabilitiesColumn:
            return tr("Harbor's scan summary: vulnerabilities found, by severity.");
        case ImmutableColumn:
            return tr("Protected by a Harbor immutability rule: cannot be deleted or moved.");
        }
    }
    if (role == Qt::TextAlignmentRole && (section == SizeColumn || section == SharedColumn))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace Berth
