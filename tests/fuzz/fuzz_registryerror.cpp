// registryErrorMessage / httpError over arbitrary error bodies.
#include "net/formats/registryerrorbody.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView body(reinterpret_cast<const char *>(data), qsizetype(size));
    (void)Berth::registryErrorMessage(body);
    for (int status : {400, 401, 404, 429, 500})
        (void)Berth::httpError(status, body).toString();
    return 0;
}
