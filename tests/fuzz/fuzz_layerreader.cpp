// The layer reader over arbitrary blob bytes (tar, gzip, zstd or neither): it ends with a
// listing or an error, within its bounds; every path it lists is absolute, clean and inside the
// image; and every regular file read back from its data offset (through a gzip checkpoint when
// there is one, as `berth cat` does with a Range) hashes to the digest the listing recorded.
#include "net/layers/bytesource.h"
#include "net/layers/layerreader.h"

#include <cstdint>

using namespace Berth;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray blob(reinterpret_cast<const char *>(data), qsizetype(size));
    MemorySource source(blob);
    LayerReadOptions options;
    options.maxEntries = 2000;
    options.checkpointSpan = 4096; // many checkpoints in small inputs
    const Result<LayerListing> listing = readLayer(source, options);
    if (!listing)
        return 0;
    if (listing->entries.size() > options.maxEntries)
        __builtin_trap();
    int checked = 0;
    for (const LayerEntry &entry : listing->entries) {
        if (!entry.path.startsWith(u'/') || entry.path == u"/" || entry.path.endsWith(u'/')
            || entry.path.contains(u"//") || entry.path.contains(u"/../")
            || entry.path.endsWith(u"/..") || entry.path.contains(u"/./")
            || entry.path.endsWith(u"/."))
            __builtin_trap();
        if (entry.type == EntryType::Hardlink && !entry.link.startsWith(u'/'))
            __builtin_trap();
        if (entry.type != EntryType::File || entry.dataOffset < 0 || !entry.hasContentDigest
            || listing->compression == u"zstd" || checked++ > 8)
            continue;
        const LayerRangeStart start = layerRangeStart(*listing, entry.dataOffset);
        const qint64 last = layerRangeLastByte(*listing, entry.dataOffset + entry.size);
        MemorySource range(
                blob.mid(start.sourceOffset, last < 0 ? -1 : last + 1 - start.sourceOffset));
        Sha256Stream hash;
        const Error error = readLayerRange(range, *listing, start, entry.dataOffset, entry.size,
                                           [&hash](QByteArrayView bytes) {
                                               hash.add(bytes);
                                               return true;
                                           });
        if (error.isError() || hash.finish() != entry.contentDigest)
            __builtin_trap();
    }
    return 0;
}
