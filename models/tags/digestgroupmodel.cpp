#include "models/tags/digestgroupmodel.h"

#include "models/tags/naturalcompare.h"
#include "net/core/digest.h"
#include "net/core/servertext.h"

#include <algorithm>
#include <iterator>

using namespace Qt::StringLiterals;

namespace Berth {

// A tooltip is read, not scrolled: a screenful of names, then how many more.
static constexpr int NamesInToolTip = 40;

DigestGroupModel::DigestGroupModel(QObject *parent)
    : QAbstractProxyModel(parent)
{}

void DigestGroupModel::setSourceModel(QAbstractItemModel *source)
{
    beginResetModel();
    for (const QMetaObject::Connection &connection : std::as_const(m_connections))
        disconnect(connection);
    m_connections.clear();
    QAbstractProxyModel::setSourceModel(source);
    if (source) {
        m_connections = {
                connect(source, &QAbstractItemModel::rowsInserted, this,
                        &DigestGroupModel::onRowsInserted),
                connect(source, &QAbstractItemModel::rowsAboutToBeRemoved, this,
                        &DigestGroupModel::onRowsAboutToBeRemoved),
                connect(source, &QAbstractItemModel::rowsRemoved, this,
                        &DigestGroupModel::onRowsRemoved),
                connect(source, &QAbstractItemModel::dataChanged, this,
                        &DigestGroupModel::onDataChanged),
                connect(source, &QAbstractItemModel::modelAboutToBeReset, this,
                        &DigestGroupModel::beginResetModel),
                connect(source, &QAbstractItemModel::modelReset, this, &DigestGroupModel::endReset),
                // TagTableModel never reorders its rows; any other model that does is simply
                // grouped again.
                connect(source, &QAbstractItemModel::layoutAboutToBeChanged, this,
                        &DigestGroupModel::beginResetModel),
                connect(source, &QAbstractItemModel::layoutChanged, this,
                        &DigestGroupModel::endReset),
                connect(source, &QAbstractItemModel::rowsAboutToBeMoved, this,
                        &DigestGroupModel::beginResetModel),
                // Columns are the source's: a change of them starts over too.
                connect(source, &QAbstractItemModel::columnsAboutToBeInserted, this,
                        &DigestGroupModel::beginResetModel),
                connect(source, &QAbstractItemModel::columnsInserted, this,
                        &DigestGroupModel::endReset),
                connect(source, &QAbstractItemModel::columnsAboutToBeRemoved, this,
                        &DigestGroupModel::beginResetModel),
                connect(source, &QAbstractItemModel::columnsRemoved, this,
                        &DigestGroupModel::endReset),
                connect(source, &QAbstractItemModel::rowsMoved, this, &DigestGroupModel::endReset),
        };
    }
    endReset();
}

void DigestGroupModel::endReset()
{
    rebuildAll();
    endResetModel();
}

QString DigestGroupModel::sourceDigest(int sourceRow) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0);
    QString digest = index.data(TagTableModel::DigestRole).toString();
    // Harbor's artifact listing names each tag's digest before any metadata is asked for: its
    // repositories are grouped completely as soon as they are listed.
    if (digest.isEmpty())
        digest = index.data(TagTableModel::ListedDigestRole).toString();
    return digest;
}

QString DigestGroupModel::sourceTag(int sourceRow) const
{
    return sourceModel()->index(sourceRow, 0).data(TagTableModel::TagRole).toString();
}

void DigestGroupModel::rebuildAll()
{
    m_groups.clear();
    m_pending.clear();
    m_rowOfDigest.clear();
    m_groupOfSource.clear();
    m_ungrouped = 0;
    if (sourceModel()) {
        const int count = sourceModel()->rowCount();
        m_groupOfSource.assign(size_t(count), -1);
        for (int row = 0; row < count; ++row)
            place(row, sourceTag(row), sourceDigest(row));
        // Inside a reset: the new rows need no signal of their own.
        m_groups = std::move(m_pending);
        m_pending.clear();
    }
    setUngrouped(m_ungrouped);
}

