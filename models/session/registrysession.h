#pragma once

#include "net/core/backendinfo.h"
#include "net/core/schedulerstats.h"

#include <QObject>
#include <QString>

namespace Berth {

class MetadataCache;
class MetadataService;
class RegistryBackend;
class TagOperations;

//! One open registry: its backend and the services over it that the window, the command line
//! and the benchmarks use: metadata (the one metadata path, with its caches) and tag operations.
//! Made by openSession() (SessionOpener), which detects and connects first.
class RegistrySession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RegistrySession)
public:
    //! Takes ownership of backend. cache may be null (no persistence: the command line).
    RegistrySession(const BackendInfo &info, RegistryBackend *backend, MetadataCache *cache,
                    QObject *parent = nullptr);
    //! The services go first: they cancel their requests through the backend.
    ~RegistrySession() override;

    //! What detection found, or the kind given (product and version only after detection).
    const BackendInfo &info() const { return m_info; }
    RegistryBackend *backend() const { return m_backend; }
    MetadataService *metadata() const { return m_metadata; }
    TagOperations *operations() const { return m_operations; }

    //! The host as people write it in references ("127.0.0.1:5000", "docker.io").
    QString registryName() const;
    //! "Harbor v2.10.0", "Docker Registry (Distribution API v2)": for display.
    QString productName() const;
    //! Requests queued and in flight (the status line).
    SchedulerStats requestStats() const;
    //! Cancels the requests that have waited at least olderThanMs (in flight, or for a retry):
    //! the window's Cancel on "Waiting … for …". Returns how many.
    int cancelWaitingRequests(qint64 olderThanMs);

Q_SIGNALS:
    //! requestStats() changed (often: listeners coalesce).
    void requestStatsChanged();

private:
    BackendInfo m_info;
    RegistryBackend *m_backend;
    MetadataService *m_metadata;
    TagOperations *m_operations;
};

} // namespace Berth
