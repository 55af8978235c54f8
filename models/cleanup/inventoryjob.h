#pragma once

#include "models/cleanup/cleanupplan.h"
#include "models/metadata/requestpump.h"
#include "net/core/job.h"

#include <QHash>
#include <QPointer>

namespace Berth {

class MetadataService;
class Pager;

//! Takes stock of a repository for a clean-up plan: every tag name from the server's listing,
//! then each tag's digest and creation time through the MetadataService (its cache and per-digest
//! dedupe serve here too), and on Harbor, when asked, each tag's push time. At most
//! RequestPump's limit of tags in flight, at Background priority behind what a person looks at.
//!
//! A tag that cannot be read (vanished meanwhile, malformed) is recorded with its error and the
//! rest goes on; network, credential and server errors end the job. snapshot() is what is known
//! so far (the window plans live from it); the job's result is the whole inventory.
class InventoryJob final : public ResultJob<Inventory>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InventoryJob)
public:
    //! Tags whose metadata is asked for at once: as many as a report keeps in flight.
    static constexpr int MaxInFlight = 32;

    //! withPushed: also each tag's push time (Harbor's extras). service must outlive the job.
    InventoryJob(MetadataService *service, const QString &repository, bool withPushed,
                 QObject *parent);

    const Inventory &snapshot() const { return m_inventory; }
    qint64 loadedCount() const { return m_loaded; }

Q_SIGNALS:
    //! After each page and each tag that arrived (coalesce in the listener).
    void progressed();

private:
    void pump();
    bool startTag(qint64 index);
    void tagDone(qint64 index);
    void finishIfDone();

    QPointer<MetadataService> m_service;
    Pager *m_pager = nullptr;
    bool m_withPushed;
    Inventory m_inventory;
    RequestPump m_pump{MaxInFlight};
    int m_running = 0;
    qint64 m_loaded = 0;
    //! Per tag, what is still awaited: metadata, extras.
    QHash<qint64, int> m_outstanding;
};

} // namespace Berth
