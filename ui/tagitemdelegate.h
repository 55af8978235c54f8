#pragma once

#include <QStyledItemDelegate>

namespace Berth {

//! Draws the tag table's cells: values not known yet (placeholders) in the palette's
//! placeholder colour, rows shown from the cache in italics, failed rows with a warning icon
//! in the digest column. Everything else as the style draws it.
class TagItemDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TagItemDelegate)
public:
    explicit TagItemDelegate(QObject *parent = nullptr);

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
};

} // namespace Berth
