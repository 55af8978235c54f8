#include "models/repositories/repositorytreemodel.h"

#include "models/modelslogging.h"
#include "net/backend/pager.h"
#include "net/backend/registrybackend.h"
#include "net/core/servertext.h"

#include "models/session/registrysession.h"
#include "models/watch/watchservice.h"

#include <QLocale>
#include <QTimer>

#include <algorithm>
#include <functional>
#include <unordered_map>
#include <vector>

using namespace Qt::StringLiterals;

namespace Berth {

struct RepositoryTreeModel::Node
{
    NodeKind kind = NodeKind::Folder;
    QString label; //!< what the row shows (without the count)
    QString path;  //!< repository: full path; folder: its name
    QString error;
    Node *parent = nullptr;
    int row = 0;
    std::vector<std::unique_ptr<Node>> children;
    // Folders and the root: their listing.
    Pager *pager = nullptr; //!< owned by the model (QObject parent); null when none
    bool fetching = false;
    bool failed = false;
    bool complete = false; //!< every repository of the folder is a child
    bool typed = false;    //!< a repository added by hand, not (yet) seen in the catalog

    bool isContent() const { return kind == NodeKind::Folder || kind == NodeKind::Repository; }
};

namespace {

//! Catalog order is by name; ordinal so "Team" and "team" keep the server's order.
bool labelLess(const QString &a, const QString &b)
{
    return QString::compare(a, b, Qt::CaseSensitive) < 0;
}

bool refusesCatalog(const Error &error)
{
    return error.code == ErrorCode::Unauthorized || error.code == ErrorCode::Forbidden
           || error.code == ErrorCode::NotFound
           || error.code == ErrorCode::Unsupported
           // 405 UNSUPPORTED: the spec's answer of a registry that does not offer the catalog.
           || error.httpStatus == 405;
}

} // namespace

RepositoryTreeModel::RepositoryTreeModel(QObject *parent)
    : QAbstractItemModel(parent)
    , m_root(std::make_unique<Node>())
{}

RepositoryTreeModel::~RepositoryTreeModel()
{
    // Pagers are QObject children; their signals must not reach a half-destroyed model.
    clear();
}

void RepositoryTreeModel::setSession(RegistrySession *session)
{
    const bool wasOffline = m_offline;
    beginResetModel();
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    clear();
    m_session = session;
    m_offline = false;
    if (m_session) {
        connect(m_session, &QObject::destroyed, this, [this] { setSession(nullptr); });
        connect(m_session, &RegistrySession::offlineChanged, this,
                &RepositoryTreeModel::onSessionOfflineChanged);
        m_offline = m_session->isOffline();
    }
    endResetModel();
    if (m_offline)
        showLastKnownState(); // at once: no listing would answer
    if (wasOffline != m_offline)
        Q_EMIT offlineChanged(m_offline);
}

void RepositoryTreeModel::setWatchService(WatchService *watch, const QString &connectionId)
{
    if (m_watch)
        disconnect(m_watch, nullptr, this, nullptr);
    m_watch = watch;
    m_connectionId = connectionId;
    if (m_watch) {
        connect(m_watch, &WatchService::watchChanged, this, &RepositoryTreeModel::onWatchChanged);
    }
    // Every row's watch roles may have changed; the rows stay.
    if (m_root && !m_root->children.empty()) {
        const QList<int> roles{WatchedRole, UnseenCountRole, WatchErrorRole, Qt::ToolTipRole};
        for (const auto &child : m_root->children) {
            const QModelIndex index = indexOf(child.get());
            Q_EMIT dataChanged(index, index, roles);
            if (!child->children.empty()) {
                Q_EMIT dataChanged(indexOf(child->children.front().get()),
                                   indexOf(child->children.back().get()), roles);
            }
        }
    }
}

void RepositoryTreeModel::onWatchChanged(const QString &connectionId, const QString &repository)
{
    if (connectionId != m_connectionId)
        return;
    const auto it = m_repositories.constFind(repository);
    if (it == m_repositories.cend())
        return;
    const QList<int> roles{WatchedRole, UnseenCountRole, WatchErrorRole, Qt::ToolTipRole};
    const QModelIndex index = indexOf(it.value());
    Q_EMIT dataChanged(index, index, roles);
    // The folder's badge sums its repositories'.
    if (index.parent().isValid())
        Q_EMIT dataChanged(index.parent(), index.parent(), {UnseenCountRole});
}

QString RepositoryTreeModel::watchToolTip(const QString &repository) const
{
    if (!m_watch || !m_watch->isWatched(m_connectionId, repository))
        return {};
    QString tip = u"\n"_s + tr("Watched for new tags.");
    const QList<TagChange> unseen = m_watch->unseen(m_connectionId, repository);
    if (!unseen.isEmpty()) {
        tip += u"\n"_s + tr("Not seen yet: %1").arg(WatchService::bodyText(unseen));
    }
    if (const QDateTime checked = m_watch->lastChecked(m_connectionId, repository);
        checked.isValid()) {
        tip += u"\n"_s
               + tr("Last checked %1")
                         .arg(QLocale().toString(checked.toLocalTime(), QLocale::ShortFormat));
    }
    if (const QString error = m_watch->lastError(m_connectionId, repository); !error.isEmpty()) {
        const QDateTime next = m_watch->nextCheck(m_connectionId, repository);
        tip += u"\n"_s + tr("The last check failed: %1").arg(error);
        if (next.isValid()) {
            tip += u"\n"_s
                   + tr("Next try %1")
                             .arg(QLocale().toString(next.toLocalTime(), QLocale::ShortFormat));
        }
    }
    return tip;
}

int RepositoryTreeModel::unseenCount(const Node *node) const
{
    if (!m_watch)
        return 0;
    if (node->kind == NodeKind::Repository)
        return int(m_watch->unseen(m_connectionId, node->path).size());
    if (node->kind != NodeKind::Folder)
        return 0;
    // Watched repositories are few: summing them is cheaper than keeping a count per folder.
    int count = 0;
    const QString prefix = node->path + u'/';
    for (const QString &repository : m_watch->watchedRepositories(m_connectionId)) {
        if (repository.startsWith(prefix))
            count += int(m_watch->unseen(m_connectionId, repository).size());
    }
    return count;
}

void RepositoryTreeModel::onSessionOfflineChanged(bool offline)
{
    if (offline == m_offline)
        return;
    if (!offline) {
        // Reachable again: the catalog is the truth, start over from it (the view keeps its
        // selection by path).
        m_offline = false;
        reload();
        Q_EMIT offlineChanged(false);
        return;
    }
    m_offline = true;
    if (contentCount(m_root.get()) == 0 && !m_root->fetching && !m_catalogUnavailable) {
        beginResetModel();
        clear();
        endResetModel();
        showLastKnownState();
    }
    Q_EMIT offlineChanged(true);
}

void RepositoryTreeModel::showLastKnownState()
{
    // Right after a reset: the tree is empty.
    const KnownState &known = m_session->knownState();
    m_lastKnownState = true;
    m_lastSeen = known.lastSeen();
    m_rootCurrentFolder.clear();
    insertNames(m_root.get(), known.repositories());
    // As complete as the cache knows them; nothing more can be listed now.
    m_root->complete = true;
    for (Node *folder : std::as_const(m_folders))
        markComplete(folder);
}

void RepositoryTreeModel::reload()
{
    beginResetModel();
    clear();
    endResetModel();
    if (m_offline && m_session)
        showLastKnownState(); // F5 while offline: still only the cache can answer
}

void RepositoryTreeModel::clear()
{
    const bool wasLoading = isLoading();
    // Depth-first: every pager is cancelled (no signal follows) and deleted.
    std::function<void(Node *)> drop = [&](Node *node) {
        dropPager(node);
        for (const auto &child : node->children)
            drop(child.get());
    };
    drop(m_root.get());
    m_root = std::make_unique<Node>();
    m_repositories.clear();
    m_folders.clear();
    m_rootCurrentFolder.clear();
    ++m_generation; // nodes are gone: queued work for them must not run
    m_fetching = 0;
    m_catalogUnavailable = false;
    m_lastKnownState = false;
    m_lastSeen = {};
    if (wasLoading)
        Q_EMIT loadingChanged(false);
}

void RepositoryTreeModel::dropPager(Node *node)
{
    if (!node->pager)
        return;
    node->pager->cancel();
    disconnect(node->pager, nullptr, this, nullptr);
    node->pager->deleteLater();
    node->pager = nullptr;
}

RepositoryTreeModel::Node *RepositoryTreeModel::nodeOf(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Node *>(index.internalPointer()) : m_root.get();
}

QModelIndex RepositoryTreeModel::indexOf(const Node *node) const
{
    if (!node || node == m_root.get())
        return {};
    return createIndex(node->row, 0, const_cast<Node *>(node));
}

QModelIndex RepositoryTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (column != 0 || row < 0)
        return {};
    const Node *node = nodeOf(parent);
    if (row >= int(node->children.size()))
        return {};
    return createIndex(row, 0, node->children[size_t(row)].get());
}

