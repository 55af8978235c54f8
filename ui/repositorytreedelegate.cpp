#include "ui/repositorytreedelegate.h"

#include "models/repositories/repositorytreemodel.h"
#include "models/session/registrysession.h"

#include <QApplication>
#include <QPainter>
#include <QStyle>

#include <algorithm>

namespace Berth {

namespace {

// Space between the name and the pill, and inside the pill around its text.
constexpr int Gap = 6;
constexpr int Padding = 5;

enum class Badge { None, Unseen, Watched, Failed };

Badge badgeOf(const QModelIndex &index)
{
    if (index.data(RepositoryTreeModel::UnseenCountRole).toInt() > 0)
        return Badge::Unseen;
    if (!index.data(RepositoryTreeModel::WatchedRole).toBool())
        return Badge::None;
    if (!index.data(RepositoryTreeModel::WatchErrorRole).toString().isEmpty())
        return Badge::Failed;
    return Badge::Watched;
}

QFont badgeFont(const QFont &base, Badge badge)
{
    QFont font = base;
    font.setPointSizeF(base.pointSizeF() * 0.85);
    font.setBold(badge == Badge::Unseen);
    return font;
}

int badgeWidth(const QStyleOptionViewItem &option, const QString &text, Badge badge)
{
    return QFontMetrics(badgeFont(option.font, badge)).horizontalAdvance(text) + 2 * Padding;
}

} // namespace

QString RepositoryTreeDelegate::badgeText(const QModelIndex &index)
{
    switch (badgeOf(index)) {
    case Badge::Unseen:
        return QString::number(index.data(RepositoryTreeModel::UnseenCountRole).toInt());
    case Badge::Watched:
        return tr("watched");
    case Badge::Failed:
        return tr("check failed");
    case Badge::None:
        break;
    }
    return {};
}

void RepositoryTreeDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                   const QModelIndex &index) const
{
    const Badge badge = badgeOf(index);
    if (badge == Badge::None) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString text = badgeText(index);
    const int pillWidth = badgeWidth(opt, text, badge);
    const QWidget *widget = opt.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    // The name gives way to the pill: elided so that both fit.
    const QRect textRect = style->subElementRect(QStyle::SE_ItemViewItemText, &opt, widget);
    const int room = std::max(0, textRect.width() - pillWidth - Gap - 4);
    opt.text = opt.fontMetrics.elidedText(opt.text, opt.textElideMode, room);
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const int nameWidth = opt.fontMetrics.horizontalAdvance(opt.text);
    const QFont font = badgeFont(opt.font, badge);
    const int height = std::min(textRect.height() - 2, QFontMetrics(font).height() + 2);
    const QRect pill(textRect.left() + nameWidth + Gap,
                     textRect.top() + (textRect.height() - height) / 2, pillWidth, height);
    const bool selected = opt.state & QStyle::State_Selected;
    const QPalette &palette = opt.palette;
    QColor fill;
    QColor border;
    QColor ink;
    switch (badge) {
    case Badge::Unseen:
        fill = selected ? palette.color(QPalette::HighlightedText)
                        : palette.color(QPalette::Highlight);
        border = fill;
        ink = selected ? palette.color(QPalette::Highlight)
                       : palette.color(QPalette::HighlightedText);
        break;
    case Badge::Watched:
        ink = selected ? palette.color(QPalette::HighlightedText)
                       : palette.color(QPalette::PlaceholderText);
        border = ink;
        break;
    case Badge::Failed:
        // The same red in light and dark: readable on both bases.
        ink = selected ? palette.color(QPalette::HighlightedText) : QColor(0xd0, 0x40, 0x30);
        border = ink;
        break;
    case Badge::None:
        break;
    }
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(border);
    painter->setBrush(fill.isValid() ? QBrush(fill) : QBrush(Qt::NoBrush));
    painter->drawRoundedRect(QRectF(pill).adjusted(0.5, 0.5, -0.5, -0.5), height / 2.0,
                             height / 2.0);
    painter->setFont(font);
    painter->setPen(ink);
    painter->drawText(pill, Qt::AlignCenter, text);
    painter->restore();
}

QSize RepositoryTreeDelegate::sizeHint(const QStyleOptionViewItem &option,
                                       const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    const Badge badge = badgeOf(index);
    if (badge != Badge::None)
        size.rwidth() += badgeWidth(option, badgeText(index), badge) + Gap;
    return size;
}

} // namespace Berth
