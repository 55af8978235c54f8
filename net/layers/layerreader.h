#pragma once

#include "net/core/error.h"
#include "net/formats/layerentry.h"

#include <QByteArrayView>

#include <atomic>
#include <functional>
#include <optional>

namespace Berth {

class ByteSource;

//! What to read from a layer, and the bounds a hostile one meets.
struct LayerReadOptions
{
    //! Checked as the compressed bytes pass (empty / < 0: not checked).
    QString digest;
    qint64 size = -1;
    //! gzip layers: a checkpoint about every span bytes of uncompressed data (0: none).
    qint64 checkpointSpan = DefaultCheckpointSpan;
    //! A layer with more entries fails (the listing is held in memory, ~250 bytes an entry).
    int maxEntries = MaxEntries;
    //! Optional: the bytes of the files wanted, as they pass (regular files only). content
    //! returning false stops the read (Cancelled).
    std::function<bool(const LayerEntry &)> wantsContent;
    std::function<bool(const LayerEntry &, QByteArrayView)> content;

    //! 2 MiB: reading one file later inflates at most this much before it.
    static constexpr qint64 DefaultCheckpointSpan = 2 * 1024 * 1024;
    static constexpr int MaxEntries = 300000;
    static constexpr int MaxPathBytes = 4096;
};

//! Reads a layer blob (tar, tar+gzip, tar+zstd, told apart by their first bytes) from source
//! with libarchive, on the calling thread (a worker's), holding only buffers: every entry,
//! whiteouts as the paths they remove, each regular file's SHA-256, gzip checkpoints. Entries
//! with unsafe paths ("../", over MaxPathBytes) are skipped with a warning. The whole blob is
//! read (its digest checked) even after the tar's end.
Result<LayerListing> readLayer(ByteSource &source, const LayerReadOptions &options);

//! Where reading [offset, offset + length) of a layer's uncompressed tar starts in its blob:
//! a gzip layer at the checkpoint before offset (or its first byte), a plain tar at offset
//! itself; zstd from its first byte (it cannot be entered in the middle).
struct LayerRangeStart
{
    qint64 sourceOffset = 0; //!< the blob's byte the source starts with (a Range's first)
    const InflateCheckpoint *checkpoint = nullptr;
};
LayerRangeStart layerRangeStart(const LayerListing &listing, qint64 offset);
//! The last byte of the blob a read of uncompressed bytes up to end needs; -1: the blob's end.
qint64 layerRangeLastByte(const LayerListing &listing, qint64 end);

//! The bytes [offset, offset + length) of a layer's uncompressed tar, source starting at
//! start.sourceOffset of the blob (0: the first byte, whatever start's checkpoint). sink gets
//! them in pieces; false from it stops (Cancelled).
Error readLayerRange(ByteSource &source, const LayerListing &listing, const LayerRangeStart &start,
                     qint64 offset, qint64 length, const std::function<bool(QByteArrayView)> &sink);

//! Normalises a tar path to an absolute one ("./usr//bin/" -> "/usr/bin", "./" -> "/");
//! nothing for a path that climbs out of the root ("..").
std::optional<QString> normaliseLayerPath(QStringView path);

} // namespace Berth
