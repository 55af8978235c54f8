#include "ui/tagitemdelegate.h"

#include "models/tags/digestgroupmodel.h"
#include "models/tags/tagtablemodel.h"
#include "ui/icons.h"

using namespace Qt::StringLiterals;

namespace Berth {

TagItemDelegate::TagItemDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{}

void TagItemDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    if (index.column() == TagTableModel::TagColumn) {
        // A name the registry listed that no tag may have: flagged where the name is.
        if (index.data(TagTableModel::InvalidNameRole).toBool()) {
            option->features |= QStyleOptionViewItem::HasDecoration;
            option->icon = Icons::themed(u"dialog-warning"_s);
        }
        // Grouped by image: a tag whose digest is not known yet is not an image's row; dimmed
        // until it joins its group (the tooltip says why).
        const QVariant known = index.data(DigestGroupModel::DigestKnownRole);
        if (known.isValid() && !known.toBool() && !(option->state & QStyle::State_Selected)) {
            option->palette.setColor(QPalette::Text,
                                     option->palette.color(QPalette::PlaceholderText));
        }
        return;
    }
    const auto state = index.data(TagTableModel::LoadStateRole).value<TagTableModel::LoadState>();
    const bool selected = option->state & QStyle::State_Selected;
    switch (state) {
    case TagTableModel::LoadState::NotLoaded:
    case TagTableModel::LoadState::Loading:
        // The model's "…" placeholder: visibly not a value yet. Selected rows keep the
        // highlighted text colour, which the placeholder colour would not contrast with.
        if (!selected) {
            option->palette.setColor(QPalette::Text,
                                     option->palette.color(QPalette::PlaceholderText));
        }
        break;
    case TagTableModel::LoadState::Cached:
        option->font.setItalic(true);
        break;
    case TagTableModel::LoadState::Failed:
        if (index.column() == TagTableModel::DigestColumn) {
            option->features |= QStyleOptionViewItem::HasDecoration;
            option->icon = Icons::themed(u"dialog-error"_s);
        }
        if (!selected) {
            option->palette.setColor(QPalette::Text,
                                     option->palette.color(QPalette::PlaceholderText));
        }
        break;
    case TagTableModel::LoadState::Loaded:
        break;
    }
}

} // namespace Berth
