#include "net/layers/layerreader.h"

#include "net/layers/bytesource.h"
#include "net/layers/gzipinflater.h"

#include <archive.h>
#include <archive_entry.h>

#include <QStringList>

#include <memory>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

constexpr qint64 ReadChunk = 128 * 1024;
constexpr int MaxWarnings = 20;
const QString WhiteoutPrefix = u".wh."_s;
const QString OpaqueMarker = u".wh..wh..opq"_s;

enum class Compression { None, Gzip, Zstd };

Compression sniff(const QByteArray &head)
{
    if (head.startsWith("\x1f\x8b"))
        return Compression::Gzip;
    if (head.startsWith("\x28\xb5\x2f\xfd"))
        return Compression::Zstd;
    return Compression::None;
}

QString compressionName(Compression compression)
{
    switch (compression) {
    case Compression::Gzip:
        return u"gzip"_s;
    case Compression::Zstd:
        return u"zstd"_s;
    case Compression::None:
        break;
    }
    return u"none"_s;
}

//! What libarchive pulls from: inflated gzip (ours, for the checkpoints) or the source itself
//! (libarchive's own zstd filter, or a plain tar).
struct ArchiveInput
{
    ByteSource *source = nullptr;
    GzipInflater *gzip = nullptr;
    QByteArray buffer = QByteArray(ReadChunk, Qt::Uninitialized);
    Error error;
};

la_ssize_t readArchiveInput(struct archive *archive, void *client, const void **buffer)
{
    auto *input = static_cast<ArchiveInput *>(client);
    const qint64 n = input->gzip ? input->gzip->read(input->buffer.data(), input->buffer.size())
                                 : input->source->read(input->buffer.data(), input->buffer.size());
    if (n < 0) {
        input->error = input->gzip ? input->gzip->error() : input->source->error();
        archive_set_error(archive, EIO, "%s", input->error.message.toUtf8().constData());
        return -1;
    }
    *buffer = input->buffer.constData();
    return la_ssize_t(n);
}

struct ArchiveDeleter
{
    void operator()(struct archive *archive) const { archive_read_free(archive); }
};
using ArchivePtr = std::unique_ptr<struct archive, ArchiveDeleter>;

QString entryPath(struct archive_entry *entry)
{
    if (const char *utf8 = archive_entry_pathname_utf8(entry))
        return QString::fromUtf8(utf8);
    const char *raw = archive_entry_pathname(entry);
    return raw ? QString::fromUtf8(raw) : QString();
}

QString hardlinkTarget(struct archive_entry *entry)
{
    if (const char *utf8 = archive_entry_hardlink_utf8(entry))
        return QString::fromUtf8(utf8);
    const char *raw = archive_entry_hardlink(entry);
    return raw ? QString::fromUtf8(raw) : QString();
}

QString symlinkTarget(struct archive_entry *entry)
{
    if (const char *utf8 = archive_entry_symlink_utf8(entry))
        return QString::fromUtf8(utf8);
    const char *raw = archive_entry_symlink(entry);
    return raw ? QString::fromUtf8(raw) : QString();
}

//! The first MaxWarnings warnings (a hostile layer may skip a million entries), then, at
//! close(), how many more there were.
class Warnings
{
public:
    explicit Warnings(QStringList &list)
        : m_list(list)
    {}
    void close()
    {
        if (m_dropped > 0)
            m_list.append(u"... and %1 more skipped entries"_s.arg(m_dropped));
        m_dropped = 0;
    }
    Warnings(const Warnings &) = delete;
    Warnings &operator=(const Warnings &) = delete;
    void add(const QString &warning)
    {
        if (m_list.size() < MaxWarnings)
            m_list.append(warning);
        else
            ++m_dropped;
    }

private:
    QStringList &m_list;
    int m_dropped = 0;
};

