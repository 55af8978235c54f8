#pragma once

#include "net/core/error.h"
#include "net/formats/layerentry.h"

#include <QHash>
#include <QList>
#include <QMap>
#include <QString>

namespace Berth {

//! A path of the image as the layers leave it, and the layer (1 = the base) that last wrote it.
struct MergedEntry
{
    LayerEntry entry;
    int layer = 0;
};

//! What one layer did to the image below it.
struct LayerChange
{
    enum Kind { Added, Changed, Removed };
    QString path;
    Kind kind = Added;
    EntryType type = EntryType::Other; //!< the new entry's; for Removed, what was removed
    qint64 size = 0;
};

//! The image's filesystem: the layers' entries applied in order with OCI's whiteout rules
//! (".wh.NAME" removes NAME and what is under it from the layers below, ".wh..wh..opq" hides
//! everything the layers below had in its directory; neither appears itself), directories the
//! tar implies but does not hold added, a path replaced by a non-directory losing its subtree.
class ImageFilesystem
{
public:
    //! Base layer first.
    explicit ImageFilesystem(const QList<LayerListing> &layers);
    ImageFilesystem() = default;

    int layerCount() const { return int(m_changes.size()); }
    //! Every path, sorted (code point order).
    const QMap<QString, MergedEntry> &entries() const { return m_entries; }
    const MergedEntry *find(const QString &path) const;
    //! path's entries below it, recursively, sorted; path "/" gives everything.
    QList<const MergedEntry *> under(const QString &path) const;
    //! What layer (1-based) added, changed or removed, in the layer's order.
    const QList<LayerChange> &changesOf(int layer) const;
    //! Sum of the sizes of the regular files.
    qint64 totalFileBytes() const;

    //! The regular file path names, symbolic links followed (also on the way: "/lib/x" with
    //! "/lib -> usr/lib"), hard links to their target. Errors: NotFound; InvalidInput for a
    //! directory or a special file; a loop after MaxSymlinkHops links.
    Result<const MergedEntry *> resolveFile(const QString &path) const;
    //! Follows symbolic links of path's directories and of path itself (followLast); the
    //! resolved absolute path, or an error (NotFound, loop).
    Result<QString> resolvePath(const QString &path, bool followLast) const;

    static constexpr int MaxSymlinkHops = 40; //!< as Linux's path lookup

    //! A path a person typed, made absolute and clean without following links ("etc/../usr/"
    //! -> "/usr"; ".." of the root is the root, as in a shell).
    static QString cleanPath(QStringView path);

private:
    void apply(const LayerListing &listing, int layer);
    void removeTree(const QString &path, bool keepRoot, int layer);
    void addParents(const QString &path, int layer);

    QMap<QString, MergedEntry> m_entries;
    //! A hard link's data: its target as it was when the link's layer wrote the link (a later
    //! layer changing the target does not change the link's file).
    QHash<QString, MergedEntry> m_linkedFiles;
    QList<QList<LayerChange>> m_changes;
};

} // namespace Berth
