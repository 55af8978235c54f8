#pragma once

#include "net/core/sha256stream.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace Berth {

enum class EntryType : quint8 { File, Dir, Symlink, Hardlink, Whiteout, Other };

//! "file", "dir", "symlink", "hardlink", "whiteout", "other" (`berth ls --json`).
QString entryTypeName(EntryType type);

//! One entry of a layer's tar, as the layer says it. Paths are absolute and normalised
//! ("/usr/bin/env"); the root itself is never an entry.
struct LayerEntry
{
    //! For a whiteout, the path it removes; for an opaque marker, its directory.
    QString path;
    EntryType type = EntryType::Other;
    bool opaque = false; //!< a ".wh..wh..opq" marker: the lower layers' content of path is hidden
    qint64 size = 0;     //!< as the tar header says (0 for directories, links)
    quint32 mode = 0;    //!< permission bits, 07777
    qint64 uid = 0;
    qint64 gid = 0;
    qint64 mtime = 0; //!< seconds since the epoch
    //! A symlink's target as stored; a hard link's target as an absolute path.
    QString link;
    //! Where a regular file's bytes start in the uncompressed tar stream; -1 when they cannot be
    //! read from there (sparse files).
    qint64 dataOffset = -1;
    bool hasContentDigest = false;
    Sha256Stream::Sum contentDigest{}; //!< of a regular file's bytes, when hasContentDigest

    bool isFile() const { return type == EntryType::File; }
    //! "0755"
    QString modeText() const;
};

//! A point where inflating a gzip layer can start again without the bytes before it (zlib's
//! zran technique): the compressed position (and its bit offset within the byte before), the
//! uncompressed position, and the 32 KiB of output before it that deflate may refer back to.
struct InflateCheckpoint
{
    qint64 compressedOffset = 0;
    qint64 uncompressedOffset = 0;
    quint8 bits = 0; //!< unused bits of the byte at compressedOffset - 1 that belong to the stream
    QByteArray window;
};

//! What a layer holds and how to get back into it.
struct LayerListing
{
    QString digest;
    QString compression; //!< "gzip", "zstd", "none"
    qint64 compressedBytes = 0;
    qint64 uncompressedBytes = 0;
    QList<LayerEntry> entries; //!< in archive order
    //! gzip only: where reading a file may start (ascending); empty = from the start.
    QList<InflateCheckpoint> checkpoints;
    QStringList warnings; //!< entries skipped (unsafe paths, aufs metadata), said once each

    //! The last checkpoint at or before uncompressedOffset; null when reading must start at the
    //! beginning of the blob.
    const InflateCheckpoint *checkpointBefore(qint64 uncompressedOffset) const;
    //! The compressed offset after which no byte is needed to inflate up to uncompressedEnd:
    //! the first checkpoint at or past it (-1: to the end of the blob).
    qint64 compressedEndFor(qint64 uncompressedEnd) const;
};

//! What reading a file fetched.
struct LayerFileRead
{
    qint64 bytes = 0;        //!< of the file handed to the sink
    qint64 fetchedBytes = 0; //!< of the blob that came over the wire before the read ended
    //! Of the blob asked for: the Range (to the checkpoint after the file), or the whole blob.
    qint64 requestedBytes = 0;
    bool ranged = false; //!< a Range was asked for and answered (206)
};

} // namespace Berth
