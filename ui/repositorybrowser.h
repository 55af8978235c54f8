#pragma once

#include <QPointer>
#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QModelIndex;
class QPushButton;
class QSortFilterProxyModel;
class QTimer;
class QToolButton;
class QTreeView;

namespace Berth {

class ConnectionStore;
class RegistrySession;
class RepositoryTreeModel;
class SessionManager;
class WatchService;

//! The left pane: saved connections (add / edit / remove) and, under each, a lazy tree of what
//! the registry holds (Harbor projects -> repositories; for a plain registry the catalog grouped
//! into namespace folders), with a filter box on top. Loads on expand, pages large catalogs.
//! A registry that cannot be reached shows the cache's last known repositories, says so above
//! the tree (how old, why, when Berth tries again, "Retry now"), and comes back by itself; the
//! selected repository stays selected.
class RepositoryBrowser final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RepositoryBrowser)
public:
    RepositoryBrowser(ConnectionStore *connections, SessionManager *sessions,
                      QWidget *parent = nullptr);
    ~RepositoryBrowser() override;

    //! Selects (expanding as needed) a repository; also works for a repository typed by hand
    //! when the registry refuses _catalog.
    void selectRepository(const QString &connectionId, const QString &repository);

    //! The connection shown (empty when there is none).
    QString currentConnectionId() const;
    //! Switches to a connection and opens it (connectionActivated follows).
    void setCurrentConnection(const QString &connectionId);
    //! The repository of the current tree row, or empty.
    QString currentRepository() const;
    //! Lists the current connection's repositories again.
    void reload();
    //! The text above the tree ("Offline — last seen …"), empty when hidden.
    QString statusText() const;
    //! Retry (a failed open) or Retry now (offline); hidden otherwise.
    QPushButton *retryButton() const { return m_retry; }

    //! Watched repositories: their badge and "Watched" mark in the tree, the context menu's
    //! "Watch for New Tags". Null (the default): no watching.
    void setWatchService(WatchService *watch);
    WatchService *watchService() const;

    RepositoryTreeModel *treeModel() const { return m_model; }
    QTreeView *treeView() const { return m_view; }
    //! Add / Edit / Remove connection, Open repository…, Reload: for menus and tool bars.
    QAction *addConnectionAction() const { return m_addAction; }
    QAction *editConnectionAction() const { return m_editAction; }
    QAction *removeConnectionAction() const { return m_removeAction; }
    QAction *openRepositoryAction() const { return m_openAction; }
    QAction *reloadAction() const { return m_reloadAction; }

    //! Opens the add dialog (what the Add action does).
    void addConnection();
    void editConnection();
    void removeConnection();

Q_SIGNALS:
    //! A person picked a repository (click, Enter, or selectRepository()).
    void repositoryActivated(const QString &connectionId, const QString &repository);
    //! A person picked a connection node (no repository yet).
    void connectionActivated(const QString &connectionId);
    //! "Clean Up…" from a repository's context menu.
    void cleanupRequested(const QString &connectionId, const QString &repository);

protected:
    void changeEvent(QEvent *event) override; //!< a new style: its icons again

private:
    void rebuildConnections(const QString &select);
    void onConnectionIndexChanged(int index);
    void openCurrent();
    void onSessionOpened(const QString &connectionId, RegistrySession *session);
    void showStatus(const QString &text, bool error);
    void onCurrentChanged(const QModelIndex &current);
    void onActivated(const QModelIndex &index);
    void showContextMenu(const QPoint &position);
    void showOpenRow();
    void openTypedRepository();
    void applyPendingSelection();
    void emitRepository(const QString &repository);
    //! The repository shown becomes the pending selection (restored once the tree is back).
    void keepSelection();
    void onRetryClicked();
    void onOfflineChanged(bool offline);
    //! A session (re)opened for a connection: a cache-only one was replaced by a real one.
    void onSessionReplaced(const QString &connectionId);
    void updateOfflineStatus();

    ConnectionStore *m_connections;
    SessionManager *m_sessions;
    QPointer<WatchService> m_watch;
    RepositoryTreeModel *m_model;
    QSortFilterProxyModel *m_proxy;

    QComboBox *m_connectionBox;
    QToolButton *m_addButton;
    QToolButton *m_editButton;
    QToolButton *m_removeButton;
    QLineEdit *m_filter;
    QTreeView *m_view;
    QWidget *m_statusRow;
    QLabel *m_statusIcon;
    QLabel *m_status;
    QPushButton *m_retry;
    QWidget *m_openRow;
    QLineEdit *m_openEdit;
    QAction *m_addAction;
    QAction *m_editAction;
    QAction *m_removeAction;
    QAction *m_openAction;
    QAction *m_reloadAction;

    QString m_shownConnection;   //!< whose tree the model shows (or is opening)
    QString m_pendingConnection; //!< selectRepository() waiting for this session
    QString m_pendingRepository;
    //! Scroll back to the current repository as catalog pages arrive (see pageFetched).
    bool m_followCurrent = false;
    QString m_lastEmitted;  //!< "connection\nrepository" of the last repositoryActivated
    QTimer *m_offlineTimer; //!< the countdown to the next attempt, once a second while offline
};

} // namespace Berth