QModelIndex RepositoryTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    return indexOf(nodeOf(child)->parent);
}

int RepositoryTreeModel::rowCount(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return 0;
    return int(nodeOf(parent)->children.size());
}

int RepositoryTreeModel::columnCount(const QModelIndex &parent) const
{
    Q_UNUSED(parent)
    return 1;
}

bool RepositoryTreeModel::hasChildren(const QModelIndex &parent) const
{
    const Node *node = nodeOf(parent);
    if (!node->children.empty())
        return true;
    // A folder not listed yet has children to show (the view offers to expand it).
    return parent.isValid() && node->kind == NodeKind::Folder && !node->complete;
}

QVariant RepositoryTreeModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const Node *node = nodeOf(index);
    switch (role) {
    case Qt::DisplayRole:
        switch (node->kind) {
        case NodeKind::Folder:
            if (node->complete)
                return tr("%1 (%2)").arg(ServerText::visible(node->label)).arg(contentCount(node));
            return ServerText::visible(node->label);
        case NodeKind::Repository:
            return ServerText::visible(node->label);
        case NodeKind::Loading:
            return tr("Loading…");
        case NodeKind::Error:
            return tr("Could not load: %1").arg(node->error);
        case NodeKind::CatalogUnavailable:
            return tr("This registry does not list its repositories");
        }
        break;
    case Qt::ToolTipRole:
        switch (node->kind) {
        case NodeKind::Folder:
            return node->complete ? tr("%n repositories", nullptr, contentCount(node))
                                  : QVariant(node->label + u'/');
        case NodeKind::Repository: {
            QString tip = node->typed ? tr("%1 (opened by path)").arg(node->path) : node->path;
            if (m_lastKnownState)
                tip = tr("%1\nLast known state: the registry cannot be reached.").arg(node->path);
            return QString(tip + watchToolTip(node->path));
        }
        case NodeKind::Loading:
            return {};
        case NodeKind::Error:
            return tr("%1\nActivate this row to try again.").arg(node->error);
        case NodeKind::CatalogUnavailable:
            return tr("%1\nOpen a repository by typing its path.").arg(node->error);
        }
        break;
    case RepositoryRole:
        return node->kind == NodeKind::Repository ? QVariant(node->path) : QVariant();
    case PathRole:
        return node->isContent() ? QVariant(node->path) : QVariant();
    case NodeKindRole:
        return QVariant::fromValue(node->kind);
    case ErrorRole:
        return node->error.isEmpty() ? QVariant() : QVariant(node->error);
    case OfflineRole:
        return m_lastKnownState && node->isContent();
    case WatchedRole:
        return node->kind == NodeKind::Repository && m_watch
               && m_watch->isWatched(m_connectionId, node->path);
    case UnseenCountRole:
        return unseenCount(node);
    case WatchErrorRole:
        if (node->kind != NodeKind::Repository || !m_watch)
            return {};
        return m_watch->lastError(m_connectionId, node->path);
    case CountRole:
        if (node->kind != NodeKind::Folder)
            return {};
        return node->complete ? contentCount(node) : -1;
    default:
        break;
    }
    return {};
}

