#pragma once

#include <QSet>
#include <QTableView>

class QTimer;

namespace Berth {

class DigestGroupModel;
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
    //! The flat proxy (tags), whatever the view shows.
    TagFilterProxyModel *proxyModel() const { return m_proxy; }

    //! Grouped by image: one row per digest (DigestGroupModel under a proxy of its own that
    //! follows the flat proxy's filter and the header's sort), tags whose digest is not known
    //! yet as rows of their own. The selection goes along: a selected tag's image is selected,
    //! and back, the tags that were selected in it (else its first tag). Nothing is fetched
    //! to group: visible rows drive the metadata as in the flat view.
    void setGrouped(bool grouped);
    bool isGrouped() const { return m_grouped; }
    //! The grouping model and its proxy (no source while the view is flat).
    DigestGroupModel *groupModel() const { return m_groups; }
    TagFilterProxyModel *groupProxyModel() const { return m_groupProxy; }
    //! "12 tags not grouped yet" while grouped and some digests are not known; else empty.
    QString groupingText() const;

    //! Source rows of the selected tags, in view order. Grouped: each image row's first tag.
    QList<int> selectedSourceRows() const;
    //! Tags of the selected rows, in view order. Grouped: each image row's first tag, the tag
    //! actions on an image go through (the same image whichever tag names it).
    QStringList selectedTags() const;
    //! Every loaded tag of the selected rows (grouped: all tags of each image), in view order.
    QStringList selectedMemberTags() const;
    //! True when a selected row is an image with more than one loaded tag (grouped only).
    bool selectionHasImageRows() const;
    //! The source row of the current index, -1 if none.
    int currentSourceRow() const;
    //! Grouped: the digest of the current row when it is an image (known digest); else empty.
    QString currentImageDigest() const;
    //! Grouped: the loaded tags of the current image; else empty.
    QStringList currentImageTags() const;
    //! The index the view shows for a TagTableModel row (flat or grouped); invalid if none.
    QModelIndex viewIndexOfSourceRow(int sourceRow) const;
    //! Selects the row of tag (if loaded; grouped: its image's row) and scrolls to it.
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
    //! The current tag changed (selection or keyboard); empty when none. Grouped: the first
    //! tag of the current image (currentImageDigest() says which image).
    void currentTagChanged(const QString &tag);
    //! The view switched between flat and grouped; its selection model was replaced.
    void groupedChanged(bool grouped);
    //! How many tags are not grouped yet changed (grouped view only).
    void groupingChanged();

protected:
    void resizeEvent(QResizeEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    void onCurrentChanged(const QModelIndex &current);
    //! The proxy the view shows now (flat or grouped).
    TagFilterProxyModel *shownProxy() const;
    //! A shown row's TagTableModel rows (grouped: every tag of the image, first tag first).
    QList<int> sourceRowsOfViewRow(const QModelIndex &index) const;
    void connectSelectionModel();
    void followJoiningTags();

    TagTableModel *m_model = nullptr;
    TagFilterProxyModel *m_proxy = nullptr;
    DigestGroupModel *m_groups = nullptr;
    TagFilterProxyModel *m_groupProxy = nullptr;
    bool m_grouped = false;
    //! The flat selection when the view was grouped: given back to images still selected.
    QStringList m_flatSelection;
    QString m_flatCurrent;
    int m_flatTagWidth = 0; //!< the Tag column's width in the flat view
    struct Joining
    {
        QString tag;
        bool current = false;
    };
    //! Selected tags whose rows are leaving to join their image's (grouped view).
    QList<Joining> m_joining;
    bool m_joiningScheduled = false;
    QSet<int> m_hiddenByUser;
    bool m_harborColumns = true;
};

} // namespace Berth
