#pragma once

#include "models/files/imagefilesystem.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QList>
#include <QRegularExpression>
#include <QStringView>

namespace Berth {

//! An image's merged filesystem (ImageFilesystem) as a tree: Name, Size (a folder: the sum of
//! the regular files shown under it), Mode, Layer, Link. Three ways to look, combined:
//! - all layers (the image as it runs) or one layer's changes (what layer N added, changed and
//!   removed, with the folders above them; removed paths carry ChangeRole Removed and the
//!   Layer column says so, the view strikes them through);
//! - a glob on the full path or the name (QRegularExpression::fromWildcard, case-insensitive;
//!   text without wildcards matches as a substring): the matches with their folders above them,
//!   and what is under a matching folder;
//! - the largest regular files: a flat list of the LargestCount biggest, by size.
//! The nodes of a view are built in one pass when the view changes (one reset); 300,000 entries
//! take well under a second. No Gui types: the view decides fonts and icons from the roles.
class FileTreeModel final : public QAbstractItemModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FileTreeModel)
public:
    enum Column { NameColumn, SizeColumn, ModeColumn, LayerColumn, LinkColumn, ColumnCount };
    enum Role {
        PathRole = Qt::UserRole + 1, //!< the full path in the image ("/etc/hostname")
        TypeRole,                    //!< EntryType as int
        ChangeRole,                  //!< LayerChange::Kind as int; -1 outside a layer's view
        LayerRole,                   //!< int: the layer that wrote the entry (1 = the base)
        SortRole,                    //!< per column: name, size in bytes, mode, layer, link
        IsFolderRole,                //!< bool: a directory (also one only implied by the tar)
    };
    //! How many files "largest files" lists: a screen or two of rows, each worth a look.
    static constexpr int LargestCount = 200;

    explicit FileTreeModel(QObject *parent = nullptr);

    //! Shows filesystem (kept: a copy shares the data); resets the view to all layers.
    void setFilesystem(const ImageFilesystem &filesystem);
    const ImageFilesystem &filesystem() const { return m_filesystem; }

    //! 0: all layers; N >= 1: what layer N changed.
    void setLayer(int layer);
    int layer() const { return m_layer; }
    //! A glob on the path or name; empty shows everything.
    void setPathFilter(const QString &glob);
    QString pathFilter() const { return m_glob; }
    //! False for a glob that is no pattern (an unclosed "["): then nothing matches.
    bool pathFilterValid() const { return m_glob.isEmpty() || m_pattern.isValid(); }
    void setLargestFiles(bool on);
    bool largestFiles() const { return m_largest; }

    //! The index of path (column 0), or invalid when the view does not show it.
    QModelIndex indexOfPath(const QString &path) const;
    //! The entry of the image at index; null for a removed path or a folder only implied.
    const MergedEntry *entryAt(const QModelIndex &index) const;
    //! Rows in the current view (nodes below the invisible root).
    int shownCount() const { return int(m_nodes.size()) - 1; }
    //! Regular files in the current view and their bytes.
    int shownFiles() const { return m_shownFiles; }
    qint64 shownFileBytes() const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Node
    {
        QString path;                       //!< shares the filesystem's string
        const MergedEntry *entry = nullptr; //!< null: removed, implied, or the root
        int parent = -1;
        int row = 0;
        int layer = 0;
        qint8 change = -1; //!< LayerChange::Kind, -1 none
        EntryType type = EntryType::Dir;
        qint64 size = 0;    //!< a file's own size, a folder's sum
        bool whole = false; //!< a folder the glob matched: everything under it is shown
        bool later = false; //!< a layer's change that a layer above changed or removed again
        QList<int> children;
    };
    //! One path the current view may show, before the glob and the tree.
    struct Candidate
    {
        const QString *path;
        const MergedEntry *entry;
        int layer;
        qint8 change;
        EntryType type;
        qint64 size;
    };

    void rebuild();
    QList<Candidate> candidates() const;
    bool matches(const QString &path) const;
    void buildTree(const QList<Candidate> &shown);
    void buildLargest(const QList<Candidate> &shown);
    int addNode(Node node, int parent);
    //! The node of folder path, creating it and the folders above it when missing.
    int folderNode(QStringView path);
    const Node *nodeAt(const QModelIndex &index) const;

    ImageFilesystem m_filesystem;
    int m_layer = 0;
    QString m_glob;
    QRegularExpression m_pattern; //!< invalid / empty when no filter
    bool m_largest = false;

    QList<Node> m_nodes; //!< [0] is the invisible root "/"
    //! Folder path -> node; the views point into the nodes' own strings.
    QHash<QStringView, int> m_folders;
    int m_shownFiles = 0;
};

} // namespace Berth
