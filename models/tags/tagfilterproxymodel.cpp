#include "models/tags/tagfilterproxymodel.h"

#include "models/tags/digestgroupmodel.h"
#include "models/tags/metadataupdater.h"
#include "models/tags/naturalcompare.h"
#include "models/tags/tagtablemodel.h"

#include <QTimer>

#include <utility>

using namespace Qt::StringLiterals;

namespace Berth {

// Typing "1.2" should filter once, not three times: 150 ms is below what people notice as lag.
static constexpr int DefaultDebounceMs = 150;
// While metadata pours in for a sort, re-sort at most this often: sorting 100,000 rows takes
// tens of milliseconds, so doing it per arrival would freeze the view.
static constexpr int ResortIntervalMs = 400;

TagFilterProxyModel::TagFilterProxyModel(QObject *parent)
    : QSortFilterProxyModel(parent)
    , m_filterTimer(new QTimer(this))
    , m_resortTimer(new QTimer(this))
{
    // Sorting is driven by us, in batches; the source model changes too often for Qt's
    // per-change re-sorting.
    setDynamicSortFilter(false);
    setSortRole(TagTableModel::SortRole);
    m_filterTimer->setSingleShot(true);
    m_filterTimer->setInterval(DefaultDebounceMs);
    connect(m_filterTimer, &QTimer::timeout, this, &TagFilterProxyModel::applyFilter);
    m_resortTimer->setSingleShot(true);
    m_resortTimer->setInterval(ResortIntervalMs);
    connect(m_resortTimer, &QTimer::timeout, this, &TagFilterProxyModel::resortNow);
}

void TagFilterProxyModel::setTagModel(TagTableModel *model, DigestGroupModel *groups)
{
    if (m_tagModel)
        disconnect(m_tagModel, nullptr, this, nullptr);
    if (m_groupModel)
        disconnect(m_groupModel, nullptr, this, nullptr);
    m_tagModel = model;
    m_groupModel = groups;
    QAbstractItemModel *rows = groups ? static_cast<QAbstractItemModel *>(groups) : model;
    setSourceModel(rows);
    if (!rows)
        return;
    connect(rows, &QAbstractItemModel::rowsInserted, this, &TagFilterProxyModel::scheduleResort);
    connect(rows, &QAbstractItemModel::dataChanged, this, [this] {
        // A group that gained a tag may now match the filter, or sort elsewhere by its first
        // tag: the grouped view filters and sorts again in the same batches.
        if (m_groupModel && !m_filterText.isEmpty())
            m_refilter = true;
        if (sortsByMetadata() || m_groupModel)
            scheduleResort();
    });
}

int TagFilterProxyModel::debounceInterval() const
{
    return m_filterTimer->interval();
}

void TagFilterProxyModel::followFilterOf(const TagFilterProxyModel *other)
{
    disconnect(m_following);
    m_following = {};
    if (!other)
        return;
    const auto take = [this, other] {
        m_pendingText = other->m_filterText;
        m_pendingSyntax = other->m_syntax;
        applyFilter();
    };
    take();
    m_following = connect(other, &TagFilterProxyModel::filterApplied, this, take);
}

void TagFilterProxyModel::setDebounceInterval(int ms)
{
    m_filterTimer->setInterval(ms);
    m_resortTimer->setInterval(ms);
}

void TagFilterProxyModel::setFilter(const QString &text, FilterSyntax syntax)
{
    m_pendingText = text;
    m_pendingSyntax = syntax;
    if (m_filterTimer->interval() == 0)
        applyFilter();
    else
        m_filterTimer->start();
}

void TagFilterProxyModel::applyFilter()
{
    m_filterText = m_pendingText;
    m_syntax = m_pendingSyntax;
    m_filterError.clear();
    switch (m_syntax) {
    case FilterSyntax::Substring:
        m_expression = QRegularExpression(QRegularExpression::escape(m_filterText),
                                          QRegularExpression::CaseInsensitiveOption);
        break;
    case FilterSyntax::Glob:
        m_expression = QRegularExpression(
                QRegularExpression::wildcardToRegularExpression(
                        m_filterText, QRegularExpression::UnanchoredWildcardConversion),
                QRegularExpression::CaseInsensitiveOption);
        break;
    case FilterSyntax::RegularExpression:
        m_expression = QRegularExpression(m_filterText);
        break;
    }
    if (!m_expression.isValid()) {
        m_filterError = m_expression.errorString();
        m_expression = QRegularExpression();
    }
    if (m_tagModel && m_tagModel->supportsServerSort()) {
        // Harbor 2.x filters on the server (q=tags=~text): one page of matches instead of
        // listing every name. Glob and regex cannot be said to it: those stay here, over the
        // server's full listing.
        TagQuery query = m_tagModel->tagQuery();
        query.filterText = filtersOnServer() ? m_filterText : QString();
        m_tagModel->setTagQuery(query);
    }
    // Filtering is only meaningful over every name: make the model list the rest.
    if (!m_filterText.isEmpty() && !filtersOnServer() && m_tagModel && !m_tagModel->isAtEnd())
        m_tagModel->fetchAll();
    invalidateFilter();
    // Rows the filter lets in again join unsorted (the proxy does not sort by itself); the
    // grouped view sorts them in at once (the flat one as its rows arrive).
    if (m_groupModel && sortColumn() >= 0)
        QSortFilterProxyModel::sort(sortColumn(), sortOrder());
    Q_EMIT filterApplied(m_filterError);
}

bool TagFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_filterText.isEmpty() || !m_expression.isValid() || m_expression.pattern().isEmpty()
        || filtersOnServer())
        return true;
    const QModelIndex index
            = sourceModel()->index(sourceRow, TagTableModel::TagColumn, sourceParent);
    if (m_groupModel) {
        // An image matches by any of its tags or by its digest.
        const QStringList tags = index.data(DigestGroupModel::GroupTagsRole).toStringList();
        for (const QString &tag : tags) {
            if (m_expression.match(tag).hasMatch())
                return true;
        }
        const QString digest = index.data(TagTableModel::DigestRole).toString();
        return !digest.isEmpty() && m_expression.match(digest).hasMatch();
    }
    return m_expression.match(index.data(TagTableModel::TagRole).toString()).hasMatch();
}

