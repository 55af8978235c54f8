#include "net/layers/layerjobs.h"

#include "net/backend/registrybackend.h"
#include "net/layers/bytesource.h"
#include "net/layers/layerreader.h"
#include "net/transport/bytequeue.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QThreadPool>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <memory>

using namespace Qt::StringLiterals;

namespace Berth {

QThreadPool *layerThreadPool()
{
    static QThreadPool *pool = [] {
        auto *threads = new QThreadPool;
        threads->setMaxThreadCount(MaxLayerReaders);
        return threads;
    }();
    return pool;
}

namespace {

int g_stallTimeoutMs = DefaultLayerStallTimeoutMs;

//! Fails task with Timeout when queue got no byte for the stall timeout while it had room
//! (the reader was waiting: the server is silent, not the reader slow). Once the stream ended
//! there is no server left to wait for: a reader pausing over the last bytes is not a stall.
template<typename T>
void watchForStall(Task<T> *task, ByteQueue *queue)
{
    auto *timer = new QTimer(task);
    timer->setInterval(qMin(1000, qMax(50, g_stallTimeoutMs / 10)));
    auto last = std::make_shared<qint64>(-1);
    auto silentSince = std::make_shared<QElapsedTimer>();
    silentSince->start();
    QObject::connect(task, &Job::finished, timer, &QTimer::stop);
    QObject::connect(timer, &QTimer::timeout, task,
                     [task, queue = QPointer<ByteQueue>(queue), last, silentSince] {
                         if (!queue || queue->isClosed())
                             return;
                         const qint64 written = queue->bytesWritten();
                         if (written != *last || queue->isFull()) {
                             *last = written;
                             silentSince->restart();
                             return;
                         }
                         if (silentSince->elapsed() < g_stallTimeoutMs)
                             return;
                         const Error stalled(ErrorCode::Timeout,
                                             u"no data from the registry for %1 s"_s.arg(
                                                     g_stallTimeoutMs / 1000.0));
                         queue->close(stalled);
                         task->fail(stalled);
                     });
    timer->start();
}

} // namespace

void setLayerStallTimeoutMs(int ms)
{
    g_stallTimeoutMs = ms;
}

namespace {

//! Streams a blob (or bytes [firstByte, lastByte] of it) into work(), run on a layer thread.
//! The task ends with work's result; a stream that fails ends work's reads with its error. The
//! request is only sent once work runs: a transfer never waits, stalled at a full queue, for a
//! thread of the pool (it would run into the transfer timeout). The queue lives until both the
//! stream and work are done with it, and is deleted on its own thread.
template<typename T>
ResultJob<T> *streamIntoWorker(RegistryBackend *backend, const QString &repository,
                               const QString &digest, qint64 firstByte, qint64 lastByte,
                               Priority priority, std::function<Result<T>(ByteQueue &)> work,
                               QObject *parent, LayerProgress *progress)
{
    auto *task = new Task<T>(priority, parent);
    const std::shared_ptr<ByteQueue> queue(new ByteQueue, [](ByteQueue *q) { q->deleteLater(); });
    if (progress)
        *progress = queue.get();
    // Whatever ends the task (its result, a cancel, its owner) stops a worker still reading.
    QObject::connect(task, &Job::finished, queue.get(), [queue = queue.get()] { queue->cancel(); });
    QObject::connect(task, &QObject::destroyed, queue.get(),
                     [queue = queue.get()] { queue->cancel(); });

    auto *watcher = new QFutureWatcher<Result<T>>;
    const QPointer<Task<T>> taskAlive(task);
    QObject::connect(watcher, &QFutureWatcherBase::finished, watcher, [watcher, taskAlive, queue] {
        if (taskAlive)
            taskAlive->finish(watcher->result());
        watcher->deleteLater();
    });
    const auto startStream
            = [taskAlive, backend, repository, digest, firstByte, lastByte, queue = queue.get()] {
                  if (!taskAlive || taskAlive->isFinished())
                      return;
                  watchForStall(taskAlive.data(), queue);
                  taskAlive->await(backend->streamBlob(repository, digest, queue,
                                                       taskAlive->priority(), firstByte, lastByte),
                                   [queue](const Result<StreamedBlob> &streamed) {
                                       queue->close(streamed ? Error() : streamed.error());
                                   });
              };
    watcher->setFuture(QtConcurrent::run(layerThreadPool(), [work, queue, startStream] {
        // On the queue's (the GUI) thread; the queue outlives the call: this lambda holds it.
        QMetaObject::invokeMethod(queue.get(), startStream, Qt::QueuedConnection);
        return work(*queue);
    }));
    return task;
}

} // namespace

ResultJob<LayerListing> *listLayer(RegistryBackend *backend, const QString &repository,
                                   const Descriptor &layer, Priority priority, QObject *parent,
                                   LayerProgress *progress)
{
    LayerReadOptions options;
    options.digest = layer.digest;
    options.size = layer.size > 0 ? layer.size : -1;
    const QString what = u"Layer %1"_s.arg(layer.digest);
    return streamIntoWorker<LayerListing>(
            backend, repository, layer.digest, 0, -1, priority,
            [options, what](ByteQueue &queue) -> Result<LayerListing> {
                QueueSource source(queue);
                Result<LayerListing> listing = readLayer(source, options);
                if (!listing) {
                    Error error = listing.error();
                    error.message = what + u": "_s + error.message;
                    return error;
                }
                return listing;
            },
            parent, progress);
}

ResultJob<LayerFileRead> *readLayerFile(RegistryBackend *backend, const QString &repository,
                                        const LayerListing &listing, const LayerEntry &entry,
                                        qint64 maxBytes, std::function<bool(QByteArrayView)> sink,
                                        Priority priority, QObject *parent)
{
    const qint64 length = maxBytes >= 0 ? qMin(maxBytes, entry.size) : entry.size;
    const bool whole = length == entry.size;
    if (length <= 0)
        return finishedJob<LayerFileRead>(LayerFileRead{}, parent); // nothing to fetch
    const bool seekable = entry.dataOffset >= 0
                          && (listing.compression == u"gzip"_s || listing.compression == u"none"_s);
    LayerRangeStart start;
    qint64 lastByte = -1;
    if (seekable) {
        start = layerRangeStart(listing, entry.dataOffset);
        lastByte = layerRangeLastByte(listing, entry.dataOffset + length);
    }
    // A copy of what the worker needs: the listing's entries stay with the caller.
    LayerListing shape;
    shape.digest = listing.digest;
    shape.compression = listing.compression;
    shape.compressedBytes = listing.compressedBytes;
    if (start.checkpoint) {
        shape.checkpoints.append(*start.checkpoint);
        start.checkpoint = nullptr; // re-pointed at the copy inside the worker
    }
    const LayerEntry target = entry;
    return streamIntoWorker<LayerFileRead>(
            backend, repository, listing.digest, start.sourceOffset, lastByte, priority,
            [=](ByteQueue &queue) -> Result<LayerFileRead> {
                QueueSource source(queue);
                LayerFileRead read;
                Sha256Stream hash;
                const auto pass = [&](QByteArrayView bytes) {
                    read.bytes += bytes.size();
                    if (whole)
                        hash.add(bytes);
                    return sink(bytes);
                };
                // The first bytes tell whether the server honoured the Range.
                QByteArray first(64 * 1024, Qt::Uninitialized);
                const qint64 n = source.read(first.data(), first.size());
                if (n < 0)
                    return source.error();
                first.truncate(n);
                const bool ranged = queue.partial();
                PrefixedSource body(first, source);
                Error error;
                if (seekable) {
                    LayerRangeStart from;
                    if (ranged) {
                        from.sourceOffset = start.sourceOffset;
                        from.checkpoint = shape.checkpoints.isEmpty() ? nullptr
                                                                      : &shape.checkpoints.first();
                    }
                    error = readLayerRange(body, shape, from, target.dataOffset, length, pass);
                } else {
                    // Not seekable: list the layer again, taking this file's bytes as they pass.
                    LayerReadOptions options;
                    options.digest = shape.digest;
                    options.checkpointSpan = 0;
                    // A tar may hold a path twice (the later one counts): the entry read is
                    // the one at the listed offset.
                    options.wantsContent = [&target](const LayerEntry &candidate) {
                        return candidate.path == target.path
                               && candidate.dataOffset == target.dataOffset;
                    };
                    qint64 left = length;
                    options.content = [&](const LayerEntry &, QByteArrayView bytes) {
                        const QByteArrayView part = bytes.first(qMin<qint64>(bytes.size(), left));
                        left -= part.size();
                        // A prefix (a preview) stops the read once it is there.
                        return pass(part) && (whole || left > 0);
                    };
                    const Result<LayerListing> relisted = readLayer(body, options);
                    const bool prefixRead = !whole && left == 0;
                    error = relisted || prefixRead ? Error() : relisted.error();
                }
                read.fetchedBytes = queue.bytesWritten();
                read.ranged = ranged;
                const qint64 blobBytes = shape.compressedBytes;
                read.requestedBytes = !ranged         ? blobBytes
                                      : lastByte >= 0 ? lastByte + 1 - start.sourceOffset
                                                      : blobBytes - start.sourceOffset;
                if (error.isError()) {
                    error.message = target.path + u": "_s + error.message;
                    return error;
                }
                if (whole && target.hasContentDigest && hash.finish() != target.contentDigest) {
                    return Error(
                            ErrorCode::DigestMismatch,
                            u"%1: the bytes read do not match the layer's listing (the "
                            "registry sent different content for the range)"_s.arg(target.path));
                }
                return read;
            },
            parent, nullptr);
}

} // namespace Berth