//! The entry's own fields; type and path are decided by the caller (whiteouts, links).
LayerEntry describe(struct archive_entry *entry)
{
    LayerEntry described;
    described.size = archive_entry_size_is_set(entry) ? archive_entry_size(entry) : 0;
    described.mode = quint32(archive_entry_perm(entry)) & 07777;
    described.uid = archive_entry_uid(entry);
    described.gid = archive_entry_gid(entry);
    described.mtime = archive_entry_mtime(entry);
    switch (archive_entry_filetype(entry)) {
    case AE_IFREG:
        described.type = EntryType::File;
        break;
    case AE_IFDIR:
        described.type = EntryType::Dir;
        described.size = 0;
        break;
    case AE_IFLNK:
        described.type = EntryType::Symlink;
        described.size = 0;
        described.link = symlinkTarget(entry);
        break;
    default:
        described.type = EntryType::Other;
        break;
    }
    return described;
}

//! Reads the current entry's data: hashes it, hands it on when wanted. Sparse holes read as
//! zeros, as they would on disk.
Error readContent(struct archive *archive, LayerEntry &entry, const LayerReadOptions &options,
                  bool handOn)
{
    Sha256Stream hash;
    const void *block = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    qint64 position = 0;
    static const QByteArray zeros(64 * 1024, '\0');
    const auto pass = [&](QByteArrayView bytes) {
        hash.add(bytes);
        position += bytes.size();
        return !handOn || options.content(entry, bytes);
    };
    for (;;) {
        const int status = archive_read_data_block(archive, &block, &size, &offset);
        if (status == ARCHIVE_EOF)
            break;
        if (status < ARCHIVE_WARN) {
            return Error(
                    ErrorCode::BadResponse,
                    u"%1: %2"_s.arg(entry.path, QString::fromUtf8(archive_error_string(archive))));
        }
        while (position < offset) {
            if (!pass(QByteArrayView(zeros).first(qMin<qint64>(zeros.size(), offset - position))))
                return Error(ErrorCode::Cancelled, u"cancelled"_s);
        }
        if (size > 0 && !pass(QByteArrayView(static_cast<const char *>(block), qsizetype(size))))
            return Error(ErrorCode::Cancelled, u"cancelled"_s);
    }
    while (position < entry.size) {
        if (!pass(QByteArrayView(zeros).first(qMin<qint64>(zeros.size(), entry.size - position))))
            return Error(ErrorCode::Cancelled, u"cancelled"_s);
    }
    entry.contentDigest = hash.finish();
    entry.hasContentDigest = true;
    return {};
}

//! Reads the rest of a source after the tar's end (padding, the gzip trailer): the digest
//! covers every byte.
Error drain(ByteSource &source, GzipInflater *gzip)
{
    QByteArray buffer(ReadChunk, Qt::Uninitialized);
    for (;;) {
        const qint64 n = gzip ? gzip->read(buffer.data(), buffer.size())
                              : source.read(buffer.data(), buffer.size());
        if (n < 0)
            return gzip ? gzip->error() : source.error();
        if (n == 0)
            return {};
    }
}

} // namespace

std::optional<QString> normaliseLayerPath(QStringView path)
{
    QStringList parts;
    for (const QStringView part : path.split(u'/', Qt::SkipEmptyParts)) {
        if (part == u".")
            continue;
        if (part == u"..")
            return std::nullopt;
        parts.append(part.toString());
    }
    return u"/"_s + parts.join(u'/');
}

