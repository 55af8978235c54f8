#pragma once

#include "models/session/knownstate.h"
#include "net/core/backendinfo.h"
#include "net/core/error.h"
#include "net/core/job.h"
#include "net/core/schedulerstats.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QString>

namespace Berth {

class MetadataCache;
class MetadataService;
class Reconnector;
class RegistryBackend;
class TagOperations;

//! One open registry: its backend and the services over it that the window, the command line
//! and the benchmarks use: metadata (the one metadata path, with its caches) and tag operations.
//! Made by openSession() (SessionOpener), which detects and connects first.
//!
//! A session is offline while its registry cannot be reached (isUnreachable()): whoever saw a
//! request fail that way says so (reportError()), and the session then asks the registry again
//! with back-off (reconnector(): GET /v2/ through connectToRegistry()) until it answers, and
//! says offlineChanged(false). Views show the disk cache's last known state meanwhile
//! (knownState()) and offer nothing that would change the registry.
class RegistrySession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RegistrySession)
public:
    enum class Origin {
        Connected, //!< detected and connected: the registry answered
        //! Made when opening found the registry unreachable, from what the connection says
        //! (the kind may be a guess): offline from the start, for the cache's last known state.
        //! Once the registry answers, SessionManager opens a real session in its place.
        CacheOnly,
    };

    //! Takes ownership of backend. cache may be null (no persistence: the command line).
    //! A CacheOnly session is offline with why as its reason.
    RegistrySession(const BackendInfo &info, RegistryBackend *backend, MetadataCache *cache,
                    QObject *parent = nullptr, Origin origin = Origin::Connected,
                    const Error &why = {});
    //! The services go first: they cancel their requests through the backend.
    ~RegistrySession() override;

    //! What detection found, or the kind given (product and version only after detection).
    const BackendInfo &info() const { return m_info; }
    RegistryBackend *backend() const { return m_backend; }
    MetadataService *metadata() const { return m_metadata; }
    TagOperations *operations() const { return m_operations; }
    //! The disk cache's last known state of this registry (and the forgetting that keeps it).
    const KnownState &knownState() const { return m_known; }

    //! The host as people write it in references ("127.0.0.1:5000", "docker.io").
    QString registryName() const;
    //! "Harbor v2.10.0", "Docker Registry (Distribution API v2)": for display.
    QString productName() const;
    //! Requests queued and in flight (the status line).
    SchedulerStats requestStats() const;
    //! Cancels the requests that have waited at least olderThanMs (in flight, or for a retry):
    //! the window's Cancel on "Waiting … for …". Returns how many.
    int cancelWaitingRequests(qint64 olderThanMs);

    bool isCacheOnly() const { return m_origin == Origin::CacheOnly; }
    bool isOffline() const { return m_offline; }
    //! Why the registry cannot be reached (the last attempt's error); none when online.
    Error offlineError() const { return m_offline ? m_offlineError : Error(); }
    //! When the registry was found unreachable; invalid when online.
    QDateTime offlineSince() const { return m_offline ? m_offlineSince : QDateTime(); }
    //! The back-off of the attempts to reach the registry again (active while offline).
    Reconnector *reconnector() const { return m_reconnector; }

    //! A request of this session failed with error: when it means the registry cannot be
    //! reached, the session goes offline (and starts trying again). Returns isOffline().
    bool reportError(const Error &error);
    //! A request of this session was answered: the registry is reachable again.
    void reportReachable();
    //! "Retry now": asks the registry at once instead of at the end of the wait.
    void retryNow();

Q_SIGNALS:
    //! requestStats() changed (often: listeners coalesce).
    void requestStatsChanged();
    //! The registry could not be reached (true) or answered again (false).
    void offlineChanged(bool offline);
    //! A cache-only session's registry answered: SessionManager opens a real session in its
    //! place (the cache-only one stays offline until then).
    void reachableAgain();

private:
    void setOffline(const Error &why);
    void setOnline();
    void probe();

    BackendInfo m_info;
    RegistryBackend *m_backend;
    KnownState m_known;
    MetadataService *m_metadata;
    TagOperations *m_operations;
    Origin m_origin;
    Reconnector *m_reconnector;
    QPointer<ResultJob<void>> m_probe;
    Error m_offlineError;
    QDateTime m_offlineSince;
    bool m_offline = false;
    bool m_closing = false;
};

} // namespace Berth
