#pragma once

#include "models/cleanup/cleanupplan.h"
#include "models/metadata/metadataservice.h"
#include "models/metadata/requestpump.h"
#include "net/core/job.h"

#include <QHash>
#include <QPointer>

namespace Berth {

class Pager;

//! Takes stock of a repository for a clean-up plan: every tag name from the server's listing,
//! then each tag's digest and creation time through the MetadataService (its cache and per-digest
//! dedupe serve here too), and on Harbor, when asked, each tag's push time. At most
//! RequestPump's limit of tags in flight, at Background priority behind what a person looks at.
//!
//! A tag that cannot be read (vanished meanwhile, malformed) is recorded with its error and the
//! rest goes on; network, credential and server errors end the job. Untagged images (when asked
//! for) are read the same way, by digest. snapshot() is what is known
//! so far (the window plans live from it); the job's result is the whole inventory.
class InventoryJob final : public ResultJob<Inventory>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InventoryJob)
public:
    //! Tags whose metadata is asked for at once: as many as a report keeps in flight.
    static constexpr int MaxInFlight = 32;

    enum Part {
        Tags = 0x0,           //!< every tag with its digest and image (always)
        PushTimes = 0x1,      //!< each tag's push time (Harbor's extras)
        UntaggedImages = 0x2, //!< the images no tag points at, with theirs (Harbor 2.x)
    };
    Q_DECLARE_FLAGS(Parts, Part)

    //! Parts the backend cannot tell are left out (and untaggedListed stays false). service must
    //! outlive the job.
    InventoryJob(MetadataService *service, const QString &repository, Parts parts, QObject *parent);

    const Inventory &snapshot() const { return m_inventory; }
    qint64 loadedCount() const { return m_loaded; }

Q_SIGNALS:
    //! After each page and each tag that arrived (coalesce in the listener).
    void progressed();

private:
    void pump();
    bool startTag(qint64 index);
    //! A metadata answer for what ("repo:tag", "repo@digest"): its image into the inventory, an
    //! error of the item's own into *itemError. False when the job ended (network, credentials,
    //! server errors).
    bool takeMetadata(const Result<MetadataService::TagMetadata> &result, const QString &what,
                      QString *itemError);
    void listUntagged();
    bool startUntagged(qint64 index);
    void tagDone(qint64 index);
    void finishIfDone();

    QPointer<MetadataService> m_service;
    Pager *m_pager = nullptr;
    bool m_withPushed;
    bool m_withUntagged;
    Inventory m_inventory;
    RequestPump m_pump{MaxInFlight};
    RequestPump m_untaggedPump{MaxInFlight};
    int m_running = 0;
    qint64 m_loaded = 0;
    //! Per tag, what is still awaited: metadata, extras.
    QHash<qint64, int> m_outstanding;
};

Q_DECLARE_OPERATORS_FOR_FLAGS(InventoryJob::Parts)

} // namespace Berth