bool TagFilterProxyModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    if (m_serverSorted) {
        // Already in the server's order, which knows push times to the nanosecond and breaks
        // ties its own way: keep it (descending sorts call this with the arguments swapped).
        return sortOrder() == Qt::AscendingOrder ? left.row() < right.row()
                                                 : left.row() > right.row();
    }
    if (left.column() == TagTableModel::TagColumn && keepsListingOrder() && !m_groupModel) {
        // Ascending and descending alike: Qt swaps the arguments for a descending sort.
        return left.row() < right.row();
    }
    const QVariant a = left.data(TagTableModel::SortRole);
    const QVariant b = right.data(TagTableModel::SortRole);
    if (left.column() == TagTableModel::TagColumn || a.typeId() == QMetaType::QString)
        return naturalCompare(a.toString(), b.toString()) < 0;
    const qint64 x = a.toLongLong();
    const qint64 y = b.toLongLong();
    // Unknown (-1) sorts after everything whichever the order, so known values come first.
    const bool unknownX = x < 0;
    const bool unknownY = y < 0;
    if (unknownX != unknownY)
        return sortOrder() == Qt::AscendingOrder ? unknownY : unknownX;
    if (x != y)
        return x < y;
    // Ties in tag order, so equal sizes or times stay in a stable, readable order.
    const QString tagA = left.siblingAtColumn(TagTableModel::TagColumn).data().toString();
    const QString tagB = right.siblingAtColumn(TagTableModel::TagColumn).data().toString();
    return naturalCompare(tagA, tagB) < 0;
}

void TagFilterProxyModel::sort(int column, Qt::SortOrder order)
{
    m_serverSorted = false;
    if (m_tagModel && m_tagModel->supportsServerSort()) {
        // Harbor 2.x sorts by push time itself (sort=-push_time): the first page is the newest
        // tags, so nothing needs every row's metadata. The rows keep the server's order (see
        // lessThan()); the sort column stays Pushed for the header and for re-sorts.
        TagQuery query = m_tagModel->tagQuery();
        const bool byPushTime = column == TagTableModel::PushedColumn;
        query.sortField = byPushTime ? TagQuery::SortField::PushTime : TagQuery::SortField::Name;
        query.descending = byPushTime && order == Qt::DescendingOrder;
        m_tagModel->setTagQuery(query);
        if (byPushTime) {
            m_serverSorted = true;
            QSortFilterProxyModel::sort(column, order);
            return;
        }
    }
    QSortFilterProxyModel::sort(column, order);
    if (sortsByMetadata() && m_tagModel)
        m_tagModel->updater()->loadAll();
    else if (column == TagTableModel::TagColumn && m_tagModel && !m_tagModel->isAtEnd())
        // A sorted first page alone would put "build-04801" at the top of 5,000 builds: tag
        // order needs every name (names only, no metadata; re-sorted in batches as they come).
        m_tagModel->fetchAll();
}

bool TagFilterProxyModel::keepsListingOrder() const
{
    // Grouped rows are in the order their first tag arrived, never in tag order.
    if (!m_tagModel || m_groupModel)
        return false;
    // A whole list sorted once by the model: the rows are in tag order already, and comparing
    // row numbers keeps re-sorts of 100,000 rows to a few milliseconds. A paging server's rows
    // stay in its own (lexical) order until every page is in, so later pages only ever join
    // at the bottom instead of pushing rows a person looks at off the screen; the one natural
    // sort follows the last page.
    return m_tagModel->rowsInTagOrder() || !m_tagModel->isAtEnd();
}

bool TagFilterProxyModel::filtersOnServer() const
{
    return m_tagModel && m_tagModel->supportsServerSort() && m_syntax == FilterSyntax::Substring;
}

bool TagFilterProxyModel::sortsByMetadata() const
{
    const int column = sortColumn();
    return column > TagTableModel::TagColumn && column < TagTableModel::ColumnCount;
}

void TagFilterProxyModel::scheduleResort()
{
    if (sortColumn() < 0 && !m_refilter)
        return;
    if (m_resortTimer->interval() == 0)
        resortNow();
    else if (!m_resortTimer->isActive())
        m_resortTimer->start();
}

void TagFilterProxyModel::resortNow()
{
    if (std::exchange(m_refilter, false))
        invalidateFilter();
    if (sortColumn() >= 0)
        QSortFilterProxyModel::sort(sortColumn(), sortOrder());
}

} // namespace Berth
