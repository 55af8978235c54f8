// ImageReference::parse over arbitrary text, then the normalised forms of what it accepts.
#include "net/core/imagereference.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto reference = Berth::ImageReference::parse(text);
    if (reference.ok()) {
        // A normalised reference must parse again to itself.
        const QString again = reference->toString();
        const auto reparsed = Berth::ImageReference::parse(again);
        if (!reparsed.ok() || reparsed->toString() != again)
            __builtin_trap();
    }
    return 0;
}
