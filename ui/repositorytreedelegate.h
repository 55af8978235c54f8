#pragma once

#include <QStyledItemDelegate>

namespace Berth {

//! Draws the repository tree's rows with the watch state beside the name: a filled badge with
//! the count of new or moved tags not seen yet (repositories, and folders summing theirs), a
//! quiet "watched" pill for a watched repository with nothing new, and a warning pill when its
//! last check failed (the tooltip says why).
class RepositoryTreeDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RepositoryTreeDelegate)
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    //! What the pill beside the name says ("3", "watched", "check failed"); empty = none.
    static QString badgeText(const QModelIndex &index);
};

} // namespace Berth
