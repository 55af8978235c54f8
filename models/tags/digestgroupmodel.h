#pragma once

#include "models/tags/tagtablemodel.h"

#include <QAbstractProxyModel>
#include <QHash>
#include <QStringList>

#include <vector>

namespace Berth {

//! The tag table grouped by image: one row per digest with every loaded tag that points at it,
//! over a TagTableModel (or any model with its roles). Only what the source knows is grouped:
//! a tag whose digest is not known yet (TagTableModel::DigestRole, or the digest the listing
//! named, ListedDigestRole) is a row of its own until it is; its row maps to the tag's source
//! row, so a view that shows it makes the MetadataUpdater fetch it, and the tag then joins its
//! image's row. Nothing is fetched to group: the grouping is as lazy as the flat table.
//!
//! A group row maps to its first tag in natural order (mapToSource(), TagRole): that row gives
//! the group's metadata columns and is what actions on the image go through. Rows only ever
//! join at the end; a row that empties goes. Sorting and filtering are a TagFilterProxyModel's
//! over this model.
class DigestGroupModel final : public QAbstractProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DigestGroupModel)
public:
    enum Role {
        GroupTagsRole = TagTableModel::InvalidNameRole + 32, //!< QStringList, natural order
        GroupSizeRole,                                       //!< int: tags in the row
        DigestKnownRole, //!< bool: false for a tag whose digest is not known yet
    };
    Q_ENUM(Role)

    explicit DigestGroupModel(QObject *parent = nullptr);

    //! Groups source's rows (null: none). Every change of the source is followed.
    void setSourceModel(QAbstractItemModel *source) override;

    //! Rows of tags whose digest is not known yet ("not grouped yet").
    int ungroupedCount() const { return m_ungrouped; }
    //! The group row of a source row; -1 when none.
    int rowOfSourceRow(int sourceRow) const;
    //! The source rows of a row, its first tag (natural order) first.
    QList<int> sourceRowsOf(int row) const;
    QStringList tagsOf(int row) const;
    //! The digest of a row; empty for a tag whose digest is not known yet.
    QString digestOf(int row) const;

    //! "3 tags: 1.2, 1.2.3, latest": at most this many names, then "…" (the tooltip has all).
    static constexpr int NamesShown = 8;

    // QAbstractItemModel / QAbstractProxyModel
    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QModelIndex mapToSource(const QModelIndex &proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex &sourceIndex) const override;

Q_SIGNALS:
    void ungroupedCountChanged(int count);

private:
    struct Member
    {
        QString tag;
        int sourceRow = -1;
    };
    struct Group
    {
        QString digest;              //!< empty: one tag whose digest is not known yet
        std::vector<Member> members; //!< natural tag order
        bool changed = false;        //!< dataChanged owed at the end of this batch
        QString lastTag;             //!< of a row that emptied, until it is removed
    };

    QString sourceDigest(int sourceRow) const;
    QString sourceTag(int sourceRow) const;
    //! Places a source row: into its digest's group (existing or pending) or a new row.
    void place(int sourceRow, const QString &tag, const QString &digest);
    //! Takes a source row out of its group; an emptied group is removed at flush().
    void unplace(int sourceRow);
    //! Ends a batch: removes emptied rows, inserts pending ones, renumbers; with emitChanged one
    //! dataChanged per run of changed rows (else they stay marked for a later flush()).
    void flush(bool emitChanged);
    void rebuildAll();
    //! Groups the source again and ends the reset begun when the source began its change.
    void endReset();
    void setUngrouped(int count);

    void onRowsInserted(const QModelIndex &parent, int first, int last);
    void onRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last);
    void onRowsRemoved(const QModelIndex &parent, int first, int last);
    void onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                       const QList<int> &roles);

    std::vector<Group> m_groups;
    std::vector<Group> m_pending;     //!< new rows of this batch, inserted at flush()
    std::vector<int> m_groupOfSource; //!< source row -> row (pending rows: size() + i)
    QHash<QString, int> m_rowOfDigest;
    int m_ungrouped = 0;
    int m_reportedUngrouped = 0;
    QList<QMetaObject::Connection> m_connections;
};

} // namespace Berth
