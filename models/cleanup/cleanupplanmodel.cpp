#include "models/cleanup/cleanupplanmodel.h"

#include "net/core/digest.h"

#include <QLocale>

using namespace Qt::StringLiterals;

namespace Berth {

void CleanupPlanModel::setPlan(const CleanupPlan &plan)
{
    // Same tags in the same (natural) order: only the cells changed, and a view keeps its
    // selection and scroll position while the plan fills in.
    bool sameRows = plan.tags.size() == m_plan.tags.size()
                    && plan.untagged.size() == m_plan.untagged.size();
    for (qsizetype i = 0; sameRows && i < plan.tags.size(); ++i)
        sameRows = plan.tags.at(i).tag == m_plan.tags.at(i).tag;
    for (qsizetype i = 0; sameRows && i < plan.untagged.size(); ++i)
        sameRows = plan.untagged.at(i).digest == m_plan.untagged.at(i).digest;
    if (sameRows) {
        m_plan = plan;
        if (rowCount() > 0)
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_plan = plan;
    endResetModel();
}

int CleanupPlanModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_plan.tags.size() + m_plan.untagged.size());
}

CleanupPlanModel::Row CleanupPlanModel::row(int index) const
{
    if (index < m_plan.tags.size()) {
        const PlannedTag &tag = m_plan.tags.at(index);
        return Row{tag.tag,    tag.digest, tag.created, tag.pushed,
                   tag.action, tag.reason, tag.pending};
    }
    const PlannedImage &image = m_plan.untagged.at(index - m_plan.tags.size());
    return Row{{},           image.digest, image.created, image.pushed,
               image.action, image.reason, image.pending};
}

int CleanupPlanModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CleanupPlanModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const Row tag = row(index.row());
    if (role == ActionRole)
        return int(tag.action);
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case TagColumn:
        if (tag.tag.isEmpty())
            return role == SortRole ? QString() : tr("<untagged>");
        return tag.tag;
    case ActionColumn:
        if (tag.pending)
            return role == SortRole ? QVariant(-1) : QVariant(tr("loading"));
        return role == SortRole ? QVariant(int(tag.action))
                                : QVariant(CleanupPlan::actionName(tag.action));
    case DigestColumn:
        return role == Qt::DisplayRole ? Digest::shortForm(tag.digest) : tag.digest;
    case CreatedColumn:
    case PushedColumn: {
        const QDateTime time = index.column() == CreatedColumn ? tag.created : tag.pushed;
        if (role == SortRole)
            return time.isValid() ? time.toMSecsSinceEpoch() : qint64(-1);
        return time.isValid() ? QLocale().toString(time.toLocalTime(), QLocale::ShortFormat)
                              : QString();
    }
    case ReasonColumn:
        return tag.reason;
    default:
        return {};
    }
}

QVariant CleanupPlanModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TagColumn:
        return tr("Tag");
    case ActionColumn:
        return tr("Action");
    case DigestColumn:
        return tr("Digest");
    case CreatedColumn:
        return tr("Created");
    case PushedColumn:
        return tr("Pushed");
    case ReasonColumn:
        return tr("Reason");
    default:
        return {};
    }
}

} // namespace Berth
