#include "models/files/layerlistingcache.h"

#include "net/core/digest.h"
#include "net/layers/layerreader.h"

#include <QDataStream>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {
constexpr quint32 Magic = 0x424c5354; // "BLST"
constexpr quint32 FormatVersion = 1;
constexpr int MaxCheckpoints = 1 << 20;
constexpr qint64 MaxEncodedBytes = 1LL << 30; // an upper bound on what decode() takes in
} // namespace

LayerListingCache::LayerListingCache(QString directory)
    : m_directory(directory.isEmpty()
                          ? QStandardPaths::writableLocation(QStandardPaths::CacheLocation)
                                    + u"/layers"_s
                          : std::move(directory))
{}

QString LayerListingCache::pathFor(const QString &digest) const
{
    // "sha256:<hex>" -> "sha256-<hex>.listing": only digests that passed Digest::isValid().
    QString name = digest;
    name.replace(u':', u'-');
    return m_directory + u'/' + name + u".listing"_s;
}

QByteArray LayerListingCache::encode(const LayerListing &listing)
{
    QByteArray payload;
    {
        QDataStream out(&payload, QIODevice::WriteOnly);
        out.setVersion(QDataStream::Qt_6_4);
        out << listing.digest << listing.compression << listing.compressedBytes
            << listing.uncompressedBytes << listing.warnings << qint64(listing.entries.size());
        for (const LayerEntry &entry : listing.entries) {
            out << entry.path << quint8(entry.type) << entry.opaque << entry.size << entry.mode
                << entry.uid << entry.gid << entry.mtime << entry.link << entry.dataOffset
                << entry.hasContentDigest;
            if (entry.hasContentDigest)
                out.writeRawData(reinterpret_cast<const char *>(entry.contentDigest.data()), 32);
        }
        out << qint64(listing.checkpoints.size());
        for (const InflateCheckpoint &checkpoint : listing.checkpoints) {
            out << checkpoint.compressedOffset << checkpoint.uncompressedOffset << checkpoint.bits
                << checkpoint.window;
        }
    }
    QByteArray bytes;
    QDataStream header(&bytes, QIODevice::WriteOnly);
    header << Magic << FormatVersion;
    return bytes + qCompress(payload, 6);
}

std::optional<LayerListing> LayerListingCache::decode(const QByteArray &bytes)
{
    if (bytes.size() < 8 || bytes.size() > MaxEncodedBytes)
        return std::nullopt;
    QDataStream header(bytes);
    quint32 magic = 0;
    quint32 version = 0;
    header >> magic >> version;
    if (magic != Magic || version != FormatVersion)
        return std::nullopt;
    const QByteArray payload = qUncompress(bytes.sliced(8));
    if (payload.isEmpty())
        return std::nullopt;
    QDataStream in(payload);
    in.setVersion(QDataStream::Qt_6_4);
    LayerListing listing;
    qint64 count = 0;
    in >> listing.digest >> listing.compression >> listing.compressedBytes
            >> listing.uncompressedBytes >> listing.warnings >> count;
    if (in.status() != QDataStream::Ok || count < 0 || count > LayerReadOptions::MaxEntries)
        return std::nullopt;
    listing.entries.reserve(count);
    for (qint64 i = 0; i < count; ++i) {
        LayerEntry entry;
        quint8 type = 0;
        in >> entry.path >> type >> entry.opaque >> entry.size >> entry.mode >> entry.uid
                >> entry.gid >> entry.mtime >> entry.link >> entry.dataOffset
                >> entry.hasContentDigest;
        if (type > quint8(EntryType::Other))
            return std::nullopt;
        entry.type = EntryType(type);
        if (entry.hasContentDigest
            && in.readRawData(reinterpret_cast<char *>(entry.contentDigest.data()), 32) != 32)
            return std::nullopt;
        if (in.status() != QDataStream::Ok || !entry.path.startsWith(u'/'))
            return std::nullopt;
        listing.entries.append(std::move(entry));
    }
    qint64 checkpoints = 0;
    in >> checkpoints;
    if (in.status() != QDataStream::Ok || checkpoints < 0 || checkpoints > MaxCheckpoints)
        return std::nullopt;
    for (qint64 i = 0; i < checkpoints; ++i) {
        InflateCheckpoint checkpoint;
        in >> checkpoint.compressedOffset >> checkpoint.uncompressedOffset >> checkpoint.bits
                >> checkpoint.window;
        if (in.status() != QDataStream::Ok || checkpoint.bits > 7
            || checkpoint.window.size() > 32 * 1024)
            return std::nullopt;
        listing.checkpoints.append(std::move(checkpoint));
    }
    return listing;
}

std::optional<LayerListing> LayerListingCache::load(const QString &digest) const
{
    if (!Digest::isValid(digest))
        return std::nullopt;
    QFile file(pathFor(digest));
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    std::optional<LayerListing> listing = decode(file.read(MaxEncodedBytes));
    if (!listing || listing->digest != digest)
        return std::nullopt;
    // Used: the last to go when the folder is trimmed.
    file.setFileTime(QDateTime::currentDateTimeUtc(), QFileDevice::FileModificationTime);
    return listing;
}

bool LayerListingCache::store(const LayerListing &listing) const
{
    if (!Digest::isValid(listing.digest) || !QDir().mkpath(m_directory))
        return false;
    const QString path = pathFor(listing.digest);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.write(encode(listing));
    if (!file.commit())
        return false;
    trim(path);
    return true;
}

LayerListingCache::Usage LayerListingCache::usage() const
{
    Usage usage;
    const QFileInfoList files = QDir(m_directory).entryInfoList({u"*.listing"_s}, QDir::Files);
    for (const QFileInfo &info : files) {
        ++usage.listings;
        usage.bytes += info.size();
    }
    return usage;
}

bool LayerListingCache::clear() const
{
    bool removedAll = true;
    const QFileInfoList files = QDir(m_directory).entryInfoList({u"*.listing"_s}, QDir::Files);
    for (const QFileInfo &info : files)
        removedAll = QFile::remove(info.filePath()) && removedAll;
    return removedAll;
}

void LayerListingCache::trim(const QString &keep) const
{
    QFileInfoList files = QDir(m_directory).entryInfoList({u"*.listing"_s}, QDir::Files);
    qint64 total = 0;
    for (const QFileInfo &info : std::as_const(files))
        total += info.size();
    if (total <= m_capBytes)
        return;
    std::sort(files.begin(), files.end(), [](const QFileInfo &a, const QFileInfo &b) {
        return a.lastModified() < b.lastModified();
    });
    for (const QFileInfo &info : std::as_const(files)) {
        if (total <= m_capBytes)
            break;
        if (info.filePath() != keep && QFile::remove(info.filePath()))
            total -= info.size();
    }
}

} // namespace Berth
