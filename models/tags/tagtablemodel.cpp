#include "models/tags/tagtablemodel.h"

#include "models/modelslogging.h"
#include "models/session/reachability.h"
#include "models/tags/metadataupdater.h"
#include "models/tags/naturalcompare.h"
#include "models/tags/tagcolumns.h"

#include "net/backend/pager.h"
#include "net/backend/registrybackend.h"
#include "net/core/digest.h"
#include "net/core/imagereference.h"
#include "net/core/servertext.h"

#include <QFuture>
#include <QLocale>
#include <QTimer>
#include <QtConcurrentRun>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Berth {

// A screen of a table is 30-60 rows; 200 fills it several times over with one round trip, and
// one beginInsertRows of 200 rows costs the view well under a millisecond.
static constexpr int PageSize = 200;
// Roughly one frame at 60 Hz: results arriving within it reach the view as one repaint.
static constexpr int DefaultBatchMs = 16;
// Rows per turn of the event loop when every name is wanted (a filter, a descending sort) and
// the sorted list is already in memory: 100,000 rows arrive in five turns, each well under the
// 50 ms a person notices.
static constexpr int InMemoryChunk = 20000;

TagTableModel::TagTableModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_updater(new MetadataUpdater(this))
    , m_changeTimer(new QTimer(this))
    , m_batchIntervalMs(DefaultBatchMs)
{
    m_changeTimer->setSingleShot(true);
    connect(m_changeTimer, &QTimer::timeout, this, &TagTableModel::flushChanges);
}

TagTableModel::~TagTableModel() = default;

void TagTableModel::setBatchInterval(int ms)
{
    m_updater->setInterval(ms);
    m_batchIntervalMs = ms;
}

void TagTableModel::switchTo(MetadataService *service, const QString &repository)
{
    beginResetModel();
    resetState();
    m_service = service;
    m_repository = repository;
    m_updater->reset(service, repository);
    if (m_service && !m_repository.isEmpty())
        m_cachedTags = m_service->knownTags(m_repository);
    endResetModel();
}

void TagTableModel::setRepository(MetadataService *service, const QString &repository)
{
    switchTo(service, repository);
    Q_EMIT countsChanged();
    if (m_service && !m_repository.isEmpty()) {
        startPager();
        fetchMore();
    }
}

