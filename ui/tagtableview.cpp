#include "ui/tagtableview.h"

#include "models/tags/metadataupdater.h"
#include "models/tags/tagfilterproxymodel.h"
#include "models/tags/tagtablemodel.h"
#include "ui/tagitemdelegate.h"

#include <QContextMenuEvent>
#include <QDateTime>
#include <QHeaderView>
#include <QLocale>
#include <QScrollBar>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Berth {

TagTableView::TagTableView(QWidget *parent)
    : QTableView(parent)
{
    setObjectName(u"tagTable"_s);
    setItemDelegate(new TagItemDelegate(this));
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setAlternatingRowColors(true);
    setShowGrid(false);
    setWordWrap(false);
    setTextElideMode(Qt::ElideRight);
    setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    setContextMenuPolicy(Qt::DefaultContextMenu);
    setTabKeyNavigation(false);
    // Every row is one line: fixed heights keep 100,000 rows cheap to lay out.
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    verticalHeader()->hide();
    horizontalHeader()->setSectionsMovable(true);
    horizontalHeader()->setHighlightSections(false);
    horizontalHeader()->setStretchLastSection(true);
    horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    // Tags in natural order ("1.10" after "1.9") from the start: registries list them in an
    // order of their own. Sorting by tag needs no metadata, so it costs no requests.
    horizontalHeader()->setSortIndicator(TagTableModel::TagColumn, Qt::AscendingOrder);
    setSortingEnabled(true);
}

void TagTableView::setTagModels(TagTableModel *model, TagFilterProxyModel *proxy)
{
    m_model = model;
    m_proxy = proxy;
    setModel(proxy);
    sortByColumn(horizontalHeader()->sortIndicatorSection(),
                 horizontalHeader()->sortIndicatorOrder());
    connect(proxy, &QAbstractItemModel::modelReset, this, &TagTableView::reportVisibleRows);
    connect(proxy, &QAbstractItemModel::layoutChanged, this, &TagTableView::reportVisibleRows);
    connect(proxy, &QAbstractItemModel::rowsInserted, this, &TagTableView::reportVisibleRows);
    connect(proxy, &QAbstractItemModel::rowsRemoved, this, &TagTableView::reportVisibleRows);
    connect(selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { onCurrentChanged(current); });
    connect(proxy, &QAbstractItemModel::modelReset, this, [this] { Q_EMIT currentTagChanged({}); });

    QHeaderView *header = horizontalHeader();
    const QFontMetrics metrics = fontMetrics();
    // Each column as wide as what it typically holds, plus the cell's padding; the last one
    // stretches. Measured on sample values so fonts and locales of any size fit.
    const int pad = metrics.horizontalAdvance(u'M') * 2;
    const auto fit = [&metrics, pad](const QString &sample) {
        return metrics.horizontalAdvance(sample) + pad;
    };
    const QString sampleTime = QLocale().toString(QDateTime(QDate(2024, 12, 28), QTime(23, 59)),
                                                  QLocale::ShortFormat);
    header->resizeSection(TagTableModel::TagColumn, fit(u"1.12.0-alpine3.20"_s));
    header->resizeSection(TagTableModel::DigestColumn, fit(u"0123456789ab"_s));
    header->resizeSection(TagTableModel::SizeColumn, fit(u"999.99 MiB"_s));
    header->resizeSection(TagTableModel::CreatedColumn, fit(sampleTime));
    header->resizeSection(TagTableModel::PlatformsColumn, fit(u"linux/amd64, linux/arm64"_s));
    header->resizeSection(TagTableModel::KindColumn, fit(u"signature"_s));
    header->resizeSection(TagTableModel::SharedColumn, fit(u"Shared"_s));
    header->resizeSection(TagTableModel::PushedColumn, fit(sampleTime));
    header->resizeSection(TagTableModel::PulledColumn, fit(sampleTime));
    header->resizeSection(TagTableModel::LabelsColumn, fit(u"release, qa-passed"_s));
    header->resizeSection(TagTableModel::VulnerabilitiesColumn, fit(u"Critical 12 (8 fixable)"_s));
    header->resizeSection(TagTableModel::ImmutableColumn, fit(u"immutable"_s));
    // Harbor's columns right after Created, before the wide Platforms: on Harbor the push
    // time and scan result are what people look at, and at 1280 px they would otherwise start
    // beyond the right edge. Hidden on plain registries, so that layout is unchanged. A saved
    // header state (MainWindow::restoreLayout()) replaces this order.
    int to = header->visualIndex(TagTableModel::CreatedColumn) + 1;
    for (int column :
         {TagTableModel::PushedColumn, TagTableModel::VulnerabilitiesColumn,
          TagTableModel::LabelsColumn, TagTableModel::PulledColumn, TagTableModel::ImmutableColumn})
        header->moveSection(header->visualIndex(column), to++);
    setHarborColumnsAvailable(m_model->hasHarborColumns());
}

