#include "net/formats/layerentry.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Berth {

QString entryTypeName(EntryType type)
{
    switch (type) {
    case EntryType::File:
        return u"file"_s;
    case EntryType::Dir:
        return u"dir"_s;
    case EntryType::Symlink:
        return u"symlink"_s;
    case EntryType::Hardlink:
        return u"hardlink"_s;
    case EntryType::Whiteout:
        return u"whiteout"_s;
    case EntryType::Other:
        break;
    }
    return u"other"_s;
}

QString LayerEntry::modeText() const
{
    return u"%1"_s.arg(mode & 07777, 4, 8, QChar(u'0'));
}

const InflateCheckpoint *LayerListing::checkpointBefore(qint64 uncompressedOffset) const
{
    const auto after
            = std::upper_bound(checkpoints.cbegin(), checkpoints.cend(), uncompressedOffset,
                               [](qint64 offset, const InflateCheckpoint &checkpoint) {
                                   return offset < checkpoint.uncompressedOffset;
                               });
    return after == checkpoints.cbegin() ? nullptr : &*(after - 1);
}

qint64 LayerListing::compressedEndFor(qint64 uncompressedEnd) const
{
    const auto at = std::lower_bound(checkpoints.cbegin(), checkpoints.cend(), uncompressedEnd,
                                     [](const InflateCheckpoint &checkpoint, qint64 offset) {
                                         return checkpoint.uncompressedOffset < offset;
                                     });
    return at == checkpoints.cend() ? -1 : at->compressedOffset;
}

} // namespace Berth
