#pragma once

#include "net/core/error.h"
#include "ui/preferences.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

#include <memory>

namespace Berth {

class ConnectionStore;
class MainWindow;
class MetadataCache;
class RepositoryBrowser;
class SecretStore;
class SessionManager;
class WatchAlerts;
class WatchService;

//! The composition root of the desktop app: the metadata cache, the saved connections, the
//! session manager, the repository browser and the main window, wired together. Opens
//! `berth REPOSITORY` straight at that repository (finding or creating a connection for its
//! host, docker-login credentials by default) and plain `berth` at the last location.
class Desktop final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Desktop)
public:
    explicit Desktop(QObject *parent = nullptr);
    ~Desktop() override;

    //! Shows the window and opens what arguments (QCoreApplication::arguments()) ask for.
    //! Returns false with *error set for a malformed REPOSITORY argument.
    bool start(const QStringList &arguments, QString *error);

    MainWindow *window() const { return m_window.get(); }

private:
    void openLocation(const QString &connectionId, const QString &repository);
    void openReference(const QString &host, const QString &repository);
    void rememberLocation(const QString &connectionId, const QString &repository);
    static Preferences loadPreferences();
    static void savePreferences(const Preferences &preferences);
    void applyPreferences(const Preferences &preferences);
    //! Watched repositories: checks in the background, a notification per repository with new
    //! or moved tags (D-Bus, else the tray), a click opening it.
    void setUpWatching();
    void openFromNotification(const QString &connectionId, const QString &repository);

    // Declared in the order they depend on each other: destroyed in reverse.
    std::unique_ptr<MetadataCache> m_cache;
    std::unique_ptr<SecretStore> m_secrets;
    std::unique_ptr<ConnectionStore> m_connections;
    std::unique_ptr<SessionManager> m_sessions;
    std::unique_ptr<WatchService> m_watch;
    QPointer<WatchAlerts> m_alerts;
    QPointer<RepositoryBrowser> m_browser;
    std::unique_ptr<MainWindow> m_window;
    quint64 m_openGeneration = 0;
};

} // namespace Berth
