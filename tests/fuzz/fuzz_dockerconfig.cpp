// DockerConfig::parse over arbitrary bytes (~/.docker/config.json, Podman's auth.json), then
// the lookups the authenticator makes.
#include "net/auth/dockerconfig.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto config = Berth::DockerConfig::parse(body);
    if (config.ok()) {
        for (const QString host : {QStringLiteral("registry-1.docker.io"),
                                   QStringLiteral("127.0.0.1:5000"), QStringLiteral("ghcr.io")}) {
            (void)config->inlineCredentials(host);
            (void)config->helperFor(host);
        }
    }
    return 0;
}
