#include "models/files/filetreemodel.h"

#include <QLocale>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

QStringView parentOf(QStringView path)
{
    const qsizetype slash = path.lastIndexOf(u'/');
    return slash <= 0 ? QStringView(u"/") : path.first(slash);
}

QStringView nameOf(QStringView path)
{
    return path.sliced(path.lastIndexOf(u'/') + 1);
}

QString changeText(int change)
{
    switch (change) {
    case LayerChange::Added:
        return FileTreeModel::tr("added");
    case LayerChange::Changed:
        return FileTreeModel::tr("changed");
    case LayerChange::Removed:
        return FileTreeModel::tr("removed");
    default:
        return {};
    }
}

} // namespace

FileTreeModel::FileTreeModel(QObject *parent)
    : QAbstractItemModel(parent)
{
    rebuild();
}

void FileTreeModel::setFilesystem(const ImageFilesystem &filesystem)
{
    m_filesystem = filesystem;
    m_layer = 0;
    rebuild();
}

void FileTreeModel::setLayer(int layer)
{
    layer = qBound(0, layer, m_filesystem.layerCount());
    if (layer == m_layer)
        return;
    m_layer = layer;
    rebuild();
}

void FileTreeModel::setPathFilter(const QString &glob)
{
    const QString trimmed = glob.trimmed();
    if (trimmed == m_glob)
        return;
    m_glob = trimmed;
    m_pattern = QRegularExpression();
    if (!m_glob.isEmpty()) {
        // Text without wildcards is a search for part of a name ("host" finds /etc/hostname).
        const bool wild = m_glob.contains(u'*') || m_glob.contains(u'?') || m_glob.contains(u'[');
        m_pattern = QRegularExpression::fromWildcard(wild ? m_glob : u'*' + m_glob + u'*',
                                                     Qt::CaseInsensitive);
    }
    rebuild();
}

void FileTreeModel::setLargestFiles(bool on)
{
    if (on == m_largest)
        return;
    m_largest = on;
    rebuild();
}

bool FileTreeModel::matches(const QString &path) const
{
    if (!m_pattern.isValid())
        return false; // an unfinished "[": nothing matches until it is closed
    // The glob's '*' stops at '/': "*.conf" is meant for names, "etc/*.conf" and "/etc/*" for
    // paths with or without their leading slash.
    return m_pattern.match(nameOf(path)).hasMatch() || m_pattern.match(path).hasMatch()
           || m_pattern.match(QStringView(path).sliced(1)).hasMatch();
}

QList<FileTreeModel::Candidate> FileTreeModel::candidates() const
{
    QList<Candidate> out;
    const QMap<QString, MergedEntry> &entries = m_filesystem.entries();
    if (m_layer == 0) {
        out.reserve(entries.size());
        for (auto it = entries.cbegin(); it != entries.cend(); ++it)
            out.append({&it.key(), &*it, it->layer, -1, it->entry.type, it->entry.size});
        return out;
    }
    // A layer's changes in path order (a parent before what is under it); one path changed
    // twice (a whiteout and the same name again) is shown once, as what the layer left.
    const QList<LayerChange> &changes = m_filesystem.changesOf(m_layer);
    QList<const LayerChange *> sorted;
    sorted.reserve(changes.size());
    for (const LayerChange &change : changes)
        sorted.append(&change);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const LayerChange *a, const LayerChange *b) { return a->path < b->path; });
    for (qsizetype i = 0; i < sorted.size(); ++i) {
        const LayerChange *change = sorted.at(i);
        qint8 kind = qint8(change->kind);
        while (i + 1 < sorted.size() && sorted.at(i + 1)->path == change->path) {
            const bool replaced = kind == LayerChange::Removed;
            change = sorted.at(++i);
            kind = qint8(replaced && change->kind != LayerChange::Removed ? LayerChange::Changed
                                                                          : change->kind);
        }
        const MergedEntry *merged = m_filesystem.find(change->path);
        // What a later layer wrote is not this layer's: the change's own type and size then.
        if (kind == LayerChange::Removed || (merged && merged->layer != m_layer))
            merged = nullptr;
        out.append({&change->path, merged, m_layer, kind, change->type, change->size});
    }
    return out;
}

void FileTreeModel::rebuild()
{
    beginResetModel();
    m_nodes.clear();
    m_folders.clear();
    m_shownFiles = 0;
    Node root;
    root.path = u"/"_s;
    m_nodes.append(root);
    m_folders.insert(QStringView(m_nodes.first().path), 0);

    const QList<Candidate> shown = candidates();
    if (m_largest)
        buildLargest(shown);
    else
        buildTree(shown);

    // Parents come before their children: one backward pass sums the folders.
    for (qsizetype i = m_nodes.size() - 1; i > 0; --i) {
        const Node &node = m_nodes.at(i);
        const bool counts = node.type == EntryType::File && node.change != LayerChange::Removed;
        if (counts)
            ++m_shownFiles;
        if (counts || node.type == EntryType::Dir)
            m_nodes[node.parent].size += node.size;
    }
    endResetModel();
}

