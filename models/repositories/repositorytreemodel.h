#pragma once

#include "net/core/error.h"

#include <QAbstractItemModel>
#include <QDateTime>
#include <QHash>
#include <QPointer>

#include <memory>
#include <vector>

namespace Berth {

class Pager;
class RegistrySession;
class WatchService;

//! The repositories of one registry as a lazy tree: namespace folders (the first path
//! component: "team-a/api" and "team-a/sub/deep" go under "team-a", shown as "api" and
//! "sub/deep") and top-level repositories ("busybox"). Nothing is asked of the server until a
//! view calls fetchMore(): on the root it pages through the whole catalog (each page also fills
//! the folders it touches), on a folder it pages through that folder's names only (a catalog
//! listing from its prefix). A folder knows its count once the catalog has passed it; only then
//! does it show "team-a (3)". While a page loads, the node has a trailing Loading row; a failed
//! page leaves an Error row (retry() it). A registry that refuses _catalog (401, 403, 404,
//! UNSUPPORTED) gets one CatalogUnavailable row: repositories can then be added by path
//! (addRepository()). Sorted as the catalog is (by name, ordinal).
//!
//! Offline (the session's registry cannot be reached, RegistrySession::isOffline()): a tree
//! that has nothing listed shows the disk cache's last known repositories instead, marked as
//! such (isOffline(), lastSeen(), OfflineRole), and nothing is listed until the registry answers
//! again; then the tree starts over from the catalog. A complete catalog listing is the truth:
//! repositories the cache knows and the catalog no longer has are forgotten.
class RepositoryTreeModel final : public QAbstractItemModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RepositoryTreeModel)
public:
    enum Role {
        RepositoryRole = Qt::UserRole + 1, //!< QString: the full path of a repository node
        NodeKindRole,                      //!< NodeKind
        ErrorRole,                         //!< QString: the message of an Error /
                                           //!< CatalogUnavailable node
        CountRole,                         //!< int: repositories in a folder, -1 until complete
        PathRole, //!< QString: repository path or folder name (what filters match on)
        //! bool: the row is the cache's last known state, not confirmed by the registry
        OfflineRole,
        WatchedRole,     //!< bool: a repository watched for new tags
        UnseenCountRole, //!< int: new / moved tags not seen yet (a folder: of its repositories)
        WatchErrorRole,  //!< QString: why the last check of a watched repository failed
    };
    enum class NodeKind { Folder, Repository, Loading, Error, CatalogUnavailable };
    Q_ENUM(NodeKind)

    explicit RepositoryTreeModel(QObject *parent = nullptr);
    ~RepositoryTreeModel() override;

    //! Shows the repositories of session's registry (resets; loading starts with the first
    //! fetchMore()). Null clears. The model follows the session's destruction.
    void setSession(RegistrySession *session);
    RegistrySession *session() const { return m_session; }
    //! Where the watched state of the rows comes from (WatchedRole, UnseenCountRole, the
    //! tooltip), for the saved connection connectionId the tree shows. Null: nothing watched.
    void setWatchService(WatchService *watch, const QString &connectionId);
    QString connectionId() const { return m_connectionId; }
    //! Names asked per catalog request. 100 is Distribution's own default page and a few
    //! screens of tree; tests use small pages.
    void setPageSize(int n) { m_pageSize = qMax(1, n); }
    int pageSize() const { return m_pageSize; }
    //! Forgets everything and starts again (F5).
    void reload();

    //! Adds a repository typed by a person (the catalog may be refused or not have reached it
    //! yet) and returns its index; returns the existing one when already known.
    QModelIndex addRepository(const QString &repository);
    //! The index of a known repository, or invalid.
    QModelIndex indexForRepository(const QString &repository) const;
    //! The index of a folder by its name ("team-a"), or invalid.
    QModelIndex indexForFolder(const QString &folder) const;
    //! Removes an Error row and fetches its parent again.
    void retry(const QModelIndex &errorIndex);

    bool isCatalogUnavailable() const { return m_catalogUnavailable; }
    bool isLoading() const { return m_fetching > 0; }
    //! The session is offline: nothing is listed, rows may be the cache's last known state.
    bool isOffline() const { return m_offline; }
    //! The rows are the cache's last known state (the registry was unreachable when listing).
    bool showsLastKnownState() const { return m_lastKnownState; }
    //! When the registry last confirmed any tag of the shown repositories; invalid if unknown.
    QDateTime lastSeen() const { return m_lastSeen; }

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void loadingChanged(bool loading);
    //! A page added count repositories under parent (invalid = the whole catalog).
    void pageFetched(const QModelIndex &parent, int count);
    void fetchFailed(const QModelIndex &parent, const Berth::Error &error);
    //! The registry refuses to list its repositories; type paths instead.
    void catalogUnavailable(const Berth::Error &error);
    //! isOffline() changed (showsLastKnownState() with it).
    void offlineChanged(bool offline);

private:
    struct Node;

    Node *nodeOf(const QModelIndex &index) const;
    QModelIndex indexOf(const Node *node) const;
    void clear();
    void startFetch(Node *node);
    void onPage(Node *node, const QStringList &names);
    //! Adds the repositories of names (a page of node's listing) and their folders; returns how
    //! many were new.
    int insertNames(Node *node, const QStringList &names);
    void onSessionOfflineChanged(bool offline);
    void showLastKnownState();
    //! After a complete catalog: the cache forgets repositories the registry no longer has.
    void forgetVanishedRepositories();
    void onFailed(Node *node, const Error &error);
    void setFetching(Node *node, bool fetching);
    void appendSpecial(Node *parent, std::unique_ptr<Node> special);
    void removeSpecialRows(Node *parent);
    Node *folderNode(const QString &folder, QList<Node *> *created);
    //! Inserts repository nodes (sorted) under parent; one row insertion when they all append.
    void insertRepositories(Node *parent, std::vector<std::unique_ptr<Node>> nodes);
    void insertChildren(Node *parent, int position, std::vector<std::unique_ptr<Node>> nodes);
    int contentCount(const Node *parent) const;
    void markComplete(Node *folder);
    void dropPager(Node *node);
    void onWatchChanged(const QString &connectionId, const QString &repository);
    QString watchToolTip(const QString &repository) const;
    int unseenCount(const Node *node) const;

    QPointer<RegistrySession> m_session;
    QPointer<WatchService> m_watch;
    QString m_connectionId;
    std::unique_ptr<Node> m_root;
    QHash<QString, Node *> m_repositories; //!< full path -> node
    QHash<QString, Node *> m_folders;      //!< folder name -> node
    QString m_rootCurrentFolder;           //!< folder of the last name the root pager gave
    int m_pageSize = 100;
    int m_fetching = 0;
    quint64 m_generation = 0; //!< bumped on every reset
    bool m_catalogUnavailable = false;
    bool m_offline = false;
    bool m_lastKnownState = false;
    QDateTime m_lastSeen;
};

} // namespace Berth
