#include "ui/tagtableview.h"

#include "models/tags/digestgroupmodel.h"
#include "models/tags/metadataupdater.h"
#include "models/tags/tagfilterproxymodel.h"
#include "models/tags/tagtablemodel.h"
#include "ui/tagitemdelegate.h"

#include <QContextMenuEvent>
#include <QDateTime>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLocale>
#include <QScrollBar>
#include <QTimer>

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
    if (!m_groups) {
        m_groups = new DigestGroupModel(this);
        m_groupProxy = new TagFilterProxyModel(this);
        m_groupProxy->setObjectName(u"groupProxy"_s);
        connect(m_groups, &DigestGroupModel::ungroupedCountChanged, this,
                &TagTableView::groupingChanged);
    }
    setModel(proxy);
    sortByColumn(horizontalHeader()->sortIndicatorSection(),
                 horizontalHeader()->sortIndicatorOrder());
    for (TagFilterProxyModel *shown : {proxy, m_groupProxy}) {
        connect(shown, &QAbstractItemModel::modelReset, this, &TagTableView::reportVisibleRows);
        connect(shown, &QAbstractItemModel::layoutChanged, this, &TagTableView::reportVisibleRows);
        connect(shown, &QAbstractItemModel::rowsInserted, this, &TagTableView::reportVisibleRows);
        connect(shown, &QAbstractItemModel::rowsRemoved, this, &TagTableView::reportVisibleRows);
        connect(shown, &QAbstractItemModel::modelReset, this, [this, shown] {
            if (shown == shownProxy())
                Q_EMIT currentTagChanged({});
        });
    }
    connectSelectionModel();

    // A selected tag whose digest was not known yet leaves its row when it joins its image's:
    // the image's row is selected instead (and made current if the tag's row was).
    connect(m_groupProxy, &QAbstractItemModel::rowsAboutToBeRemoved, this,
            [this](const QModelIndex &parent, int first, int last) {
                if (!m_grouped || parent.isValid())
                    return;
                const QModelIndex current = currentIndex();
                for (int row = first; row <= last; ++row) {
                    const QModelIndex index = m_groupProxy->index(row, 0);
                    if (index.data(DigestGroupModel::DigestKnownRole).toBool())
                        continue;
                    const bool isCurrent = current.isValid() && current.row() == row;
                    if (isCurrent || selectionModel()->isRowSelected(row, {}))
                        m_joining.append(
                                {index.data(TagTableModel::TagRole).toString(), isCurrent});
                }
            });
    connect(m_groupProxy, &QAbstractItemModel::rowsRemoved, this, [this] {
        // After the grouping's whole batch (it removes rows, then inserts new images): only
        // then do its rows map back consistently.
        if (!m_joining.isEmpty() && !m_joiningScheduled) {
            m_joiningScheduled = true;
            QTimer::singleShot(0, this, &TagTableView::followJoiningTags);
        }
    });

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
    // What VulnerabilitySummary::text() shows for a typical scan; the tooltip has the rest.
    header->resizeSection(TagTableModel::VulnerabilitiesColumn,
                          fit(u"7 (2 High, 1 Medium, 4 Low)"_s));
    header->resizeSection(TagTableModel::ImmutableColumn, fit(u"immutable"_s));
    // Harbor's push time and scan result right after Size, before Created and the wide
    // Platforms: on Harbor they are what people look at, and at 1280 px with the navigator and
    // the details pane open the table is about 720 px wide: Tag, Digest, Size, Pushed and
    // Vulnerabilities (about 670 px) fit; after Created the scan result was cut off at the
    // pane's edge. Hidden on plain registries, so that layout is unchanged. A saved header
    // state (MainWindow::restoreLayout()) replaces this order.
    int to = header->visualIndex(TagTableModel::SizeColumn) + 1;
    for (int column : {TagTableModel::PushedColumn, TagTableModel::VulnerabilitiesColumn})
        header->moveSection(header->visualIndex(column), to++);
    to = header->visualIndex(TagTableModel::CreatedColumn) + 1;
    for (int column :
         {TagTableModel::LabelsColumn, TagTableModel::PulledColumn, TagTableModel::ImmutableColumn})
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
    const TagFilterProxyModel *shown = shownProxy();
    if (!shown || shown->rowCount() == 0)
        return {-1, -1};
    const int first = std::max(0, rowAt(0));
    int last = rowAt(viewport()->height() - 1);
    if (last < 0)
        last = shown->rowCount() - 1;
    return {first, last};
}

