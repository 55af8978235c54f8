#pragma once

#include "models/cleanup/cleanupplan.h"

#include <QAbstractTableModel>

namespace Berth {

//! A clean-up plan as a table: one row per tag (tag, action, digest, created, pushed, reason),
//! then one per untagged image the rules look at ("<untagged>" as its tag), for the window's
//! live preview. SortRole gives comparable values (times as QDateTime, actions
//! by severity); a tag still loading shows "loading" as its action.
class CleanupPlanModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CleanupPlanModel)
public:
    enum Column {
        TagColumn,
        ActionColumn,
        DigestColumn,
        CreatedColumn,
        PushedColumn,
        ReasonColumn,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole + 1, ActionRole };

    using QAbstractTableModel::QAbstractTableModel;

    void setPlan(const CleanupPlan &plan);
    const CleanupPlan &plan() const { return m_plan; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    //! A row of either kind, as the columns show it.
    struct Row
    {
        QString tag; //!< empty: an untagged image
        QString digest;
        QDateTime created;
        QDateTime pushed;
        CleanupAction action;
        QString reason;
        bool pending;
    };
    Row row(int index) const;

    CleanupPlan m_plan;
};

} // namespace Berth
