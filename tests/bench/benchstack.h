#pragma once

#include "models/metadata/metadataservice.h"
#include "net/backend/backendfactory.h"
#include "net/backend/registrybackend.h"
#include "net/core/credentials.h"
#include "net/transport/networkaccessmanager.h"
#include "net/transport/requestscheduler.h"

#include <QJsonObject>
#include <QObject>

#include <memory>

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
    QJsonObject toJson() const;
    QString toText() const; //!< "123 (80 HEAD, 40 manifest, 3 blob)"
};

//! One client stack as the app builds it (manager, scheduler, backend, metadata service)
//! against a plain-HTTP loopback server, counting every network attempt.
class BenchStack final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BenchStack)
public:
    //! cache may be null (no persistence).
    //! credentials: empty = anonymous.
    //! kind: the backend createBackend() makes (Harbor: call connectToRegistry() on backend()
    //! first, as the app does, so the API generation is known).
    BenchStack(const QString &host, MetadataCache *cache, const Credentials &credentials = {},
               BackendKind kind = BackendKind::Registry, QObject *parent = nullptr);
    ~BenchStack() override;

    RequestScheduler &scheduler() { return m_scheduler; }
    RegistryBackend &backend() { return *m_backend; }
    MetadataService &service() { return m_service; }
    const RequestCounts &counts() const { return m_counts; }
    void resetCounts() { m_counts = {}; }

private:
    void onAttempt(const QByteArray &method, const QUrl &url);

    NetworkAccessManager m_nam;
    RequestScheduler m_scheduler;
    // Not a QObject child: it must go before the scheduler it uses (members die in reverse).
    std::unique_ptr<RegistryBackend> m_backend;
    MetadataService m_service;
    RequestCounts m_counts;
};

} // namespace Berth::Test
