// parseImageConfig (and through it parseRfc3339) over arbitrary bytes.
#include "net/formats/imageconfig.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto config = Berth::parseImageConfig(body);
    if (config.ok() && config->created.isValid())
        (void)config->created.toMSecsSinceEpoch();
    // Times on their own, as history entries and index children carry them.
    (void)Berth::parseRfc3339(QString::fromUtf8(body));
    return 0;
}