void FileTreeModel::buildTree(const QList<Candidate> &shown)
{
    const bool filtered = !m_glob.isEmpty();
    for (const Candidate &candidate : shown) {
        const QString &path = *candidate.path;
        const QStringView parentPath = parentOf(path);
        if (filtered) {
            const auto parent = m_folders.constFind(parentPath);
            const bool underMatch = parent != m_folders.cend() && m_nodes.at(*parent).whole;
            if (!underMatch && !matches(path))
                continue;
        }
        const bool folder = candidate.type == EntryType::Dir;
        Node node;
        node.path = path;
        node.entry = candidate.entry;
        node.layer = candidate.layer;
        node.change = candidate.change;
        node.type = candidate.type;
        node.size = folder ? 0 : candidate.size;
        node.later = candidate.change >= 0 && candidate.change != LayerChange::Removed
                     && !candidate.entry;
        node.whole = filtered && folder;
        if (folder) {
            // Only a defence: a folder sorts before what is under it, so none made it yet.
            if (const auto existing = m_folders.constFind(QStringView(path));
                existing != m_folders.cend()) {
                const int index = *existing;
                Node &made = m_nodes[index];
                node.parent = made.parent;
                node.row = made.row;
                node.children = made.children;
                // The key is a view of the node's string: it goes with it.
                m_folders.remove(QStringView(path));
                made = std::move(node);
                m_folders.insert(QStringView(made.path), index);
                continue;
            }
        }
        const int index = addNode(std::move(node), folderNode(parentPath));
        // In a layer's view a file may have rows below it: what the folder it replaced held,
        // removed. It is their parent, not a second row of the same path.
        if (folder || m_layer != 0)
            m_folders.insert(QStringView(m_nodes.at(index).path), index);
    }
}

void FileTreeModel::buildLargest(const QList<Candidate> &shown)
{
    const bool filtered = !m_glob.isEmpty();
    QList<const Candidate *> files;
    for (const Candidate &candidate : shown) {
        if (candidate.type == EntryType::File && candidate.change != LayerChange::Removed
            && (!filtered || matches(*candidate.path)))
            files.append(&candidate);
    }
    const auto bigger = [](const Candidate *a, const Candidate *b) {
        return a->size != b->size ? a->size > b->size : *a->path < *b->path;
    };
    const qsizetype count = qMin<qsizetype>(LargestCount, files.size());
    std::partial_sort(files.begin(), files.begin() + count, files.end(), bigger);
    for (qsizetype i = 0; i < count; ++i) {
        const Candidate &candidate = *files.at(i);
        Node node;
        node.path = *candidate.path;
        node.entry = candidate.entry;
        node.layer = candidate.layer;
        node.change = candidate.change;
        node.type = candidate.type;
        node.size = candidate.size;
        addNode(std::move(node), 0);
    }
}

int FileTreeModel::addNode(Node node, int parent)
{
    node.parent = parent;
    node.row = int(m_nodes.at(parent).children.size());
    const int index = int(m_nodes.size());
    m_nodes.append(std::move(node));
    m_nodes[parent].children.append(index);
    return index;
}

int FileTreeModel::folderNode(QStringView path)
{
    if (const auto found = m_folders.constFind(path); found != m_folders.cend())
        return *found;
    const int parent = folderNode(parentOf(path));
    // A folder above what is shown that is not shown itself: in a layer's view one the layer
    // did not touch, under a glob one that does not match.
    Node node;
    node.path = path.toString();
    node.entry = m_filesystem.find(node.path);
    node.layer = m_layer == 0 && node.entry ? node.entry->layer : 0;
    if (m_layer != 0)
        node.entry = nullptr;
    const int index = addNode(std::move(node), parent);
    m_folders.insert(QStringView(m_nodes.at(index).path), index);
    return index;
}

const FileTreeModel::Node *FileTreeModel::nodeAt(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this)
        return nullptr;
    const quintptr id = index.internalId();
    return id < quintptr(m_nodes.size()) ? &m_nodes.at(qsizetype(id)) : nullptr;
}

