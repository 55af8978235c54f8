#pragma once

#include <QSet>
#include <QTableView>

class QTimer;

namespace Berth {

class TagFilterProxyModel;
class TagTableModel;

//! The tag table: a QTableView over TagFilterProxyModel over TagTableModel. Tells the model
//! which source rows are on screen (and which are a screen around them) on scroll, resize,
//! reset, layout change and insertions, so metadata is fetched only for what is seen; sorts by
//! header click; multi-row selection; placeholders drawn dimmed.
class TagTableView final : public QTableView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TagTableView)
public:
    explicit TagTableView(QWidget *parent = nullptr);

    //! The view shows proxy, whose source must be a TagTableModel.
    void setTagModels(TagTableModel *model, TagFilterProxyModel *proxy);
    TagTableModel *tagModel() const { return m_model; }
    TagFilterProxyModel *proxyModel() const { return m_proxy; }

    //! Source rows of the selected tags, in view order.
    QList<int> selectedSourceRows() const;
    //! Tags of the selected rows, in view order.
    QStringList selectedTags() const;
    //! The source row of the current index, -1 if none.
    int currentSourceRow() const;
    //! Selects the row of tag (if loaded) and scrolls to it.
    bool selectTag(const QString &tag);

    //! Harbor's columns (pushed, pulled, labels, vulnerabilities, immutable) are shown when the
    //! repository's backend has them (TagTableModel::hasHarborColumns()) and hidden otherwise;
    //! one the person hid (setColumnHiddenByUser()) stays hidden.
    void setHarborColumnsAvailable(bool available);
    void setColumnHiddenByUser(int column, bool hidden);
    bool harborColumnsAvailable() const { return m_harborColumns; }

    //! Proxy rows on screen (inclusive); (-1, -1) when empty. For tests and the status line.
    QPair<int, int> visibleProxyRows() const;
    //! Tells the model's updater which rows are on screen (on every scroll, resize and row
    //! change; the updater coalesces).
    void reportVisibleRows();

Q_SIGNALS:
    //! Right-click or the menu key over the table, in global coordinates.
    void contextMenuRequestedAt(const QPoint &globalPos);
    //! The current tag changed (selection or keyboard); empty when none.
    void currentTagChanged(const QString &tag);

protected:
    void resizeEvent(QResizeEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    void onCurrentChanged(const QModelIndex &current);

    TagTableModel *m_model = nullptr;
    TagFilterProxyModel *m_proxy = nullptr;
    QSet<int> m_hiddenByUser;
    bool m_harborColumns = true;
};

} // namespace Berth