void TagTableView::setHarborColumnsAvailable(bool available)
{
    m_harborColumns = available;
    QHeaderView *header = horizontalHeader();
    for (int column = TagTableModel::PushedColumn; column < TagTableModel::ColumnCount; ++column)
        header->setSectionHidden(column, !available || m_hiddenByUser.contains(column));
}

void TagTableView::setColumnHiddenByUser(int column, bool hidden)
{
    if (hidden)
        m_hiddenByUser.insert(column);
    else
        m_hiddenByUser.remove(column);
    horizontalHeader()->setSectionHidden(
            column, hidden || (TagTableModel::isHarborColumn(column) && !m_harborColumns));
}

QPair<int, int> TagTableView::visibleProxyRows() const
{
    if (!m_proxy || m_proxy->rowCount() == 0)
        return {-1, -1};
    const int first = std::max(0, rowAt(0));
    int last = rowAt(viewport()->height() - 1);
    if (last < 0)
        last = m_proxy->rowCount() - 1;
    return {first, last};
}

void TagTableView::reportVisibleRows()
{
    if (!m_model || !m_proxy)
        return;
    // Only the range: the model's updater decides what around it to load (its margin rule, in
    // this view's order) and coalesces a scroll's many reports into one.
    const auto [first, last] = visibleProxyRows();
    if (first < 0)
        m_model->updater()->clearVisibleRange();
    else
        m_model->updater()->setVisibleRange(first, last, m_proxy);
}

void TagTableView::resizeEvent(QResizeEvent *event)
{
    QTableView::resizeEvent(event);
    reportVisibleRows();
}

void TagTableView::scrollContentsBy(int dx, int dy)
{
    QTableView::scrollContentsBy(dx, dy);
    if (dy != 0)
        reportVisibleRows();
}

void TagTableView::contextMenuEvent(QContextMenuEvent *event)
{
    // Right-click on an unselected row selects it first, as file managers do.
    const QModelIndex index = indexAt(event->pos());
    if (index.isValid() && !selectionModel()->isRowSelected(index.row(), index.parent())) {
        selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect
                                                         | QItemSelectionModel::Rows);
    }
    Q_EMIT contextMenuRequestedAt(event->globalPos());
    event->accept();
}

QList<int> TagTableView::selectedSourceRows() const
{
    QList<int> rows;
    if (!m_proxy)
        return rows;
    QModelIndexList selected = selectionModel()->selectedRows();
    std::sort(selected.begin(), selected.end(),
              [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    rows.reserve(selected.size());
    for (const QModelIndex &index : std::as_const(selected))
        rows.append(m_proxy->mapToSource(index).row());
    return rows;
}

QStringList TagTableView::selectedTags() const
{
    QStringList tags;
    if (!m_model)
        return tags;
    const QList<int> rows = selectedSourceRows();
    for (int row : rows)
        tags.append(m_model->index(row, 0).data(TagTableModel::TagRole).toString());
    return tags;
}

int TagTableView::currentSourceRow() const
{
    const QModelIndex current = currentIndex();
    return current.isValid() && m_proxy ? m_proxy->mapToSource(current).row() : -1;
}

bool TagTableView::selectTag(const QString &tag)
{
    if (!m_model)
        return false;
    const int row = m_model->rowOfTag(tag);
    if (row < 0)
        return false;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!index.isValid())
        return false;
    selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect
                                                     | QItemSelectionModel::Rows);
    scrollTo(index);
    return true;
}

void TagTableView::onCurrentChanged(const QModelIndex &current)
{
    const QString tag = current.isValid() && m_proxy
                                ? current.siblingAtColumn(TagTableModel::TagColumn)
                                          .data(TagTableModel::TagRole)
                                          .toString()
                                : QString();
    Q_EMIT currentTagChanged(tag);
}

} // namespace Berth
