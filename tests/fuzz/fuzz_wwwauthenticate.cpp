// parseWwwAuthenticate over arbitrary header values.
#include "net/auth/wwwauthenticate.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const auto challenges = Berth::parseWwwAuthenticate(
            QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size)));
    for (const Berth::AuthChallenge &challenge : challenges)
        (void)challenge.scheme.size();
    return 0;
}
