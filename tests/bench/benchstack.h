#pragma once

#include "models/metadata/metadataservice.h"
#include "models/session/registrysession.h"
#include "models/session/sessionopener.h"
#include "net/backend/backendfactory.h"
#include "net/backend/registrybackend.h"
#include "net/core/credentials.h"
#include "net/core/registryendpoint.h"
#include "net/transport/networkaccessmanager.h"
#include "net/transport/requestscheduler.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>

namespace Berth::Test {

//! Network attempts by kind, as the scheduler started them (retries and auth rounds count).
struct RequestCounts
{
    int heads = 0;        //!< HEAD /v2/<repo>/manifests/<tag>
    int manifestGets = 0; //!< GET /v2/<repo>/manifests/<digest>
    int blobGets = 0;     //!< GET /v2/<repo>/blobs/<config digest>
    int listings = 0;     //!< GET tags/list, _catalog, Harbor's artifacts and tags pages
    int other = 0;        //!< the /v2/ ping and anything else

    int total() const { return heads + manifestGets + blobGets + listings + other; }
    //! Counts one request by its method and path.
    void count(const QByteArray &method, const QString &path);
    QJsonObject toJson() const;
    QString toText() const; //!< "123 (80 HEAD, 40 manifest, 3 blob)"
};

//! One client stack as the app builds it (manager, scheduler, then a session opened by
//! openSession() as the window and the command line open theirs: its backend and metadata
//! service) against a plain-HTTP loopback server, counting every network attempt.
class BenchStack final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BenchStack)
public:
    //! cache may be null (no persistence).
    //! credentials: empty = anonymous.
    //! kind: the kind of server, given as a configured connection gives it (no detection).
    BenchStack(const QString &host, MetadataCache *cache, const Credentials &credentials = {},
               BackendKind kind = BackendKind::Registry, QObject *parent = nullptr);
    //! The session goes first: its backend sends through the scheduler.
    ~BenchStack() override;

    //! Opens the session (detection skipped, the backend connects: reachability, credentials,
    //! Harbor's API generation) and waits for it. Not timed and not counted: the app connects
    //! once per registry, not per repository; counts start at zero afterwards.
    Error open(int timeoutMs);

    RequestScheduler &scheduler() { return m_scheduler; }
    //! The open session; only after open() succeeded.
    RegistrySession &session() { return *m_session; }
    RegistryBackend &backend() { return *m_session->backend(); }
    MetadataService &service() { return *m_session->metadata(); }
    const RequestCounts &counts() const { return m_counts; }
    void resetCounts() { m_counts = {}; }

private:
    void onAttempt(const QByteArray &method, const QUrl &url);

    RegistryEndpoint m_endpoint;
    SessionOptions m_options;
    NetworkAccessManager m_nam;
    RequestScheduler m_scheduler;
    QPointer<RegistrySession> m_session; //!< a child, deleted first by the destructor
    RequestCounts m_counts;
};

} // namespace Berth::Test
