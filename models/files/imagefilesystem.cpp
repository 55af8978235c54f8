#include "models/files/imagefilesystem.h"

#include "net/layers/layerreader.h"

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

QString parentOf(const QString &path)
{
    const qsizetype slash = path.lastIndexOf(u'/');
    return slash <= 0 ? u"/"_s : path.left(slash);
}

QString joined(const QString &directory, QStringView name)
{
    if (directory == u"/"_s)
        return u"/"_s + name;
    return directory + u'/' + name;
}

} // namespace

ImageFilesystem::ImageFilesystem(const QList<LayerListing> &layers)
{
    m_changes.reserve(layers.size());
    for (qsizetype i = 0; i < layers.size(); ++i) {
        m_changes.append(QList<LayerChange>());
        apply(layers.at(i), int(i + 1));
    }
}

void ImageFilesystem::removeTree(const QString &path, bool keepRoot, int layer)
{
    QList<LayerChange> &changes = m_changes[layer - 1];
    if (!keepRoot) {
        const auto it = m_entries.find(path);
        if (it == m_entries.end())
            return; // nothing of it below: its subtree cannot be there either
        changes.append({path, LayerChange::Removed, it->entry.type, it->entry.size});
        m_entries.erase(it);
    }
    const QString prefix = path == u"/"_s ? path : path + u'/';
    auto it = m_entries.lowerBound(prefix);
    while (it != m_entries.end() && it.key().startsWith(prefix)) {
        changes.append({it.key(), LayerChange::Removed, it->entry.type, it->entry.size});
        it = m_entries.erase(it);
    }
}

void ImageFilesystem::addParents(const QString &path, int layer)
{
    // A tar may hold "a/b/c" without "a/b": the directory is there all the same. One that is
    // not a directory below is replaced, as unpacking does.
    const QString parent = parentOf(path);
    if (parent == u"/"_s)
        return;
    const auto it = m_entries.constFind(parent);
    if (it != m_entries.cend() && it->entry.type == EntryType::Dir)
        return;
    addParents(parent, layer);
    if (it != m_entries.cend())
        removeTree(parent, false, layer);
    LayerEntry directory;
    directory.path = parent;
    directory.type = EntryType::Dir;
    directory.mode = 0755;
    m_entries.insert(parent, MergedEntry{directory, layer});
    m_changes[layer - 1].append({parent, LayerChange::Added, EntryType::Dir, 0});
}

void ImageFilesystem::apply(const LayerListing &listing, int layer)
{
    // Whiteouts speak of the layers below only: all of them first, then the layer's entries.
    for (const LayerEntry &entry : listing.entries) {
        if (entry.type == EntryType::Whiteout)
            removeTree(entry.path, entry.opaque, layer);
    }
    for (const LayerEntry &entry : listing.entries) {
        if (entry.type == EntryType::Whiteout)
            continue;
        addParents(entry.path, layer);
        const auto it = m_entries.find(entry.path);
        LayerChange::Kind kind = LayerChange::Added;
        if (it != m_entries.end()) {
            kind = LayerChange::Changed;
            if (it->entry.type == EntryType::Dir && entry.type != EntryType::Dir) {
                removeTree(entry.path, true, layer);
            }
        }
        if (entry.type == EntryType::Hardlink) {
            const auto target = m_entries.constFind(entry.link);
            if (target != m_entries.cend() && target->entry.type == EntryType::File)
                m_linkedFiles.insert(entry.path, *target);
            else
                m_linkedFiles.remove(entry.path);
        }
        m_changes[layer - 1].append({entry.path, kind, entry.type, entry.size});
        m_entries.insert(entry.path, MergedEntry{entry, layer});
    }
}

const MergedEntry *ImageFilesystem::find(const QString &path) const
{
    const auto it = m_entries.constFind(path);
    return it == m_entries.cend() ? nullptr : &*it;
}

QList<const MergedEntry *> ImageFilesystem::under(const QString &path) const
{
    QList<const MergedEntry *> found;
    const QString prefix = path == u"/"_s ? path : path + u'/';
    for (auto it = m_entries.lowerBound(prefix);
         it != m_entries.cend() && it.key().startsWith(prefix); ++it)
        found.append(&*it);
    return found;
}

const QList<LayerChange> &ImageFilesystem::changesOf(int layer) const
{
    static const QList<LayerChange> none;
    return layer >= 1 && layer <= m_changes.size() ? m_changes.at(layer - 1) : none;
}

qint64 ImageFilesystem::totalFileBytes() const
{
    qint64 total = 0;
    for (const MergedEntry &merged : m_entries) {
        if (merged.entry.type == EntryType::File)
            total += merged.entry.size;
    }
    return total;
}

QString ImageFilesystem::cleanPath(QStringView path)
{
    QStringList parts;
    for (const QStringView part : path.split(u'/', Qt::SkipEmptyParts)) {
        if (part == u"..") {
            if (!parts.isEmpty())
                parts.removeLast();
        } else if (part != u".") {
            parts.append(part.toString());
        }
    }
    return u"/"_s + parts.join(u'/');
}

Result<QString> ImageFilesystem::resolvePath(const QString &path, bool followLast) const
{
    QStringList pending = path.split(u'/', Qt::SkipEmptyParts);
    std::reverse(pending.begin(), pending.end()); // a stack: the next component last
    QString current = u"/"_s;
    int hops = 0;
    while (!pending.isEmpty()) {
        const QString part = pending.takeLast();
        if (part == u"."_s)
            continue;
        if (part == u".."_s) {
            current = parentOf(current); // ".." of the root is the root
            continue;
        }
        const QString candidate = joined(current, part);
        const MergedEntry *merged = find(candidate);
        if (!merged)
            return Error(ErrorCode::NotFound, u"%1: no such file or directory"_s.arg(candidate));
        const bool last = pending.isEmpty();
        if (merged->entry.type == EntryType::Symlink && (!last || followLast)) {
            if (++hops > MaxSymlinkHops) {
                return Error(ErrorCode::InvalidInput,
                             u"%1: too many levels of symbolic links"_s.arg(path));
            }
            const QString &target = merged->entry.link;
            QStringList parts = target.split(u'/', Qt::SkipEmptyParts);
            for (auto it = parts.crbegin(); it != parts.crend(); ++it)
                pending.append(*it);
            if (target.startsWith(u'/'))
                current = u"/"_s;
            continue;
        }
        if (!last && merged->entry.type != EntryType::Dir)
            return Error(ErrorCode::NotFound, u"%1: not a directory"_s.arg(candidate));
        current = candidate;
    }
    return current;
}

Result<const MergedEntry *> ImageFilesystem::resolveFile(const QString &path) const
{
    const Result<QString> resolved = resolvePath(path, true);
    if (!resolved)
        return resolved.error();
    const MergedEntry *merged = find(*resolved);
    if (!merged) // the root
        return Error(ErrorCode::InvalidInput, u"%1: is a directory"_s.arg(path));
    if (merged->entry.type == EntryType::Hardlink) {
        const auto target = m_linkedFiles.constFind(*resolved);
        if (target == m_linkedFiles.cend()) {
            return Error(ErrorCode::NotFound,
                         u"%1: a hard link to %2, which its layer does not hold"_s.arg(
                                 path, merged->entry.link));
        }
        return &*target;
    }
    switch (merged->entry.type) {
    case EntryType::File:
        return merged;
    case EntryType::Dir:
        return Error(ErrorCode::InvalidInput, u"%1: is a directory"_s.arg(path));
    default:
        return Error(ErrorCode::InvalidInput, u"%1: not a regular file"_s.arg(path));
    }
}

} // namespace Berth
