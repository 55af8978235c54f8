#pragma once

#include "net/core/job.h"
#include "net/formats/layerentry.h"
#include "net/formats/manifest.h"

#include <QByteArrayView>
#include <QPointer>

#include <functional>

class QThreadPool;

namespace Berth {

class ByteQueue;
class RegistryBackend;

//! The threads layers are read on (libarchive, zlib): a pool of their own, so a reader blocked
//! on the network never holds a thread of the global pool. MaxLayerReaders run at once; callers
//! keep at most that many layer jobs going (a reader waiting for a thread leaves its stream
//! stalled).
QThreadPool *layerThreadPool();
inline constexpr int MaxLayerReaders = 6;

//! A layer transfer fails with Timeout when no byte came for this long while the reader was
//! waiting for bytes (a reader that pauses, its queue full, waits as long as it likes).
inline constexpr int DefaultLayerStallTimeoutMs = 30000;
//! Tests shorten it.
void setLayerStallTimeoutMs(int ms);

//! The progress of a layer job in bytes of the blob (null once the job is gone).
using LayerProgress = QPointer<ByteQueue>;

//! Lists a layer blob as it streams from the registry (readLayer() on a layer thread): entries,
//! gzip checkpoints, the digest and size checked against layer. progress, when given, is set
//! to follow the transfer.
ResultJob<LayerListing> *listLayer(RegistryBackend *backend, const QString &repository,
                                   const Descriptor &layer, Priority priority, QObject *parent,
                                   LayerProgress *progress = nullptr);

//! Reads one regular file of a listed layer: from the checkpoint before it with a Range
//! (gzip), its own bytes with a Range (plain tar), or the whole layer (zstd; a server that
//! ignores Range). The bytes are checked against the file's SHA-256 from the listing, which was
//! computed from a blob whose digest was checked; a mismatch fails the job after sink had the
//! bytes (the window writes to a temporary file and keeps it only on success). sink runs on a
//! layer thread; false from it stops the read. maxBytes < entry.size reads a prefix (not
//! checked).
ResultJob<LayerFileRead> *readLayerFile(RegistryBackend *backend, const QString &repository,
                                        const LayerListing &listing, const LayerEntry &entry,
                                        qint64 maxBytes, std::function<bool(QByteArrayView)> sink,
                                        Priority priority, QObject *parent);

} // namespace Berth