void TagTableModel::showLastKnownState(MetadataService *service, const QString &repository)
{
    switchTo(service, repository);
    showOfflineState();
    Q_EMIT countsChanged();
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
    return m_service && m_service->hasTagExtras();
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
    if (m_pager) {
        m_pager->cancel();
        m_pager->deleteLater();
    }
    m_pager = nullptr;
    m_extras.clear();
    m_rows.clear();
    m_rows.shrink_to_fit();
    m_digests.clear();
    m_digestIds.clear();
    m_cachedTags.clear();
    m_errors.clear();
    m_atEnd = false;
    m_pageInFlight = false;
    m_failed = false;
    const bool wasOffline = m_offline;
    m_offline = false;
    m_fetchAll = false;
    m_rowsInTagOrder = false;
    m_sortedNames.clear();
    m_sortedNext = 0;
    m_lastError = {};
    m_rowsWithMetadata = 0;
    m_stateCounts.fill(0);
    m_changed.clear();
    m_changeTimer->stop();
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
            [this, generation](const QHash<QString, TagExtras> &extras) {
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
    if (m_sortedNext < m_sortedNames.size()) {
        // From memory, but never synchronously: a caller in the middle of rowsInserted is not
        // ready for more rows.
        QTimer::singleShot(0, this,
                           [this, generation = m_generation] { handOutSorted(generation); });
        return;
    }
    m_pager->fetchNext();
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
    if (m_rows.empty() && !m_rowsInTagOrder && m_pager->holdsWholeList()) {
        // The server sent everything at once (Distribution ignores `n`): sort it once, off the
        // GUI thread, and hand rows out in their final order. Pages of the unsorted list, each
        // sorted into the rows shown, kept the top of a 100,000-tag table moving for seconds
        // and spent metadata requests on rows that were then pushed away.
        sortWholeList(generation, names + m_pager->takeRemaining());
        return;
    }
    m_pageInFlight = false;
    m_atEnd = !m_pager->hasMore() && m_sortedNext >= m_sortedNames.size();
    const int first = int(m_rows.size());
    appendRows(names);
    Q_EMIT pageFetched(first, int(names.size()), totalCount());
    // A listener of rowsInserted (a view, the model tester) may have asked for the next page.
    if (!m_pageInFlight)
        Q_EMIT loadingChanged(false);
    Q_EMIT countsChanged();
    m_updater->rowsAppended(first);
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

void TagTableModel::sortWholeList(quint64 generation, QStringList names)
{
    QtConcurrent::run([names = std::move(names)]() mutable {
        std::sort(names.begin(), names.end(),
                  [](const QString &a, const QString &b) { return naturalCompare(a, b) < 0; });
        return names;
    }).then(this, [this, generation](QStringList sorted) {
        if (generation != m_generation)
            return;
        m_sortedNames = std::move(sorted);
        m_sortedNext = 0;
        m_rowsInTagOrder = true;
        handOutSorted(generation);
    });
}

void TagTableModel::handOutSorted(quint64 generation)
{
    if (generation != m_generation)
        return;
    const qsizetype count = std::min<qsizetype>(m_fetchAll ? InMemoryChunk : PageSize,
                                                m_sortedNames.size() - m_sortedNext);
    const QStringList page = m_sortedNames.mid(m_sortedNext, count);
    m_sortedNext += count;
    if (m_sortedNext >= m_sortedNames.size()) {
        // Everything is in rows now; the names live on in them.
        m_sortedNames.clear();
        m_sortedNext = 0;
    }
    m_pageInFlight = true; // onPage() ends the page like one from the pager
    onPage(generation, page);
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
    // Only a registry that cannot be reached is offline; one that refused (401, 403, 404) says
    // so, and its cache must not pass for the answer.
    if (m_rows.empty() && !m_cachedTags.isEmpty() && isUnreachable(error))
        showOfflineState();
    Q_EMIT countsChanged();
}

void TagTableModel::showOfflineState()
{
    // Nothing listed but the disk cache knows this repository: its last known state, marked
    // offline, instead of an empty table.
    QStringList names = m_cachedTags.keys();
    std::sort(names.begin(), names.end());
    m_offline = true;
    appendRows(names);
    m_atEnd = true;
    for (int row = 0; row < int(m_rows.size()); ++row) {
        const QString digest = m_cachedTags.value(m_rows[size_t(row)].tag);
        setRowDigest(row, digest, m_service ? m_service->knownMetadata(digest) : nullptr);
        setState(row, LoadState::Cached);
    }
    Q_EMIT offlineChanged(true);
    flushChanges();
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
    if (!m_sortedNames.isEmpty())
        return qint64(m_rows.size()) + m_sortedNames.size() - m_sortedNext;
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

void TagTableModel::markLoading(int row)
{
    if (m_rows[size_t(row)].state == LoadState::Cached)
        return; // keeps showing the cached values until the answer arrives
    setState(row, LoadState::Loading);
    markChanged(row);
}

void TagTableModel::markNotLoaded(int row)
{
    if (m_rows[size_t(row)].state != LoadState::Loading)
        return;
    setState(row, LoadState::NotLoaded);
    markChanged(row);
}

void TagTableModel::clearFailure(int row)
{
    if (m_rows[size_t(row)].state == LoadState::Failed)
        setState(row, LoadState::NotLoaded);
    m_errors.remove(row);
}

void TagTableModel::applyMetadata(int row, const Result<MetadataService::TagMetadata> &result)
{
    if (!result.ok()) {
        setState(row, LoadState::Failed);
        m_errors.insert(row, result.error().toString());
    } else {
        setRowDigest(row, result->digest, result->metadata);
        setState(row, LoadState::Loaded);
        m_errors.remove(row);
    }
    markChanged(row);
}

void TagTableModel::showCachedState(int row)
{
    Row &r = m_rows[size_t(row)];
    if (r.state != LoadState::NotLoaded || r.digestId >= 0 || !m_service)
        return;
    const QString digest = m_cachedTags.value(r.tag);
    if (digest.isEmpty())
        return;
    if (auto metadata = m_service->knownMetadata(digest)) {
        setRowDigest(row, digest, metadata);
        setState(row, LoadState::Cached);
        markChanged(row);
    }
}

void TagTableModel::setExtras(int rowHint, const QString &tag, const TagExtras &extras)
{
    m_extras.insert(tag, extras);
    const int row = findRow(rowHint, tag);
    if (row >= 0)
        markChanged(row);
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
    m_updater->rowRemoved(row, tag);
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
    m_rows.erase(m_rows.begin() + row);
    // Row-keyed bookkeeping shifts down by one past the removed row.
    QHash<int, QString> errors;
    for (auto it = m_errors.cbegin(); it != m_errors.cend(); ++it) {
        if (it.key() != row)
            errors.insert(it.key() > row ? it.key() - 1 : it.key(), it.value());
    }
    m_errors = std::move(errors);
    QSet<int> changed;
    for (int other : std::as_const(m_changed)) {
        if (other != row)
            changed.insert(other > row ? other - 1 : other);
    }
    m_changed = std::move(changed);
    endRemoveRows();
    Q_EMIT countsChanged();
    return true;
}

void TagTableModel::addTag(const QString &tag)
{
    if (rowOfTag(tag) >= 0 || !m_service)
        return;
    const int row = int(m_rows.size());
    // At the end, out of tag order: the view's own sort places it (and keeps sorting from now).
    m_rowsInTagOrder = false;
    appendRows({tag});
    m_updater->requestRow(row);
    Q_EMIT countsChanged();
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
    if (m_changeTimer->isActive())
        return;
    // At most one repaint per interval, but no wait after a quiet one: the first answers of a
    // screen reach the view on the next turn of the event loop.
    const qint64 since = m_sinceFlush.isValid() ? m_sinceFlush.elapsed() : m_batchIntervalMs;
    m_changeTimer->start(int(std::max<qint64>(0, m_batchIntervalMs - since)));
}

void TagTableModel::flushChanges()
{
    if (m_changed.isEmpty())
        return;
    m_sinceFlush.start();
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
    for (int row : std::as_const(rows)) {
        if (row >= count)
            break;
        if (row != previous + 1) {
            if (start >= 0)
                Q_EMIT dataChanged(index(start, 0), index(previous, ColumnCount - 1), roles);
            start = row;
        }
        previous = row;
    }
    if (start >= 0)
        Q_EMIT dataChanged(index(start, 0), index(previous, ColumnCount - 1), roles);
    emitSharedChanged();
    Q_EMIT countsChanged();
}

void TagTableModel::emitSharedChanged()
{
    // How many rows share a digest changes with rows anywhere: the Shared column of the rows on
    // screen may have changed. One signal per contiguous run of them (a sorted view scatters
    // them), never the whole column: a proxy would look at every row of it.
    QList<int> visible = m_updater->visibleRows();
    std::sort(visible.begin(), visible.end());
    const int count = int(m_rows.size());
    int runStart = -1;
    int runEnd = -2;
    for (int row : std::as_const(visible)) {
        if (row < 0 || row >= count)
            continue;
        if (row != runEnd + 1) {
            if (runStart >= 0)
                Q_EMIT dataChanged(index(runStart, SharedColumn), index(runEnd, SharedColumn),
                                   {Qt::DisplayRole, SortRole});
            runStart = row;
        }
        runEnd = row;
    }
    if (runStart >= 0)
        Q_EMIT dataChanged(index(runStart, SharedColumn), index(runEnd, SharedColumn),
                           {Qt::DisplayRole, SortRole});
}

QVariant TagTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[size_t(index.row())];
    const DigestInfo *info = row.digestId >= 0 ? &m_digests[size_t(row.digestId)] : nullptr;
    if (isHarborColumn(index.column())
        && (role == Qt::DisplayRole || role == SortRole || role == Qt::ToolTipRole)) {
        return hasHarborColumns() ? TagColumns::harborData(extrasOf(row), index.column(), role)
                                  : QVariant();
    }
    switch (role) {
    case Qt::DisplayRole:
        return displayData(row, info, index.column());
    case SortRole:
        return sortData(row, info, index.column());
    case Qt::ToolTipRole:
        return toolTipData(row, info, index);
    case Qt::TextAlignmentRole:
        if (index.column() == SizeColumn || index.column() == SharedColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        return roleData(row, info, index, role);
    }
}

QVariant TagTableModel::toolTipData(const Row &row, const DigestInfo *info,
                                    const QModelIndex &index) const
{
    if (index.column() == TagColumn && !ImageReference::isValidTag(row.tag)) {
        return tr("\"%1\" is not a valid tag name: Berth shows it as the registry listed it and "
                  "refuses every action on it (nothing is sent for it).")
                .arg(ServerText::visible(row.tag));
    }
    if (row.state == LoadState::Failed)
        return errorFor(index.row());
    if (index.column() == DigestColumn && info)
        return info->digest;
    if (row.state == LoadState::Cached)
        return tr("Last known state from the cache; not yet confirmed by the registry.");
    return {};
}

QVariant TagTableModel::roleData(const Row &row, const DigestInfo *info, const QModelIndex &index,
                                 int role) const
{
    const ImageMetadata *metadata = info ? info->metadata.get() : nullptr;
    const TagExtras *extras = extrasOf(row);
    switch (role) {
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
    case InvalidNameRole:
        return !ImageReference::isValidTag(row.tag);
    case ListedDigestRole:
        return extras ? extras->digest : QString();
    default:
        return {};
    }
}

const TagExtras *TagTableModel::extrasOf(const Row &row) const
{
    if (m_extras.isEmpty())
        return nullptr;
    const auto it = m_extras.constFind(row.tag);
    return it == m_extras.cend() ? nullptr : &*it;
}

QVariant TagTableModel::displayData(const Row &row, const DigestInfo *info, int column) const
{
    const ImageMetadata *metadata = info ? info->metadata.get() : nullptr;
    if (column == TagColumn)
        return ServerText::visible(row.tag); // a name from the server: shown, never obeyed
    if (row.state == LoadState::Failed && !metadata)
        return column == DigestColumn ? tr("failed") : QString();
    switch (column) {
    case DigestColumn:
        return info ? Digest::shortForm(info->digest) : TagColumns::placeholder();
    case SizeColumn:
        if (!metadata)
            return TagColumns::placeholder();
        return metadata->size >= 0 ? QLocale().formattedDataSize(metadata->size) : QString();
    case CreatedColumn:
        if (!metadata)
            return TagColumns::placeholder();
        return metadata->created.isValid()
                       ? QLocale().toString(metadata->created.toLocalTime(), QLocale::ShortFormat)
                       : QString();
    case PlatformsColumn:
        return metadata ? info->platformsText : TagColumns::placeholder();
    case KindColumn:
        return metadata ? artifactKindName(metadata->kind) : TagColumns::placeholder();
    case SharedColumn:
        return info ? info->loadedTags : QVariant(TagColumns::placeholder());
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
    if (orientation == Qt::Horizontal && section >= 0 && section < ColumnCount) {
        if (QVariant value = TagColumns::headerData(section, role); value.isValid())
            return value;
    }
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace Berth