Result<LayerListing> readLayer(ByteSource &input, const LayerReadOptions &options)
{
    VerifyingSource verified(input, options.digest, options.size);
    LayerListing listing;
    listing.digest = options.digest;

    // The first bytes tell the compression (media types lie, and Docker's say nothing of it).
    QByteArray head(4, Qt::Uninitialized);
    qint64 headBytes = 0;
    while (headBytes < head.size()) {
        const qint64 n = verified.read(head.data() + headBytes, head.size() - headBytes);
        if (n < 0)
            return verified.error();
        if (n == 0)
            break;
        headBytes += n;
    }
    head.truncate(headBytes);
    const Compression compression = sniff(head);
    listing.compression = compressionName(compression);
    PrefixedSource source(head, verified);

    std::unique_ptr<GzipInflater> gzip;
    if (compression == Compression::Gzip)
        gzip = std::make_unique<GzipInflater>(source, options.checkpointSpan);

    ArchivePtr archive(archive_read_new());
    archive_read_support_format_tar(archive.get());
    if (compression == Compression::Zstd)
        archive_read_support_filter_zstd(archive.get());
    ArchiveInput archiveInput;
    archiveInput.source = &source;
    archiveInput.gzip = gzip.get();
    // The input's error (the network, the digest) explains a failure better than libarchive's.
    const auto failure = [&](const QString &what) -> Error {
        if (archiveInput.error.isError())
            return archiveInput.error;
        return Error(ErrorCode::BadResponse,
                     u"%1: %2"_s.arg(what, QString::fromUtf8(archive_error_string(archive.get()))));
    };
    if (archive_read_open(archive.get(), &archiveInput, nullptr, readArchiveInput, nullptr)
        != ARCHIVE_OK) {
        if (headBytes == 0)
            return Error(ErrorCode::BadResponse, u"the layer is empty"_s);
        return failure(u"not a tar layer"_s);
    }

    Warnings warnings(listing.warnings);
    struct archive_entry *entry = nullptr;
    for (;;) {
        const int status = archive_read_next_header(archive.get(), &entry);
        if (status == ARCHIVE_EOF)
            break;
        if (status < ARCHIVE_WARN)
            return failure(u"reading the layer's tar"_s);
        if (listing.entries.size() >= options.maxEntries) {
            return Error(
                    ErrorCode::TooLarge,
                    u"the layer has more than %1 entries (Berth lists at most that many)"_s.arg(
                            options.maxEntries));
        }
        const QString rawPath = entryPath(entry);
        if (rawPath.size() > LayerReadOptions::MaxPathBytes) {
            warnings.add(
                    u"skipped an entry whose path is %1 characters long"_s.arg(rawPath.size()));
            continue;
        }
        const std::optional<QString> path = normaliseLayerPath(rawPath);
        if (!path) {
            warnings.add(u"skipped %1: it climbs out of the image's root"_s.arg(rawPath));
            continue;
        }
        if (*path == u"/"_s)
            continue; // "./": the root itself
        LayerEntry described = describe(entry);
        described.path = *path;
        const qsizetype slash = path->lastIndexOf(u'/');
        const QString directory = slash == 0 ? u"/"_s : path->left(slash);
        const QString name = path->mid(slash + 1);
        if (path->contains(u"/.wh..wh."_s) && name != OpaqueMarker)
            continue; // aufs' own metadata (.wh..wh.plnk/, .wh..wh.aufs): not content
        if (name.startsWith(WhiteoutPrefix)) {
            if (name == OpaqueMarker) {
                if (directory == u"/"_s) {
                    warnings.add(u"skipped an opaque marker for the root"_s);
                    continue;
                }
                described.path = directory;
                described.opaque = true;
            } else {
                described.path = (directory == u"/"_s ? QString() : directory) + u'/'
                                 + name.mid(WhiteoutPrefix.size());
            }
            described.type = EntryType::Whiteout;
            described.size = 0;
            listing.entries.append(std::move(described));
            continue;
        }
        const QString target = hardlinkTarget(entry);
        if (!target.isEmpty()) {
            const std::optional<QString> normalised = normaliseLayerPath(target);
            if (!normalised || *normalised == u"/"_s) {
                warnings.add(u"skipped %1: a hard link out of the image's root"_s.arg(rawPath));
                continue;
            }
            described.type = EntryType::Hardlink;
            described.link = *normalised;
            described.size = 0;
        }
        if (described.type == EntryType::File) {
            // libarchive has consumed the headers: the data starts here in the tar stream.
            described.dataOffset = archive_entry_sparse_count(entry) > 0
                                           ? -1
                                           : archive_filter_bytes(archive.get(), 0);
            const bool handOn
                    = options.wantsContent && options.content && options.wantsContent(described);
            if (const Error error = readContent(archive.get(), described, options, handOn);
                error.isError()) {
                return archiveInput.error.isError() ? archiveInput.error : error;
            }
        }
        listing.entries.append(std::move(described));
    }
    if (const Error error = drain(source, gzip.get()); error.isError())
        return error;
    if (const Error error = drain(verified, nullptr); error.isError())
        return error;
    listing.compressedBytes = verified.bytesRead();
    if (gzip)
        listing.uncompressedBytes = gzip->totalOut();
    else if (compression == Compression::None)
        listing.uncompressedBytes = listing.compressedBytes;
    else // zstd: up to the tar's end, where libarchive stopped
        listing.uncompressedBytes = archive_filter_bytes(archive.get(), 0);
    if (gzip)
        listing.checkpoints = gzip->takeCheckpoints();
    warnings.close();
    return listing;
}

