#pragma once

#include <QWidget>

namespace Berth {

class ConnectionStore;
class SessionManager;

//! The left pane: saved connections (add / edit / remove) and, under each, a lazy tree of what
//! the registry holds (Harbor projects -> repositories; for a plain registry the catalog grouped
//! into namespace folders), with a filter box on top. Loads on expand, pages large catalogs.
class RepositoryBrowser final : public QWidget
{
    Q_OBJECT
public:
    RepositoryBrowser(ConnectionStore *connections, SessionManager *sessions,
                      QWidget *parent = nullptr);

    //! Selects (expanding as needed) a repository; also works for a repository typed by hand
    //! when the registry refuses _catalog.
    void selectRepository(const QString &connectionId, const QString &repository);

Q_SIGNALS:
    //! A person picked a repository (click, Enter, or selectRepository()).
    void repositoryActivated(const QString &connectionId, const QString &repository);
    //! A person picked a connection node (no repository yet).
    void connectionActivated(const QString &connectionId);
};

} // namespace Berth