Qt::ItemFlags RepositoryTreeModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    switch (nodeOf(index)->kind) {
    case NodeKind::Loading:
        return Qt::ItemIsEnabled | Qt::ItemNeverHasChildren;
    case NodeKind::Repository:
    case NodeKind::Error:
    case NodeKind::CatalogUnavailable:
        return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
    case NodeKind::Folder:
        break;
    }
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable;
}

QHash<int, QByteArray> RepositoryTreeModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractItemModel::roleNames();
    names.insert(RepositoryRole, "repository");
    names.insert(NodeKindRole, "nodeKind");
    names.insert(ErrorRole, "error");
    names.insert(CountRole, "count");
    names.insert(PathRole, "path");
    names.insert(OfflineRole, "offline");
    names.insert(WatchedRole, "watched");
    names.insert(UnseenCountRole, "unseenCount");
    names.insert(WatchErrorRole, "watchError");
    return names;
}

bool RepositoryTreeModel::canFetchMore(const QModelIndex &parent) const
{
    if (!m_session || m_catalogUnavailable || m_offline)
        return false;
    const Node *node = nodeOf(parent);
    if (node->kind != NodeKind::Folder || node->complete || node->fetching || node->failed)
        return false;
    // The root's pager says when the catalog ends; a folder's ends with complete.
    return !node->pager || node->pager->hasMore();
}

void RepositoryTreeModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    startFetch(nodeOf(parent));
}

void RepositoryTreeModel::startFetch(Node *node)
{
    if (!node->pager) {
        const QString prefix = node == m_root.get() ? QString() : node->path + u'/';
        node->pager = m_session->backend()->createRepositoryPager(prefix, this);
        node->pager->setPageSize(m_pageSize);
        connect(node->pager, &Pager::pageReady, this,
                [this, node](const QStringList &names) { onPage(node, names); });
        connect(node->pager, &Pager::failed, this,
                [this, node](const Error &error) { onFailed(node, error); });
    }
    setFetching(node, true);
    // fetchMore() only starts the request: views (and QAbstractItemModelTester) call it while
    // handling another change, so the Loading row comes from the event loop. Posted before the
    // page can arrive; skipped when the page (or a reset) came first.
    const quint64 generation = m_generation;
    QTimer::singleShot(0, this, [this, node, generation] {
        if (generation != m_generation || !node->fetching)
            return;
        if (contentCount(node) != int(node->children.size()))
            return; // a special row is there already
        auto loading = std::make_unique<Node>();
        loading->kind = NodeKind::Loading;
        appendSpecial(node, std::move(loading));
    });
    node->pager->fetchNext();
}

void RepositoryTreeModel::setFetching(Node *node, bool fetching)
{
    if (node->fetching == fetching)
        return;
    node->fetching = fetching;
    const bool wasLoading = isLoading();
    m_fetching += fetching ? 1 : -1;
    if (wasLoading != isLoading())
        Q_EMIT loadingChanged(isLoading());
}

int RepositoryTreeModel::contentCount(const Node *parent) const
{
    // Content rows come first; Loading / Error rows trail.
    int n = 0;
    for (const auto &child : parent->children) {
        if (!child->isContent())
            break;
        ++n;
    }
    return n;
}

void RepositoryTreeModel::appendSpecial(Node *parent, std::unique_ptr<Node> special)
{
    std::vector<std::unique_ptr<Node>> nodes;
    nodes.push_back(std::move(special));
    insertChildren(parent, int(parent->children.size()), std::move(nodes));
}

void RepositoryTreeModel::removeSpecialRows(Node *parent)
{
    const int first = contentCount(parent);
    const int last = int(parent->children.size()) - 1;
    if (last < first)
        return;
    beginRemoveRows(indexOf(parent), first, last);
    parent->children.erase(parent->children.begin() + first, parent->children.end());
    endRemoveRows();
}

void RepositoryTreeModel::insertChildren(Node *parent, int position,
                                         std::vector<std::unique_ptr<Node>> nodes)
{
    if (nodes.empty())
        return;
    beginInsertRows(indexOf(parent), position, position + int(nodes.size()) - 1);
    for (auto &node : nodes)
        node->parent = parent;
    parent->children.insert(parent->children.begin() + position,
                            std::make_move_iterator(nodes.begin()),
                            std::make_move_iterator(nodes.end()));
    for (size_t row = size_t(position); row < parent->children.size(); ++row)
        parent->children[row]->row = int(row);
    endInsertRows();
}