LayerRangeStart layerRangeStart(const LayerListing &listing, qint64 offset)
{
    if (listing.compression == u"none"_s)
        return {offset, nullptr};
    if (listing.compression == u"gzip"_s) {
        if (const InflateCheckpoint *checkpoint = listing.checkpointBefore(offset))
            return {checkpoint->compressedOffset - (checkpoint->bits ? 1 : 0), checkpoint};
    }
    return {};
}

qint64 layerRangeLastByte(const LayerListing &listing, qint64 end)
{
    if (listing.compression == u"none"_s)
        return end - 1;
    if (listing.compression == u"gzip"_s) {
        // The checkpoint past the end lies inside a byte the inflater may still need.
        const qint64 at = listing.compressedEndFor(end);
        return at < 0 ? -1 : qMin(at, listing.compressedBytes - 1);
    }
    return -1;
}

Error readLayerRange(ByteSource &source, const LayerListing &listing, const LayerRangeStart &start,
                     qint64 offset, qint64 length, const std::function<bool(QByteArrayView)> &sink)
{
    QByteArray buffer(ReadChunk, Qt::Uninitialized);
    std::unique_ptr<GzipInflater> gzip;
    qint64 position = 0; // of the next byte read, in the uncompressed tar
    const bool atBlobStart = start.sourceOffset == 0;
    if (listing.compression == u"gzip"_s) {
        if (!atBlobStart && !start.checkpoint)
            return Error(ErrorCode::InvalidInput, u"no checkpoint to start inflating at"_s);
        gzip = atBlobStart ? std::make_unique<GzipInflater>(source, 0)
                           : std::make_unique<GzipInflater>(source, *start.checkpoint);
        position = atBlobStart ? 0 : start.checkpoint->uncompressedOffset;
    } else if (listing.compression == u"none"_s) {
        position = start.sourceOffset; // a plain tar: blob bytes are tar bytes
    } else if (!atBlobStart) {
        return Error(ErrorCode::Unsupported,
                     u"a %1 layer cannot be read from the middle"_s.arg(listing.compression));
    } else {
        // zstd: the whole stream through libarchive's filter up to the range.
        return Error(ErrorCode::Unsupported,
                     u"a %1 layer is read by listing it again"_s.arg(listing.compression));
    }
    const qint64 end = offset + length;
    while (position < end) {
        // A plain tar read from its start skips up to offset; a ranged one stops at end.
        const qint64 n = gzip ? gzip->read(buffer.data(), buffer.size())
                              : source.read(buffer.data(), qMin(buffer.size(), end - position));
        if (n < 0)
            return gzip ? gzip->error() : source.error();
        if (n == 0) {
            return Error(ErrorCode::BadResponse,
                         u"the layer ended %1 bytes before the file did"_s.arg(end - position));
        }
        const qint64 from = qMax(position, offset);
        const qint64 to = qMin(position + n, end);
        if (to > from && !sink(QByteArrayView(buffer.constData() + (from - position), to - from)))
            return Error(ErrorCode::Cancelled, u"cancelled"_s);
        position += n;
    }
    return {};
}

} // namespace Berth
