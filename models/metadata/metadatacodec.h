#pragma once

#include "net/formats/imagemetadata.h"

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace Berth {

//! The cache's on-disk form of ImageMetadata: a format byte, a flags byte, then a QDataStream
//! body (UTF-8 strings, explicit counts), zlib-compressed when that saves space. It round-trips
//! every field exactly, including each QDateTime's time spec, offset and zone.
//! Bump FormatVersion when the layout changes; older payloads then decode to nullopt and are
//! simply fetched again (the cache is only a cache).
namespace MetadataCodec {

//! 2: ImageMetadata::failedDigestCheck; 3: the config's times as written (createdText)
inline constexpr quint8 FormatVersion = 3;

QByteArray encode(const ImageMetadata &metadata);
//! nullopt for an unknown format version, truncated or otherwise corrupt bytes. Never crashes,
//! never allocates more than the input can describe.
std::optional<ImageMetadata> decode(QByteArrayView bytes);

} // namespace MetadataCodec
} // namespace Berth