void RepositoryTreeModel::insertRepositories(Node *parent, std::vector<std::unique_ptr<Node>> nodes)
{
    if (nodes.empty())
        return;
    std::stable_sort(nodes.begin(), nodes.end(),
                     [](const auto &a, const auto &b) { return labelLess(a->label, b->label); });
    const int content = contentCount(parent);
    const bool appends
            = content == 0
              || !labelLess(nodes.front()->label, parent->children[size_t(content - 1)]->label);
    if (appends) {
        // The usual case (the catalog is sorted): one insertion for the whole page.
        insertChildren(parent, content, std::move(nodes));
        return;
    }
    // Interleaving names (a folder listed by its own pager and by the root, typed paths, a
    // server sorting differently): each goes to its place.
    for (auto &node : nodes) {
        const int end = contentCount(parent);
        const auto first = parent->children.begin();
        const auto at = std::upper_bound(first, first + end, node->label,
                                         [](const QString &label, const auto &child) {
                                             return labelLess(label, child->label);
                                         });
        std::vector<std::unique_ptr<Node>> one;
        one.push_back(std::move(node));
        insertChildren(parent, int(at - first), std::move(one));
    }
}

RepositoryTreeModel::Node *RepositoryTreeModel::folderNode(const QString &folder,
                                                           QList<Node *> *created)
{
    if (Node *existing = m_folders.value(folder))
        return existing;
    // Inserted by the caller (empty, then its children), so views never see it half-built.
    auto *node = new Node;
    node->kind = NodeKind::Folder;
    node->label = folder;
    node->path = folder;
    m_folders.insert(folder, node);
    created->append(node);
    return node;
}

void RepositoryTreeModel::onPage(Node *node, const QStringList &names)
{
    removeSpecialRows(node);
    setFetching(node, false);
    const int added = insertNames(node, names);

    if (!node->pager->hasMore()) {
        dropPager(node);
        if (node == m_root.get()) {
            // The whole catalog is in: every folder is complete.
            node->complete = true;
            for (Node *folder : std::as_const(m_folders))
                markComplete(folder);
            forgetVanishedRepositories();
        } else {
            markComplete(node);
        }
    }
    Q_EMIT pageFetched(indexOf(node), added);
    // Last: a session that was offline comes back, and the tree starts over (node goes).
    if (m_session)
        m_session->reportReachable();
}

void RepositoryTreeModel::forgetVanishedRepositories()
{
    if (!m_session)
        return;
    // Typed paths were never confirmed by the catalog: they prove nothing either way.
    QStringList listed;
    listed.reserve(m_repositories.size());
    for (auto it = m_repositories.cbegin(); it != m_repositories.cend(); ++it) {
        if (!it.value()->typed)
            listed.append(it.key());
    }
    m_session->knownState().forgetRepositoriesNotIn(listed);
}

int RepositoryTreeModel::insertNames(Node *node, const QStringList &names)
{
    const bool fromRoot = node == m_root.get();
    std::vector<std::unique_ptr<Node>> topLevel;
    QList<Node *> createdFolders;
    QList<Node *> touchedFolders; // in catalog order
    std::unordered_map<Node *, std::vector<std::unique_ptr<Node>>> perFolder;
    QList<Node *> passedFolders;
    int added = 0;

    for (const QString &name : names) {
        if (name.isEmpty() || name.startsWith(u'/') || name.endsWith(u'/'))
            continue; // not a repository name; nothing sensible to show
        const qsizetype slash = name.indexOf(u'/');
        const QString folder = slash > 0 ? name.left(slash) : QString();
        if (fromRoot && folder != m_rootCurrentFolder) {
            // Names sharing a prefix are contiguous in a sorted catalog: once the root listing
            // leaves a folder, that folder is complete.
            if (Node *passed = m_folders.value(m_rootCurrentFolder))
                passedFolders.append(passed);
            m_rootCurrentFolder = folder;
        }
        if (!fromRoot && folder != node->path)
            continue; // outside this folder (a server ignoring the prefix)
        if (Node *known = m_repositories.value(name)) {
            known->typed = false; // the catalog confirms it
            continue;
        }
        auto repository = std::make_unique<Node>();
        repository->kind = NodeKind::Repository;
        repository->path = name;
        repository->label = slash > 0 ? name.mid(slash + 1) : name;
        m_repositories.insert(name, repository.get());
        ++added;
        if (folder.isEmpty()) {
            topLevel.push_back(std::move(repository));
            continue;
        }
        Node *folderNodePtr = fromRoot ? folderNode(folder, &createdFolders) : node;
        if (!perFolder.contains(folderNodePtr))
            touchedFolders.append(folderNodePtr);
        perFolder[folderNodePtr].push_back(std::move(repository));
    }

    for (Node *folder : std::as_const(createdFolders))
        topLevel.push_back(std::unique_ptr<Node>(folder));
    insertRepositories(m_root.get(), std::move(topLevel));
    for (Node *folder : std::as_const(touchedFolders))
        insertRepositories(folder, std::move(perFolder[folder]));
    for (Node *folder : std::as_const(passedFolders))
        markComplete(folder);
    return added;
}