void DigestGroupModel::place(int sourceRow, const QString &tag, const QString &digest)
{
    const int existing = digest.isEmpty() ? -1 : m_rowOfDigest.value(digest, -1);
    if (existing >= 0) {
        Group &group = existing < int(m_groups.size())
                               ? m_groups[size_t(existing)]
                               : m_pending[size_t(existing) - m_groups.size()];
        const Member member{tag, sourceRow};
        const auto at = std::lower_bound(
                group.members.begin(), group.members.end(), member,
                [](const Member &a, const Member &b) { return naturalCompare(a.tag, b.tag) < 0; });
        group.members.insert(at, member);
        group.changed = true;
        m_groupOfSource[size_t(sourceRow)] = existing;
        return;
    }
    const int row = int(m_groups.size() + m_pending.size());
    m_pending.push_back(Group{digest, {Member{tag, sourceRow}}, false, {}});
    if (digest.isEmpty())
        ++m_ungrouped;
    else
        m_rowOfDigest.insert(digest, row);
    m_groupOfSource[size_t(sourceRow)] = row;
}

void DigestGroupModel::unplace(int sourceRow)
{
    const int row = m_groupOfSource[size_t(sourceRow)];
    if (row < 0)
        return;
    Group &group = row < int(m_groups.size()) ? m_groups[size_t(row)]
                                              : m_pending[size_t(row) - m_groups.size()];
    const auto it = std::find_if(group.members.begin(), group.members.end(),
                                 [sourceRow](const Member &m) { return m.sourceRow == sourceRow; });
    if (it != group.members.end()) {
        if (group.members.size() == 1)
            group.lastTag = it->tag;
        group.members.erase(it);
    }
    if (group.digest.isEmpty())
        --m_ungrouped;
    group.changed = true;
    m_groupOfSource[size_t(sourceRow)] = -1;
}

void DigestGroupModel::flush(bool emitChanged)
{
    // Rows that emptied go, from the bottom up, one signal per contiguous run.
    std::vector<int> removed;
    for (int row = 0; row < int(m_groups.size()); ++row) {
        if (m_groups[size_t(row)].members.empty())
            removed.push_back(row);
    }
    if (!removed.empty()) {
        for (auto end = removed.rbegin(); end != removed.rend();) {
            auto start = end;
            while (std::next(start) != removed.rend() && *std::next(start) == *start - 1)
                ++start;
            beginRemoveRows({}, *start, *end);
            m_groups.erase(m_groups.begin() + *start, m_groups.begin() + *end + 1);
            endRemoveRows();
            end = std::next(start);
        }
        // Everything below a removed row moved up by the rows removed above it.
        const auto newRow = [&removed](int row) {
            return row
                   - int(std::lower_bound(removed.begin(), removed.end(), row) - removed.begin());
        };
        for (int &row : m_groupOfSource) {
            if (row >= 0)
                row = newRow(row);
        }
        for (auto it = m_rowOfDigest.begin(); it != m_rowOfDigest.end();) {
            if (std::binary_search(removed.begin(), removed.end(), it.value())) {
                it = m_rowOfDigest.erase(it);
            } else {
                it.value() = newRow(it.value());
                ++it;
            }
        }
    }
    // New rows join at the end (pending rows were numbered from there already).
    if (!m_pending.empty()) {
        const int first = int(m_groups.size());
        beginInsertRows({}, first, first + int(m_pending.size()) - 1);
        std::move(m_pending.begin(), m_pending.end(), std::back_inserter(m_groups));
        m_pending.clear();
        endInsertRows();
    }
    if (!emitChanged) {
        setUngrouped(m_ungrouped);
        return;
    }
    // Rows whose tags changed: one dataChanged per contiguous run.
    const int lastColumn = std::max(0, columnCount() - 1);
    int runStart = -1;
    for (int row = 0; row <= int(m_groups.size()); ++row) {
        const bool changed = row < int(m_groups.size()) && m_groups[size_t(row)].changed;
        if (changed) {
            m_groups[size_t(row)].changed = false;
            if (runStart < 0)
                runStart = row;
        } else if (runStart >= 0) {
            Q_EMIT dataChanged(index(runStart, 0), index(row - 1, lastColumn));
            runStart = -1;
        }
    }
    setUngrouped(m_ungrouped);
}

