#pragma once

#include "credentials.h"
#include "metadataservice.h"
#include "networkaccessmanager.h"
#include "ocibackend.h"
#include "requestscheduler.h"

#include <QJsonObject>
#include <QObject>

namespace Berth::Test {

//! Network attempts by kind, as the scheduler started them (retries and auth rounds count).
struct RequestCounts
{
    int heads = 0;        //!< HEAD /v2/<repo>/manifests/<tag>
    int manifestGets = 0; //!< GET /v2/<repo>/manifests/<digest>
    int blobGets = 0;     //!< GET /v2/<repo>/blobs/<config digest>
    int listings = 0;     //!< GET tags/list, _catalog
    int other = 0;        //!< the /v2/ ping and anything else

    int total() const { return heads + manifestGets + blobGets + listings + other; }
    QJsonObject toJson() const;
    QString toText() const; //!< "123 (80 HEAD, 40 manifest, 3 blob)"
};

//! One client stack as the app builds it (manager, scheduler, OCI backend, metadata service)
//! against a plain-HTTP loopback registry, counting every network attempt.
class BenchStack final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BenchStack)
public:
    //! cache may be null (no persistence).
    //! credentials: empty = anonymous.
    BenchStack(const QString &host, MetadataCache *cache, const Credentials &credentials = {},
               QObject *parent = nullptr);

    RequestScheduler &scheduler() { return m_scheduler; }
    MetadataService &service() { return m_service; }
    const RequestCounts &counts() const { return m_counts; }
    void resetCounts() { m_counts = {}; }

private:
    void onAttempt(const QByteArray &method, const QUrl &url);

    NetworkAccessManager m_nam;
    RequestScheduler m_scheduler;
    OciBackend m_backend;
    MetadataService m_service;
    RequestCounts m_counts;
};

} // namespace Berth::Test
