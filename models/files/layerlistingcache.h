#pragma once

#include "net/formats/layerentry.h"

#include <QString>

#include <optional>

namespace Berth {

//! Layer listings on disk, one file per layer digest (a layer's content never changes under its
//! digest): a second look into an image lists nothing again, and a file read later finds its
//! gzip checkpoints. Files are written whole (QSaveFile) and read back checked (magic, version,
//! digest, bounds); the least recently used go once the folder is over its cap.
class LayerListingCache
{
public:
    //! Empty directory: QStandardPaths::CacheLocation + "/layers".
    explicit LayerListingCache(QString directory = {});

    QString directory() const { return m_directory; }
    void setCapBytes(qint64 bytes) { m_capBytes = bytes; }
    qint64 capBytes() const { return m_capBytes; }

    std::optional<LayerListing> load(const QString &digest) const;
    //! False when it could not be written (full disk, read-only folder): listing works on.
    bool store(const LayerListing &listing) const;

    //! What the folder holds: listings and their bytes on disk.
    struct Usage
    {
        qint64 listings = 0;
        qint64 bytes = 0;
    };
    Usage usage() const;
    //! Removes every listing (`berth cache clear`, the window's Clear All). false when one could
    //! not be removed; a missing folder is empty, not an error.
    bool clear() const;

    //! The bytes stored for a listing (compressed); what a layer costs on disk.
    static QByteArray encode(const LayerListing &listing);
    static std::optional<LayerListing> decode(const QByteArray &bytes);

    static constexpr qint64 DefaultCapBytes = 512LL * 1024 * 1024;

private:
    QString pathFor(const QString &digest) const;
    //! Removes the least recently used listings until the folder is under the cap; never keep
    //! (the one just stored).
    void trim(const QString &keep) const;

    QString m_directory;
    qint64 m_capBytes = DefaultCapBytes;
};

} // namespace Berth