void DigestGroupModel::setUngrouped(int count)
{
    const bool changed = count != m_reportedUngrouped;
    m_ungrouped = count;
    m_reportedUngrouped = count;
    if (changed)
        Q_EMIT ungroupedCountChanged(count);
}

void DigestGroupModel::onRowsInserted(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid())
        return;
    const int count = last - first + 1;
    if (first < int(m_groupOfSource.size())) {
        // Not at the end (TagTableModel only appends; other models may not).
        for (std::vector<Group> *groups : {&m_groups, &m_pending}) {
            for (Group &group : *groups) {
                for (Member &member : group.members) {
                    if (member.sourceRow >= first)
                        member.sourceRow += count;
                }
            }
        }
    }
    m_groupOfSource.insert(m_groupOfSource.begin() + first, size_t(count), -1);
    for (int row = first; row <= last; ++row)
        place(row, sourceTag(row), sourceDigest(row));
    flush(true);
}

void DigestGroupModel::onRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid())
        return;
    for (int row = first; row <= last; ++row)
        unplace(row);
    // The emptied rows go now, while the source still has what they showed; rows that kept
    // other tags say so once the source rows are renumbered (onRowsRemoved()).
    flush(false);
}

void DigestGroupModel::onRowsRemoved(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid())
        return;
    const int count = last - first + 1;
    for (Group &group : m_groups) {
        for (Member &member : group.members) {
            if (member.sourceRow > last) {
                member.sourceRow -= count;
            }
        }
    }
    m_groupOfSource.erase(m_groupOfSource.begin() + first, m_groupOfSource.begin() + last + 1);
    flush(true);
}

void DigestGroupModel::onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                                     const QList<int> &roles)
{
    if (!topLeft.isValid() || topLeft.parent().isValid())
        return;
    // Only a change of what a row is (its digest, or the listing's) can move it to another
    // row; anything else (metadata, the Shared column) is passed on as it is.
    const bool mayMove = roles.isEmpty() || roles.contains(TagTableModel::DigestRole)
                         || roles.contains(TagTableModel::ListedDigestRole)
                         || roles.contains(TagTableModel::HasExtrasRole)
                         || roles.contains(TagTableModel::TagRole);
    for (int sourceRow = topLeft.row(); sourceRow <= bottomRight.row(); ++sourceRow) {
        const int row = m_groupOfSource[size_t(sourceRow)];
        if (row < 0)
            continue;
        Group &group = m_groups[size_t(row)];
        if (mayMove) {
            const QString digest = sourceDigest(sourceRow);
            bool renamed = false;
            if (roles.isEmpty() || roles.contains(TagTableModel::TagRole)) {
                const QString tag = sourceTag(sourceRow);
                renamed = std::none_of(group.members.cbegin(), group.members.cend(),
                                       [sourceRow, &tag](const Member &m) {
                                           return m.sourceRow == sourceRow && m.tag == tag;
                                       });
            }
            if (digest != group.digest || renamed) {
                unplace(sourceRow);
                place(sourceRow, sourceTag(sourceRow), digest);
                continue;
            }
        }
        group.changed = true;
    }
    flush(true);
}

int DigestGroupModel::rowOfSourceRow(int sourceRow) const
{
    if (sourceRow < 0 || sourceRow >= int(m_groupOfSource.size()))
        return -1;
    const int row = m_groupOfSource[size_t(sourceRow)];
    return row < int(m_groups.size()) ? row : -1;
}

QList<int> DigestGroupModel::sourceRowsOf(int row) const
{
    QList<int> rows;
    if (row < 0 || row >= int(m_groups.size()))
        return rows;
    for (const Member &member : m_groups[size_t(row)].members)
        rows.append(member.sourceRow);
    return rows;
}

QStringList DigestGroupModel::tagsOf(int row) const
{
    QStringList tags;
    if (row < 0 || row >= int(m_groups.size()))
        return tags;
    tags.reserve(qsizetype(m_groups[size_t(row)].members.size()));
    for (const Member &member : m_groups[size_t(row)].members)
        tags.append(member.tag);
    return tags;
}