QModelIndex FileTreeModel::indexOfPath(const QString &path) const
{
    if (m_largest) {
        const QList<int> &rows = m_nodes.first().children;
        for (int node : rows) {
            if (m_nodes.at(node).path == path)
                return createIndex(m_nodes.at(node).row, 0, quintptr(node));
        }
        return {};
    }
    if (const auto folder = m_folders.constFind(QStringView(path));
        folder != m_folders.cend() && *folder != 0)
        return createIndex(m_nodes.at(*folder).row, 0, quintptr(*folder));
    const auto parent = m_folders.constFind(parentOf(path));
    if (parent == m_folders.cend())
        return {};
    for (int node : m_nodes.at(*parent).children) {
        if (m_nodes.at(node).path == path)
            return createIndex(m_nodes.at(node).row, 0, quintptr(node));
    }
    return {};
}

const MergedEntry *FileTreeModel::entryAt(const QModelIndex &index) const
{
    const Node *node = nodeAt(index);
    return node ? node->entry : nullptr;
}

qint64 FileTreeModel::shownFileBytes() const
{
    return m_nodes.first().size;
}

QModelIndex FileTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (column < 0 || column >= ColumnCount || row < 0)
        return {};
    if (parent.isValid() && parent.column() != 0)
        return {};
    const Node *node = parent.isValid() ? nodeAt(parent) : &m_nodes.first();
    if (!node || row >= node->children.size())
        return {};
    return createIndex(row, column, quintptr(node->children.at(row)));
}

QModelIndex FileTreeModel::parent(const QModelIndex &child) const
{
    const Node *node = nodeAt(child);
    if (!node || node->parent <= 0)
        return {};
    return createIndex(m_nodes.at(node->parent).row, 0, quintptr(node->parent));
}

int FileTreeModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_nodes.first().children.size());
    if (parent.column() != 0)
        return 0;
    const Node *node = nodeAt(parent);
    return node ? int(node->children.size()) : 0;
}

int FileTreeModel::columnCount(const QModelIndex &parent) const
{
    Q_UNUSED(parent)
    return ColumnCount;
}

bool FileTreeModel::hasChildren(const QModelIndex &parent) const
{
    return rowCount(parent) > 0;
}

QVariant FileTreeModel::data(const QModelIndex &index, int role) const
{
    const Node *node = nodeAt(index);
    if (!node)
        return {};
    const bool folder = node->type == EntryType::Dir;
    const LayerEntry *entry = node->entry ? &node->entry->entry : nullptr;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return m_largest ? node->path : nameOf(node->path).toString();
        case SizeColumn:
            if (folder || node->type == EntryType::File)
                return QLocale().formattedDataSize(node->size);
            return {};
        case ModeColumn:
            return entry ? entry->modeText() : QString();
        case LayerColumn:
            if (m_layer != 0)
                return changeText(node->change);
            return node->layer > 0 ? QString::number(node->layer) : QString();
        case LinkColumn:
            return entry ? entry->link : QString();
        }
        return {};
    case Qt::ToolTipRole: {
        QString tip = node->path + u" ("_s + entryTypeName(node->type) + u')';
        if (node->change == LayerChange::Removed)
            tip += u"\n"_s + tr("Removed by layer %1").arg(m_layer);
        else if (node->change >= 0)
            tip += u"\n"_s + tr("%1 by layer %2").arg(changeText(node->change)).arg(m_layer);
        if (node->later)
            tip += u"\n"_s + tr("A layer above changed or removed it again");
        else if (node->layer > 0)
            tip += u"\n"_s + tr("Written by layer %1").arg(node->layer);
        if (entry && !entry->link.isEmpty())
            tip += u"\n→ "_s + entry->link;
        return tip;
    }
    case Qt::TextAlignmentRole:
        // Numbers line up on the right; a layer's view has words in the Layer column.
        if (index.column() == SizeColumn || (index.column() == LayerColumn && m_layer == 0))
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        return {};
    case PathRole:
        return node->path;
    case TypeRole:
        return int(node->type);
    case ChangeRole:
        return int(node->change);
    case LayerRole:
        return node->layer;
    case IsFolderRole:
        return folder;
    case SortRole:
        switch (index.column()) {
        case NameColumn:
            return m_largest ? node->path : nameOf(node->path).toString();
        case SizeColumn:
            return node->size;
        case ModeColumn:
            return entry ? entry->mode : 0U;
        case LayerColumn:
            return m_layer != 0 ? int(node->change) : node->layer;
        case LinkColumn:
            return entry ? entry->link : QString();
        }
        return {};
    default:
        return {};
    }
}

QVariant FileTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractItemModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn:
        return m_largest ? tr("Path") : tr("Name");
    case SizeColumn:
        return tr("Size");
    case ModeColumn:
        return tr("Mode");
    case LayerColumn:
        return m_layer != 0 ? tr("Change") : tr("Layer");
    case LinkColumn:
        return tr("Link");
    }
    return {};
}

} // namespace Berth