void RepositoryTreeModel::markComplete(Node *folder)
{
    if (folder->complete)
        return;
    folder->complete = true;
    if (folder->fetching) {
        // Its own listing is not needed any more: the root listing passed it.
        removeSpecialRows(folder);
        setFetching(folder, false);
    }
    dropPager(folder);
    const QModelIndex index = indexOf(folder);
    Q_EMIT dataChanged(index, index, {Qt::DisplayRole, Qt::ToolTipRole, CountRole});
}

void RepositoryTreeModel::onFailed(Node *node, const Error &error)
{
    removeSpecialRows(node);
    setFetching(node, false);
    qCInfo(lcModels).noquote() << "repository listing failed:" << error.toString();
    const quint64 generation = m_generation;
    // Unreachable: the session goes offline, and an empty tree turns into the cache's last
    // known state (onSessionOfflineChanged(), which may reset the model under us).
    if (m_session && m_session->reportError(error)
        && (generation != m_generation || m_lastKnownState)) {
        return;
    }
    if (refusesCatalog(error)) {
        // The registry does not let this account list repositories: say so once, at the top,
        // and stop asking. Repositories can still be opened by path.
        const bool first = !m_catalogUnavailable;
        m_catalogUnavailable = true;
        for (Node *folder : std::as_const(m_folders))
            dropPager(folder);
        dropPager(m_root.get());
        if (first) {
            removeSpecialRows(m_root.get());
            auto special = std::make_unique<Node>();
            special->kind = NodeKind::CatalogUnavailable;
            special->error = error.message;
            appendSpecial(m_root.get(), std::move(special));
            Q_EMIT catalogUnavailable(error);
        }
        return;
    }
    node->failed = true; // the pager stays: retry() asks for the same page again
    auto special = std::make_unique<Node>();
    special->kind = NodeKind::Error;
    special->error = error.message;
    appendSpecial(node, std::move(special));
    Q_EMIT fetchFailed(indexOf(node), error);
}

void RepositoryTreeModel::retry(const QModelIndex &errorIndex)
{
    if (!errorIndex.isValid() || errorIndex.model() != this)
        return;
    Node *error = nodeOf(errorIndex);
    if (error->kind != NodeKind::Error)
        return;
    Node *parent = error->parent;
    removeSpecialRows(parent);
    parent->failed = false;
    fetchMore(indexOf(parent));
}

QModelIndex RepositoryTreeModel::addRepository(const QString &repository)
{
    const QString name = repository.trimmed();
    if (name.isEmpty() || name.startsWith(u'/') || name.endsWith(u'/'))
        return {};
    if (Node *known = m_repositories.value(name))
        return indexOf(known);
    const qsizetype slash = name.indexOf(u'/');
    const QString folder = slash > 0 ? name.left(slash) : QString();
    auto node = std::make_unique<Node>();
    node->kind = NodeKind::Repository;
    node->path = name;
    node->label = slash > 0 ? name.mid(slash + 1) : name;
    node->typed = true;
    Node *raw = node.get();
    m_repositories.insert(name, raw);
    Node *parent = m_root.get();
    if (!folder.isEmpty()) {
        QList<Node *> created;
        parent = folderNode(folder, &created);
        if (!created.isEmpty()) {
            std::vector<std::unique_ptr<Node>> folders;
            folders.push_back(std::unique_ptr<Node>(created.constFirst()));
            insertRepositories(m_root.get(), std::move(folders));
        }
    }
    std::vector<std::unique_ptr<Node>> nodes;
    nodes.push_back(std::move(node));
    insertRepositories(parent, std::move(nodes));
    return indexOf(raw);
}

QModelIndex RepositoryTreeModel::indexForRepository(const QString &repository) const
{
    return indexOf(m_repositories.value(repository.trimmed()));
}

QModelIndex RepositoryTreeModel::indexForFolder(const QString &folder) const
{
    return indexOf(m_folders.value(folder));
}

} // namespace Berth