QString DigestGroupModel::digestOf(int row) const
{
    return row >= 0 && row < int(m_groups.size()) ? m_groups[size_t(row)].digest : QString();
}

QModelIndex DigestGroupModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    return createIndex(row, column);
}

QModelIndex DigestGroupModel::parent(const QModelIndex &) const
{
    return {};
}

int DigestGroupModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_groups.size());
}

int DigestGroupModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() || !sourceModel() ? 0 : sourceModel()->columnCount();
}

bool DigestGroupModel::hasChildren(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_groups.empty();
}

QModelIndex DigestGroupModel::mapToSource(const QModelIndex &proxyIndex) const
{
    if (!proxyIndex.isValid() || !sourceModel() || proxyIndex.model() != this)
        return {};
    const Group &group = m_groups[size_t(proxyIndex.row())];
    if (group.members.empty())
        return {};
    return sourceModel()->index(group.members.front().sourceRow, proxyIndex.column());
}

QModelIndex DigestGroupModel::mapFromSource(const QModelIndex &sourceIndex) const
{
    if (!sourceIndex.isValid() || sourceIndex.model() != sourceModel())
        return {};
    const int row = rowOfSourceRow(sourceIndex.row());
    return row < 0 ? QModelIndex() : index(row, sourceIndex.column());
}

QVariant DigestGroupModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && sourceModel())
        return sourceModel()->headerData(section, orientation, role);
    return QAbstractItemModel::headerData(section, orientation, role);
}

QVariant DigestGroupModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Group &group = m_groups[size_t(index.row())];
    if (group.members.empty()) {
        // A row about to go (its tags left): what it was, for those that follow its tags
        // into their new rows (the view's selection).
        if (role == TagTableModel::TagRole)
            return group.lastTag;
        if (role == DigestKnownRole)
            return !group.digest.isEmpty();
        return {};
    }
    const bool known = !group.digest.isEmpty();
    const int size = int(group.members.size());
    switch (role) {
    case GroupTagsRole:
        return tagsOf(index.row());
    case GroupSizeRole:
        return size;
    case DigestKnownRole:
        return known;
    case TagTableModel::TagRole:
        return group.members.front().tag;
    case TagTableModel::DigestRole:
        if (known)
            return group.digest;
        break;
    default:
        break;
    }
    const int column = index.column();
    if (column == TagTableModel::TagColumn && role == TagTableModel::SortRole)
        return group.members.front().tag; // a row sorts by its first tag
    if (column == TagTableModel::TagColumn && size > 1) {
        if (role == Qt::DisplayRole) {
            QStringList names;
            for (int i = 0; i < std::min(size, NamesShown); ++i)
                names.append(ServerText::visible(group.members[size_t(i)].tag));
            if (size > NamesShown)
                names.append(u"\u2026"_s);
            return tr("%n tags: %1", nullptr, size).arg(names.join(u", "_s));
        }
        if (role == Qt::ToolTipRole) {
            QStringList names;
            for (int i = 0; i < std::min(size, NamesInToolTip); ++i)
                names.append(ServerText::visible(group.members[size_t(i)].tag));
            QString text = tr("%n loaded tag(s) of %1:", nullptr, size)
                                   .arg(Digest::shortForm(group.digest))
                           + u'\n' + names.join(u'\n');
            if (size > NamesInToolTip)
                text += u'\n' + tr("and %n more", nullptr, size - NamesInToolTip);
            return text;
        }
    }
    if (column == TagTableModel::TagColumn && !known && role == Qt::ToolTipRole) {
        return tr("The digest of this tag is not known yet: it joins its image's row once its "
                  "metadata arrives (scroll to it, or sort by a metadata column).");
    }
    if (known && column == TagTableModel::DigestColumn) {
        // Known from the listing (Harbor) before the row's own metadata arrives.
        if (role == Qt::DisplayRole)
            return Digest::shortForm(group.digest);
        if (role == Qt::ToolTipRole || role == TagTableModel::SortRole)
            return group.digest;
    }
    if (known && column == TagTableModel::SharedColumn
        && (role == Qt::DisplayRole || role == TagTableModel::SortRole))
        return size;
    return sourceModel()->data(mapToSource(index), role);
}

} // namespace Berth