void TagTableView::reportVisibleRows()
{
    if (!m_model || !m_proxy)
        return;
    // Only the range: the model's updater decides what around it to load (its margin rule, in
    // this view's order) and coalesces a scroll's many reports into one. Grouped, a row maps
    // to its image's first tag, or to the tag whose digest is not known yet: scrolling to it
    // is what resolves it.
    const auto [first, last] = visibleProxyRows();
    if (first < 0)
        m_model->updater()->clearVisibleRange();
    else
        m_model->updater()->setVisibleRange(first, last, shownProxy());
}

TagFilterProxyModel *TagTableView::shownProxy() const
{
    return m_grouped ? m_groupProxy : m_proxy;
}

void TagTableView::connectSelectionModel()
{
    connect(selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { onCurrentChanged(current); });
}

void TagTableView::setGrouped(bool grouped)
{
    if (grouped == m_grouped || !m_model || !m_proxy)
        return;
    // What is selected, in tags: a selected tag's image is selected, and back, the tags that
    // were selected in it (else its first tag).
    QStringList select;
    QString current;
    if (grouped) {
        m_flatSelection = selectedTags();
        const int row = currentSourceRow();
        m_flatCurrent = row >= 0 ? m_model->index(row, 0).data(TagTableModel::TagRole).toString()
                                 : QString();
        select = m_flatSelection;
        current = m_flatCurrent;
    } else {
        QModelIndexList selected = selectionModel()->selectedRows();
        std::sort(selected.begin(), selected.end(),
                  [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
        const auto tagsOf = [this](const QModelIndex &index) {
            return m_groups->tagsOf(m_groupProxy->mapToSource(index).row());
        };
        for (const QModelIndex &index : std::as_const(selected)) {
            const QStringList tags = tagsOf(index);
            QStringList kept;
            for (const QString &tag : tags) {
                if (m_flatSelection.contains(tag))
                    kept.append(tag);
            }
            select += kept.isEmpty() && !tags.isEmpty() ? QStringList{tags.constFirst()} : kept;
        }
        const QModelIndex currentAt = currentIndex();
        if (currentAt.isValid()) {
            const QStringList tags = tagsOf(currentAt);
            current = tags.contains(m_flatCurrent) ? m_flatCurrent
                      : tags.isEmpty()             ? QString()
                                                   : tags.constFirst();
        }
    }

    QHeaderView *header = horizontalHeader();
    // setModel() starts the header over: the person's widths, order and hidden columns stay.
    const QByteArray headerState = header->saveState();
    QItemSelectionModel *oldSelection = selectionModel();
    if (grouped) {
        m_groups->setSourceModel(m_model);
        m_groupProxy->setDebounceInterval(m_proxy->debounceInterval());
        m_groupProxy->setTagModel(m_model, m_groups);
        m_groupProxy->followFilterOf(m_proxy);
    }
    // Only now: until the view shows the other proxy, its indexes are the flat proxy's.
    m_grouped = grouped;
    setModel(shownProxy());
    header->restoreState(headerState);
    // An image's row names its tags ("3 tags: 1.0, 1.0.1, stable"): a wider Tag column while
    // grouped, the person's own width back when flat.
    if (grouped) {
        m_flatTagWidth = header->sectionSize(TagTableModel::TagColumn);
        const int wide = fontMetrics().horizontalAdvance(u"3 tags: 1.12.0, 1.12, latest"_s)
                         + fontMetrics().horizontalAdvance(u'M') * 2;
        header->resizeSection(TagTableModel::TagColumn, std::max(m_flatTagWidth, wide));
    } else if (m_flatTagWidth > 0) {
        header->resizeSection(TagTableModel::TagColumn, m_flatTagWidth);
    }
    oldSelection->deleteLater();
    connectSelectionModel();
    if (!grouped) {
        // Flat again: the grouping follows nothing and costs nothing.
        m_groupProxy->followFilterOf(nullptr);
        m_groupProxy->setTagModel(nullptr);
        m_groups->setSourceModel(nullptr);
    }
    sortByColumn(header->sortIndicatorSection(), header->sortIndicatorOrder());

    QItemSelection rows;
    for (const QString &tag : std::as_const(select)) {
        const QModelIndex index = viewIndexOfSourceRow(m_model->rowOfTag(tag));
        if (index.isValid())
            rows.select(index, index);
    }
    selectionModel()->select(rows, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    const QModelIndex restored = viewIndexOfSourceRow(m_model->rowOfTag(current));
    if (restored.isValid()) {
        selectionModel()->setCurrentIndex(restored, QItemSelectionModel::NoUpdate);
        scrollTo(restored);
    } else {
        Q_EMIT currentTagChanged({});
    }
    reportVisibleRows();
    Q_EMIT groupedChanged(grouped);
    Q_EMIT groupingChanged();
}

void TagTableView::followJoiningTags()
{
    m_joiningScheduled = false;
    // A tag that found no row was deleted (or filtered out), not grouped: let go.
    const QList<Joining> waiting = std::exchange(m_joining, {});
    if (!m_grouped || !m_model)
        return;
    for (const Joining &joining : waiting) {
        const QModelIndex index = viewIndexOfSourceRow(m_model->rowOfTag(joining.tag));
        if (!index.isValid())
            continue;
        if (joining.current) {
            selectionModel()->setCurrentIndex(index, QItemSelectionModel::Select
                                                             | QItemSelectionModel::Rows);
        } else {
            selectionModel()->select(index,
                                     QItemSelectionModel::Select | QItemSelectionModel::Rows);
        }
    }
}

QString TagTableView::groupingText() const
{
    if (!m_grouped || !m_groups || m_groups->ungroupedCount() == 0)
        return {};
    return tr("%n tag(s) not grouped yet (digest not known until shown)", nullptr,
              m_groups->ungroupedCount());
}

QList<int> TagTableView::sourceRowsOfViewRow(const QModelIndex &index) const
{
    const TagFilterProxyModel *shown = shownProxy();
    if (!index.isValid() || !shown)
        return {};
    const QModelIndex source = shown->mapToSource(index);
    if (!source.isValid())
        return {};
    return m_grouped ? m_groups->sourceRowsOf(source.row()) : QList<int>{source.row()};
}

QModelIndex TagTableView::viewIndexOfSourceRow(int sourceRow) const
{
    if (!m_model || sourceRow < 0 || sourceRow >= m_model->rowCount())
        return {};
    QModelIndex index = m_model->index(sourceRow, 0);
    if (m_grouped)
        index = m_groups->mapFromSource(index);
    return index.isValid() ? shownProxy()->mapFromSource(index) : QModelIndex();
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
    if (!m_proxy || !selectionModel())
        return rows;
    QModelIndexList selected = selectionModel()->selectedRows();
    std::sort(selected.begin(), selected.end(),
              [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    rows.reserve(selected.size());
    for (const QModelIndex &index : std::as_const(selected)) {
        const QList<int> sources = sourceRowsOfViewRow(index);
        if (!sources.isEmpty())
            rows.append(sources.constFirst());
    }
    return rows;
}

QStringList TagTableView::selectedMemberTags() const
{
    QStringList tags;
    if (!m_model || !selectionModel())
        return tags;
    QModelIndexList selected = selectionModel()->selectedRows();
    std::sort(selected.begin(), selected.end(),
              [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    for (const QModelIndex &index : std::as_const(selected)) {
        const QList<int> sources = sourceRowsOfViewRow(index);
        for (int row : sources)
            tags.append(m_model->index(row, 0).data(TagTableModel::TagRole).toString());
    }
    return tags;
}

bool TagTableView::selectionHasImageRows() const
{
    if (!m_grouped || !selectionModel())
        return false;
    const QModelIndexList selected = selectionModel()->selectedRows();
    return std::any_of(selected.cbegin(), selected.cend(), [this](const QModelIndex &index) {
        return sourceRowsOfViewRow(index).size() > 1;
    });
}

QStringList TagTableView::currentImageTags() const
{
    const QModelIndex current = currentIndex();
    if (!m_grouped || !current.isValid())
        return {};
    return m_groups->tagsOf(m_groupProxy->mapToSource(current).row());
}

QString TagTableView::currentImageDigest() const
{
    const QModelIndex current = currentIndex();
    if (!m_grouped || !current.isValid())
        return {};
    return m_groups->digestOf(m_groupProxy->mapToSource(current).row());
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
    const QList<int> rows = sourceRowsOfViewRow(currentIndex());
    return rows.isEmpty() ? -1 : rows.constFirst();
}

bool TagTableView::selectTag(const QString &tag)
{
    if (!m_model)
        return false;
    const int row = m_model->rowOfTag(tag);
    if (row < 0)
        return false;
    const QModelIndex index = viewIndexOfSourceRow(row);
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
